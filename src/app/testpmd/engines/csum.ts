// csum: with testpmd's defaults (csum mac-swap on, no tunnel parsing, no TSO/GSO/GRO): Ethernet
// destination := peer, source := Tx port MAC; parse Ethernet/VLAN/QinQ, IPv4/IPv6 and the L4 header;
// recompute the IPv4 header checksum, the TCP checksum, the UDP checksum unless it was 0, zero the SCTP
// checksum (testpmd has no software CRC32c) -- or set the Tx offload flag instead when the Tx port has
// that checksum offload enabled. Counts bad IP/L4 checksums reported by the Rx flags.

import * as ethdev from '../../../lib/ethdev/index.js';
import { M_OL_FLAGS, M_TX_OFFLOAD } from '../../../lib/mbuf/mbuf_layout.js';
import { ST_BAD_IP, ST_BAD_L4, ST_BAD_OUTER_IP, ST_BAD_OUTER_L4, ST_DROPPED, ST_RX } from '../shared.js';
import { ipv4Cksum, ipv4UdptcpCksumMbuf, ipv6UdptcpCksumMbuf } from './cksum.js';
import { mtod, OL_HI_EXTERNAL, OL_HI_INDIRECT, putMac, sendBurst, type EngineEnv, type PacketFwd, type StreamRt } from './common.js';
import { free as freePkt } from '../../../lib/mbuf/index.js';
import { err, out } from '../io.js';
import { M_NB_SEGS, M_PKT_LEN, rxOlFlagList, txOlFlagList } from '../../../lib/mbuf/index.js';

// Tx offload capabilities (RTE_ETH_TX_OFFLOAD_*) and the ol_flags they select (high word bits).
const TXO_IPV4_CKSUM = 1n << 1n;
const TXO_UDP_CKSUM = 1n << 2n;
const TXO_TCP_CKSUM = 1n << 3n;
const TXO_SCTP_CKSUM = 1n << 4n;
const HI_TX_TCP_CKSUM = 1 << 20; // bit 52
const HI_TX_SCTP_CKSUM = 2 << 20;
const HI_TX_UDP_CKSUM = 3 << 20;
const HI_TX_IP_CKSUM = 1 << 22; // bit 54
const HI_TX_IPV4 = 1 << 23; // bit 55
const HI_TX_IPV6 = 1 << 24; // bit 56
// Rx flag bits (low word).
const RX_IP_MASK = (1 << 4) | (1 << 7);
const RX_IP_BAD = 1 << 4;
const RX_L4_MASK = (1 << 3) | (1 << 8);
const RX_L4_BAD = 1 << 3;
const RX_OUTER_IP_BAD = 1 << 5;
const RX_OUTER_L4_BAD = 1 << 21;

