// rte_mempool: a named pool of fixed-size objects in the shared window. The header (memzone MP_<name>)
// holds the parameters, the per-lcore caches and the private area; objects live in memzones
// MP_<name>_<i>, each preceded by an object header; free objects not in a cache sit in the backend
// (ring or stack). A Mempool instance is only this thread's handle: it caches read-only parameters and
// binds the backend and kernels to this thread's Memory; all state is in shared memory, so any lcore or
// secondary process attaches by name.

import {
  ealRuntime, fail, lcoreId, log, malloc, free as rteFree, memsegList, memzoneList, memzoneLookup, memzoneReserve,
  memzoneFree, RTE_BAD_IOVA, SOCKET_ID_ANY, sharedWindow, TsdpdkError, virt2iova, type SharedWindow,
} from '../eal/index.js';
import { H_NEXT_OBJ_ID, MEMZONE_NAMESIZE } from '../eal/layout.js';
import {
  C_FLUSHTHRESH, C_LEN, C_OBJS, C_SIZE, CACHE_MAX_SIZE, CACHE_OBJS_MAX, CACHE_STRIDE, COOKIE1_HI, COOKIE1_LO, COOKIE2_HI,
  COOKIE2_LO, DBG_FOREIGN, DBG_GET_HEADER, DBG_NAMES, DBG_PUT_HEADER, DBG_TRAILER, headerBytes, MAX_LCORE, MEMHDR_SIZE,
  MEMPOOL_ALIGN, MEMPOOL_F_DEBUG, MEMPOOL_F_NO_CACHE_ALIGN, MEMPOOL_F_NO_IOVA_CONTIG, MEMPOOL_F_NO_SPREAD,
  MEMPOOL_F_NON_IO, MEMPOOL_F_POOL_CREATED, MEMPOOL_F_SC_GET, MEMPOOL_F_SP_PUT, MEMPOOL_MAGIC, MEMPOOL_MZ_PREFIX,
  MEMPOOL_NAMESIZE, MEMPOOL_VALID_USER_FLAGS, MH_ADDR, MH_IOVA, MH_LEN, MH_MP, MH_MZ, MH_NEXT, MP_CACHE_SIZE,
  MP_DBG_ERRORS, MP_DBG_KIND, MP_DBG_OBJ, MP_ELT_FIRST, MP_ELT_LAST, MP_ELT_SIZE, MP_FLAGS, MP_HEADER_SIZE,
  MP_LOCAL_CACHE, MP_MAGIC, MP_MEM_FIRST, MP_MEM_LAST, MP_MZ, MP_NAME, MP_NB_MEM_CHUNKS, MP_OPS_INDEX, MP_POOL_CONFIG,
  MP_POOL_DATA, MP_POPULATED_SIZE, MP_PRIVATE_DATA_SIZE, MP_PUT_LOST, MP_SIZE, MP_SOCKET_ID, MP_TRAILER_SIZE,
  OBJHDR_SIZE, OBJHDR_SIZE_DEBUG, OBJTLR_SIZE_DEBUG, OH_COOKIE, OH_IOVA, OH_MP, OH_NEXT, TRAILER_HI, TRAILER_LO,
} from './mempool_layout.js';
import { SCRATCH_ENTRIES, threadKernels, type MempoolKernels } from './mempool_kernel.js';
import './mempool_drivers.js';
import { opsByIndex, opsIndex, opsNames, type MempoolBackend } from './mempool_ops.js';

const ENOENT = 2;
const EINVAL = 22;
const CACHE_STRIDE_U32 = CACHE_STRIDE >>> 2;
const C_LEN_U32 = C_LEN >>> 2;
const C_THRESH_U32 = C_FLUSHTHRESH >>> 2;
const C_OBJS_U32 = C_OBJS >>> 2;
/** MP_POOL_CONFIG is unused by the drivers; it carries a creation stamp so a stale handle is noticed. */
const MP_STAMP = MP_POOL_CONFIG;

const LOG_MEMPOOL = log.registerLogType('lib.mempool');
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Memory chunk of a pool (rte_mempool_memhdr). */
export interface MempoolMemChunk {
  /** Window offset of the chunk. */
  addr: number;
  iova: bigint;
  len: number;
}

export interface MempoolObjSize {
  eltSize: number;
  headerSize: number;
  trailerSize: number;
  totalSize: number;
}

export type MempoolObjCb = (mp: Mempool, obj: number, idx: number) => void;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Pads objects so consecutive ones start on different memory channels/ranks (x86 arch_mem_object_align). */
function archMemObjectAlign(objSize: number): number {
  const o = ealRuntime().options;
  const nchan = o.memoryChannels ?? 4;
  const nrank = o.memoryRanks ?? 1;
  let lines = Math.ceil(objSize / MEMPOOL_ALIGN);
  while (gcd(lines, nrank * nchan) !== 1) lines++;
  return lines * MEMPOOL_ALIGN;
}

/** rte_mempool_calc_obj_size */
export function mempoolCalcObjSize(eltSize: number, flags: number): MempoolObjSize {
  const debug = (flags & MEMPOOL_F_DEBUG) !== 0;
  let headerSize = debug ? OBJHDR_SIZE_DEBUG : OBJHDR_SIZE;
  if ((flags & MEMPOOL_F_NO_CACHE_ALIGN) === 0) headerSize = Math.ceil(headerSize / MEMPOOL_ALIGN) * MEMPOOL_ALIGN;
  let trailerSize = debug ? OBJTLR_SIZE_DEBUG : 0;
  const elt = Math.ceil(eltSize / 8) * 8;
  if ((flags & MEMPOOL_F_NO_CACHE_ALIGN) === 0) {
    const total = headerSize + elt + trailerSize;
    trailerSize += (MEMPOOL_ALIGN - (total & (MEMPOOL_ALIGN - 1))) & (MEMPOOL_ALIGN - 1);
  }
  if ((flags & MEMPOOL_F_NO_SPREAD) === 0) {
    trailerSize = archMemObjectAlign(headerSize + elt + trailerSize) - headerSize - elt;
  }
  return { eltSize: elt, headerSize, trailerSize, totalSize: headerSize + elt + trailerSize };
}

function isUint(x: number): boolean {
  return Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
}

// ---- handles (one per pool per thread) ----

