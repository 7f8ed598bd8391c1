// rte_malloc: allocations from the per-socket heaps in the shared window. Results are window
// offsets (0 is never a valid allocation). Failures throw ENOMEM naming the request.

import { fail } from './errors.js';
import type { HeapStats, MallocHeap } from './malloc_heap.js';
import type { MemoryManager } from './memory.js';
import { mm, SOCKET_ID_ANY, state } from './state.js';

function checkAlign(align: number, what: string): number {
  if (align === 0) return 64;
  if (!Number.isInteger(align) || align < 0 || (align & (align - 1)) !== 0) fail('EINVAL', `${what}: alignment ${align} is not a power of two`);
  return align < 64 ? 64 : align;
}

// The last heap order looked up (memory manager, socket key): skips a Map lookup per rte_malloc.
let orderM: MemoryManager | null = null;
let orderSocket = 0;
let orderAny = false;
let order: readonly MallocHeap[] = [];

function heapsFor(m: MemoryManager, socket: number, what: string): readonly MallocHeap[] {
  const any = socket === SOCKET_ID_ANY;
  const s = any ? state.socketId : socket;
  if (m === orderM && s === orderSocket && any === orderAny) return order;
  const o = heapsForSlow(m, socket, what);
  orderM = m;
  orderSocket = s;
  orderAny = any;
  order = o;
  return o;
}

function heapsForSlow(m: MemoryManager, socket: number, what: string): readonly MallocHeap[] {
  const order = m.heapOrder(socket === SOCKET_ID_ANY ? state.socketId : socket, socket === SOCKET_ID_ANY);
  if (order.length === 0) fail('EINVAL', `${what}: socket ${socket} has no heap (sockets: ${m.plan.socketIds.join(', ')})`);
  return order;
}

export function mallocSocket(type: string | null, size: number, align: number, socket: number): number {
  const what = 'rte_malloc';
  if (!Number.isInteger(size) || size <= 0) fail('EINVAL', `${what}: invalid size ${size}`);
  const a = checkAlign(align, what);
  const m = mm();
  m.sync();
  for (const h of heapsFor(m, socket, what)) {
    const off = h.alloc(size, a, 0, type ?? '');
    if (off !== 0) return off;
  }
  return fail('ENOMEM', `${what}: cannot allocate ${size} bytes (align ${a}) on socket ${socket === SOCKET_ID_ANY ? 'any' : socket}`);
}

export function malloc(type: string | null, size: number, align = 0): number {
  return mallocSocket(type, size, align, SOCKET_ID_ANY);
}

export function zmallocSocket(type: string | null, size: number, align: number, socket: number): number {
  const off = mallocSocket(type, size, align, socket);
  mm().window.u8.fill(0, off, off + size);
  return off;
}

export function zmalloc(type: string | null, size: number, align = 0): number {
  return zmallocSocket(type, size, align, SOCKET_ID_ANY);
}

export function callocSocket(type: string | null, num: number, size: number, align: number, socket: number): number {
  return zmallocSocket(type, num * size, align, socket);
}

export function calloc(type: string | null, num: number, size: number, align = 0): number {
  return zmallocSocket(type, num * size, align, SOCKET_ID_ANY);
}

function heapOfPtr(m: MemoryManager, ptr: number, what: string): MallocHeap {
  const h = m.heapOf(ptr);
  if (h === null) fail('EINVAL', `${what}: offset 0x${ptr.toString(16)} is not memory from the tsdpdk heap`);
  return h;
}

/** rte_realloc_socket: keeps the data (up to the smaller size); 0 as ptr allocates. */
export function reallocSocket(ptr: number, size: number, align: number, socket: number): number {
  if (ptr === 0) return mallocSocket(null, size, align, socket);
  const what = 'rte_realloc';
  if (!Number.isInteger(size) || size <= 0) fail('EINVAL', `${what}: invalid size ${size}`);
  const a = checkAlign(align, what);
  const m = mm();
  m.sync();
  const h = heapOfPtr(m, ptr, what);
  const sameSocket = socket === SOCKET_ID_ANY || m.plan.socketIds[h.socket] === socket;
  if (sameSocket && ptr % a === 0 && h.resizeInPlace(ptr, size) === ptr) return ptr;
  const old = h.userSize(ptr);
  const n = mallocSocket(null, size, a, sameSocket ? m.plan.socketIds[h.socket]! : socket);
  m.window.u8.copyWithin(n, ptr, ptr + Math.min(old, size));
  h.free(ptr);
  return n;
}

export function realloc(ptr: number, size: number, align = 0): number {
  return reallocSocket(ptr, size, align, SOCKET_ID_ANY);
}

/** rte_free: 0 is a no-op; double frees and foreign offsets throw EINVAL. */
export function free(ptr: number): void {
  if (ptr === 0) return;
  const m = mm();
  m.sync();
  heapOfPtr(m, ptr, 'rte_free').free(ptr);
}

/** rte_malloc_validate: the usable size of an allocation, or throws EINVAL. */
export function mallocValidate(ptr: number): number {
  const m = mm();
  return heapOfPtr(m, ptr, 'rte_malloc_validate').usableSize(ptr);
}

export interface SocketStats extends HeapStats {
  socketId: number;
}

export function mallocGetSocketStats(socket: number): SocketStats {
  const m = mm();
  m.sync();
  const idx = m.heapIndexOfSocket(socket);
  if (idx < 0) fail('EINVAL', `rte_malloc_get_socket_stats: socket ${socket} has no heap`);
  return { socketId: socket, ...m.heaps[idx]!.stats() };
}

/** rte_malloc_dump_stats / rte_malloc_dump_heaps layout. */
export function mallocDumpStats(): string {
  const m = mm();
  const out: string[] = [];
  for (const s of m.plan.socketIds) {
    const st = mallocGetSocketStats(s);
    out.push(
      `Socket:${s}`,
      `\tHeap_size:${st.heapTotalBytes},`,
      `\tFree_size:${st.heapFreeBytes},`,
      `\tAlloc_size:${st.heapAllocBytes},`,
      `\tGreatest_free_size:${st.greatestFreeSize},`,
      `\tAlloc_count:${st.allocCount},`,
      `\tFree_count:${st.freeCount},`,
    );
  }
  return out.join('\n') + '\n';
}

export function mallocDumpHeaps(): string {
  const m = mm();
  const out: string[] = [];
  for (const h of m.heaps) {
    out.push(`Heap id:${h.socket} (socket ${m.plan.socketIds[h.socket]}) region 0x${h.regionStart.toString(16)}-0x${h.regionEnd.toString(16)} mapped to 0x${h.mappedEnd.toString(16)}`);
    h.walk((el) => {
      out.push(`  elem 0x${(el.offset - 64).toString(16)} size ${el.size} ${el.free ? 'FREE' : `BUSY data 0x${el.offset.toString(16)} len ${el.userSize} type '${el.type}'`}`);
    });
  }
  return out.join('\n') + '\n';
}
