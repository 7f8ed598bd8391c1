// net_tap: a kernel TAP interface the test drives with python3 raw sockets bound to it. Rx/Tx bytes
// (jumbo frames as chains), stats, link/MAC/MTU/promisc/allmulti reflected in `ip link`, default
// name, fixed MAC, persist, removal on close, devargs errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import * as eal from '../src/lib/eal/index.js';
import * as ethdev from '../src/lib/ethdev/index.js';
import * as mbuf from '../src/lib/mbuf/index.js';
import { TX_OFFLOAD } from '../src/lib/ethdev/constants.js';
import type { Mempool } from '../src/lib/mempool/index.js';
import { vdevCreate } from '../src/drivers/bus/vdev/vdev.js';
import '../src/drivers/net/index.js';
import { tapIfName } from '../src/drivers/net/tap/tap_ethdev.js';
import { TAP_PEER_PY } from './fixtures/tap_peer.js';
import { skipOrFail, mbufBytes, mbufFrom } from './helpers.js';

const IF = `tsdtap${process.pid % 1000}`;
const ET = 0x88b5;
let skipReason: string | null = null;
let pool: Mempool;
const created = new Set<string>([IF, `${IF}p`]);

function run(cmd: string, args: string[], timeout = 10000): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

const linkShow = (name: string) => run('ip', ['-o', 'link', 'show', 'dev', name]);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function frame(len: number, seed: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (i * 7 + seed) & 0xff;
  b.set([0x02, 0, 0, 0, 0, 0xbb, 0x02, 0, 0, 0, 0, 0xaa, ET >> 8, ET & 0xff]);
  return b;
}

function noIpv6(name: string): void {
  const p = `/proc/sys/net/ipv6/conf/${name}/disable_ipv6`;
  if (existsSync(p)) writeFileSync(p, '1');
}

function peerSend(name: string, frames: Uint8Array[]): void {
  const r = spawnSync('python3', ['-c', TAP_PEER_PY, 'send', name, ...frames.map(hex)], { encoding: 'utf8', timeout: 5000 });
  assert.equal(r.status, 0, `peer send failed: ${r.stderr}`);
}

/** Starts a capture; resolves once it listens, `done` gives the frames (a bare promise would be adopted). */
async function peerRecv(name: string, count: number, timeoutS = 3): Promise<{ done: Promise<Uint8Array[]> }> {
  const p = spawn('python3', ['-c', TAP_PEER_PY, 'recv', name, String(count), String(timeoutS), ET.toString(16)]);
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
  return { done: exited.then(() => out.split('\n').slice(1).filter((l) => l.length > 0).map((l) => Uint8Array.from(Buffer.from(l, 'hex')))) };
}



/** Polls rxBurst until want frames of ET came (or 3 s); other frames are freed. */
async function rxAll(port: number, want: number): Promise<number[]> {
  const b = eal.burstArray(64);
  const got: number[] = [];
  const end = Date.now() + 3000;
  while (got.length < want && Date.now() < end) {
    const n = ethdev.rxBurst(port, 0, b, 32);
    for (let i = 0; i < n; i++) {
      const m = b[i]!;
      const d = mbuf.mtod(m);
      const u8 = eal.sharedWindow().u8;
      if (((u8[d + 12]! << 8) | u8[d + 13]!) === ET) got.push(m);
      else mbuf.free(m);
    }
    if (n === 0) await new Promise((r) => setTimeout(r, 5));
  }
  return got;
}

before(() => {
  eal.init(['-l', '0', '--no-huge', '-m', '128', '--file-prefix', `ttap${process.pid}`, '--log-level', 'error']);
  pool = mbuf.pktmbufPoolCreate('tap_pool', 2047, 32, 0, 2176, -1);
  if (process.getuid?.() !== 0) skipReason = 'needs root (CAP_NET_ADMIN to create TAP interfaces)';
  else if (!existsSync('/dev/net/tun')) skipReason = '/dev/net/tun is missing';
  else if (!run('python3', ['-c', 'import socket']).ok) skipReason = 'python3 is not available';
  else if (!run('ip', ['-V']).ok) skipReason = 'iproute2 (ip) is not available';
});