let handleWindow: SharedWindow | null = null;
const handles = new Map<number, Mempool>();
let lastOff = -1;
let lastPool: Mempool | null = null;

function handleFor(offset: number): Mempool {
  const w = sharedWindow();
  if (handleWindow !== w) {
    handles.clear();
    handleWindow = w;
    lastOff = -1;
    lastPool = null;
  }
  const h = handles.get(offset);
  if (h !== undefined && h.stamp === w.u32[(offset + MP_STAMP) >>> 2]) return h;
  const n = new Mempool(w, offset);
  handles.set(offset, n);
  return n;
}

/**
 * The handle of the pool whose header is at `offset` (an mbuf's pool field, an object header's mp).
 * Allocation-free once this thread has seen the pool.
 */
export function mempoolFromOffset(offset: number): Mempool {
  const p = lastPool;
  if (offset === lastOff && p !== null && p.stamp === p.w.u32[(offset + MP_STAMP) >>> 2]) return p;
  const w = sharedWindow();
  if (w.u32[(offset + MP_MAGIC) >>> 2] !== MEMPOOL_MAGIC) fail('EINVAL', `window offset 0x${offset.toString(16)} is not a mempool`);
  const h = handleFor(offset);
  lastOff = offset;
  lastPool = h;
  return h;
}

export class Mempool {
  /** Window offset of the header (what objects and mbufs store as their pool). */
  readonly offset: number;
  readonly name: string;
  /** Unique per created pool; a pool re-created at the same offset gets another. */
  readonly stamp: number;
  /** This thread's window. */
  readonly w: SharedWindow;
  readonly size: number;
  readonly cacheSize: number;
  readonly eltSize: number;
  readonly headerSize: number;
  readonly trailerSize: number;
  readonly privateDataSize: number;
  readonly socketId: number;
  private readonly u32: Uint32Array;
  private readonly memU32: Uint32Array;
  private readonly buf: ArrayBufferLike;
  private readonly base: number;
  private readonly k: MempoolKernels;
  private readonly scratch: Uint32Array;
  private readonly scratchAbs: number;
  /** Window offset of cache[0], 0 without caches. */
  private readonly cache0: number;
  private readonly cache0Abs: number;
  private readonly debug: boolean;
  private readonly objhdrSize: number;
  private be: MempoolBackend | null = null;
  // Last array passed to getBulk / putBulk, its Memory address and length (-1: not over the Memory).
  // .buffer/.byteOffset/.length of a view over the Memory's growable SharedArrayBuffer are not inlined
  // by V8 (~15 ns each), so they are learnt once per array.
  private gArr: Uint32Array | null = null;
  private gAddr = -1;
  private gLen = -1;
  private pArr: Uint32Array | null = null;
  private pAddr = -1;
  private pLen = -1;
  /** MAX_LCORE with caches, 0 without: lcore ids below it use a cache. */
  private readonly cacheLimit: number;
  /** u32 index (in the window) of cache[0]. */
  private readonly cacheIdx0: number;
  /**
   * Memory address of this thread's lcore cache, or -1 (no cache, non-EAL thread, or debug checks):
   * a handle belongs to one thread, whose lcore id does not change.
   */
  private readonly myCache: number;
  private readonly kGet: MempoolKernels['cacheGet'];
  private readonly kPut: MempoolKernels['cachePut'];

  /** Use Mempool.create / lookup / attach. */
  constructor(w: SharedWindow, offset: number) {
    const u32 = w.u32;
    const o = offset;
    this.w = w;
    this.offset = o;
    this.u32 = u32;
    this.memU32 = w.memU32;
    this.buf = w.buffer;
    this.base = w.base;
    let end = o + MP_NAME;
    while (end < o + 32 && w.u8[end] !== 0) end++;
    this.name = dec.decode(w.u8.slice(o + MP_NAME, end));
    this.stamp = u32[(o + MP_STAMP) >>> 2]!;
    this.size = u32[(o + MP_SIZE) >>> 2]!;
    this.cacheSize = u32[(o + MP_CACHE_SIZE) >>> 2]!;
    this.eltSize = u32[(o + MP_ELT_SIZE) >>> 2]!;
    this.headerSize = u32[(o + MP_HEADER_SIZE) >>> 2]!;
    this.trailerSize = u32[(o + MP_TRAILER_SIZE) >>> 2]!;
    this.privateDataSize = u32[(o + MP_PRIVATE_DATA_SIZE) >>> 2]!;
    this.socketId = w.i32[(o + MP_SOCKET_ID) >>> 2]!;
    this.debug = (u32[(o + MP_FLAGS) >>> 2]! & MEMPOOL_F_DEBUG) !== 0;
    this.objhdrSize = this.debug ? OBJHDR_SIZE_DEBUG : OBJHDR_SIZE;
    this.cache0 = u32[(o + MP_LOCAL_CACHE) >>> 2]!;
    this.cache0Abs = w.base + this.cache0;
    this.cacheLimit = this.cache0 !== 0 ? MAX_LCORE : 0;
    this.cacheIdx0 = this.cache0 >>> 2;
    const lc = lcoreId();
    this.myCache = lc < this.cacheLimit && !this.debug ? this.cache0Abs + lc * CACHE_STRIDE : -1;
    const tk = threadKernels(w);
    this.k = tk.k;
    this.kGet = tk.k.cacheGet;
    this.kPut = tk.k.cachePut;
    this.scratch = tk.scratch;
    this.scratchAbs = tk.scratch.byteOffset;
  }

  // ---- creation ----

