// Internet checksums (DPDK rte_ip.h). Every value here is the 16-bit number as it reads big-endian on the
// wire, i.e. what ipv4SetCksum/udpSetCksum store: DPDK's functions return the byte-swapped equivalent on
// x86 because they sum little-endian words, and one's complement sums commute with byte swapping.
import { rd16 } from './bytes.js';
import { IPPROTO_UDP } from './ipproto.js';

// Wide reads: 32-bit loads over the caller's whole buffer. The views are cached per buffer (the packet
// window is one buffer, so they are built once per thread). Measured on Node 20: for 1500 bytes about 3x
// faster than combining bytes; below WIDE_MIN bytes the byte loop wins.
const WIDE_MIN = 64;
let cU8: Uint8Array | null = null;
let cBuf: ArrayBufferLike | null = null;
let cBase = 0;
let cU16: Uint16Array = new Uint16Array(0);
let cU32: Uint32Array = new Uint32Array(0);

function bindWide(u8: Uint8Array): void {
  const b = u8.buffer;
  cU8 = u8;
  cBase = u8.byteOffset;
  if (b === cBuf) return;
  cBuf = b;
  cU16 = new Uint16Array(b, 0, b.byteLength >>> 1);
  cU32 = new Uint32Array(b, 0, b.byteLength >>> 2);
}

/** Unfolded sum of big-endian 16-bit words; an odd last byte counts as its high half. */
function sumBytes(u8: Uint8Array, off: number, len: number): number {
  let s0 = 0, s1 = 0, i = off;
  const end4 = off + (len & ~3);
  for (; i < end4; i += 4) {
    s0 += (u8[i]! << 8) | u8[i + 1]!;
    s1 += (u8[i + 2]! << 8) | u8[i + 3]!;
  }
  let s = s0 + s1;
  const end = off + len;
  if (i + 1 < end) {
    s += (u8[i]! << 8) | u8[i + 1]!;
    i += 2;
  }
  if (i < end) s += u8[i]! << 8;
  return s;
}

/** Same result as sumBytes modulo 0xffff (never 0 for a non-zero sum), via aligned 32-bit loads. */
function sumWide(u8: Uint8Array, off: number, len: number): number {
  if (u8 !== cU8) bindWide(u8);
  const a = cBase + off;
  if ((a & 1) !== 0) return sumBytes(u8, off, len);
  // The loads are little-endian: sum native words, fold, then swap into big-endian order.
  let s = 0;
  let w2 = a >>> 1;
  const we2 = w2 + (len >>> 1);
  if ((w2 & 1) !== 0 && w2 < we2) {
    s += cU16[w2]!;
    w2++;
  }
  if (w2 < we2) {
    let w = w2 >>> 1;
    const we = we2 >>> 1;
    let d = 0;
    for (; w + 3 < we; w += 4) d += cU32[w]! + cU32[w + 1]! + cU32[w + 2]! + cU32[w + 3]!;
    for (; w < we; w++) d += cU32[w]!;
    // 2^16 = 1 (mod 0xffff), so a u32 counts as the sum of its two 16-bit halves.
    const r = d % 0xffff;
    s += r === 0 && d !== 0 ? 0xffff : r;
    if ((we2 & 1) !== 0) s += cU16[we2 - 1]!;
  }
  s = (s >>> 16) + (s & 0xffff);
  s = (s >>> 16) + (s & 0xffff);
  s = ((s & 0xff) << 8) | (s >>> 8);
  if ((len & 1) !== 0) s += u8[off + len - 1]! << 8;
  return s;
}

function fold(s: number): number {
  s = (s >>> 16) + (s & 0xffff);
  return (s >>> 16) + (s & 0xffff);
}

/**
 * Non-complemented one's complement sum of len bytes at off (rte_raw_cksum): 0..0xffff, 0 only when all
 * words are zero. Bytes beyond the end of u8 are not read.
 */
