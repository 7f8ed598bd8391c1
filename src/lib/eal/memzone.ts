// Memzones (rte_memzone): named, aligned blocks of the shared window, reserved from the malloc heap.
// The table lives in shared memory, so any lcore or secondary process finds a zone by name.

import { fail } from './errors.js';
import {
  H_MCFG_LOCK, H_MEMZONE_COUNT, MAX_MEMZONE, MEMZONE_NAMESIZE, MEMZONE_SLOT_SIZE, MEMZONE_TABLE_BASE,
} from './layout.js';
import { MALLOC_ELEM_HEADER_LEN, type MallocHeap } from './malloc_heap.js';
import type { MemoryManager } from './memory.js';
import { spinLock, spinUnlock } from './spinlock.js';
import { mm, SOCKET_ID_ANY, state } from './state.js';

export const MEMZONE_2MB = 0x2;
export const MEMZONE_1GB = 0x4;
export const MEMZONE_SIZE_HINT_ONLY = 0x8;
export const MEMZONE_IOVA_CONTIG = 0x00100000;

// Slot fields.
const Z_NAME = 0;
const Z_OFFSET = 32;
const Z_LENGTH = 36;
const Z_SOCKET = 40;
const Z_FLAGS = 44;
const Z_IOVA = 48;
const Z_ALIGN = 56;
// State word: bit 0 set while the slot holds a zone; bits 1-31 count the reservations of the slot
// (a generation), so a per-thread lookup cache can tell its entry is still the same zone without the
// lock or a walk: the fields of a used slot never change until it is freed.
const Z_STATE = 60;
const STATE_USED = 1;

