// Byte layout of the shared window's header (window offset 0). Every process and lcore reads
// the same bytes, so this is the one place the offsets are written down.

export const CACHE_LINE = 64;
export const WINDOW_MAGIC = 0x4b445354; // 'TSDK'
export const LAYOUT_VERSION = 1;

/** Process-private part of the Memory below the window: Wasm kernel scratch, burst arrays, lcore slots. */
export const PRIVATE_SIZE = 4 << 20;
export const PRIVATE_KERNEL_RESERVED = 64 << 10;

// Header fields (byte offsets, all u32 unless noted).
export const H_MAGIC = 0;
export const H_VERSION = 4;
export const H_WINDOW_SIZE = 8;
export const H_PAGE_SIZE = 12;
export const H_FLAGS = 16;
export const H_PRIMARY_PID = 20;
export const H_NUM_SOCKETS = 24;
export const H_IOVA_MODE = 28;
export const H_MCFG_LOCK = 32; // i32 spinlock: memzone table and segment map
export const H_NUM_SEGS = 36; // segment slots in the window
export const H_MEMZONE_COUNT = 40;
export const H_SOCKET_REGION = 44; // bytes of window per NUMA socket
export const H_INIT_DONE = 48;
export const H_SEG_GENERATION = 52; // bumped on every segment map change, lets secondaries resync cheaply
export const H_SEG_LOCK = 56; // i32 spinlock: segment mapping (taken after a heap lock, never before)
export const H_LCORE_OWNER = 64; // u32[MAX_LCORE/32]... reserved for lcore ownership across processes (128 bits)
export const H_NEXT_OBJ_ID = 96; // u32 counter for registries (ring/mempool ids)

export const FLAG_HUGEPAGES = 1;
export const FLAG_IN_MEMORY = 2;
export const FLAG_SHM_FILE = 4;

export const IOVA_MODE_PA = 1;
export const IOVA_MODE_VA = 2;

/** Per-socket malloc heap headers. */
export const MAX_SOCKETS = 8;
export const HEAP_HDR_BASE = 1024;
export const HEAP_HDR_SIZE = 256;

/** Segment table: one 16-byte slot per page of the window: iova (u64), socket (u32), state (u32). */
export const SEG_TABLE_BASE = 4096;
export const SEG_SLOT_SIZE = 16;
export const MAX_SEGS = 2048;
export const SEG_STATE_UNMAPPED = 0;
export const SEG_STATE_MAPPED = 1;

/** Memzone table, like DPDK's fbarray_memzone: RTE_MAX_MEMZONE entries of 64 bytes. */
export const MEMZONE_TABLE_BASE = SEG_TABLE_BASE + MAX_SEGS * SEG_SLOT_SIZE; // 36864
export const MAX_MEMZONE = 2560;
export const MEMZONE_SLOT_SIZE = 64;
export const MEMZONE_NAMESIZE = 32;

/** Everything below this window offset is the header; the socket-0 heap starts here. */
export const HEADER_SIZE = 256 << 10;

export const MAX_LCORE = 128;
