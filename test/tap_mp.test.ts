// net_tap queues from a secondary process (DPDK's tap_mp_sync_queues): a primary process creates the port
// and its queues; a secondary gets the queue fds over the mp channel (SCM_RIGHTS), then receives on queue
// 1 frames injected on the kernel side and transmits frames captured there; the primary's stats count the
// secondary's traffic; more than 8 fds come in several replies; unknown port and dead primary fail fast.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimeDirPath } from '../src/lib/eal/runtime_dir.js';
import { TAP_PEER_PY } from './fixtures/tap_peer.js';
import { skipOrFail } from './helpers.js';
import { udp } from './fwd_util.js';
import { JsonChild } from './json_child.js';

const PRIMARY = fileURLToPath(new URL('./fixtures/tap_mp_primary.js', import.meta.url));
const SECONDARY = fileURLToPath(new URL('./fixtures/tap_mp_secondary.js', import.meta.url));
const IF1 = `tsdmp${process.pid % 10000}a`;
const IF2 = `tsdmp${process.pid % 10000}b`;
const ET_IPV4 = 0x0800;
const children: ChildProcess[] = [];
const prefixes: string[] = [];
let skipReason: string | null = null;

function run(cmd: string, args: string[], timeout = 10000): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

function prefix(tag: string): string {
  const p = `tapmp${tag}${process.pid}`;
  prefixes.push(p);
  return p;
}

/** Fixture processes of this file (JSON lines on stdout), registered for the `after` cleanup. */
class Child extends JsonChild {
  constructor(script: string, args: string[]) {
    super(script, args, children);
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');


function peerSend(name: string, frames: Uint8Array[]): void {
  const r = spawnSync('python3', ['-c', TAP_PEER_PY, 'send', name, ...frames.map(hex)], { encoding: 'utf8', timeout: 5000 });
  assert.equal(r.status, 0, `peer send failed: ${r.stderr}`);
}

/** Starts a kernel-side capture of IPv4 frames; resolves once it listens. */
async function peerRecv(name: string, count: number, timeoutS = 3): Promise<{ done: Promise<string[]> }> {
  const p = spawn('python3', ['-c', TAP_PEER_PY, 'recv', name, String(count), String(timeoutS), ET_IPV4.toString(16)]);
  children.push(p);
  const kill = setTimeout(() => p.kill('SIGKILL'), (timeoutS + 3) * 1000);
  let out = '';
  let err = '';
  p.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const exited = new Promise<void>((res) => p.on('close', () => { clearTimeout(kill); res(); }));
  await new Promise<void>((res, rej) => {
    p.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.startsWith('ready\n')) res();
    });
    void exited.then(() => rej(new Error(`peer recv exited early: ${err}`)));
  });
  return { done: exited.then(() => out.split('\n').slice(1).filter((l) => l.length > 0)) };
}

before(() => {
  if (process.getuid?.() !== 0) skipReason = 'needs root (CAP_NET_ADMIN to create TAP interfaces)';
  else if (!existsSync('/dev/net/tun')) skipReason = '/dev/net/tun is missing';
  else if (!run('python3', ['-c', 'import socket']).ok) skipReason = 'python3 is not available';
  else if (!run('ip', ['-V']).ok) skipReason = 'iproute2 (ip) is not available';
});

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 100));
  for (const n of [IF1, IF2]) if (run('ip', ['link', 'show', 'dev', n]).ok) run('ip', ['link', 'del', n]);
  for (const p of prefixes) {
    rmSync(runtimeDirPath(p), { recursive: true, force: true });
    rmSync(join('/var/run/dpdk', p), { recursive: true, force: true });
    rmSync(`/dev/shm/${p}_tsdpdk_nohugemem`, { force: true });
  }
});

