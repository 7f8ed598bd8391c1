// rte_bpf_load: validates a program and keeps it decoded (one typed array per field) for the engines.

import * as D from './bpf_def.js';
import type { BpfPrm } from './program.js';
import { validate } from './validate.js';
import { jitCompile, type JitBurstFunc, type JitFunc } from './jit.js';

export class Bpf {
  readonly n: number;
  readonly code: Uint8Array;
  readonly dst: Uint8Array;
  readonly src: Uint8Array;
  /** memory offset, or the absolute target index for jumps */
  readonly off: Int32Array;
  readonly imm: Int32Array;
  readonly argType: number;
  readonly argSize: number;
  readonly prm: BpfPrm;
  /** Compiled version (rte_bpf_get_jit), null when not asked for. */
  jit: JitFunc | null = null;
  /** Its burst loop. */
  jitBurst: JitBurstFunc | null = null;

  constructor(prm: BpfPrm) {
    const n = prm.nbIns;
    this.n = n;
    this.prm = prm;
    this.argType = prm.argType;
    this.argSize = prm.argSize;
    this.code = new Uint8Array(n);
    this.dst = new Uint8Array(n);
    this.src = new Uint8Array(n);
    this.off = new Int32Array(n);
    this.imm = new Int32Array(n);
    const dv = new DataView(prm.ins.buffer, prm.ins.byteOffset, prm.ins.byteLength);
    for (let i = 0; i < n; i++) {
      const b = i * D.EBPF_INSN_SIZE;
      const code = prm.ins[b]!;
      this.code[i] = code;
      this.dst[i] = prm.ins[b + 1]! & 0xf;
      this.src[i] = prm.ins[b + 1]! >>> 4;
      const off = dv.getInt16(b + 2, true);
      this.off[i] = D.bpfClass(code) === D.BPF_JMP ? i + 1 + off : off;
      this.imm[i] = dv.getInt32(b + 4, true);
    }
  }
}

export interface LoadOptions {
  /** Also compile to a JS function (RTE_BPF_ETH_F_JIT). */
  jit?: boolean;
}

export function bpfLoad(prm: BpfPrm, opts: LoadOptions = {}): Bpf {
  validate(prm);
  const b = new Bpf({ ...prm, ins: prm.ins.slice(0, prm.nbIns * D.EBPF_INSN_SIZE) });
  if (opts.jit) {
    const j = jitCompile(b);
    b.jit = j.one;
    b.jitBurst = j.burst;
  }
  return b;
}
