// rte_ring over the shared window. The ring (header + slots) lives in a memzone named RG_<name>, so
// any lcore or secondary process finds it by name; a Ring object is only this thread's handle to it.
// Every enqueue/dequeue is one call into a Wasm kernel (head move, copy with wraparound, tail update).
// Objects are u32 values (window offsets in practice), elements are esize bytes (a multiple of 4).

import {
  fail, memzoneFree, memzoneLookup, memzoneReserve, sharedWindow, SOCKET_ID_ANY, TsdpdkError, type SharedWindow,
} from '../eal/index.js';
import { MEMZONE_SLOT_SIZE, MEMZONE_TABLE_BASE } from '../eal/layout.js';
import {
  ENOBUFS, HEADER_SIZE, HT_HEAD, HT_HTD_MAX, HT_RTS_HEAD_CNT, HT_SYNC, HT_TAIL, HTD_MAX_DEF, R_CAPACITY, R_CONS, R_ESIZE,
  R_FLAGS, R_MAGIC, R_MASK, R_MEMZONE, R_NAME, R_PROD, R_SIZE, RING_F_EXACT_SZ, RING_F_MASK, RING_F_MC_HTS_DEQ,
  RING_F_MC_RTS_DEQ, RING_F_MP_HTS_ENQ, RING_F_MP_RTS_ENQ, RING_F_SC_DEQ, RING_F_SP_ENQ, RING_MAGIC, RING_MZ_PREFIX,
  RING_NAMESIZE, RING_SZ_MASK, SYNC_MT, SYNC_MT_HTS, SYNC_MT_RTS, SYNC_NAMES, SYNC_ST, VARIABLE, type RingSyncType,
} from './constants.js';
import { outWords, threadKernels, type RingKernels } from './kernel.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const CACHE_LINE = 64;
const PROD_SIDE = 0;
const CONS_SIDE = 1;

/**
 * rte_ring_zc_data: where a zero-copy start reserved its entries, as window offsets. ptr2 is 0 unless
 * the reservation wraps around the end of the ring (then n1 entries are at ptr1, the rest at ptr2).
 * Allocate one at set-up and pass it to every zero-copy start.
 */
export class RingZcData {
  ptr1 = 0;
  ptr2 = 0;
  n1 = 0;
}

function isPow2(x: number): boolean {
  return x > 0 && (x & (x - 1)) === 0;
}

function encodeName(name: string, what: string): Uint8Array {
  const b = enc.encode(name);
  if (b.length === 0) fail('EINVAL', `${what}: empty ring name`);
  if (b.length >= RING_NAMESIZE) fail('ENAMETOOLONG', `${what}: ring name '${name}' is longer than ${RING_NAMESIZE - 1} bytes`);
  return b;
}

/** get_sync_type: producer and consumer sync types from the flags (EINVAL on conflicting flags). */
function syncTypes(flags: number, what: string): [number, number] {
  let prod: number;
  switch (flags & (RING_F_SP_ENQ | RING_F_MP_RTS_ENQ | RING_F_MP_HTS_ENQ)) {
    case 0: prod = SYNC_MT; break;
    case RING_F_SP_ENQ: prod = SYNC_ST; break;
    case RING_F_MP_RTS_ENQ: prod = SYNC_MT_RTS; break;
    case RING_F_MP_HTS_ENQ: prod = SYNC_MT_HTS; break;
    default: fail('EINVAL', `${what}: conflicting producer flags 0x${flags.toString(16)} (SP_ENQ, MP_RTS_ENQ and MP_HTS_ENQ are exclusive)`);
  }
  let cons: number;
  switch (flags & (RING_F_SC_DEQ | RING_F_MC_RTS_DEQ | RING_F_MC_HTS_DEQ)) {
    case 0: cons = SYNC_MT; break;
    case RING_F_SC_DEQ: cons = SYNC_ST; break;
    case RING_F_MC_RTS_DEQ: cons = SYNC_MT_RTS; break;
    case RING_F_MC_HTS_DEQ: cons = SYNC_MT_HTS; break;
    default: fail('EINVAL', `${what}: conflicting consumer flags 0x${flags.toString(16)} (SC_DEQ, MC_RTS_DEQ and MC_HTS_DEQ are exclusive)`);
  }
  return [prod, cons];
}

function checkFlags(flags: number, what: string): void {
  if (!Number.isInteger(flags) || flags < 0 || (flags & ~RING_F_MASK) !== 0) fail('EINVAL', `${what}: unsupported flags 0x${(flags >>> 0).toString(16)}`);
}

