// The malloc heap (DPDK's malloc_heap/malloc_elem): one heap per NUMA socket over that socket's
// region of the shared window. Elements tile the mapped part of the region; each has a 64-byte
// header right before its data. Free elements sit on size-class lists and coalesce with their
// physical neighbours. Headers and lists are in shared memory, guarded by a per-heap spinlock,
// so every lcore and process allocates from the same heap.

import type { SharedWindow } from './shared_memory.js';
import { CACHE_LINE, HEAP_HDR_BASE, HEAP_HDR_SIZE } from './layout.js';
import { fail } from './errors.js';
import { spinLock, spinUnlock } from './spinlock.js';

const ELEM_HDR = 64;
const MIN_FREE_ELEM = 128; // header + one cache line
const NUM_FREELISTS = 16;

const MAGIC_FREE = 0x46524545; // 'FREE'
const MAGIC_BUSY = 0x42555359; // 'BUSY'
const MAGIC_DEAD = 0x44454144; // 'DEAD': header swallowed by coalescing; catches double free

// Element header fields (byte offsets from the element start).
const E_MAGIC = 0;
const E_SIZE = 4;
const E_PREV_PHYS = 8;
const E_NEXT_FREE = 12;
const E_PREV_FREE = 16;
const E_SOCKET = 20;
const E_USER_SIZE = 24;
const E_ALIGN = 28;
const E_TYPE = 32; // 32 bytes of type name
const TYPE_LEN = 32;

// Heap header fields (byte offsets from the heap header).
const HH_LOCK = 0;
const HH_REGION_START = 4;
const HH_REGION_END = 8;
const HH_MAPPED_END = 12;
const HH_LAST_ELEM = 16;
const HH_ALLOC_COUNT = 20;
const HH_NONEMPTY = 24; // bit c set: free list c is not empty
const HH_SOCKET = 32;
const HH_INITIALIZED = 36;
const HH_FREE_HEADS = 64;

export interface HeapStats {
  heapTotalBytes: number;
  heapFreeBytes: number;
  greatestFreeSize: number;
  freeCount: number;
  allocCount: number;
  heapAllocBytes: number;
}

export interface HeapElement {
  offset: number; // data offset (what malloc returned) for busy elements, element start + 64 otherwise
  size: number; // element size incl. header
  userSize: number;
  free: boolean;
  type: string;
}

/** Maps more of a socket's region; returns the new mapped end (or the old one if it could not grow). */
export type HeapGrowFn = (socket: number, mappedEnd: number, minBytes: number) => number;

const enc = new TextEncoder();
const dec = new TextDecoder();

// Type names are stored in the element header; callers reuse a handful, so encode each once (as 8
// u32 words: 8 stores beat a TypedArray.prototype.set call), and remember the last one by identity
// (a Map lookup per allocation showed in the rte_malloc+free profile).
const typeCache = new Map<string, Uint32Array>();
let lastType = '';
let lastTypeWords: Uint32Array = new Uint32Array(TYPE_LEN / 4);
function typeWords(type: string): Uint32Array {
  if (type === lastType) return lastTypeWords;
  let b = typeCache.get(type);
  if (b === undefined) {
    const u8 = new Uint8Array(TYPE_LEN);
    u8.set(enc.encode(type).subarray(0, TYPE_LEN - 1));
    b = new Uint32Array(u8.buffer);
    if (typeCache.size < 1024) typeCache.set(type, b);
  }
  lastType = type;
  lastTypeWords = b;
  return b;
}

function alignUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

function freeListIndex(size: number): number {
  const c = 31 - Math.clz32(size) - 7;
  return c < 0 ? 0 : c >= NUM_FREELISTS ? NUM_FREELISTS - 1 : c;
}

export class MallocHeap {
  private readonly u32: Uint32Array;
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  readonly hdr: number;

  constructor(private readonly w: SharedWindow, readonly socket: number, private readonly grow: HeapGrowFn | null) {
    this.u32 = w.u32;
    this.i32 = w.i32;
    this.u8 = w.u8;
    this.hdr = HEAP_HDR_BASE + socket * HEAP_HDR_SIZE;
  }

  /** Primary only: lays out an empty heap over [regionStart, regionEnd) of which [regionStart, mappedEnd) is mapped. */
  format(regionStart: number, regionEnd: number, mappedEnd: number): void {
    const h = this.hdr;
    this.u8.fill(0, h, h + HEAP_HDR_SIZE);
    this.set(h + HH_REGION_START, regionStart);
    this.set(h + HH_REGION_END, regionEnd);
    this.set(h + HH_MAPPED_END, regionStart);
    this.set(h + HH_SOCKET, this.socket);
    if (mappedEnd > regionStart) this.addMapped(mappedEnd);
    this.set(h + HH_INITIALIZED, 1);
  }

