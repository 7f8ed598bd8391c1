// icmpecho: answers ARP requests and IPv4 ICMP echo requests in place (optionally behind one 802.1Q tag)
// and frees everything else; only replies are sent, on the port they came in on. Checksums are updated
// the way testpmd does it (incrementally for ICMP; recomputed for IPv4 only when the request went to a
// multicast group and the reply gets a new source address).

import * as ethdev from '../../../lib/ethdev/index.js';
import { ST_RX } from '../shared.js';
import { mtod, putMac, sendBurst, type EngineEnv, type PacketFwd, type StreamRt } from './common.js';
import { M_NB_SEGS, M_PKT_LEN } from '../../../lib/mbuf/index.js';
import { formatMac } from '../context.js';
import { out } from '../io.js';
import { free as freePkt } from '../../../lib/mbuf/index.js';

/** testpmd's ipv4_hdr_cksum: 20-byte header, checksum field skipped, 0 becomes 0xffff. */
function ipv4HdrCksum(u8: Uint8Array, ip: number): number {
  let sum = 0;
  for (let i = 0; i < 20; i += 2) if (i !== 10) sum += (u8[ip + i]! << 8) | u8[ip + i + 1]!;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = ~sum & 0xffff;
  return sum === 0 ? 0xffff : sum;
}

const ARP_OPS: Record<number, string> = {
  1: 'ARP Request', 2: 'ARP Reply', 3: 'Reverse ARP Request', 4: 'Reverse ARP Reply', 8: 'Peer Identify Request', 9: 'Peer Identify Reply',
};

// IP protocol keywords by number, as testpmd names them in its traces.
const IP_PROTOS = ('IP6HOPOPTS ICMP IGMP GGP IPv4 UNASSIGNED TCP ST EGP PIGP RCC_MON NVPII PUP ARGUS EMCON XNET CHAOS UDP MUX ' +
  'DCN_MEAS HMP PRM XNS_IDP TRUNK1 TRUNK2 LEAF1 LEAF2 RDP IRTP TP4 BLT NSP INP SEP 3PC IDPR XTP DDP CMTP TPXX ILTP IPv6_HDR ' +
  'SDRP IPv6_RTG IPv6_FRAG IDRP RSVP GRE MHRP BHA ESP AH INLSP SWIPE NHRP UNASSIGNED UNASSIGNED UNASSIGNED ICMPv6 ' +
  'IPv6NONEXT Ipv6DSTOPTS AHIP CFTP HELLO SATEXPAK KRYPTOLAN RVD IPPC ADFS SATMON VISA IPCV CPNX CPHB WSN PVP BRSATMON ND ' +
  'WBMON WBEXPAK EON VMTP SVMTP VINES TTP IGP DGP TCF IGRP OSPFIGP SRPC LARP MTP AX25 4IN4 MICP SCCSP ETHERIP ENCAP AES ' +
  'GMTP IPCOMP UNASSIGNED UNASSIGNED PIM').split(' ');

function ipProtoName(p: number): string {
  if (p < IP_PROTOS.length) return IP_PROTOS[p]!;
  if (p === 113) return 'PGM';
  if (p === 132) return 'SCTP';
  if (p === 254) return 'DIVERT';
  if (p === 255) return 'RAW';
  return 'UNASSIGNED';
}

const mac = (u8: Uint8Array, o: number): string => formatMac(u8.subarray(o, o + 6));
const ip4 = (u8: Uint8Array, o: number): string => `${u8[o]}.${u8[o + 1]}.${u8[o + 2]}.${u8[o + 3]}`;