/** Slot count for a requested count: count itself (power of two), or with EXACT_SZ the next power of two above count. */
function slotCount(count: number, flags: number, what: string): number {
  if (!Number.isInteger(count) || count <= 0) fail('EINVAL', `${what}: invalid count ${count}`);
  if (flags & RING_F_EXACT_SZ) {
    let s = 1;
    while (s < count + 1) s *= 2;
    if (s > RING_SZ_MASK) fail('EINVAL', `${what}: count ${count} is too large for an exact-size ring (at most ${(RING_SZ_MASK + 1) / 2 - 1})`);
    return s;
  }
  if (!isPow2(count) || count > RING_SZ_MASK) {
    fail('EINVAL', `${what}: requested size ${count} is invalid, must be a power of 2 and not exceed the size limit ${RING_SZ_MASK}`);
  }
  return count;
}

function checkEsize(esize: number, what: string): void {
  if (!Number.isInteger(esize) || esize <= 0 || esize % 4 !== 0) fail('EINVAL', `${what}: element size ${esize} is not a positive multiple of 4`);
}

function checkPlace(w: SharedWindow, offset: number, bytes: number, what: string): void {
  if (!Number.isInteger(offset) || offset <= 0 || offset % CACHE_LINE !== 0) {
    fail('EINVAL', `${what}: ring offset ${offset} is not a cache-line aligned window offset`);
  }
  if (offset + bytes > w.size) fail('EINVAL', `${what}: ring at 0x${offset.toString(16)} (${bytes} bytes) does not fit in the shared window`);
}

function readName(w: SharedWindow, offset: number): string | null {
  const u8 = w.u8;
  let end = offset + R_NAME;
  while (end < offset + RING_NAMESIZE && u8[end] !== 0) end++;
  if (end === offset + RING_NAMESIZE || end === offset) return null;
  return dec.decode(u8.slice(offset, end));
}

/** rte_ring_get_memsize_elem: bytes for a ring of `count` slots (power of two) of `esize` bytes. */
function memsizeOf(count: number, esize: number, what: string): number {
  checkEsize(esize, what);
  if (!Number.isInteger(count) || !isPow2(count) || count > RING_SZ_MASK) {
    fail('EINVAL', `${what}: requested number of elements ${count} is invalid, must be a power of 2 and not exceed ${RING_SZ_MASK}`);
  }
  return Math.ceil((HEADER_SIZE + count * esize) / CACHE_LINE) * CACHE_LINE;
}

/** rte_ring_init's work on the header; the caller has checked the placement. */
function writeHeader(w: SharedWindow, offset: number, nameBytes: Uint8Array, size: number, capacity: number, flags: number, esize: number, prod: number, cons: number, memzoneSlot: number): void {
  const u32 = w.u32;
  w.u8.fill(0, offset, offset + HEADER_SIZE);
  w.u8.set(nameBytes, offset + R_NAME);
  u32[(offset + R_FLAGS) >>> 2] = flags;
  w.u64[(offset + R_MEMZONE) >>> 3] = BigInt(memzoneSlot);
  u32[(offset + R_SIZE) >>> 2] = size;
  u32[(offset + R_MASK) >>> 2] = size - 1;
  u32[(offset + R_CAPACITY) >>> 2] = capacity;
  u32[(offset + R_ESIZE) >>> 2] = esize;
  u32[(offset + R_PROD + HT_SYNC) >>> 2] = prod;
  u32[(offset + R_CONS + HT_SYNC) >>> 2] = cons;
  if (prod === SYNC_MT_RTS) u32[(offset + R_PROD + HT_HTD_MAX) >>> 2] = Math.floor(capacity / HTD_MAX_DEF);
  if (cons === SYNC_MT_RTS) u32[(offset + R_CONS + HT_HTD_MAX) >>> 2] = Math.floor(capacity / HTD_MAX_DEF);
  // Published last: lookup/attach treat a header without it as not (yet) a ring.
  Atomics.store(u32, (offset + R_MAGIC) >>> 2, RING_MAGIC);
}

function initRing(w: SharedWindow, offset: number, name: string, count: number, flags: number, esize: number, memzoneSlot: number, what: string): void {
  checkFlags(flags, what);
  const nb = encodeName(name, what);
  const [prod, cons] = syncTypes(flags, what);
  checkEsize(esize, what);
  const size = slotCount(count, flags, what);
  const capacity = flags & RING_F_EXACT_SZ ? count : size - 1;
  checkPlace(w, offset, memsizeOf(size, esize, what), what);
  writeHeader(w, offset, nb, size, capacity, flags, esize, prod, cons, memzoneSlot);
}

