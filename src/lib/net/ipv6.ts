// IPv6 header (struct rte_ipv6_hdr, 40 bytes) and extension-header walking.
import { TsdpdkError } from '../eal/errors.js';
import { rd16, rd32, wr16, wr32 } from './bytes.js';
import {
  IPPROTO_AH, IPPROTO_DSTOPTS, IPPROTO_ESP, IPPROTO_FRAGMENT, IPPROTO_HOPOPTS, IPPROTO_NONE, IPPROTO_ROUTING,
} from './ipproto.js';

export const RTE_IPV6_HDR_LEN = 40;
export const RTE_IPV6_ADDR_SIZE = 16;
export const RTE_IPV6_HDR_FL_SHIFT = 0;
export const RTE_IPV6_HDR_TC_SHIFT = 20;
export const RTE_IPV6_HDR_FL_MASK = (1 << 20) - 1;
export const RTE_IPV6_HDR_TC_MASK = 0xff << 20;
export const RTE_IPV6_HDR_DSCP_MASK = 0xfc << 20;
export const RTE_IPV6_HDR_ECN_MASK = 0x03 << 20;
export const RTE_IPV6_MIN_MTU = 1280;
/** Fragment extension header (struct rte_ipv6_fragment_ext). */
export const RTE_IPV6_FRAG_HDR_SIZE = 8;
export const RTE_IPV6_EHDR_MF_MASK = 1;
export const RTE_IPV6_EHDR_FO_SHIFT = 3;
/** rte_net_skip_ip6_ext's limit on consecutive extension headers. */
export const IPV6_MAX_EXT_HDRS = 5;

export const IPV6_OFF_VTC_FLOW = 0;
export const IPV6_OFF_PAYLOAD_LEN = 4;
export const IPV6_OFF_PROTO = 6;
export const IPV6_OFF_HOP_LIMITS = 7;
export const IPV6_OFF_SRC = 8;
export const IPV6_OFF_DST = 24;

export const ipv6GetVtcFlow = (u8: Uint8Array, off: number): number => rd32(u8, off);
export const ipv6SetVtcFlow = (u8: Uint8Array, off: number, v: number): void => wr32(u8, off, v);
export const ipv6GetVersion = (u8: Uint8Array, off: number): number => u8[off]! >>> 4;
export const ipv6GetTrafficClass = (u8: Uint8Array, off: number): number => (rd32(u8, off) >>> 20) & 0xff;
export const ipv6GetFlowLabel = (u8: Uint8Array, off: number): number => rd32(u8, off) & RTE_IPV6_HDR_FL_MASK;
export const ipv6GetPayloadLen = (u8: Uint8Array, off: number): number => rd16(u8, off + 4);
export const ipv6SetPayloadLen = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 4, v);
/** Next header of the fixed header. */
export const ipv6GetProto = (u8: Uint8Array, off: number): number => u8[off + 6]!;
export const ipv6SetProto = (u8: Uint8Array, off: number, v: number): void => { u8[off + 6] = v; };
export const ipv6GetHopLimits = (u8: Uint8Array, off: number): number => u8[off + 7]!;
export const ipv6SetHopLimits = (u8: Uint8Array, off: number, v: number): void => { u8[off + 7] = v; };
/** Word i (0..3) of the source address as a u32 (what RSS tuples hold). */
export const ipv6GetSrcWord = (u8: Uint8Array, off: number, i: number): number => rd32(u8, off + 8 + 4 * i);
export const ipv6GetDstWord = (u8: Uint8Array, off: number, i: number): number => rd32(u8, off + 24 + 4 * i);

/** Exchanges the 16-byte source and destination addresses. */
export function ipv6SwapAddrs(u8: Uint8Array, off: number): void {
  for (let i = 8; i < 24; i++) {
    const t = u8[off + i]!;
    u8[off + i] = u8[off + i + 16]!;
    u8[off + i + 16] = t;
  }
}

/** True for the next-header values DPDK's ptype code counts as extension headers (hop-by-hop, routing, fragment, ESP, AH, destination options). */
export function ipv6IsExtProto(proto: number): boolean {
  return proto === IPPROTO_HOPOPTS || proto === IPPROTO_ROUTING || proto === IPPROTO_FRAGMENT ||
    proto === IPPROTO_ESP || proto === IPPROTO_AH || proto === IPPROTO_DSTOPTS;
}