after(async () => {
  for (const p of ethdev.ports()) {
    try { ethdev.stop(p); } catch { /* not started */ }
    try { ethdev.close(p); } catch { /* already closed */ }
  }
  for (const n of created) if (linkShow(n).ok) run('ip', ['link', 'del', n]);
  await eal.cleanup();
});

test('devargs errors: remote is ENOTSUP, bad values are EINVAL, nothing is created', (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  assert.throws(() => vdevCreate(`net_tap0,iface=${IF},remote=lo`), (e: eal.TsdpdkError) => e.code === 'ENOTSUP' && /remote=lo is not supported/.test(e.message));
  const bad: [string, RegExp][] = [
    [`iface=${IF},mac=zz:11:22:33:44:55`, /invalid mac/],
    [`iface=${IF},mac=02:11:22:33:44`, /invalid mac/],
    [`iface=${IF},mac=2:11:22:33:44:55`, /invalid mac/], // rte_ether_unformat_addr wants two digits a byte
    [`iface=${IF},mac=02-11-22-33-44-55`, /invalid mac/],
    [`iface=${IF},mac=0211:2233:44`, /invalid mac/],
    [`iface=${IF},mac=01:00:5e:00:00:01`, /not a unicast/],
    ['iface=waytoolonginterfacename', /invalid iface/],
    ['iface=a/b', /invalid iface/],
    [`iface=${IF},iface=${IF}`, /iface given more than once/],
    [`iface=${IF},bogus=1`, /unknown argument 'bogus'/],
  ];
  for (const [args, re] of bad) {
    assert.throws(() => vdevCreate(`net_tap0,${args}`), (e: eal.TsdpdkError) => e.code === 'EINVAL' && re.test(e.message), args);
  }
  assert.equal(linkShow(IF).ok, false);
  assert.equal(ethdev.ports().length, 0);
});

test('rx, tx (chained both ways), stats, link, MTU, MAC, promisc; close removes the interface', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const p = vdevCreate(`net_tap0,iface=${IF},mac=02:11:22:33:44:55`);
  noIpv6(IF);
  const info = ethdev.infoGet(p);
  assert.equal(info.driverName, 'net_tap');
  let show = linkShow(IF);
  assert.ok(show.ok, show.out);
  assert.match(show.out, /link\/ether 02:11:22:33:44:55/);
  assert.doesNotMatch(show.out, /[<,]UP[,>]/);
  assert.equal(ethdev.formatMac(ethdev.macAddrGet(p)), '02:11:22:33:44:55');
  assert.ok(info.ifIndex > 0);

  ethdev.mtuSet(p, 9000);
  assert.match(linkShow(IF).out, /mtu 9000/);
  ethdev.configure(p, 1, 1, { txmode: { offloads: TX_OFFLOAD.MULTI_SEGS } });
  ethdev.rxQueueSetup(p, 0, 0, -1, null, pool);
  ethdev.txQueueSetup(p, 0, 0, -1, null);
  ethdev.start(p);
  assert.match(linkShow(IF).out, /[<,]UP[,>]/);
  assert.equal(ethdev.linkGet(p).status, 1);
  assert.equal(ethdev.linkGet(p).speed, 10000);

  // Kernel -> port: byte-exact, long frames chained.
  const sent = [frame(60, 1), frame(1514, 2), frame(5000, 3), frame(64, 4)];
  peerSend(IF, sent);
  const got = await rxAll(p, sent.length);
  assert.equal(got.length, sent.length);
  got.forEach((m, i) => {
    assert.equal(hex(mbufBytes(m)), hex(sent[i]!), `frame ${i}`);
    assert.equal(mbuf.pktLen(m), sent[i]!.length);
    assert.equal(mbuf.port(m), p);
  });
  assert.equal(mbuf.nbSegs(got[2]!), 3);
  for (const m of got) mbuf.free(m);
  let s = ethdev.statsGet(p);
  assert.ok(s.ipackets >= sent.length);
  assert.ok(s.ibytes >= sent.reduce((a, b) => a + b.length, 0));

  // Port -> kernel: single and multi-segment mbufs, gathered.
  const out = [frame(60, 7), frame(1200, 8), frame(4000, 9)];
  const cap = await peerRecv(IF, out.length);
  const b = eal.burstArray(8);
  b[0] = mbufFrom(pool, out[0]!);
  b[1] = mbufFrom(pool, out[1]!, 500);
  b[2] = mbufFrom(pool, out[2]!);
  const inUse = pool.inUseCount();
  ethdev.statsReset(p);
  assert.equal(ethdev.txBurst(p, 0, b, 3), 3);
  assert.equal(pool.inUseCount(), inUse - 6);
  assert.deepEqual((await cap.done).map(hex), out.map(hex));
  s = ethdev.statsGet(p);
  assert.equal(s.opackets, 3);
  assert.equal(s.obytes, 60 + 1200 + 4000);
  assert.equal(s.oerrors, 0);
  // Larger than MTU + overhead: dropped as an error.
  b[0] = mbufFrom(pool, frame(9100, 10));
  assert.equal(ethdev.txBurst(p, 0, b, 1), 1);
  assert.equal(ethdev.statsGet(p).oerrors, 1);

  // Control path mirrored on the interface.
  ethdev.promiscuousEnable(p);
  assert.match(linkShow(IF).out, /PROMISC/);
  ethdev.promiscuousDisable(p);
  assert.doesNotMatch(linkShow(IF).out, /PROMISC/);
  ethdev.allmulticastEnable(p);
  assert.match(linkShow(IF).out, /ALLMULTI/);
  ethdev.allmulticastDisable(p);
  ethdev.defaultMacAddrSet(p, Uint8Array.from([0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee]));
  assert.match(linkShow(IF).out, /link\/ether 02:aa:bb:cc:dd:ee/);
  ethdev.setLinkDown(p);
  assert.doesNotMatch(linkShow(IF).out, /[<,]UP[,>]/);
  assert.equal(ethdev.linkGet(p).status, 0);
  ethdev.setLinkUp(p);
  assert.match(linkShow(IF).out, /[<,]UP[,>]/);

  ethdev.stop(p);
  ethdev.close(p);
  show = linkShow(IF);
  assert.equal(show.ok, false, `still present after close: ${show.out}`);
});