  get regionStart(): number { return this.get(this.hdr + HH_REGION_START); }
  get regionEnd(): number { return this.get(this.hdr + HH_REGION_END); }
  get mappedEnd(): number { return this.get(this.hdr + HH_MAPPED_END); }
  get initialized(): boolean { return this.get(this.hdr + HH_INITIALIZED) === 1; }

  private get(off: number): number { return this.u32[off >>> 2]; }
  private set(off: number, v: number): void { this.u32[off >>> 2] = v; }

  private lock(): void { spinLock(this.i32, (this.hdr + HH_LOCK) >>> 2); }
  private unlock(): void { spinUnlock(this.i32, (this.hdr + HH_LOCK) >>> 2); }

  /** Adds [mappedEnd, newEnd) as a free element, merged with a free last element. Lock held. */
  private addMapped(newEnd: number): void {
    const h = this.hdr;
    const oldEnd = this.get(h + HH_MAPPED_END);
    if (newEnd <= oldEnd) return;
    const last = this.get(h + HH_LAST_ELEM);
    this.set(h + HH_MAPPED_END, newEnd);
    if (last !== 0 && this.get(last + E_MAGIC) === MAGIC_FREE) {
      this.listRemove(last);
      this.set(last + E_SIZE, newEnd - last);
      this.listInsert(last);
      return;
    }
    const e = oldEnd;
    this.writeFree(e, newEnd - oldEnd, last);
    this.set(h + HH_LAST_ELEM, e);
    this.listInsert(e);
  }

  private writeFree(e: number, size: number, prevPhys: number): void {
    this.set(e + E_MAGIC, MAGIC_FREE);
    this.set(e + E_SIZE, size);
    this.set(e + E_PREV_PHYS, prevPhys);
    this.set(e + E_NEXT_FREE, 0);
    this.set(e + E_PREV_FREE, 0);
    this.set(e + E_SOCKET, this.socket);
    this.set(e + E_USER_SIZE, 0);
    this.set(e + E_ALIGN, 0);
  }

  private listInsert(e: number): void {
    const c = freeListIndex(this.get(e + E_SIZE));
    const headOff = this.hdr + HH_FREE_HEADS + 4 * c;
    const head = this.get(headOff);
    this.set(this.hdr + HH_NONEMPTY, this.get(this.hdr + HH_NONEMPTY) | (1 << c));
    this.set(e + E_NEXT_FREE, head);
    this.set(e + E_PREV_FREE, 0);
    if (head !== 0) this.set(head + E_PREV_FREE, e);
    this.set(headOff, e);
  }

  private listRemove(e: number): void {
    const next = this.get(e + E_NEXT_FREE);
    const prev = this.get(e + E_PREV_FREE);
    if (prev !== 0) this.set(prev + E_NEXT_FREE, next);
    else {
      const c = freeListIndex(this.get(e + E_SIZE));
      this.set(this.hdr + HH_FREE_HEADS + 4 * c, next);
      if (next === 0) this.set(this.hdr + HH_NONEMPTY, this.get(this.hdr + HH_NONEMPTY) & ~(1 << c));
    }
    if (next !== 0) this.set(next + E_PREV_FREE, prev);
  }

  private setPrevOfNext(e: number): void {
    const next = e + this.get(e + E_SIZE);
    if (next < this.get(this.hdr + HH_MAPPED_END)) this.set(next + E_PREV_PHYS, e);
    else this.set(this.hdr + HH_LAST_ELEM, e);
  }

  /** Data offset where `size` bytes fit in free element e with the given alignment/boundary, or 0. */
  private fit(e: number, size: number, align: number, bound: number): number {
    const end = e + this.get(e + E_SIZE);
    let d = alignUp(e + ELEM_HDR, align);
    if (d - ELEM_HDR - e !== 0 && d - ELEM_HDR - e < MIN_FREE_ELEM) d += align;
    if (bound !== 0 && Math.floor(d / bound) !== Math.floor((d + size - 1) / bound)) {
      d = alignUp(d, bound);
      if (d - ELEM_HDR - e !== 0 && d - ELEM_HDR - e < MIN_FREE_ELEM) d += bound;
    }
    return d + size <= end ? d : 0;
  }

