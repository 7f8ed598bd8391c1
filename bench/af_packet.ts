// bench/af_packet: what crosses the kernel through net_af_packet, tsdpdk-testpmd vs Debian's dpdk-testpmd.
// Needs root (netns, veth, CAP_NET_RAW). Everything runs in a fresh network namespace (IPv6 off, so no
// stray packets); each testpmd is stopped with SIGINT after ~BENCH_SECONDS (6) s and killed if it hangs.
// Runs alternate ours / DPDK BENCH_RUNS times (default 3); a RESULT is the median of all per-second
// samples after the first two of each run (warm-up).
//
// afp_txonly_rxonly_64B[_shared_core]: veth pair afpb0<n>/afpb1<n> (n = pid % 1000). Two processes of the
// SAME program: B `--forward-mode=rxonly` on afpb1 (started first) and A `--forward-mode=txonly` (64-byte
// packets) on afpb0; the rate is B's "Rx-pps" per --stats-period=1 screen. Both use `-l 0-1`, with
// `--main-lcore` set so that A forwards on CPU 0 and B on CPU 1 (split), then with both forwarding
// lcores on CPU 1 (`_shared_core`: the two busy-polling threads time-slice one CPU).
//
// afp_io_64B: two veth pairs, afpg<n> -> afpi<n> and afpo<n> -> afpc<n>. A generator (dpdk-testpmd
// txonly when installed, else ours; the same one for both columns) sends 64-byte packets into afpg and
// forwards on CPU 0; the forwarder under test runs `--forward-mode=io` between net_af_packet ports on
// afpi and afpo with the same devargs for ours and DPDK, forwarding on CPU 1; the rate is what arrives
// on afpc, read from the kernel's counter (/sys/class/net/afpc<n>/statistics/rx_packets, sampled every
// second): no third busy-polling process is needed to count.
//
// afp_txring (AFP_CASES=txring, not in the default set; no DPDK column): the V2 and V3 Tx rings compared
// by CPU time, which another tenant's load disturbs far less than a rate: a child process sends 64-byte
// packets in bursts of 32 through net_af_packet (tpacket=2 or 3) into a veth whose peer has no listener,
// and reports (user + system CPU time) / packets; runs alternate V2/V3, prints medians (ns/packet).
//
// AFP_CASES picks cases (default txrx,txrx_shared,io); AFP_DPDK=0 skips the DPDK column.
// AFP_OURS_TX_DEVARGS / AFP_OURS_RX_DEVARGS (e.g. `tpacket=2`) are appended to ours' txonly / rxonly
// devargs: how the V2 and V3 Tx rings were compared (docs/af_packet.md).

import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median, result, runs } from './harness.js';
import * as eal from '../src/lib/eal/index.js';
import * as ethdev from '../src/lib/ethdev/index.js';
import * as mbuf from '../src/lib/mbuf/index.js';
import { vdevCreate } from '../src/drivers/bus/vdev/vdev.js';
import '../src/drivers/net/index.js';

