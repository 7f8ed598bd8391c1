// rte_bpf_exec / rte_bpf_exec_burst: the interpreter. 64-bit registers as (high, low) int32 pairs, a
// private 512-byte stack; pointers are window offsets, except the stack's, tagged by a high half no
// window pointer has. Allocates nothing per run.

import {
  BPF_ADD, BPF_ALU, BPF_AND, BPF_DIV, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_LD, BPF_LDX, BPF_LSH, BPF_MOD, BPF_MUL, BPF_NEG, BPF_OR, BPF_RSH, BPF_ST, BPF_SUB, BPF_X, BPF_XOR, EBPF_ALU64, EBPF_ARSH, EBPF_END, EBPF_EXIT, EBPF_JLE, EBPF_JLT, EBPF_JNE, EBPF_JSGE, EBPF_JSGT, EBPF_JSLE, EBPF_JSLT, EBPF_MOV, EBPF_REG_NUM, EBPF_TO_BE, EBPF_XADD, MAX_BPF_STACK_SIZE, RTE_BPF_ARG_PTR_MBUF,
} from './bpf_def.js';
import type { Bpf } from './load.js';
import { DV, PKT_ERR, T64, U16, U32, U8, bswap32, divmod64, mul64, pktLoad } from './pkt.js';
import { M_BUF_ADDR, M_DATA_LEN, M_DATA_OFF, M_PKT_LEN } from '../mbuf/mbuf_layout.js';

/** High half of pointers into the private stack. */
export const STACK_TAG = 0x5354acc0 | 0;
const SCRATCH = EBPF_REG_NUM; // an extra register slot for XADD
const RL = new Int32Array(EBPF_REG_NUM + 1);
const RH = new Int32Array(EBPF_REG_NUM + 1);
const STK = new Uint8Array(MAX_BPF_STACK_SIZE);
const SDV = new DataView(STK.buffer);

/** Address check for a load/store: the stack byte index (>= 0), window offset + WIN, or -1. */
const WIN = 0x100000000;
/** [low, high) window bounds of the argument (typed, so setting them per run boxes nothing) */
const ARG = new Float64Array(2);
/** High half of r0 after execOne. */
const RES_HI = new Int32Array(1);

