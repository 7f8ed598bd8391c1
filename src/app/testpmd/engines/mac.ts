// mac: Ethernet destination := the Tx port's peer, source := the Tx port's MAC; ol_flags reset, l2/l3
// lengths 14/20, vlan_tci and vlan_tci_outer := the port's tx_vlan ids (0).

import * as ethdev from '../../../lib/ethdev/index.js';
import { M_VLAN_TCI, M_VLAN_TCI_OUTER } from '../../../lib/mbuf/mbuf_layout.js';
import { ST_RX } from '../shared.js';
import { mtod, olResetL2L3, putMac, putMac16, sendBurst, type EngineEnv, type PacketFwd, type StreamRt } from './common.js';

export function createMac(env: EngineEnv): PacketFwd {
  const { f64, u8, u16, u32, burst } = env;
  return (s: StreamRt): void => {
    const pkts = s.pkts;
    const nbRx = ethdev.rxBurst(s.rxPort, s.rxQueue, pkts, burst);
    if (nbRx === 0) return;
    f64[s.st + ST_RX] += nbRx;
    for (let i = 0; i < nbRx; i++) {
      const m = pkts[i]!;
      const d = mtod(u32, u16, m);
      if ((d & 1) === 0) {
        putMac16(u16, d, s.peer16);
        putMac16(u16, d + 6, s.txMac16);
      } else {
        putMac(u8, d, s.peer);
        putMac(u8, d + 6, s.txMac);
      }
      olResetL2L3(u32, m, s.olHi);
      u16[(m + M_VLAN_TCI) >>> 1] = 0;
      u16[(m + M_VLAN_TCI_OUTER) >>> 1] = 0;
    }
    sendBurst(env, s, nbRx);
  };
}
