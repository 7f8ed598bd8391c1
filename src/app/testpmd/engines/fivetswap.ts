// 5tswap: swaps Ethernet addresses, walks VLAN/QinQ tags, swaps IPv4 or IPv6 addresses, then UDP or TCP
// ports, stopping at the first layer it does not know. Checksums stay valid (swaps only), so none is
// touched. Like testpmd, l4_len is set for UDP/TCP and mbuf_field_set then sets l2_len/l3_len to 14/20.

import * as ethdev from '../../../lib/ethdev/index.js';
import { M_TX_OFFLOAD } from '../../../lib/mbuf/mbuf_layout.js';
import { ST_RX } from '../shared.js';
import { mtod, olResetL2L3, sendBurst, swapMacs, vlanQinqSet, type EngineEnv, type PacketFwd, type StreamRt } from './common.js';

function swapBytes(u8: Uint8Array, a: number, b: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const t = u8[a + i]!;
    u8[a + i] = u8[b + i]!;
    u8[b + i] = t;
  }
}

function setL4Len(u32: Uint32Array, m: number, len: number): void {
  const t = (m + M_TX_OFFLOAD) >>> 2;
  u32[t] = (u32[t]! & ~0x00ff0000) | ((len & 0xff) << 16);
}

export function createFiveTupleSwap(env: EngineEnv): PacketFwd {
  const { f64, u8, u16, u32, burst } = env;
  return (s: StreamRt): void => {
    const pkts = s.pkts;
    const nbRx = ethdev.rxBurst(s.rxPort, s.rxQueue, pkts, burst);
    if (nbRx === 0) return;
    f64[s.st + ST_RX] += nbRx;
    vlanQinqSet(u16, pkts, nbRx, s.olHi);
    for (let i = 0; i < nbRx; i++) {
      const m = pkts[i]!;
      let h = mtod(u32, u16, m);
      let proto = (u8[h + 12]! << 8) | u8[h + 13]!;
      swapMacs(u8, h);
      h += 14;
      while (proto === 0x8100 || proto === 0x88a8) {
        proto = (u8[h + 2]! << 8) | u8[h + 3]!;
        h += 4;
      }
      let next: number;
      if (proto === 0x0800) {
        swapBytes(u8, h + 12, h + 16, 4);
        next = u8[h + 9]!;
        h += (u8[h]! & 0x0f) * 4;
      } else if (proto === 0x86dd) {
        swapBytes(u8, h + 8, h + 24, 16);
        next = u8[h + 6]!;
        h += 40;
      } else {
        olResetL2L3(u32, m, s.olHi);
        continue;
      }
      if (next === 17) {
        swapBytes(u8, h, h + 2, 2);
        setL4Len(u32, m, 8);
      } else if (next === 6) {
        swapBytes(u8, h, h + 2, 2);
        setL4Len(u32, m, (u8[h + 12]! & 0xf0) >>> 2);
      }
      olResetL2L3(u32, m, s.olHi);
    }
    sendBurst(env, s, nbRx);
  };
}
