// The "JIT": an eBPF program compiled once, at load, into a JS function (new Function) that V8 then
// optimizes. Registers are locals (high/low int32 pairs); basic blocks are cases of one switch, entered
// by falling through or by a jump setting pc. Same semantics as the interpreter, no allocation per run.

import * as D from './bpf_def.js';
import { STACK_TAG, memArg, memLoad, memStore } from './exec.js';
import type { Bpf } from './load.js';
import { MEM, PKT_ERR, T64, bswap32, divmod64, mul64, pktLoad } from './pkt.js';
import { M_BUF_ADDR, M_DATA_LEN, M_DATA_OFF, M_PKT_LEN } from '../mbuf/mbuf_layout.js';

export type JitFunc = (ctx: number) => number;
/**
 * rte_bpf_exec_burst through the compiled program: rc[i] for ctx[from + i], i < n (rc as bpfExecBurst's).
 * Returns the non-zero count.
 */
export type JitBurstFunc = (ctx: Uint32Array, rc: Uint32Array, n: number, from?: number) => number;

const SIZE_OF = [4, 2, 1, 8];

/**
 * For each instruction, a bit per register whose high half is known to be 0 on entry (every path), so
 * comparisons and moves can skip it. All jumps go forward, so one pass in index order sees every
 * predecessor first.
 */
function highZero(b: Bpf): Uint16Array {
  const ALL = 0x3ff; // r0..r9 (r10 holds the stack tag)
  const inS = new Uint16Array(b.n + 1).fill(0xffff);
  for (let i = 0; i < b.n; i++) {
    // A backward jump (allowed when it makes no loop) breaks the one-pass order: assume nothing.
    if ((b.code[i]! & 7) === D.BPF_JMP && b.off[i]! <= i && (b.code[i]! & 0xf0) !== D.EBPF_EXIT && (b.code[i]! & 0xf0) !== D.EBPF_CALL) return inS.fill(0);
  }
  inS[0] = ALL;
  const meet = (t: number, v: number) => { inS[t] = inS[t]! & v; };
  for (let i = 0; i < b.n; i++) {
    const c = b.code[i]!;
    const cls = c & 7, op = c & 0xf0, d = b.dst[i]!, s = b.src[i]!, imm = b.imm[i]!;
    let v = inS[i]!;
    const bit = 1 << d;
    const srcZero = (c & D.BPF_X) !== 0 ? (v >> s) & 1 : imm >= 0 ? 1 : 0;
    const set = (z: boolean | number) => { v = z ? v | bit : v & ~bit; };
    if (cls === D.BPF_ALU) {
      set(!(op === D.EBPF_END && imm === 64) || false);
    } else if (cls === D.EBPF_ALU64) {
      const dz = (v >> d) & 1;
      if (op === D.EBPF_MOV) set(srcZero);
      else if (op === D.BPF_AND) set(dz || srcZero);
      else if (op === D.BPF_OR || op === D.BPF_XOR) set(dz && srcZero);
      else if ((op === D.BPF_RSH) && (c & D.BPF_X) === 0) set(dz || imm >= 32);
      else if (op === D.BPF_DIV || op === D.BPF_MOD || op === D.BPF_RSH) set(dz && srcZero);
      else set(false);
    } else if (cls === D.BPF_LD) {
      if (c === (D.BPF_LD | D.BPF_IMM | D.EBPF_DW)) {
        set(b.imm[i + 1] === 0);
        meet(i + 2, v);
        i++;
        continue;
      }
      v |= 1; // r0 = packet bytes
    } else if (cls === D.BPF_LDX) {
      set((c & 0x18) !== D.EBPF_DW);
    } else if (cls === D.BPF_JMP) {
      if (op === D.EBPF_EXIT || op === D.EBPF_CALL) continue;
      meet(b.off[i]!, v);
      if (op === D.BPF_JA) continue;
    }
    meet(i + 1, v);
  }
  return inS;
}

