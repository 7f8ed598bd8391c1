// net_af_packet queues from a secondary process (afp_mp_sync_queues, a tsdpdk addition): a primary
// process creates the port on a veth (qpairs=2) and starts it; a secondary gets the queue sockets over the
// mp channel (SCM_RIGHTS), maps their rings at the primary's window offsets, transmits on queue 1 frames
// the peer captures byte-exactly and receives on queue 1 while the primary drains queue 0 (the fanout
// hash spreads the peer's flows: each frame arrives once, on one of them); the primary's stats count the
// secondary's traffic; a dead primary makes the first attach fail at once; close drops sockets and maps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimeDirPath } from '../src/lib/eal/runtime_dir.js';
import { PEER_PY } from './fixtures/af_packet_peer.js';
import { skipOrFail } from './helpers.js';
import { netnsUnavailable, Topology, udp, waitOperUp } from './fwd_util.js';
import { JsonChild } from './json_child.js';

const PRIMARY = fileURLToPath(new URL('./fixtures/afp_mp_primary.js', import.meta.url));
const SECONDARY = fileURLToPath(new URL('./fixtures/afp_mp_secondary.js', import.meta.url));
const NS = `tsdpdk_afpmp_${process.pid}`;
const A = `afmpa${process.pid % 100000}`; // root namespace, used by the port
const B = `afmpb${process.pid % 100000}`; // peer, inside NS
const ET_IPV4 = 0x0800;
const topo = new Topology();
const children: ChildProcess[] = [];
const prefixes: string[] = [];
let skipReason: string | null = null;

function prefix(tag: string): string {
  const p = `afpmp${tag}${process.pid}`;
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


/** Sends frames from the peer inside NS; each must be accepted by the kernel. */
function peerSend(frames: Uint8Array[]): void {
  const r = spawnSync('ip', ['netns', 'exec', NS, 'python3', '-c', PEER_PY, 'send', B, ...frames.map(hex)], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 0, `peer send failed: ${r.stderr}`);
  assert.deepEqual(r.stdout.trim().split('\n'), [...frames.map(() => 'ok'), 'sent']);
}

/** Starts a capture of IPv4 frames on the peer; resolves once it listens. */
async function peerRecv(count: number, timeoutS = 3): Promise<{ done: Promise<string[]> }> {
  const p = spawn('ip', ['netns', 'exec', NS, 'python3', '-c', PEER_PY, 'recv', B, String(count), String(timeoutS), ET_IPV4.toString(16)]);
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

before(async () => {
  skipReason = netnsUnavailable();
  if (skipReason !== null) return;
  try {
    topo.addNs(NS);
    topo.veth(A, B, NS); // no IPv6 on either end: the rings must see only the test's frames
    await waitOperUp([A]);
  } catch (e) {
    skipReason = `veth setup failed: ${(e as Error).message}`;
  }
});

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 100));
  topo.cleanup();
  for (const p of prefixes) {
    rmSync(runtimeDirPath(p), { recursive: true, force: true });
    rmSync(join('/var/run/dpdk', p), { recursive: true, force: true });
    rmSync(`/dev/shm/${p}_tsdpdk_nohugemem`, { force: true });
    if (existsSync('/dev/hugepages')) {
      for (const f of readdirSync('/dev/hugepages')) if (f.startsWith(`${p}map_`)) rmSync(join('/dev/hugepages', f), { force: true });
    }
  }
});

test('a secondary receives and transmits on queue 1 of the primary\'s af_packet port; stats; dead primary; close', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  await secondaryQueues(t, 'a');
});

