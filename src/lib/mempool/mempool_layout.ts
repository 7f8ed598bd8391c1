// Byte layout of a mempool in the shared window: the header (memzone MP_<name>), the per-lcore caches
// that follow it, object headers/trailers and memory-chunk headers. Every pointer stored here is a
// window offset (the Memory base differs per process). mempool_kernels.as.ts hard-codes the cache and
// stack offsets.

import { CACHE_LINE } from '../eal/index.js';

/** RTE_MAX_LCORE: one cache per lcore id. */
export const MAX_LCORE = 128;
/** RTE_MEMPOOL_CACHE_MAX_SIZE */
export const CACHE_MAX_SIZE = 512;
/** Longest name + 1 (RTE_MEMPOOL_NAMESIZE = RTE_RING_NAMESIZE 29 - sizeof("MP_") + 1). */
export const MEMPOOL_NAMESIZE = 26;
export const MEMPOOL_MZ_PREFIX = 'MP_';
export const MEMPOOL_ALIGN = CACHE_LINE;

// Flags (rte_mempool.h).
export const MEMPOOL_F_NO_SPREAD = 0x1;
export const MEMPOOL_F_NO_CACHE_ALIGN = 0x2;
export const MEMPOOL_F_SP_PUT = 0x4;
export const MEMPOOL_F_SC_GET = 0x8;
/** Internal: the backend (ring/stack) exists, ops can no longer change. */
export const MEMPOOL_F_POOL_CREATED = 0x10;
export const MEMPOOL_F_NO_IOVA_CONTIG = 0x20;
/** Internal: no object is usable for device IO. */
export const MEMPOOL_F_NON_IO = 0x40;
/**
 * tsdpdk extension, the run-time form of RTE_LIBRTE_MEMPOOL_DEBUG: cookies before and after every
 * object, checked on get/put and by audit(). Per pool, so every lcore and process checks the same way.
 */
export const MEMPOOL_F_DEBUG = 0x10000;
export const MEMPOOL_VALID_USER_FLAGS =
  MEMPOOL_F_NO_SPREAD | MEMPOOL_F_NO_CACHE_ALIGN | MEMPOOL_F_SP_PUT | MEMPOOL_F_SC_GET | MEMPOOL_F_NO_IOVA_CONTIG | MEMPOOL_F_DEBUG;

// Header fields (byte offsets from the header's window offset); pointers are u32 window offsets in
// 8-byte slots, like DPDK's pointers.
export const MP_NAME = 0; // char[32]
export const MP_POOL_DATA = 32; // backend (ring or stack) window offset
export const MP_POOL_CONFIG = 40;
export const MP_MZ = 48; // memzone id of the header
export const MP_FLAGS = 56;
export const MP_SOCKET_ID = 60; // i32
export const MP_SIZE = 64;
export const MP_CACHE_SIZE = 68;
export const MP_ELT_SIZE = 72;
export const MP_HEADER_SIZE = 76;
export const MP_TRAILER_SIZE = 80;
export const MP_PRIVATE_DATA_SIZE = 84;
export const MP_OPS_INDEX = 88; // i32
export const MP_MAGIC = 92; // written last: a pool being created is not found by lookup
export const MP_LOCAL_CACHE = 96; // window offset of cache[0] (0 when cache_size is 0)
export const MP_POPULATED_SIZE = 104;
export const MP_NB_MEM_CHUNKS = 108;
export const MP_ELT_FIRST = 112; // objhdr list (STAILQ): first / last objhdr
export const MP_ELT_LAST = 116;
export const MP_MEM_FIRST = 120; // memhdr list: first / last
export const MP_MEM_LAST = 124;
export const MP_LOCK = 128; // i32: control-path changes (populate, free)
export const MP_DBG_ERRORS = 132; // debug: cookie violations seen on get/put
export const MP_DBG_OBJ = 136; // debug: last offending object
export const MP_DBG_KIND = 140; // debug: last violation (DBG_*)
export const MP_PUT_LOST = 144; // objects the backend refused on put (more puts than gets)
export const MP_STRUCT_SIZE = 192;
export const MEMPOOL_MAGIC = 0x4c4f4f50; // 'POOL'

// Per-lcore cache (struct rte_mempool_cache, objects as u32 window offsets).
export const C_SIZE = 0;
export const C_FLUSHTHRESH = 4;
export const C_LEN = 8;
export const C_OBJS = 64;
/** objs[RTE_MEMPOOL_CACHE_MAX_SIZE * 2] like 22.11. */
export const CACHE_OBJS_MAX = CACHE_MAX_SIZE * 2;
export const CACHE_STRIDE = C_OBJS + CACHE_OBJS_MAX * 4; // 4160, a multiple of 64

/** RTE_MEMPOOL_HEADER_SIZE(mp, cs) */
export function headerBytes(cacheSize: number): number {
  return MP_STRUCT_SIZE + (cacheSize === 0 ? 0 : CACHE_STRIDE * MAX_LCORE);
}

// struct rte_mempool_objhdr, just before the object: next objhdr, owning pool, iova, (debug) cookie.
export const OH_NEXT = 0;
export const OH_MP = 8;
export const OH_IOVA = 16;
export const OH_COOKIE = 24;
export const OBJHDR_SIZE = 24;
export const OBJHDR_SIZE_DEBUG = 32;
/** struct rte_mempool_objtlr (debug): a cookie right after the element. */
export const OBJTLR_SIZE_DEBUG = 8;

// Debug cookies (RTE_MEMPOOL_HEADER_COOKIE1/2, RTE_MEMPOOL_TRAILER_COOKIE) as u32 halves.
export const COOKIE1_LO = 0xdadd2e55; // object is out of the pool
export const COOKIE1_HI = 0xbadbadba;
export const COOKIE2_LO = 0xdadd2e55; // object is in the pool
export const COOKIE2_HI = 0xf2eef2ee;
export const TRAILER_LO = 0xadbadbad;
export const TRAILER_HI = 0xadd2e55b;

export const DBG_NONE = 0;
export const DBG_PUT_HEADER = 1; // put of an object already in the pool (double free) or never allocated
export const DBG_GET_HEADER = 2; // object in the pool with an out-of-pool cookie (corruption)
export const DBG_TRAILER = 3; // trailer cookie overwritten (buffer overrun)
export const DBG_FOREIGN = 4; // object owned by another pool
export const DBG_NAMES = ['none', 'bad header cookie (put)', 'bad header cookie (get)', 'bad trailer cookie', 'object is owned by another mempool'];

// struct rte_mempool_memhdr (rte_malloc'd in the shared heap): one per memory chunk.
export const MH_NEXT = 0;
export const MH_MP = 8;
export const MH_ADDR = 16;
export const MH_IOVA = 24; // u64
export const MH_LEN = 32;
export const MH_MZ = 40; // memzone id freed with the pool (the free_cb of populate_default chunks), -1 none
export const MEMHDR_SIZE = 64;