/** Why the header at `offset` is not a valid ring, or null. */
function headerProblem(w: SharedWindow, offset: number): string | null {
  if (!Number.isInteger(offset) || offset <= 0 || offset % CACHE_LINE !== 0 || offset + HEADER_SIZE > w.size) {
    return `offset ${offset} is not a cache-line aligned window offset with room for a ring header`;
  }
  const u32 = w.u32;
  const o = offset >>> 2;
  if (Atomics.load(u32, (offset + R_MAGIC) >>> 2) !== RING_MAGIC) return 'no ring header there';
  if (readName(w, offset) === null) return 'bad ring name';
  const flags = u32[o + (R_FLAGS >>> 2)]!;
  const size = u32[o + (R_SIZE >>> 2)]!;
  const mask = u32[o + (R_MASK >>> 2)]!;
  const capacity = u32[o + (R_CAPACITY >>> 2)]!;
  const esize = u32[o + (R_ESIZE >>> 2)]!;
  if ((flags & ~RING_F_MASK) !== 0) return `bad flags 0x${flags.toString(16)}`;
  if (!isPow2(size) || size > RING_SZ_MASK + 1 || mask !== size - 1 || capacity > mask || capacity === 0) return `bad size ${size}/mask ${mask}/capacity ${capacity}`;
  if (esize === 0 || esize % 4 !== 0) return `bad element size ${esize}`;
  if (offset + HEADER_SIZE + size * esize > w.size) return 'ring slots run past the shared window';
  let sync: [number, number];
  try {
    sync = syncTypes(flags, 'attach');
  } catch {
    return `bad flags 0x${flags.toString(16)}`;
  }
  if (u32[o + ((R_PROD + HT_SYNC) >>> 2)] !== sync[0] || u32[o + ((R_CONS + HT_SYNC) >>> 2)] !== sync[1]) return 'sync types do not match the flags';
  return null;
}

function checkPeek(sync: number, side: string): void {
  if (sync !== SYNC_ST && sync !== SYNC_MT_HTS) {
    fail('ENOTSUP', `ring peek API: the ${side} sync type is ${SYNC_NAMES[sync]}; peek needs ST (SP/SC) or MT_HTS`);
  }
}

export class Ring {
  readonly name: string;
  /** Window offset of the ring header. */
  readonly offset: number;
  /** Slots (a power of two). */
  readonly size: number;
  readonly mask: number;
  /** Usable entries: size - 1, or the requested count with RING_F_EXACT_SZ. */
  readonly capacity: number;
  readonly esize: number;
  readonly flags: number;
  readonly prodSync: RingSyncType;
  readonly consSync: RingSyncType;
  /**
   * free_space out-value of the last enqueue call on this ring from this thread. The kernel leaves it
   * in this (thread, ring)'s out words and it is read only when asked for: copying it into the handle
   * after every call cost ~1 ns per call (measured).
   */
  get freeSpace(): number {
    return this.mem[this.outIdx]!;
  }

  /** available out-value of the last dequeue call on this ring from this thread (see freeSpace). */
  get available(): number {
    return this.mem[this.outDIdx]!;
  }

  // Data-path state, all numbers and typed arrays so calls allocate nothing.
  private readonly w: SharedWindow;
  private readonly buf: SharedArrayBuffer;
  private readonly mem: Uint32Array;
  private readonly addr: number; // absolute Memory address of the header
  private readonly words: number; // u32 words per element
  private readonly prodMode: number;
  private readonly consMode: number;
  private readonly out: number;
  private readonly outIdx: number;
  private readonly outD: number; // dequeue side's out words: [0] available, [1] object or head
  private readonly outDIdx: number;
  private readonly kEnq: RingKernels['enqueue'];
  private readonly kDeq: RingKernels['dequeue'];
  private readonly kEnq1: RingKernels['enqueue1'];
  private readonly kDeq1: RingKernels['dequeue1'];
  private readonly kProdStart: RingKernels['prodStart'];
  private readonly kConsStart: RingKernels['consStart'];
  private readonly kCommit: RingKernels['commit'];
  private readonly kFinish: RingKernels['finish'];
  private readonly ptIdx: number; // u32 indices of the tails in w.u32
  private readonly ctIdx: number;
  private readonly slotIdx: number; // u32 index of slot 0
  // Last array passed to an enqueue / a dequeue: .buffer and .byteOffset of a typed array over the
  // Memory's (growable) SharedArrayBuffer are not inlined by V8 (~15 ns each), so look them up once.
  private eArr: Uint32Array | null = null;
  private eAddr = -1; // Memory address of eArr, or -1 when it is not over the Memory
  private eMax = 0; // elements that fit in eArr (-1 when it is not over the Memory: always the slow path)
  private dArr: Uint32Array | null = null;
  private dAddr = -1;
  private dMax = 0;

