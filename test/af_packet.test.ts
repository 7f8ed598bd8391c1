// net_af_packet over a veth pair: the test's port uses one end in the root namespace, a python3 raw
// socket in a namespace the test creates uses the peer. Rx/Tx bytes, VLAN, stats, imissed (V2 frames,
// V3 blocks), jumbo frames as chained mbufs, devargs errors, missing interface, no CAP_NET_RAW.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as eal from '../src/lib/eal/index.js';
import * as ethdev from '../src/lib/ethdev/index.js';
import * as mbuf from '../src/lib/mbuf/index.js';
import { RX_OFFLOAD, TX_OFFLOAD } from '../src/lib/ethdev/constants.js';
import type { Mempool } from '../src/lib/mempool/index.js';
import { vdevCreate } from '../src/drivers/bus/vdev/vdev.js';
import '../src/drivers/net/index.js';
import { PEER_PY } from './fixtures/af_packet_peer.js';
import { skipOrFail, mbufBytes, mbufFrom } from './helpers.js';
import { netnsUnavailable, run, sh, Topology, waitOperUp } from './fwd_util.js';
import { Ring, RING_F_SC_DEQ, RING_F_SP_ENQ } from '../src/lib/ring/index.js';

const NS = `tsdpdk_afp_${process.pid}`;
const A = `afpa${process.pid}`; // root namespace, used by the port
const B = `afpb${process.pid}`; // peer, inside NS
const ET = 0x88b5; // IEEE local experimental ethertype
let skipReason: string | null = null;
let pool: Mempool;
const topo = new Topology();
const burst = () => eal.burstArray(64);

