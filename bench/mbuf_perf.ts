// bench/mbuf: rte_pktmbuf_alloc_bulk + rte_pktmbuf_free_bulk of 32, and alloc + free of one, on a pool
// of 8191 mbufs (cache 256, 2176-byte buffers); ours vs DPDK C (bench/c/mbuf_perf.c against libdpdk)
// in the same run with the same EAL options; mbufs per second. Then a GC check: the bulk loop for
// BENCH_GC_SECONDS (10) must see no GC event.
import { performance } from 'node:perf_hooks';
import * as eal from '../src/lib/eal/index.js';
import type { Mempool } from '../src/lib/mempool/index.js';
import * as mbuf from '../src/lib/mbuf/index.js';
import { buildDpdkC, countGc, cSource, median, result, runDpdkC, runs } from './harness.js';

const SECS = Number(process.env.BENCH_CASE_SECONDS ?? 0.3);
const BULK = 32;

function bulkLoop(mp: Mempool, arr: Uint32Array, iters: number): number {
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) {
    if (mbuf.allocBulk(mp, arr, BULK) !== 0) throw new Error('alloc_bulk failed');
    mbuf.freeBulk(arr, BULK);
  }
  return (performance.now() - t0) / 1000;
}

function singleLoop(mp: Mempool, iters: number): number {
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) {
    const m = mbuf.alloc(mp);
    if (m === 0) throw new Error('alloc failed');
    mbuf.free(m);
  }
  return (performance.now() - t0) / 1000;
}

export async function run(): Promise<void> {
  const prefix = `bench_mbuf_${process.pid}`;
  const ealArgs = ['--no-huge', '-m', '256', '-l', '0-1', '--no-pci', '--log-level=error'];
  eal.init([...ealArgs, '--file-prefix', prefix]);
  const mp = mbuf.pktmbufPoolCreate('perf_mbuf', 8191, 256, 0, mbuf.MBUF_DEFAULT_BUF_SIZE);
  const arr = eal.burstArray(BULK);
  const ours = new Map<string, number[]>();
  const push = (k: string, v: number) => ours.set(k, [...(ours.get(k) ?? []), v]);
  const dpdk = new Map<string, number[]>();
  const c = buildDpdkC(cSource('mbuf_perf.c'));
  if (!c.bin) console.log(`# DPDK C side unavailable: ${c.reason}`);
  // Ours and DPDK alternate run by run, so load from other processes hits both alike.
  for (let r = 0; r < runs(); r++) {
    let probe = 20000 / bulkLoop(mp, arr, 20000);
    push('pktmbuf_alloc_free_bulk32', (Math.ceil(probe * SECS) * BULK) / bulkLoop(mp, arr, Math.ceil(probe * SECS)));
    probe = 200000 / singleLoop(mp, 200000);
    push('pktmbuf_alloc_free_1', Math.ceil(probe * SECS) / singleLoop(mp, Math.ceil(probe * SECS)));
    if (c.bin) {
      for (const [k, v] of runDpdkC(c.bin, [...ealArgs, '--file-prefix', `${prefix}_c`, '--', String(SECS)])) dpdk.set(k, [...(dpdk.get(k) ?? []), v]);
    }
  }
  const gcSecs = Number(process.env.BENCH_GC_SECONDS ?? 10);
  bulkLoop(mp, arr, 100000);
  const gc = await countGc(() => {
    let t = 0;
    while (t < gcSecs) t += bulkLoop(mp, arr, 200000);
    return t;
  });
  if (!mp.full()) throw new Error('mbufs leaked');
  mp.free();
  await eal.cleanup();

  for (const [k, v] of ours) {
    const d = dpdk.get(k);
    result(k, median(v) / 1e6, d ? median(d) / 1e6 : NaN, 'Mobj/s');
  }
  result(`mbuf_gc_events_alloc_free_bulk32_${gc.value.toFixed(1)}s`, gc.gcCount, NaN, 'events');
}

if (process.argv[1]?.endsWith('mbuf_perf.js') || process.argv[1]?.endsWith('mbuf.js')) await run();