export function rawCksum(u8: Uint8Array, off: number, len: number): number {
  if (off + len > u8.length) len = off < u8.length ? u8.length - off : 0;
  if (len <= 0) return 0;
  return fold(len < WIDE_MIN ? sumBytes(u8, off, len) : sumWide(u8, off, len));
}

/** One's complement addition of two 16-bit sums. */
export function cksumAdd(a: number, b: number): number {
  return fold(a + b);
}

/**
 * Adds the raw sum of a part that starts partOff bytes into the checksummed range (a later segment of a
 * chained mbuf): a part at an odd offset has its bytes in the other halves of the words, so it is swapped.
 */
export function cksumCombine(sum: number, part: number, partOff: number): number {
  if ((partOff & 1) !== 0) part = ((part & 0xff) << 8) | (part >>> 8);
  return fold(sum + part);
}

/**
 * Incremental update (RFC 1624 eqn. 3) of a stored checksum when one 16-bit word of the covered data
 * changes from oldWord to newWord; what testpmd's icmpecho does when it turns a request into a reply.
 */
export function cksumUpdate16(cksum: number, oldWord: number, newWord: number): number {
  const s = fold((~cksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff));
  return ~s & 0xffff;
}

/** IPv4 header checksum to store (rte_ipv4_cksum); the checksum field must be 0 when called. */
export function ipv4Cksum(u8: Uint8Array, l3off: number): number {
  return ~rawCksum(u8, l3off, (u8[l3off]! & 0x0f) << 2) & 0xffff;
}

/** 0 when the IPv4 header checksum (field included) is correct, else -1. */
export function ipv4CksumVerify(u8: Uint8Array, l3off: number): number {
  return rawCksum(u8, l3off, (u8[l3off]! & 0x0f) << 2) === 0xffff ? 0 : -1;
}

function ipv4Phdr(u8: Uint8Array, l3off: number, l4len: number): number {
  const s = rd16(u8, l3off + 12) + rd16(u8, l3off + 14) + rd16(u8, l3off + 16) + rd16(u8, l3off + 18) +
    u8[l3off + 9]! + (l4len & 0xffff);
  return fold(s);
}

/**
 * IPv4 pseudo-header sum (rte_ipv4_phdr_cksum), non-complemented: what TX checksum offload expects in the
 * L4 checksum field. The length is total length - header length, or 0 for TSO (RTE_MBUF_F_TX_TCP_SEG).
 */
export function ipv4PhdrCksum(u8: Uint8Array, l3off: number, tso = false): number {
  return ipv4Phdr(u8, l3off, tso ? 0 : rd16(u8, l3off + 2) - ((u8[l3off]! & 0x0f) << 2));
}

// Non-complemented L4 sum; l4len < 0 takes it from the IPv4 header like DPDK (0 if total < header).
function ipv4L4Sum(u8: Uint8Array, l3off: number, l4off: number, l4len: number): number {
  if (l4len < 0) {
    const total = rd16(u8, l3off + 2), hl = (u8[l3off]! & 0x0f) << 2;
    if (total < hl) return 0;
    l4len = total - hl;
  }
  return fold(rawCksum(u8, l4off, l4len) + ipv4Phdr(u8, l3off, l4len));
}

/**
 * UDP/TCP checksum to store for the IPv4 packet at l3off whose L4 header is at l4off (rte_ipv4_udptcp_cksum);
 * the L4 checksum field must be 0. l4len (header + payload) defaults to total length - IP header length; it
 * is used for the sum and the pseudo-header. A UDP result of 0 is sent as 0xffff (RFC 768).
 */
export function ipv4UdptcpCksum(u8: Uint8Array, l3off: number, l4off: number, l4len = -1): number {
  const c = ~ipv4L4Sum(u8, l3off, l4off, l4len) & 0xffff;
  return c === 0 && u8[l3off + 9] === IPPROTO_UDP ? 0xffff : c;
}

