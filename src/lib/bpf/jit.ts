// The "JIT": an eBPF program compiled once, at load, into a JS function (new Function) that V8 then
// optimizes. Registers are locals (high/low int32 pairs); basic blocks are cases of one switch, entered
// by falling through or by a jump setting pc. Same semantics as the interpreter, no allocation per run.

import * as D from './bpf_def.js';
import { STACK_TAG, memArg, memLoad, memStore } from './exec.js';
import type { Bpf } from './load.js';
import { T64, bswap32, divmod64, mul64, pktLoad } from './pkt.js';

export type JitFunc = (ctx: number) => number;
/**
 * rte_bpf_exec_burst through the compiled program: rc[i] for ctx[from + i], i < n (rc as bpfExecBurst's).
 * Returns the non-zero count.
 */
export type JitBurstFunc = (ctx: Uint32Array, rc: Uint32Array, n: number, from?: number) => number;

const SIZE_OF = [4, 2, 1, 8];

export function jitSource(b: Bpf): string {
  const targets = new Set<number>([0]);
  let usesMem = false;
  for (let i = 0; i < b.n; i++) {
    const c = b.code[i]!;
    const cls = c & 7;
    if (cls === D.BPF_JMP && (c & 0xf0) !== D.EBPF_EXIT && (c & 0xf0) !== D.EBPF_CALL) targets.add(b.off[i]!);
    if (cls === D.BPF_LDX || cls === D.BPF_ST || cls === D.BPF_STX) usesMem = true;
    if (c === (D.BPF_LD | D.BPF_IMM | D.EBPF_DW)) i++;
  }
  const o: string[] = [];
  const regs = [];
  for (let r = 0; r < 10; r++) regs.push(`l${r} = 0, h${r} = 0`);
  o.push('function bpf_jit(ctx) {');
  o.push(`let ${regs.join(', ')}, v = 0, pc = 0;`);
  o.push(`const l10 = ${D.MAX_BPF_STACK_SIZE}, h10 = ${STACK_TAG};`);
  o.push('l1 = ctx | 0;');
  if (usesMem) o.push(`memArg(ctx, ${b.argSize});`);
  o.push('for (;;) switch (pc) {');
  for (let i = 0; i < b.n; i++) {
    if (targets.has(i)) o.push(`case ${i}:`);
    const c = b.code[i]!;
    const cls = c & 7;
    const op = c & 0xf0;
    const d = b.dst[i]!;
    const s = b.src[i]!;
    const imm = b.imm[i]!;
    const x = (c & D.BPF_X) !== 0;
    const SL = x ? `l${s}` : `${imm}`;
    const SH = x ? `h${s}` : `${imm >> 31}`;
    const L = `l${d}`, H = `h${d}`;
    if (cls === D.BPF_ALU) {
      const set = (e: string) => o.push(`${L} = ${e}; ${H} = 0;`);
      switch (op) {
        case D.BPF_ADD: set(`(${L} + ${SL}) | 0`); break;
        case D.BPF_SUB: set(`(${L} - ${SL}) | 0`); break;
        case D.BPF_MUL: set(`Math.imul(${L}, ${SL})`); break;
        case D.BPF_DIV: if (x) o.push(`if (${SL} === 0) return 0;`); set(`Math.floor((${L} >>> 0) / (${SL} >>> 0)) | 0`); break;
        case D.BPF_MOD: if (x) o.push(`if (${SL} === 0) return 0;`); set(`((${L} >>> 0) % (${SL} >>> 0)) | 0`); break;
        case D.BPF_OR: set(`${L} | ${SL}`); break;
        case D.BPF_AND: set(`${L} & ${SL}`); break;
        case D.BPF_XOR: set(`${L} ^ ${SL}`); break;
        case D.BPF_LSH: set(`${L} << (${SL} & 31)`); break;
        case D.BPF_RSH: set(`(${L} >>> (${SL} & 31)) | 0`); break;
        case D.BPF_NEG: set(`(-${L}) | 0`); break;
        case D.EBPF_MOV: set(`${SL}`); break;
        case D.EBPF_END:
          if ((c & D.EBPF_TO_BE) !== 0) {
            if (imm === 16) set(`((${L} & 0xff) << 8) | ((${L} >>> 8) & 0xff)`);
            else if (imm === 32) set(`bswap32(${L})`);
            else o.push(`v = ${L}; ${L} = bswap32(${H}); ${H} = bswap32(v);`);
          } else if (imm === 16) set(`${L} & 0xffff`);
          else if (imm === 32) o.push(`${H} = 0;`);
          break;
      }
    } else if (cls === D.EBPF_ALU64) {
      switch (op) {
        case D.BPF_ADD: o.push(`v = (${L} >>> 0) + (${SL} >>> 0); ${H} = (${H} + ${SH} + (v > 0xffffffff ? 1 : 0)) | 0; ${L} = v | 0;`); break;
        case D.BPF_SUB: o.push(`v = (${L} >>> 0) - (${SL} >>> 0); ${H} = (${H} - ${SH} - (v < 0 ? 1 : 0)) | 0; ${L} = v | 0;`); break;
        case D.BPF_MUL: o.push(`mul64(${H}, ${L}, ${SH}, ${SL}); ${H} = T64[0]; ${L} = T64[1];`); break;
        case D.BPF_DIV: case D.BPF_MOD:
          if (x) o.push(`if (${SL} === 0 && ${SH} === 0) return 0;`);
          o.push(`divmod64(${H}, ${L}, ${SH}, ${SL}, ${op === D.BPF_MOD}); ${H} = T64[0]; ${L} = T64[1];`);
          break;
        case D.BPF_OR: o.push(`${L} |= ${SL}; ${H} |= ${SH};`); break;
        case D.BPF_AND: o.push(`${L} &= ${SL}; ${H} &= ${SH};`); break;
        case D.BPF_XOR: o.push(`${L} ^= ${SL}; ${H} ^= ${SH};`); break;
        case D.EBPF_MOV: o.push(`${L} = ${SL}; ${H} = ${SH};`); break;
        case D.BPF_NEG: o.push(`v = -(${L} >>> 0); ${L} = v | 0; ${H} = (~${H} + (v === 0 ? 1 : 0)) | 0;`); break;
        case D.BPF_LSH: case D.BPF_RSH: case D.EBPF_ARSH: {
          const n = x ? 'v' : String(imm & 63);
          if (x) o.push(`v = ${SL} & 63;`);
          const sh = op === D.BPF_LSH
            ? `if (${n} >= 32) { ${H} = ${L} << (${n} - 32); ${L} = 0; } else if (${n} > 0) { ${H} = (${H} << ${n}) | (${L} >>> (32 - ${n})); ${L} = ${L} << ${n}; }`
            : op === D.BPF_RSH
              ? `if (${n} >= 32) { ${L} = ${H} >>> (${n} - 32) | 0; ${H} = 0; } else if (${n} > 0) { ${L} = (${L} >>> ${n}) | (${H} << (32 - ${n})); ${H} = (${H} >>> ${n}) | 0; }`
              : `if (${n} >= 32) { ${L} = ${H} >> (${n} - 32); ${H} = ${H} >> 31; } else if (${n} > 0) { ${L} = (${L} >>> ${n}) | (${H} << (32 - ${n})); ${H} = ${H} >> ${n}; }`;
          o.push(sh);
          break;
        }
      }
    } else if (cls === D.BPF_JMP) {
      const t = b.off[i]!;
      const U = (a: string) => `(${a} >>> 0)`;
      let cond = '';
      switch (op) {
        case D.BPF_JA: o.push(`pc = ${t}; continue;`); continue;
        case D.EBPF_EXIT: o.push('return (h0 >>> 0) * 4294967296 + (l0 >>> 0);'); continue;
        case D.EBPF_CALL: o.push('return 0;'); continue;
        case D.BPF_JEQ: cond = `${L} === ${SL} && ${H} === ${SH}`; break;
        case D.EBPF_JNE: cond = `${L} !== ${SL} || ${H} !== ${SH}`; break;
        case D.BPF_JGT: cond = `${H} !== ${SH} ? ${U(H)} > ${U(SH)} : ${U(L)} > ${U(SL)}`; break;
        case D.BPF_JGE: cond = `${H} !== ${SH} ? ${U(H)} > ${U(SH)} : ${U(L)} >= ${U(SL)}`; break;
        case D.EBPF_JLT: cond = `${H} !== ${SH} ? ${U(H)} < ${U(SH)} : ${U(L)} < ${U(SL)}`; break;
        case D.EBPF_JLE: cond = `${H} !== ${SH} ? ${U(H)} < ${U(SH)} : ${U(L)} <= ${U(SL)}`; break;
        case D.EBPF_JSGT: cond = `${H} !== ${SH} ? ${H} > ${SH} : ${U(L)} > ${U(SL)}`; break;
        case D.EBPF_JSGE: cond = `${H} !== ${SH} ? ${H} > ${SH} : ${U(L)} >= ${U(SL)}`; break;
        case D.EBPF_JSLT: cond = `${H} !== ${SH} ? ${H} < ${SH} : ${U(L)} < ${U(SL)}`; break;
        case D.EBPF_JSLE: cond = `${H} !== ${SH} ? ${H} < ${SH} : ${U(L)} <= ${U(SL)}`; break;
        case D.BPF_JSET: cond = `((${L} & ${SL}) | (${H} & ${SH})) !== 0`; break;
      }
      o.push(`if (${cond}) { pc = ${t}; continue; }`);
    } else if (cls === D.BPF_LD) {
      const mode = c & 0xe0;
      if (mode === D.BPF_IMM) {
        o.push(`${L} = ${imm}; ${H} = ${b.imm[i + 1]!};`);
        i++;
        continue;
      }
      const off = mode === D.BPF_IND ? `(${imm} + l${s}) >>> 0` : `${imm >>> 0}`;
      o.push(`v = pktLoad(l6, ${off}, ${SIZE_OF[(c & 0x18) >>> 3]}); if (v < 0) return 0; l0 = v | 0; h0 = 0;`);
    } else {
      const size = SIZE_OF[(c & 0x18) >>> 3]!;
      const off = b.off[i]!;
      if (cls === D.BPF_LDX) {
        o.push(`if (memLoad(h${s}, l${s}, ${off}, ${size}) < 0) return 0; ${L} = T64[1]; ${H} = T64[0];`);
      } else {
        const vl = cls === D.BPF_ST ? `${imm}` : `l${s}`;
        const vh = cls === D.BPF_ST ? `${imm >> 31}` : `h${s}`;
        o.push(`if (memStore(${H}, ${L}, ${off}, ${size}, ${vh}, ${vl}, ${(c & 0xe0) === D.EBPF_XADD}) < 0) return 0;`);
      }
    }
  }
  o.push('default: return 0;');
  o.push('}');
  o.push('}');
  // A burst loop per program keeps the call site monomorphic (inlinable).
  o.push('function bpf_jit_burst(c, rc, n, from) {');
  o.push('let kept = 0; const f = from | 0;');
  o.push('for (let i = 0; i < n; i++) { const r = bpf_jit(c[f + i]); const v = r === 0 ? 0 : (r % 4294967296) || 1; rc[i] = v; if (v !== 0) kept++; }');
  o.push('return kept;');
  o.push('}');
  o.push('return [bpf_jit, bpf_jit_burst];');
  return o.join('\n');
}

/** Builds the functions once (one program run, and its burst loop); the per-packet path is a plain call. */
export function jitCompile(b: Bpf): { one: JitFunc; burst: JitBurstFunc } {
  const src = jitSource(b);
  const factory = new Function('pktLoad', 'mul64', 'divmod64', 'T64', 'bswap32', 'memArg', 'memLoad', 'memStore', src) as (...a: unknown[]) => [JitFunc, JitBurstFunc];
  const [one, burst] = factory(pktLoad, mul64, divmod64, T64, bswap32, memArg, memLoad, memStore);
  return { one, burst };
}

/** rte_bpf_exec_burst through the compiled program (needs bpfLoad(prm, { jit: true })). */
export function jitExecBurst(b: Bpf, ctx: Uint32Array, rc: Uint32Array, n: number): number {
  return b.jitBurst!(ctx, rc, n);
}
