// rte_bpf_load's checks: DPDK's supported opcodes only, registers in range, r10 read-only, jumps inside
// the program, no loops, no unreachable instructions, every path ends in EXIT.

import { fail } from '../eal/errors.js';
import * as D from './bpf_def.js';
import type { BpfPrm } from './program.js';

const ALU_OPS = [D.BPF_ADD, D.BPF_SUB, D.BPF_MUL, D.BPF_DIV, D.BPF_OR, D.BPF_AND, D.BPF_LSH, D.BPF_RSH, D.BPF_MOD, D.BPF_XOR, D.EBPF_MOV];
const JMP_OPS = [D.BPF_JEQ, D.EBPF_JNE, D.BPF_JGT, D.EBPF_JLT, D.BPF_JGE, D.EBPF_JLE, D.EBPF_JSGT, D.EBPF_JSLT, D.EBPF_JSGE, D.EBPF_JSLE, D.BPF_JSET];

/** The opcodes DPDK 22.11's validator table accepts (CALL needs external symbols, which tsdpdk has none of). */
export const SUPPORTED = (() => {
  const s = new Set<number>();
  for (const cls of [D.BPF_ALU, D.EBPF_ALU64]) {
    for (const op of ALU_OPS) for (const src of [D.BPF_K, D.BPF_X]) s.add(cls | op | src);
    s.add(cls | D.BPF_NEG);
  }
  s.add(D.EBPF_ALU64 | D.EBPF_ARSH | D.BPF_K).add(D.EBPF_ALU64 | D.EBPF_ARSH | D.BPF_X);
  s.add(D.BPF_ALU | D.EBPF_END | D.EBPF_TO_BE).add(D.BPF_ALU | D.EBPF_END | D.EBPF_TO_LE);
  for (const sz of [D.BPF_B, D.BPF_H, D.BPF_W, D.EBPF_DW]) {
    s.add(D.BPF_LDX | D.BPF_MEM | sz).add(D.BPF_ST | D.BPF_MEM | sz).add(D.BPF_STX | D.BPF_MEM | sz);
  }
  s.add(D.BPF_STX | D.EBPF_XADD | D.BPF_W).add(D.BPF_STX | D.EBPF_XADD | D.EBPF_DW);
  s.add(D.BPF_LD | D.BPF_IMM | D.EBPF_DW);
  for (const sz of [D.BPF_B, D.BPF_H, D.BPF_W]) s.add(D.BPF_LD | D.BPF_ABS | sz).add(D.BPF_LD | D.BPF_IND | sz);
  s.add(D.BPF_JMP | D.BPF_JA).add(D.BPF_JMP | D.EBPF_EXIT).add(D.BPF_JMP | D.EBPF_CALL);
  for (const op of JMP_OPS) s.add(D.BPF_JMP | op | D.BPF_K).add(D.BPF_JMP | op | D.BPF_X);
  return s;
})();

const bad = (i: number, why: string): never => fail('EINVAL', `bpf: invalid instruction ${i}: ${why}`);

