// tsdpdk-l2fwd end to end between two network namespaces (issue 5): ns A's veth a0 <-> a1 = port 0
// (net_af_packet) -- l2fwd -- port 1 (net_af_packet on b1, peer b0 in ns B; or net_tap whose kernel
// side is moved into ns B). A pcap replayed from A arrives in B byte-identical and in order; malformed
// and jumbo (multi-segment) frames are forwarded as they are (l2fwd does not parse L3); a port whose
// interface goes down and up again forwards again; ping crosses the tap. Counts come from l2fwd's
// statistics screen, the mbuf pool count from its debug line at exit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PING_PY } from './fixtures/l2fwd_ping.js';
import { skipOrFail } from './helpers.js';
import { filePrefix, readPcap, removeRuntimeDirs } from './testpmd_util.js';
import {
  hex, killChildren, macOf, malformedFrames, netnsUnavailable, noIpv6In, peerCapture, peerSend, run, sh, startNode,
  nextL2fwdScreen, Topology, waitL2fwdStats, waitOperUp, type Child,
} from './fwd_util.js';

const BIN = fileURLToPath(new URL('../examples/l2fwd/main.js', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../../examples/pcap/sample.pcap', import.meta.url));
const pid = process.pid;
const NSA = `tsdpdk_lta_${pid}`;
const NSB = `tsdpdk_ltb_${pid}`;
const A0 = `lta0${pid}`; // in NSA
const A1 = `lta1${pid}`; // root namespace: port 0
const B0 = `ltb0${pid}`; // in NSB
const B1 = `ltb1${pid}`; // root namespace: port 1 (af_packet runs)
const TAP = `ltt${pid}`; // net_tap port 1, moved into NSB
const NET = `10.${100 + (pid % 100)}.${(pid >> 8) & 0xff}`; // pid-unique /24 for the ping
const MTU = 4000;
const topo = new Topology();
let skipReason: string | null = null;

const eal = (): string[] => ['-l', '0-1', '--no-huge', '-m', '512', '--file-prefix', filePrefix('lt'), '--log-level=user1.l2fwd:debug'];

before(async () => {
  skipReason = netnsUnavailable();
  if (skipReason) return;
  try {
    topo.addNs(NSA);
    topo.addNs(NSB);
    topo.veth(A1, A0, NSA, { mtu: MTU });
    topo.veth(B1, B0, NSB, { mtu: MTU });
    await waitOperUp([A1, B1]);
  } catch (e) {
    skipReason = `namespace setup failed: ${(e as Error).message}`;
  }
});

after(() => {
  killChildren();
  topo.cleanup();
  removeRuntimeDirs(); // a killed l2fwd leaves its runtime directory
});

function startL2fwd(vdevs: string[], app: string[]): Child {
  return startNode(BIN, [...eal(), ...vdevs.flatMap((v) => ['--vdev', v]), '--', ...app], 50000);
}

/** SIGINT; l2fwd must close both ports, give every mbuf back and exit 0. */
async function stopL2fwd(c: Child): Promise<void> {
  const ex = await c.stop();
  assert.deepEqual(ex, { code: 0, signal: null }, `${c.out()}\n${c.err()}`);
  assert.match(c.out(), /Closing port 0\.\.\. Done\nClosing port 1\.\.\. Done\nBye\.\.\.\n$/);
  assert.doesNotMatch(c.out(), /rte_eth_dev_stop: err/);
  const m = /mbuf pool <mbuf_pool>: (\d+) of (\d+) mbufs available after closing ports/.exec(c.err());
  assert.ok(m, `no mbuf pool line:\n${c.err()}`);
  assert.equal(m[1], m[2], 'mbufs leaked');
}

const sampleFrames = (): Uint8Array[] => readPcap(SAMPLE);

/** Frames of ethertype 0x88b5 from 02:00:00:00:00:aa to 02:00:00:00:00:bb, payload seeded by i. */
function marked(n: number, len: number, seed: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    const b = new Uint8Array(len);
    for (let k = 14; k < len; k++) b[k] = (k * 13 + i * 7 + seed) & 0xff;
    b.set([0x02, 0, 0, 0, 0, 0xbb, 0x02, 0, 0, 0, 0, 0xaa, 0x88, 0xb5, seed, i]);
    return b;
  });
}

/** Replays frames from `from` (in ns A) and returns what arrived on `to` in ns B, in arrival order. */
async function replay(frames: Uint8Array[], fromNs: string, from: string, toNs: string, to: string): Promise<string[]> {
  const cap = await peerCapture(toNs, to, frames.length, 10);
  peerSend(topo, fromNs, from, frames);
  return cap.done;
}

