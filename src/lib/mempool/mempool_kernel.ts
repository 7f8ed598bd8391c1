// The mempool kernels (mempool_kernels.wasm) bound to this thread's Memory. One instance per thread:
// each worker lcore is its own realm, and a re-initialised EAL has a new Memory.

import { burstArray, loadKernel, type SharedWindow } from '../eal/index.js';

export type MempoolKernels = {
  revCopy(dst: number, end: number, n: number): void;
  cacheGet(cache: number, dst: number, n: number): number;
  cachePut(cache: number, src: number, n: number): number;
  cacheSet(cache: number, src: number, n: number): void;
  stackPush(s: number, src: number, n: number): number;
  stackPop(s: number, dst: number, n: number): number;
  lfPush(s: number, src: number, n: number): number;
  lfPop(s: number, dst: number, n: number): number;
};

/** Entries of the per-thread scratch burst (single get/put, arrays outside the Memory). */
export const SCRATCH_ENTRIES = 2048;

export interface BoundKernels {
  memory: WebAssembly.Memory;
  k: MempoolKernels;
  /** A burst array in this thread's Memory. */
  scratch: Uint32Array;
}

let bound: BoundKernels | null = null;

export function threadKernels(w: SharedWindow): BoundKernels {
  if (bound !== null && bound.memory === w.memory) return bound;
  const k = loadKernel<MempoolKernels>(new URL('./mempool_kernels.wasm', import.meta.url), w.memory);
  bound = { memory: w.memory, k, scratch: burstArray(SCRATCH_ENTRIES) };
  return bound;
}
