// A program in shared memory, so a capture tool can hand it to the primary: 16-byte header (arg type,
// arg size, instruction count, 0) then the 8-byte instruction records.

import { fail } from '../eal/errors.js';
import * as eal from '../eal/index.js';
import { EBPF_INSN_SIZE } from './bpf_def.js';
import type { BpfPrm } from './program.js';

const HDR = 16;

/** Reserves memzone `name` holding `prm`; returns it (its offset is what others read). */
export function bpfPrmStore(name: string, prm: BpfPrm): eal.Memzone {
  const bytes = prm.nbIns * EBPF_INSN_SIZE;
  const z = eal.memzoneReserve(name, HDR + bytes, eal.SOCKET_ID_ANY, 0, 64);
  const w = eal.sharedWindow();
  const i = z.offset >>> 2;
  w.u32[i] = prm.argType;
  w.u32[i + 1] = prm.argSize;
  w.u32[i + 2] = prm.nbIns;
  w.u32[i + 3] = 0;
  w.u8.set(prm.ins.subarray(0, bytes), z.offset + HDR);
  return z;
}

/** Copies the program stored at window offset `off` out of shared memory. */
export function bpfPrmRead(u8: Uint8Array, u32: Uint32Array, off: number): BpfPrm {
  const i = off >>> 2;
  const nbIns = u32[i + 2]!;
  if (nbIns === 0 || nbIns > 65536) fail('EINVAL', `bpf: stored program at ${off} has ${nbIns} instructions`);
  return { argType: u32[i]!, argSize: u32[i + 1]!, nbIns, ins: u8.slice(off + HDR, off + HDR + nbIns * EBPF_INSN_SIZE) };
}