export function createIcmpecho(env: EngineEnv): PacketFwd {
  const { f64, u8, u16, u32, i32, burst } = env;
  return (s: StreamRt): void => {
    const pkts = s.pkts;
    const nbRx = ethdev.rxBurst(s.rxPort, s.rxQueue, pkts, burst);
    if (nbRx === 0) return;
    f64[s.st + ST_RX] += nbRx;
    // verbose_level > 0: testpmd traces every packet (debug output, strings allowed).
    const vb = i32[env.verboseIdx]! > 0;
    let nbReplies = 0;
    for (let i = 0; i < nbRx; i++) {
      const m = pkts[i]!;
      const eth = mtod(u32, u16, m);
      let type = (u8[eth + 12]! << 8) | u8[eth + 13]!;
      let l2 = 14;
      if (vb) out(`\nPort ${s.rxPort} pkt-len=${u32[(m + M_PKT_LEN) >>> 2]} nb-segs=${u16[(m + M_NB_SEGS) >>> 1]}\n  ETH:  src=${mac(u8, eth + 6)} dst=${mac(u8, eth)}`);
      if (type === 0x8100) {
        l2 += 4;
        if (vb) out(` [vlan id=${((u8[eth + 14]! << 8) | u8[eth + 15]!) & 0xfff}]`);
        type = (u8[eth + 16]! << 8) | u8[eth + 17]!;
      }
      if (vb) out(` type=0x${type.toString(16).padStart(4, '0')}\n`);
      if (type === 0x0806) {
        const arp = eth + l2;
        const op = (u8[arp + 6]! << 8) | u8[arp + 7]!;
        if (vb) {
          out(`  ARP:  hrd=${(u8[arp]! << 8) | u8[arp + 1]!} proto=0x${((u8[arp + 2]! << 8) | u8[arp + 3]!).toString(16).padStart(4, '0')} hln=${u8[arp + 4]} pln=${u8[arp + 5]} op=${op} (${ARP_OPS[op] ?? 'Unknown ARP op'})\n`);
        }
        const ok = ((u8[arp]! << 8) | u8[arp + 1]!) === 1 && ((u8[arp + 2]! << 8) | u8[arp + 3]!) === 0x0800 &&
          u8[arp + 4] === 6 && u8[arp + 5] === 4;
        if (!ok) {
          freePkt(m);
          if (vb) out('\n');
          continue;
        }
        if (vb) out(`        sha=${mac(u8, arp + 8)} sip=${ip4(u8, arp + 14)}\n        tha=${mac(u8, arp + 18)} tip=${ip4(u8, arp + 24)}\n`);
        if (op !== 1) {
          freePkt(m);
          continue;
        }
        // Reply: to the requester, from the Tx port; SHA := the new Ethernet source, THA := old SHA.
        for (let k = 0; k < 6; k++) u8[eth + k] = u8[eth + 6 + k]!;
        putMac(u8, eth + 6, s.txMac);
        u8[arp + 6] = 0;
        u8[arp + 7] = 2;
        for (let k = 0; k < 6; k++) u8[arp + 18 + k] = u8[arp + 8 + k]!;
        for (let k = 0; k < 6; k++) u8[arp + 8 + k] = u8[eth + 6 + k]!;
        for (let k = 0; k < 4; k++) {
          const t = u8[arp + 14 + k]!;
          u8[arp + 14 + k] = u8[arp + 24 + k]!;
          u8[arp + 24 + k] = t;
        }
        pkts[nbReplies++] = m;
        continue;
      }
      if (type !== 0x0800) {
        freePkt(m);
        continue;
      }
      const ip = eth + l2;
      if (vb) out(`  IPV4: src=${ip4(u8, ip + 12)} dst=${ip4(u8, ip + 16)} proto=${u8[ip + 9]} (${ipProtoName(u8[ip + 9]!)})\n`);
      const icmp = ip + 20; // testpmd assumes no IPv4 options
      if (!(u8[ip + 9] === 1 && u8[icmp] === 8 && u8[icmp + 1] === 0)) {
        freePkt(m);
        continue;
      }
      if (vb) out(`  ICMP: echo request seq id=${(u8[icmp + 6]! << 8) | u8[icmp + 7]!}\n`);
      // Ethernet addresses swapped.
      for (let k = 0; k < 6; k++) {
        const t = u8[eth + k]!;
        u8[eth + k] = u8[eth + 6 + k]!;
        u8[eth + 6 + k] = t;
      }
      const src0 = u8[ip + 12]!;
      const src1 = u8[ip + 13]!;
      const src2 = u8[ip + 14]!;
      const src3 = u8[ip + 15]!;
      if ((u8[ip + 16]! & 0xff) === 0xe0) {
        // Multicast destination: reply from old source with its low 2 bits changed (01 -> 10, else 01).
        u8[ip + 12] = src0;
        u8[ip + 13] = src1;
        u8[ip + 14] = src2;
        u8[ip + 15] = (src3 & 0xfc) | ((src3 & 3) === 1 ? 2 : 1);
        u8[ip + 16] = src0;
        u8[ip + 17] = src1;
        u8[ip + 18] = src2;
        u8[ip + 19] = src3;
        const c = ipv4HdrCksum(u8, ip);
        u8[ip + 10] = c >>> 8;
        u8[ip + 11] = c & 0xff;
      } else {
        for (let k = 0; k < 4; k++) u8[ip + 12 + k] = u8[ip + 16 + k]!;
        u8[ip + 16] = src0;
        u8[ip + 17] = src1;
        u8[ip + 18] = src2;
        u8[ip + 19] = src3;
      }
      u8[icmp] = 0;
      // Incremental update for type 8 -> 0, as testpmd computes it on the little-endian word.
      let c = ~(u8[icmp + 2]! | (u8[icmp + 3]! << 8)) & 0xffff;
      c += ~0x0008 & 0xffff;
      c = (c & 0xffff) + (c >>> 16);
      c = (c & 0xffff) + (c >>> 16);
      c = ~c & 0xffff;
      u8[icmp + 2] = c & 0xff;
      u8[icmp + 3] = c >>> 8;
      pkts[nbReplies++] = m;
    }
    if (nbReplies > 0) sendBurst(env, s, nbReplies);
  };
}
