// rxonly: everything received is counted and freed.

import * as ethdev from '../../../lib/ethdev/index.js';
import { ST_RX } from '../shared.js';
import type { EngineEnv, PacketFwd, StreamRt } from './common.js';
import { freeBulk as freeBurst } from '../../../lib/mbuf/index.js';

export function createRxonly(env: EngineEnv): PacketFwd {
  const { f64, burst } = env;
  return (s: StreamRt): void => {
    const nbRx = ethdev.rxBurst(s.rxPort, s.rxQueue, s.pkts, burst);
    if (nbRx === 0) return;
    f64[s.st + ST_RX] += nbRx;
    freeBurst(s.pkts, nbRx);
  };
}
