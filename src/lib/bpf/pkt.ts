// Packet and argument memory as the BPF engines see it: views over the shared window (or any buffer laid
// out the same way in tests), rte_pktmbuf_read for LD ABS/IND across segments, 64-bit helpers.

import { M_BUF_ADDR, M_DATA_LEN, M_DATA_OFF, M_NEXT, M_PKT_LEN } from '../mbuf/mbuf_layout.js';

export let U8: Uint8Array = new Uint8Array(8);
export let U16: Uint16Array = new Uint16Array(4);
export let U32: Uint32Array = new Uint32Array(2);
export let DV: DataView = new DataView(U8.buffer);

/** The same views for compiled programs, which read them once per run. */
export const MEM = { u8: U8, u16: U16, u32: U32 };

/** Points the engines at a window (views indexed by window offset). */
export function bpfBindMemory(u8: Uint8Array, u16?: Uint16Array, u32?: Uint32Array): void {
  U8 = u8;
  U16 = u16 ?? new Uint16Array(u8.buffer, u8.byteOffset, u8.byteLength >>> 1);
  U32 = u32 ?? new Uint32Array(u8.buffer, u8.byteOffset, u8.byteLength >>> 2);
  DV = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  MEM.u8 = U8;
  MEM.u16 = U16;
  MEM.u32 = U32;
}

/** Set to 1 by pktLoad when the bytes are not all inside the packet (the program then returns 0). */
export const PKT_ERR = new Int32Array(1);

/**
 * rte_pktmbuf_read + ntoh of `size` (1, 2, 4) bytes at packet offset `off` of mbuf `m`, as an int32 (so
 * no number is boxed); PKT_ERR[0] says whether the bytes were out of pkt_len.
 */
export function pktLoad(m: number, off: number, size: number): number {
  PKT_ERR[0] = 0;
  if (off + size > U32[(m + M_PKT_LEN) >>> 2]!) { PKT_ERR[0] = 1; return 0; }
  let seg = m;
  let o = off;
  let dl = U16[(seg + M_DATA_LEN) >>> 1]!;
  while (o >= dl) {
    o -= dl;
    seg = U32[(seg + M_NEXT) >>> 2]!;
    if (seg === 0) { PKT_ERR[0] = 1; return 0; }
    dl = U16[(seg + M_DATA_LEN) >>> 1]!;
  }
  let p = U32[(seg + M_BUF_ADDR) >>> 2]! + U16[(seg + M_DATA_OFF) >>> 1]! + o;
  if (o + size <= dl) {
    if (size === 1) return U8[p]!;
    if (size === 2) return (U8[p]! << 8) | U8[p + 1]!;
    return (U8[p]! << 24) | (U8[p + 1]! << 16) | (U8[p + 2]! << 8) | U8[p + 3]!;
  }
  // Spans segments: byte by byte.
  let v = 0;
  for (let k = 0; k < size; k++) {
    while (o >= dl) {
      o -= dl;
      seg = U32[(seg + M_NEXT) >>> 2]!;
      if (seg === 0) { PKT_ERR[0] = 1; return 0; }
      dl = U16[(seg + M_DATA_LEN) >>> 1]!;
      p = U32[(seg + M_BUF_ADDR) >>> 2]! + U16[(seg + M_DATA_OFF) >>> 1]! + o;
    }
    v = (v << 8) | U8[p++]!;
    o++;
  }
  return v;
}

/** Results of the 64-bit helpers: T64[0] = high, T64[1] = low (int32). */
export const T64 = new Int32Array(2);

export function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const p00 = a0 * b0;
  const mid = (p00 >>> 16) + a1 * b0;
  const mid2 = (mid & 0xffff) + a0 * b1;
  const lo = ((mid2 & 0xffff) << 16) | (p00 & 0xffff);
  const carry = Math.floor(mid / 65536) + Math.floor(mid2 / 65536) + a1 * b1;
  T64[0] = (carry + Math.imul(ah, bl) + Math.imul(al, bh)) | 0;
  T64[1] = lo;
}

/** Unsigned 64-bit a / b (mod = false) or a % b; b != 0. */
export function divmod64(ah: number, al: number, bh: number, bl: number, mod: boolean): void {
  if (ah === 0 && bh === 0) {
    const a = al >>> 0, b = bl >>> 0;
    T64[0] = 0;
    T64[1] = mod ? a % b : Math.floor(a / b);
    return;
  }
  // Restoring long division, one bit at a time.
  let qh = 0, ql = 0, rh = 0, rl = 0;
  for (let i = 63; i >= 0; i--) {
    rh = (rh << 1) | (rl >>> 31);
    rl = (rl << 1) | ((i >= 32 ? ah >>> (i - 32) : al >>> i) & 1);
    if ((rh >>> 0) > (bh >>> 0) || ((rh >>> 0) === (bh >>> 0) && (rl >>> 0) >= (bl >>> 0))) {
      const l = (rl >>> 0) - (bl >>> 0);
      rh = (rh - bh - (l < 0 ? 1 : 0)) | 0;
      rl = l | 0;
      if (i >= 32) qh |= 1 << (i - 32);
      else ql |= 1 << i;
    }
  }
  T64[0] = mod ? rh : qh;
  T64[1] = mod ? rl : ql;
}

export function bswap32(v: number): number {
  return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}
