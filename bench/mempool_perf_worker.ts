// The timed loop of bench/mempool, shared by the main lcore and the worker lcore of the 2-lcore cases
// (a worker lcore imports this module; it runs nothing at import).
import { performance } from 'node:perf_hooks';
import * as eal from '../src/lib/eal/index.js';
import { Mempool } from '../src/lib/mempool/index.js';

export const KEEP = 32;

/**
 * DPDK's mempool_perf loop: get KEEP objects in bulks of `bulk`, put them back in bulks of `bulk`.
 * Bulk 32 uses getBulk/putBulk on one burst array (the usual call); smaller bulks step through the
 * array by address (getAt/putAt), as the C test steps a pointer. One function per shape, so V8 keeps
 * each monomorphic. Returns seconds.
 */
export function timedLoop(mp: Mempool, objs: Uint32Array, bulk: number, iters: number): number {
  return bulk === KEEP ? loopBurst(mp, objs, iters) : loopSteps(mp, objs.byteOffset, bulk, iters);
}

function loopBurst(mp: Mempool, objs: Uint32Array, iters: number): number {
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) {
    if (mp.getBulk(objs, KEEP) !== 0) throw new Error('get failed');
    mp.putBulk(objs, KEEP);
  }
  return (performance.now() - t0) / 1000;
}

function loopSteps(mp: Mempool, base: number, bulk: number, iters: number): number {
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) {
    for (let k = 0; k < KEEP; k += bulk) if (mp.getAt(base + k * 4, bulk) !== 0) throw new Error('get failed');
    for (let k = 0; k < KEEP; k += bulk) mp.putAt(base + k * 4, bulk);
  }
  return (performance.now() - t0) / 1000;
}

/** Worker lcore side: waits for the start flag, runs the loop, stores its seconds (f64) at `result`. */
export function perfWorker(arg: { name: string; bulk: number; iters: number; flag: number; result: number }): number {
  const mp = Mempool.lookup(arg.name);
  if (mp === null) return -1;
  const w = eal.sharedWindow();
  const objs = eal.burstArray(KEEP);
  timedLoop(mp, objs, arg.bulk, 1000); // warm up (JIT)
  Atomics.add(w.i32, (arg.flag >>> 2) + 1, 1);
  while (Atomics.load(w.i32, arg.flag >>> 2) === 0) {
    /* wait for the start */
  }
  w.f64[arg.result >>> 3] = timedLoop(mp, objs, arg.bulk, arg.iters);
  return 0;
}