/** Throws TsdpdkError EINVAL naming the first bad instruction. */
export function validate(prm: BpfPrm): void {
  const n = prm.nbIns;
  if (!Number.isInteger(n) || n <= 0) fail('EINVAL', `bpf: program has no instructions (nb_ins ${n})`);
  if (prm.ins.length < n * D.EBPF_INSN_SIZE) fail('EINVAL', `bpf: ${prm.ins.length} bytes for ${n} instructions`);
  const ins = prm.ins;
  const dv = new DataView(ins.buffer, ins.byteOffset, ins.byteLength);
  const succ: number[][] = new Array(n);
  const second = new Uint8Array(n); // second slot of a 64-bit immediate load
  for (let i = 0; i < n; i++) {
    if (second[i]) { succ[i] = []; continue; }
    const b = i * 8;
    const code = ins[b]!;
    const dst = ins[b + 1]! & 0xf;
    const src = ins[b + 1]! >>> 4;
    const off = dv.getInt16(b + 2, true);
    const imm = dv.getInt32(b + 4, true);
    if (!SUPPORTED.has(code)) bad(i, `unsupported opcode 0x${code.toString(16).padStart(2, '0')}`);
    if (dst >= D.EBPF_REG_NUM || src >= D.EBPF_REG_NUM) bad(i, `invalid register (dst r${dst}, src r${src})`);
    const cls = D.bpfClass(code);
    const op = D.bpfOp(code);
    const writesDst = cls === D.BPF_ALU || cls === D.EBPF_ALU64 || cls === D.BPF_LDX || (cls === D.BPF_LD && D.bpfMode(code) === D.BPF_IMM);
    if (writesDst && dst === D.EBPF_REG_10) bad(i, 'r10 (frame pointer) is read-only');
    if (cls === D.BPF_ALU || cls === D.EBPF_ALU64) {
      const bits = cls === D.BPF_ALU ? 32 : 64;
      if (D.bpfSrc(code) === D.BPF_K && op !== D.EBPF_END && op !== D.BPF_NEG) {
        if ((op === D.BPF_DIV || op === D.BPF_MOD) && imm === 0) bad(i, 'division by 0');
        if ((op === D.BPF_LSH || op === D.BPF_RSH || op === D.EBPF_ARSH) && (imm < 0 || imm >= bits)) bad(i, `shift by ${imm} out of range`);
      }
      if (op === D.EBPF_END && imm !== 16 && imm !== 32 && imm !== 64) bad(i, `byte swap of ${imm} bits`);
    }
    if (cls === D.BPF_LD && (D.bpfMode(code) === D.BPF_ABS || D.bpfMode(code) === D.BPF_IND) && prm.argType !== D.RTE_BPF_ARG_PTR_MBUF) {
      bad(i, 'packet load (LD ABS/IND) needs an mbuf argument');
    }
    if (code === (D.BPF_LD | D.BPF_IMM | D.EBPF_DW)) {
      if (i + 1 >= n || ins[b + 8] !== 0) bad(i, '64-bit immediate load without its second slot');
      second[i + 1] = 1;
      succ[i] = [i + 2];
      continue;
    }
    if (cls === D.BPF_JMP) {
      if (op === D.EBPF_EXIT) { succ[i] = []; continue; }
      if (op === D.EBPF_CALL) bad(i, `call of external function ${imm}: no external symbols are defined`);
      const t = i + 1 + off;
      if (t < 0 || t >= n) bad(i, `jump target ${t} out of range 0..${n - 1}`);
      succ[i] = op === D.BPF_JA ? [t] : [i + 1, t];
    } else {
      succ[i] = [i + 1];
    }
    for (const s of succ[i]!) if (s >= n) bad(i, 'execution falls off the end of the program');
  }
  for (let i = 0; i < n; i++) for (const s of succ[i]!) if (second[s]) bad(i, `jump into the middle of the 64-bit load at ${s - 1}`);
  // DFS from 0: a back-edge is a loop; what is never visited is unreachable.
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const stack: number[] = [0];
  const next = new Uint32Array(n);
  state[0] = 1;
  while (stack.length > 0) {
    const v = stack[stack.length - 1]!;
    const ss = succ[v]!;
    if (next[v]! < ss.length) {
      const w = ss[next[v]++]!;
      if (state[w] === 1) bad(v, `loop back to instruction ${w}`);
      if (state[w] === 0) {
        state[w] = 1;
        stack.push(w);
      }
    } else {
      state[v] = 2;
      stack.pop();
    }
  }
  for (let i = 0; i < n; i++) if (state[i] === 0 && !second[i]) bad(i, 'unreachable');
  checkInitialized(prm, succ, second);
}

/**
 * Registers read before any write on some path are rejected, as DPDK's evaluation does (so the engines
 * need not clear registers per run). At entry r1 (the argument) and r10 are set; a packet load sets r0
 * and leaves r1..r5 undefined; `xor rX, rX` / `sub rX, rX` define rX.
 */
function checkInitialized(prm: BpfPrm, succ: number[][], second: Uint8Array): void {
  const n = prm.nbIns;
  const ins = prm.ins;
  // Topological order (the graph has no cycles): reverse DFS post-order from 0.
  const order: number[] = [];
  const seen = new Uint8Array(n);
  const stack: [number, number][] = [[0, 0]];
  seen[0] = 1;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const ss = succ[top[0]]!;
    if (top[1] < ss.length) {
      const w = ss[top[1]++]!;
      if (!seen[w]) { seen[w] = 1; stack.push([w, 0]); }
    } else {
      order.push(top[0]);
      stack.pop();
    }
  }
  order.reverse();
  const ALL = 0x7ff;
  const defIn = new Uint16Array(n).fill(ALL);
  defIn[0] = (1 << 1) | (1 << 10);
  for (const i of order) {
    if (second[i]) continue;
    const b = i * 8;
    const code = ins[b]!, dst = ins[b + 1]! & 0xf, src = ins[b + 1]! >>> 4;
    const cls = D.bpfClass(code), op = D.bpfOp(code), x = D.bpfSrc(code) === D.BPF_X;
    let def = defIn[i]!;
    const need = (r: number) => { if (((def >> r) & 1) === 0) bad(i, `reads r${r} before it is set`); };
    if (cls === D.BPF_ALU || cls === D.EBPF_ALU64) {
      const self = x && src === dst && (op === D.BPF_XOR || op === D.BPF_SUB);
      if (!self) {
        if (x && op !== D.EBPF_END) need(src);
        if (op !== D.EBPF_MOV) need(dst);
      }
      def |= 1 << dst;
    } else if (cls === D.BPF_LD) {
      const mode = D.bpfMode(code);
      if (mode === D.BPF_ABS || mode === D.BPF_IND) {
        need(6);
        if (mode === D.BPF_IND) need(src);
        def = (def & ~0x3e) | 1;
      } else {
        def |= 1 << dst;
      }
    } else if (cls === D.BPF_LDX) {
      need(src);
      def |= 1 << dst;
    } else if (cls === D.BPF_ST) {
      need(dst);
    } else if (cls === D.BPF_STX) {
      need(dst);
      need(src);
    } else if (cls === D.BPF_JMP) {
      if (op === D.EBPF_EXIT) need(0);
      else if (op !== D.BPF_JA) { need(dst); if (x) need(src); }
    }
    for (const t of succ[i]!) defIn[t] = defIn[t]! & def;
  }
}