  /** Carves a busy element with data at d out of free element e. Lock held. */
  private carve(e: number, d: number, size: number, align: number, type: string, requested: number): void {
    this.listRemove(e);
    const eEnd = e + this.get(e + E_SIZE);
    let n = e;
    const front = d - ELEM_HDR - e;
    if (front > 0) {
      this.set(e + E_SIZE, front);
      this.listInsert(e);
      n = d - ELEM_HDR;
      this.set(n + E_PREV_PHYS, e);
    }
    let nSize = eEnd - n;
    const tail = nSize - ELEM_HDR - size;
    this.set(n + E_MAGIC, MAGIC_BUSY);
    if (tail >= MIN_FREE_ELEM) {
      nSize = ELEM_HDR + size;
      const t = n + nSize;
      this.writeFree(t, tail, n);
      this.setPrevOfNext(t);
      this.listInsert(t);
    }
    this.set(n + E_SIZE, nSize);
    if (tail < MIN_FREE_ELEM) this.setPrevOfNext(n);
    this.set(n + E_SOCKET, this.socket);
    this.set(n + E_USER_SIZE, requested);
    this.set(n + E_ALIGN, align);
    const tw = typeWords(type);
    const ti = (n + E_TYPE) >>> 2;
    const u32 = this.u32;
    for (let i = 0; i < TYPE_LEN / 4; i++) u32[ti + i] = tw[i]!;
    this.set(this.hdr + HH_ALLOC_COUNT, this.get(this.hdr + HH_ALLOC_COUNT) + 1);
  }

  private findFit(size: number, align: number, bound: number): number {
    // Visit only the non-empty lists from the size class up (lowest set bit first).
    let bits = this.get(this.hdr + HH_NONEMPTY) & (-1 << freeListIndex(size + ELEM_HDR));
    while (bits !== 0) {
      const low = bits & -bits;
      bits ^= low;
      const c = 31 - Math.clz32(low);
      for (let e = this.get(this.hdr + HH_FREE_HEADS + 4 * c); e !== 0; e = this.get(e + E_NEXT_FREE)) {
        const d = this.fit(e, size, align, bound);
        if (d !== 0) {
          return e;
        }
      }
    }
    return 0;
  }

  /**
   * Allocates `requested` bytes aligned to `align` (power of two, at least a cache line) and not
   * crossing a multiple of `bound` (0 = no boundary). Returns the data offset, or 0 when the heap
   * cannot satisfy it (the caller turns that into ENOMEM with context).
   */
  alloc(requested: number, align: number, bound: number, type: string): number {
    const size = alignUp(Math.max(requested, 1), CACHE_LINE);
    if (align < CACHE_LINE) align = CACHE_LINE;
    this.lock();
    try {
      for (;;) {
        const e = this.findFit(size, align, bound);
        if (e !== 0) {
          const d = this.fit(e, size, align, bound);
          this.carve(e, d, size, align, type, requested);
          return d;
        }
        if (!this.grow) return 0;
        const oldEnd = this.mappedEnd;
        const regionEnd = this.regionEnd;
        if (oldEnd >= regionEnd) return 0;
        const need = size + align + bound + 2 * MIN_FREE_ELEM;
        const newEnd = this.grow(this.socket, oldEnd, need);
        if (newEnd <= oldEnd) return 0;
        this.addMapped(newEnd);
      }
    } finally {
      this.unlock();
    }
  }

  /** Checks that `data` is a busy element of this heap; returns its element offset or throws. */
  private validate(data: number, what: string): number {
    const e = data - ELEM_HDR;
    if ((data & (CACHE_LINE - 1)) !== 0 || e < this.regionStart || data >= this.mappedEnd) {
      fail('EINVAL', `${what}: offset 0x${data.toString(16)} is not memory from the tsdpdk heap`);
    }
    const m = this.get(e + E_MAGIC);
    if (m === MAGIC_FREE || m === MAGIC_DEAD) {
      fail('EINVAL', `${what}: double free of offset 0x${data.toString(16)}`);
    }
    if (m !== MAGIC_BUSY) {
      fail('EINVAL', `${what}: offset 0x${data.toString(16)} is not the start of a heap allocation (corrupt header or foreign pointer)`);
    }
    return e;
  }

  contains(data: number): boolean {
    return data >= this.regionStart + ELEM_HDR && data < this.regionEnd;
  }

  /** Size usable at `data` (the element's data area), for realloc. */
  usableSize(data: number): number {
    const e = this.validate(data, 'rte_malloc_validate');
    return this.get(e + E_SIZE) - ELEM_HDR;
  }

  userSize(data: number): number {
    const e = this.validate(data, 'rte_malloc_validate');
    return this.get(e + E_USER_SIZE);
  }

