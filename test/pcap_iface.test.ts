// net_pcap's live-interface devargs (iface, rx_iface, rx_iface_in, tx_iface, phy_mac) over a veth pair:
// the port uses one end in the root namespace, a python3 raw socket in a namespace the test creates uses
// the peer (test/fixtures/af_packet_peer.ts). Exact bytes both ways, Rx timestamps, direction
// (rx_iface_in), mixing interfaces with rx_pcap/tx_pcap files, devargs errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as eal from '../src/lib/eal/index.js';
import * as ethdev from '../src/lib/ethdev/index.js';
import * as mbuf from '../src/lib/mbuf/index.js';
import type { Mempool } from '../src/lib/mempool/index.js';
import { vdevCreate } from '../src/drivers/bus/vdev/vdev.js';
import '../src/drivers/net/index.js';
import { PEER_PY } from './fixtures/af_packet_peer.js';
import { skipOrFail, mbufBytes, mbufFrom } from './helpers.js';
import { netnsUnavailable, Topology, waitOperUp } from './fwd_util.js';

const NS = `tsdpdk_pci_${process.pid}`;
const A = `pcia${process.pid}`; // root namespace, used by the port
const B = `pcib${process.pid}`; // peer, inside NS
const ET = 0x88b5;
const DIR = join(tmpdir(), `tsdpdk_pcap_iface_${process.pid}`);
let skipReason: string | null = null;
let pool: Mempool;
const topo = new Topology();

function frame(len: number, seed: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (i * 11 + seed) & 0xff;
  b.set([0x02, 0, 0, 0, 0, 0xbb, 0x02, 0, 0, 0, 0, 0xaa, ET >> 8, ET & 0xff]);
  return b;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function peerSend(frames: Uint8Array[]): void {
  const r = spawnSync('ip', ['netns', 'exec', NS, 'python3', '-c', PEER_PY, 'send', B, ...frames.map(hex)], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 0, `peer send failed: ${r.stderr}`);
}

/** Starts a capture on the peer; resolves once it listens, `done` gives the frames. */
async function peerRecv(count: number, timeoutS: number): Promise<{ done: Promise<Uint8Array[]> }> {
  const p = spawn('ip', ['netns', 'exec', NS, 'python3', '-c', PEER_PY, 'recv', B, String(count), String(timeoutS), ET.toString(16)]);
  let out = '';
  let err = '';
  p.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  await new Promise<void>((res, rej) => {
    p.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.startsWith('ready\n')) res();
    });
    p.on('exit', () => rej(new Error(`peer recv exited early: ${err}`)));
  });
  const done = new Promise<Uint8Array[]>((res) => {
    p.on('exit', () => res(out.split('\n').slice(1).filter((l) => l.length > 0).map((l) => Uint8Array.from(Buffer.from(l, 'hex')))));
  });
  return { done };
}

/** Polls rxBurst on a queue until want packets came (or 3 s). */
async function rxAll(port: number, q: number, want: number, waitMs = 3000): Promise<number[]> {
  const b = eal.burstArray(32);
  const got: number[] = [];
  const end = Date.now() + waitMs;
  while (got.length < want && Date.now() < end) {
    const n = ethdev.rxBurst(port, q, b, 32);
    for (let i = 0; i < n; i++) got.push(b[i]!);
    if (n === 0) await new Promise((r) => setTimeout(r, 5));
  }
  return got;
}

const freeAll = (ms: number[]) => ms.forEach((m) => mbuf.free(m));

function setup(port: number, nrx: number, ntx: number): void {
  ethdev.configure(port, nrx, ntx, { rxmode: { offloads: 0n }, txmode: { offloads: 0n } });
  for (let q = 0; q < nrx; q++) ethdev.rxQueueSetup(port, q, 0, -1, null, pool);
  for (let q = 0; q < ntx; q++) ethdev.txQueueSetup(port, q, 0, -1, null);
  ethdev.start(port);
}

function closePort(port: number): void {
  if (!ethdev.isValidPort(port)) return;
  ethdev.stop(port);
  ethdev.close(port);
}

/** A little-endian microsecond pcap file holding frames. */
function writePcap(path: string, frames: Uint8Array[]): void {
  const parts: Buffer[] = [];
  const g = Buffer.alloc(24);
  g.writeUInt32LE(0xa1b2c3d4, 0);
  g.writeUInt16LE(2, 4);
  g.writeUInt16LE(4, 6);
  g.writeUInt32LE(65535, 16);
  g.writeUInt32LE(1, 20);
  parts.push(g);
  frames.forEach((f, i) => {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(1700000000 + i, 0);
    h.writeUInt32LE(i, 4);
    h.writeUInt32LE(f.length, 8);
    h.writeUInt32LE(f.length, 12);
    parts.push(h, Buffer.from(f));
  });
  writeFileSync(path, Buffer.concat(parts));
}