test('mac devarg as DPDK reads it: xxxx:xxxx:xxxx, all zeros = random', (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const p = vdevCreate(`net_tap5,iface=${IF},mac=0211:2233:4455`);
  assert.equal(ethdev.formatMac(ethdev.macAddrGet(p)), '02:11:22:33:44:55');
  assert.match(linkShow(IF).out, /link\/ether 02:11:22:33:44:55/);
  ethdev.close(p);
  const z = vdevCreate(`net_tap6,iface=${IF},mac=00:00:00:00:00:00`);
  const mac = ethdev.macAddrGet(z);
  assert.ok(mac.some((b) => b !== 0), 'zero MAC kept');
  assert.equal(mac[0]! & 0x03, 0x02, 'random MAC: locally administered unicast');
  assert.match(linkShow(IF).out, new RegExp(`link/ether ${ethdev.formatMac(mac).toLowerCase()}`));
  ethdev.close(z);
  assert.equal(linkShow(IF).ok, false);
});

test('defaults: dtap%d name, mac=fixed, persist keeps the interface', (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const p = vdevCreate('net_tap1,mac=fixed');
  const name = tapIfName(ethdev.portDataOf(p));
  created.add(name);
  assert.match(name, /^dtap\d+$/);
  assert.match(linkShow(name).out, /link\/ether 02:64:74:61:70:30/);
  ethdev.close(p);
  assert.equal(linkShow(name).ok, false);
  // A prefix in any case, the last byte counting up per process (DPDK: "FIXEDxyz" is fixed too).
  const f = vdevCreate(`net_tap7,iface=${IF},mac=FIXEDxyz`);
  assert.equal(ethdev.formatMac(ethdev.macAddrGet(f)), '02:64:74:61:70:31');
  ethdev.close(f);

  const q = vdevCreate(`eth_tap2,iface=${IF}p,persist`);
  assert.equal(ethdev.infoGet(q).driverName, 'net_tap');
  ethdev.close(q);
  assert.ok(linkShow(`${IF}p`).ok, 'persist: the interface must survive close');
  assert.ok(run('ip', ['link', 'del', `${IF}p`]).ok);
});