export interface Memzone {
  /** Index in the memzone table. */
  readonly id: number;
  readonly name: string;
  /** Window offset of the first byte. */
  readonly offset: number;
  readonly length: number;
  readonly socketId: number;
  readonly flags: number;
  readonly iova: bigint;
  readonly align: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function slot(id: number): number {
  return MEMZONE_TABLE_BASE + id * MEMZONE_SLOT_SIZE;
}

function isPow2(x: number): boolean {
  return x > 0 && (x & (x - 1)) === 0;
}

function readName(m: MemoryManager, id: number): string {
  const u8 = m.window.u8;
  const o = slot(id) + Z_NAME;
  let end = o;
  while (end < o + MEMZONE_NAMESIZE && u8[end] !== 0) end++;
  return dec.decode(u8.slice(o, end));
}

function readZone(m: MemoryManager, id: number): Memzone {
  const w = m.window;
  const o = slot(id);
  return Object.freeze({
    id,
    name: readName(m, id),
    offset: w.u32[(o + Z_OFFSET) >>> 2]!,
    length: w.u32[(o + Z_LENGTH) >>> 2]!,
    socketId: w.i32[(o + Z_SOCKET) >>> 2]!,
    flags: w.u32[(o + Z_FLAGS) >>> 2]!,
    iova: w.u64[(o + Z_IOVA) >>> 3]!,
    align: w.u32[(o + Z_ALIGN) >>> 2]!,
  });
}

function used(m: MemoryManager, id: number): boolean {
  return (m.window.u32[(slot(id) + Z_STATE) >>> 2]! & STATE_USED) !== 0;
}

/**
 * The id of the zone named nameBytes, or -1; with `free`, the first unused slot is left in freeSlot.
 * Lock held. Stops once it has seen every used slot (the zone count is exact under the lock), as
 * DPDK's walk visits only the used entries of its fbarray.
 */
let freeSlot = -1;
function findByName(m: MemoryManager, nameBytes: Uint8Array, free = false): number {
  const u32 = m.window.u32;
  const w0 = firstWord(nameBytes);
  let left = u32[H_MEMZONE_COUNT >>> 2]!;
  freeSlot = -1;
  for (let id = 0; id < MAX_MEMZONE; id++) {
    if (left === 0 && (!free || freeSlot >= 0)) break;
    const o = slot(id);
    if ((u32[(o + Z_STATE) >>> 2]! & STATE_USED) === 0) {
      if (freeSlot < 0) freeSlot = id;
      continue;
    }
    left--;
    if (u32[(o + Z_NAME) >>> 2] === w0 && nameAt(m, o, nameBytes)) return id;
  }
  return -1;
}

/** The first 4 name bytes as a u32 (zero-padded, as the slot is after a short name). */
function firstWord(b: Uint8Array): number {
  return ((b[0] ?? 0) | ((b[1] ?? 0) << 8) | ((b[2] ?? 0) << 16) | ((b[3] ?? 0) << 24)) >>> 0;
}

function nameAt(m: MemoryManager, o: number, nameBytes: Uint8Array): boolean {
  const u8 = m.window.u8;
  for (let i = 4; i < nameBytes.length; i++) if (u8[o + i] !== nameBytes[i]) return false;
  return u8[o + nameBytes.length] === 0;
}

// ---- per-thread lookup cache: name -> zone, valid while the slot's state word is unchanged ----

interface CacheEntry {
  m: MemoryManager;
  id: number;
  state: number;
  zone: Memzone;
}
const CACHE_MAX = 4096;
const lookupCache = new Map<string, CacheEntry>();

function cached(m: MemoryManager, name: string): Memzone | null {
  const e = lookupCache.get(name);
  if (e === undefined || e.m !== m) return null;
  return Atomics.load(m.window.u32, (slot(e.id) + Z_STATE) >>> 2) === e.state ? e.zone : null;
}

/** Lock held: remembers zone `id` under `name`. */
function remember(m: MemoryManager, name: string, id: number, zone: Memzone): void {
  if (lookupCache.size >= CACHE_MAX) lookupCache.clear();
  lookupCache.set(name, { m, id, state: m.window.u32[(slot(id) + Z_STATE) >>> 2]!, zone });
}

function encodeName(name: string, what: string): Uint8Array {
  const b = enc.encode(name);
  if (b.length === 0) fail('EINVAL', `${what}: empty memzone name`);
  if (b.length >= MEMZONE_NAMESIZE) fail('ENAMETOOLONG', `${what}: memzone name '${name}' is longer than ${MEMZONE_NAMESIZE - 1} bytes`);
  return b;
}

/** Heaps to try for a socket request: the exact one, or (ANY) the caller's socket first, then the rest. */
function heapOrder(m: MemoryManager, socketId: number, what: string): readonly MallocHeap[] {
  const order = m.heapOrder(socketId === SOCKET_ID_ANY ? state.socketId : socketId, socketId === SOCKET_ID_ANY);
  if (order.length === 0) fail('EINVAL', `${what}: socket ${socketId} has no memory (sockets with memory: ${m.plan.socketIds.join(', ')})`);
  return order;
}

/**
 * rte_memzone_reserve_bounded: `length` 0 reserves the largest free block; `align` is a power of two
 * (raised to a cache line); `bound` (0 = none) is a power of two the zone must not cross.
 */
export function memzoneReserve(name: string, length: number, socketId = SOCKET_ID_ANY, flags = 0, align = 64, bound = 0): Memzone {
  const what = 'memzone_reserve';
  const nb = encodeName(name, what);
  if (!Number.isInteger(length) || length < 0) fail('EINVAL', `${what} '${name}': invalid length ${length}`);
  if (!isPow2(align)) fail('EINVAL', `${what} '${name}': alignment ${align} is not a power of two`);
  if (bound !== 0 && (!isPow2(bound) || bound < length)) {
    fail('EINVAL', `${what} '${name}': boundary ${bound} must be a power of two not smaller than the length ${length}`);
  }
  const m = mm();
  m.sync();
  const w = m.window;
  spinLock(w.i32, H_MCFG_LOCK >>> 2);
  try {
    if (findByName(m, nb, true) >= 0) fail('EEXIST', `${what}: memzone '${name}' already exists`);
    const id = freeSlot;
    if (id < 0) fail('ENOSPC', `${what} '${name}': no free memzone slot (RTE_MAX_MEMZONE is ${MAX_MEMZONE})`);
    let off = 0;
    let heapSocket = 0;
    let len = length;
    for (const h of heapOrder(m, socketId, what)) {
      if (length === 0) {
        const biggest = h.largestFree() - (align > 64 ? align : 0) - MALLOC_ELEM_HEADER_LEN;
        if (biggest <= 0) continue;
        len = biggest & ~63;
        if (bound !== 0 && len > bound) len = bound;
      }
      off = h.alloc(len, align, bound, 'memzone');
      if (off !== 0) {
        heapSocket = m.plan.socketIds[h.socket]!;
        break;
      }
    }
    if (off === 0) {
      fail('ENOMEM', `${what} '${name}': cannot reserve ${length} bytes (align ${align}${bound ? `, bound ${bound}` : ''}) on socket ${socketId === SOCKET_ID_ANY ? 'any' : socketId}`);
    }
    const o = slot(id);
    const gen = (w.u32[(o + Z_STATE) >>> 2]! >>> 1) + 1;
    w.u8.fill(0, o, o + MEMZONE_SLOT_SIZE);
    w.u8.set(nb, o + Z_NAME);
    w.u32[(o + Z_OFFSET) >>> 2] = off;
    w.u32[(o + Z_LENGTH) >>> 2] = len;
    w.i32[(o + Z_SOCKET) >>> 2] = heapSocket;
    w.u32[(o + Z_FLAGS) >>> 2] = flags;
    w.u64[(o + Z_IOVA) >>> 3] = m.virt2iova(off);
    w.u32[(o + Z_ALIGN) >>> 2] = align < 64 ? 64 : align;
    Atomics.store(w.u32, (o + Z_STATE) >>> 2, ((gen << 1) | STATE_USED) >>> 0);
    Atomics.add(w.u32, H_MEMZONE_COUNT >>> 2, 1);
    const z = readZone(m, id);
    remember(m, name, id, z);
    return z;
  } finally {
    spinUnlock(w.i32, H_MCFG_LOCK >>> 2);
  }
}

/** rte_memzone_reserve_aligned */
export function memzoneReserveAligned(name: string, length: number, socketId: number, flags: number, align: number): Memzone {
  return memzoneReserve(name, length, socketId, flags, align, 0);
}

/**
 * rte_memzone_lookup. Zones are immutable while reserved, so a zone this thread has seen is returned
 * from a per-thread cache (the same frozen object) after one check of its slot's state word.
 */
export function memzoneLookup(name: string): Memzone | null {
  const m = mm();
  m.sync();
  const hit = cached(m, name);
  if (hit !== null) return hit;
  const nb = enc.encode(name);
  if (nb.length === 0 || nb.length >= MEMZONE_NAMESIZE) return null;
  spinLock(m.window.i32, H_MCFG_LOCK >>> 2);
  try {
    const id = findByName(m, nb);
    if (id < 0) return null;
    const z = readZone(m, id);
    remember(m, name, id, z);
    return z;
  } finally {
    spinUnlock(m.window.i32, H_MCFG_LOCK >>> 2);
  }
}

export function memzoneFree(zone: Memzone | string): void {
  const m = mm();
  m.sync();
  const w = m.window;
  const name = typeof zone === 'string' ? zone : zone.name;
  spinLock(w.i32, H_MCFG_LOCK >>> 2);
  try {
    const nb = enc.encode(name);
    // A zone object names its slot: check that one first (names are unique) before walking the table.
    let id = -1;
    if (typeof zone !== 'string' && zone.id >= 0 && zone.id < MAX_MEMZONE && used(m, zone.id) && nb.length < MEMZONE_NAMESIZE) {
      const o = slot(zone.id);
      if (w.u32[(o + Z_NAME) >>> 2] === firstWord(nb) && nameAt(m, o, nb)) id = zone.id;
    }
    if (id < 0) id = findByName(m, nb);
    if (id < 0 || (typeof zone !== 'string' && id !== zone.id)) fail('EINVAL', `memzone_free: no memzone '${name}'`);
    const off = w.u32[(slot(id) + Z_OFFSET) >>> 2]!;
    const heap = m.heapOf(off);
    if (heap === null) fail('EFAULT', `memzone_free '${name}': offset 0x${off.toString(16)} is outside every heap`);
    heap.free(off);
    Atomics.store(w.u32, (slot(id) + Z_STATE) >>> 2, w.u32[(slot(id) + Z_STATE) >>> 2]! & ~STATE_USED);
    lookupCache.delete(name);
    Atomics.sub(w.u32, H_MEMZONE_COUNT >>> 2, 1);
  } finally {
    spinUnlock(w.i32, H_MCFG_LOCK >>> 2);
  }
}

/** Every reserved memzone (rte_memzone_walk). */
export function memzoneList(): Memzone[] {
  const m = mm();
  m.sync();
  spinLock(m.window.i32, H_MCFG_LOCK >>> 2);
  try {
    const out: Memzone[] = [];
    for (let id = 0; id < MAX_MEMZONE; id++) if (used(m, id)) out.push(readZone(m, id));
    return out;
  } finally {
    spinUnlock(m.window.i32, H_MCFG_LOCK >>> 2);
  }
}

/** rte_memzone_dump's layout. */
export function memzoneDump(): string {
  const lines: string[] = [];
  for (const z of memzoneList()) {
    lines.push(
      `Zone ${z.id}: name:<${z.name}>, len:0x${z.length.toString(16)}, virt:0x${z.offset.toString(16)}, socket_id:${z.socketId}, flags:${z.flags}`,
      `physical segments used:`,
      `  addr: 0x${z.offset.toString(16)} iova: 0x${z.iova.toString(16)} len: 0x${z.length.toString(16)} pagesz: 0x${mm().plan.pageSize.toString(16)}`,
    );
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}
