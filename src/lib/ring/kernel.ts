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
}

let bound: BoundKernels | null = null;

export function threadKernels(w: SharedWindow): BoundKernels {
  if (bound !== null && bound.memory === w.memory) return bound;
  const k = loadKernel<RingKernels>(new URL('./ring_kernels.wasm', import.meta.url), w.memory);
  bound = { memory: w.memory, k, out: burstArray(16).byteOffset };
  return bound;
}
