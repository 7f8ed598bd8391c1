// Predicates to classic BPF, the way libpcap lays a filter out: tests jump to the accept (ret #snaplen)
// or reject (ret #0) exits; arithmetic computes in A with X and scratch words.

import { fail } from '../eal/errors.js';
import * as D from '../bpf/bpf_def.js';
import type { CbpfProgram } from '../bpf/cbpf.js';
import { Emitter, type Label } from './codegen.js';
import { Parser } from './parser.js';
import type { Arith, JOp, Pred, RelOp } from './pred.js';

const SIZE: Record<number, number> = { 1: D.BPF_B, 2: D.BPF_H, 4: D.BPF_W };
const JOPS: Record<JOp, number> = { eq: D.BPF_JEQ, gt: D.BPF_JGT, ge: D.BPF_JGE, set: D.BPF_JSET };
const ALU: Record<string, number> = {
  '+': D.BPF_ADD, '-': D.BPF_SUB, '*': D.BPF_MUL, '/': D.BPF_DIV, '%': D.BPF_MOD, '&': D.BPF_AND, '|': D.BPF_OR,
  '^': D.BPF_XOR, '<<': D.BPF_LSH, '>>': D.BPF_RSH,
};

function gen(e: Emitter, p: Pred, t: Label, f: Label): void {
  switch (p.k) {
    case 'and': { const l = e.label(); gen(e, p.a, l, f); e.place(l); gen(e, p.b, t, f); return; }
    case 'or': { const l = e.label(); gen(e, p.a, t, l); e.place(l); gen(e, p.b, t, f); return; }
    case 'not': gen(e, p.a, f, t); return;
    case 'const': e.ja(p.v ? t : f); return;
    case 'cmp':
      if (p.msh >= 0) {
        e.stmt(D.BPF_LDX | D.BPF_B | D.BPF_MSH, p.msh);
        e.stmt(D.BPF_LD | SIZE[p.size]! | D.BPF_IND, p.off);
      } else {
        e.stmt(D.BPF_LD | SIZE[p.size]! | D.BPF_ABS, p.off);
      }
      if (p.mask !== null) e.stmt(D.BPF_ALU | D.BPF_AND | D.BPF_K, p.mask);
      e.jmp(JOPS[p.op], p.val, t, f);
      return;
    case 'rel': rel(e, p.a, p.op, p.b, t, f); return;
  }
}

function rel(e: Emitter, a: Arith, op: RelOp, b: Arith, t: Label, f: Label): void {
  let x = false;
  let k = 0;
  if (b.k === 'num') {
    value(e, a);
    k = b.v;
  } else {
    const m = e.memSlot();
    value(e, b);
    e.stmt(D.BPF_ST, m);
    value(e, a);
    e.stmt(D.BPF_LDX | D.BPF_MEM, m);
    x = true;
  }
  switch (op) {
    case 'eq': e.jmp(D.BPF_JEQ, k, t, f, x); break;
    case 'ne': e.jmp(D.BPF_JEQ, k, f, t, x); break;
    case 'gt': e.jmp(D.BPF_JGT, k, t, f, x); break;
    case 'ge': e.jmp(D.BPF_JGE, k, t, f, x); break;
    case 'lt': e.jmp(D.BPF_JGE, k, f, t, x); break;
    case 'le': e.jmp(D.BPF_JGT, k, f, t, x); break;
  }
}

/** Leaves the value in A (X and scratch words may be used). */
function value(e: Emitter, a: Arith): void {
  switch (a.k) {
    case 'num': e.stmt(D.BPF_LD | D.BPF_IMM, a.v); return;
    case 'len': e.stmt(D.BPF_LD | D.BPF_W | D.BPF_LEN); return;
    case 'neg': value(e, a.a); e.stmt(D.BPF_ALU | D.BPF_NEG); return;
    case 'bin':
      if (a.b.k === 'num') {
        value(e, a.a);
        e.stmt(D.BPF_ALU | ALU[a.op]! | D.BPF_K, a.b.v);
      } else {
        const m = e.memSlot();
        value(e, a.b);
        e.stmt(D.BPF_ST, m);
        value(e, a.a);
        e.stmt(D.BPF_LDX | D.BPF_MEM, m);
        e.stmt(D.BPF_ALU | ALU[a.op]! | D.BPF_X);
      }
      return;
    case 'load': {
      const sz = SIZE[a.size]!;
      if (a.index.k === 'num') {
        if (a.msh >= 0) {
          e.stmt(D.BPF_LDX | D.BPF_B | D.BPF_MSH, a.msh);
          e.stmt(D.BPF_LD | sz | D.BPF_IND, a.base + a.index.v);
        } else {
          e.stmt(D.BPF_LD | sz | D.BPF_ABS, a.base + a.index.v);
        }
        return;
      }
      value(e, a.index);
      if (a.msh >= 0) {
        const m = e.memSlot();
        e.stmt(D.BPF_ST, m);
        e.stmt(D.BPF_LDX | D.BPF_B | D.BPF_MSH, a.msh);
        e.stmt(D.BPF_LD | D.BPF_MEM, m);
        e.stmt(D.BPF_ALU | D.BPF_ADD | D.BPF_X);
      }
      e.stmt(D.BPF_MISC | D.BPF_TAX);
      e.stmt(D.BPF_LD | sz | D.BPF_IND, a.base);
      return;
    }
  }
}

/** pcap_compile for DLT_EN10MB: the expression as a classic BPF program returning snaplen on match. */
export function pcapCompile(expr: string, snaplen = 262144): CbpfProgram {
  if (!Number.isInteger(snaplen) || snaplen <= 0) fail('EINVAL', `pcap filter: invalid snaplen ${snaplen}`);
  const pred = new Parser(expr).parse();
  const e = new Emitter();
  if (pred.k === 'const') {
    e.stmt(D.BPF_RET | D.BPF_K, pred.v ? snaplen : 0);
    return e.finish();
  }
  const t = e.label(), f = e.label();
  gen(e, pred, t, f);
  e.place(t);
  e.stmt(D.BPF_RET | D.BPF_K, snaplen);
  e.place(f);
  e.stmt(D.BPF_RET | D.BPF_K, 0);
  return e.finish();
}
