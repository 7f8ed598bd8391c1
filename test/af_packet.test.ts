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

const NS = `tsdpdk_afp_${process.pid}`;
const A = `afpa${process.pid}`; // root namespace, used by the port
const B = `afpb${process.pid}`; // peer, inside NS
const ET = 0x88b5; // IEEE local experimental ethertype
let skipReason: string | null = null;
let pool: Mempool;
const burst = () => eal.burstArray(64);

function run(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

function sh(cmd: string, args: string[]): void {
  const r = run(cmd, args);
  if (!r.ok) throw new Error(`${cmd} ${args.join(' ')}: ${r.out.trim()}`);
}

function frame(len: number, seed: number, dst = [0x02, 0, 0, 0, 0, 0xbb], src = [0x02, 0, 0, 0, 0, 0xaa]): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (i * 13 + seed) & 0xff;
  b.set([...dst, ...src, ET >> 8, ET & 0xff]);
  return b;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function peerSend(frames: Uint8Array[]): void {
  const r = spawnSync('ip', ['netns', 'exec', NS, 'python3', '-c', PEER_PY, 'send', B, ...frames.map(hex)], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 0, `peer send failed: ${r.stderr}`);
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

before(() => {
  eal.init(['-l', '0-1', '--no-huge', '-m', '256', '--file-prefix', `tafp${process.pid}`, '--log-level', 'error']);
  pool = mbuf.pktmbufPoolCreate('afp_pool', 4095, 32, 0, 2176, -1);
  if (process.getuid?.() !== 0) {
    skipReason = 'needs root (network namespaces, veth, CAP_NET_RAW)';
    return;
  }
  if (!run('python3', ['-c', 'import socket']).ok) {
    skipReason = 'python3 is not available';
    return;
  }
  const r = run('ip', ['netns', 'add', NS]);
  if (!r.ok) {
    skipReason = `ip netns add failed: ${r.out.trim()}`;
    return;
  }
  try {
    sh('ip', ['link', 'add', A, 'type', 'veth', 'peer', 'name', B, 'netns', NS]);
    // No IPv6 autoconfiguration traffic: the rings must see only the test's frames.
    const v6 = `/proc/sys/net/ipv6/conf/${A}/disable_ipv6`;
    if (existsSync(v6)) writeFileSync(v6, '1');
    run('ip', ['netns', 'exec', NS, 'sysctl', '-q', '-w', `net.ipv6.conf.${B}.disable_ipv6=1`]);
    sh('ip', ['link', 'set', A, 'up']);
    sh('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', B, 'up']);
    const end = Date.now() + 3000;
    while (readFileSync(`/sys/class/net/${A}/operstate`, 'utf8').trim() !== 'up' && Date.now() < end) spawnSync('sleep', ['0.05']);
  } catch (e) {
    skipReason = `veth setup failed: ${(e as Error).message}`;
  }
});

after(async () => {
  run('ip', ['link', 'del', A]);
  run('ip', ['netns', 'del', NS]);
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
