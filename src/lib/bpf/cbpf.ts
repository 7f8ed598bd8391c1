// Classic BPF programs (struct bpf_program of libpcap): 8-byte records code u16, jt u8, jf u8, k u32;
// reading `tcpdump -ddd` output and bpf_dump's text (what `tcpdump -d` prints).

import { fail } from '../eal/errors.js';
import * as D from './bpf_def.js';

export const BPF_MAXINSNS = 4096;
export const BPF_MEMWORDS = 16;

export interface CbpfInsn { code: number; jt: number; jf: number; k: number }

export class CbpfProgram {
  constructor(readonly insns: CbpfInsn[]) {}

  get length(): number {
    return this.insns.length;
  }

  /** The struct sock_filter array (host byte order). */
  toBytes(): Uint8Array {
    const b = new Uint8Array(this.insns.length * 8);
    const dv = new DataView(b.buffer);
    this.insns.forEach((x, i) => {
      dv.setUint16(i * 8, x.code, true);
      b[i * 8 + 2] = x.jt;
      b[i * 8 + 3] = x.jf;
      dv.setUint32(i * 8 + 4, x.k >>> 0, true);
    });
    return b;
  }

  /** `tcpdump -ddd` format: count, then "code jt jf k" per line. */
  static parseDecimal(text: string): CbpfProgram {
    const lines = text.trim().split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const n = Number(lines[0]);
    if (!Number.isInteger(n) || n !== lines.length - 1) fail('EINVAL', `cbpf: bad instruction count '${lines[0]}'`);
    return new CbpfProgram(lines.slice(1).map((l) => {
      const f = l.split(/\s+/).map(Number);
      if (f.length !== 4 || f.some((v) => !Number.isInteger(v))) fail('EINVAL', `cbpf: bad instruction line '${l}'`);
      return { code: f[0]!, jt: f[1]!, jf: f[2]!, k: f[3]! >>> 0 };
    }));
  }

  /** libpcap's bpf_dump(prog, 1) text (`tcpdump -d`). */
  dump(): string {
    return this.insns.map((x, i) => bpfImage(x, i)).join('\n') + '\n';
  }
}

const hex = (k: number) => `#0x${(k >>> 0).toString(16)}`;
const SZ: Record<number, string> = { [D.BPF_W]: '', [D.BPF_H]: 'h', [D.BPF_B]: 'b' };

/** One line of bpf_image (libpcap's disassembler). */
export function bpfImage(p: CbpfInsn, n: number): string {
  const cls = p.code & 7;
  let op = 'unimp';
  let operand = `0x${p.code.toString(16)}`;
  let jumps = false;
  const k = p.k >>> 0;
  switch (cls) {
    case D.BPF_RET:
      op = 'ret';
      operand = (p.code & 0x18) === D.BPF_A ? '' : `#${k}`;
      if ((p.code & 0x18) === D.BPF_A) op = 'ret';
      break;
    case D.BPF_LD: case D.BPF_LDX: {
      const mode = p.code & 0xe0;
      const sz = SZ[p.code & 0x18] ?? '?';
      const x = cls === D.BPF_LDX ? 'x' : '';
      if (mode === D.BPF_ABS) { op = `ld${sz}`; operand = `[${k}]`; }
      else if (mode === D.BPF_IND) { op = `ld${sz}`; operand = `[x + ${k}]`; }
      else if (mode === D.BPF_IMM) { op = `ld${x}`; operand = `#0x${k.toString(16)}`; }
      else if (mode === D.BPF_LEN) { op = `ld${x}`; operand = '#pktlen'; }
      else if (mode === D.BPF_MEM) { op = `ld${x}`; operand = `M[${k}]`; }
      else if (mode === D.BPF_MSH) { op = 'ldxb'; operand = `4*([${k}]&0xf)`; }
      break;
    }
    case D.BPF_ST: op = 'st'; operand = `M[${k}]`; break;
    case D.BPF_STX: op = 'stx'; operand = `M[${k}]`; break;
    case D.BPF_JMP: {
      const names: Record<number, string> = { [D.BPF_JA]: 'ja', [D.BPF_JEQ]: 'jeq', [D.BPF_JGT]: 'jgt', [D.BPF_JGE]: 'jge', [D.BPF_JSET]: 'jset' };
      op = names[p.code & 0xf0] ?? 'unimp';
      if ((p.code & 0xf0) === D.BPF_JA) operand = `${n + 1 + k}`;
      else { operand = (p.code & D.BPF_X) ? 'x' : hex(k); jumps = true; }
      break;
    }
    case D.BPF_ALU: {
      const names: Record<number, string> = { [D.BPF_ADD]: 'add', [D.BPF_SUB]: 'sub', [D.BPF_MUL]: 'mul', [D.BPF_DIV]: 'div', [D.BPF_MOD]: 'mod', [D.BPF_AND]: 'and', [D.BPF_OR]: 'or', [D.BPF_XOR]: 'xor', [D.BPF_LSH]: 'lsh', [D.BPF_RSH]: 'rsh', [D.BPF_NEG]: 'neg' };
      op = names[p.code & 0xf0] ?? 'unimp';
      operand = (p.code & 0xf0) === D.BPF_NEG ? '' : (p.code & D.BPF_X) ? 'x' : hex(k);
      break;
    }
    case D.BPF_MISC: op = (p.code & 0xf8) === D.BPF_TXA ? 'txa' : 'tax'; operand = ''; break;
  }
  const idx = `(${String(n).padStart(3, '0')})`;
  if (jumps) return `${idx} ${op.padEnd(8)} ${operand.padEnd(16)} jt ${n + 1 + p.jt}\tjf ${n + 1 + p.jf}`;
  return `${idx} ${op.padEnd(8)} ${operand}`.trimEnd();
}
