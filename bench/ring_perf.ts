// bench/ring_perf (npm run bench -- ring): rte_ring enqueue/dequeue rates, ours vs DPDK C
// (bench/c/ring_perf.c against libdpdk, 4-byte elements) with the same EAL options in the same run.
// Objects per second: objects that went through the ring (enqueued and dequeued).
//   BENCH_RUNS (default 5) runs per case, medians; BENCH_SCALE scales the object counts;
//   BENCH_GC_SECONDS (default 10) for the steady-state GC check.
import { isMainThread } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import * as eal from '../src/lib/eal/index.js';
import { Ring, RING_F_SC_DEQ, RING_F_SP_ENQ } from '../src/lib/ring/index.js';
import { buildDpdkC, countGc, cSource, median, result, runDpdkC, runs } from './harness.js';

const RING_SIZE = 4096;
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const N1 = Math.floor((1 << 23) * SCALE);
const N8 = Math.floor((1 << 24) * SCALE);
const N32 = Math.floor((1 << 25) * SCALE);

type Kind = 'bulk' | 'burst';

// One function per call shape keeps every call site monomorphic, as in a real data path.
function single(r: Ring, mp: boolean, total: number): number {
  const t0 = performance.now();
  if (mp) {
    for (let i = 0; i < total; i++) {
      r.mpEnqueue(i);
      r.mcDequeue();
    }
  } else {
    for (let i = 0; i < total; i++) {
      r.spEnqueue(i);
      r.scDequeue();
    }
  }
  return total / ((performance.now() - t0) / 1000);
}

function bulk(r: Ring, mp: boolean, a: Uint32Array, b: number, total: number): number {
  const iters = Math.floor(total / b);
  const t0 = performance.now();
  if (mp) {
    for (let i = 0; i < iters; i++) {
      if (r.mcDequeueBulk(a, r.mpEnqueueBulk(a, b)) !== b) throw new Error('bulk failed');
    }
  } else {
    for (let i = 0; i < iters; i++) {
      if (r.scDequeueBulk(a, r.spEnqueueBulk(a, b)) !== b) throw new Error('bulk failed');
    }
  }
  return (iters * b) / ((performance.now() - t0) / 1000);
}

function burst(r: Ring, mp: boolean, a: Uint32Array, b: number, total: number): number {
  const iters = Math.floor(total / b);
  const t0 = performance.now();
  if (mp) {
    for (let i = 0; i < iters; i++) {
      if (r.mcDequeueBurst(a, r.mpEnqueueBurst(a, b)) !== b) throw new Error('burst failed');
    }
  } else {
    for (let i = 0; i < iters; i++) {
      if (r.scDequeueBurst(a, r.spEnqueueBurst(a, b)) !== b) throw new Error('burst failed');
    }
  }
  return (iters * b) / ((performance.now() - t0) / 1000);
}

/** Worker lcore side of the two-lcore case: enqueues `total` objects in bursts of 32. */
export function producer(arg: { ring: string; total: number }): number {
  const r = Ring.lookup(arg.ring);
  const a = eal.burstArray(32);
  for (let i = 0; i < 32; i++) a[i] = i + 1;
  let done = 0;
  while (done < arg.total) done += r.enqueueBurst(a, arg.total - done < 32 ? arg.total - done : 32);
  return 0;
}

/** Main lcore consumes; timed from the first object received, like the C side. */
function twoLcore(r: Ring, a: Uint32Array, total: number): number {
  eal.remoteLaunch(1, new URL(import.meta.url), 'producer', { ring: r.name, total });
  let got = 0;
  let t0 = 0;
  while (got < total) {
    const n = r.dequeueBurst(a, 32);
    if (n !== 0 && got === 0) t0 = performance.now();
    got += n;
  }
  const t = (performance.now() - t0) / 1000;
  if (eal.waitLcore(1) !== 0) throw new Error(`producer failed: ${eal.lcoreLastError(1)}`);
  return total / t;
}

