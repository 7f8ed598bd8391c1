// flowgen: receives and frees, then sends a burst of UDP/IPv4 packets (tx_pkt_length - 4 bytes) whose
// destination address walks 10.253.0.0 + 0..flows-1 round robin; fixed Ethernet addresses
// 00:01:02:03:04:00 -> :01, 10.254.0.0:1000 -> :1001. With --flowgen-clones the same mbuf is sent several
// times (refcnt raised).

import * as ethdev from '../../../lib/ethdev/index.js';
import { Mempool } from '../../../lib/mempool/index.js';
import {
  M_BUF_ADDR, M_DATA_LEN, M_DATA_OFF, M_NB_SEGS, M_NEXT, M_OL_FLAGS, M_PKT_LEN, M_REFCNT, M_TX_OFFLOAD, M_VLAN_TCI,
  M_VLAN_TCI_OUTER,
} from '../../../lib/mbuf/mbuf_layout.js';
import { ST_DROPPED, ST_RX } from '../shared.js';
import { ipv4Cksum } from './cksum.js';
import { OL_HI_EXTERNAL, sendBurst, type EngineEnv, type PacketFwd, type StreamRt } from './common.js';
import { freeBulk as freeBurst } from '../../../lib/mbuf/index.js';

// Per lcore (this worker thread), like testpmd's RTE_PER_LCORE(_next_flow).
let nextFlowLcore = 0;

export function createFlowgen(env: EngineEnv): PacketFwd {
  const { u8, u16, u32, f64, burst } = env;
  const mp = Mempool.attach(env.pool);
  const flows = env.cfg.flowgen.flows;
  const clonesCfg = env.cfg.flowgen.clones;
  const pktSize = (env.cfg.txonly.pktLength - 4) >>> 0;
  return (s: StreamRt): void => {
    const pkts = s.pkts;
    const nbRx = ethdev.rxBurst(s.rxPort, s.rxQueue, pkts, burst);
    f64[s.st + ST_RX] += nbRx;
    if (nbRx > 0) freeBurst(pkts, nbRx);
    let nextFlow = nextFlowLcore;
    let nbClones = clonesCfg;
    let pkt = 0;
    let nbPkt = 0;
    for (; nbPkt < burst; nbPkt++) {
      if (nbPkt === 0 || nbClones === 0) {
        nbClones = clonesCfg > burst ? burst : clonesCfg;
        pkt = mp.get();
        if (pkt === 0) break;
        u16[(pkt + M_DATA_LEN) >>> 1] = pktSize;
        u32[(pkt + M_NEXT) >>> 2] = 0;
        u32[((pkt + M_NEXT) >>> 2) + 1] = 0;
        const e = u32[(pkt + M_BUF_ADDR) >>> 2]! + u16[(pkt + M_DATA_OFF) >>> 1]!;
        u8[e] = 0; u8[e + 1] = 1; u8[e + 2] = 2; u8[e + 3] = 3; u8[e + 4] = 4; u8[e + 5] = 1;
        u8[e + 6] = 0; u8[e + 7] = 1; u8[e + 8] = 2; u8[e + 9] = 3; u8[e + 10] = 4; u8[e + 11] = 0;
        u8[e + 12] = 0x08;
        u8[e + 13] = 0x00;
        const ip = e + 14;
        u8.fill(0, ip, ip + 20);
        u8[ip] = 0x45;
        u8[ip + 8] = 64;
        u8[ip + 9] = 17;
        u8[ip + 12] = 10; u8[ip + 13] = 254;
        const dst = ((10 << 24) | (253 << 16)) + nextFlow;
        u8[ip + 16] = dst >>> 24; u8[ip + 17] = (dst >>> 16) & 0xff; u8[ip + 18] = (dst >>> 8) & 0xff; u8[ip + 19] = dst & 0xff;
        const ipLen = (pktSize - 14) & 0xffff;
        u8[ip + 2] = ipLen >>> 8;
        u8[ip + 3] = ipLen & 0xff;
        const c = ipv4Cksum(u8, ip);
        u8[ip + 10] = c >>> 8;
        u8[ip + 11] = c & 0xff;
        const udp = ip + 20;
        u8[udp] = 1000 >>> 8; u8[udp + 1] = 1000 & 0xff;
        u8[udp + 2] = 1001 >>> 8; u8[udp + 3] = 1001 & 0xff;
        u8[udp + 6] = 0; u8[udp + 7] = 0;
        const udpLen = (pktSize - 34) & 0xffff;
        u8[udp + 4] = udpLen >>> 8;
        u8[udp + 5] = udpLen & 0xff;
        u16[(pkt + M_NB_SEGS) >>> 1] = 1;
        u32[(pkt + M_PKT_LEN) >>> 2] = pktSize;
        const o = (pkt + M_OL_FLAGS) >>> 2;
        u32[o] = 0;
        u32[o + 1] = (u32[o + 1]! & OL_HI_EXTERNAL) | s.olHi;
        u16[(pkt + M_VLAN_TCI) >>> 1] = 0;
        u16[(pkt + M_VLAN_TCI_OUTER) >>> 1] = 0;
        const t = (pkt + M_TX_OFFLOAD) >>> 2;
        u32[t] = (u32[t]! & 0xffff0000) | 14 | (20 << 7);
      } else {
        nbClones--;
        Atomics.add(u16, (pkt + M_REFCNT) >>> 1, 1);
      }
      pkts[nbPkt] = pkt;
      if (++nextFlow >= flows) nextFlow = 0;
    }
    if (nbPkt > 0) {
      const dropped0 = f64[s.st + ST_DROPPED]!;
      sendBurst(env, s, nbPkt);
      const nbDropped = f64[s.st + ST_DROPPED]! - dropped0;
      if (nbDropped > 0) {
        // Back the flow counter out for what was not sent.
        nextFlow -= nbDropped;
        while (nextFlow < 0) nextFlow += flows;
      }
    }
    nextFlowLcore = nextFlow;
  };
}