/** The frames of a pcap file (either byte order, µs or ns magic). */
function readPcap(path: string): Uint8Array[] {
  const b = readFileSync(path);
  const le = b.readUInt32LE(0) === 0xa1b2c3d4 || b.readUInt32LE(0) === 0xa1b23c4d;
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const out: Uint8Array[] = [];
  for (let o = 24; o + 16 <= b.length;) {
    const cap = u32(o + 8);
    out.push(Uint8Array.from(b.subarray(o + 16, o + 16 + cap)));
    o += 16 + cap;
  }
  return out;
}

before(async () => {
  eal.init(['-l', '0-1', '--no-huge', '-m', '256', '--file-prefix', `tpci${process.pid}`, '--log-level', 'error']);
  pool = mbuf.pktmbufPoolCreate('pci_pool', 2047, 32, 0, 2176, -1);
  skipReason = netnsUnavailable();
  if (skipReason !== null) return;
  try {
    topo.addNs(NS);
    topo.veth(A, B, NS); // no IPv6 on either end: the rings see only the test's frames
    await waitOperUp([A]);
    mkdirSync(DIR, { recursive: true });
  } catch (e) {
    skipReason = `veth setup failed: ${(e as Error).message}`;
  }
});

after(async () => {
  topo.cleanup();
  rmSync(DIR, { recursive: true, force: true });
  await eal.cleanup();
});

test('devargs: bad interface values fail with the key in the message', (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const bad: [string, string, RegExp][] = [
    [`iface=${A},iface=${A}`, 'EINVAL', /iface given more than once/],
    [`iface=${A},phy_mac=2`, 'EINVAL', /phy_mac must be 0 or 1/],
    ['rx_iface=', 'EINVAL', /invalid rx_iface ''/],
    ['tx_iface=waytoolonginterfacename', 'EINVAL', /invalid tx_iface/],
    ['iface=tsdpdknoif0', 'ENODEV', /iface=tsdpdknoif0/],
    ['rx_iface_in=tsdpdknoif0', 'ENODEV', /rx_iface_in=tsdpdknoif0/],
  ];
  for (const [args, code, re] of bad) {
    assert.throws(() => vdevCreate(`net_pcap0,${args}`), (e: eal.TsdpdkError) => e.code === code && re.test(e.message), args);
  }
  assert.equal(ethdev.ports().length, 0);
});

test('iface=: one queue pair on the interface; exact bytes both ways, Rx timestamps, phy_mac', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const p = vdevCreate(`net_pcap0,iface=${A}`);
  try {
    const info = ethdev.infoGet(p);
    assert.equal(info.driverName, 'net_pcap');
    assert.equal(info.ifIndex, Number(readFileSync(`/sys/class/net/${A}/ifindex`, 'utf8')));
    assert.equal(ethdev.formatMac(ethdev.macAddrGet(p)), `02:70:63:61:70:${p.toString(16).padStart(2, '0')}`.toUpperCase());
    setup(p, 1, 1);
    const before = Date.now();
    const sent = [frame(60, 1), frame(1514, 2), frame(333, 3)];
    peerSend(sent);
    const got = await rxAll(p, 0, sent.length);
    assert.deepEqual(got.map((m) => hex(mbufBytes(m))), sent.map(hex));
    // DPDK's Rx timestamp dynfield: microseconds since the epoch, from the kernel.
    const field = mbuf.dynfieldLookup('rte_dynfield_timestamp');
    const flag = mbuf.dynflagLookup('rte_dynflag_rx_timestamp');
    const w = eal.sharedWindow();
    for (const m of got) {
      const us = w.u32[(m + field) >>> 2]! + w.u32[(m + field + 4) >>> 2]! * 4294967296;
      assert.ok(Math.abs(us / 1000 - before) < 5000, `timestamp ${us}`);
      assert.notEqual(mbuf.olFlags(m) & (1n << BigInt(flag)), 0n);
    }
    freeAll(got);
    const out = [frame(64, 4), frame(1000, 5)];
    const cap = await peerRecv(out.length, 3);
    const b = eal.burstArray(4);
    b[0] = mbufFrom(pool, out[0]!);
    b[1] = mbufFrom(pool, out[1]!, 300);
    assert.equal(ethdev.txBurst(p, 0, b, 2), 2);
    assert.deepEqual((await cap.done).map(hex), out.map(hex));
    // Its own Tx does not come back on the same socket.
    assert.equal(ethdev.rxBurst(p, 0, b, 4), 0);
    const s = ethdev.statsGet(p);
    assert.equal(s.ipackets, 3);
    assert.equal(s.ibytes, 60 + 1514 + 333);
    assert.equal(s.opackets, 2);
    assert.equal(s.obytes, 1064);
    assert.equal(s.imissed, 0);
  } finally {
    closePort(p);
  }
  const q = vdevCreate(`net_pcap1,iface=${A},phy_mac=1`);
  try {
    assert.equal(ethdev.formatMac(ethdev.macAddrGet(q)).toLowerCase(), readFileSync(`/sys/class/net/${A}/address`, 'utf8').trim());
  } finally {
    closePort(q);
  }
  assert.equal(pool.inUseCount(), 0);
});