/** Open fds on /dev/net/tun in this process. */
function tunFds(): number {
  let n = 0;
  for (const f of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${f}`) === '/dev/net/tun') n++;
    } catch { /* closed meanwhile */ }
  }
  return n;
}

/** IPv4/UDP frame with the given source port (the kernel spreads flows over the queues by hash). */
function udpFrame(sport: number): Uint8Array {
  const b = new Uint8Array(64);
  b.set([0x02, 0, 0, 0, 0, 0xbb, 0x02, 0, 0, 0, 0, 0xaa, 0x08, 0x00]);
  b.set([0x45, 0, 0, 50, 0, 0, 0, 0, 64, 17, 0, 0, 10, 9, 0, 1, 10, 9, 0, 2], 14);
  b.set([sport >> 8, sport & 0xff, 0x27, 0x0f, 0, 30, 0, 0], 34);
  return b;
}

test('two queue pairs: one fd each, Rx spread over both, Tx on queue 1; reconfiguring to one queue closes the extra fd', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const before = tunFds();
  const p = vdevCreate(`net_tap3,iface=${IF}`);
  noIpv6(IF);
  assert.equal(tunFds(), before + 1);
  ethdev.configure(p, 2, 2, {});
  for (const q of [0, 1]) {
    ethdev.rxQueueSetup(p, q, 0, -1, null, pool);
    ethdev.txQueueSetup(p, q, 0, -1, null);
  }
  assert.equal(tunFds(), before + 2);
  ethdev.start(p);
  const frames = Array.from({ length: 16 }, (_, i) => udpFrame(1000 + i * 77));
  peerSend(IF, frames);
  const seen = new Set<string>();
  const b = eal.burstArray(64);
  const end = Date.now() + 3000;
  while (seen.size < frames.length && Date.now() < end) {
    let n = 0;
    for (const q of [0, 1]) {
      const k = ethdev.rxBurst(p, q, b, 32);
      for (let i = 0; i < k; i++) {
        seen.add(hex(mbufBytes(b[i]!)));
        mbuf.free(b[i]!);
      }
      n += k;
    }
    if (n === 0) await new Promise((r) => setTimeout(r, 5));
  }
  assert.deepEqual([...seen].sort(), frames.map(hex).sort());
  const s = ethdev.statsGet(p);
  assert.equal(s.qIpackets[0]! + s.qIpackets[1]!, frames.length);

  const out = frame(100, 11);
  const cap = await peerRecv(IF, 1);
  b[0] = mbufFrom(pool, out);
  assert.equal(ethdev.txBurst(p, 1, b, 1), 1);
  assert.deepEqual((await cap.done).map(hex), [hex(out)]);
  assert.equal(ethdev.statsGet(p).qOpackets[1], 1);

  ethdev.stop(p);
  ethdev.configure(p, 1, 1, {});
  assert.equal(tunFds(), before + 1);
  ethdev.close(p);
  assert.equal(tunFds(), before);
  assert.equal(linkShow(IF).ok, false);
});

test('without CAP_NET_ADMIN the probe fails with EPERM', (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const child = fileURLToPath(new URL('./fixtures/tap_noadmin.js', import.meta.url));
  const r = spawnSync('setpriv', ['--bounding-set=-net_admin', '--inh-caps=-net_admin', process.execPath, child, IF], { encoding: 'utf8', timeout: 15000 });
  if (r.error || (r.status !== 0 && /setpriv/.test(r.stderr))) return skipOrFail(t, `setpriv unavailable: ${r.error?.message ?? r.stderr}`);
  assert.match(r.stdout, /^EPERM .*CAP_NET_ADMIN/, r.stderr);
  assert.equal(linkShow(IF).ok, false);
});

test('interface moved to another namespace: link reads down, the queues still carry frames, stop and close succeed', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const ns = `tsdpdk_tapns_${process.pid}`;
  if (!run('ip', ['netns', 'add', ns]).ok) return skipOrFail(t, 'ip netns add failed');
  try {
    const p = vdevCreate(`net_tap8,iface=${IF}`);
    ethdev.configure(p, 1, 1, {});
    ethdev.rxQueueSetup(p, 0, 0, -1, null, pool);
    ethdev.txQueueSetup(p, 0, 0, -1, null);
    ethdev.start(p);
    assert.equal(ethdev.linkGet(p).status, 1);
    assert.ok(run('ip', ['link', 'set', IF, 'netns', ns]).ok);
    run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `net.ipv6.conf.${IF}.disable_ipv6=1`]);
    assert.ok(run('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', IF, 'up']).ok);
    // Not visible from here: DPDK's failed SIOCGIFFLAGS leaves the flags 0, i.e. link down, no error.
    assert.equal(ethdev.linkGet(p).status, 0);

    const inFrames = [frame(60, 21), frame(1514, 22)];
    const snd = spawnSync('ip', ['netns', 'exec', ns, 'python3', '-c', TAP_PEER_PY, 'send', IF, ...inFrames.map(hex)], { encoding: 'utf8', timeout: 5000 });
    assert.equal(snd.status, 0, snd.stderr);
    const got = await rxAll(p, inFrames.length);
    assert.deepEqual(got.map((m) => hex(mbufBytes(m))), inFrames.map(hex));
    for (const m of got) mbuf.free(m);

    const outFrame = frame(200, 23);
    const cap = spawn('ip', ['netns', 'exec', ns, 'python3', '-c', TAP_PEER_PY, 'recv', IF, '1', '3', ET.toString(16)]);
    const kill = setTimeout(() => cap.kill('SIGKILL'), 8000);
    let out = '';
    cap.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    const closed = new Promise<void>((res) => cap.on('close', () => { clearTimeout(kill); res(); }));
    const end = Date.now() + 5000;
    while (!out.startsWith('ready\n') && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    const b = eal.burstArray(4);
    b[0] = mbufFrom(pool, outFrame);
    assert.equal(ethdev.txBurst(p, 0, b, 1), 1);
    await closed;
    assert.deepEqual(out.split('\n').slice(1).filter((l) => l.length > 0), [hex(outFrame)]);

    ethdev.stop(p); // its link-down ioctl cannot reach the interface: ignored, as DPDK's tap_dev_stop does
    assert.equal(ethdev.linkGet(p).status, 0);
    ethdev.close(p);
    // The last fd closed: the kernel removed the interface in the other namespace.
    assert.equal(run('ip', ['netns', 'exec', ns, 'ip', 'link', 'show', IF]).ok, false);
  } finally {
    run('ip', ['netns', 'del', ns]);
  }
});

test('interface deleted under a started port: Rx returns nothing and counts nothing, Tx drops as errors, stop and close succeed', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const p = vdevCreate(`net_tap9,iface=${IF}`);
  noIpv6(IF);
  ethdev.configure(p, 1, 1, {});
  ethdev.rxQueueSetup(p, 0, 0, -1, null, pool);
  ethdev.txQueueSetup(p, 0, 0, -1, null);
  ethdev.start(p);
  ethdev.statsReset(p);
  const inUse = pool.inUseCount();
  assert.ok(run('ip', ['link', 'del', IF]).ok);
  assert.equal(linkShow(IF).ok, false);
  const b = eal.burstArray(32);
  for (let i = 0; i < 1000; i++) assert.equal(ethdev.rxBurst(p, 0, b, 32), 0);
  for (let i = 0; i < 4; i++) b[i] = mbufFrom(pool, frame(100, 30 + i));
  assert.equal(ethdev.txBurst(p, 0, b, 4), 4);
  assert.equal(pool.inUseCount(), inUse);
  const s = ethdev.statsGet(p);
  assert.deepEqual([s.ipackets, s.ierrors, s.opackets, s.oerrors], [0, 0, 0, 4]);
  assert.equal(ethdev.linkGet(p).status, 0);
  ethdev.stop(p);
  ethdev.close(p);
  assert.equal(linkShow(IF).ok, false);
});
