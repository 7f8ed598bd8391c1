// eBPF instruction encoding (bpf_def.h / linux/bpf.h): 8-byte records, opcode class | size/op | mode/source.

export const EBPF_INSN_SIZE = 8;
export const EBPF_REG_NUM = 11;
export const EBPF_REG_10 = 10;
export const MAX_BPF_STACK_SIZE = 512;

// classes
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06; // cBPF only
export const BPF_MISC = 0x07; // cBPF only
export const EBPF_ALU64 = 0x07;

// sizes
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;
export const EBPF_DW = 0x18;

// modes
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MEM = 0x60;
export const BPF_LEN = 0x80; // cBPF only
export const BPF_MSH = 0xa0; // cBPF only
export const EBPF_XADD = 0xc0;

// ALU ops
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;
export const EBPF_MOV = 0xb0;
export const EBPF_ARSH = 0xc0;
export const EBPF_END = 0xd0;

// jump ops
export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;
export const EBPF_JNE = 0x50;
export const EBPF_JSGT = 0x60;
export const EBPF_JSGE = 0x70;
export const EBPF_CALL = 0x80;
export const EBPF_EXIT = 0x90;
export const EBPF_JLT = 0xa0;
export const EBPF_JLE = 0xb0;
export const EBPF_JSLT = 0xc0;
export const EBPF_JSLE = 0xd0;

// sources
export const BPF_K = 0x00;
export const BPF_X = 0x08;
export const EBPF_TO_LE = 0x00;
export const EBPF_TO_BE = 0x08;
// cBPF RET source A, MISC TAX/TXA
export const BPF_A = 0x10;
export const BPF_TAX = 0x00;
export const BPF_TXA = 0x80;

export const bpfClass = (code: number): number => code & 0x07;
export const bpfSize = (code: number): number => code & 0x18;
export const bpfMode = (code: number): number => code & 0xe0;
export const bpfOp = (code: number): number => code & 0xf0;
export const bpfSrc = (code: number): number => code & 0x08;

/** rte_bpf_arg_type */
export const RTE_BPF_ARG_UNDEF = 0;
export const RTE_BPF_ARG_RAW = 1;
export const RTE_BPF_ARG_PTR = 0x10;
export const RTE_BPF_ARG_PTR_MBUF = 0x11;

/** offsetof(struct rte_mbuf, pkt_len) */
export const MBUF_PKT_LEN_OFF = 36;