/** Every case: name (same as the C side's) and how to run it at a given scale. */
function cases(sp: Ring, mp: Ring, a: Uint32Array): [string, (scale: number) => number][] {
  const list: [string, (scale: number) => number][] = [];
  for (const [p, r, isMp] of [['sp_sc', sp, false], ['mp_mc', mp, true]] as const) {
    list.push([`${p}_single`, (s) => single(r, isMp, Math.floor(N1 * s))]);
    for (const kind of ['bulk', 'burst'] as Kind[]) {
      for (const b of [8, 32]) {
        const n = b === 8 ? N8 : N32;
        list.push([`${p}_${kind}_${b}`, (s) => (kind === 'bulk' ? bulk(r, isMp, a, b, Math.floor(n * s)) : burst(r, isMp, a, b, Math.floor(n * s)))]);
      }
    }
  }
  list.push(['sp_sc_2lcore_burst_32', (s) => twoLcore(sp, a, Math.floor(N32 * s))]);
  list.push(['mp_mc_2lcore_burst_32', (s) => twoLcore(mp, a, Math.floor(N32 * s))]);
  return list;
}

/** SP/SC burst-32 loop for `seconds`, counting GC events (the data path must allocate nothing). */
async function gcCheck(r: Ring, a: Uint32Array, seconds: number): Promise<{ gcCount: number; objs: number }> {
  const { value, gcCount } = await countGc(() => {
    const end = performance.now() + seconds * 1000;
    let objs = 0;
    while (performance.now() < end) {
      for (let i = 0; i < 10000; i++) r.dequeueBurst(a, r.enqueueBurst(a, 32));
      objs += 320000;
    }
    return objs;
  });
  return { gcCount, objs: value };
}

export async function run(): Promise<void> {
  const prefix = `bench_ring_${process.pid}`;
  const ealArgs = ['--no-huge', '-m', '256', '-l', '0-1', '--no-pci', '--log-level=error'];
  eal.init([...ealArgs, '--file-prefix', prefix]);
  const sp = Ring.create('perf_spsc', RING_SIZE, eal.SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
  const mp = Ring.create('perf_mpmc', RING_SIZE, eal.SOCKET_ID_ANY, 0);
  const a = eal.burstArray(64);
  for (let i = 0; i < 64; i++) a[i] = i + 1;
  const c = buildDpdkC(cSource('ring_perf.c'));
  if (!c.bin) console.log(`# DPDK C side unavailable: ${c.reason}`);
  const list = cases(sp, mp, a);
  for (const [, fn] of list) fn(0.05); // warm-up: let V8 and the Wasm tier-up settle
  // Ours and DPDK alternate case by case (one C process per case), so the VM's swings in speed
  // (other tenants, vCPU placement) hit both sides of a comparison alike.
  const ours = new Map<string, number[]>();
  const dpdk = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, v: number) => m.set(k, [...(m.get(k) ?? []), v]);
  for (let i = 0; i < runs(); i++) {
    for (const [name, fn] of list) {
      push(ours, name, fn(1));
      if (c.bin) for (const [k, v] of runDpdkC(c.bin, [...ealArgs, '--file-prefix', `${prefix}_c`, '--', String(SCALE), name])) push(dpdk, k, v);
    }
  }
  const gcSeconds = Number(process.env.BENCH_GC_SECONDS ?? 10);
  const gc = await gcCheck(sp, a, gcSeconds);
  sp.free();
  mp.free();
  await eal.cleanup();

  console.log(`# node ${process.version}, ${runs()} runs per case, medians; ring of ${RING_SIZE} slots, 4-byte objects`);
  for (const [k, v] of ours) {
    const d = dpdk.get(k);
    result(k, median(v) / 1e6, d ? median(d) / 1e6 : NaN, 'Mobj/s');
  }
  result(`gc_events_${gcSeconds}s`, gc.gcCount, 0, 'events');
  console.log(`# gc check: ${(gc.objs / 1e6).toFixed(0)}M objects through an SP/SC ring in bursts of 32 in ${gcSeconds} s, ${gc.gcCount} GC events`);
}

if (isMainThread && /[\\/]ring(_perf)?\.js$/.test(process.argv[1] ?? '')) await run();