  /**
   * rte_mempool_create_empty: the header, caches and private area, no objects yet. The ops are chosen
   * from SP_PUT/SC_GET like DPDK (ring_sp_sc, ring_sp_mc, ring_mp_sc, else ring_mp_mc); setOpsByName
   * can change them before populateDefault.
   */
  static createEmpty(name: string, n: number, eltSize: number, cacheSize = 0, privateDataSize = 0, socketId = SOCKET_ID_ANY, flags = 0): Mempool {
    const what = `mempool_create '${name}'`;
    const nb = enc.encode(name);
    if (nb.length === 0) fail('EINVAL', `${what}: empty name`);
    if (nb.length >= MEMPOOL_NAMESIZE) fail('ENAMETOOLONG', `${what}: name is ${nb.length} bytes, at most ${MEMPOOL_NAMESIZE - 1}`);
    if (!isUint(n) || n === 0) fail('EINVAL', `${what}: invalid number of elements ${n}`);
    if (!isUint(eltSize)) fail('EINVAL', `${what}: invalid element size ${eltSize}`);
    if (!isUint(cacheSize) || cacheSize > CACHE_MAX_SIZE || Math.trunc(cacheSize * 1.5) > n) {
      fail('EINVAL', `${what}: cache size ${cacheSize} is invalid: it must be <= ${CACHE_MAX_SIZE} and cache_size * 1.5 (${Math.trunc(cacheSize * 1.5)}) <= n (${n})`);
    }
    if (!isUint(privateDataSize)) fail('EINVAL', `${what}: invalid private data size ${privateDataSize}`);
    if (!Number.isInteger(flags) || (flags & ~MEMPOOL_VALID_USER_FLAGS) !== 0 || flags < 0) {
      fail('EINVAL', `${what}: invalid flags 0x${flags.toString(16)} (valid: 0x${MEMPOOL_VALID_USER_FLAGS.toString(16)})`);
    }
    flags |= MEMPOOL_F_NON_IO;
    if (flags & MEMPOOL_F_NO_CACHE_ALIGN) flags |= MEMPOOL_F_NO_SPREAD;
    const sz = mempoolCalcObjSize(eltSize, flags);
    const priv = Math.ceil(privateDataSize / MEMPOOL_ALIGN) * MEMPOOL_ALIGN;
    const bytes = Math.ceil((headerBytes(cacheSize) + priv) / MEMPOOL_ALIGN) * MEMPOOL_ALIGN;
    const opsName = (flags & MEMPOOL_F_SP_PUT) && (flags & MEMPOOL_F_SC_GET) ? 'ring_sp_sc'
      : flags & MEMPOOL_F_SP_PUT ? 'ring_sp_mc' : flags & MEMPOOL_F_SC_GET ? 'ring_mp_sc' : 'ring_mp_mc';
    const ops = opsIndex(opsName);
    if (ops < 0) fail('EINVAL', `${what}: mempool ops '${opsName}' are not registered`);
    const z = memzoneReserve(MEMPOOL_MZ_PREFIX + name, bytes, socketId, 0);
    const w = sharedWindow();
    const o = z.offset;
    const u32 = w.u32;
    w.u8.fill(0, o, o + headerBytes(cacheSize));
    w.u8.set(nb, o + MP_NAME);
    u32[(o + MP_MZ) >>> 2] = z.id;
    u32[(o + MP_STAMP) >>> 2] = Atomics.add(u32, H_NEXT_OBJ_ID >>> 2, 1) + 1;
    u32[(o + MP_FLAGS) >>> 2] = flags;
    w.i32[(o + MP_SOCKET_ID) >>> 2] = socketId;
    u32[(o + MP_SIZE) >>> 2] = n;
    u32[(o + MP_CACHE_SIZE) >>> 2] = cacheSize;
    u32[(o + MP_ELT_SIZE) >>> 2] = sz.eltSize;
    u32[(o + MP_HEADER_SIZE) >>> 2] = sz.headerSize;
    u32[(o + MP_TRAILER_SIZE) >>> 2] = sz.trailerSize;
    u32[(o + MP_PRIVATE_DATA_SIZE) >>> 2] = priv;
    w.i32[(o + MP_OPS_INDEX) >>> 2] = ops;
    if (cacheSize !== 0) {
      const c0 = o + headerBytes(0);
      u32[(o + MP_LOCAL_CACHE) >>> 2] = c0;
      for (let l = 0; l < MAX_LCORE; l++) {
        const c = c0 + l * CACHE_STRIDE;
        u32[(c + C_SIZE) >>> 2] = cacheSize;
        u32[(c + C_FLUSHTHRESH) >>> 2] = Math.trunc(cacheSize * 1.5);
        u32[(c + C_LEN) >>> 2] = 0;
      }
    }
    Atomics.store(u32, (o + MP_MAGIC) >>> 2, MEMPOOL_MAGIC);
    return handleFor(o);
  }

  /**
   * rte_mempool_create: createEmpty + mpInit + populateDefault + objInit on every object. Throws
   * TsdpdkError (EINVAL for bad sizes/flags/cache rules, EEXIST, ENAMETOOLONG, ENOMEM).
   */
  static create(name: string, n: number, eltSize: number, cacheSize = 0, privateDataSize = 0, socketId = SOCKET_ID_ANY, flags = 0,
    mpInit?: (mp: Mempool) => void, objInit?: MempoolObjCb): Mempool {
    const mp = Mempool.createEmpty(name, n, eltSize, cacheSize, privateDataSize, socketId, flags);
    try {
      if (mpInit) mpInit(mp);
      mp.populateDefault();
      if (objInit) mp.objIter(objInit);
    } catch (e) {
      mp.free();
      throw e;
    }
    return mp;
  }

  /** rte_mempool_lookup: null when no pool has this name. */
  static lookup(name: string): Mempool | null {
    const nb = enc.encode(name);
    if (nb.length === 0 || nb.length >= MEMPOOL_NAMESIZE) return null;
    const z = memzoneLookup(MEMPOOL_MZ_PREFIX + name);
    if (z === null) return null;
    const w = sharedWindow();
    if (Atomics.load(w.u32, (z.offset + MP_MAGIC) >>> 2) !== MEMPOOL_MAGIC) return null;
    return handleFor(z.offset);
  }

  /** The pool whose header is at window offset `offset` (throws EINVAL if none is there). */
  static attach(offset: number): Mempool {
    return mempoolFromOffset(offset);
  }

  /**
   * rte_mempool_from_obj. The objhdr ends at the object, so its mp field is 16 bytes before it (24 with
   * debug cookies); the normal layout is tried first and must name a pool without debug.
   */
  static fromObj(obj: number): Mempool {
    const u32 = sharedWindow().u32;
    const a = u32[(obj - OBJHDR_SIZE + OH_MP) >>> 2]!;
    if (a !== 0 && u32[(a + MP_MAGIC) >>> 2] === MEMPOOL_MAGIC && (u32[(a + MP_FLAGS) >>> 2]! & MEMPOOL_F_DEBUG) === 0) {
      return mempoolFromOffset(a);
    }
    const b = u32[(obj - OBJHDR_SIZE_DEBUG + OH_MP) >>> 2]!;
    if (b !== 0 && u32[(b + MP_MAGIC) >>> 2] === MEMPOOL_MAGIC) return mempoolFromOffset(b);
    return fail('EINVAL', `object 0x${obj.toString(16)} does not belong to a mempool`);
  }

