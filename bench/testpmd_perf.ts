// bench/testpmd: forwarding rate of tsdpdk-testpmd vs Debian's dpdk-testpmd, same arguments, same run:
// two net_null ports, one forwarding lcore (-l 0-1), io / mac / macswap. Each program runs with
// --stats-period=1 for BENCH_SECONDS (default 5) and is then stopped with SIGINT, alternating ours and
// DPDK BENCH_ROUNDS times (default 2, so a busy machine hurts both alike); the rate is the median of the
// per-second "Rx-pps" samples of the NIC statistics screens (first two of a run skipped: warm-up),
// averaged over the two ports, in Mpps per port.

import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median, result } from './harness.js';

const OURS = fileURLToPath(new URL('../src/app/testpmd/main.js', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

function dpdkTestpmd(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v dpdk-testpmd'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
}

/** Per-port Rx rates (pps) of every --stats-period screen after the first two. */
function screenRates(out: string): number[] {
  const screens = out.split('Port statistics ====================================').slice(1);
  const rates: number[] = [];
  for (const s of screens.slice(2)) {
    const pps = [...s.matchAll(/Rx-pps: +(\d+)/g)].map((m) => Number(m[1]));
    if (pps.length >= 2) rates.push((pps[0]! + pps[1]!) / 2);
  }
  return rates;
}

let seq = 0;
const prefixes: string[] = [];

/** Runs one testpmd for SECONDS of forwarding; returns its per-port pps samples (none on failure). */
function runOne(which: 'ours' | string, mode: string): Promise<number[]> {
  const prefix = `tpbench_${process.pid}_${seq++}`;
  prefixes.push(prefix);
  const args = [
    '--no-huge', '-m', '512', '--no-pci', '-l', '0-1', '--file-prefix', prefix,
    '--vdev', 'net_null0', '--vdev', 'net_null1', '--',
    `--forward-mode=${mode}`, '--stats-period=1', '--total-num-mbufs=16384',
  ];
  const child = which === 'ours' ? spawn(process.execPath, [OURS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(which, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errText = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => (errText += d));
  let timer: NodeJS.Timeout | null = null;
  const arm = (ms: number): void => {
    timer ??= setTimeout(() => child.kill('SIGINT'), ms);
  };
  child.stdout.on('data', (d: string) => {
    out += d;
    // Ours prints as it goes: time from the first screen. (dpdk-testpmd's piped stdout is buffered.)
    if (out.includes('Port statistics')) arm(SECONDS * 1000 + 500);
  });
  // dpdk-testpmd: start-up takes well under 2 s.
  if (which !== 'ours') arm(SECONDS * 1000 + 2000);
  const hard = setTimeout(() => child.kill('SIGKILL'), SECONDS * 1000 + 60000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(hard);
      if (timer) clearTimeout(timer);
      const rates = screenRates(out);
      if (code !== 0 || rates.length === 0) {
        process.stderr.write(`${which} ${mode}: exit ${code}, ${rates.length} screens\n${errText.slice(-2000)}\n`);
        resolve([]);
        return;
      }
      resolve(rates);
    });
  });
}

const dpdk = dpdkTestpmd();
if (dpdk === null) process.stderr.write('dpdk-testpmd not installed (apt-get install dpdk): dpdk column is n/a\n');
const mpps = (xs: number[]): number => (xs.length === 0 ? NaN : median(xs) / 1e6);
for (const mode of ['io', 'mac', 'macswap']) {
  const ours: number[] = [];
  const ref: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(...(await runOne('ours', mode)));
    if (dpdk !== null) ref.push(...(await runOne(dpdk, mode)));
  }
  result(`${mode}_null_2ports`, mpps(ours), mpps(ref), 'Mpps');
}
// Both programs leave their (empty) runtime directory behind.
for (const p of prefixes) for (const b of ['/var/run/dpdk', '/tmp/dpdk']) rmSync(`${b}/${p}`, { recursive: true, force: true });