test('a secondary receives and transmits on queue 1 of the primary\'s tap port; stats and close', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const pfx = prefix('a');
  const P = new Child(PRIMARY, [pfx, IF1, '2', 'afp']);
  const pr = await P.next();
  assert.equal(pr.ready, true, JSON.stringify(pr));
  assert.ok((pr.mp as string[]).includes('tap_mp_sync_queues'), `primary actions: ${String(pr.mp)}`);
  const S = new Child(SECONDARY, [pfx, 'net_tap0']);
  const sr = await S.next();
  assert.equal(sr.ready, true, JSON.stringify(sr));
  assert.equal(sr.procType, 'secondary');
  assert.equal(sr.port, pr.port);

  // net_af_packet queues attach in a secondary too (afp_mp_sync_queues; DPDK 22.11 refuses).
  const afp = await S.cmd('attachp net_af_packet0 0');
  assert.deepEqual(afp, { ok: true });

  // DPDK's request (struct ipc_queues, 72 bytes, no fields of ours) gets DPDK's reply: counts, name, all fds.
  assert.deepEqual(await S.cmd('dpdkask net_tap0'), { nbReceived: 1, rxq: 2, txq: 2, name: 'net_tap0', numFds: 4, lenParam: 80, fds: 4 });
  // Before the first burst the secondary holds no TAP fd; a worker lcore of the secondary cannot ask
  // (ENOTSUP: the mp channel is the main thread's); the main thread's attach brings rx 0,1 and tx 0,1.
  assert.deepEqual(await S.cmd('fds'), { fds: 0 });
  assert.deepEqual(await S.cmd('worker 1'), { ret: 1 });
  assert.deepEqual(await S.cmd('fds'), { fds: 0 });
  const at = await S.cmd('attach 1');
  assert.equal(at.ok, true, JSON.stringify(at));
  assert.equal(at.fds, 4);

  // Secondary -> kernel on queue 1: exact bytes and count. Flow 10.0.0.1:4000 -> 10.0.0.2:5000.
  const out = [udp(60, 1, 2, 4000, 5000, 1), udp(300, 1, 2, 4000, 5000, 2), udp(1400, 1, 2, 4000, 5000, 3)];
  const cap = await peerRecv(IF1, out.length);
  const tx = await S.cmd(`tx 1 ${out.map(hex).join(' ')}`);
  assert.equal(tx.sent, 3, JSON.stringify(tx));
  assert.deepEqual(await cap.done, out.map(hex));

  // Kernel -> port: the reverse of that flow (the kernel steers it to queue 1, where the secondary's
  // writes came from) and 24 other flows (spread by hash over queues 0 and 1).
  const back = Array.from({ length: 8 }, (_, i) => udp(64 + i * 10, 2, 1, 5000, 4000, 10 + i));
  const other = Array.from({ length: 24 }, (_, i) => udp(100 + i, 3, 4, 6000 + i, 7000, 40 + i));
  const injected = [...back, ...other].map(hex);
  peerSend(IF1, [...back, ...other]);
  const [sRx, pRx] = await Promise.all([S.cmd('rx 1 1500'), P.cmd('drain 1500')]);
  const q1 = sRx.frames as string[];
  const q0 = pRx.frames as string[];
  const mine = new Set(injected);
  assert.deepEqual([...q1, ...q0].filter((h) => mine.has(h)).sort(), [...injected].sort(), 'every injected frame arrives once, byte-exact');
  assert.ok(q1.filter((h) => mine.has(h)).length >= 1, `the secondary received ${q1.length} frames on queue 1`);
  const backOnQ1 = q1.filter((h) => back.some((b) => hex(b) === h)).length;
  t.diagnostic(`queue 1 (secondary): ${q1.length} frames (${backOnQ1} of 8 of the reverse flow); queue 0 (primary): ${q0.length}`);

  // The primary's stats include the secondary's queue-1 traffic (shared counters).
  const st = (await P.cmd('stats')).stats as Record<string, number & number[]>;
  assert.equal(st.qIpackets[1], q1.length);
  assert.equal(st.qIpackets[0], q0.length);
  assert.equal(st.ipackets, q0.length + q1.length);
  assert.equal(st.qOpackets[1], 3);
  assert.equal(st.qObytes[1], 60 + 300 + 1400);
  assert.equal(st.opackets, 3);
  assert.equal(st.obytes, 1760);
  assert.equal(st.qOpackets[0], 0);
  assert.equal(st.oerrors, 0);

  // Closing the port in the secondary closes the fds it received.
  assert.deepEqual(await P.cmd('stop'), { stopped: true });
  const cl = await S.cmd('close');
  assert.deepEqual(cl, { closed: true, fds: 0 });
  assert.equal((await S.cmd('exit')).bye, true);
  assert.equal((await P.cmd('exit')).bye, true);
  assert.equal(await S.closed, 0);
  assert.equal(await P.closed, 0);
});

test('16 queue pairs (32 fds, 4 replies of 8); unknown port; silent primary; dead primary fails fast', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const pfx = prefix('b');
  const P = new Child(PRIMARY, [pfx, IF2, '16']);
  const pr = await P.next();
  assert.equal(pr.ready, true, JSON.stringify(pr));
  const S = new Child(SECONDARY, [pfx, 'net_tap0']);
  const S2 = new Child(SECONDARY, [pfx, 'net_tap0']); // attaches only once the primary is stopped, then dead
  assert.equal((await S.next()).ready, true);
  assert.equal((await S2.next()).ready, true);

  const ask = await S.cmd('ask net_tap0');
  assert.deepEqual(ask, { rx: 16, tx: 16, distinct: 32, fds: 32, after: 0 });
  const unknown = await S.cmd('ask net_nope0');
  assert.equal(unknown.code, 'ENODEV', JSON.stringify(unknown));
  assert.match(unknown.error as string, /net_tap net_nope0: the primary refused to share its queues: no port named net_nope0/);

  // Queue 15 through ethdev: the handle gets its fds from the primary.
  const at = await S.cmd('attach 15');
  assert.equal(at.ok, true, JSON.stringify(at));
  assert.equal(at.fds, 32);
  const f = udp(90, 5, 6, 4100, 5100, 7);
  const cap = await peerRecv(IF2, 1);
  assert.equal((await S.cmd(`tx 15 ${hex(f)}`)).sent, 1);
  assert.deepEqual(await cap.done, [hex(f)]);
  const cl = await S.cmd('close'); // the port is started: ethdev refuses, the fds stay
  assert.equal(cl.code, 'EINVAL');
  assert.deepEqual(await S.cmd('fds'), { fds: 32 });

  // A primary that does not answer (stopped): ETIMEDOUT after the request's timeout, no fd left behind.
  P.proc.kill('SIGSTOP');
  const silent = await S2.cmd('attach 3');
  assert.equal(silent.code, 'ETIMEDOUT', JSON.stringify(silent));
  assert.match(silent.error as string, /net_tap net_tap0: Failed to request queues from primary/);
  assert.deepEqual(await S2.cmd('fds'), { fds: 0 });

  // A dead primary: the attach fails at once with ECONNREFUSED (not after the timeout).
  await P.kill();
  const dead = await S2.cmd('attach 3');
  assert.equal(dead.code, 'ECONNREFUSED', JSON.stringify(dead));
  assert.match(dead.error as string, /net_tap net_tap0: Failed to request queues from primary: .*primary process is not running/);
  t.diagnostic(`stopped primary: ${String(silent.ms)} ms; dead primary: ${String(dead.ms)} ms: ${String(dead.error)}`);
  await S.kill();
  await S2.kill();
});