  // ---- parameters ----

  get flags(): number {
    return this.u32[(this.offset + MP_FLAGS) >>> 2]!;
  }

  get populatedSize(): number {
    return this.u32[(this.offset + MP_POPULATED_SIZE) >>> 2]!;
  }

  get nbMemChunks(): number {
    return this.u32[(this.offset + MP_NB_MEM_CHUNKS) >>> 2]!;
  }

  get opsIndex(): number {
    return this.w.i32[(this.offset + MP_OPS_INDEX) >>> 2]!;
  }

  get opsName(): string {
    return opsByIndex(this.opsIndex).name;
  }

  /** Window offset of the backend (ring or stack), 0 before populate. */
  get poolData(): number {
    return this.u32[(this.offset + MP_POOL_DATA) >>> 2]!;
  }

  /** rte_mempool_get_priv: window offset of the private data area. */
  get privateDataOffset(): number {
    return this.offset + headerBytes(this.cacheSize);
  }

  /** Object size including header and trailer. */
  get totalEltSize(): number {
    return this.headerSize + this.eltSize + this.trailerSize;
  }

  /** Whether debug cookies are on (MEMPOOL_F_DEBUG). */
  get debugCookies(): boolean {
    return this.debug;
  }

  /** rte_mempool_virt2iova: IO address of an object (from its header). */
  virt2iova(obj: number): bigint {
    return this.w.u64[(obj - this.objhdrSize + OH_IOVA) >>> 3]!;
  }

  /** Window offset of an object's header (struct rte_mempool_objhdr). */
  objHeader(obj: number): number {
    return obj - this.objhdrSize;
  }

  // ---- ops ----

  /** rte_mempool_set_ops_byname: before populate only (EEXIST after), unknown name EINVAL. */
  setOpsByName(name: string, _poolConfig?: unknown): void {
    if (this.flags & MEMPOOL_F_POOL_CREATED) fail('EEXIST', `mempool '${this.name}': ops cannot change once the pool is populated`);
    const i = opsIndex(name);
    if (i < 0) {
      if (name === 'bucket') fail('ENOTSUP', `mempool ops 'bucket' are not implemented in tsdpdk (available: ${opsNames().join(', ')})`);
      fail('EINVAL', `mempool '${this.name}': no mempool ops named '${name}' (available: ${opsNames().join(', ')})`);
    }
    this.w.i32[(this.offset + MP_OPS_INDEX) >>> 2] = i;
  }

  /** mempool_ops_alloc_once */
  private allocOnce(): void {
    const o = this.offset;
    if (this.flags & MEMPOOL_F_POOL_CREATED) return;
    const ops = opsByIndex(this.opsIndex);
    const data = ops.alloc(this.name, this.size, this.socketId, this.flags);
    this.u32[(o + MP_POOL_DATA) >>> 2] = data;
    this.u32[(o + MP_FLAGS) >>> 2] = this.flags | MEMPOOL_F_POOL_CREATED;
    this.be = null;
  }

  private backend(): MempoolBackend {
    if (this.be !== null) return this.be;
    if ((this.flags & MEMPOOL_F_POOL_CREATED) === 0) fail('EINVAL', `mempool '${this.name}' is not populated yet`);
    this.be = opsByIndex(this.opsIndex).attach(this.poolData);
    return this.be;
  }

  // ---- population ----

  /** The page size objects must not straddle (rte_mempool_get_page_size): 0 when IOVA contiguity is not needed. */
  private pageSize(): number {
    if (this.flags & MEMPOOL_F_NO_IOVA_CONTIG) return 0;
    return memsegList()[0]?.length ?? 4096;
  }

  /** rte_mempool_op_calc_mem_size_helper */
  private calcMemSize(objNum: number, pgSz: number): number {
    const total = this.totalEltSize;
    if (pgSz === 0) return total * objNum;
    const perPage = Math.floor(pgSz / total);
    if (perPage === 0) return Math.ceil(total / pgSz) * pgSz * objNum;
    const inLast = ((objNum - 1) % perPage) + 1;
    return inLast * total + ((objNum - inLast) / perPage) * pgSz + total - 1;
  }

  /**
   * rte_mempool_populate_default: reserves memzones MP_<name>_<i> (halving the request on ENOMEM) and
   * carves objects from them; returns the number of objects (size).
   */
  populateDefault(): number {
    const what = `mempool_populate_default '${this.name}'`;
    this.allocOnce();
    if (this.nbMemChunks !== 0) fail('EEXIST', `${what}: the pool is already populated`);
    const pgSz = this.pageSize();
    let maxAlloc = Infinity;
    try {
      for (let mzId = 0; this.populatedSize < this.size; mzId++) {
        const n = this.size - this.populatedSize;
        const memSize = this.calcMemSize(n, pgSz);
        const minChunk = this.totalEltSize;
        const mzName = `${MEMPOOL_MZ_PREFIX}${this.name}_${mzId}`;
        if (mzName.length >= MEMZONE_NAMESIZE) fail('ENAMETOOLONG', `${what}: memzone name '${mzName}' is too long`);
        let z = null;
        for (;;) {
          try {
            z = memzoneReserve(mzName, Math.min(memSize, maxAlloc), this.socketId, 0, MEMPOOL_ALIGN);
            break;
          } catch (e) {
            if (!(e instanceof TsdpdkError) || e.code !== 'ENOMEM') throw e;
            maxAlloc = Math.floor(Math.min(maxAlloc, memSize) / 2);
            if (maxAlloc < minChunk) throw e;
          }
        }
        const added = this.populateChunk(z.offset, z.length, pgSz, mzId);
        if (added === 0) {
          memzoneFree(z);
          fail('ENOBUFS', `${what}: memzone ${mzName} of ${z.length} bytes holds no object of ${this.totalEltSize} bytes`);
        }
      }
    } catch (e) {
      this.freeMemChunks();
      throw e;
    }
    return this.size;
  }

