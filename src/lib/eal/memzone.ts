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
const Z_STATE = 60;

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
  return {
    id,
    name: readName(m, id),
    offset: w.u32[(o + Z_OFFSET) >>> 2]!,
    length: w.u32[(o + Z_LENGTH) >>> 2]!,
    socketId: w.i32[(o + Z_SOCKET) >>> 2]!,
    flags: w.u32[(o + Z_FLAGS) >>> 2]!,
    iova: w.u64[(o + Z_IOVA) >>> 3]!,
    align: w.u32[(o + Z_ALIGN) >>> 2]!,
  };
}

function used(m: MemoryManager, id: number): boolean {
  return m.window.u32[(slot(id) + Z_STATE) >>> 2] === 1;
}

function findByName(m: MemoryManager, nameBytes: Uint8Array): number {
  const u8 = m.window.u8;
  outer: for (let id = 0; id < MAX_MEMZONE; id++) {
    if (!used(m, id)) continue;
    const o = slot(id);
    for (let i = 0; i < nameBytes.length; i++) if (u8[o + i] !== nameBytes[i]) continue outer;
    if (u8[o + nameBytes.length] === 0) return id;
  }
  return -1;
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
    if (findByName(m, nb) >= 0) fail('EEXIST', `${what}: memzone '${name}' already exists`);
    let id = -1;
    for (let i = 0; i < MAX_MEMZONE; i++) {
      if (!used(m, i)) {
        id = i;
        break;
      }
    }
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
    w.u8.fill(0, o, o + MEMZONE_SLOT_SIZE);
    w.u8.set(nb, o + Z_NAME);
    w.u32[(o + Z_OFFSET) >>> 2] = off;
    w.u32[(o + Z_LENGTH) >>> 2] = len;
    w.i32[(o + Z_SOCKET) >>> 2] = heapSocket;
    w.u32[(o + Z_FLAGS) >>> 2] = flags;
    w.u64[(o + Z_IOVA) >>> 3] = m.virt2iova(off);
    w.u32[(o + Z_ALIGN) >>> 2] = align < 64 ? 64 : align;
    Atomics.store(w.u32, (o + Z_STATE) >>> 2, 1);
    Atomics.add(w.u32, H_MEMZONE_COUNT >>> 2, 1);
    return readZone(m, id);
  } finally {
    spinUnlock(w.i32, H_MCFG_LOCK >>> 2);
  }
}

/** rte_memzone_reserve_aligned */
export function memzoneReserveAligned(name: string, length: number, socketId: number, flags: number, align: number): Memzone {
  return memzoneReserve(name, length, socketId, flags, align, 0);
}

export function memzoneLookup(name: string): Memzone | null {
  const m = mm();
  m.sync();
  const nb = enc.encode(name);
  if (nb.length === 0 || nb.length >= MEMZONE_NAMESIZE) return null;
  spinLock(m.window.i32, H_MCFG_LOCK >>> 2);
  try {
    const id = findByName(m, nb);
    return id < 0 ? null : readZone(m, id);
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
    const id = findByName(m, enc.encode(name));
    if (id < 0 || (typeof zone !== 'string' && id !== zone.id)) fail('EINVAL', `memzone_free: no memzone '${name}'`);
    const off = w.u32[(slot(id) + Z_OFFSET) >>> 2]!;
    const heap = m.heapOf(off);
    if (heap === null) fail('EFAULT', `memzone_free '${name}': offset 0x${off.toString(16)} is outside every heap`);
    heap.free(off);
    Atomics.store(w.u32, (slot(id) + Z_STATE) >>> 2, 0);
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
