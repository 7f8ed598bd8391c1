// librte_bpf: eBPF programs (validate, interpret, "JIT"), classic BPF conversion, disassembly.
export * from './bpf_def.js';
export { EbpfBuilder, insnAt, MBUF_ARG_SIZE, type BpfPrm, type Insn } from './program.js';
export { validate } from './validate.js';
export { Bpf, bpfLoad, type LoadOptions } from './load.js';
export { bpfExec, bpfExecBurst } from './exec.js';
export { jitCompile, jitExecBurst, jitSource, type JitBurstFunc, type JitFunc } from './jit.js';
export { bpfBindMemory, pktLoad } from './pkt.js';
export { CbpfProgram, bpfImage, BPF_MAXINSNS, BPF_MEMWORDS, type CbpfInsn } from './cbpf.js';
export { bpfConvert } from './convert.js';
export { bpfDump } from './dump.js';
export { bpfPrmStore, bpfPrmRead } from './shm.js';