  private constructor(w: SharedWindow, offset: number) {
    const u32 = w.u32;
    const o = offset >>> 2;
    this.w = w;
    this.offset = offset;
    this.name = readName(w, offset)!;
    this.flags = u32[o + (R_FLAGS >>> 2)]!;
    this.size = u32[o + (R_SIZE >>> 2)]!;
    this.mask = u32[o + (R_MASK >>> 2)]!;
    this.capacity = u32[o + (R_CAPACITY >>> 2)]!;
    this.esize = u32[o + (R_ESIZE >>> 2)]!;
    this.prodMode = u32[o + ((R_PROD + HT_SYNC) >>> 2)]!;
    this.consMode = u32[o + ((R_CONS + HT_SYNC) >>> 2)]!;
    this.prodSync = SYNC_NAMES[this.prodMode]!;
    this.consSync = SYNC_NAMES[this.consMode]!;
    this.buf = w.buffer;
    this.mem = w.memU32;
    this.addr = w.base + offset;
    this.words = this.esize >>> 2;
    const b = threadKernels(w);
    const out = outWords(b, offset);
    this.out = out;
    this.outIdx = out >>> 2;
    this.outD = out + 8;
    this.outDIdx = (out + 8) >>> 2;
    this.kEnq = b.k.enqueue;
    this.kDeq = b.k.dequeue;
    this.kEnq1 = b.k.enqueue1;
    this.kDeq1 = b.k.dequeue1;
    this.kProdStart = b.k.prodStart;
    this.kConsStart = b.k.consStart;
    this.kCommit = b.k.commit;
    this.kFinish = b.k.finish;
    this.ptIdx = (offset + R_PROD + HT_TAIL) >>> 2;
    this.ctIdx = (offset + R_CONS + HT_TAIL) >>> 2;
    this.slotIdx = (offset + HEADER_SIZE) >>> 2;
  }

  // ---- control path ----

  /**
   * rte_ring_create_elem: a ring of `count` entries (power of two, capacity count - 1; with
   * RING_F_EXACT_SZ any count, capacity count) of `esize`-byte elements in memzone RG_<name>.
   */
  static create(name: string, count: number, socketId: number = SOCKET_ID_ANY, flags = 0, esize = 4): Ring {
    const what = 'rte_ring_create';
    checkFlags(flags, what);
    encodeName(name, what);
    syncTypes(flags, what);
    checkEsize(esize, what);
    const bytes = memsizeOf(slotCount(count, flags, what), esize, what);
    let z;
    try {
      z = memzoneReserve(RING_MZ_PREFIX + name, bytes, socketId, 0, CACHE_LINE);
    } catch (e) {
      if (e instanceof TsdpdkError && e.code === 'EEXIST') fail('EEXIST', `${what}: a ring (memzone ${RING_MZ_PREFIX}${name}) named '${name}' already exists`);
      throw e;
    }
    const w = sharedWindow();
    initRing(w, z.offset, name, count, flags, esize, MEMZONE_TABLE_BASE + z.id * MEMZONE_SLOT_SIZE, what);
    return new Ring(w, z.offset);
  }

  /** rte_ring_lookup: the ring named `name` (created by any lcore or process); ENOENT when there is none. */
  static lookup(name: string): Ring {
    const z = memzoneLookup(RING_MZ_PREFIX + name);
    const w = sharedWindow();
    if (z === null || headerProblem(w, z.offset) !== null || readName(w, z.offset) !== name) {
      fail('ENOENT', `rte_ring_lookup: no ring named '${name}'`);
    }
    return new Ring(w, z.offset);
  }

  /** A handle for the ring header at window offset `offset` (e.g. a ring made with Ring.init); EINVAL if none is there. */
  static attach(offset: number): Ring {
    const w = sharedWindow();
    const p = headerProblem(w, offset);
    if (p !== null) fail('EINVAL', `ring attach at window offset ${offset}: ${p}`);
    return new Ring(w, offset);
  }