export function jitSource(b: Bpf): string {
  const hz = highZero(b);
  const targets = new Set<number>([0]);
  let backward = false;
  let usesMem = false;
  let usesPkt = false;
  for (let i = 0; i < b.n; i++) {
    const c = b.code[i]!;
    const cls = c & 7;
    if (cls === D.BPF_JMP && (c & 0xf0) !== D.EBPF_EXIT && (c & 0xf0) !== D.EBPF_CALL) {
      targets.add(b.off[i]!);
      if (b.off[i]! <= i) backward = true;
    }
    if (cls === D.BPF_LDX || cls === D.BPF_ST || cls === D.BPF_STX) usesMem = true;
    if (cls === D.BPF_LD && (c & 0xe0) !== D.BPF_IMM) usesPkt = true;
    if (c === (D.BPF_LD | D.BPF_IMM | D.EBPF_DW)) i++;
  }
  const o: string[] = [];
  const regs = [];
  for (let r = 0; r < 10; r++) regs.push(`l${r} = 0, h${r} = 0`);
  // The run returns r0's low half as an int32 and leaves the high half in `hi` (no boxed numbers).
  o.push('let hi = 0;');
  o.push('function bpf_run(ctx) {');
  o.push(`let ${regs.join(', ')}, v = 0, pc = 0;`);
  o.push(`const l10 = ${D.MAX_BPF_STACK_SIZE}, h10 = ${STACK_TAG};`);
  o.push('l1 = ctx | 0;');
  if (usesMem) o.push(`memArg(ctx, ${b.argSize});`);
  if (usesPkt) {
    // First segment of the argument mbuf: packet loads inside it read the bytes directly.
    o.push('const u8 = MEM.u8, u16 = MEM.u16, u32 = MEM.u32;');
    o.push(`const pl = u32[(ctx + ${M_PKT_LEN}) >>> 2], dl = u16[(ctx + ${M_DATA_LEN}) >>> 1];`);
    o.push('const lim = dl < pl ? dl : pl;');
    o.push(`const base = u32[(ctx + ${M_BUF_ADDR}) >>> 2] + u16[(ctx + ${M_DATA_OFF}) >>> 1];`);
    o.push('const c0 = ctx | 0;');
    o.push('let p = 0;');
  }
  // Forward jumps only (the usual case): every target t gets a labeled block spanning [0, t), all opened
  // at the top (so they nest), and a jump is `break L<t>`. Otherwise one switch case per target.
  const sorted = [...targets].filter((t) => t > 0).sort((x, y) => y - x);
  const go = (t: number) => (backward ? `pc = ${t}; continue;` : `break L${t};`);
  if (backward) o.push('for (;;) switch (pc) {');
  else for (const t of sorted) o.push(`L${t}: {`);
  for (let i = 0; i < b.n; i++) {
    if (targets.has(i)) o.push(backward ? `case ${i}:` : i > 0 ? '}' : '');
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
      const z = hz[i]!;
      if (((z >> d) & 1) !== 0 && (x ? ((z >> s) & 1) !== 0 : imm >= 0) && op !== D.BPF_JA && op !== D.EBPF_EXIT && op !== D.EBPF_CALL) {
        // Both high halves are 0: a 32-bit compare.
        const R = x ? U(SL) : String(imm);
        const Ls = U(L);
        const c32: Record<number, string> = {
          [D.BPF_JEQ]: `${L} === ${SL}`, [D.EBPF_JNE]: `${L} !== ${SL}`, [D.BPF_JGT]: `${Ls} > ${R}`, [D.BPF_JGE]: `${Ls} >= ${R}`,
          [D.EBPF_JLT]: `${Ls} < ${R}`, [D.EBPF_JLE]: `${Ls} <= ${R}`, [D.EBPF_JSGT]: `${Ls} > ${R}`, [D.EBPF_JSGE]: `${Ls} >= ${R}`,
          [D.EBPF_JSLT]: `${Ls} < ${R}`, [D.EBPF_JSLE]: `${Ls} <= ${R}`, [D.BPF_JSET]: `(${L} & ${SL}) !== 0`,
        };
        o.push(`if (${c32[op]}) { ${go(t)} }`);
        continue;
      }
      switch (op) {
        case D.BPF_JA: o.push(go(t)); continue;
        case D.EBPF_EXIT: o.push('hi = h0; return l0;'); continue;
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
      o.push(`if (${cond}) { ${go(t)} }`);
    } else if (cls === D.BPF_LD) {
      const mode = c & 0xe0;
      if (mode === D.BPF_IMM) {
        o.push(`${L} = ${imm}; ${H} = ${b.imm[i + 1]!};`);
        i++;
        continue;
      }
      const size = SIZE_OF[(c & 0x18) >>> 3]!;
      const rd = size === 1 ? 'u8[p]' : size === 2 ? '(u8[p] << 8) | u8[p + 1]' : '(u8[p] << 24) | (u8[p + 1] << 16) | (u8[p + 2] << 8) | u8[p + 3]';
      if (mode === D.BPF_IND) {
        o.push(`v = (${imm} + l${s}) >>> 0;`);
        o.push(`if (v + ${size} <= lim && l6 === c0) { p = base + v; l0 = ${rd}; } else { l0 = pktLoad(l6, v, ${size}); if (PKT_ERR[0] !== 0) return 0; }`);
      } else {
        o.push(`if (${(imm >>> 0) + size} <= lim && l6 === c0) { p = base + ${imm >>> 0}; l0 = ${rd}; } else { l0 = pktLoad(l6, ${imm >>> 0}, ${size}); if (PKT_ERR[0] !== 0) return 0; }`);
      }
      o.push('h0 = 0;');
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
  if (backward) {
    o.push('default: return 0;');
    o.push('}');
  } else {
    o.push('return 0;');
  }
  o.push('}');
  // A burst loop per program keeps the call site monomorphic (inlinable).
  o.push('function bpf_jit_burst(c, rc, n, from) {');
  o.push('let kept = 0; const f = from | 0;');
  o.push('for (let i = 0; i < n; i++) { hi = 0; const lo = bpf_run(c[f + i]); const v = lo !== 0 ? lo : hi !== 0 ? 1 : 0; rc[i] = v; if (v !== 0) kept++; }');
  o.push('return kept;');
  o.push('}');
  o.push('function bpf_jit(ctx) { hi = 0; const lo = bpf_run(ctx); return (hi >>> 0) * 4294967296 + (lo >>> 0); }');
  o.push('return [bpf_jit, bpf_jit_burst];');
  return o.join('\n');
}

/** Builds the functions once (one program run, and its burst loop); the per-packet path is a plain call. */
export function jitCompile(b: Bpf): { one: JitFunc; burst: JitBurstFunc } {
  const src = jitSource(b);
  const factory = new Function('pktLoad', 'PKT_ERR', 'mul64', 'divmod64', 'T64', 'bswap32', 'memArg', 'memLoad', 'memStore', 'MEM', src) as (...a: unknown[]) => [JitFunc, JitBurstFunc];
  const [one, burst] = factory(pktLoad, PKT_ERR, mul64, divmod64, T64, bswap32, memArg, memLoad, memStore, MEM);
  return { one, burst };
}

/** rte_bpf_exec_burst through the compiled program (needs bpfLoad(prm, { jit: true })). */
export function jitExecBurst(b: Bpf, ctx: Uint32Array, rc: Uint32Array, n: number): number {
  return b.jitBurst!(ctx, rc, n);
}
