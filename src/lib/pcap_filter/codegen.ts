// Classic BPF emission with symbolic labels: predicates compile as gen(pred, T, F) (jump to T when true,
// F when false); labels are placed after their uses, so every jump goes forward as cBPF requires.

import { fail } from '../eal/errors.js';
import * as D from '../bpf/bpf_def.js';
import type { CbpfInsn } from '../bpf/cbpf.js';
import { CbpfProgram } from '../bpf/cbpf.js';

export interface Label { pos: number }

interface PInsn { code: number; k: number; t: Label | null; f: Label | null }

export class Emitter {
  private readonly ins: PInsn[] = [];
  private scratch = 0;

  label(): Label {
    return { pos: -1 };
  }

  place(l: Label): void {
    l.pos = this.ins.length;
  }

  stmt(code: number, k = 0): void {
    this.ins.push({ code, k: k >>> 0, t: null, f: null });
  }

  /** Conditional jump of A against k (or X when `x`). */
  jmp(op: number, k: number, t: Label, f: Label, x = false): void {
    this.ins.push({ code: D.BPF_JMP | op | (x ? D.BPF_X : D.BPF_K), k: k >>> 0, t, f });
  }

  ja(t: Label): void {
    this.ins.push({ code: D.BPF_JMP | D.BPF_JA, k: 0, t, f: null });
  }

  /** A fresh scratch word M[i] (16 in all). */
  memSlot(): number {
    if (this.scratch >= 16) fail('E2BIG', 'pcap filter: expression too complex (more than 16 scratch words)');
    return this.scratch++;
  }

  finish(): CbpfProgram {
    const out: CbpfInsn[] = this.ins.map((p, i) => {
      const rel = (l: Label | null) => {
        if (l === null) return 0;
        if (l.pos < 0) fail('EINVAL', 'pcap filter: internal error (unplaced label)');
        const d = l.pos - (i + 1);
        if (d < 0) fail('EINVAL', 'pcap filter: internal error (backward jump)');
        return d;
      };
      if ((p.code & 7) === D.BPF_JMP && (p.code & 0xf0) === D.BPF_JA) return { code: p.code, jt: 0, jf: 0, k: rel(p.t) };
      const jt = rel(p.t), jf = rel(p.f);
      if (jt > 255 || jf > 255) fail('E2BIG', 'pcap filter: expression too large (jump over more than 255 instructions)');
      return { code: p.code, jt, jf, k: p.k };
    });
    return new CbpfProgram(out);
  }
}