function addr(h: number, l: number, off: number, size: number): number {
  const a = l + off;
  if (h === STACK_TAG) return a >= 0 && a + size <= MAX_BPF_STACK_SIZE ? a : -1;
  if (h !== 0) return -1;
  const w = a >>> 0;
  return w >= ARG[0]! && w + size <= ARG[1]! ? w + WIN : -1;
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

const ABORT = -1;
const EXITED = -2;

/** Every other instruction: the next pc, ABORT (the program returns 0) or EXITED (r0 is the result). */
function step(bpf: Bpf, pc: number): number {
  const rl = RL, rh = RH;
  const c = bpf.code[pc]!, d = bpf.dst[pc]!;
  const src = bpf.src, offs = bpf.off, imms = bpf.imm;
  const cls = c & 7;
  if (cls === BPF_ALU || cls === EBPF_ALU64) {
    const op = c & 0xf0;
    let sl: number, sh: number;
    if ((c & BPF_X) !== 0 && op !== EBPF_END) { sl = rl[src[pc]!]!; sh = rh[src[pc]!]!; } else { sl = imms[pc]!; sh = sl >> 31; }
    const dl = rl[d]!;
    if (cls === BPF_ALU) {
      let r = 0;
      switch (op) {
        case BPF_ADD: r = dl + sl; break;
        case BPF_SUB: r = dl - sl; break;
        case BPF_MUL: r = Math.imul(dl, sl); break;
        case BPF_DIV: if (sl === 0) return ABORT; r = Math.floor((dl >>> 0) / (sl >>> 0)); break;
        case BPF_MOD: if (sl === 0) return ABORT; r = (dl >>> 0) % (sl >>> 0); break;
        case BPF_OR: r = dl | sl; break;
        case BPF_AND: r = dl & sl; break;
        case BPF_XOR: r = dl ^ sl; break;
        case BPF_LSH: r = dl << (sl & 31); break;
        case BPF_RSH: r = dl >>> (sl & 31); break;
        case BPF_NEG: r = -dl; break;
        case EBPF_MOV: r = sl; break;
        case EBPF_END:
          if ((c & EBPF_TO_BE) !== 0) {
            if (sl === 16) r = ((dl & 0xff) << 8) | ((dl >>> 8) & 0xff);
            else if (sl === 32) r = bswap32(dl);
            else { rl[d] = bswap32(rh[d]!); rh[d] = bswap32(dl); return pc + 1; }
          } else {
            if (sl === 16) r = dl & 0xffff;
            else if (sl === 32) r = dl;
            else return pc + 1;
          }
          break;
        default: return ABORT;
      }
      rl[d] = r;
      rh[d] = 0;
    } else {
      const dh = rh[d]!;
      switch (op) {
        case BPF_ADD: { const l = (dl >>> 0) + (sl >>> 0); rl[d] = l; rh[d] = dh + sh + (l > 0xffffffff ? 1 : 0); break; }
        case BPF_SUB: { const l = (dl >>> 0) - (sl >>> 0); rl[d] = l; rh[d] = dh - sh - (l < 0 ? 1 : 0); break; }
        case BPF_MUL: mul64(dh, dl, sh, sl); rh[d] = T64[0]!; rl[d] = T64[1]!; break;
        case BPF_DIV: case BPF_MOD:
          if (sl === 0 && sh === 0) return ABORT;
          divmod64(dh, dl, sh, sl, op === BPF_MOD); rh[d] = T64[0]!; rl[d] = T64[1]!; break;
        case BPF_OR: rl[d] = dl | sl; rh[d] = dh | sh; break;
        case BPF_AND: rl[d] = dl & sl; rh[d] = dh & sh; break;
        case BPF_XOR: rl[d] = dl ^ sl; rh[d] = dh ^ sh; break;
        case EBPF_MOV: rl[d] = sl; rh[d] = sh; break;
        case BPF_NEG: { const l = -(dl >>> 0); rl[d] = l; rh[d] = ~dh + (l === 0 ? 1 : 0); break; }
        case BPF_LSH: {
          const n = sl & 63;
          if (n >= 32) { rh[d] = dl << (n - 32); rl[d] = 0; } else if (n > 0) { rh[d] = (dh << n) | (dl >>> (32 - n)); rl[d] = dl << n; }
          break;
        }
        case BPF_RSH: {
          const n = sl & 63;
          if (n >= 32) { rl[d] = dh >>> (n - 32); rh[d] = 0; } else if (n > 0) { rl[d] = (dl >>> n) | (dh << (32 - n)); rh[d] = dh >>> n; }
          break;
        }
        case EBPF_ARSH: {
          const n = sl & 63;
          if (n >= 32) { rl[d] = dh >> (n - 32); rh[d] = dh >> 31; } else if (n > 0) { rl[d] = (dl >>> n) | (dh << (32 - n)); rh[d] = dh >> n; }
          break;
        }
        default: return ABORT;
      }
    }
    return pc + 1;
  }
  if (cls === BPF_JMP) {
    const op = c & 0xf0;
    if (op === BPF_JA) return offs[pc]!;
    if (op === EBPF_EXIT) return EXITED;
    let sl: number, sh: number;
    if ((c & BPF_X) !== 0) { sl = rl[src[pc]!]!; sh = rh[src[pc]!]!; } else { sl = imms[pc]!; sh = sl >> 31; }
    const dl = rl[d]!, dh = rh[d]!;
    let t: boolean;
    switch (op) {
      case BPF_JEQ: t = dl === sl && dh === sh; break;
      case EBPF_JNE: t = dl !== sl || dh !== sh; break;
      case BPF_JGT: t = dh !== sh ? (dh >>> 0) > (sh >>> 0) : (dl >>> 0) > (sl >>> 0); break;
      case BPF_JGE: t = dh !== sh ? (dh >>> 0) > (sh >>> 0) : (dl >>> 0) >= (sl >>> 0); break;
      case EBPF_JLT: t = dh !== sh ? (dh >>> 0) < (sh >>> 0) : (dl >>> 0) < (sl >>> 0); break;
      case EBPF_JLE: t = dh !== sh ? (dh >>> 0) < (sh >>> 0) : (dl >>> 0) <= (sl >>> 0); break;
      case EBPF_JSGT: t = dh !== sh ? dh > sh : (dl >>> 0) > (sl >>> 0); break;
      case EBPF_JSGE: t = dh !== sh ? dh > sh : (dl >>> 0) >= (sl >>> 0); break;
      case EBPF_JSLT: t = dh !== sh ? dh < sh : (dl >>> 0) < (sl >>> 0); break;
      case EBPF_JSLE: t = dh !== sh ? dh < sh : (dl >>> 0) <= (sl >>> 0); break;
      case BPF_JSET: t = ((dl & sl) | (dh & sh)) !== 0; break;
      default: return ABORT; // CALL: no external symbols
    }
    return t ? offs[pc]! : pc + 1;
  }
  if (cls === BPF_LD) {
    const mode = c & 0xe0;
    if (mode === BPF_IMM) { // 64-bit immediate, two slots
      rl[d] = imms[pc]!;
      rh[d] = imms[pc + 1]!;
      return pc + 2;
    }
    return ABORT; // ABS/IND handled above
  }
  const size = SIZE_OF[(c & 0x18) >>> 3]!;
  if (cls === BPF_LDX) {
    const s = src[pc]!;
    const a = addr(rh[s]!, rl[s]!, offs[pc]!, size);
    if (a < 0) return ABORT;
    loadMem(a, size, d);
  } else {
    const a = addr(rh[d]!, rl[d]!, offs[pc]!, size);
    if (a < 0) return ABORT;
    let h: number, l: number;
    if (cls === BPF_ST) { l = imms[pc]!; h = l >> 31; } else { l = rl[src[pc]!]!; h = rh[src[pc]!]!; }
    if ((c & 0xe0) === EBPF_XADD) { // atomic add (one lcore per program run, so a plain add)
      loadMem(a, size, SCRATCH);
      const s = (rl[SCRATCH]! >>> 0) + (l >>> 0);
      h = size === 8 ? rh[SCRATCH]! + h + (s > 0xffffffff ? 1 : 0) : 0;
      l = s | 0;
    }
    storeMem(a, size, h, l);
  }
  return pc + 1;
}

/** Runs the program on one context (an mbuf offset for PTR_MBUF programs); r0 as an unsigned number. */
export function bpfExec(bpf: Bpf, ctx: number): number {
  const lo = execOne(bpf, ctx);
  return (RES_HI[0]! >>> 0) * 4294967296 + (lo >>> 0);
}

/** One run: the low half of r0 as an int32 (never boxed), its high half in RES_HI[0]. */
function execOne(bpf: Bpf, ctx: number): number {
  ARG[0] = ctx >>> 0;
  ARG[1] = (ctx >>> 0) + bpf.argSize;
  RES_HI[0] = 0;
  // The validator rejects reads of registers not set by the program, so no clearing per run.
  const rl = RL, rh = RH;
  rh[1] = 0;
  rl[1] = ctx;
  rh[10] = STACK_TAG;
  rl[10] = MAX_BPF_STACK_SIZE;
  const u8 = U8;
  const code = bpf.code, dst = bpf.dst, src = bpf.src, offs = bpf.off, imms = bpf.imm;
  // First segment of the argument mbuf, for packet loads that stay inside it.
  let lim = 0, base = 0;
  const c0 = ctx | 0;
  if (bpf.argType === RTE_BPF_ARG_PTR_MBUF) {
    const pl = U32[(ctx + M_PKT_LEN) >>> 2]!, dl = U16[(ctx + M_DATA_LEN) >>> 1]!;
    lim = dl < pl ? dl : pl;
    base = U32[(ctx + M_BUF_ADDR) >>> 2]! + U16[(ctx + M_DATA_OFF) >>> 1]!;
  }
  let pc = 0;
  for (;;) {
    const c = code[pc]!;
    const d = dst[pc]!;
    // The opcodes converted filters are made of, on a dense switch (a jump table); the rest below.
    switch (c) {
      case 0x15: case 0x55: case 0x25: case 0x35: case 0x45: case 0xa5: case 0xb5: { // jeq jne jgt jge jset jlt jle, K
        const k = imms[pc]!;
        if (rh[d] === 0 && k >= 0) {
          const v = rl[d]! >>> 0;
          let t: boolean;
          if (c === 0x15) t = v === k;
          else if (c === 0x55) t = v !== k;
          else if (c === 0x25) t = v > k;
          else if (c === 0x35) t = v >= k;
          else if (c === 0x45) t = (v & k) !== 0;
          else if (c === 0xa5) t = v < k;
          else t = v <= k;
          pc = t ? offs[pc]! : pc + 1;
          continue;
        }
        break;
      }
      case 0x05: pc = offs[pc]!; continue; // ja
      case 0x95: RES_HI[0] = rh[0]!; return rl[0]!; // exit
      case 0x54: rl[d] = rl[d]! & imms[pc]!; rh[d] = 0; pc++; continue; // and32 K
      case 0x64: rl[d] = rl[d]! << (imms[pc]! & 31); rh[d] = 0; pc++; continue; // lsh32 K
      case 0xb4: rl[d] = imms[pc]!; rh[d] = 0; pc++; continue; // mov32 K
      case 0xbf: { const s = src[pc]!; rl[d] = rl[s]!; rh[d] = rh[s]!; pc++; continue; } // mov X
      case 0xaf: { const s = src[pc]!; rl[d] = rl[d]! ^ rl[s]!; rh[d] = rh[d]! ^ rh[s]!; pc++; continue; } // xor X
      default: break;
    }
    const cls = c & 7;
    if (cls === BPF_LD && (c & 0xe0) !== BPF_IMM) {
      const off = (c & 0xe0) === BPF_IND ? (imms[pc]! + rl[src[pc]!]!) >>> 0 : imms[pc]! >>> 0;
      const size = SIZE_OF[(c & 0x18) >>> 3]!;
      if (off + size <= lim && rl[6] === c0) {
        const p = base + off;
        rl[0] = size === 1 ? u8[p]! : size === 2 ? (u8[p]! << 8) | u8[p + 1]! : (u8[p]! << 24) | (u8[p + 1]! << 16) | (u8[p + 2]! << 8) | u8[p + 3]!;
      } else {
        const v = pktLoad(rl[6]!, off, size);
        if (PKT_ERR[0] !== 0) return 0;
        rl[0] = v;
      }
      rh[0] = 0;
      pc++;
      continue;
    }
    pc = step(bpf, pc);
    if (pc < 0) {
      if (pc !== EXITED) return 0;
      RES_HI[0] = rh[0]!;
      return rl[0]!;
    }
  }
}

/**
 * rte_bpf_exec_burst: runs the program on ctx[0..n); rc[i] = low 32 bits of r0 (1 when only the high
 * half is non-zero, so keep/drop stays right). Returns how many results are non-zero.
 */
export function bpfExecBurst(bpf: Bpf, ctx: Uint32Array, rc: Uint32Array, n: number): number {
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const lo = execOne(bpf, ctx[i]!);
    const v = lo !== 0 ? lo : RES_HI[0] !== 0 ? 1 : 0;
    rc[i] = v;
    if (v !== 0) kept++;
  }
  return kept;
}

// Memory access for the JIT (same checks as the interpreter); results of loads in T64.
export function memArg(ctx: number, size: number): void {
  ARG[0] = ctx >>> 0;
  ARG[1] = (ctx >>> 0) + size;
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