  /** rte_mempool_populate_iova + the default populate op: objects never straddle a page of pgSz. */
  private populateChunk(addr: number, len: number, pgSz: number, mzId: number): number {
    const w = this.w;
    const u32 = this.u32;
    const o = this.offset;
    const align = this.flags & MEMPOOL_F_NO_CACHE_ALIGN ? 8 : MEMPOOL_ALIGN;
    const start = Math.ceil(addr / align) * align;
    if (start - addr > len) return 0;
    const total = this.totalEltSize;
    const noIova = (this.flags & MEMPOOL_F_NO_IOVA_CONTIG) !== 0;
    const be = this.backend();
    const scratch = this.scratch;
    let batched = 0;
    let off = start - addr;
    let added = 0;
    const max = this.size - this.populatedSize;
    while (added < max) {
      if (pgSz !== 0 && total <= pgSz) {
        const a = addr + off;
        if (Math.floor(a / pgSz) !== Math.floor((a + total - 1) / pgSz)) off += Math.ceil(a / pgSz) * pgSz - a;
      }
      if (off + total > len) break;
      const obj = addr + off + this.headerSize;
      const hdr = obj - this.objhdrSize;
      u32[(hdr + OH_NEXT) >>> 2] = 0;
      u32[(hdr + OH_NEXT + 4) >>> 2] = 0;
      u32[(hdr + OH_MP) >>> 2] = o;
      u32[(hdr + OH_MP + 4) >>> 2] = 0;
      w.u64[(hdr + OH_IOVA) >>> 3] = noIova ? RTE_BAD_IOVA : virt2iova(obj);
      if (this.debug) {
        u32[(hdr + OH_COOKIE) >>> 2] = COOKIE2_LO;
        u32[(hdr + OH_COOKIE + 4) >>> 2] = COOKIE2_HI;
        u32[(obj + this.eltSize) >>> 2] = TRAILER_LO;
        u32[(obj + this.eltSize + 4) >>> 2] = TRAILER_HI;
      }
      const last = u32[(o + MP_ELT_LAST) >>> 2]!;
      if (last === 0) u32[(o + MP_ELT_FIRST) >>> 2] = hdr;
      else u32[(last + OH_NEXT) >>> 2] = hdr;
      u32[(o + MP_ELT_LAST) >>> 2] = hdr;
      u32[(o + MP_POPULATED_SIZE) >>> 2] = u32[(o + MP_POPULATED_SIZE) >>> 2]! + 1;
      scratch[batched++] = obj;
      if (batched === SCRATCH_ENTRIES) {
        be.enqueue(this.scratchAbs, batched);
        batched = 0;
      }
      off += total;
      added++;
    }
    if (batched > 0) be.enqueue(this.scratchAbs, batched);
    if (added === 0) return 0;
    const mh = malloc('MEMPOOL_MEMHDR', MEMHDR_SIZE);
    w.u8.fill(0, mh, mh + MEMHDR_SIZE);
    u32[(mh + MH_MP) >>> 2] = o;
    u32[(mh + MH_ADDR) >>> 2] = addr;
    w.u64[(mh + MH_IOVA) >>> 3] = noIova ? RTE_BAD_IOVA : virt2iova(addr);
    u32[(mh + MH_LEN) >>> 2] = len;
    u32[(mh + MH_MZ) >>> 2] = mzId;
    const lastMh = u32[(o + MP_MEM_LAST) >>> 2]!;
    if (lastMh === 0) u32[(o + MP_MEM_FIRST) >>> 2] = mh;
    else u32[(lastMh + MH_NEXT) >>> 2] = mh;
    u32[(o + MP_MEM_LAST) >>> 2] = mh;
    u32[(o + MP_NB_MEM_CHUNKS) >>> 2] = this.nbMemChunks + 1;
    if (!noIova) u32[(o + MP_FLAGS) >>> 2] = this.flags & ~MEMPOOL_F_NON_IO;
    return added;
  }

  /** rte_mempool_free_memchunks: drops every object and chunk (objects must be back in the pool). */
  private freeMemChunks(): void {
    const u32 = this.u32;
    const o = this.offset;
    let mh = u32[(o + MP_MEM_FIRST) >>> 2]!;
    while (mh !== 0) {
      const next = u32[(mh + MH_NEXT) >>> 2]!;
      const zone = `${MEMPOOL_MZ_PREFIX}${this.name}_${u32[(mh + MH_MZ) >>> 2]}`;
      if (memzoneLookup(zone) !== null) memzoneFree(zone);
      rteFree(mh);
      mh = next;
    }
    u32[(o + MP_MEM_FIRST) >>> 2] = 0;
    u32[(o + MP_MEM_LAST) >>> 2] = 0;
    u32[(o + MP_NB_MEM_CHUNKS) >>> 2] = 0;
    u32[(o + MP_ELT_FIRST) >>> 2] = 0;
    u32[(o + MP_ELT_LAST) >>> 2] = 0;
    u32[(o + MP_POPULATED_SIZE) >>> 2] = 0;
  }

  /** rte_mempool_free: the pool, its objects' memory and its backend. Handles elsewhere become invalid. */
  free(): void {
    const o = this.offset;
    const u32 = this.u32;
    if (u32[(o + MP_MAGIC) >>> 2] !== MEMPOOL_MAGIC || u32[(o + MP_STAMP) >>> 2] !== this.stamp) {
      fail('EINVAL', `mempool '${this.name}' was already freed`);
    }
    Atomics.store(u32, (o + MP_MAGIC) >>> 2, 0);
    this.freeMemChunks();
    if (this.flags & MEMPOOL_F_POOL_CREATED) opsByIndex(this.opsIndex).free(this.poolData, this.name);
    this.be = null;
    u32[(o + MP_STAMP) >>> 2] = 0;
    handles.delete(o);
    if (lastOff === o) {
      lastOff = -1;
      lastPool = null;
    }
    memzoneFree(MEMPOOL_MZ_PREFIX + this.name);
  }

  // ---- iteration ----