  /** rte_ring_get_memsize_elem: bytes needed for `count` slots (a power of two) of `esize` bytes. */
  static memsize(count: number, esize = 4): number {
    return memsizeOf(count, esize, 'rte_ring_get_memsize_elem');
  }

  /**
   * rte_ring_init in caller-provided shared memory at window offset `offset` (cache-line aligned, at
   * least memsize bytes). Such a ring is not registered: lookup() does not find it and free() refuses it.
   */
  static init(offset: number, name: string, count: number, flags = 0, esize = 4): Ring {
    const w = sharedWindow();
    initRing(w, offset, name, count, flags, esize, 0, 'rte_ring_init');
    return new Ring(w, offset);
  }

  /** rte_ring_free: releases a ring made by create() (its memzone). Every handle to it becomes invalid. */
  free(): void {
    const w = this.w;
    if (w.u64[(this.offset + R_MEMZONE) >>> 3] === 0n) fail('EINVAL', `rte_ring_free '${this.name}': cannot free a ring not created with Ring.create()`);
    if (Atomics.compareExchange(w.u32, (this.offset + R_MAGIC) >>> 2, RING_MAGIC, 0) !== RING_MAGIC) {
      fail('EINVAL', `rte_ring_free '${this.name}': the ring was already freed`);
    }
    memzoneFree(RING_MZ_PREFIX + this.name);
  }

  /** rte_ring_reset: empties the ring. Not thread-safe (no enqueue/dequeue may run meanwhile). */
  reset(): void {
    for (const side of [R_PROD, R_CONS]) {
      const o = this.offset + side;
      const u32 = this.w.u32;
      Atomics.store(u32, (o + HT_HEAD) >>> 2, 0);
      Atomics.store(u32, (o + HT_TAIL) >>> 2, 0);
      if (u32[(o + HT_SYNC) >>> 2] === SYNC_MT_RTS) {
        Atomics.store(u32, (o + HT_RTS_HEAD_CNT) >>> 2, 0);
        Atomics.store(u32, (o + HT_RTS_HEAD_CNT + 4) >>> 2, 0);
      }
    }
  }

  /** rte_ring_dump's text (the address is the window offset). */
  dump(): string {
    const u32 = this.w.u32;
    const f = (side: number, field: number) => u32[(this.offset + side + field) >>> 2]!;
    return `ring <${this.name}>@0x${this.offset.toString(16)}\n` +
      `  flags=${this.flags.toString(16)}\n` +
      `  size=${this.size}\n` +
      `  capacity=${this.capacity}\n` +
      `  ct=${f(R_CONS, HT_TAIL)}\n` +
      `  ch=${f(R_CONS, HT_HEAD)}\n` +
      `  pt=${f(R_PROD, HT_TAIL)}\n` +
      `  ph=${f(R_PROD, HT_HEAD)}\n` +
      `  used=${this.count()}\n` +
      `  avail=${this.freeCount()}\n`;
  }

  /** rte_ring_get_prod_htd_max: the RTS producer's max head/tail distance (0xffffffff when not RTS). */
  getProdHtdMax(): number {
    return this.prodMode === SYNC_MT_RTS ? this.w.u32[(this.offset + R_PROD + HT_HTD_MAX) >>> 2]! : 0xffffffff;
  }

  getConsHtdMax(): number {
    return this.consMode === SYNC_MT_RTS ? this.w.u32[(this.offset + R_CONS + HT_HTD_MAX) >>> 2]! : 0xffffffff;
  }

  /** rte_ring_set_prod_htd_max (RTS producers only, else ENOTSUP). */
  setProdHtdMax(v: number): void {
    if (this.prodMode !== SYNC_MT_RTS) fail('ENOTSUP', `rte_ring_set_prod_htd_max '${this.name}': producer sync type is ${this.prodSync}, not MT_RTS`);
    Atomics.store(this.w.u32, (this.offset + R_PROD + HT_HTD_MAX) >>> 2, v >>> 0);
  }

  setConsHtdMax(v: number): void {
    if (this.consMode !== SYNC_MT_RTS) fail('ENOTSUP', `rte_ring_set_cons_htd_max '${this.name}': consumer sync type is ${this.consSync}, not MT_RTS`);
    Atomics.store(this.w.u32, (this.offset + R_CONS + HT_HTD_MAX) >>> 2, v >>> 0);
  }

  // ---- queries ----

  /** rte_ring_count */
  count(): number {
    const c = (this.w.u32[this.ptIdx]! - this.w.u32[this.ctIdx]!) & this.mask;
    return c > this.capacity ? this.capacity : c;
  }

