// Internet checksums the way DPDK's rte_ip.h computes them (rte_raw_cksum, rte_ipv4_cksum,
// rte_ipv4/ipv6_udptcp_cksum_mbuf), over packet bytes in the shared window, across segments.
// Sums are kept as plain numbers (no 32-bit wrap needed below 64 KiB) and folded at the end.

import { M_BUF_ADDR, M_DATA_LEN, M_DATA_OFF, M_NEXT, M_PKT_LEN } from '../../../lib/mbuf/mbuf_layout.js';

/** Unfolded sum of big-endian 16-bit words of u8[off..off+len); an odd last byte is the high half. */
export function rawSum(u8: Uint8Array, off: number, len: number, sum: number): number {
  const end = off + (len & ~1);
  let i = off;
  for (; i < end; i += 2) sum += (u8[i]! << 8) | u8[i + 1]!;
  if (len & 1) sum += u8[i]! << 8;
  return sum;
}

/** __rte_raw_cksum_reduce */
export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 65536);
  return sum;
}

/** rte_ipv4_cksum: the complemented header sum (the checksum field must be 0). */
export function ipv4Cksum(u8: Uint8Array, ip: number): number {
  return ~fold(rawSum(u8, ip, (u8[ip]! & 0x0f) * 4, 0)) & 0xffff;
}

/** rte_raw_cksum_mbuf: folded sum of len bytes at packet offset off, or -1 when they are not all there. */
export function rawCksumMbuf(u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, m: number, off: number, len: number): number {
  const dataLen = u16[(m + M_DATA_LEN) >>> 1]!;
  if (off + len <= dataLen) return fold(rawSum(u8, u32[(m + M_BUF_ADDR) >>> 2]! + u16[(m + M_DATA_OFF) >>> 1]! + off, len, 0));
  if (off + len > u32[(m + M_PKT_LEN) >>> 2]!) return -1;
  let seg = m;
  while (seg !== 0 && off >= u16[(seg + M_DATA_LEN) >>> 1]!) {
    off -= u16[(seg + M_DATA_LEN) >>> 1]!;
    seg = u32[(seg + M_NEXT) >>> 2]!;
  }
  let sum = 0;
  let done = 0;
  while (seg !== 0 && done < len) {
    const base = u32[(seg + M_BUF_ADDR) >>> 2]! + u16[(seg + M_DATA_OFF) >>> 1]!;
    let n = u16[(seg + M_DATA_LEN) >>> 1]! - off;
    if (n > len - done) n = len - done;
    for (let k = 0; k < n; k++) {
      // A byte's half of the word depends on its position in the whole range, not in the segment.
      sum += ((done + k) & 1) === 0 ? u8[base + off + k]! << 8 : u8[base + off + k]!;
    }
    done += n;
    off = 0;
    seg = u32[(seg + M_NEXT) >>> 2]!;
  }
  return fold(sum);
}

/**
 * rte_ipv4_udptcp_cksum_mbuf: complemented L4 checksum (field zeroed by the caller) of an IPv4 packet
 * whose header is at window offset ip and whose L4 header is at packet offset l4Off.
 */
export function ipv4UdptcpCksumMbuf(u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, m: number, ip: number, l4Off: number): number {
  let c = 0;
  if (l4Off <= u32[(m + M_PKT_LEN) >>> 2]!) {
    const ihl = (u8[ip]! & 0x0f) * 4;
    const len = ((((u8[ip + 2]! << 8) | u8[ip + 3]!) - ihl) & 0xffff);
    const raw = rawCksumMbuf(u8, u16, u32, m, l4Off, len);
    if (raw >= 0) {
      // Pseudo header: addresses, protocol, L4 length.
      const ph = fold(rawSum(u8, ip + 12, 8, u8[ip + 9]! + len));
      c = raw + ph;
      c = ((c >>> 16) + (c & 0xffff)) & 0xffff;
    }
  }
  c = ~c & 0xffff;
  if (c === 0 && u8[ip + 9] === 17) c = 0xffff;
  return c;
}

/** rte_ipv6_udptcp_cksum_mbuf (no extension headers, like DPDK). */
export function ipv6UdptcpCksumMbuf(u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, m: number, ip: number, l4Off: number): number {
  let c = 0;
  if (l4Off <= u32[(m + M_PKT_LEN) >>> 2]!) {
    const len = (u8[ip + 4]! << 8) | u8[ip + 5]!;
    const raw = rawCksumMbuf(u8, u16, u32, m, l4Off, len);
    if (raw >= 0) {
      const ph = fold(rawSum(u8, ip + 8, 32, len + u8[ip + 6]!));
      c = raw + ph;
      c = ((c >>> 16) + (c & 0xffff)) & 0xffff;
    }
  }
  c = ~c & 0xffff;
  if (c === 0 && u8[ip + 6] === 17) c = 0xffff;
  return c;
}