test('sample.pcap replayed from ns A arrives in ns B byte-identical, in order; l2fwd counts every frame once', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const frames = sampleFrames();
  assert.equal(frames.length, 64);
  const c = startL2fwd([`net_af_packet0,iface=${A1}`, `net_af_packet1,iface=${B1}`], ['-p', '0x3', '-T', '1', '--no-mac-updating']);
  try {
    await c.waitFor(/L2FWD: entering main loop on lcore 1/, 15000, 'stderr');
    const got = await replay(frames, NSA, A0, NSB, B0);
    // One queue, one lcore: the order survives as well as the bytes.
    assert.deepEqual(got, frames.map(hex));
    const s = await waitL2fwdStats(c, (x) => x.get(0)![1] >= 64 && x.get(1)![0] >= 64);
    // [sent, received, dropped]: all 64 in on port 0 and out on port 1; ns B sent nothing back.
    assert.deepEqual(s.get(0), [0, 64, 0]);
    assert.deepEqual(s.get(1), [64, 0, 0]);
  } finally {
    await stopL2fwd(c);
  }
});

test('malformed and jumbo frames: forwarded unchanged (multi-segment above the data room), counted, no mbuf leak', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const frames = malformedFrames(MTU + 14);
  // Ring frames of 4 KB hold the 4014-byte frames; mbufs keep their 2048-byte data room.
  const afp = (i: number, iface: string): string => `net_af_packet${i},iface=${iface},blocksz=8192,framesz=4096,framecnt=512`;
  const c = startL2fwd([afp(0, A1), afp(1, B1)], ['-p', '0x3', '-T', '1', '--no-mac-updating']);
  try {
    await c.waitFor(/L2FWD: entering main loop on lcore 1/, 15000, 'stderr');
    const got = await replay(frames, NSA, A0, NSB, B0);
    assert.deepEqual(got, frames.map(hex));
    const n = frames.length;
    const s = await waitL2fwdStats(c, (x) => x.get(0)![1] >= n && x.get(1)![0] >= n);
    assert.deepEqual(s.get(0), [0, n, 0]);
    assert.deepEqual(s.get(1), [n, 0, 0]);
    // The same path the other way (B -> A), with MAC updating off both directions are symmetric.
    const back = frames.slice(-4);
    assert.deepEqual(await replay(back, NSB, B0, NSA, A0), back.map(hex));
    const s2 = await waitL2fwdStats(c, (x) => x.get(1)![1] >= back.length);
    assert.deepEqual(s2.get(0), [back.length, n, 0]);
    assert.deepEqual(s2.get(1), [n, back.length, 0]);
  } finally {
    await stopL2fwd(c);
  }
});

test('port 0\'s interface down mid-run, then up: l2fwd keeps running and forwards again, exactly', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const c = startL2fwd([`net_af_packet0,iface=${A1}`, `net_af_packet1,iface=${B1}`], ['-p', '0x3', '-T', '1', '--no-mac-updating']);
  try {
    await c.waitFor(/L2FWD: entering main loop on lcore 1/, 15000, 'stderr');
    const first = marked(32, 200, 1);
    assert.deepEqual(await replay(first, NSA, A0, NSB, B0), first.map(hex));
    sh('ip', ['link', 'set', A1, 'down']);
    // Frames towards the down port: l2fwd receives them on port 1 and hands them to port 0's Tx, which
    // takes them (the kick fails with ENETDOWN: DPDK's net_af_packet counts them as Tx errors).
    const towardsDown = marked(8, 120, 3);
    peerSend(topo, NSB, B0, towardsDown);
    // Screens while a1 is down: the process and its statistics go on.
    await nextL2fwdScreen(c);
    const down = await waitL2fwdStats(c, (x) => x.get(1)![1] >= 8);
    assert.deepEqual(down.get(0), [8, 32, 0]);
    assert.deepEqual(down.get(1), [32, 8, 0]);
    assert.equal(c.p.exitCode, null);
    sh('ip', ['link', 'set', A1, 'up']);
    await waitOperUp([A1]);
    const second = marked(48, 300, 2);
    assert.deepEqual(await replay(second, NSA, A0, NSB, B0), second.map(hex));
    // B -> A again, through the port that went down. The socket still holds the ENETDOWN of the flap:
    // the first kick after up consumes it and fails, leaving its frames queued in the Tx ring (DPDK's
    // PMD does the same); every later kick sends whatever is queued, in ring order. So: a batch, then a
    // second batch whose kick succeeds; before them A may see the 8 sent while a1 was down.
    const back = marked(16, 140, 4);
    const flush = marked(16, 160, 5);
    const capA = await peerCapture(NSA, A0, towardsDown.length + back.length + flush.length, 4);
    peerSend(topo, NSB, B0, back);
    await waitL2fwdStats(c, (x) => x.get(1)![1] >= 24);
    peerSend(topo, NSB, B0, flush);
    const gotA = await capA.done;
    const after = [...back, ...flush].map(hex);
    assert.deepEqual(gotA.slice(-after.length), after);
    const stale = gotA.slice(0, -after.length);
    assert.deepEqual(stale, towardsDown.map(hex).slice(0, stale.length));
    const s = await waitL2fwdStats(c, (x) => x.get(0)![1] >= 80 && x.get(1)![1] >= 40);
    assert.deepEqual(s.get(0), [40, 80, 0]);
    assert.deepEqual(s.get(1), [80, 40, 0]);
  } finally {
    await stopL2fwd(c);
  }
});

