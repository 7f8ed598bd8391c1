// macswap: Ethernet source and destination swapped; same metadata handling as mac (mbuf_field_set).

import * as ethdev from '../../../lib/ethdev/index.js';
import { ST_RX } from '../shared.js';
import { mtod, olResetL2L3, sendBurst, swapMacs, swapMacs16, vlanQinqSet, type EngineEnv, type PacketFwd, type StreamRt } from './common.js';

export function createMacswap(env: EngineEnv): PacketFwd {
  const { f64, u8, u16, u32, burst } = env;
  return (s: StreamRt): void => {
    const pkts = s.pkts;
    const nbRx = ethdev.rxBurst(s.rxPort, s.rxQueue, pkts, burst);
    if (nbRx === 0) return;
    f64[s.st + ST_RX] += nbRx;
    vlanQinqSet(u16, pkts, nbRx, s.olHi);
    for (let i = 0; i < nbRx; i++) {
      const m = pkts[i]!;
      const d = mtod(u32, u16, m);
      if ((d & 1) === 0) swapMacs16(u16, d);
      else swapMacs(u8, d);
      olResetL2L3(u32, m, s.olHi);
    }
    sendBurst(env, s, nbRx);
  };
}
