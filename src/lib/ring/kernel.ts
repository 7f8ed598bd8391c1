// The ring kernels bound to this thread's Memory, plus a small per-thread out-value area the kernels
// write free_space/available (and a dequeued object, a head) into. One instance per thread: each
// worker lcore is its own realm, and a re-initialised EAL has a new Memory.

import { burstArray, loadKernel, type SharedWindow } from '../eal/index.js';

/** The exports ring.ts uses (the per-sync-type ones behind enqueue/dequeue are not called from JS). */
export type RingKernels = {
  enqueue(r: number, obj: number, n: number, mode: number, out: number): number;
  dequeue(r: number, obj: number, n: number, mode: number, out: number): number;
  enqueue1(r: number, value: number, mode: number, out: number): number;
  dequeue1(r: number, mode: number, out: number): number;
  prodStart(r: number, n: number, mode: number, out: number): number;
  consStart(r: number, obj: number, n: number, mode: number, out: number): number;
  commit(r: number, side: number, head: number, n: number, mode: number): void;
  finish(r: number, side: number, obj: number, n: number): number;
};

export interface BoundKernels {
  memory: WebAssembly.Memory;
  k: RingKernels;
  /** Memory address of this thread's out-value words: [0] count out-value, [1] object or head. */
  out: number;
  /** Ring window offset -> Memory address of its out words in this thread (see outWords). */
  slots: Map<number, number>;
  chunk: number;
  chunkLeft: number;
}

const SLOT_BYTES = 16;
const CHUNK_SLOTS = 256;

/**
 * This thread's out words for the ring at window offset `ring` (4 u32: enqueue [count, head],
 * dequeue [count, object or head]), so free_space/available stay readable after the call without
 * being copied out on every call. One slot per ring seen by the thread, kept for its lifetime
 * (a ring re-created at the same offset reuses it).
 */
export function outWords(b: BoundKernels, ring: number): number {
  let a = b.slots.get(ring);
  if (a === undefined) {
    if (b.chunkLeft === 0) {
      b.chunk = burstArray((CHUNK_SLOTS * SLOT_BYTES) / 4).byteOffset;
      b.chunkLeft = CHUNK_SLOTS;
    }
    a = b.chunk;
    b.chunk += SLOT_BYTES;
    b.chunkLeft--;
    b.slots.set(ring, a);
  }
  return a;
}

let bound: BoundKernels | null = null;

export function threadKernels(w: SharedWindow): BoundKernels {
  if (bound !== null && bound.memory === w.memory) return bound;
  const k = loadKernel<RingKernels>(new URL('./ring_kernels.wasm', import.meta.url), w.memory);
  bound = { memory: w.memory, k, out: burstArray(16).byteOffset, slots: new Map(), chunk: 0, chunkLeft: 0 };
  return bound;
}
