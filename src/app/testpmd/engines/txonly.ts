// txonly: builds bursts of UDP/IPv4 packets from raw pool mbufs and sends them; nothing is received.
// Defaults as in testpmd: 64 bytes, 198.18.0.1:9 -> 198.18.0.2:9, TTL 64, UDP checksum 0, Ethernet
// destination = the stream's peer, source = the Tx port's MAC. The payload is not written (whatever the
// mbuf holds). --txpkts segment lengths build chains; --txonly-multi-flow varies the source address.

import { Mempool } from '../../../lib/mempool/index.js';
import {
  M_BUF_ADDR, M_BUF_LEN, M_DATA_LEN, M_DATA_OFF, M_NB_SEGS, M_NEXT, M_OL_FLAGS, M_PKT_LEN, M_TX_OFFLOAD, M_VLAN_TCI,
  M_VLAN_TCI_OUTER, PKTMBUF_HEADROOM,
} from '../../../lib/mbuf/mbuf_layout.js';
import { ipv4Cksum } from './cksum.js';
import { ST_DROPPED } from '../shared.js';
import { out } from '../io.js';
import { lcoreBurstArray, OL_HI_EXTERNAL, sendBurst, type EngineEnv, type LaunchConfig, type PacketFwd, type StreamRt } from './common.js';

/** The IPv4 + UDP header template (tx_only_begin / setup_pkt_udp_ip_headers), 28 bytes. */
export function txonlyIpUdpTemplate(t: LaunchConfig['txonly']): Uint8Array {
  const h = new Uint8Array(28);
  const dataLen = (t.pktLength - 42) & 0xffff;
  const udpLen = (dataLen + 8) & 0xffff;
  const ipLen = (udpLen + 20) & 0xffff;
  h[0] = 0x45;
  h[2] = ipLen >>> 8;
  h[3] = ipLen & 0xff;
  h[8] = 64;
  h[9] = 17;
  const wr32 = (o: number, v: number): void => {
    h[o] = v >>> 24;
    h[o + 1] = (v >>> 16) & 0xff;
    h[o + 2] = (v >>> 8) & 0xff;
    h[o + 3] = v & 0xff;
  };
  wr32(12, t.ipSrc);
  wr32(16, t.ipDst);
  // testpmd's own sum: words 0-4 and 6-9, folded, complemented, 0 sent as 0xffff.
  let sum = 0;
  for (let i = 0; i < 20; i += 2) if (i !== 10) sum += (h[i]! << 8) | h[i + 1]!;
  sum = (sum >>> 16) + (sum & 0xffff);
  if (sum > 65535) sum -= 65535;
  sum = ~sum & 0xffff;
  if (sum === 0) sum = 0xffff;
  h[10] = sum >>> 8;
  h[11] = sum & 0xff;
  h[20] = t.udpSrc >>> 8;
  h[21] = t.udpSrc & 0xff;
  h[22] = t.udpDst >>> 8;
  h[23] = t.udpDst & 0xff;
  h[24] = udpLen >>> 8;
  h[25] = udpLen & 0xff;
  return h;
}

// Per lcore (this worker thread), like testpmd's RTE_PER_LCORE(_ip_var).
let ipVar = 0;

