// Toeplitz RSS hash (rte_thash.h): rte_softrss, the pre-converted-key variant, tuple loading from packets,
// RETA lookup. Tuples are Uint32Arrays of host numbers: IPv4 [src, dst, sport << 16 | dport], IPv6
// [src words 0..3, dst words 0..3, sport << 16 | dport], i.e. union rte_thash_tuple read as u32 words.
import { TsdpdkError } from '../eal/errors.js';
import { rd16, rd32 } from './bytes.js';

/** Tuple lengths in 32-bit words (RTE_THASH_V4_L3_LEN ...). */
export const RTE_THASH_V4_L3_LEN = 2;
export const RTE_THASH_V4_L4_LEN = 3;
export const RTE_THASH_V6_L3_LEN = 8;
export const RTE_THASH_V6_L4_LEN = 9;
/** Words in the largest tuple: size tuple arrays with this. */
export const RTE_THASH_TUPLE_MAX_LEN = 9;
export const RSS_KEY_DEFAULT_LEN = 40;

// The Microsoft RSS verification key: DPDK's test_thash.c and the default key of Intel PMDs (ixgbe, i40e...).
const DEFAULT_KEY = [
  0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
  0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
  0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
];

/** A fresh copy of the 40-byte default RSS key (6d 5a 56 da ... 01 fa). */
export function defaultRssKey(): Uint8Array {
  return Uint8Array.from(DEFAULT_KEY);
}

/**
 * Toeplitz hash of len words of input with a key in wire byte order (rte_softrss). The key must hold at
 * least 4 * (len + 1) bytes; missing bytes count as 0.
 */
export function softrss(input: Uint32Array, len: number, key: Uint8Array): number {
  let ret = 0;
  for (let j = 0; j < len; j++) {
    let map = input[j]!;
    if (map === 0) continue;
    const k0 = ((key[4 * j]! << 24) | (key[4 * j + 1]! << 16) | (key[4 * j + 2]! << 8) | key[4 * j + 3]!) >>> 0;
    const k1 = ((key[4 * j + 4]! << 24) | (key[4 * j + 5]! << 16) | (key[4 * j + 6]! << 8) | key[4 * j + 7]!) >>> 0;
    while (map !== 0) {
      const i = 31 - Math.clz32(map & -map); // lowest set bit
      // (k0 << (31 - i)) | (k1 >> (i + 1)): the 32 key bits aligned with input bit i (MSB first).
      ret ^= (k0 << (31 - i)) | (i === 31 ? 0 : k1 >>> (i + 1));
      map &= map - 1;
    }
  }
  return ret >>> 0;
}

/** rte_convert_rss_key: the key as host-order u32 words, for softrssBe. len defaults to the key length. */
export function convertRssKey(key: Uint8Array, targ?: Uint32Array, len = key.length): Uint32Array {
  const n = len >>> 2;
  const out = targ ?? new Uint32Array(n);
  if (out.length < n) throw new TsdpdkError('EINVAL', `RSS key target holds ${out.length} words, need ${n}`);
  for (let i = 0; i < n; i++) out[i] = rd32(key, 4 * i);
  return out;
}

/** rte_softrss_be: same hash as softrss with a key converted by convertRssKey (no byte assembly per word). */
export function softrssBe(input: Uint32Array, len: number, convKey: Uint32Array): number {
  let ret = 0;
  for (let j = 0; j < len; j++) {
    let map = input[j]!;
    if (map === 0) continue;
    const k0 = convKey[j]! | 0;
    const k1 = (convKey[j + 1] ?? 0) >>> 0;
    while (map !== 0) {
      const i = 31 - Math.clz32(map & -map);
      ret ^= (k0 << (31 - i)) | (i === 31 ? 0 : k1 >>> (i + 1));
      map &= map - 1;
    }
  }
  return ret >>> 0;
}

/** IPv4 addresses of the header at l3off into tuple[0..2); returns RTE_THASH_V4_L3_LEN. */
export function thashLoadIpv4(u8: Uint8Array, l3off: number, tuple: Uint32Array): number {
  tuple[0] = rd32(u8, l3off + 12);
  tuple[1] = rd32(u8, l3off + 16);
  return RTE_THASH_V4_L3_LEN;
}

/** IPv4 addresses and the L4 ports at l4off (TCP/UDP/SCTP) into tuple[0..3); returns RTE_THASH_V4_L4_LEN. */
export function thashLoadIpv4L4(u8: Uint8Array, l3off: number, l4off: number, tuple: Uint32Array): number {
  tuple[0] = rd32(u8, l3off + 12);
  tuple[1] = rd32(u8, l3off + 16);
  tuple[2] = ((rd16(u8, l4off) << 16) | rd16(u8, l4off + 2)) >>> 0;
  return RTE_THASH_V4_L4_LEN;
}

/** IPv6 addresses as 8 host-order words (rte_thash_load_v6_addrs); returns RTE_THASH_V6_L3_LEN. */
export function thashLoadIpv6(u8: Uint8Array, l3off: number, tuple: Uint32Array): number {
  for (let i = 0; i < 8; i++) tuple[i] = rd32(u8, l3off + 8 + 4 * i);
  return RTE_THASH_V6_L3_LEN;
}

/** IPv6 addresses and L4 ports; returns RTE_THASH_V6_L4_LEN. */
export function thashLoadIpv6L4(u8: Uint8Array, l3off: number, l4off: number, tuple: Uint32Array): number {
  for (let i = 0; i < 8; i++) tuple[i] = rd32(u8, l3off + 8 + 4 * i);
  tuple[8] = ((rd16(u8, l4off) << 16) | rd16(u8, l4off + 2)) >>> 0;
  return RTE_THASH_V6_L4_LEN;
}

/** Queue for a hash: reta[hash mod size], the low hash bits for the usual power-of-two table sizes. */
export function retaLookup(reta: Uint16Array, hash: number): number {
  return reta[(hash >>> 0) % reta.length]!;
}

/** Fills a RETA round-robin over nbQueues (entry i -> i % nbQueues), the PMDs' default spread. */
export function retaFillDefault(reta: Uint16Array, nbQueues: number): Uint16Array {
  if (!(nbQueues >= 1 && nbQueues <= 0xffff)) throw new TsdpdkError('EINVAL', `invalid queue count ${nbQueues} for RETA`);
  for (let i = 0; i < reta.length; i++) reta[i] = i % nbQueues;
  return reta;
}