const OURS = fileURLToPath(new URL('../src/app/testpmd/main.js', import.meta.url));
const N = process.pid % 1000;
const NS = `afpbns${process.pid}`;
const A = `afpb0${N}`;
const B = `afpb1${N}`;
const G = `afpg${N}`; // generator's end
const I = `afpi${N}`; // forwarder's input
const O = `afpo${N}`; // forwarder's output
const C = `afpc${N}`; // counted by the kernel
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
function start(which: string, vdevs: string[], mode: string, mainLcore: number): Proc {
  const prefix = `afpbench_${process.pid}_${seq++}`;
  prefixes.push(prefix);
  const args = [
    '--no-huge', '-m', '512', '--no-pci', '-l', '0-1', '--main-lcore', String(mainLcore), '--file-prefix', prefix,
    ...vdevs.flatMap((v) => ['--vdev', v]), '--',
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
  const ours = which === 'ours';
  const extra = (env: string): string => (ours && process.env[env] ? `,${process.env[env]}` : '');
  const rx = start(which, [`net_af_packet0,iface=${B}${extra('AFP_OURS_RX_DEVARGS')}`], 'rxonly', 0);
  await rx.started;
  const tx = start(which, [`net_af_packet0,iface=${A}${extra('AFP_OURS_TX_DEVARGS')}`], 'txonly', split ? 1 : 0);
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

/** afpc's kernel Rx counter (`ip netns exec` mounts the namespace's own /sys). */
function rxCounter(): number {
  const r = spawnSync('ip', ['netns', 'exec', NS, 'cat', `/sys/class/net/${C}/statistics/rx_packets`], { encoding: 'utf8', timeout: 5000 });
  return Number(r.stdout.trim());
}

/** One io run: generator on G, forwarder `which` between I and O; returns the per-second rates on C. */
async function runIo(which: string, generator: string): Promise<number[]> {
  // The generator forwards on CPU 0 (main lcore 1), the forwarder on CPU 1 (main lcore 0).
  const fwd = start(which, [`net_af_packet0,iface=${I}`, `net_af_packet1,iface=${O}`], 'io', 0);
  await fwd.started;
  const gen = start(generator, [`net_af_packet0,iface=${G}`], 'txonly', 1);
  await gen.started;
  const samples: number[] = [];
  let last = rxCounter();
  for (let t = 0; t < RUN_MS; t += 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = rxCounter();
    samples.push(now - last);
    last = now;
  }
  gen.stop();
  fwd.stop();
  const [g, f] = await Promise.all([gen.done, fwd.done]);
  const name = which === 'ours' ? 'ours' : 'dpdk';
  const rates = samples.slice(2);
  if (!f.out.includes('Port statistics') || rates.every((x) => x === 0)) {
    process.stderr.write(`${name} io: forwarder exit ${f.code}, generator exit ${g.code}, no traffic\n${f.err.slice(-1500)}\n${g.err.slice(-1500)}\n`);
    return [];
  }
  if (process.env.BENCH_VERBOSE) {
    const genTx = [...g.out.matchAll(/Tx-pps: +(\d+)/g)].slice(2).map((m) => (Number(m[1]) / 1e6).toFixed(3));
    process.stderr.write(`${name} io: forwarded ${rates.map((x) => (x / 1e6).toFixed(3)).join(' ')} Mpps; generator Tx ${genTx.join(' ')} Mpps\n`);
  }
  return rates;
}

/** Child of the txring case: CPU ns per packet sent through the `version` Tx ring on iface. */
async function txringChild(iface: string, version: string, count: number): Promise<void> {
  eal.init(['-l', '0', '--no-huge', '-m', '256', '--no-shconf', '--file-prefix', `afptxr${process.pid}`, '--log-level', 'error']);
  const pool = mbuf.pktmbufPoolCreate('txr', 8191, 256, 0, 2176, -1);
  const p = vdevCreate(`net_af_packet0,iface=${iface},tpacket=${version}`);
  ethdev.configure(p, 1, 1, { rxmode: { offloads: 0n }, txmode: { offloads: 0n } });
  ethdev.rxQueueSetup(p, 0, 0, -1, null, pool);
  ethdev.txQueueSetup(p, 0, 0, -1, null);
  ethdev.start(p);
  const b = eal.burstArray(32);
  const u8 = eal.sharedWindow().u8;
  const send = (n: number): void => {
    let left = n;
    while (left > 0) {
      const k = Math.min(32, left);
      if (mbuf.allocBulk(pool, b, k) !== 0) throw new Error('mempool empty');
      for (let i = 0; i < k; i++) {
        const d = mbuf.append(b[i]!, 64);
        u8.fill(0, d, d + 64);
        u8[d] = 2; // locally administered destination, nobody's
        u8[d + 12] = 0x88;
        u8[d + 13] = 0xb5;
      }
      const s = ethdev.txBurst(p, 0, b, k);
      for (let i = s; i < k; i++) mbuf.free(b[i]!);
      left -= s;
    }
  };
  send(200000); // warm-up (JIT, ring pages)
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  send(count);
  const c = process.cpuUsage(c0);
  const ns = Number(process.hrtime.bigint() - t0);
  process.stdout.write(`TXRING ${(((c.user + c.system) * 1000) / count).toFixed(1)} ${(count / (ns / 1e9) / 1e6).toFixed(3)}\n`);
  ethdev.stop(p);
  ethdev.close(p);
  await eal.cleanup();
}

/** The txring case: alternating V2/V3 children on A (B up, no listener). */
function runTxring(): void {
  const cpu: Record<string, number[]> = { 2: [], 3: [] };
  const rate: Record<string, number[]> = { 2: [], 3: [] };
  const self = fileURLToPath(import.meta.url);
  for (let i = 0; i < runs(); i++) {
    for (const v of ['2', '3']) {
      const r = spawnSync('ip', ['netns', 'exec', NS, process.execPath, self, '--txring-child', A, v, '2000000'], { encoding: 'utf8', timeout: 120000 });
      const m = /TXRING ([\d.]+) ([\d.]+)/.exec(r.stdout ?? '');
      if (!m) {
        process.stderr.write(`txring V${v}: ${r.stderr}\n`);
        continue;
      }
      cpu[v]!.push(Number(m[1]));
      rate[v]!.push(Number(m[2]));
      if (process.env.BENCH_VERBOSE) process.stderr.write(`txring V${v}: ${m[1]} ns/packet, ${m[2]} Mpps\n`);
    }
  }
  console.log(`TXRING v2=${median(cpu[2]!).toFixed(1)} v3=${median(cpu[3]!).toFixed(1)} unit=cpu_ns_per_packet runs=${cpu[3]!.length}` +
    ` (rates v2=${median(rate[2]!).toFixed(3)} v3=${median(rate[3]!).toFixed(3)} Mpps)`);
}

if (process.argv[2] === '--txring-child') {
  await txringChild(process.argv[3]!, process.argv[4]!, Number(process.argv[5]));
  process.exit(0);
}

if (process.getuid?.() !== 0) {
  console.error('af_packet bench needs root (network namespaces, veth, CAP_NET_RAW)');
  process.exit(1);
}
const dpdk = process.env.AFP_DPDK === '0' ? null : dpdkTestpmd();
if (dpdk === null) process.stderr.write('dpdk-testpmd not installed (apt-get install dpdk): dpdk column is n/a\n');
try {
  sh('ip', ['netns', 'add', NS]);
  nsExec(['ip', 'link', 'add', A, 'type', 'veth', 'peer', 'name', B]);
  for (const i of [A, B]) {
    nsExec(['sysctl', '-q', '-w', `net.ipv6.conf.${i}.disable_ipv6=1`]);
    nsExec(['ip', 'link', 'set', i, 'up']);
  }
  nsExec(['sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1']);
  nsExec(['ip', 'link', 'add', G, 'type', 'veth', 'peer', 'name', I]);
  nsExec(['ip', 'link', 'add', O, 'type', 'veth', 'peer', 'name', C]);
  for (const i of [G, I, O, C]) {
    nsExec(['sysctl', '-q', '-w', `net.ipv6.conf.${i}.disable_ipv6=1`]);
    nsExec(['ip', 'link', 'set', i, 'up']);
  }
  const mpps = (xs: number[]): number => (xs.length === 0 ? NaN : median(xs) / 1e6);
  const cases = (process.env.AFP_CASES ?? 'txrx,txrx_shared,io').split(',');
  if (cases.includes('txring')) runTxring();
  if (cases.includes('io')) {
    const generator = dpdk ?? 'ours';
    const ours: number[] = [];
    const ref: number[] = [];
    for (let i = 0; i < runs(); i++) {
      ours.push(...(await runIo('ours', generator)));
      if (dpdk !== null) ref.push(...(await runIo(dpdk, generator)));
    }
    result('afp_io_64B', mpps(ours), mpps(ref), 'Mpps');
  }
  for (const split of [true, false].filter((x) => cases.includes(x ? 'txrx' : 'txrx_shared'))) {
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
  for (const l of [A, G, O]) spawnSync('ip', ['link', 'del', l], { stdio: 'ignore', timeout: 10000 });
  for (const p of prefixes) for (const b of ['/var/run/dpdk', '/tmp/dpdk']) rmSync(`${b}/${p}`, { recursive: true, force: true });
}
