// rte_bpf_convert: classic BPF (libpcap's pcap_compile output) to eBPF taking an mbuf argument.
// A -> r0, X -> r7, temporary -> r8, mbuf -> r6; the 16 scratch words live below r10.

import { fail } from '../eal/errors.js';
import * as D from './bpf_def.js';
import { BPF_MAXINSNS, BPF_MEMWORDS, type CbpfProgram } from './cbpf.js';
import { EbpfBuilder, MBUF_ARG_SIZE, type BpfPrm } from './program.js';

const A = 0, X = 7, TMP = 8, CTX = 6, FP = 10;

interface Fixup { at: number; target: number }

export function bpfConvert(prog: CbpfProgram): BpfPrm {
  const ins = prog.insns;
  const n = ins.length;
  if (n === 0 || n > BPF_MAXINSNS) fail('EINVAL', `bpf convert: ${n} classic instructions (1..${BPF_MAXINSNS})`);
  const b = new EbpfBuilder();
  // Prologue: A = 0, X = 0, r6 = the mbuf.
  b.emit(D.EBPF_ALU64 | D.BPF_XOR | D.BPF_X, A, A, 0, 0);
  b.emit(D.EBPF_ALU64 | D.BPF_XOR | D.BPF_X, X, X, 0, 0);
  b.emit(D.EBPF_ALU64 | D.EBPF_MOV | D.BPF_X, CTX, 1, 0, 0);
  const addr = new Int32Array(n + 1);
  const fix: Fixup[] = [];
  const jump = (code: number, dst: number, src: number, imm: number, target: number) => {
    if (target > n - 1) fail('EINVAL', `bpf convert: jump target ${target} beyond the program (${n} instructions)`);
    fix.push({ at: b.emit(code, dst, src, 0, imm), target });
  };
  const mem = (k: number, i: number) => {
    if (k >= BPF_MEMWORDS) fail('EINVAL', `bpf convert: instruction ${i}: scratch word M[${k}] out of range`);
    return -(BPF_MEMWORDS - k) * 4;
  };
  for (let i = 0; i < n; i++) {
    addr[i] = b.n;
    const { code, jt, jf } = ins[i]!;
    const k = ins[i]!.k >>> 0;
    const cls = code & 7;
    switch (cls) {
      case D.BPF_ALU: {
        const op = code & 0xf0;
        const x = (code & D.BPF_X) !== 0;
        if (op === D.BPF_NEG) { b.emit(D.BPF_ALU | D.BPF_NEG, A, 0, 0, 0); break; }
        if (![D.BPF_ADD, D.BPF_SUB, D.BPF_MUL, D.BPF_DIV, D.BPF_MOD, D.BPF_OR, D.BPF_AND, D.BPF_XOR, D.BPF_LSH, D.BPF_RSH].includes(op)) {
          fail('EINVAL', `bpf convert: instruction ${i}: unknown ALU opcode 0x${code.toString(16)}`);
        }
        if (x && (op === D.BPF_DIV || op === D.BPF_MOD)) {
          // Division by X = 0 makes the filter return 0.
          b.emit(D.BPF_ALU | D.EBPF_MOV | D.BPF_X, X, X, 0, 0);
          b.emit(D.BPF_JMP | D.EBPF_JNE | D.BPF_K, X, 0, 2, 0);
          b.emit(D.BPF_ALU | D.BPF_XOR | D.BPF_X, A, A, 0, 0);
          b.emit(D.BPF_JMP | D.EBPF_EXIT, 0, 0, 0, 0);
        }
        if (!x && (op === D.BPF_DIV || op === D.BPF_MOD) && k === 0) fail('EINVAL', `bpf convert: instruction ${i}: division by 0`);
        b.emit(D.BPF_ALU | op | (x ? D.BPF_X : D.BPF_K), A, x ? X : 0, 0, x ? 0 : k);
        break;
      }
      case D.BPF_LD: case D.BPF_LDX: {
        const mode = code & 0xe0;
        const dst = cls === D.BPF_LD ? A : X;
        const size = code & 0x18;
        if (mode === D.BPF_ABS || mode === D.BPF_IND) {
          if (cls !== D.BPF_LD) fail('EINVAL', `bpf convert: instruction ${i}: bad opcode 0x${code.toString(16)}`);
          if (k >= 0xfffff000) fail('EINVAL', `bpf convert: socket offset ${k | 0} not supported`);
          b.emit(D.BPF_LD | mode | size, 0, mode === D.BPF_IND ? X : 0, 0, k);
        } else if (mode === D.BPF_IMM) {
          b.emit(D.BPF_ALU | D.EBPF_MOV | D.BPF_K, dst, 0, 0, k);
        } else if (mode === D.BPF_LEN) {
          b.emit(D.BPF_LDX | D.BPF_MEM | D.BPF_W, dst, CTX, D.MBUF_PKT_LEN_OFF, 0);
        } else if (mode === D.BPF_MEM) {
          b.emit(D.BPF_LDX | D.BPF_MEM | D.BPF_W, dst, FP, mem(k, i), 0);
        } else if (mode === D.BPF_MSH && cls === D.BPF_LDX) {
          // X = 4 * (pkt[k] & 0xf); A survives in the temporary.
          b.emit(D.EBPF_ALU64 | D.EBPF_MOV | D.BPF_X, TMP, A, 0, 0);
          b.emit(D.BPF_LD | D.BPF_ABS | D.BPF_B, 0, 0, 0, k);
          b.emit(D.BPF_ALU | D.BPF_AND | D.BPF_K, A, 0, 0, 0xf);
          b.emit(D.BPF_ALU | D.BPF_LSH | D.BPF_K, A, 0, 0, 2);
          b.emit(D.EBPF_ALU64 | D.EBPF_MOV | D.BPF_X, X, A, 0, 0);
          b.emit(D.EBPF_ALU64 | D.EBPF_MOV | D.BPF_X, A, TMP, 0, 0);
        } else {
          fail('EINVAL', `bpf convert: instruction ${i}: unknown load opcode 0x${code.toString(16)}`);
        }
        break;
      }
      case D.BPF_ST: case D.BPF_STX:
        b.emit(D.BPF_STX | D.BPF_MEM | D.BPF_W, FP, cls === D.BPF_ST ? A : X, mem(k, i), 0);
        break;
      case D.BPF_JMP: {
        const op = code & 0xf0;
        if (op === D.BPF_JA) { jump(D.BPF_JMP | D.BPF_JA, 0, 0, 0, i + 1 + k); break; }
        if (![D.BPF_JEQ, D.BPF_JGT, D.BPF_JGE, D.BPF_JSET].includes(op)) fail('EINVAL', `bpf convert: instruction ${i}: unknown jump opcode 0x${code.toString(16)}`);
        let src = 0;
        let imm = k;
        let sx = code & D.BPF_X;
        if (sx !== 0) src = X;
        else if ((k | 0) < 0) {
          // eBPF sign-extends immediates; compare against the zero-extended value in a register.
          b.emit(D.BPF_ALU | D.EBPF_MOV | D.BPF_K, TMP, 0, 0, k);
          src = TMP;
          imm = 0;
          sx = D.BPF_X;
        }
        const tT = i + 1 + jt, tF = i + 1 + jf;
        if (jf === 0) {
          jump(D.BPF_JMP | op | sx, A, src, imm, tT);
        } else if (jt === 0 && op === D.BPF_JEQ) {
          jump(D.BPF_JMP | D.EBPF_JNE | sx, A, src, imm, tF);
        } else {
          // Only JEQ is inverted (as DPDK does); others are the jump plus a `ja` for the false branch.
          jump(D.BPF_JMP | op | sx, A, src, imm, tT);
          jump(D.BPF_JMP | D.BPF_JA, 0, 0, 0, tF);
        }
        break;
      }
      case D.BPF_RET:
        if ((code & 0x18) === D.BPF_K) b.emit(D.BPF_ALU | D.EBPF_MOV | D.BPF_K, A, 0, 0, k);
        else if ((code & 0x18) === D.BPF_X) b.emit(D.BPF_ALU | D.EBPF_MOV | D.BPF_X, A, X, 0, 0);
        else b.emit(D.BPF_ALU | D.EBPF_MOV | D.BPF_X, A, A, 0, 0);
        b.emit(D.BPF_JMP | D.EBPF_EXIT, 0, 0, 0, 0);
        break;
      case D.BPF_MISC:
        if ((code & 0xf8) === D.BPF_TXA) b.emit(D.EBPF_ALU64 | D.EBPF_MOV | D.BPF_X, A, X, 0, 0);
        else b.emit(D.EBPF_ALU64 | D.EBPF_MOV | D.BPF_X, X, A, 0, 0);
        break;
      default:
        fail('EINVAL', `bpf convert: instruction ${i}: unknown opcode 0x${code.toString(16)}`);
    }
  }
  addr[n] = b.n;
  for (const f of fix) b.setOff(f.at, addr[f.target]! - (f.at + 1));
  // A classic program that falls off its end is invalid; the eBPF validator reports that.
  return b.prm(D.RTE_BPF_ARG_PTR_MBUF, MBUF_ARG_SIZE);
}
