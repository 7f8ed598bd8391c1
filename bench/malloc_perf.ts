// bench/malloc and bench/memzone: rte_malloc/rte_free and memzone reserve/free/lookup rates, ours
// vs DPDK C (bench/c/malloc_perf.c against libdpdk) with the same EAL memory mode in the same run.
import { performance } from 'node:perf_hooks';
import * as eal from '../src/lib/eal/index.js';
import { buildDpdkC, cSource, median, result, runDpdkC, runs } from './harness.js';

const N = 20000;

function mallocFreePairs(size: number, iters: number): number {
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) eal.free(eal.malloc('b', size));
  return iters / ((performance.now() - t0) / 1000);
}

function mallocManyThenFree(size: number): number {
  const ptrs = new Uint32Array(N);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) ptrs[i] = eal.malloc('b', size);
  for (let i = 0; i < N; i++) eal.free(ptrs[i]!);
  return (2 * N) / ((performance.now() - t0) / 1000);
}

function memzoneReserveFree(count: number): number {
  const zs: eal.Memzone[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) zs.push(eal.memzoneReserve(`bz_${i}`, 4096));
  for (const z of zs) eal.memzoneFree(z);
  return (2 * count) / ((performance.now() - t0) / 1000);
}

function memzoneLookup(count: number, iters: number): number {
  const zs: eal.Memzone[] = [];
  for (let i = 0; i < count; i++) zs.push(eal.memzoneReserve(`lz_${i}`, 64));
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) {
    if (eal.memzoneLookup(`lz_${i % count}`) === null) throw new Error('lookup failed');
  }
  const r = iters / ((performance.now() - t0) / 1000);
  for (const z of zs) eal.memzoneFree(z);
  return r;
}

export async function run(which: 'malloc' | 'memzone'): Promise<void> {
  const prefix = `bench_${which}_${process.pid}`;
  const ealArgs = ['--no-huge', '-m', '256', '-l', '0', '--no-pci', '--log-level=error'];
  const ours = new Map<string, number[]>();
  const push = (k: string, v: number) => ours.set(k, [...(ours.get(k) ?? []), v]);
  eal.init([...ealArgs, '--file-prefix', prefix]);
  // Warm-up, not recorded: let V8 optimise the paths first (the C side is compiled ahead of time;
  // without this the first of the few runs measures the JIT more than the heap).
  if (which === 'malloc') {
    mallocFreePairs(64, 50000);
    mallocFreePairs(4096, 50000);
    mallocManyThenFree(256);
  } else {
    for (let i = 0; i < 5; i++) memzoneReserveFree(1000);
    memzoneLookup(100, 50000);
  }
  // Ours and DPDK alternate run by run (one C process per run), so the VM's swings in speed hit both
  // sides of a comparison alike.
  const dpdk = new Map<string, number[]>();
  const c = buildDpdkC(cSource('malloc_perf.c'));
  if (!c.bin) console.log(`# DPDK C side unavailable: ${c.reason}`);
  for (let r = 0; r < runs(); r++) {
    if (which === 'malloc') {
      push('malloc_free_64B', mallocFreePairs(64, 200000));
      push('malloc_free_4KB', mallocFreePairs(4096, 200000));
      push('malloc_20k_then_free_256B', mallocManyThenFree(256));
    } else {
      push('memzone_reserve_free_4KB', memzoneReserveFree(1000));
      push('memzone_lookup_of_100', memzoneLookup(100, 200000));
    }
    if (c.bin) {
      for (const [k, v] of runDpdkC(c.bin, [...ealArgs, '--file-prefix', `${prefix}_c`, '--', which])) dpdk.set(k, [...(dpdk.get(k) ?? []), v]);
    }
  }
  await eal.cleanup();

  for (const [k, v] of ours) {
    const d = dpdk.get(k);
    result(k, median(v) / 1e6, d ? median(d) / 1e6 : NaN, 'Mops/s');
  }
}

if (process.argv[1]?.endsWith('malloc_perf.js') || process.argv[1]?.endsWith('malloc.js')) await run('malloc');