  /** rte_ring_free_count */
  freeCount(): number {
    return this.capacity - this.count();
  }

  full(): boolean {
    return this.freeCount() === 0;
  }

  empty(): boolean {
    return this.w.u32[this.ptIdx] === this.w.u32[this.ctIdx];
  }

  // ---- data path: enqueue ----

  /** All n elements or none; returns n or 0. `objs` holds n * esize / 4 words. */
  enqueueBulk(objs: Uint32Array, n: number): number {
    return this.enq(objs, n, this.prodMode);
  }

  /** As many of n as fit; returns the count enqueued. */
  enqueueBurst(objs: Uint32Array, n: number): number {
    return this.enq(objs, n, this.prodMode | VARIABLE);
  }

  mpEnqueueBulk(objs: Uint32Array, n: number): number {
    return this.enq(objs, n, SYNC_MT);
  }

  spEnqueueBulk(objs: Uint32Array, n: number): number {
    return this.enq(objs, n, SYNC_ST);
  }

  mpEnqueueBurst(objs: Uint32Array, n: number): number {
    return this.enq(objs, n, SYNC_MT | VARIABLE);
  }

  spEnqueueBurst(objs: Uint32Array, n: number): number {
    return this.enq(objs, n, SYNC_ST | VARIABLE);
  }

  /**
   * enqueueBulk from the object array at absolute Memory address `memAddr` (window base + offset, or a
   * burst array's byteOffset). Not bounds-checked: n * esize bytes must be there, as in C.
   */
  enqueueBulkAt(memAddr: number, n: number): number {
    const r = this.kEnq(this.addr, memAddr, n, this.prodMode, this.out);
    return r;
  }

  enqueueBurstAt(memAddr: number, n: number): number {
    const r = this.kEnq(this.addr, memAddr, n, this.prodMode | VARIABLE, this.out);
    return r;
  }

  /** rte_ring_enqueue (esize-4 rings): 0, or -ENOBUFS (-105) when full. */
  enqueue(obj: number): number {
    return this.enq1(obj, this.prodMode);
  }

  mpEnqueue(obj: number): number {
    return this.enq1(obj, SYNC_MT);
  }

  spEnqueue(obj: number): number {
    return this.enq1(obj, SYNC_ST);
  }

  // ---- data path: dequeue ----

  dequeueBulk(objs: Uint32Array, n: number): number {
    return this.deq(objs, n, this.consMode);
  }

  dequeueBurst(objs: Uint32Array, n: number): number {
    return this.deq(objs, n, this.consMode | VARIABLE);
  }

  mcDequeueBulk(objs: Uint32Array, n: number): number {
    return this.deq(objs, n, SYNC_MT);
  }

  scDequeueBulk(objs: Uint32Array, n: number): number {
    return this.deq(objs, n, SYNC_ST);
  }

  mcDequeueBurst(objs: Uint32Array, n: number): number {
    return this.deq(objs, n, SYNC_MT | VARIABLE);
  }

  scDequeueBurst(objs: Uint32Array, n: number): number {
    return this.deq(objs, n, SYNC_ST | VARIABLE);
  }

  /** dequeueBulk into the array at absolute Memory address `memAddr` (not bounds-checked, like enqueueBulkAt). */
  dequeueBulkAt(memAddr: number, n: number): number {
    const r = this.kDeq(this.addr, memAddr, n, this.consMode, this.outD);
    return r;
  }

  dequeueBurstAt(memAddr: number, n: number): number {
    const r = this.kDeq(this.addr, memAddr, n, this.consMode | VARIABLE, this.outD);
    return r;
  }

  /**
   * rte_ring_dequeue (esize-4 rings): the object, or -1 when the ring is empty. Objects are u32 window
   * offsets/indices returned as non-negative numbers, so -1 is never an object.
   */
  dequeue(): number {
    return this.deq1(this.consMode);
  }

  mcDequeue(): number {
    return this.deq1(SYNC_MT);
  }

  scDequeue(): number {
    return this.deq1(SYNC_ST);
  }

  // ---- peek API (rte_ring_peek.h): ST or MT_HTS rings only ----

  /** Reserves n entries (all or none) for a later enqueueFinish; returns n or 0. */
  enqueueBulkStart(n: number): number {
    return this.prodStart(n, this.prodMode);
  }

  enqueueBurstStart(n: number): number {
    return this.prodStart(n, this.prodMode | VARIABLE);
  }

