// rte_bpf_exec / rte_bpf_exec_burst: the interpreter. 64-bit registers as (high, low) int32 pairs, a
// private 512-byte stack; pointers are window offsets, except the stack's, tagged by a high half no
// window pointer has. Allocates nothing per run.

import * as D from './bpf_def.js';
import type { Bpf } from './load.js';
import { DV, T64, U8, bswap32, divmod64, mul64, pktLoad } from './pkt.js';

/** High half of pointers into the private stack. */
export const STACK_TAG = 0x5354acc0 | 0;
const SCRATCH = D.EBPF_REG_NUM; // an extra register slot for XADD
const RL = new Int32Array(D.EBPF_REG_NUM + 1);
const RH = new Int32Array(D.EBPF_REG_NUM + 1);
const STK = new Uint8Array(D.MAX_BPF_STACK_SIZE);
const SDV = new DataView(STK.buffer);

/** Address check for a load/store: the stack byte index (>= 0), window offset + WIN, or -1. */
const WIN = 0x100000000;
let argLo = 0;
let argHi = 0;

function addr(h: number, l: number, off: number, size: number): number {
  const a = l + off;
  if (h === STACK_TAG) return a >= 0 && a + size <= D.MAX_BPF_STACK_SIZE ? a : -1;
  if (h !== 0) return -1;
  const w = a >>> 0;
  return w >= argLo && w + size <= argHi ? w + WIN : -1;
}

function loadMem(a: number, size: number, r: number): void {
  let v = 0;
  let hi = 0;
  if (a < WIN) {
    if (size === 1) v = STK[a]!;
    else if (size === 2) v = SDV.getUint16(a, true);
    else if (size === 4) v = SDV.getInt32(a, true);
    else { v = SDV.getInt32(a, true); hi = SDV.getInt32(a + 4, true); }
  } else {
    const w = a - WIN;
    if (size === 1) v = U8[w]!;
    else if (size === 2) v = DV.getUint16(w, true);
    else if (size === 4) v = DV.getInt32(w, true);
    else { v = DV.getInt32(w, true); hi = DV.getInt32(w + 4, true); }
  }
  RL[r] = v;
  RH[r] = hi;
}

function storeMem(a: number, size: number, h: number, l: number): void {
  if (a < WIN) {
    if (size === 1) STK[a] = l;
    else if (size === 2) SDV.setUint16(a, l, true);
    else if (size === 4) SDV.setInt32(a, l, true);
    else { SDV.setInt32(a, l, true); SDV.setInt32(a + 4, h, true); }
  } else {
    const w = a - WIN;
    if (size === 1) U8[w] = l;
    else if (size === 2) DV.setUint16(w, l, true);
    else if (size === 4) DV.setInt32(w, l, true);
    else { DV.setInt32(w, l, true); DV.setInt32(w + 4, h, true); }
  }
}

const SIZE_OF = [4, 2, 1, 8];

