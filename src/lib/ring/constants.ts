// rte_ring flags, limits and the header layout (struct rte_ring, 384 bytes, x86-64 offsets). The
// Wasm kernels (ring_kernels.as.ts) hard-code the same offsets.

export const RING_F_SP_ENQ = 0x1;
export const RING_F_SC_DEQ = 0x2;
export const RING_F_EXACT_SZ = 0x4;
export const RING_F_MP_RTS_ENQ = 0x8;
export const RING_F_MC_RTS_DEQ = 0x10;
export const RING_F_MP_HTS_ENQ = 0x20;
export const RING_F_MC_HTS_DEQ = 0x40;
export const RING_F_MASK = 0x7f;

/** Longest name + 1 (RTE_MEMZONE_NAMESIZE 32 - "RG_"). */
export const RING_NAMESIZE = 29;
export const RING_SZ_MASK = 0x7fffffff;
export const RING_MZ_PREFIX = 'RG_';

export type RingSyncType = 'MT' | 'ST' | 'MT_RTS' | 'MT_HTS';
/** enum rte_ring_sync_type values, as stored in the headtail. */
export const SYNC_MT = 0;
export const SYNC_ST = 1;
export const SYNC_MT_RTS = 2;
export const SYNC_MT_HTS = 3;
export const SYNC_NAMES: readonly RingSyncType[] = ['MT', 'ST', 'MT_RTS', 'MT_HTS'];
/** Kernel mode bit: burst (as many as possible) instead of bulk (all or nothing). */
export const VARIABLE = 4;

/** Default RTS head/tail distance is capacity / 8 (HTD_MAX_DEF). */
export const HTD_MAX_DEF = 8;

// Header byte offsets.
export const R_NAME = 0;
export const R_FLAGS = 32;
export const R_MEMZONE = 40; // u64: window offset of the memzone table slot, 0 for Ring.init memory
export const R_SIZE = 48;
export const R_MASK = 52;
export const R_CAPACITY = 56;
export const R_ESIZE = 60; // padding in DPDK's struct; lookup needs the element size
export const R_MAGIC = 64; // pad0 cache line; lets attach() reject memory that is not a ring
export const R_PROD = 128;
export const R_CONS = 256;
export const HEADER_SIZE = 384;
// Headtail fields.
export const HT_HEAD = 0; // MT/ST head, HTS head; RTS tail.cnt
export const HT_TAIL = 4; // MT/ST/HTS tail; RTS tail.pos
export const HT_SYNC = 8;
export const HT_HTD_MAX = 12; // RTS only
export const HT_RTS_HEAD_CNT = 16;
export const HT_RTS_HEAD_POS = 20;

export const RING_MAGIC = 0x474e4952; // 'RING'
export const ENOBUFS = 105;