  /** Writes n objects into the reserved entries and publishes them; n may be less than reserved (0 cancels). */
  enqueueFinish(objs: Uint32Array, n: number): void {
    checkPeek(this.prodMode, 'producer');
    if (objs.buffer === this.buf && n >= 0 && n * this.words <= objs.length) {
      this.kFinish(this.addr, PROD_SIDE, objs.byteOffset, n);
      return;
    }
    this.checkArray(objs, n, 'enqueueFinish');
    // JS copy into the reserved slots (the tail is where the reservation starts), then publish.
    const u32 = this.w.u32;
    const tail = u32[this.ptIdx]!;
    if (((u32[(this.offset + R_PROD + HT_HEAD) >>> 2]! - tail) >>> 0) >= n) this.copyToSlots(objs, tail, n);
    this.kFinish(this.addr, PROD_SIDE, 0, n);
  }

  /** enqueueFinish from the object array at absolute Memory address `memAddr`. */
  enqueueFinishAt(memAddr: number, n: number): void {
    checkPeek(this.prodMode, 'producer');
    this.kFinish(this.addr, PROD_SIDE, memAddr, n);
  }

  /** Copies n entries (all or none) to objs without releasing them; dequeueFinish(k) releases k of them. */
  dequeueBulkStart(objs: Uint32Array, n: number): number {
    return this.consStart(objs, n, this.consMode);
  }

  dequeueBurstStart(objs: Uint32Array, n: number): number {
    return this.consStart(objs, n, this.consMode | VARIABLE);
  }

  dequeueBulkStartAt(memAddr: number, n: number): number {
    checkPeek(this.consMode, 'consumer');
    const r = this.kConsStart(this.addr, memAddr, n, this.consMode, this.outD);
    return r;
  }

  dequeueBurstStartAt(memAddr: number, n: number): number {
    checkPeek(this.consMode, 'consumer');
    const r = this.kConsStart(this.addr, memAddr, n, this.consMode | VARIABLE, this.outD);
    return r;
  }

  /** Releases n of the entries read by the last dequeue start (0 leaves them all in the ring). */
  dequeueFinish(n: number): void {
    checkPeek(this.consMode, 'consumer');
    this.kFinish(this.addr, CONS_SIDE, 0, n);
  }

  // ---- zero-copy peek API (rte_ring_peek_zc.h): ST or MT_HTS rings only ----

  /** Reserves n entries (all or none); zcd tells where to write them (window offsets). Then enqueueZcFinish. */
  enqueueZcBulkStart(n: number, zcd: RingZcData): number {
    return this.zc(this.prodStart(n, this.prodMode), zcd, this.outIdx + 1);
  }

  enqueueZcBurstStart(n: number, zcd: RingZcData): number {
    return this.zc(this.prodStart(n, this.prodMode | VARIABLE), zcd, this.outIdx + 1);
  }

  enqueueZcFinish(n: number): void {
    checkPeek(this.prodMode, 'producer');
    this.kFinish(this.addr, PROD_SIDE, 0, n);
  }

  /** Reserves n entries (all or none) for reading in place at zcd; then dequeueZcFinish. */
  dequeueZcBulkStart(n: number, zcd: RingZcData): number {
    checkPeek(this.consMode, 'consumer');
    const r = this.kConsStart(this.addr, 0, n, this.consMode, this.outD);
    return this.zc(r, zcd, this.outDIdx + 1);
  }

  dequeueZcBurstStart(n: number, zcd: RingZcData): number {
    checkPeek(this.consMode, 'consumer');
    const r = this.kConsStart(this.addr, 0, n, this.consMode | VARIABLE, this.outD);
    return this.zc(r, zcd, this.outDIdx + 1);
  }

  dequeueZcFinish(n: number): void {
    this.dequeueFinish(n);
  }

  // ---- internals ----

  // mode = sync type | VARIABLE (burst).
  private enq(objs: Uint32Array, n: number, mode: number): number {
    if (objs !== this.eArr) this.learnEnq(objs);
    if (!(n >= 0 && n <= this.eMax)) return this.enqSlow(objs, n, mode);
    const r = this.kEnq(this.addr, this.eAddr, n, mode, this.out);
    return r;
  }

  private deq(objs: Uint32Array, n: number, mode: number): number {
    if (objs !== this.dArr) this.learnDeq(objs);
    if (!(n >= 0 && n <= this.dMax)) return this.deqSlow(objs, n, mode);
    const r = this.kDeq(this.addr, this.dAddr, n, mode, this.outD);
    return r;
  }

