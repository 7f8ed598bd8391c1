// An eBPF program as DPDK's struct rte_bpf_prm carries it: instructions as 8-byte records
// (code u8, dst|src<<4 u8, off i16, imm i32, little endian) plus the argument description.

import { fail } from '../eal/errors.js';
import { EBPF_INSN_SIZE, MBUF_PKT_LEN_OFF, RTE_BPF_ARG_PTR_MBUF } from './bpf_def.js';

export interface BpfPrm {
  /** nbIns * 8 bytes */
  ins: Uint8Array;
  nbIns: number;
  /** rte_bpf_arg.type */
  argType: number;
  /** rte_bpf_arg.size: bytes of the argument r1 points to */
  argSize: number;
}

/** sizeof(struct rte_mbuf), the argument size of converted filters. */
export const MBUF_ARG_SIZE = 128;
export { MBUF_PKT_LEN_OFF };

export interface Insn { code: number; dst: number; src: number; off: number; imm: number }

export function insnAt(ins: Uint8Array, i: number): Insn {
  const dv = new DataView(ins.buffer, ins.byteOffset, ins.byteLength);
  const b = i * EBPF_INSN_SIZE;
  return { code: ins[b]!, dst: ins[b + 1]! & 0xf, src: ins[b + 1]! >>> 4, off: dv.getInt16(b + 2, true), imm: dv.getInt32(b + 4, true) };
}

/** Grows an instruction array; jumps are patched through setOff once targets are known. */
export class EbpfBuilder {
  private buf = new Uint8Array(64 * EBPF_INSN_SIZE);
  private dv = new DataView(this.buf.buffer);
  n = 0;

  emit(code: number, dst: number, src: number, off: number, imm: number): number {
    if ((this.n + 1) * EBPF_INSN_SIZE > this.buf.length) {
      const nb = new Uint8Array(this.buf.length * 2);
      nb.set(this.buf);
      this.buf = nb;
      this.dv = new DataView(nb.buffer);
    }
    const b = this.n * EBPF_INSN_SIZE;
    this.buf[b] = code;
    this.buf[b + 1] = (dst & 0xf) | ((src & 0xf) << 4);
    this.dv.setInt16(b + 2, off, true);
    this.dv.setInt32(b + 4, imm | 0, true);
    return this.n++;
  }

  setOff(i: number, off: number): void {
    if (off < -32768 || off > 32767) fail('E2BIG', `bpf: jump offset ${off} out of range`);
    this.dv.setInt16(i * EBPF_INSN_SIZE + 2, off, true);
  }

  prm(argType = RTE_BPF_ARG_PTR_MBUF, argSize = MBUF_ARG_SIZE): BpfPrm {
    return { ins: this.buf.slice(0, this.n * EBPF_INSN_SIZE), nbIns: this.n, argType, argSize };
  }
}