  /** rte_mempool_obj_iter: calls cb for every object (window offset) in creation order; returns the count. */
  objIter(cb: MempoolObjCb): number {
    const u32 = this.u32;
    let hdr = u32[(this.offset + MP_ELT_FIRST) >>> 2]!;
    let n = 0;
    while (hdr !== 0) {
      cb(this, hdr + this.objhdrSize, n++);
      hdr = u32[(hdr + OH_NEXT) >>> 2]!;
    }
    return n;
  }

  /** rte_mempool_mem_iter: calls cb for every memory chunk; returns the count. */
  memIter(cb: (mp: Mempool, chunk: MempoolMemChunk, idx: number) => void): number {
    const u32 = this.u32;
    let mh = u32[(this.offset + MP_MEM_FIRST) >>> 2]!;
    let n = 0;
    while (mh !== 0) {
      cb(this, { addr: u32[(mh + MH_ADDR) >>> 2]!, iova: this.w.u64[(mh + MH_IOVA) >>> 3]!, len: u32[(mh + MH_LEN) >>> 2]! }, n++);
      mh = u32[(mh + MH_NEXT) >>> 2]!;
    }
    return n;
  }

  // ---- data path ----

  /**
   * rte_mempool_get_bulk: all n objects (window offsets) into objs[0..n) or none. Returns 0, or -ENOENT
   * (-2) when the pool has fewer. Uses this lcore's cache (none for non-EAL threads). Fastest with a
   * burst array from eal.burstArray(); other Uint32Arrays go through a per-thread scratch array
   * (bursts over 2048 entries from such arrays are taken in 2048-entry pieces, still all-or-nothing).
   */
  getBulk(objs: Uint32Array, n: number): number {
    // Fast path, one kernel call: a known Memory array, this lcore's cache holds n.
    if (objs === this.gArr && n <= this.gLen && this.myCache >= 0 && this.kGet(this.myCache, this.gAddr, n) === 0) return 0;
    return this.getSlow(objs, n);
  }

  private getSlow(objs: Uint32Array, n: number): number {
    if (objs !== this.gArr) {
      this.gArr = objs;
      const mem = objs.buffer === this.buf;
      this.gAddr = mem ? objs.byteOffset : -1;
      this.gLen = mem ? objs.length : -1;
    }
    if (n <= this.gLen) return this.getAt(this.gAddr, n);
    return this.getForeign(objs, n);
  }

  /** rte_mempool_put_bulk: always succeeds. Same array rules as getBulk. */
  putBulk(objs: Uint32Array, n: number): void {
    if (objs === this.pArr && n <= this.pLen && this.myCache >= 0 && this.kPut(this.myCache, this.pAddr, n) === 0) return;
    this.putSlow(objs, n);
  }

  private putSlow(objs: Uint32Array, n: number): void {
    if (objs !== this.pArr) {
      this.pArr = objs;
      const mem = objs.buffer === this.buf;
      this.pAddr = mem ? objs.byteOffset : -1;
      this.pLen = mem ? objs.length : -1;
    }
    if (n >>> 0 !== n || n > objs.length) fail('EINVAL', `mempool '${this.name}' put_bulk: n ${n} is not a count within the array (${objs.length})`);
    if (this.pAddr >= 0) this.putAt(this.pAddr, n);
    else this.putForeign(objs, n);
  }

  /** rte_mempool_get: one object's window offset, or 0 when the pool is empty. */
  get(): number {
    // A cache hit of one object is cheaper in JS than a kernel call.
    const lc = lcoreId();
    if (lc < this.cacheLimit && !this.debug) {
      const ci = this.cacheIdx0 + lc * CACHE_STRIDE_U32;
      const len = this.u32[ci + C_LEN_U32]!;
      if (len !== 0) {
        this.u32[ci + C_LEN_U32] = len - 1;
        return this.u32[ci + C_OBJS_U32 + len - 1]!;
      }
    }
    return this.getAt(this.scratchAbs, 1) === 0 ? this.scratch[0]! : 0;
  }

  /** rte_mempool_put */
  put(obj: number): void {
    const lc = lcoreId();
    if (lc < this.cacheLimit && !this.debug) {
      const ci = this.cacheIdx0 + lc * CACHE_STRIDE_U32;
      const len = this.u32[ci + C_LEN_U32]!;
      if (len < this.u32[ci + C_THRESH_U32]!) {
        this.u32[ci + C_OBJS_U32 + len] = obj;
        this.u32[ci + C_LEN_U32] = len + 1;
        return;
      }
    }
    this.scratch[0] = obj;
    this.putAt(this.scratchAbs, 1);
  }

  /** get_bulk into the u32 array at Memory address `dst` (e.g. burst.byteOffset). */
  getAt(dst: number, n: number): number {
    if (n >>> 0 !== n) return -EINVAL;
    const lc = lcoreId();
    if (lc < this.cacheLimit && !this.debug && this.kGet(this.cache0Abs + lc * CACHE_STRIDE, dst, n) === 0) return 0;
    return this.getAtSlow(lc, dst, n);
  }

  private getAtSlow(lc: number, dst: number, n: number): number {
    let r: number;
    if (lc < this.cacheLimit) {
      const c = this.cache0Abs + lc * CACHE_STRIDE;
      if (this.kGet(c, dst, n) === 0) {
        if (this.debug) this.checkGet(dst, n);
        return 0;
      }
      r = this.getMiss(c, dst, n);
    } else {
      r = (this.be ?? this.backend()).dequeue(dst, n) === 0 ? 0 : -ENOENT;
    }
    if (r === 0 && this.debug) this.checkGet(dst, n);
    return r;
  }

  /** The 22.11 slow path: the cache had fewer than n. */
  private getMiss(c: number, dst: number, n: number): number {
    const be = this.be ?? this.backend();
    const lenIdx = (c - this.base + C_LEN) >>> 2;
    const u32 = this.u32;
    const len = u32[lenIdx]!;
    const objs = c + C_OBJS;
    // Hot objects first: everything the cache has.
    if (len !== 0) this.k.revCopy(dst, objs + len * 4, len);
    u32[lenIdx] = 0;
    const remaining = n - len;
    const rest = dst + len * 4;
    if (remaining <= CACHE_MAX_SIZE) {
      // Refill: cache_size + remaining from the backend, hand out the top `remaining`.
      const fill = this.cacheSize + remaining;
      if (be.dequeue(objs, fill) === 0) {
        this.k.revCopy(rest, objs + fill * 4, remaining);
        u32[lenIdx] = this.cacheSize;
        return 0;
      }
    }
    if (be.dequeue(rest, remaining) === 0) return 0;
    u32[lenIdx] = len; // the objects handed out from the cache are still there
    return -ENOENT;
  }