test('rx_iface sees both directions, rx_iface_in only inbound; tx_iface sends', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const p = vdevCreate(`net_pcap2,rx_iface=${A},rx_iface_in=${A},tx_iface=${A}`);
  try {
    setup(p, 2, 1);
    const inbound = [frame(70, 10), frame(80, 11), frame(90, 12)];
    peerSend(inbound);
    const q0 = await rxAll(p, 0, 3);
    const q1 = await rxAll(p, 1, 3);
    assert.deepEqual(q0.map((m) => hex(mbufBytes(m))), inbound.map(hex));
    assert.deepEqual(q1.map((m) => hex(mbufBytes(m))), inbound.map(hex));
    freeAll([...q0, ...q1]);
    const out = [frame(100, 13), frame(110, 14)];
    const cap = await peerRecv(out.length, 3);
    const b = eal.burstArray(4);
    b[0] = mbufFrom(pool, out[0]!);
    b[1] = mbufFrom(pool, out[1]!);
    assert.equal(ethdev.txBurst(p, 0, b, 2), 2);
    assert.deepEqual((await cap.done).map(hex), out.map(hex));
    // Queue 0 (both directions) sees the outgoing frames; queue 1 (inbound only) does not.
    const o0 = await rxAll(p, 0, 2);
    assert.deepEqual(o0.map((m) => hex(mbufBytes(m))), out.map(hex));
    freeAll(o0);
    const o1 = await rxAll(p, 1, 1, 200);
    assert.equal(o1.length, 0);
    const s = ethdev.statsGet(p);
    assert.deepEqual(s.qIpackets.slice(0, 2), [5, 3]);
    assert.equal(s.opackets, 2);
  } finally {
    closePort(p);
  }
  assert.equal(pool.inUseCount(), 0);
});

test('files and interfaces mix: rx_pcap + tx_iface, rx_iface + tx_pcap', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const inFile = join(DIR, 'in.pcap');
  const outFile = join(DIR, 'out.pcap');
  const fromFile = [frame(60, 20), frame(200, 21), frame(1514, 22)];
  writePcap(inFile, fromFile);
  // rx_pcap wins over rx_iface (DPDK's order); the Tx side is the interface.
  const p = vdevCreate(`net_pcap3,rx_pcap=${inFile},rx_iface=${A},tx_iface=${A}`);
  try {
    setup(p, 1, 1);
    const got = await rxAll(p, 0, 3);
    assert.deepEqual(got.map((m) => hex(mbufBytes(m))), fromFile.map(hex));
    const cap = await peerRecv(3, 3);
    const b = eal.burstArray(4);
    got.forEach((m, i) => (b[i] = m));
    assert.equal(ethdev.txBurst(p, 0, b, 3), 3); // io forwarding: file -> wire
    assert.deepEqual((await cap.done).map(hex), fromFile.map(hex));
  } finally {
    closePort(p);
  }
  const q = vdevCreate(`net_pcap4,rx_iface=${A},tx_pcap=${outFile}`);
  try {
    setup(q, 1, 1);
    const sent = [frame(64, 30), frame(700, 31)];
    peerSend(sent);
    const got = await rxAll(q, 0, 2);
    assert.deepEqual(got.map((m) => hex(mbufBytes(m))), sent.map(hex));
    const b = eal.burstArray(4);
    got.forEach((m, i) => (b[i] = m));
    assert.equal(ethdev.txBurst(q, 0, b, 2), 2); // wire -> file
    assert.deepEqual(readPcap(outFile).map(hex), sent.map(hex));
  } finally {
    closePort(q);
  }
  assert.equal(pool.inUseCount(), 0);
});

test('iface=: frames that arrive while the port is stopped are not delivered after start (DPDK reopens the capture)', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const p = vdevCreate(`net_pcap0,iface=${A}`);
  try {
    setup(p, 1, 1);
    const first = [frame(80, 21)];
    peerSend(first);
    const a = await rxAll(p, 0, 1);
    assert.deepEqual(a.map((m) => hex(mbufBytes(m))), first.map(hex));
    freeAll(a);
    ethdev.stop(p);
    peerSend([frame(90, 22), frame(91, 23), frame(92, 24)]); // while stopped
    await new Promise((r) => setTimeout(r, 50)); // V3 blocks retire after 1 ms: make sure they were handed over
    ethdev.start(p);
    const after = [frame(100, 25), frame(101, 26)];
    peerSend(after);
    const b = await rxAll(p, 0, after.length);
    const extra = await rxAll(p, 0, 1, 200);
    assert.deepEqual([...b, ...extra].map((m) => hex(mbufBytes(m))), after.map(hex));
    freeAll([...b, ...extra]);
    assert.equal(ethdev.statsGet(p).imissed, 0);
  } finally {
    closePort(p);
  }
});
