// Software packet type parsing (rte_net_get_ptype). Flags pick between DPDK 22.11's exact x86 results
// (PTYPE_PARSE_DPDK, what testpmd prints as "sw ptype") and the fuller parse tsdpdk PMDs report
// (PTYPE_PARSE_FULL, the default). Allocation-free: lengths go into a caller-provided Uint32Array.
import { rd16 } from './bytes.js';
import {
  RTE_ETHER_TYPE_1588, RTE_ETHER_TYPE_ARP, RTE_ETHER_TYPE_IPV4, RTE_ETHER_TYPE_IPV6, RTE_ETHER_TYPE_LLDP,
  RTE_ETHER_TYPE_MPLS, RTE_ETHER_TYPE_MPLSM, RTE_ETHER_TYPE_QINQ, RTE_ETHER_TYPE_TEB, RTE_ETHER_TYPE_VLAN,
} from './ether.js';
import { IPPROTO_GRE, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_IPIP, IPPROTO_IPV6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from './ipproto.js';
import { IPV6_SKIP_FRAG, IPV6_SKIP_OFF, ipv6IsExtProto, ipv6SkipExt } from './ipv6.js';
import {
  RTE_PTYPE_ALL_MASK, RTE_PTYPE_INNER_L2_ETHER, RTE_PTYPE_INNER_L2_ETHER_QINQ, RTE_PTYPE_INNER_L2_ETHER_VLAN,
  RTE_PTYPE_INNER_L2_MASK, RTE_PTYPE_INNER_L3_IPV4, RTE_PTYPE_INNER_L3_IPV4_EXT, RTE_PTYPE_INNER_L3_IPV6,
  RTE_PTYPE_INNER_L3_IPV6_EXT, RTE_PTYPE_INNER_L3_MASK, RTE_PTYPE_INNER_L4_FRAG, RTE_PTYPE_INNER_L4_ICMP,
  RTE_PTYPE_INNER_L4_MASK, RTE_PTYPE_INNER_L4_SCTP, RTE_PTYPE_INNER_L4_TCP, RTE_PTYPE_INNER_L4_UDP,
  RTE_PTYPE_L2_ETHER, RTE_PTYPE_L2_ETHER_ARP, RTE_PTYPE_L2_ETHER_LLDP, RTE_PTYPE_L2_ETHER_MPLS,
  RTE_PTYPE_L2_ETHER_QINQ, RTE_PTYPE_L2_ETHER_TIMESYNC, RTE_PTYPE_L2_ETHER_VLAN, RTE_PTYPE_L2_MASK,
  RTE_PTYPE_L3_IPV4, RTE_PTYPE_L3_IPV4_EXT, RTE_PTYPE_L3_IPV6, RTE_PTYPE_L3_IPV6_EXT, RTE_PTYPE_L3_MASK,
  RTE_PTYPE_L4_FRAG, RTE_PTYPE_L4_ICMP, RTE_PTYPE_L4_MASK, RTE_PTYPE_L4_SCTP, RTE_PTYPE_L4_TCP, RTE_PTYPE_L4_UDP,
  RTE_PTYPE_TUNNEL_GRE, RTE_PTYPE_TUNNEL_IP, RTE_PTYPE_TUNNEL_MASK, RTE_PTYPE_TUNNEL_NVGRE, RTE_PTYPE_TUNNEL_VXLAN,
} from './ptype.js';
import { RTE_ETHER_VXLAN_HLEN, RTE_VXLAN_DEFAULT_PORT } from './vxlan.js';

/** Slots of the hdrLens array (struct rte_net_hdr_lens, in field order). */
export const HDR_L2_LEN = 0;
export const HDR_L3_LEN = 1;
export const HDR_L4_LEN = 2;
export const HDR_TUNNEL_LEN = 3;
export const HDR_INNER_L2_LEN = 4;
export const HDR_INNER_L3_LEN = 5;
export const HDR_INNER_L4_LEN = 6;
export const HDR_LENS_SIZE = 7;

/** ARP, LLDP and 1588 frames get L2_ETHER_ARP/LLDP/TIMESYNC; MPLS label stacks L2_ETHER_MPLS (22.11: L2_ETHER). */
export const PTYPE_F_L2_EXT = 0x1;
/** ICMP (IPv4 protocol 1, IPv6 next header 58) gets L4_ICMP / INNER_L4_ICMP (22.11: no L4 bits). */
export const PTYPE_F_ICMP = 0x2;
/** UDP to port 4789 is VXLAN with an inner Ethernet frame, as current DPDK parses it (22.11: plain UDP). */
export const PTYPE_F_VXLAN = 0x4;
/** IPv6 AH headers are skipped like other extension headers (22.11 stops at AH: L3_IPV6_EXT, no L4). */
export const PTYPE_F_IPV6_AH = 0x8;
/**
 * Fixes three 22.11 quirks: (1) DPDK keeps an ethertype (network order) and an IP protocol in one variable
 * and compares both against network-order ethertypes, so on x86 IP protocol 8 after IPv4/IPv6 parses as an
 * inner IPv4 header, protocol 129 as an inner VLAN tag, ethertype 0x2f00 as GRE, 0x0400/0x2900 as IP-in-IP,
 * and a second 0x8100 tag as an inner VLAN; (2) an ethertype 0x0800 whose version is not 4 (or IHL < 5)
 * still yields L4 bits; (3) a truncated inner TCP header drops the outer bits from the result.
 */
export const PTYPE_F_STRICT = 0x10;
/** Bit-for-bit rte_net_get_ptype of DPDK 22.11 on x86 (lengths DPDK leaves unwritten are 0 here). */
export const PTYPE_PARSE_DPDK = 0;
/** Every extension and fix above. */
export const PTYPE_PARSE_FULL = 0x1f;

const scratchLens = new Uint32Array(HDR_LENS_SIZE);
const skipRes = new Uint32Array(2);

// Header size by the GRE C/R/K/S nibble; 0 = not parsed (routing present).
const GRE_LEN = new Uint8Array([4, 8, 8, 12, 0, 0, 0, 0, 8, 12, 12, 16, 0, 0, 0, 0]);

// The 22.11 comparisons: `proto` is an ethertype when eth, else an IP protocol; see PTYPE_F_STRICT.
function isEt(proto: number, eth: boolean, et: number, strict: boolean): boolean {
  return eth ? proto === et : !strict && proto === (((et & 0xff) << 8) | (et >>> 8));
}
function isIpp(proto: number, eth: boolean, ipp: number, strict: boolean): boolean {
  return eth ? !strict && proto === ipp << 8 : proto === ipp;
}

function l4Type(proto: number, v6: boolean, flags: number): number {
  switch (proto) {
    case IPPROTO_UDP: return RTE_PTYPE_L4_UDP;
    case IPPROTO_TCP: return RTE_PTYPE_L4_TCP;
    case IPPROTO_SCTP: return RTE_PTYPE_L4_SCTP;
    default:
      return (flags & PTYPE_F_ICMP) !== 0 && proto === (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP) ? RTE_PTYPE_L4_ICMP : 0;
  }
}
function innerL4Type(proto: number, v6: boolean, flags: number): number {
  switch (proto) {
    case IPPROTO_UDP: return RTE_PTYPE_INNER_L4_UDP;
    case IPPROTO_TCP: return RTE_PTYPE_INNER_L4_TCP;
    case IPPROTO_SCTP: return RTE_PTYPE_INNER_L4_SCTP;
    default:
      return (flags & PTYPE_F_ICMP) !== 0 && proto === (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP) ? RTE_PTYPE_INNER_L4_ICMP : 0;
  }
}
/** Version/IHL byte to L3 type: 0x45 plain, 0x46..0x4f with options, anything else unknown (0). */
function l3Ip(vihl: number): number {
  return vihl === 0x45 ? RTE_PTYPE_L3_IPV4 : vihl > 0x45 && vihl <= 0x4f ? RTE_PTYPE_L3_IPV4_EXT : 0;
}
function innerL3Ip(vihl: number): number {
  return vihl === 0x45 ? RTE_PTYPE_INNER_L3_IPV4 : vihl > 0x45 && vihl <= 0x4f ? RTE_PTYPE_INNER_L3_IPV4_EXT : 0;
}
function badIpv4(vihl: number): boolean {
  return (vihl & 0xf0) !== 0x40 || (vihl & 0x0f) < 5;
}

/**
 * Packet type of the frame of len bytes at off (rte_net_get_ptype): the RTE_PTYPE_* bits of every layer it
 * recognises, stopping at the first layer not in `layers` (RTE_PTYPE_*_MASK bits) or that the bytes do not
 * cover. Never throws: a truncated or unknown layer just ends the parse. Header lengths go to hdrLens
 * (HDR_* slots; all 0 first). Beyond DPDK 22.11 (see PTYPE_F_*): ARP/LLDP/1588/MPLS, ICMP, VXLAN, IPv6 AH,
 * strict protocol handling. Tunnel lengths follow DPDK: GRE puts the GRE header in tunnelLen; VXLAN, like
 * current DPDK, leaves tunnelLen 0 and counts UDP + VXLAN + inner Ethernet in innerL2Len.
 */
export function getPtype(u8: Uint8Array, off: number, len: number, layers: number = RTE_PTYPE_ALL_MASK,
  hdrLens: Uint32Array = scratchLens, flags: number = PTYPE_PARSE_FULL): number {
  const h = hdrLens;
  h[0] = 0; h[1] = 0; h[2] = 0; h[3] = 0; h[4] = 0; h[5] = 0; h[6] = 0;
  const strict = (flags & PTYPE_F_STRICT) !== 0;
  let end = off + len;
  if (end > u8.length) end = u8.length;
  if (off + 14 > end) return 0;
  let proto = rd16(u8, off + 12);
  let p = off + 14;
  h[HDR_L2_LEN] = 14;
  if ((layers & RTE_PTYPE_L2_MASK) === 0) return 0;

  let pt = RTE_PTYPE_L2_ETHER;
  if (proto !== RTE_ETHER_TYPE_IPV4) {
    if (proto === RTE_ETHER_TYPE_VLAN) {
      pt = RTE_PTYPE_L2_ETHER_VLAN;
      if (p + 4 > end) return pt;
      proto = rd16(u8, p + 2);
      p += 4;
      h[HDR_L2_LEN] = 18;
    } else if (proto === RTE_ETHER_TYPE_QINQ) {
      pt = RTE_PTYPE_L2_ETHER_QINQ;
      if (p + 8 > end) return pt;
      proto = rd16(u8, p + 6);
      p += 8;
      h[HDR_L2_LEN] = 22;
    } else if (proto === RTE_ETHER_TYPE_MPLS || proto === RTE_ETHER_TYPE_MPLSM) {
      // 22.11 reads 5 labels without looking at bottom-of-stack and always ends with L2_ETHER.
      if ((flags & PTYPE_F_L2_EXT) === 0) return pt;
      for (let i = 0; i < 5; i++) {
        const lo = p + 4 * i;
        if (lo + 4 > end) return pt;
        if ((u8[lo + 2]! & 1) !== 0) {
          h[HDR_L2_LEN] = 14 + 4 * (i + 1);
          return RTE_PTYPE_L2_ETHER_MPLS;
        }
      }
      return pt;
    } else if ((flags & PTYPE_F_L2_EXT) !== 0) {
      if (proto === RTE_ETHER_TYPE_ARP) return RTE_PTYPE_L2_ETHER_ARP;
      if (proto === RTE_ETHER_TYPE_LLDP) return RTE_PTYPE_L2_ETHER_LLDP;
      if (proto === RTE_ETHER_TYPE_1588) return RTE_PTYPE_L2_ETHER_TIMESYNC;
    }
  }

  if ((layers & RTE_PTYPE_L3_MASK) === 0) return pt;
  let eth = true;
  if (proto === RTE_ETHER_TYPE_IPV4) {
    if (p + 20 > end) return pt;
    const ip = p;
    const vihl = u8[ip]!;
    if (strict && badIpv4(vihl)) return pt;
    pt |= l3Ip(vihl);
    const hl = (vihl & 0x0f) << 2;
    h[HDR_L3_LEN] = hl;
    p += hl;
    if ((layers & RTE_PTYPE_L4_MASK) === 0) return pt;
    if ((rd16(u8, ip + 6) & 0x3fff) !== 0) return pt | RTE_PTYPE_L4_FRAG; // MF or offset
    proto = u8[ip + 9]!;
    eth = false;
    pt |= l4Type(proto, false, flags);
  } else if (proto === RTE_ETHER_TYPE_IPV6) {
    if (p + 40 > end) return pt;
    proto = u8[p + 6]!;
    eth = false;
    h[HDR_L3_LEN] = 40;
    p += 40;
    let frag = 0;
    if (ipv6IsExtProto(proto)) {
      pt |= RTE_PTYPE_L3_IPV6_EXT;
      const r = ipv6SkipExt(u8, p, end, proto, skipRes, (flags & PTYPE_F_IPV6_AH) !== 0);
      if (r < 0) return pt;
      proto = r;
      p = skipRes[IPV6_SKIP_OFF]!;
      frag = skipRes[IPV6_SKIP_FRAG]!;
      h[HDR_L3_LEN] = p - off - h[HDR_L2_LEN]!;
    } else {
      pt |= RTE_PTYPE_L3_IPV6;
    }
    if (proto === 0) return pt; // no next header
    if ((layers & RTE_PTYPE_L4_MASK) === 0) return pt;
    if (frag !== 0) return pt | RTE_PTYPE_L4_FRAG;
    pt |= l4Type(proto, true, flags);
  }

  const l4 = pt & RTE_PTYPE_L4_MASK;
  if (l4 === RTE_PTYPE_L4_UDP) {
    h[HDR_L4_LEN] = 8;
    if ((flags & PTYPE_F_VXLAN) === 0 || (layers & RTE_PTYPE_TUNNEL_MASK) === 0) return pt;
    if (p + 8 > end || rd16(u8, p + 2) !== RTE_VXLAN_DEFAULT_PORT) return pt;
    pt |= RTE_PTYPE_TUNNEL_VXLAN;
    p += RTE_ETHER_VXLAN_HLEN;
    h[HDR_INNER_L2_LEN] = RTE_ETHER_VXLAN_HLEN;
    if ((layers & RTE_PTYPE_INNER_L2_MASK) === 0) return pt;
    if (p + 14 > end) return pt;
    pt |= RTE_PTYPE_INNER_L2_ETHER;
    proto = rd16(u8, p + 12);
    p += 14;
    h[HDR_INNER_L2_LEN] = RTE_ETHER_VXLAN_HLEN + 14;
    return parseInner(u8, p, end, proto, true, pt, layers, h, flags);
  }
  if (l4 === RTE_PTYPE_L4_TCP) {
    if (p + 20 > end) return pt & (RTE_PTYPE_L2_MASK | RTE_PTYPE_L3_MASK);
    h[HDR_L4_LEN] = (u8[p + 12]! & 0xf0) >>> 2;
    return pt;
  }
  if (l4 === RTE_PTYPE_L4_SCTP) {
    h[HDR_L4_LEN] = 12;
    return pt;
  }

  // Tunnels without UDP: GRE/NVGRE, IPv4-in-IP, IPv6-in-IP.
  if ((layers & RTE_PTYPE_TUNNEL_MASK) === 0) return pt;
  const prev = p;
  let tun = 0;
  if (isIpp(proto, eth, IPPROTO_GRE, strict)) {
    if (p + 4 <= end) {
      const gl = GRE_LEN[u8[p]! >>> 4]!;
      if (gl !== 0) {
        proto = rd16(u8, p + 2);
        eth = true;
        p += gl;
        tun = proto === RTE_ETHER_TYPE_TEB ? RTE_PTYPE_TUNNEL_NVGRE : RTE_PTYPE_TUNNEL_GRE;
      }
    }
  } else if (isIpp(proto, eth, IPPROTO_IPIP, strict)) {
    proto = RTE_ETHER_TYPE_IPV4;
    eth = true;
    tun = RTE_PTYPE_TUNNEL_IP;
  } else if (isIpp(proto, eth, IPPROTO_IPV6, strict)) {
    proto = RTE_ETHER_TYPE_IPV6;
    eth = true;
    tun = RTE_PTYPE_TUNNEL_IP;
  }
  pt |= tun;
  h[HDR_TUNNEL_LEN] = p - prev;
  if (strict && tun === 0) return pt;
  if ((layers & RTE_PTYPE_INNER_L2_MASK) === 0) {
    if (!strict) h[HDR_INNER_L2_LEN] = p - prev; // what 22.11 leaves there when it stops here
    return pt;
  }
  if (isEt(proto, eth, RTE_ETHER_TYPE_TEB, strict)) {
    if (p + 14 > end) return pt;
    pt |= RTE_PTYPE_INNER_L2_ETHER;
    proto = rd16(u8, p + 12);
    eth = true;
    p += 14;
    h[HDR_INNER_L2_LEN] = 14;
  }
  return parseInner(u8, p, end, proto, eth, pt, layers, h, flags);
}

// The inner frame after its Ethernet header (if any): VLAN/QinQ tag, IPv4/IPv6, L4.
function parseInner(u8: Uint8Array, p: number, end: number, proto: number, eth: boolean, pt: number,
  layers: number, h: Uint32Array, flags: number): number {
  const strict = (flags & PTYPE_F_STRICT) !== 0;
  if (isEt(proto, eth, RTE_ETHER_TYPE_VLAN, strict)) {
    pt = (pt & ~RTE_PTYPE_INNER_L2_MASK) | RTE_PTYPE_INNER_L2_ETHER_VLAN;
    if (p + 4 > end) return pt;
    proto = rd16(u8, p + 2);
    eth = true;
    p += 4;
    h[HDR_INNER_L2_LEN] += 4;
  } else if (isEt(proto, eth, RTE_ETHER_TYPE_QINQ, strict)) {
    pt = (pt & ~RTE_PTYPE_INNER_L2_MASK) | RTE_PTYPE_INNER_L2_ETHER_QINQ;
    if (p + 8 > end) return pt;
    proto = rd16(u8, p + 6);
    eth = true;
    p += 8;
    h[HDR_INNER_L2_LEN] += 8;
  }

  if ((layers & RTE_PTYPE_INNER_L3_MASK) === 0) return pt;
  if (isEt(proto, eth, RTE_ETHER_TYPE_IPV4, strict)) {
    if (p + 20 > end) return pt;
    const ip = p;
    const vihl = u8[ip]!;
    if (strict && badIpv4(vihl)) return pt;
    pt |= innerL3Ip(vihl);
    const hl = (vihl & 0x0f) << 2;
    h[HDR_INNER_L3_LEN] = hl;
    p += hl;
    if ((layers & RTE_PTYPE_INNER_L4_MASK) === 0) return pt;
    if ((rd16(u8, ip + 6) & 0x3fff) !== 0) return pt | RTE_PTYPE_INNER_L4_FRAG;
    pt |= innerL4Type(u8[ip + 9]!, false, flags);
  } else if (isEt(proto, eth, RTE_ETHER_TYPE_IPV6, strict)) {
    if (p + 40 > end) return pt;
    proto = u8[p + 6]!;
    h[HDR_INNER_L3_LEN] = 40;
    p += 40;
    let frag = 0;
    if (ipv6IsExtProto(proto)) {
      pt |= RTE_PTYPE_INNER_L3_IPV6_EXT;
      const prev = p;
      const r = ipv6SkipExt(u8, p, end, proto, skipRes, (flags & PTYPE_F_IPV6_AH) !== 0);
      if (r < 0) return pt;
      proto = r;
      p = skipRes[IPV6_SKIP_OFF]!;
      frag = skipRes[IPV6_SKIP_FRAG]!;
      h[HDR_INNER_L3_LEN] += p - prev;
    } else {
      pt |= RTE_PTYPE_INNER_L3_IPV6;
    }
    if (proto === 0) return pt;
    if ((layers & RTE_PTYPE_INNER_L4_MASK) === 0) return pt;
    if (frag !== 0) return pt | RTE_PTYPE_INNER_L4_FRAG;
    pt |= innerL4Type(proto, true, flags);
  }

  const l4 = pt & RTE_PTYPE_INNER_L4_MASK;
  if (l4 === RTE_PTYPE_INNER_L4_UDP) {
    h[HDR_INNER_L4_LEN] = 8;
  } else if (l4 === RTE_PTYPE_INNER_L4_TCP) {
    if (p + 20 > end) return strict ? pt & ~RTE_PTYPE_INNER_L4_MASK : pt & (RTE_PTYPE_INNER_L2_MASK | RTE_PTYPE_INNER_L3_MASK);
    h[HDR_INNER_L4_LEN] = (u8[p + 12]! & 0xf0) >>> 2;
  } else if (l4 === RTE_PTYPE_INNER_L4_SCTP) {
    h[HDR_INNER_L4_LEN] = 12;
  }
  return pt;
}

/** rte_net_get_ptype exactly as DPDK 22.11 computes it (getPtype with PTYPE_PARSE_DPDK). */
export function netGetPtype(u8: Uint8Array, off: number, len: number, layers: number = RTE_PTYPE_ALL_MASK,
  hdrLens: Uint32Array = scratchLens): number {
  return getPtype(u8, off, len, layers, hdrLens, PTYPE_PARSE_DPDK);
}