/** The primary's memory is a /dev/shm file (--no-huge). */
async function secondaryQueues(t: { diagnostic(s: string): void }, tag: string): Promise<void> {
  const pfx = prefix(tag);
  const P = new Child(PRIMARY, [pfx, A, '2']);
  const pr = await P.next();
  assert.equal(pr.ready, true, JSON.stringify(pr));
  assert.ok((pr.mp as string[]).includes('afp_mp_sync_queues'), `primary actions: ${String(pr.mp)}`);
  const S = new Child(SECONDARY, [pfx, 'net_af_packet0']);
  const S2 = new Child(SECONDARY, [pfx, 'net_af_packet0']); // attaches only once the primary is dead
  const sr = await S.next();
  assert.equal(sr.ready, true, JSON.stringify(sr));
  assert.equal(sr.procType, 'secondary');
  assert.equal(sr.port, pr.port);
  assert.equal((await S2.next()).ready, true);

  // Before the first burst the secondary holds no AF_PACKET socket; the attach brings both queue pairs'
  // sockets and maps their rings (one mapping each).
  assert.deepEqual(await S.cmd('own'), { sockets: 0, maps: 0 });
  const at = await S.cmd('attach 1');
  assert.deepEqual(at, { ok: true, sockets: 2, maps: 2 });

  // Secondary -> peer on queue 1: exact bytes and count.
  const out = [udp(60, 1, 2, 4000, 5000, 1), udp(300, 1, 2, 4000, 5000, 2), udp(1400, 1, 2, 4000, 5000, 3)];
  const cap = await peerRecv(out.length);
  const tx = await S.cmd(`tx 1 ${out.map(hex).join(' ')}`);
  assert.equal(tx.sent, 3, JSON.stringify(tx));
  assert.equal(tx.inUse, 0, 'the secondary\'s Tx freed every mbuf');
  assert.deepEqual(await cap.done, out.map(hex));

  // Peer -> port: 32 flows, spread by the fanout hash over the sockets of queues 0 and 1. The secondary
  // polls queue 1 while the primary polls queue 0: every frame arrives once, byte-exact.
  const flows = Array.from({ length: 32 }, (_, i) => udp(64 + i * 7, 3 + (i & 3), 4, 6000 + i, 7000 + i, 40 + i));
  const injected = flows.map(hex);
  const sRxP = S.cmd('rx 1 2000');
  const pRxP = P.cmd('drain 0 2000');
  await new Promise((r) => setTimeout(r, 100));
  peerSend(flows);
  const [sRx, pRx] = await Promise.all([sRxP, pRxP]);
  const q1 = sRx.frames as string[];
  const q0 = pRx.frames as string[];
  const mine = new Set(injected);
  assert.deepEqual([...q1, ...q0].filter((h) => mine.has(h)).sort(), [...injected].sort(), 'every injected frame arrives once, byte-exact');
  assert.ok(q1.filter((h) => mine.has(h)).length >= 1, `the secondary received ${q1.length} frames on queue 1`);
  assert.ok(q0.filter((h) => mine.has(h)).length >= 1, `the primary received ${q0.length} frames on queue 0`);
  t.diagnostic(`queue 1 (secondary): ${q1.length} frames; queue 0 (primary): ${q0.length}`);

  // The primary's stats include the secondary's queue-1 traffic (shared counters).
  const st = (await P.cmd('stats')).stats as Record<string, number & number[]>;
  assert.equal(st.qIpackets[1], q1.length);
  assert.equal(st.qIpackets[0], q0.length);
  assert.equal(st.ipackets, q0.length + q1.length);
  assert.equal(st.qIbytes[1], q1.reduce((s, h) => s + h.length / 2, 0));
  assert.equal(st.qOpackets[1], 3);
  assert.equal(st.qObytes[1], 60 + 300 + 1400);
  assert.equal(st.qOpackets[0], 0);
  assert.equal(st.opackets, 3);
  assert.equal(st.obytes, 1760);
  assert.equal(st.oerrors, 0);

  // The action by itself: both sockets (distinct, received as new fds); an unknown port is refused with
  // the primary's reason at once.
  assert.deepEqual(await S2.cmd('ask net_af_packet0'), { fds: 2, distinct: 2, held: 2, after: 0 });
  const unknown = await S2.cmd('ask net_nope0');
  assert.equal(unknown.code, 'ENODEV', JSON.stringify(unknown));
  assert.match(unknown.error as string, /net_af_packet net_nope0: the primary refused to share its queue sockets: .*net_nope0/);

  // A dead primary: the first attach of another secondary fails at once with ECONNREFUSED and keeps nothing.
  await P.kill();
  const dead = await S2.cmd('attach 1');
  assert.equal(dead.code, 'ECONNREFUSED', JSON.stringify(dead));
  assert.match(dead.error as string, /net_af_packet net_af_packet0: failed to request the queue sockets from the primary: .*primary process is not running/);
  assert.ok((dead.ms as number) < 1000, `dead primary answered in ${String(dead.ms)} ms`);
  assert.deepEqual(await S2.cmd('own'), { sockets: 0, maps: 0 });
  t.diagnostic(`dead primary: ${String(dead.ms)} ms: ${String(dead.error)}`);

  // The secondary's sockets outlive the primary; closing the port unmaps the rings and closes them.
  const cl = await S.cmd('close');
  assert.deepEqual(cl, { closed: true, sockets: 0, maps: 0 });
  assert.equal((await S.cmd('exit')).bye, true);
  assert.equal(await S.closed, 0);
  await S2.kill();
}
