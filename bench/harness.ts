// Benchmark helpers: medians, RESULT lines, and the DPDK C side built on the fly against Debian's libdpdk
// (never committed as a binary).

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';

export function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(4);
}

/** Prints `RESULT name=<case> ours=<v> dpdk=<v> unit=<u> ratio=<ours/dpdk>` (dpdk NaN when unavailable). */
export function result(name: string, ours: number, dpdk: number, unit: string): void {
  const ratio = Number.isFinite(dpdk) && dpdk > 0 ? (ours / dpdk).toFixed(3) : 'n/a';
  console.log(`RESULT name=${name} ours=${fmt(ours)} dpdk=${Number.isFinite(dpdk) ? fmt(dpdk) : 'n/a'} unit=${unit} ratio=${ratio}`);
}

/** Source path of a C benchmark under bench/c/ (works from dist/bench). */
export function cSource(name: string): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const p of [join(here, 'c', name), join(here, '..', '..', 'bench', 'c', name)]) if (existsSync(p)) return p;
  throw new Error(`C benchmark source ${name} not found`);
}

/** Compiles a C file against libdpdk (pkg-config) into a temp dir; returns the binary path, or null with a reason. */
export function buildDpdkC(file: string): { bin: string | null; reason: string } {
  let flags: string[];
  try {
    flags = execFileSync('pkg-config', ['--cflags', '--libs', 'libdpdk'], { encoding: 'utf8' }).trim().split(/\s+/);
  } catch {
    return { bin: null, reason: 'libdpdk-dev not installed (apt-get install libdpdk-dev pkg-config)' };
  }
  const src = readFileSync(file);
  const hash = createHash('sha1').update(src).update(flags.join(' ')).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), 'tsdpdk-bench');
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, `${hash}`);
  if (!existsSync(bin)) {
    try {
      execFileSync('cc', ['-O3', '-o', bin, file, ...flags, '-lpthread'], { stdio: 'pipe' });
    } catch (e) {
      return { bin: null, reason: `cc failed: ${(e as { stderr?: Buffer }).stderr?.toString() ?? e}` };
    }
  }
  return { bin, reason: '' };
}

/** Runs a C benchmark; parses "<case> <value>" lines into a map. */
export function runDpdkC(bin: string, args: string[], timeoutMs = 300000): Map<string, number> {
  const out = execFileSync(bin, args, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  const m = new Map<string, number>();
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length === 2 && Number.isFinite(Number(f[1]))) m.set(f[0]!, Number(f[1]));
  }
  return m;
}

/** Counts GC events while `fn` runs (for the "no GC growth in steady state" checks). */
export async function countGc<T>(fn: () => T | Promise<T>): Promise<{ value: T; gcCount: number }> {
  let n = 0;
  const obs = new PerformanceObserver((list) => {
    n += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  const value = await fn();
  await new Promise((r) => setImmediate(r));
  obs.disconnect();
  return { value, gcCount: n };
}

/** Number of runs per case (BENCH_RUNS, default 5). */
export function runs(): number {
  return Number(process.env.BENCH_RUNS ?? 5);
}
