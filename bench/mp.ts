// npm run bench -- mp
// Round trip of a `bus_vdev_mp` scan (REQ, two SCAN_ONE broadcasts, REP) through a primary's mp thread:
// our primary vs dpdk-testpmd, both with --vdev net_null0 --vdev net_null1, asked by the same socket-level
// client in this process. Also ours only: requestSync from a secondary's main thread to a primary action.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, result, runs } from './harness.js';
import { configLocked, mpAddon, secondarySocketPath } from '../src/lib/eal/mp_socket.js';
import { decodeMsg, encodeMsg, MpType } from '../src/lib/eal/mp_wire.js';
import { runtimeDirPath } from '../src/lib/eal/runtime_dir.js';

const N = 300;
const none = new Int32Array(8);
const children: ChildProcess[] = [];

function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}

async function waitPrimary(dir: string): Promise<boolean> {
  for (let i = 0; i < 400; i++) {
    if (existsSync(join(dir, 'mp_socket')) && configLocked(join(dir, 'config'))) return true;
    await sleep(50);
  }
  return false;
}

/** Median microseconds per scan round trip over `runs()` runs of N scans. */
async function scanRtt(dir: string): Promise<number> {
  const a = mpAddon();
  const self = secondarySocketPath(dir);
  const fd = a.mpBind(self);
  const buf = new Uint8Array(400);
  const fds = new Int32Array(8);
  const param = new Uint8Array(72);
  param[0] = 1; // VDEV_SCAN_REQ
  const req = encodeMsg(MpType.REQ, { name: 'bus_vdev_mp', param, fds: [] }).slice();
  const to = join(dir, 'mp_socket');
  const scan = (): boolean => {
    a.mpSend(fd, to, req, none, 0);
    for (;;) {
      const g = a.mpRecv(fd, buf, fds, 2000);
      if (g === null) return false;
      const m = decodeMsg(buf, g.len, g.truncated, fds, g.nfds);
      if (typeof m === 'string') return false;
      if (m.type === MpType.REP) return true;
      if (m.type === MpType.IGN) return false;
    }
  };
  try {
    for (let i = 0; i < 50; i++) if (!scan()) { await sleep(100); i = -1; } // warm up (and wait out IGN)
    const per: number[] = [];
    for (let r = 0; r < runs(); r++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < N; i++) if (!scan()) throw new Error(`scan failed at ${dir}`);
      per.push(Number(process.hrtime.bigint() - t0) / 1000 / N);
    }
    return median(per);
  } finally {
    a.mpClose(fd);
    rmSync(self, { force: true });
  }
}

function oursPrimary(prefix: string): ChildProcess {
  const c = spawn(process.execPath, [fileURLToPath(new URL('./mp_primary.js', import.meta.url)), prefix], { stdio: ['pipe', 'ignore', 'inherit'] });
  children.push(c);
  return c;
}

async function stop(c: ChildProcess, how: 'stdin' | 'SIGINT'): Promise<void> {
  if (how === 'stdin') c.stdin?.end();
  else c.kill('SIGINT');
  const t = setTimeout(() => c.kill('SIGKILL'), 10000);
  await new Promise<void>((ok) => { if (c.exitCode !== null || c.signalCode !== null) ok(); else c.once('close', () => ok()); });
  clearTimeout(t);
}

try {
  // Ours.
  const pOurs = `benchmp${process.pid}`;
  const ours = oursPrimary(pOurs);
  const dirOurs = runtimeDirPath(pOurs);
  if (!(await waitPrimary(dirOurs))) throw new Error('our primary did not start');
  const oursUs = await scanRtt(dirOurs);

  // Secondary main thread -> primary mp-thread action, through the public API.
  const eal = await import('../src/lib/eal/index.js');
  eal.init(['-l', '1', '--proc-type=secondary', '--file-prefix', pOurs, '--log-level', 'error', '--no-telemetry']);
  const msg = { name: 'bench_echo', param: new Uint8Array(16), fds: [] };
  for (let i = 0; i < 50; i++) eal.mp.requestSync(msg, 2000);
  const per: number[] = [];
  for (let r = 0; r < runs(); r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) eal.mp.requestSync(msg, 2000);
    per.push(Number(process.hrtime.bigint() - t0) / 1000 / N);
  }
  await eal.cleanup();
  await stop(ours, 'stdin');

  // DPDK.
  let dpdkUs = NaN;
  const bin = spawnSync('sh', ['-c', 'command -v dpdk-testpmd'], { encoding: 'utf8' }).stdout.trim();
  if (bin !== '' && process.getuid?.() === 0) {
    const pD = `benchmpd${process.pid}`;
    const tp = spawn(bin, ['--no-huge', '-m', '256', '--no-pci', '-l', '0-1', '--file-prefix', pD, '--vdev', 'net_null0', '--vdev', 'net_null1',
      '--log-level', 'bus.vdev:notice', '--', '--total-num-mbufs=2048', '--stats-period', '1000'], { stdio: ['ignore', 'ignore', 'ignore'] });
    children.push(tp);
    const dirD = join('/var/run/dpdk', pD);
    try {
      if (await waitPrimary(dirD)) dpdkUs = await scanRtt(dirD);
    } finally {
      await stop(tp, 'SIGINT');
      rmSync(dirD, { recursive: true, force: true });
    }
  } else {
    console.error('dpdk-testpmd (or root) unavailable: dpdk=n/a');
  }
  result('vdev_scan_rtt', oursUs, dpdkUs, 'us/op');
  result('request_sync_rtt', median(per), NaN, 'us/op');
  rmSync(dirOurs, { recursive: true, force: true });
} finally {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