  /** put_bulk from the u32 array at Memory address `src`. */
  putAt(src: number, n: number): void {
    if (n >>> 0 !== n) fail('EINVAL', `mempool '${this.name}' put_bulk: invalid count ${n}`);
    if (this.debug) {
      this.putChecked(src, n);
      return;
    }
    this.putRaw(src, n);
  }

  private putRaw(src: number, n: number): void {
    const lc = lcoreId();
    if (lc < this.cacheLimit) {
      const c = this.cache0Abs + lc * CACHE_STRIDE;
      const r = this.kPut(c, src, n);
      if (r === 0) return;
      if (r === 1) {
        // Would cross flushthresh: flush the whole cache, then the cache holds the n objects.
        this.enqueue(c + C_OBJS, this.u32[(c - this.base + C_LEN) >>> 2]!);
        this.k.cacheSet(c, src, n);
        return;
      }
    }
    this.enqueue(src, n);
  }

  private enqueue(addr: number, n: number): void {
    if ((this.be ?? this.backend()).enqueue(addr, n) !== 0) {
      // More puts than gets: the backend is full. DPDK drops them silently; audit() reports it.
      Atomics.add(this.u32, (this.offset + MP_PUT_LOST) >>> 2, n);
    }
  }

  private getForeign(objs: Uint32Array, n: number): number {
    if (n >>> 0 !== n || n > objs.length) return -EINVAL;
    const s = this.scratch;
    let done = 0;
    while (done < n) {
      const c = n - done < SCRATCH_ENTRIES ? n - done : SCRATCH_ENTRIES;
      if (this.getAt(this.scratchAbs, c) !== 0) {
        this.putForeignRange(objs, 0, done);
        return -ENOENT;
      }
      for (let i = 0; i < c; i++) objs[done + i] = s[i]!;
      done += c;
    }
    return 0;
  }

  private putForeign(objs: Uint32Array, n: number): void {
    this.putForeignRange(objs, 0, n);
  }

  private putForeignRange(objs: Uint32Array, from: number, to: number): void {
    const s = this.scratch;
    while (from < to) {
      const c = to - from < SCRATCH_ENTRIES ? to - from : SCRATCH_ENTRIES;
      for (let i = 0; i < c; i++) s[i] = objs[from + i]!;
      this.putAt(this.scratchAbs, c);
      from += c;
    }
  }

  // ---- debug cookies (RTE_LIBRTE_MEMPOOL_DEBUG) ----

  private record(obj: number, kind: number): void {
    const u32 = this.u32;
    const o = this.offset;
    Atomics.add(u32, (o + MP_DBG_ERRORS) >>> 2, 1);
    Atomics.store(u32, (o + MP_DBG_OBJ) >>> 2, obj);
    Atomics.store(u32, (o + MP_DBG_KIND) >>> 2, kind);
    log.log(log.LogLevel.CRIT, LOG_MEMPOOL, `MEMPOOL: ${DBG_NAMES[kind]}: obj=0x${obj.toString(16)}, mempool=${this.name}\n`);
  }

  /** Objects handed out: header cookie "in pool" -> "out of pool"; trailers intact. */
  private checkGet(dst: number, n: number): void {
    const m = this.memU32;
    const u32 = this.u32;
    for (let i = 0; i < n; i++) {
      const obj = m[(dst >>> 2) + i]!;
      const hdr = obj - this.objhdrSize;
      const ck = (hdr + OH_COOKIE) >>> 2;
      if (u32[(hdr + OH_MP) >>> 2] !== this.offset) this.record(obj, DBG_FOREIGN);
      else if (u32[ck] !== COOKIE2_LO || u32[ck + 1] !== COOKIE2_HI) this.record(obj, DBG_GET_HEADER);
      u32[ck] = COOKIE1_LO;
      u32[ck + 1] = COOKIE1_HI;
      if (!this.trailerOk(obj)) this.record(obj, DBG_TRAILER);
    }
  }

  private trailerOk(obj: number): boolean {
    const t = (obj + this.eltSize) >>> 2;
    return this.u32[t] === TRAILER_LO && this.u32[t + 1] === TRAILER_HI;
  }

  /**
   * Debug put: an object already in the pool (double free), never handed out, or of another pool is
   * recorded and not put, so the pool stays consistent; audit() reports it. Overruns are recorded.
   */
  private putChecked(src: number, n: number): void {
    const m = this.memU32;
    const u32 = this.u32;
    const s = this.scratch;
    let i = 0;
    while (i < n) {
      let k = 0;
      for (; i < n && k < SCRATCH_ENTRIES; i++) {
        const obj = m[(src >>> 2) + i]!;
        const hdr = obj - this.objhdrSize;
        const ck = (hdr + OH_COOKIE) >>> 2;
        if (obj === 0 || obj >= this.w.size || u32[(hdr + OH_MP) >>> 2] !== this.offset) {
          this.record(obj, DBG_FOREIGN);
          continue;
        }
        if (u32[ck] !== COOKIE1_LO || u32[ck + 1] !== COOKIE1_HI) {
          this.record(obj, DBG_PUT_HEADER);
          continue;
        }
        if (!this.trailerOk(obj)) this.record(obj, DBG_TRAILER);
        u32[ck] = COOKIE2_LO;
        u32[ck + 1] = COOKIE2_HI;
        s[k++] = obj;
      }
      if (k > 0) this.putRaw(this.scratchAbs, k);
    }
  }

  // ---- counts ----

  /** Objects in the backend (rte_mempool_ops_get_count), caches excluded. */
  backendCount(): number {
    return (this.be ?? this.backend()).count();
  }

  /** Objects in lcore `lcore`'s cache. */
  cacheCount(lcore: number): number {
    if (this.cache0 === 0 || lcore >= MAX_LCORE) return 0;
    return this.u32[(this.cache0 + lcore * CACHE_STRIDE + C_LEN) >>> 2]!;
  }

