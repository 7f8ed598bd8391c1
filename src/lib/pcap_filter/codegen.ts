// Classic BPF emission with symbolic labels: predicates compile as gen(pred, T, F) (jump to T when true,
// F when false); labels are placed after their uses, so every jump goes forward as cBPF requires.

import { fail } from '../eal/errors.js';
import * as D from '../bpf/bpf_def.js';
import type { CbpfInsn } from '../bpf/cbpf.js';
import { CbpfProgram } from '../bpf/cbpf.js';

/** A jump target: the instruction placed right after place(). */
export interface Label { at: PInsn | null }

interface PInsn { code: number; k: number; t: Label | null; f: Label | null }

export class Emitter {
  private ins: PInsn[] = [];
  private pending: Label[] = [];
  private scratch = 0;

  label(): Label {
    return { at: null };
  }

  place(l: Label): void {
    this.pending.push(l);
  }

  private push(p: PInsn): void {
    for (const l of this.pending) l.at = p;
    this.pending = [];
    this.ins.push(p);
  }

  stmt(code: number, k = 0): void {
    this.push({ code, k: k >>> 0, t: null, f: null });
  }

  /** Conditional jump of A against k (or X when `x`). */
  jmp(op: number, k: number, t: Label, f: Label, x = false): void {
    this.push({ code: D.BPF_JMP | op | (x ? D.BPF_X : D.BPF_K), k: k >>> 0, t, f });
  }

  ja(t: Label): void {
    this.push({ code: D.BPF_JMP | D.BPF_JA, k: 0, t, f: null });
  }

  /** A fresh scratch word M[i] (16 in all). */
  memSlot(): number {
    if (this.scratch >= 16) fail('E2BIG', 'pcap filter: expression too complex (more than 16 scratch words)');
    return this.scratch++;
  }

  /**
   * Resolves labels. A conditional branch can reach 255 instructions; a farther target gets a `ja`
   * right after the branch (nothing falls through into it, both branches are explicit), until all fit.
   */
  finish(): CbpfProgram {
    const isJa = (p: PInsn) => (p.code & 7) === D.BPF_JMP && (p.code & 0xf0) === D.BPF_JA;
    for (let round = 0; ; round++) {
      if (round > 10000) fail('E2BIG', 'pcap filter: expression too large');
      const idx = new Map<PInsn, number>();
      this.ins.forEach((p, i) => idx.set(p, i));
      const pos = (l: Label | null): number => {
        if (l === null || l.at === null) return fail('EINVAL', 'pcap filter: internal error (unplaced label)');
        return idx.get(l.at)!;
      };
      let fixed = true;
      for (let i = 0; i < this.ins.length && fixed; i++) {
        const p = this.ins[i]!;
        if ((p.code & 7) !== D.BPF_JMP || isJa(p)) continue;
        const far: ('t' | 'f')[] = [];
        if (pos(p.t) - (i + 1) > 255) far.push('t');
        if (pos(p.f) - (i + 1) > 255) far.push('f');
        if (far.length === 0) continue;
        const add: PInsn[] = far.map((b) => ({ code: D.BPF_JMP | D.BPF_JA, k: 0, t: p[b], f: null }));
        far.forEach((b, j) => { p[b] = { at: add[j]! }; });
        this.ins.splice(i + 1, 0, ...add);
        fixed = false;
      }
      if (!fixed) continue;
      const out: CbpfInsn[] = this.ins.map((p, i) => {
        const rel = (l: Label | null) => {
          if (l === null) return 0;
          const d = pos(l) - (i + 1);
          if (d < 0) fail('EINVAL', 'pcap filter: internal error (backward jump)');
          return d;
        };
        if (isJa(p)) return { code: p.code, jt: 0, jf: 0, k: rel(p.t) };
        if ((p.code & 7) !== D.BPF_JMP) return { code: p.code, jt: 0, jf: 0, k: p.k };
        return { code: p.code, jt: rel(p.t), jf: rel(p.f), k: p.k };
      });
      return new CbpfProgram(out);
    }
  }
}