test('Tx ring full on port 1 (2 ring frames): l2fwd counts the refused frames as dropped, the rest arrive in order, no leak', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  // Port 1's ring holds 2 frames: a burst of more leaves 2 queued for the kick, the rest come back to
  // l2fwd, which frees them and counts them dropped (rte_eth_tx_buffer_count_callback).
  const c = startL2fwd([`net_af_packet0,iface=${A1}`, `net_af_packet1,iface=${B1},blocksz=4096,framesz=2048,framecnt=2`], ['-p', '0x3', '-T', '1', '--no-mac-updating']);
  try {
    await c.waitFor(/L2FWD: entering main loop on lcore 1/, 15000, 'stderr');
    const frames = marked(200, 400, 9);
    const cap = await peerCapture(NSB, B0, frames.length, 3, 0x88b5);
    peerSend(topo, NSA, A0, frames);
    const got = await cap.done;
    const s = await waitL2fwdStats(c, (x) => x.get(0)![1] >= 200 && x.get(1)![0] + x.get(1)![2] >= 200);
    const [sent, , dropped] = s.get(1)!;
    assert.deepEqual(s.get(0), [0, 200, 0]);
    assert.equal(sent + dropped, 200);
    // What l2fwd counted as sent is exactly what arrived, a subsequence of what A sent, in order.
    assert.equal(got.length, sent);
    const want = frames.map(hex);
    let k = 0;
    for (const h of got) {
      while (k < want.length && want[k] !== h) k++;
      assert.ok(k < want.length, 'an arrival out of order or never sent');
      k++;
    }
  } finally {
    await stopL2fwd(c);
  }
});

function ping(ns: string, dst: string): Promise<{ ok: boolean; out: string }> {
  const hasPing = run('sh', ['-c', 'command -v ping']).ok;
  const args = hasPing ? ['netns', 'exec', ns, 'ping', '-c', '3', '-W', '1', dst] : ['netns', 'exec', ns, 'python3', '-c', PING_PY, dst, '3'];
  return new Promise((res) => {
    const p = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let o = '';
    p.stdout.on('data', (c: Buffer) => { o += c.toString(); });
    p.stderr.on('data', (c: Buffer) => { o += c.toString(); });
    const timer = setTimeout(() => p.kill('SIGKILL'), 10000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      res({ ok: code === 0, out: o });
    });
  });
}

