// bench/mempool: rte_mempool get/put bulk 1, 4 and 32 with and without a per-lcore cache (512), on 1
// and 2 lcores, ours vs DPDK C (bench/c/mempool_perf.c against libdpdk) measured in the same run with
// the same EAL options; objects through get+put per second, summed over lcores. Then a GC check: the
// cached bulk-32 loop for BENCH_GC_SECONDS (10) must see no GC event.
import * as eal from '../src/lib/eal/index.js';
import { Mempool } from '../src/lib/mempool/index.js';
import { buildDpdkC, countGc, cSource, median, result, runDpdkC, runs } from './harness.js';
import { KEEP, timedLoop } from './mempool_perf_worker.js';

const SECS = Number(process.env.BENCH_CASE_SECONDS ?? 0.2);
const ELT_SIZE = 2048;
const CACHE = 512;
const workerUrl = new URL('./mempool_perf_worker.js', import.meta.url);

let seq = 0;

function runCase(cache: number, bulk: number, nlcores: number, iters: number, flag: number, res: number): number {
  const name = `perf_${seq++}`;
  const n = nlcores * (KEEP + (CACHE * 3) / 2) - 1;
  const mp = Mempool.create(name, n, ELT_SIZE, cache);
  const objs = eal.burstArray(KEEP);
  const w = eal.sharedWindow();
  w.i32[flag >>> 2] = 0;
  w.i32[(flag >>> 2) + 1] = 0;
  if (nlcores === 2) {
    eal.remoteLaunch(1, workerUrl, 'perfWorker', { name, bulk, iters, flag, result: res });
    while (Atomics.load(w.i32, (flag >>> 2) + 1) === 0) {
      /* worker warming up */
    }
  }
  timedLoop(mp, objs, bulk, 1000);
  Atomics.store(w.i32, flag >>> 2, 1);
  const t = timedLoop(mp, objs, bulk, iters);
  let rate = (iters * KEEP) / t;
  if (nlcores === 2) {
    if (eal.waitLcore(1) !== 0) throw new Error(`worker failed: ${eal.lcoreLastError(1)}`);
    rate += (iters * KEEP) / w.f64[res >>> 3]!;
  }
  mp.free();
  return rate;
}

export async function run(): Promise<void> {
  const prefix = `bench_mempool_${process.pid}`;
  const ealArgs = ['--no-huge', '-m', '256', '-l', '0-1', '--no-pci', '--log-level=error'];
  eal.init([...ealArgs, '--file-prefix', prefix]);
  const nl = eal.lcoreCount();
  const flag = eal.zmalloc('bench', 64);
  const res = eal.zmalloc('bench', 64);
  const ours = new Map<string, number[]>();
  const dpdk = new Map<string, number[]>();
  const c = buildDpdkC(cSource('mempool_perf.c'));
  if (!c.bin) console.log(`# DPDK C side unavailable: ${c.reason}`);
  // Ours and DPDK alternate run by run, so load from other processes hits both alike.
  for (let r = 0; r < runs(); r++) {
    for (let lc = 1; lc <= Math.min(2, nl); lc++) {
      for (const cache of [CACHE, 0]) {
        for (const bulk of [1, 4, 32]) {
          const probe = runCase(cache, bulk, lc, 20000, flag, res);
          const iters = Math.ceil(((probe / lc) * SECS) / KEEP);
          const k = `${cache ? 'cache' : 'nocache'}_bulk${bulk}_${lc}lcore`;
          ours.set(k, [...(ours.get(k) ?? []), runCase(cache, bulk, lc, iters, flag, res)]);
        }
      }
    }
    if (c.bin) {
      for (const [k, v] of runDpdkC(c.bin, [...ealArgs, '--file-prefix', `${prefix}_c`, '--', String(SECS)])) dpdk.set(k, [...(dpdk.get(k) ?? []), v]);
    }
  }
  // Steady state allocates nothing: no GC event in a long cached bulk-32 loop.
  const gcSecs = Number(process.env.BENCH_GC_SECONDS ?? 10);
  const mp = Mempool.create('perf_gc', 2 * KEEP + CACHE * 2, ELT_SIZE, CACHE);
  const objs = eal.burstArray(KEEP);
  timedLoop(mp, objs, KEEP, 200000);
  const gc = await countGc(() => {
    let t = 0;
    while (t < gcSecs) t += timedLoop(mp, objs, KEEP, 1000000);
    return t;
  });
  mp.free();
  await eal.cleanup();

  for (const [k, v] of ours) {
    const d = dpdk.get(k);
    result(`mempool_${k}`, median(v) / 1e6, d ? median(d) / 1e6 : NaN, 'Mobj/s');
  }
  result(`mempool_gc_events_cache_bulk32_${gc.value.toFixed(1)}s`, gc.gcCount, NaN, 'events');
}

if (process.argv[1]?.endsWith('mempool_perf.js') || process.argv[1]?.endsWith('mempool.js')) await run();