function frame(len: number, seed: number, dst = [0x02, 0, 0, 0, 0, 0xbb], src = [0x02, 0, 0, 0, 0, 0xaa]): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (i * 13 + seed) & 0xff;
  b.set([...dst, ...src, ET >> 8, ET & 0xff]);
  return b;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Sends frames from the peer; per frame 'ok' or 'refused ERRNO' (the kernel's verdict). */
function peerSend(frames: Uint8Array[]): string[] {
  const r = spawnSync('ip', ['netns', 'exec', NS, 'python3', '-c', PEER_PY, 'send', B, ...frames.map(hex)], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 0, `peer send failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.pop(), 'sent');
  return lines;
}

/** Starts a capture on the peer; resolves once it is listening, `done` gives the frames. */
async function peerRecv(count: number, timeoutS = 3): Promise<{ done: Promise<Uint8Array[]> }> {
  const p = spawn('ip', ['netns', 'exec', NS, 'python3', '-c', PEER_PY, 'recv', B, String(count), String(timeoutS), ET.toString(16)]);
  let out = '';
  let err = '';
  p.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const ready = new Promise<void>((res, rej) => {
    p.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.startsWith('ready\n')) res();
    });
    p.on('exit', () => rej(new Error(`peer recv exited early: ${err}`)));
  });
  const done = new Promise<Uint8Array[]>((res) => {
    p.on('exit', () => res(out.split('\n').slice(1).filter((l) => l.length > 0).map((l) => Uint8Array.from(Buffer.from(l, 'hex')))));
  });
  await ready;
  return { done };
}



/** Polls rxBurst until want packets came (or 3 s). */
async function rxAll(port: number, want: number): Promise<number[]> {
  const b = burst();
  const got: number[] = [];
  const end = Date.now() + 3000;
  while (got.length < want && Date.now() < end) {
    const n = ethdev.rxBurst(port, 0, b, 32);
    for (let i = 0; i < n; i++) got.push(b[i]!);
    if (n === 0) await new Promise((r) => setTimeout(r, 5));
  }
  return got;
}

function freeAll(ms: number[]): void {
  for (const m of ms) mbuf.free(m);
}

function setupPort(port: number, rxOffloads = 0n): void {
  ethdev.configure(port, 1, 1, { rxmode: { offloads: rxOffloads }, txmode: { offloads: TX_OFFLOAD.MULTI_SEGS | TX_OFFLOAD.VLAN_INSERT } });
  ethdev.rxQueueSetup(port, 0, 0, -1, null, pool);
  ethdev.txQueueSetup(port, 0, 0, -1, null);
  ethdev.start(port);
}

function closePort(port: number): void {
  ethdev.stop(port);
  ethdev.close(port);
}

before(async () => {
  // Lcores 1 and 2 (both on CPU 1) poll the queues of the qpairs=2 test.
  eal.init(['--lcores', '0@0,1@1,2@1', '--no-huge', '-m', '256', '--file-prefix', `tafp${process.pid}`, '--log-level', 'error']);
  pool = mbuf.pktmbufPoolCreate('afp_pool', 4095, 32, 0, 2176, -1);
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
  topo.cleanup();
  await eal.cleanup();
});

test('devargs: invalid values fail with EINVAL naming the key; a missing interface is ENODEV', (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const bad: [string, RegExp][] = [
    ['', /iface=<name> is required/],
    [`iface=${A},iface=${A}`, /iface given more than once/],
    [`iface=${A},qpairs=0`, /invalid qpairs/],
    [`iface=${A},qpairs=x`, /invalid qpairs/],
    [`iface=${A},blocksz=1000`, /invalid blocksz .*page size/],
    [`iface=${A},framesz=2008`, /invalid framesz .*TPACKET_ALIGNMENT/],
    [`iface=${A},framesz=8192`, /framesz 8192 exceeds blocksz 4096/],
    [`iface=${A},framecnt=0`, /invalid framecnt/],
    [`iface=${A},framecnt=5`, /framecnt 5 is not a multiple of the 2 frames/],
    [`iface=${A},qdisc_bypass=2`, /invalid qdisc_bypass/],
    [`iface=${A},tpacket=1`, /invalid tpacket value 1 \(2 or 3\)/],
    [`iface=${A},blocksz=1048576,framecnt=1048576`, /bytes of rings/],
    [`iface=${A},bogus=1`, /unknown argument 'bogus'/],
    ['iface=waytoolonginterfacename', /invalid iface/],
  ];
  for (const [args, re] of bad) {
    assert.throws(() => vdevCreate(`net_af_packet0${args ? ',' + args : ''}`), (e: eal.TsdpdkError) => e.code === 'EINVAL' && re.test(e.message), args);
  }
  assert.throws(() => vdevCreate('net_af_packet0,iface=tsdpdknoif0'), (e: eal.TsdpdkError) => e.code === 'ENODEV' && /tsdpdknoif0/.test(e.message));
  assert.equal(ethdev.ports().length, 0);
});

test('without CAP_NET_RAW the probe fails with EPERM', (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const child = fileURLToPath(new URL('./fixtures/af_packet_noraw.js', import.meta.url));
  const r = spawnSync('setpriv', ['--bounding-set=-net_raw', '--inh-caps=-net_raw', process.execPath, child, A], { encoding: 'utf8', timeout: 15000 });
  if (r.error || (r.status !== 0 && /setpriv/.test(r.stderr))) return skipOrFail(t, `setpriv unavailable: ${r.error?.message ?? r.stderr}`);
  assert.match(r.stdout, /^EPERM .*CAP_NET_RAW/, r.stderr);
});

for (const version of [3, 2]) test(`rx, tx, VLAN, link, MAC and stats over the default rings (TPACKET_V${version})`, async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const p = vdevCreate(`net_af_packet0,iface=${A}${version === 2 ? ',tpacket=2' : ''}`);
  try {
    const info = ethdev.infoGet(p);
    assert.equal(info.driverName, 'net_af_packet');
    assert.equal(info.ifIndex, Number(readFileSync(`/sys/class/net/${A}/ifindex`, 'utf8')));
    assert.equal(ethdev.formatMac(ethdev.macAddrGet(p)).toLowerCase(), readFileSync(`/sys/class/net/${A}/address`, 'utf8').trim());
    assert.equal(ethdev.mtuGet(p), 1500);
    setupPort(p);
    assert.equal(ethdev.linkGet(p).status, 1);

    // Rx: exactly the peer's frames, in order.
    const sent = [frame(60, 1), frame(100, 2), frame(1514, 3), frame(64, 4), frame(999, 5)];
    peerSend(sent);
    const got = await rxAll(p, sent.length);
    assert.equal(got.length, sent.length);
    got.forEach((m, i) => {
      assert.equal(hex(mbufBytes(m)), hex(sent[i]!), `frame ${i}`);
      assert.equal(mbuf.pktLen(m), sent[i]!.length);
      assert.equal(mbuf.port(m), p);
      assert.equal(mbuf.nbSegs(m), 1);
    });
    freeAll(got);
    let s = ethdev.statsGet(p);
    assert.equal(s.ipackets, sent.length);
    assert.equal(s.ibytes, sent.reduce((a, b) => a + b.length, 0));
    assert.equal(s.imissed, 0);

    // Rx VLAN: the kernel strips the tag; the PMD puts it back (no VLAN_STRIP) and reports it.
    const tagged = frame(80, 6);
    tagged.set([0x81, 0x00, 0x20, 0x05, ET >> 8, ET & 0xff], 12);
    peerSend([tagged]);
    let v = await rxAll(p, 1);
    assert.equal(v.length, 1);
    assert.equal(hex(mbufBytes(v[0]!)), hex(tagged));
    assert.equal(mbuf.vlanTci(v[0]!), 0x2005);
    assert.equal(mbuf.olFlags(v[0]!) & (mbuf.RTE_MBUF_F_RX_VLAN | mbuf.RTE_MBUF_F_RX_VLAN_STRIPPED), mbuf.RTE_MBUF_F_RX_VLAN);
    freeAll(v);
    // With VLAN_STRIP the data stays untagged.
    ethdev.stop(p);
    setupPort(p, RX_OFFLOAD.VLAN_STRIP);
    peerSend([tagged]);
    v = await rxAll(p, 1);
    assert.equal(v.length, 1);
    assert.equal(hex(mbufBytes(v[0]!)), hex(Uint8Array.from([...tagged.subarray(0, 12), ...tagged.subarray(16)])));
    assert.equal(mbuf.olFlags(v[0]!) & (mbuf.RTE_MBUF_F_RX_VLAN | mbuf.RTE_MBUF_F_RX_VLAN_STRIPPED), mbuf.RTE_MBUF_F_RX_VLAN | mbuf.RTE_MBUF_F_RX_VLAN_STRIPPED);
    freeAll(v);

    // Tx: single segment, two segments, VLAN insert; the peer sees exactly these bytes.
    const out = [frame(60, 7), frame(1200, 8), frame(90, 9)];
    const cap = await peerRecv(out.length);
    const b = burst();
    b[0] = mbufFrom(pool, out[0]!);
    b[1] = mbufFrom(pool, out[1]!, 500);
    b[2] = mbufFrom(pool, out[2]!);
    mbuf.setVlanTci(b[2]!, 0x0123);
    mbuf.setOlFlags(b[2]!, mbuf.RTE_MBUF_F_TX_VLAN);
    assert.equal(mbuf.nbSegs(b[1]!), 3);
    const inUse = pool.inUseCount();
    ethdev.statsReset(p);
    assert.equal(ethdev.txBurst(p, 0, b, 3), 3);
    assert.equal(pool.inUseCount(), inUse - 5);
    const seen = await cap.done;
    const vlanOut = Uint8Array.from([...out[2]!.subarray(0, 12), 0x81, 0x00, 0x01, 0x23, ...out[2]!.subarray(12)]);
    assert.deepEqual(seen.map(hex), [hex(out[0]!), hex(out[1]!), hex(vlanOut)]);
    s = ethdev.statsGet(p);
    assert.equal(s.opackets, 3);
    assert.equal(s.obytes, 60 + 1200 + 94);
    assert.equal(s.oerrors, 0);
    assert.equal(s.ipackets, 0);

    // Oversized for a 2048-byte frame (2016 data bytes): dropped and counted, like DPDK.
    b[0] = mbufFrom(pool, frame(2017, 10));
    assert.equal(ethdev.txBurst(p, 0, b, 1), 1);
    assert.equal(ethdev.statsGet(p).oerrors, 1);

    // Promiscuous mode is the interface's IFF_PROMISC.
    ethdev.promiscuousEnable(p);
    assert.equal((Number(readFileSync(`/sys/class/net/${A}/flags`, 'utf8')) & 0x100) !== 0, true);
    ethdev.promiscuousDisable(p);
    assert.equal((Number(readFileSync(`/sys/class/net/${A}/flags`, 'utf8')) & 0x100) !== 0, false);
    ethdev.stop(p);
    assert.equal(ethdev.linkGet(p).status, 0);
  } finally {
    if (ethdev.isValidPort(p)) closePort(p);
  }
  assert.equal(pool.inUseCount(), 0);
});

test('a full V2 Rx ring: frames the kernel dropped are imissed', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const p = vdevCreate(`net_af_packet1,iface=${A},framecnt=8,qdisc_bypass=0,tpacket=2`);
  try {
    setupPort(p);
    ethdev.statsReset(p);
    const sent = Array.from({ length: 20 }, (_, i) => frame(64, 20 + i));
    peerSend(sent);
    await new Promise((r) => setTimeout(r, 100));
    const got = await rxAll(p, 8);
    assert.equal(got.length, 8);
    got.forEach((m, i) => assert.equal(hex(mbufBytes(m)), hex(sent[i]!)));
    freeAll(got);
    assert.equal(ethdev.rxBurst(p, 0, burst(), 32), 0);
    const s = ethdev.statsGet(p);
    assert.equal(s.ipackets, 8);
    assert.equal(s.imissed, 12);
    ethdev.statsReset(p);
    assert.equal(ethdev.statsGet(p).imissed, 0);
  } finally {
    closePort(p);
  }
});

test('a full V3 Rx ring: every block held by the user, the rest is imissed and the queue froze', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  // framecnt=8 of 2048 in 4096-byte blocks = 4 blocks; 64-byte frames pack about 30 to a block.
  const p = vdevCreate(`net_af_packet1,iface=${A},framecnt=8,qdisc_bypass=0`);
  try {
    setupPort(p);
    ethdev.statsReset(p);
    const sent = Array.from({ length: 300 }, (_, i) => frame(64, i));
    peerSend(sent);
    await new Promise((r) => setTimeout(r, 100));
    const got = await rxAll(p, 300);
    assert.ok(got.length > 8 && got.length < 300, `${got.length} frames in 4 blocks`);
    // The ring was never read while the peer sent: what came is a prefix of what was sent.
    got.forEach((m, i) => assert.equal(hex(mbufBytes(m)), hex(sent[i]!)));
    freeAll(got);
    const s = ethdev.statsGet(p);
    assert.equal(s.ipackets, got.length);
    assert.equal(s.imissed, 300 - got.length);
    const freeze = ethdev.xstatsGet(p).find((x) => x.name === 'rx_freeze_q_cnt');
    assert.ok(freeze !== undefined && freeze.value >= 1, JSON.stringify(freeze));
    // Blocks went back to the kernel: traffic flows again.
    peerSend([frame(70, 500)]);
    const again = await rxAll(p, 1);
    assert.deepEqual(again.map((m) => hex(mbufBytes(m))), [hex(frame(70, 500))]);
    freeAll(again);
    ethdev.statsReset(p);
    assert.equal(ethdev.statsGet(p).imissed, 0);
    assert.equal(ethdev.xstatsGet(p).find((x) => x.name === 'rx_freeze_q_cnt')?.value, 0);
  } finally {
    closePort(p);
  }
});

test('MTU 9000: jumbo frames become chained mbufs on Rx and go out from chains on Tx', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  sh('ip', ['link', 'set', A, 'mtu', '9000']);
  sh('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', B, 'mtu', '9000']);
  const p = vdevCreate(`net_af_packet2,iface=${A},blocksz=16384,framesz=16384,framecnt=16`);
  try {
    assert.equal(ethdev.mtuGet(p), 9000);
    assert.throws(() => ethdev.mtuSet(p, 16384 - 51), (e: eal.TsdpdkError) => e.code === 'EINVAL' && /framesz/.test(e.message));
    setupPort(p);
    const big = frame(9014, 30);
    peerSend([big, frame(2049, 31)]);
    const got = await rxAll(p, 2);
    assert.equal(got.length, 2);
    assert.equal(mbuf.nbSegs(got[0]!), 5); // 2048-byte data rooms
    assert.equal(mbuf.pktLen(got[0]!), 9014);
    assert.equal(hex(mbufBytes(got[0]!)), hex(big));
    assert.equal(mbuf.nbSegs(got[1]!), 2);
    assert.equal(hex(mbufBytes(got[1]!)), hex(frame(2049, 31)));
    freeAll(got);

    const cap = await peerRecv(1);
    const b = burst();
    b[0] = mbufFrom(pool, big);
    assert.equal(ethdev.txBurst(p, 0, b, 1), 1);
    assert.deepEqual((await cap.done).map(hex), [hex(big)]);
    assert.equal(ethdev.statsGet(p).obytes, 9014);
  } finally {
    closePort(p);
    run('ip', ['link', 'set', A, 'mtu', '1500']);
  }
  assert.equal(pool.inUseCount(), 0);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** IPv4/UDP frame from source port sport with a payload naming seq (len >= 64). */
function udpFrame(sport: number, seq: number, len = 80): Uint8Array {
  const b = new Uint8Array(len);
  b.set([0x02, 0, 0, 0, 0, 0xbb, 0x02, 0, 0, 0, 0, 0xaa, 0x08, 0x00]);
  const ipLen = len - 14;
  b.set([0x45, 0, ipLen >> 8, ipLen & 0xff, seq >> 8, seq & 0xff, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  b.set([sport >> 8, sport & 0xff, 0x23, 0x28, (ipLen - 20) >> 8, (ipLen - 20) & 0xff, 0, 0], 34);
  for (let i = 42; i < len; i++) b[i] = (seq * 7 + i) & 0xff;
  b[42] = seq >> 8;
  b[43] = seq & 0xff;
  return b;
}

for (const version of [3, 2]) test(`malformed frames from the peer arrive as they are and are counted (TPACKET_V${version})`, async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const p = vdevCreate(`net_af_packet3,iface=${A},tpacket=${version}`);
  try {
    setupPort(p);
    ethdev.statsReset(p);
    const header = frame(14, 1);
    const garbageEt = frame(60, 2);
    garbageEt.set([0xff, 0xff], 12);
    const ipv4Short = frame(19, 3); // 5 bytes of a 20-byte IPv4 header
    ipv4Short.set([0x08, 0x00, 0x45], 12);
    const ipv4Lies = frame(34, 4); // IHL 15 and total length 1500 in a 20-byte header
    ipv4Lies.set([0x08, 0x00, 0x4f, 0x00, 0x05, 0xdc], 12);
    const ipv6Short = frame(24, 5);
    ipv6Short.set([0x86, 0xdd, 0x60], 12);
    // A VLAN tag, a garbage inner ethertype and 2 bytes (the kernel drops a tag with less behind it
    // before any packet socket sees it).
    const vlanEmpty = frame(20, 6);
    vlanEmpty.set([0x81, 0x00, 0x00, 0x07, 0xff, 0xfe], 12);
    const runt = frame(14, 7).slice(0, 10);
    const sent = [header, garbageEt, ipv4Short, ipv4Lies, ipv6Short, vlanEmpty];
    // Below the 14-byte Ethernet header the kernel refuses to send at all (EINVAL, dev_validate_header).
    const verdicts = peerSend([runt, ...sent]);
    assert.deepEqual(verdicts, ['refused 22', ...sent.map(() => 'ok')]);
    // The kernel moves the VLAN tag into metadata (a 14-byte frame is left); the PMD puts it back.
    const got = await rxAll(p, sent.length);
    assert.equal(got.length, sent.length);
    got.forEach((m, i) => {
      assert.equal(hex(mbufBytes(m)), hex(sent[i]!), `frame ${i}`);
      assert.equal(mbuf.pktLen(m), sent[i]!.length);
    });
    freeAll(got);
    const st = ethdev.statsGet(p);
    assert.equal(st.ipackets, sent.length);
    assert.equal(st.ibytes, sent.reduce((a, b) => a + b.length, 0));
    assert.equal(st.ierrors, 0);
    assert.equal(st.imissed, 0);
  } finally {
    closePort(p);
  }
  assert.equal(pool.inUseCount(), 0);
});

for (const version of [3, 2]) test(`frames longer than the data room arrive as exact multi-segment chains (TPACKET_V${version})`, async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  // 128 bytes headroom + 256 bytes of data per mbuf.
  const small = mbuf.pktmbufPoolCreate(`afp_small${version}`, 255, 0, 0, 128 + 256, -1);
  const p = vdevCreate(`net_af_packet4,iface=${A},tpacket=${version}`);
  try {
    ethdev.configure(p, 1, 1, { rxmode: { offloads: RX_OFFLOAD.SCATTER }, txmode: { offloads: TX_OFFLOAD.MULTI_SEGS } });
    ethdev.rxQueueSetup(p, 0, 0, -1, null, small);
    ethdev.txQueueSetup(p, 0, 0, -1, null);
    ethdev.start(p);
    const tagged = frame(600, 11);
    tagged.set([0x81, 0x00, 0x00, 0x2a, ET >> 8, ET & 0xff], 12);
    const sent = [frame(256, 8), frame(257, 9), frame(1514, 10), tagged, frame(60, 12)];
    peerSend(sent);
    const got = await rxAll(p, sent.length);
    assert.equal(got.length, sent.length);
    assert.deepEqual(got.map((m) => mbuf.nbSegs(m)), [1, 2, 6, 3, 1]);
    got.forEach((m, i) => {
      assert.equal(hex(mbufBytes(m)), hex(sent[i]!), `frame ${i}`);
      assert.equal(mbuf.pktLen(m), sent[i]!.length);
      let segs = 0;
      let sum = 0;
      for (let s2 = m; s2 !== 0; s2 = mbuf.next(s2)) {
        segs++;
        sum += mbuf.dataLen(s2);
      }
      assert.equal(segs, mbuf.nbSegs(m));
      assert.equal(sum, mbuf.pktLen(m));
    });
    assert.equal(mbuf.vlanTci(got[3]!), 0x2a);
    freeAll(got);
    assert.equal(small.inUseCount(), 0);
    // Too few mbufs for a chain: the frame waits in the ring, counted as rx_nombuf, and comes once
    // mbufs are back.
    const hold: number[] = [];
    for (let m = mbuf.alloc(small); m !== 0; m = mbuf.alloc(small)) hold.push(m);
    for (let i = 0; i < 3; i++) mbuf.free(hold.pop()!);
    peerSend([frame(1514, 13)]);
    await sleep(20);
    const b = burst();
    assert.equal(ethdev.rxBurst(p, 0, b, 32), 0);
    assert.ok(ethdev.statsGet(p).rxNombuf >= 1);
    freeAll(hold);
    const late = await rxAll(p, 1);
    assert.equal(late.length, 1);
    assert.equal(hex(mbufBytes(late[0]!)), hex(frame(1514, 13)));
    freeAll(late);
  } finally {
    closePort(p);
  }
  assert.equal(small.inUseCount(), 0);
  small.free();
});

test('the interface goes down while a poll loop runs, then comes back: exact counts', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const p = vdevCreate(`net_af_packet5,iface=${A}`);
  let polling = true;
  let loop: Promise<void> = Promise.resolve();
  try {
    setupPort(p);
    ethdev.statsReset(p);
    const got: number[] = [];
    let phase = 'up';
    let rxWhileDown = 0;
    loop = (async () => {
      const b = burst();
      while (polling) {
        const n = ethdev.rxBurst(p, 0, b, 32);
        for (let i = 0; i < n; i++) got.push(b[i]!);
        if (phase === 'down') rxWhileDown += n;
        await sleep(1);
      }
    })();
    const waitFor = async (n: number) => {
      const end = Date.now() + 3000;
      while (got.length < n && Date.now() < end) await sleep(5);
    };
    const first = Array.from({ length: 5 }, (_, i) => frame(64 + i, 40 + i));
    peerSend(first);
    await waitFor(5);
    assert.deepEqual(got.map((m) => hex(mbufBytes(m))), first.map(hex));
    assert.equal(ethdev.linkGet(p).status, 1);

    phase = 'down';
    sh('ip', ['link', 'set', A, 'down']);
    assert.equal(ethdev.linkGet(p).status, 0);
    // The peer's frames go nowhere (its carrier is off); Tx fails with ENETDOWN and counts errors.
    peerSend([frame(64, 50), frame(64, 51)]);
    const b = burst();
    for (let i = 0; i < 4; i++) b[i] = mbufFrom(pool, frame(70, 60 + i));
    assert.equal(ethdev.txBurst(p, 0, b, 4), 4);
    await sleep(50);
    assert.equal(rxWhileDown, 0);
    let s = ethdev.statsGet(p);
    assert.equal(s.opackets, 0);
    assert.equal(s.oerrors, 4);
    assert.equal(s.ipackets, 5);

    sh('ip', ['link', 'set', A, 'up']);
    const end = Date.now() + 5000;
    while (ethdev.linkGet(p).status !== 1 && Date.now() < end) await sleep(20);
    assert.equal(ethdev.linkGet(p).status, 1);
    phase = 'up';
    const again = Array.from({ length: 7 }, (_, i) => frame(100 + i, 70 + i));
    peerSend(again);
    await waitFor(12);
    assert.deepEqual(got.slice(5).map((m) => hex(mbufBytes(m))), again.map(hex));
    // Tx flows again, and the frames that failed while down do not come out late.
    const out = [frame(80, 80), frame(81, 81), frame(82, 82)];
    const cap = await peerRecv(10, 1);
    for (let i = 0; i < 3; i++) b[i] = mbufFrom(pool, out[i]!);
    assert.equal(ethdev.txBurst(p, 0, b, 3), 3);
    assert.deepEqual((await cap.done).map(hex), out.map(hex));
    s = ethdev.statsGet(p);
    assert.equal(s.ipackets, 12);
    assert.equal(s.ibytes, [...first, ...again].reduce((a, x) => a + x.length, 0));
    assert.equal(s.opackets, 3);
    assert.equal(s.obytes, 80 + 81 + 82);
    assert.equal(s.oerrors, 4);
    polling = false;
    await loop;
    freeAll(got);
  } finally {
    polling = false;
    await loop;
    run('ip', ['link', 'set', A, 'up']);
    if (ethdev.isValidPort(p)) closePort(p);
  }
  assert.equal(pool.inUseCount(), 0);
});

test('qpairs=2: 64 UDP flows spread over both queues, each polled by its own worker lcore', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const p = vdevCreate(`net_af_packet6,iface=${A},qpairs=2`);
  const rings = [0, 1].map((q) => Ring.create(`afp_q${q}_${process.pid}`, 1024, -1, RING_F_SP_ENQ | RING_F_SC_DEQ));
  const stop = eal.memzoneReserve(`afp_stop_${process.pid}`, 64);
  const u32 = eal.sharedWindow().u32;
  const worker = new URL('./fixtures/af_packet_worker.js', import.meta.url);
  try {
    ethdev.configure(p, 2, 2, { rxmode: { offloads: 0n }, txmode: { offloads: 0n } });
    for (let q = 0; q < 2; q++) {
      ethdev.rxQueueSetup(p, q, 0, -1, null, pool);
      ethdev.txQueueSetup(p, q, 0, -1, null);
    }
    ethdev.start(p);
    ethdev.statsReset(p);
    Atomics.store(u32, stop.offset >>> 2, 0);
    for (let q = 0; q < 2; q++) eal.remoteLaunch(q + 1, worker, 'pollQueue', { port: p, queue: q, ring: rings[q]!.name, stop: stop.name });
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 256; i++) sent.push(udpFrame(1000 + (i % 64), i, 64 + (i % 5) * 16));
    peerSend(sent);
    const end = Date.now() + 5000;
    while (rings[0]!.count() + rings[1]!.count() < sent.length && Date.now() < end) await sleep(5);
    Atomics.store(u32, stop.offset >>> 2, 1);
    const perWorker = [await eal.waitLcoreAsync(1), await eal.waitLcoreAsync(2)];
    assert.deepEqual(perWorker.map((x, i) => [x, eal.lcoreLastError(i + 1)]), perWorker.map((x) => [x, null]));
    const perQueue: Uint8Array[][] = [[], []];
    const b = burst();
    for (let q = 0; q < 2; q++) {
      for (let n = rings[q]!.dequeueBurst(b, 32); n > 0; n = rings[q]!.dequeueBurst(b, 32)) {
        for (let i = 0; i < n; i++) {
          perQueue[q]!.push(mbufBytes(b[i]!));
          mbuf.free(b[i]!);
        }
      }
    }
    assert.ok(perQueue[0]!.length > 0 && perQueue[1]!.length > 0, `queue 0: ${perQueue[0]!.length}, queue 1: ${perQueue[1]!.length}`);
    assert.deepEqual(perQueue.map((x) => x.length), perWorker);
    // The union is what was sent, byte for byte; a flow stays on one queue, in order.
    const bySeq = (f: Uint8Array) => (f[42]! << 8) | f[43]!;
    const union = [...perQueue[0]!, ...perQueue[1]!].sort((x, y) => bySeq(x) - bySeq(y));
    assert.deepEqual(union.map(hex), sent.map(hex));
    const queueOfPort = new Map<number, number>();
    for (let q = 0; q < 2; q++) {
      const lastBySport = new Map<number, number>();
      for (const f of perQueue[q]!) {
        const sport = (f[34]! << 8) | f[35]!;
        assert.notEqual(queueOfPort.get(sport) ?? q, 1 - q, `flow ${sport} on both queues`);
        queueOfPort.set(sport, q);
        assert.ok((lastBySport.get(sport) ?? -1) < bySeq(f), `flow ${sport} out of order`);
        lastBySport.set(sport, bySeq(f));
      }
    }
    const s = ethdev.statsGet(p);
    assert.equal(s.ipackets, sent.length);
    assert.equal(s.ibytes, sent.reduce((a, x) => a + x.length, 0));
    assert.deepEqual(s.qIpackets.slice(0, 2), perQueue.map((x) => x.length));
    assert.equal(s.qIpackets[0]! + s.qIpackets[1]!, s.ipackets);
    assert.equal(s.qIbytes[0]! + s.qIbytes[1]!, s.ibytes);
    assert.deepEqual(s.qIbytes.slice(0, 2), perQueue.map((x) => x.reduce((a, f) => a + f.length, 0)));
  } finally {
    Atomics.store(u32, stop.offset >>> 2, 1);
    for (const id of [1, 2]) await eal.waitLcoreAsync(id);
    closePort(p);
    for (const r of rings) r.free();
    eal.memzoneFree(stop);
  }
  assert.equal(pool.inUseCount(), 0);
});