  /** rte_mempool_avail_count: backend + every lcore cache, capped at size. */
  availCount(): number {
    let count = this.backendCount();
    if (this.cache0 !== 0) {
      const u32 = this.u32;
      for (let l = 0; l < MAX_LCORE; l++) count += u32[(this.cache0 + l * CACHE_STRIDE + C_LEN) >>> 2]!;
    }
    return count > this.size ? this.size : count;
  }

  /** rte_mempool_in_use_count */
  inUseCount(): number {
    return this.size - this.availCount();
  }

  /** rte_mempool_full */
  full(): boolean {
    return this.availCount() === this.size;
  }

  /** rte_mempool_empty */
  empty(): boolean {
    return this.availCount() === 0;
  }

  /** rte_mempool_cache_flush for this lcore's default cache (no-op without one). */
  cacheFlush(lcore = lcoreId()): void {
    if (this.cache0 === 0 || lcore >= MAX_LCORE) return;
    const c = this.cache0 + lcore * CACHE_STRIDE;
    const lenIdx = (c + C_LEN) >>> 2;
    this.enqueue(this.base + c + C_OBJS, this.u32[lenIdx]!);
    this.u32[lenIdx] = 0;
  }

  // ---- checks and dumps ----

  /**
   * rte_mempool_audit: cache lengths sane; with MEMPOOL_F_DEBUG also every object's cookies (a bad
   * trailer = buffer overrun) and the violations get/put recorded (double free, foreign object).
   * Throws TsdpdkError EFAULT listing what is wrong (DPDK panics).
   */
  audit(): void {
    const problems: string[] = [];
    const u32 = this.u32;
    const o = this.offset;
    if (this.cache0 !== 0) {
      for (let l = 0; l < MAX_LCORE; l++) {
        const len = this.cacheCount(l);
        if (len > CACHE_OBJS_MAX) problems.push(`badness on cache[${l}]: invalid cache len ${len}`);
      }
    }
    const lost = u32[(o + MP_PUT_LOST) >>> 2]!;
    if (lost !== 0) problems.push(`${lost} object(s) put while the pool was full (more puts than gets)`);
    if (this.debug) {
      const errors = u32[(o + MP_DBG_ERRORS) >>> 2]!;
      if (errors !== 0) {
        const obj = u32[(o + MP_DBG_OBJ) >>> 2]!;
        const kind = u32[(o + MP_DBG_KIND) >>> 2]!;
        problems.push(`${errors} cookie violation(s) on get/put, last: ${DBG_NAMES[kind]} obj=0x${obj.toString(16)}`);
      }
      const num = this.objIter((_mp, obj) => {
        const ck = (obj - this.objhdrSize + OH_COOKIE) >>> 2;
        const lo = u32[ck];
        const hi = u32[ck + 1];
        if (!(lo === COOKIE1_LO && hi === COOKIE1_HI) && !(lo === COOKIE2_LO && hi === COOKIE2_HI)) {
          problems.push(`bad header cookie (audit): obj=0x${obj.toString(16)} cookie=0x${(hi ?? 0).toString(16)}${(lo ?? 0).toString(16).padStart(8, '0')}`);
        }
        if (!this.trailerOk(obj)) problems.push(`bad trailer cookie (buffer overrun): obj=0x${obj.toString(16)}`);
      });
      if (num !== this.size) problems.push(`obj_iter iterated only over ${num} of ${this.size} elements`);
    }
    if (problems.length > 0) fail('EFAULT', `mempool '${this.name}' audit failed: ${problems.join('; ')}`);
  }

  /** rte_mempool_dump's text. */
  dump(): string {
    const o = this.offset;
    const lines = [
      `mempool <${this.name}>@0x${o.toString(16)}`,
      `  flags=${this.flags.toString(16)}`,
      `  socket_id=${this.socketId}`,
      `  pool=0x${this.poolData.toString(16)}`,
      `  iova=0x${virt2iova(o).toString(16)}`,
      `  nb_mem_chunks=${this.nbMemChunks}`,
      `  size=${this.size}`,
      `  populated_size=${this.populatedSize}`,
      `  header_size=${this.headerSize}`,
      `  elt_size=${this.eltSize}`,
      `  trailer_size=${this.trailerSize}`,
      `  total_obj_size=${this.totalEltSize}`,
      `  private_data_size=${this.privateDataSize}`,
      `  ops_index=${this.opsIndex}`,
      `  ops_name: <${this.opsName}>`,
    ];
    let memLen = 0;
    this.memIter((_mp, c) => {
      memLen += c.len;
    });
    if (memLen !== 0) lines.push(`  avg bytes/object=${(memLen / this.size).toFixed(6)}`);
    lines.push('  internal cache infos:', `    cache_size=${this.cacheSize}`);
    let cacheCount = 0;
    if (this.cacheSize !== 0) {
      for (let l = 0; l < MAX_LCORE; l++) {
        const c = this.cacheCount(l);
        lines.push(`    cache_count[${l}]=${c}`);
        cacheCount += c;
      }
      lines.push(`    total_cache_count=${cacheCount}`);
    }
    let common = this.flags & MEMPOOL_F_POOL_CREATED ? this.backendCount() : 0;
    if (cacheCount + common > this.size) common = this.size - cacheCount;
    lines.push(`  common_pool_count=${common}`, '  no statistics available');
    return lines.join('\n') + '\n';
  }
}

/** Every mempool, in memzone order (rte_mempool_walk), for telemetry and dumps. */
export function mempoolList(): Mempool[] {
  const w = sharedWindow();
  const out: Mempool[] = [];
  for (const z of memzoneList()) {
    if (!z.name.startsWith(MEMPOOL_MZ_PREFIX)) continue;
    if (Atomics.load(w.u32, (z.offset + MP_MAGIC) >>> 2) !== MEMPOOL_MAGIC) continue;
    const mp = handleFor(z.offset);
    if (MEMPOOL_MZ_PREFIX + mp.name === z.name) out.push(mp);
  }
  return out;
}

/** rte_mempool_walk */
export function mempoolWalk(fn: (mp: Mempool) => void): void {
  for (const mp of mempoolList()) fn(mp);
}

/** rte_mempool_list_dump */
export function mempoolListDump(): string {
  return mempoolList().map((mp) => mp.dump()).join('');
}
