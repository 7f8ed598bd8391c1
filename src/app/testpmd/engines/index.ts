// The forwarding engines tsdpdk-testpmd implements, by testpmd mode name.

import type { EngineEnv, PacketFwd } from './common.js';
import { createCsum } from './csum.js';
import { createFiveTupleSwap } from './fivetswap.js';
import { createFlowgen } from './flowgen.js';
import { createIcmpecho } from './icmpecho.js';
import { createIo } from './io.js';
import { createMac } from './mac.js';
import { createMacswap } from './macswap.js';
import { createRxonly } from './rxonly.js';
import { createTxonly } from './txonly.js';

export const ENGINES: Record<string, (env: EngineEnv) => PacketFwd> = {
  io: createIo,
  mac: createMac,
  macswap: createMacswap,
  flowgen: createFlowgen,
  rxonly: createRxonly,
  txonly: createTxonly,
  csum: createCsum,
  icmpecho: createIcmpecho,
  '5tswap': createFiveTupleSwap,
};
