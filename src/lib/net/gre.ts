// GRE header (struct rte_gre_hdr, RFC 2784/2890): 4 fixed bytes, then optional checksum, key and sequence
// words in that order, each present when its flag bit is set.
import { rd16, rd32, wr16 } from './bytes.js';

export const RTE_GRE_HDR_LEN = 4;
/** Flag bits of the first 16-bit word. */
export const GRE_FLAG_C = 0x8000;
export const GRE_FLAG_R = 0x4000;
export const GRE_FLAG_K = 0x2000;
export const GRE_FLAG_S = 0x1000;
export const GRE_VERSION_MASK = 0x0007;

export const GRE_OFF_FLAGS = 0;
export const GRE_OFF_PROTO = 2;

export const greGetFlags = (u8: Uint8Array, off: number): number => rd16(u8, off);
export const greSetFlags = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off, v);
export const greGetVersion = (u8: Uint8Array, off: number): number => u8[off + 1]! & GRE_VERSION_MASK;
/** Ethertype of the payload (0x6558 = Ethernet, i.e. NVGRE/TEB). */
export const greGetProto = (u8: Uint8Array, off: number): number => rd16(u8, off + 2);
export const greSetProto = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 2, v);

/**
 * Header length from the C/K/S flags (4 + 4 per present option), or 0 when the routing bit is set (a header
 * rte_net_get_ptype does not parse).
 */
export function greHdrLen(u8: Uint8Array, off: number): number {
  const f = u8[off]! >>> 4; // C R K S
  if ((f & 0x4) !== 0) return 0;
  return 4 + ((f >>> 3) & 1) * 4 + ((f >>> 1) & 1) * 4 + (f & 1) * 4;
}
/** Key (u32) when K is set, else -1. */
export function greGetKey(u8: Uint8Array, off: number): number {
  const f = u8[off]!;
  if ((f & 0x20) === 0) return -1;
  return rd32(u8, off + 4 + ((f & 0x80) !== 0 ? 4 : 0));
}
/** Sequence number (u32) when S is set, else -1. */
export function greGetSeq(u8: Uint8Array, off: number): number {
  const f = u8[off]!;
  if ((f & 0x10) === 0) return -1;
  return rd32(u8, off + 4 + ((f & 0x80) !== 0 ? 4 : 0) + ((f & 0x20) !== 0 ? 4 : 0));
}