  free(data: number): void {
    this.lock();
    try {
      let e = this.validate(data, 'rte_free');
      const mapped = this.mappedEnd;
      this.set(e + E_MAGIC, MAGIC_FREE);
      this.set(this.hdr + HH_ALLOC_COUNT, this.get(this.hdr + HH_ALLOC_COUNT) - 1);
      const next = e + this.get(e + E_SIZE);
      if (next < mapped && this.get(next + E_MAGIC) === MAGIC_FREE) {
        this.listRemove(next);
        this.set(e + E_SIZE, this.get(e + E_SIZE) + this.get(next + E_SIZE));
        this.set(next + E_MAGIC, MAGIC_DEAD);
      }
      const prev = this.get(e + E_PREV_PHYS);
      if (prev !== 0 && this.get(prev + E_MAGIC) === MAGIC_FREE) {
        this.listRemove(prev);
        this.set(prev + E_SIZE, this.get(prev + E_SIZE) + this.get(e + E_SIZE));
        this.set(e + E_MAGIC, MAGIC_DEAD);
        e = prev;
      }
      this.set(e + E_USER_SIZE, 0);
      this.setPrevOfNext(e);
      this.listInsert(e);
    } finally {
      this.unlock();
    }
  }

  /**
   * Grows or shrinks in place when possible (absorbing a free next neighbour); returns the same
   * offset, or 0 when the caller must move the data.
   */
  resizeInPlace(data: number, requested: number): number {
    const size = alignUp(Math.max(requested, 1), CACHE_LINE);
    this.lock();
    try {
      const e = this.validate(data, 'rte_realloc');
      let cur = this.get(e + E_SIZE);
      if (cur - ELEM_HDR < size) {
        const next = e + cur;
        if (next >= this.mappedEnd || this.get(next + E_MAGIC) !== MAGIC_FREE) return 0;
        const nsz = this.get(next + E_SIZE);
        if (cur + nsz - ELEM_HDR < size) return 0;
        this.listRemove(next);
        this.set(next + E_MAGIC, MAGIC_DEAD);
        cur += nsz;
        this.set(e + E_SIZE, cur);
        this.setPrevOfNext(e);
      }
      const tail = cur - ELEM_HDR - size;
      if (tail >= MIN_FREE_ELEM) {
        const t = e + ELEM_HDR + size;
        this.set(e + E_SIZE, ELEM_HDR + size);
        this.writeFree(t, tail, e);
        // Merge the split-off tail with a free successor.
        const after = t + tail;
        if (after < this.mappedEnd && this.get(after + E_MAGIC) === MAGIC_FREE) {
          this.listRemove(after);
          this.set(t + E_SIZE, tail + this.get(after + E_SIZE));
          this.set(after + E_MAGIC, MAGIC_DEAD);
        }
        this.setPrevOfNext(t);
        this.listInsert(t);
      }
      this.set(e + E_USER_SIZE, requested);
      return data;
    } finally {
      this.unlock();
    }
  }

  /** Largest allocation (data bytes) that would succeed right now without growing. */
  largestFree(): number {
    let best = 0;
    this.walk((el) => {
      if (el.free && el.size - ELEM_HDR > best) best = el.size - ELEM_HDR;
    });
    return best;
  }

  /** Visits every element in address order (takes the lock). */
  walk(fn: (el: HeapElement) => void): void {
    this.lock();
    const list: HeapElement[] = [];
    try {
      const end = this.mappedEnd;
      for (let e = this.regionStart; e < end; ) {
        const size = this.get(e + E_SIZE);
        const magic = this.get(e + E_MAGIC);
        if (size === 0 || (magic !== MAGIC_FREE && magic !== MAGIC_BUSY)) {
          fail('EFAULT', `malloc heap ${this.socket}: corrupt element header at offset 0x${e.toString(16)}`);
        }
        const tb = this.u8.slice(e + E_TYPE, e + E_TYPE + TYPE_LEN);
        const z = tb.indexOf(0);
        list.push({
          offset: e + ELEM_HDR,
          size,
          userSize: this.get(e + E_USER_SIZE),
          free: magic === MAGIC_FREE,
          type: magic === MAGIC_BUSY ? dec.decode(z < 0 ? tb : tb.subarray(0, z)) : '',
        });
        e += size;
      }
    } finally {
      this.unlock();
    }
    for (const el of list) fn(el);
  }

  stats(): HeapStats {
    const s: HeapStats = { heapTotalBytes: 0, heapFreeBytes: 0, greatestFreeSize: 0, freeCount: 0, allocCount: 0, heapAllocBytes: 0 };
    this.walk((el) => {
      s.heapTotalBytes += el.size;
      if (el.free) {
        s.heapFreeBytes += el.size;
        s.freeCount++;
        if (el.size > s.greatestFreeSize) s.greatestFreeSize = el.size;
      } else {
        s.allocCount++;
        s.heapAllocBytes += el.size;
      }
    });
    return s;
  }
}

export const MALLOC_ELEM_HEADER_LEN = ELEM_HDR;
