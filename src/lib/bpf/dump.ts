// rte_bpf_dump's text: one " L<n>:\t<insn>" line per instruction.

import * as D from './bpf_def.js';
import type { BpfPrm } from './program.js';

const ALU = ['add', 'sub', 'mul', 'div', 'or', 'and', 'lsh', 'rsh', 'neg', 'mod', 'xor', 'mov', 'arsh', 'endian'];
const JMP: Record<number, string> = {
  0: 'ja', 1: 'jeq', 2: 'jgt', 3: 'jge', 4: 'jset', 5: 'jne', 6: 'jsgt', 7: 'jsge', 8: 'call', 9: 'exit', 10: 'jlt', 11: 'jle', 12: 'jslt', 13: 'jsle',
};
const SIZE = ['w', 'h', 'b', 'dw'];
const x = (v: number) => `#0x${(v >>> 0).toString(16)}`;

export function bpfDump(prm: BpfPrm): string {
  const dv = new DataView(prm.ins.buffer, prm.ins.byteOffset, prm.ins.byteLength);
  const out: string[] = [];
  for (let i = 0; i < prm.nbIns; i++) {
    const b = i * 8;
    const code = prm.ins[b]!;
    const dst = prm.ins[b + 1]! & 0xf;
    const src = prm.ins[b + 1]! >>> 4;
    const off = dv.getInt16(b + 2, true);
    const imm = dv.getInt32(b + 4, true);
    const cls = code & 7;
    const sz = SIZE[(code & 0x18) >>> 3]!;
    let t: string;
    switch (cls) {
      case D.BPF_ALU: case D.EBPF_ALU64: {
        const op = `${ALU[code >>> 4] ?? '?'}${cls === D.BPF_ALU ? '32' : ''}`;
        t = (code & D.BPF_X) ? `${op} r${dst}, r${src}` : `${op} r${dst}, ${x(imm)}`;
        break;
      }
      case D.BPF_LD:
        if (code === (D.BPF_LD | D.BPF_IMM | D.EBPF_DW)) {
          const hi = i + 1 < prm.nbIns ? dv.getUint32(b + 12, true) : 0;
          t = `ld${sz} r${dst}, #0x${((BigInt(hi) << 32n) | BigInt(imm >>> 0)).toString(16)}`;
          i++;
        } else if ((code & 0xe0) === D.BPF_ABS) t = `ld${sz} r${dst}, [${imm}]`;
        else if ((code & 0xe0) === D.BPF_IND) t = `ld${sz} r${dst}, [r${src} + ${imm}]`;
        else t = `ld${sz} r${dst}, ${x(imm)}`;
        break;
      case D.BPF_LDX: t = `ldx${sz} r${dst}, [r${src} + ${off}]`; break;
      case D.BPF_ST: t = `st${sz} [r${dst} + ${off}], ${x(imm)}`; break;
      case D.BPF_STX: t = `${(code & 0xe0) === D.EBPF_XADD ? 'xadd' : 'stx'}${sz} [r${dst} + ${off}], r${src}`; break;
      case D.BPF_JMP: {
        const op = JMP[code >>> 4] ?? '?';
        const L = `L${i + 1 + off}`;
        if ((code & 0xf0) === D.BPF_JA) t = `${op} ${L}`;
        else if ((code & 0xf0) === D.EBPF_CALL) t = `${op} #${imm >>> 0}`;
        else if ((code & 0xf0) === D.EBPF_EXIT) t = op;
        else t = (code & D.BPF_X) ? `${op} r${dst}, r${src}, ${L}` : `${op} r${dst}, ${x(imm)}, ${L}`;
        break;
      }
      default: t = `unimp 0x${code.toString(16)}`;
    }
    out.push(` L${i}:\t${t}`);
  }
  return out.join('\n') + '\n';
}
