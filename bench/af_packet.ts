// bench/af_packet: what crosses the kernel through net_af_packet, tsdpdk-testpmd vs Debian's dpdk-testpmd.
// A veth pair afpb0<n>/afpb1<n> (n = pid % 1000) lives in a fresh network namespace (both ends up, IPv6
// off so no stray packets). Per run, two processes of the SAME program run inside that namespace:
// B `--forward-mode=rxonly` on afpb1 (started first) and A `--forward-mode=txonly` (64-byte packets) on
// afpb0. Both use `-l 0-1`; by default with `--main-lcore` set so that A forwards on CPU 0 and B on CPU 1
// (afp_txonly_rxonly_64B), then with both forwarding lcores on CPU 1 (`_shared_core`: the two busy-polling
// threads time-slice one CPU and B's Rx ring overflows while B is descheduled). The rate is the median of B's per-second "Rx-pps" samples of its --stats-period=1 screens (first
// two skipped: warm-up). Runs alternate ours / DPDK BENCH_RUNS times (default 3); each process is stopped
// with SIGINT after ~6 s and killed if it hangs. Needs root (netns, veth, CAP_NET_RAW).

import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median, result, runs } from './harness.js';

const OURS = fileURLToPath(new URL('../src/app/testpmd/main.js', import.meta.url));
const N = process.pid % 1000;
const NS = `afpbns${process.pid}`;
const A = `afpb0${N}`;
const B = `afpb1${N}`;
const RUN_MS = Number(process.env.BENCH_SECONDS ?? 6) * 1000;

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message || r.status}`);
}
const nsExec = (args: string[]): void => sh('ip', ['netns', 'exec', NS, ...args]);

function dpdkTestpmd(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v dpdk-testpmd'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
}

/** Rx-pps of every --stats-period screen after the first two (one port). */
function screenRates(out: string): number[] {
  const screens = out.split('Port statistics ====================================').slice(1);
  const rates: number[] = [];
  for (const s of screens.slice(2)) {
    const m = /Rx-pps: +(\d+)/.exec(s);
    if (m) rates.push(Number(m[1]));
  }
  return rates;
}

let seq = 0;
const prefixes: string[] = [];

interface Proc { done: Promise<{ code: number | null; out: string; err: string }>; stop: () => void; started: Promise<void> }

/** Starts one testpmd inside the namespace on `iface`; `started` resolves at its first stats screen. */
function start(which: string, iface: string, mode: string, mainLcore: number): Proc {
  const prefix = `afpbench_${process.pid}_${seq++}`;
  prefixes.push(prefix);
  const args = [
    '--no-huge', '-m', '512', '--no-pci', '-l', '0-1', '--main-lcore', String(mainLcore), '--file-prefix', prefix,
    '--vdev', `net_af_packet0,iface=${iface}`, '--',
    `--forward-mode=${mode}`, '--stats-period=1', '--total-num-mbufs=16384',
  ];
  // `ip netns exec` execs the program, so signals reach testpmd itself. dpdk-testpmd's stdout is a pipe:
  // line-buffer it so the screens arrive as they are printed.
  const cmd = which === 'ours' ? [process.execPath, OURS, ...args] : ['stdbuf', '-oL', which, ...args];
  const child = spawn('ip', ['netns', 'exec', NS, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  let onStart: () => void = () => {};
  const started = new Promise<void>((r) => (onStart = r));
  child.stdout.on('data', (d: string) => {
    out += d;
    if (out.includes('Port statistics')) onStart();
  });
  child.stderr.on('data', (d: string) => (err += d));
  let hard: NodeJS.Timeout | null = null;
  const stop = (): void => {
    child.kill('SIGINT');
    hard ??= setTimeout(() => child.kill('SIGKILL'), 5000);
  };
  // Bound on the whole process (start-up included) in case it never prints a screen.
  const bound = setTimeout(stop, RUN_MS + 15000);
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(bound);
      if (hard) clearTimeout(hard);
      onStart();
      resolve({ code, out, err });
    });
  });
  return { done, stop, started };
}

/** One run: rxonly on B, then txonly on A; returns B's Rx-pps samples (none on failure). */
async function runPair(which: string, split: boolean): Promise<number[]> {
  const rx = start(which, B, 'rxonly', 0);
  await rx.started;
  const tx = start(which, A, 'txonly', split ? 1 : 0);
  await tx.started;
  await new Promise((r) => setTimeout(r, RUN_MS));
  tx.stop();
  rx.stop();
  const [t, r] = await Promise.all([tx.done, rx.done]);
  const rates = screenRates(r.out);
  const name = which === 'ours' ? 'ours' : 'dpdk';
  if (rates.length === 0) {
    process.stderr.write(`${name}: rx exit ${r.code}, tx exit ${t.code}, no samples\n${r.err.slice(-1500)}\n${t.err.slice(-1500)}\n`);
    return [];
  }
  if (process.env.BENCH_VERBOSE) process.stderr.write(`${name}: ${r.out.split("Port statistics =").length - 1} rx screens, ${t.out.split("Port statistics =").length - 1} tx screens: Rx ${rates.map((x) => (x / 1e6).toFixed(3)).join(' ')} Mpps, Tx ${[...t.out.matchAll(/Tx-pps: +(\d+)/g)].slice(2).map((m) => (Number(m[1]) / 1e6).toFixed(3)).join(' ')} Mpps\n`);
  return rates;
}

if (process.getuid?.() !== 0) {
  console.error('af_packet bench needs root (network namespaces, veth, CAP_NET_RAW)');
  process.exit(1);
}
const dpdk = dpdkTestpmd();
if (dpdk === null) process.stderr.write('dpdk-testpmd not installed (apt-get install dpdk): dpdk column is n/a\n');
try {
  sh('ip', ['netns', 'add', NS]);
  nsExec(['ip', 'link', 'add', A, 'type', 'veth', 'peer', 'name', B]);
  for (const i of [A, B]) {
    nsExec(['sysctl', '-q', '-w', `net.ipv6.conf.${i}.disable_ipv6=1`]);
    nsExec(['ip', 'link', 'set', i, 'up']);
  }
  nsExec(['sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1']);
  const mpps = (xs: number[]): number => (xs.length === 0 ? NaN : median(xs) / 1e6);
  for (const split of [true, false]) {
    const ours: number[] = [];
    const ref: number[] = [];
    for (let i = 0; i < runs(); i++) {
      ours.push(...(await runPair('ours', split)));
      if (dpdk !== null) ref.push(...(await runPair(dpdk, split)));
    }
    result(`afp_txonly_rxonly_64B${split ? '' : '_shared_core'}`, mpps(ours), mpps(ref), 'Mpps');
  }
} finally {
  spawnSync('ip', ['netns', 'del', NS], { timeout: 10000 });
  // Deleting the namespace destroys the veth pair; make sure nothing is left behind.
  spawnSync('ip', ['link', 'del', A], { stdio: 'ignore', timeout: 10000 });
  for (const p of prefixes) for (const b of ['/var/run/dpdk', '/tmp/dpdk']) rmSync(`${b}/${p}`, { recursive: true, force: true });
}