/**
 * Length of the extension header at off whose type is proto (rte_ipv6_get_next_ext): hop-by-hop, routing,
 * destination options (len + 1) * 8, AH (len + 2) * 4, fragment 8; -1 when proto is not one of those. The
 * next header is u8[off]. Reads u8[off + 1], so the caller checks off + 2 <= end.
 */
export function ipv6ExtLen(u8: Uint8Array, off: number, proto: number): number {
  switch (proto) {
    case IPPROTO_HOPOPTS:
    case IPPROTO_ROUTING:
    case IPPROTO_DSTOPTS:
      return (u8[off + 1]! + 1) << 3;
    case IPPROTO_AH:
      return (u8[off + 1]! + 2) << 2;
    case IPPROTO_FRAGMENT:
      return RTE_IPV6_FRAG_HDR_SIZE;
    default:
      return -1;
  }
}

/** Slots of the result array ipv6SkipExt fills. */
export const IPV6_SKIP_OFF = 0;
export const IPV6_SKIP_FRAG = 1;

/**
 * Walks extension headers starting at off with type proto, like rte_net_skip_ip6_ext: hop-by-hop, routing
 * and destination options are skipped (and AH when skipAh), a fragment header is skipped and ends the walk.
 * Returns the upper-layer protocol, 0 for "no next header" (59), or -1 when a header is cut off by end or
 * more than 5 would have to be skipped. res[IPV6_SKIP_OFF] = offset after the walked headers,
 * res[IPV6_SKIP_FRAG] = 1 if a fragment header was seen.
 */
export function ipv6SkipExt(u8: Uint8Array, off: number, end: number, proto: number, res: Uint32Array, skipAh = false): number {
  res[IPV6_SKIP_FRAG] = 0;
  res[IPV6_SKIP_OFF] = off;
  for (let i = 0; i < IPV6_MAX_EXT_HDRS; i++) {
    switch (proto) {
      case IPPROTO_HOPOPTS:
      case IPPROTO_ROUTING:
      case IPPROTO_DSTOPTS:
        if (off + 2 > end) return -1;
        proto = u8[off]!;
        off += (u8[off + 1]! + 1) << 3;
        res[IPV6_SKIP_OFF] = off;
        break;
      case IPPROTO_AH:
        if (!skipAh) return proto;
        if (off + 2 > end) return -1;
        proto = u8[off]!;
        off += (u8[off + 1]! + 2) << 2;
        res[IPV6_SKIP_OFF] = off;
        break;
      case IPPROTO_FRAGMENT:
        if (off + 2 > end) return -1;
        res[IPV6_SKIP_OFF] = off + 8;
        res[IPV6_SKIP_FRAG] = 1;
        return u8[off]!;
      case IPPROTO_NONE:
        return 0;
      default:
        return proto;
    }
  }
  return -1;
}

/** RFC 5952 text form of the 16-byte address at off (control path). */
export function ipv6FormatAddr(u8: Uint8Array, off: number): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(rd16(u8, off + 2 * i));
  // v4-mapped ::ffff:a.b.c.d
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) {
    return `::ffff:${u8[off + 12]}.${u8[off + 13]}.${u8[off + 14]}.${u8[off + 15]}`;
  }
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = w.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Parses an IPv6 address (hex groups, one "::", optional trailing dotted quad) into out[off..off+16). */
export function ipv6ParseAddr(str: string, out: Uint8Array, off = 0): void {
  const bad = (): never => { throw new TsdpdkError('EINVAL', `invalid IPv6 address '${str}'`); };
  const halves = str.split('::');
  if (halves.length > 2) bad();
  const groups = (s: string): number[] => {
    if (s === '') return [];
    const r: number[] = [];
    const parts = s.split(':');
    parts.forEach((p, i) => {
      if (i === parts.length - 1 && p.includes('.')) {
        const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(p);
        if (m === null) bad();
        const b = m!.slice(1).map(Number);
        if (b.some((x) => x > 255)) bad();
        r.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
        return;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) bad();
      r.push(parseInt(p, 16));
    });
    return r;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) bad();
  const all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  for (let i = 0; i < 8; i++) wr16(out, off + 2 * i, all[i]!);
}