  private enq1(obj: number, mode: number): number {
    if (this.words !== 1) this.notSingle('enqueue');
    const r = this.kEnq1(this.addr, obj, mode, this.out);
    return r === 0 ? -ENOBUFS : 0;
  }

  private deq1(mode: number): number {
    if (this.words !== 1) this.notSingle('dequeue');
    const r = this.kDeq1(this.addr, mode, this.outD);
    return r === 0 ? -1 : this.mem[this.outDIdx + 1]!;
  }

  private learnEnq(objs: Uint32Array): void {
    this.eArr = objs;
    this.eAddr = objs.buffer === this.buf ? objs.byteOffset : -1;
    this.eMax = this.eAddr < 0 ? -1 : Math.floor(objs.length / this.words);
  }

  private learnDeq(objs: Uint32Array): void {
    this.dArr = objs;
    this.dAddr = objs.buffer === this.buf ? objs.byteOffset : -1;
    this.dMax = this.dAddr < 0 ? -1 : Math.floor(objs.length / this.words);
  }

  /** An array outside the Memory: move the head in Wasm, copy in JS, publish the tail in Wasm. */
  private enqSlow(objs: Uint32Array, n: number, mode: number): number {
    this.checkArray(objs, n, 'enqueue');
    const r = this.kProdStart(this.addr, n, mode, this.out);
    if (r !== 0) {
      const head = this.mem[this.outIdx + 1]!;
      this.copyToSlots(objs, head, r);
      this.kCommit(this.addr, PROD_SIDE, head, r, mode);
    }
    return r;
  }

  private deqSlow(objs: Uint32Array, n: number, mode: number): number {
    this.checkArray(objs, n, 'dequeue');
    const r = this.kConsStart(this.addr, 0, n, mode, this.outD);
    if (r !== 0) {
      const head = this.mem[this.outDIdx + 1]!;
      this.copyFromSlots(objs, head, r);
      this.kCommit(this.addr, CONS_SIDE, head, r, mode);
    }
    return r;
  }

  private prodStart(n: number, mode: number): number {
    checkPeek(this.prodMode, 'producer');
    const r = this.kProdStart(this.addr, n, mode, this.out);
    return r;
  }

  private consStart(objs: Uint32Array, n: number, mode: number): number {
    checkPeek(this.consMode, 'consumer');
    if (objs.buffer === this.buf && n >= 0 && n * this.words <= objs.length) {
      const r = this.kConsStart(this.addr, objs.byteOffset, n, mode, this.outD);
      return r;
    }
    this.checkArray(objs, n, 'dequeue start');
    const r = this.kConsStart(this.addr, 0, n, mode, this.outD);
    if (r !== 0) this.copyFromSlots(objs, this.mem[this.outDIdx + 1]!, r);
    return r;
  }

  /** Fills zcd from the head the last start reported (rte_ring_get_elem_addr). */
  private zc(n: number, zcd: RingZcData, headIdx: number): number {
    const idx = this.mem[headIdx]! & this.mask;
    const slots = this.offset + HEADER_SIZE;
    zcd.ptr1 = slots + idx * this.esize;
    if (idx + n > this.size) {
      zcd.n1 = this.size - idx;
      zcd.ptr2 = slots;
    } else {
      zcd.n1 = n;
      zcd.ptr2 = 0;
    }
    return n;
  }

  private copyToSlots(objs: Uint32Array, head: number, n: number): void {
    const u32 = this.w.u32;
    const words = this.words;
    for (let i = 0; i < n; i++) {
      const s = this.slotIdx + ((head + i) & this.mask) * words;
      for (let j = 0; j < words; j++) u32[s + j] = objs[i * words + j]!;
    }
  }

  private copyFromSlots(objs: Uint32Array, head: number, n: number): void {
    const u32 = this.w.u32;
    const words = this.words;
    for (let i = 0; i < n; i++) {
      const s = this.slotIdx + ((head + i) & this.mask) * words;
      for (let j = 0; j < words; j++) objs[i * words + j] = u32[s + j]!;
    }
  }

  private checkArray(objs: Uint32Array, n: number, what: string): void {
    if (!Number.isInteger(n) || n < 0 || n * this.words > objs.length) {
      fail('EINVAL', `ring '${this.name}' ${what}: n=${n} elements of ${this.esize} bytes do not fit in an array of ${objs.length} words`);
    }
  }

  private notSingle(what: string): never {
    fail('EINVAL', `ring '${this.name}' ${what}(): single-object calls need esize 4 (this ring's is ${this.esize}); use ${what}Bulk with n = 1`);
  }
}