export function createCsum(env: EngineEnv): PacketFwd {
  const { f64, u8, u16, u32, i32, burst } = env;
  // Parse results of the current packet (testpmd_offload_info), reused.
  let ethertype = 0;
  let l2Len = 0;
  let l3Len = 0;
  let l4Len = 0;
  let l4Proto = 0;

  function parseL3(ip: number, v6: boolean): void {
    l3Len = v6 ? 40 : (u8[ip]! & 0x0f) * 4;
    l4Proto = v6 ? u8[ip + 6]! : u8[ip + 9]!;
    if (l4Proto === 6) l4Len = (u8[ip + l3Len + 12]! & 0xf0) >>> 2;
    else if (l4Proto === 17) l4Len = 8;
    else l4Len = 0;
  }

  return (s: StreamRt): void => {
    const pkts = s.pkts;
    const nbRx = ethdev.rxBurst(s.rxPort, s.rxQueue, pkts, burst);
    if (nbRx === 0) return;
    f64[s.st + ST_RX] += nbRx;
    let badIp = 0;
    let badL4 = 0;
    let badOuterL4 = 0;
    let badOuterIp = 0;
    const txo = s.txOffloads;
    const vb = i32[env.verboseIdx]! > 0;
    for (let i = 0; i < nbRx; i++) {
      const m = pkts[i]!;
      const o = (m + M_OL_FLAGS) >>> 2;
      const rxLo = u32[o]!;
      const rxHi = u32[o + 1]!;
      let txHi = rxHi & (OL_HI_INDIRECT | OL_HI_EXTERNAL);
      if ((rxLo & RX_IP_MASK) === RX_IP_BAD) badIp++;
      if ((rxLo & RX_L4_MASK) === RX_L4_BAD) badL4++;
      if (rxLo & RX_OUTER_L4_BAD) badOuterL4++;
      if (rxLo & RX_OUTER_IP_BAD) badOuterIp++;
      const eth = mtod(u32, u16, m);
      if (s.macSwap) {
        putMac(u8, eth, s.peer);
        putMac(u8, eth + 6, s.txMac);
      }
      // parse_ethernet
      l2Len = 14;
      ethertype = (u8[eth + 12]! << 8) | u8[eth + 13]!;
      while (ethertype === 0x8100 || ethertype === 0x88a8) {
        ethertype = (u8[eth + l2Len + 2]! << 8) | u8[eth + l2Len + 3]!;
        l2Len += 4;
      }
      if (ethertype === 0x0800) parseL3(eth + l2Len, false);
      else if (ethertype === 0x86dd) parseL3(eth + l2Len, true);
      else {
        l4Len = 0;
        l3Len = 0;
        l4Proto = 0;
      }
      const l3 = eth + l2Len;
      // process_inner_cksums
      let hi = 0;
      if (ethertype === 0x0800 || ethertype === 0x86dd) {
        if (ethertype === 0x0800) {
          hi |= HI_TX_IPV4;
          if (txo & TXO_IPV4_CKSUM) {
            hi |= HI_TX_IP_CKSUM;
          } else {
            u8[l3 + 10] = 0;
            u8[l3 + 11] = 0;
            const c = ipv4Cksum(u8, l3);
            u8[l3 + 10] = c >>> 8;
            u8[l3 + 11] = c & 0xff;
          }
        } else {
          hi |= HI_TX_IPV6;
        }
        const l4 = l3 + l3Len;
        const l4Off = l2Len + l3Len;
        if (l4Proto === 17) {
          if (u8[l4 + 6] !== 0 || u8[l4 + 7] !== 0) {
            if (txo & TXO_UDP_CKSUM) {
              hi |= HI_TX_UDP_CKSUM;
            } else {
              u8[l4 + 6] = 0;
              u8[l4 + 7] = 0;
              const c = ethertype === 0x0800 ? ipv4UdptcpCksumMbuf(u8, u16, u32, m, l3, l4Off) : ipv6UdptcpCksumMbuf(u8, u16, u32, m, l3, l4Off);
              u8[l4 + 6] = c >>> 8;
              u8[l4 + 7] = c & 0xff;
            }
          }
        } else if (l4Proto === 6) {
          if (txo & TXO_TCP_CKSUM) {
            hi |= HI_TX_TCP_CKSUM;
          } else {
            u8[l4 + 16] = 0;
            u8[l4 + 17] = 0;
            const c = ethertype === 0x0800 ? ipv4UdptcpCksumMbuf(u8, u16, u32, m, l3, l4Off) : ipv6UdptcpCksumMbuf(u8, u16, u32, m, l3, l4Off);
            u8[l4 + 16] = c >>> 8;
            u8[l4 + 17] = c & 0xff;
          }
        } else if (l4Proto === 132) {
          // testpmd tests the low bits of the IPv4 total_length word as read on a little-endian CPU,
          // i.e. of its first byte, whatever the IP version.
          if ((txo & TXO_SCTP_CKSUM) && (u8[l3 + 2]! & 3) === 0) {
            hi |= HI_TX_SCTP_CKSUM;
          } else {
            u8[l4 + 8] = 0;
            u8[l4 + 9] = 0;
            u8[l4 + 10] = 0;
            u8[l4 + 11] = 0;
          }
        }
      }
      txHi |= hi;
      // tx_offload := l2_len, l3_len, l4_len (tso_segsz 0, outer lengths 0)
      const t = (m + M_TX_OFFLOAD) >>> 2;
      u32[t] = (l2Len & 0x7f) | ((l3Len & 0x1ff) << 7) | ((l4Len & 0xff) << 16);
      u32[t + 1] = 0;
      u32[o] = 0;
      u32[o + 1] = txHi;
      if (vb) {
        // testpmd's trace (the mbuf "pointer" is its window offset here).
        const rxFlags = rxOlFlagList((BigInt(rxHi) << 32n) | BigInt(rxLo));
        let t = `-----------------\nport=${s.rxPort}, mbuf=0x${m.toString(16)}, pkt_len=${u32[(m + M_PKT_LEN) >>> 2]}, nb_segs=${u16[(m + M_NB_SEGS) >>> 1]}:\n`;
        t += `rx: l2_len=${l2Len} ethertype=${ethertype.toString(16)} l3_len=${l3Len} l4_proto=${l4Proto} l4_len=${l4Len} flags=${rxFlags}\n`;
        if (rxLo & (1 << 16)) t += 'rx: m->lro_segsz=0\n';
        if (txo & (TXO_IPV4_CKSUM | TXO_UDP_CKSUM | TXO_TCP_CKSUM | TXO_SCTP_CKSUM)) t += `tx: m->l2_len=${l2Len} m->l3_len=${l3Len} m->l4_len=${l4Len}\n`;
        t += `tx: flags=${txOlFlagList(BigInt(txHi) << 32n)}\n`;
        out(t);
      }
    }
    const nbPrep = ethdev.txPrepare(s.txPort, s.txQueue, pkts, nbRx);
    if (nbPrep !== nbRx) {
      err(`Preparing packet burst to transmit failed: port ${s.txPort} refused packet ${nbPrep} of the burst\n`);
      f64[s.st + ST_DROPPED] += nbRx - nbPrep;
      for (let k = nbPrep; k < nbRx; k++) freePkt(pkts[k]!);
    }
    if (nbPrep > 0) sendBurst(env, s, nbPrep);
    f64[s.st + ST_BAD_IP] += badIp;
    f64[s.st + ST_BAD_L4] += badL4;
    f64[s.st + ST_BAD_OUTER_L4] += badOuterL4;
    f64[s.st + ST_BAD_OUTER_IP] += badOuterIp;
  };
}