test('net_tap on one side, its kernel side moved into ns B: replay byte-identical, ping A -> B, counts, tap down/up', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const c = startL2fwd([`net_af_packet0,iface=${A1}`, `net_tap1,iface=${TAP}`], ['-p', '0x3', '-T', '1', '--no-mac-updating']);
  let moved = false;
  try {
    await c.waitFor(/L2FWD: entering main loop on lcore 1/, 15000, 'stderr');
    assert.match(c.out(), /Port 1 Link up/);
    const tapMac = macOf(TAP);
    // The started port's queue fds keep working in another namespace; the move takes the link down.
    sh('ip', ['link', 'set', TAP, 'netns', NSB]);
    moved = true;
    noIpv6In(NSB, TAP);
    sh('ip', ['netns', 'exec', NSB, 'ip', 'link', 'set', TAP, 'up']);
    assert.equal(macOf(TAP, NSB), tapMac);
    // While it was up in the root namespace the kernel may have sent IPv6 frames from the tap (it came
    // up with the port, before its IPv6 could be disabled); l2fwd forwarded those. Count from here.
    const base = await nextL2fwdScreen(c);
    const [btx0, brx0] = base.get(0)!;
    const [btx1, brx1] = base.get(1)!;
    assert.equal(brx0, 0);
    assert.equal(btx1, 0);
    assert.equal(btx0, brx1);

    const frames = sampleFrames();
    assert.deepEqual(await replay(frames, NSA, A0, NSB, TAP), frames.map(hex));
    const s = await waitL2fwdStats(c, (x) => x.get(0)![1] >= 64 && x.get(1)![0] >= 64);
    assert.deepEqual(s.get(0), [btx0, 64, 0]);
    assert.deepEqual(s.get(1), [64, brx1, 0]);

    sh('ip', ['netns', 'exec', NSA, 'ip', 'addr', 'add', `${NET}.1/24`, 'dev', A0]);
    sh('ip', ['netns', 'exec', NSB, 'ip', 'addr', 'add', `${NET}.2/24`, 'dev', TAP]);
    const r = await ping(NSA, `${NET}.2`);
    assert.ok(r.ok, `ping failed: ${r.out}\n${c.out()}\n${c.err()}`);
    const p = await nextL2fwdScreen(c);
    const [tx0, rx0, dr0] = p.get(0)!;
    const [tx1, rx1, dr1] = p.get(1)!;
    // Beyond the replay: 3 echo requests and an ARP request from A, 3 replies and an ARP reply from B.
    assert.ok(rx0 - 64 >= 4 && rx1 - brx1 >= 4, `received ${rx0} / ${rx1}`);
    assert.equal(tx1, rx0);
    assert.equal(tx0, rx1);
    assert.equal(dr0 + dr1, 0);

    // The tap's kernel side down and up again in ns B: frames l2fwd writes meanwhile go nowhere; after
    // up both directions carry exactly what is sent (only the marked frames are compared: A's and B's
    // kernels may add ARP of their own now that they have addresses).
    sh('ip', ['netns', 'exec', NSB, 'ip', 'link', 'set', TAP, 'down']);
    const lost = marked(8, 90, 6);
    peerSend(topo, NSA, A0, lost);
    await waitL2fwdStats(c, (x) => x.get(0)![1] >= rx0 + 8);
    sh('ip', ['netns', 'exec', NSB, 'ip', 'link', 'set', TAP, 'up']);
    const fwd = marked(24, 300, 7);
    const capB = await peerCapture(NSB, TAP, fwd.length, 10, 0x88b5);
    peerSend(topo, NSA, A0, fwd);
    assert.deepEqual(await capB.done, fwd.map(hex));
    const rev = marked(24, 310, 8);
    const capA = await peerCapture(NSA, A0, rev.length, 10, 0x88b5);
    peerSend(topo, NSB, TAP, rev);
    assert.deepEqual(await capA.done, rev.map(hex));
    const f = await waitL2fwdStats(c, (x) => x.get(0)![1] >= rx0 + 32 && x.get(1)![1] >= rx1 + 24);
    assert.equal(f.get(1)![0], f.get(0)![1]); // everything port 0 received went to the tap's Tx
    assert.equal(f.get(0)![0], f.get(1)![1]);
    assert.equal(f.get(0)![2] + f.get(1)![2], 0);
  } finally {
    await stopL2fwd(c);
    run('ip', ['netns', 'exec', NSA, 'ip', 'addr', 'flush', 'dev', A0]);
  }
  // Closing the port's last fd removed the interface, wherever it was.
  assert.ok(moved);
  assert.equal(run('ip', ['netns', 'exec', NSB, 'ip', 'link', 'show', TAP]).ok, false);
  assert.equal(run('ip', ['link', 'show', TAP]).ok, false);
});

test('a link that cannot be read during the link check: "link get failed", then l2fwd goes on (DPDK\'s check_all_ports_link_status)', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const X1 = `ltx1${pid}`;
  const X0 = `ltx0${pid}`;
  topo.veth(X1, X0, NSA);
  sh('ip', ['netns', 'exec', NSA, 'ip', 'link', 'set', X0, 'down']); // no carrier on x1: the check waits
  const c = startL2fwd([`net_af_packet0,iface=${X1}`], ['-p', '0x1', '-T', '0']);
  try {
    await c.waitFor(/Checking link status\.\./, 15000);
    // The interface leaves this namespace: reading its flags fails with ENODEV from now on.
    sh('ip', ['link', 'set', X1, 'netns', NSB]);
    await c.waitFor(/Checking link status\.+done\nPort 0 link get failed: No such device\n/, 15000);
    await c.waitFor(/L2FWD: entering main loop on lcore 1/, 5000, 'stderr');
  } finally {
    const ex = await c.stop();
    assert.deepEqual(ex, { code: 0, signal: null }, `${c.out()}\n${c.err()}`);
  }
  assert.match(c.out(), /Notice: odd number of ports in portmask\.\n/);
  assert.match(c.out(), /Closing port 0\.\.\. Done\nBye\.\.\.\n$/);
  assert.match(c.err(), /mbuf pool <mbuf_pool>: (\d+) of \1 mbufs available after closing ports/);
});