/** Runs the program on one context (an mbuf offset for PTR_MBUF programs); r0 as an unsigned number. */
export function bpfExec(bpf: Bpf, ctx: number): number {
  argLo = ctx >>> 0;
  argHi = argLo + bpf.argSize;
  RL.fill(0);
  RH.fill(0);
  RL[1] = ctx;
  RH[10] = STACK_TAG;
  RL[10] = D.MAX_BPF_STACK_SIZE;
  const code = bpf.code, dst = bpf.dst, src = bpf.src, offs = bpf.off, imms = bpf.imm;
  let pc = 0;
  for (;;) {
    const c = code[pc]!;
    const d = dst[pc]!;
    const cls = c & 7;
    if (cls === D.BPF_ALU || cls === D.EBPF_ALU64) {
      const op = c & 0xf0;
      let sl: number, sh: number;
      if ((c & D.BPF_X) !== 0 && op !== D.EBPF_END) { sl = RL[src[pc]!]!; sh = RH[src[pc]!]!; } else { sl = imms[pc]!; sh = sl >> 31; }
      const dl = RL[d]!;
      if (cls === D.BPF_ALU) {
        let r = 0;
        switch (op) {
          case D.BPF_ADD: r = dl + sl; break;
          case D.BPF_SUB: r = dl - sl; break;
          case D.BPF_MUL: r = Math.imul(dl, sl); break;
          case D.BPF_DIV: if (sl === 0) return 0; r = Math.floor((dl >>> 0) / (sl >>> 0)); break;
          case D.BPF_MOD: if (sl === 0) return 0; r = (dl >>> 0) % (sl >>> 0); break;
          case D.BPF_OR: r = dl | sl; break;
          case D.BPF_AND: r = dl & sl; break;
          case D.BPF_XOR: r = dl ^ sl; break;
          case D.BPF_LSH: r = dl << (sl & 31); break;
          case D.BPF_RSH: r = dl >>> (sl & 31); break;
          case D.BPF_NEG: r = -dl; break;
          case D.EBPF_MOV: r = sl; break;
          case D.EBPF_END:
            if ((c & D.EBPF_TO_BE) !== 0) {
              if (sl === 16) r = ((dl & 0xff) << 8) | ((dl >>> 8) & 0xff);
              else if (sl === 32) r = bswap32(dl);
              else { RL[d] = bswap32(RH[d]!); RH[d] = bswap32(dl); pc++; continue; }
            } else {
              if (sl === 16) r = dl & 0xffff;
              else if (sl === 32) r = dl;
              else { pc++; continue; }
            }
            break;
          default: return 0;
        }
        RL[d] = r;
        RH[d] = 0;
      } else {
        const dh = RH[d]!;
        switch (op) {
          case D.BPF_ADD: { const l = (dl >>> 0) + (sl >>> 0); RL[d] = l; RH[d] = dh + sh + (l > 0xffffffff ? 1 : 0); break; }
          case D.BPF_SUB: { const l = (dl >>> 0) - (sl >>> 0); RL[d] = l; RH[d] = dh - sh - (l < 0 ? 1 : 0); break; }
          case D.BPF_MUL: mul64(dh, dl, sh, sl); RH[d] = T64[0]!; RL[d] = T64[1]!; break;
          case D.BPF_DIV: case D.BPF_MOD:
            if (sl === 0 && sh === 0) return 0;
            divmod64(dh, dl, sh, sl, op === D.BPF_MOD); RH[d] = T64[0]!; RL[d] = T64[1]!; break;
          case D.BPF_OR: RL[d] = dl | sl; RH[d] = dh | sh; break;
          case D.BPF_AND: RL[d] = dl & sl; RH[d] = dh & sh; break;
          case D.BPF_XOR: RL[d] = dl ^ sl; RH[d] = dh ^ sh; break;
          case D.EBPF_MOV: RL[d] = sl; RH[d] = sh; break;
          case D.BPF_NEG: { const l = -(dl >>> 0); RL[d] = l; RH[d] = ~dh + (l === 0 ? 1 : 0); break; }
          case D.BPF_LSH: {
            const n = sl & 63;
            if (n >= 32) { RH[d] = dl << (n - 32); RL[d] = 0; } else if (n > 0) { RH[d] = (dh << n) | (dl >>> (32 - n)); RL[d] = dl << n; }
            break;
          }
          case D.BPF_RSH: {
            const n = sl & 63;
            if (n >= 32) { RL[d] = dh >>> (n - 32); RH[d] = 0; } else if (n > 0) { RL[d] = (dl >>> n) | (dh << (32 - n)); RH[d] = dh >>> n; }
            break;
          }
          case D.EBPF_ARSH: {
            const n = sl & 63;
            if (n >= 32) { RL[d] = dh >> (n - 32); RH[d] = dh >> 31; } else if (n > 0) { RL[d] = (dl >>> n) | (dh << (32 - n)); RH[d] = dh >> n; }
            break;
          }
          default: return 0;
        }
      }
      pc++;
      continue;
    }
    if (cls === D.BPF_JMP) {
      const op = c & 0xf0;
      if (op === D.BPF_JA) { pc = offs[pc]!; continue; }
      if (op === D.EBPF_EXIT) return (RH[0]! >>> 0) * 4294967296 + (RL[0]! >>> 0);
      let sl: number, sh: number;
      if ((c & D.BPF_X) !== 0) { sl = RL[src[pc]!]!; sh = RH[src[pc]!]!; } else { sl = imms[pc]!; sh = sl >> 31; }
      const dl = RL[d]!, dh = RH[d]!;
      let t: boolean;
      switch (op) {
        case D.BPF_JEQ: t = dl === sl && dh === sh; break;
        case D.EBPF_JNE: t = dl !== sl || dh !== sh; break;
        case D.BPF_JGT: t = dh !== sh ? (dh >>> 0) > (sh >>> 0) : (dl >>> 0) > (sl >>> 0); break;
        case D.BPF_JGE: t = dh !== sh ? (dh >>> 0) > (sh >>> 0) : (dl >>> 0) >= (sl >>> 0); break;
        case D.EBPF_JLT: t = dh !== sh ? (dh >>> 0) < (sh >>> 0) : (dl >>> 0) < (sl >>> 0); break;
        case D.EBPF_JLE: t = dh !== sh ? (dh >>> 0) < (sh >>> 0) : (dl >>> 0) <= (sl >>> 0); break;
        case D.EBPF_JSGT: t = dh !== sh ? dh > sh : (dl >>> 0) > (sl >>> 0); break;
        case D.EBPF_JSGE: t = dh !== sh ? dh > sh : (dl >>> 0) >= (sl >>> 0); break;
        case D.EBPF_JSLT: t = dh !== sh ? dh < sh : (dl >>> 0) < (sl >>> 0); break;
        case D.EBPF_JSLE: t = dh !== sh ? dh < sh : (dl >>> 0) <= (sl >>> 0); break;
        case D.BPF_JSET: t = ((dl & sl) | (dh & sh)) !== 0; break;
        default: return 0; // CALL: no external symbols
      }
      pc = t ? offs[pc]! : pc + 1;
      continue;
    }
    if (cls === D.BPF_LD) {
      const mode = c & 0xe0;
      if (mode === D.BPF_IMM) { // 64-bit immediate, two slots
        RL[d] = imms[pc]!;
        RH[d] = imms[pc + 1]!;
        pc += 2;
        continue;
      }
      const off = mode === D.BPF_IND ? (imms[pc]! + RL[src[pc]!]!) >>> 0 : imms[pc]! >>> 0;
      const v = pktLoad(RL[6]!, off, SIZE_OF[(c & 0x18) >>> 3]!);
      if (v < 0) return 0;
      RL[0] = v;
      RH[0] = 0;
      pc++;
      continue;
    }
    const size = SIZE_OF[(c & 0x18) >>> 3]!;
    if (cls === D.BPF_LDX) {
      const s = src[pc]!;
      const a = addr(RH[s]!, RL[s]!, offs[pc]!, size);
      if (a < 0) return 0;
      loadMem(a, size, d);
    } else {
      const a = addr(RH[d]!, RL[d]!, offs[pc]!, size);
      if (a < 0) return 0;
      let h: number, l: number;
      if (cls === D.BPF_ST) { l = imms[pc]!; h = l >> 31; } else { l = RL[src[pc]!]!; h = RH[src[pc]!]!; }
      if ((c & 0xe0) === D.EBPF_XADD) { // atomic add (one lcore per program run, so a plain add)
        loadMem(a, size, SCRATCH);
        const s = (RL[SCRATCH]! >>> 0) + (l >>> 0);
        h = size === 8 ? RH[SCRATCH]! + h + (s > 0xffffffff ? 1 : 0) : 0;
        l = s | 0;
      }
      storeMem(a, size, h, l);
    }
    pc++;
  }
}