/**
 * 0 when the UDP/TCP checksum of the IPv4 packet is correct, else -1 (rte_ipv4_udptcp_cksum_verify). For
 * UDP the caller first checks for a zero checksum (not computed); ipv4UdpCksumVerify does that.
 */
export function ipv4UdptcpCksumVerify(u8: Uint8Array, l3off: number, l4off: number, l4len = -1): number {
  return ipv4L4Sum(u8, l3off, l4off, l4len) === 0xffff ? 0 : -1;
}

/** UDP over IPv4 on receive: a zero checksum means "not computed" and passes (0); else as ipv4UdptcpCksumVerify. */
export function ipv4UdpCksumVerify(u8: Uint8Array, l3off: number, l4off: number, l4len = -1): number {
  if (rd16(u8, l4off + 6) === 0) return 0;
  return ipv4UdptcpCksumVerify(u8, l3off, l4off, l4len);
}

function ipv6Phdr(u8: Uint8Array, l3off: number, l4len: number, proto: number): number {
  let s = 0;
  for (let o = l3off + 8; o < l3off + 40; o += 2) s += rd16(u8, o);
  return fold(s + (l4len >>> 16) + (l4len & 0xffff) + proto);
}

/**
 * IPv6 pseudo-header sum (rte_ipv6_phdr_cksum), non-complemented. Defaults like DPDK: length = payload
 * length (0 for TSO), protocol = the fixed header's next header; pass l4len and proto when extension headers
 * sit between the IPv6 and L4 headers.
 */
export function ipv6PhdrCksum(u8: Uint8Array, l3off: number, tso = false, l4len = -1, proto = -1): number {
  const len = tso ? 0 : l4len < 0 ? rd16(u8, l3off + 4) : l4len;
  return ipv6Phdr(u8, l3off, len, proto < 0 ? u8[l3off + 6]! : proto);
}

function ipv6L4Sum(u8: Uint8Array, l3off: number, l4off: number, l4len: number, proto: number): number {
  if (l4len < 0) {
    l4len = rd16(u8, l3off + 4) - (l4off - l3off - 40);
    if (l4len < 0) l4len = 0;
  }
  return fold(rawCksum(u8, l4off, l4len) + ipv6Phdr(u8, l3off, l4len, proto));
}

/**
 * UDP/TCP (or ICMPv6) checksum to store for the IPv6 packet at l3off (rte_ipv6_udptcp_cksum); the L4
 * checksum field must be 0. l4len defaults to the payload length minus any bytes between the fixed header
 * and l4off, proto to the fixed header's next header. A UDP result of 0 is sent as 0xffff.
 */
export function ipv6UdptcpCksum(u8: Uint8Array, l3off: number, l4off: number, l4len = -1, proto = -1): number {
  const p = proto < 0 ? u8[l3off + 6]! : proto;
  const c = ~ipv6L4Sum(u8, l3off, l4off, l4len, p) & 0xffff;
  return c === 0 && p === IPPROTO_UDP ? 0xffff : c;
}

/** 0 when the UDP/TCP checksum of the IPv6 packet is correct, else -1 (rte_ipv6_udptcp_cksum_verify). */
export function ipv6UdptcpCksumVerify(u8: Uint8Array, l3off: number, l4off: number, l4len = -1, proto = -1): number {
  return ipv6L4Sum(u8, l3off, l4off, l4len, proto < 0 ? u8[l3off + 6]! : proto) === 0xffff ? 0 : -1;
}

/** UDP over IPv6 on receive: a zero checksum is invalid (RFC 8200 8.1), -1; else as ipv6UdptcpCksumVerify. */
export function ipv6UdpCksumVerify(u8: Uint8Array, l3off: number, l4off: number, l4len = -1, proto = -1): number {
  if (rd16(u8, l4off + 6) === 0) return -1;
  return ipv6UdptcpCksumVerify(u8, l3off, l4off, l4len, proto);
}