export function createTxonly(env: EngineEnv): PacketFwd {
  const { u8, u16, u32, f64, i32, burst } = env;
  const t = env.cfg.txonly;
  const mp = Mempool.attach(env.pool);
  const ipUdp = txonlyIpUdpTemplate(t);
  const segLens = Uint16Array.from(t.segLengths);
  const nbSegs = segLens.length;
  const segs = lcoreBurstArray('txonly.segs', 256);
  const spare = lcoreBurstArray('txonly.spare', 512);
  const lcore = env.lcoreId;

  // copy_buf_to_pkt: src bytes to packet offset `off`, across segments when the first is too short.
  function copyToPkt(src: Uint8Array, srcOff: number, len: number, m: number, off: number): void {
    let seg = m;
    while (off >= u16[(seg + M_DATA_LEN) >>> 1]!) {
      off -= u16[(seg + M_DATA_LEN) >>> 1]!;
      seg = u32[(seg + M_NEXT) >>> 2]!;
    }
    while (len > 0) {
      const base = u32[(seg + M_BUF_ADDR) >>> 2]! + u16[(seg + M_DATA_OFF) >>> 1]! + off;
      let n = u16[(seg + M_DATA_LEN) >>> 1]! - off;
      if (n > len) n = len;
      for (let k = 0; k < n; k++) u8[base + k] = src[srcOff + k]!;
      len -= n;
      srcOff += n;
      off = 0;
      seg = u32[(seg + M_NEXT) >>> 2]!;
      if (seg === 0) break;
    }
  }

  // pkt_burst_prepare: false when the extra segments could not be had.
  function prepare(m: number, s: StreamRt): boolean {
    if (nbSegs > 1 && mp.getBulk(segs, nbSegs - 1) !== 0) return false;
    const bufLen = u16[(m + M_BUF_LEN) >>> 1]!;
    u16[(m + M_DATA_OFF) >>> 1] = bufLen < PKTMBUF_HEADROOM ? bufLen : PKTMBUF_HEADROOM;
    u16[(m + M_DATA_LEN) >>> 1] = segLens[0]!;
    const o = (m + M_OL_FLAGS) >>> 2;
    u32[o] = 0;
    u32[o + 1] = (u32[o + 1]! & OL_HI_EXTERNAL) | s.olHi;
    u16[(m + M_VLAN_TCI) >>> 1] = 0;
    u16[(m + M_VLAN_TCI_OUTER) >>> 1] = 0;
    const tx = (m + M_TX_OFFLOAD) >>> 2;
    u32[tx] = (u32[tx]! & 0xffff0000) | 14 | (20 << 7);
    let pktLen = segLens[0]!;
    let seg = m;
    for (let i = 1; i < nbSegs; i++) {
      const next = segs[i - 1]!;
      u32[(seg + M_NEXT) >>> 2] = next;
      u32[((seg + M_NEXT) >>> 2) + 1] = 0;
      seg = next;
      u16[(seg + M_DATA_LEN) >>> 1] = segLens[i]!;
      pktLen += segLens[i]!;
    }
    u32[(seg + M_NEXT) >>> 2] = 0;
    u32[((seg + M_NEXT) >>> 2) + 1] = 0;
    copyToPkt(s.txHdr, 0, 14, m, 0);
    copyToPkt(ipUdp, 0, 20, m, 14);
    if (t.multiFlow) {
      const ip = u32[(m + M_BUF_ADDR) >>> 2]! + u16[(m + M_DATA_OFF) >>> 1]! + 14;
      const addr = (((t.ipDst | (ipVar << 8)) >>> 0) + lcore) >>> 0;
      ipVar = (ipVar + 1) & 0xff;
      u8[ip + 12] = addr >>> 24;
      u8[ip + 13] = (addr >>> 16) & 0xff;
      u8[ip + 14] = (addr >>> 8) & 0xff;
      u8[ip + 15] = addr & 0xff;
    }
    copyToPkt(ipUdp, 20, 8, m, 34);
    if (t.multiFlow) {
      // update_pkt_header: lengths from the real packet length, checksum recomputed.
      const d = u32[(m + M_BUF_ADDR) >>> 2]! + u16[(m + M_DATA_OFF) >>> 1]!;
      const udpLen = (((pktLen - 42) & 0xffff) + 8) & 0xffff;
      u8[d + 38] = udpLen >>> 8;
      u8[d + 39] = udpLen & 0xff;
      const ipLen = (udpLen + 20) & 0xffff;
      u8[d + 24] = 0;
      u8[d + 25] = 0;
      u8[d + 16] = ipLen >>> 8;
      u8[d + 17] = ipLen & 0xff;
      const c = ipv4Cksum(u8, d + 14);
      u8[d + 24] = c >>> 8;
      u8[d + 25] = c & 0xff;
    }
    u16[(m + M_NB_SEGS) >>> 1] = nbSegs;
    u32[(m + M_PKT_LEN) >>> 2] = pktLen;
    return true;
  }

  return (s: StreamRt): void => {
    const pkts = s.pkts;
    let nbPkt = 0;
    if (mp.getBulk(pkts, burst) === 0) {
      for (; nbPkt < burst; nbPkt++) {
        if (!prepare(pkts[nbPkt]!, s)) {
          const left = burst - nbPkt;
          for (let k = 0; k < left; k++) spare[k] = pkts[nbPkt + k]!;
          mp.putBulk(spare, left);
          break;
        }
      }
    } else {
      for (; nbPkt < burst; nbPkt++) {
        const m = mp.get();
        if (m === 0) break;
        if (!prepare(m, s)) {
          mp.put(m);
          break;
        }
        pkts[nbPkt] = m;
      }
    }
    if (nbPkt === 0) return;
    const firstDrop = f64[s.st + ST_DROPPED] === 0;
    const nbTx = sendBurst(env, s, nbPkt);
    if (nbTx < nbPkt && firstDrop && i32[env.verboseIdx]! > 0) {
      out(`port ${s.txPort} tx_queue ${s.txQueue} - drop (nb_pkt:${nbPkt} - nb_tx:${nbTx})=${nbPkt - nbTx} packets\n`);
    }
    if (t.multiFlow) ipVar = (ipVar - (nbPkt - nbTx)) & 0xff;
  };
}