/**
 * rte_bpf_exec_burst: runs the program on ctx[0..n); rc[i] = low 32 bits of r0 (1 when only the high
 * half is non-zero, so keep/drop stays right). Returns how many results are non-zero.
 */
export function bpfExecBurst(bpf: Bpf, ctx: Uint32Array, rc: Uint32Array, n: number): number {
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const r = bpfExec(bpf, ctx[i]!);
    const v = r === 0 ? 0 : (r % 4294967296) || 1;
    rc[i] = v;
    if (v !== 0) kept++;
  }
  return kept;
}

// Memory access for the JIT (same checks as the interpreter); results of loads in T64.
export function memArg(ctx: number, size: number): void {
  argLo = ctx >>> 0;
  argHi = argLo + size;
}

export function memLoad(h: number, l: number, off: number, size: number): number {
  const a = addr(h, l, off, size);
  if (a < 0) return -1;
  loadMem(a, size, SCRATCH);
  T64[0] = RH[SCRATCH]!;
  T64[1] = RL[SCRATCH]!;
  return 0;
}

export function memStore(h: number, l: number, off: number, size: number, vh: number, vl: number, xadd: boolean): number {
  const a = addr(h, l, off, size);
  if (a < 0) return -1;
  if (xadd) {
    loadMem(a, size, SCRATCH);
    const s = (RL[SCRATCH]! >>> 0) + (vl >>> 0);
    vh = size === 8 ? RH[SCRATCH]! + vh + (s > 0xffffffff ? 1 : 0) : 0;
    vl = s | 0;
  }
  storeMem(a, size, vh, vl);
  return 0;
}
