// net_null and net_pcap: devargs, packet contents, stats, multi-segment packets, timestamps kept from
// rx_pcap to tx_pcap, damaged files, and a worker lcore polling a queue the main lcore set up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs, { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as eal from '../src/lib/eal/index.js';
import * as ethdev from '../src/lib/ethdev/index.js';
import * as mbuf from '../src/lib/mbuf/index.js';
import type { Mempool } from '../src/lib/mempool/index.js';
import { vdevCreate } from '../src/drivers/bus/vdev/vdev.js';
import { openCaptureReader } from '../src/lib/pcapng/index.js';
import '../src/drivers/net/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pmdtest'));
let pool: Mempool;
const burst = () => eal.burstArray(64);

/** A little-endian µs pcap with the given packets and timestamps. */
function writePcap(path: string, pkts: { data: Uint8Array; sec: number; usec: number }[], truncateLast = 0): void {
  const parts: Buffer[] = [];
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(65535, 16);
  h.writeUInt32LE(1, 20);
  parts.push(h);
  for (const p of pkts) {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(p.sec, 0);
    r.writeUInt32LE(p.usec, 4);
    r.writeUInt32LE(p.data.length, 8);
    r.writeUInt32LE(p.data.length, 12);
    parts.push(r, Buffer.from(p.data));
  }
  let all = Buffer.concat(parts);
  if (truncateLast) all = all.subarray(0, all.length - truncateLast);
  writeFileSync(path, all);
}

function packet(len: number, seed: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (i * 7 + seed) & 0xff;
  b.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00]);
  return b;
}

function setupPort(port: number, nbRx = 1, nbTx = 1): void {
  ethdev.configure(port, nbRx, nbTx);
  for (let q = 0; q < nbRx; q++) ethdev.rxQueueSetup(port, q, 0, -1, null, pool);
  for (let q = 0; q < nbTx; q++) ethdev.txQueueSetup(port, q, 0, -1, null);
  ethdev.start(port);
}

before(() => {
  eal.init(['-l', '0-1', '--no-huge', '-m', '128', '--file-prefix', `tpmd${process.pid}`, '--log-level', 'error']);
  pool = mbuf.pktmbufPoolCreate('pmd_pool', 2047, 32, 0, 2176, -1);
});

after(async () => {
  await eal.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('net_null: rx gives size-byte mbufs of the port, tx frees them, stats count packets', () => {
  const p = vdevCreate('net_null0');
  setupPort(p);
  const b = burst();
  assert.equal(ethdev.rxBurst(p, 0, b, 32), 32);
  for (let i = 0; i < 32; i++) {
    assert.equal(mbuf.dataLen(b[i]!), 64);
    assert.equal(mbuf.pktLen(b[i]!), 64);
    assert.equal(mbuf.port(b[i]!), p);
    assert.equal(mbuf.dataOff(b[i]!), 128);
  }
  assert.equal(pool.inUseCount(), 32);
  assert.equal(ethdev.txBurst(p, 0, b, 32), 32);
  assert.equal(pool.inUseCount(), 0);
  const s = ethdev.statsGet(p);
  assert.equal(s.ipackets, 32);
  assert.equal(s.opackets, 32);
  assert.equal(s.ibytes, 0, 'net_null counts packets only, like DPDK 22.11');
  const mac = ethdev.macAddrGet(p);
  assert.equal(mac[0]! & 0x03, 0x02, 'random, unicast, locally administered');
  // Promiscuous is on and cannot be turned off (no op), like DPDK's net_null.
  assert.equal(ethdev.promiscuousGet(p), true);
  ethdev.promiscuousEnable(p);
  assert.throws(() => ethdev.promiscuousDisable(p), (e: eal.TsdpdkError) => e.code === 'ENOTSUP' && /Operation not supported/.test(e.message));
  // RSS is accepted (net_null stores the configuration).
  ethdev.stop(p);
  ethdev.configure(p, 2, 2, { rxmode: { mqMode: ethdev.RTE_ETH_MQ_RX_RSS }, rxAdvConf: { rssConf: { rssHf: ethdev.RSS_IP } } });
  assert.equal(ethdev.rssHashConfGet(p).rssHf, ethdev.RSS_IP);
  assert.equal(ethdev.retaQuery(p).length, 128);
  ethdev.stop(p);
  ethdev.close(p);
});

test('net_null devargs: size, copy, no-rx and errors', () => {
  const p = vdevCreate('net_null1,size=128,copy=1');
  setupPort(p);
  const b = burst();
  assert.equal(ethdev.rxBurst(p, 0, b, 4), 4);
  assert.equal(mbuf.pktLen(b[0]!), 128);
  assert.equal(ethdev.txBurst(p, 0, b, 4), 4);
  ethdev.stop(p);
  ethdev.close(p);
  const q = vdevCreate('net_null2,no-rx=1');
  setupPort(q);
  assert.equal(ethdev.rxBurst(q, 0, b, 4), 0);
  ethdev.stop(q);
  ethdev.close(q);
  assert.throws(() => vdevCreate('net_null3,copy=1,no-rx=1'), (e: eal.TsdpdkError) => /Both copy and no-rx/.test(e.message));
  assert.throws(() => vdevCreate('net_null3,size=abc'), (e: eal.TsdpdkError) => e.code === 'EINVAL' && /abc/.test(e.message));
  assert.throws(() => vdevCreate('net_null3,colour=1'), (e: eal.TsdpdkError) => e.code === 'EINVAL' && /colour/.test(e.message));
  assert.equal(pool.inUseCount(), 0);
});

test('net_null: an empty pool counts rx_nombuf and receives nothing', () => {
  const p = vdevCreate('net_null4');
  setupPort(p);
  const held = new Uint32Array(2047);
  let n = 0;
  for (; n < 2047; n++) {
    const m = mbuf.alloc(pool);
    if (m === 0) break;
    held[n] = m;
  }
  const b = burst();
  assert.equal(ethdev.rxBurst(p, 0, b, 32), 0);
  assert.equal(ethdev.statsGet(p).rxNombuf, 32);
  mbuf.freeBulk(held, n);
  assert.equal(pool.inUseCount(), 0);
  ethdev.stop(p);
  ethdev.close(p);
});

test('net_pcap: rx_pcap -> tx_pcap keeps bytes and timestamps; long packets become multi-segment mbufs', () => {
  const input = join(dir, 'in.pcap');
  const output = join(dir, 'out.pcap');
  const pkts = [
    { data: packet(60, 1), sec: 1700000000, usec: 1 },
    { data: packet(1514, 2), sec: 1700000001, usec: 500000 },
    { data: packet(5000, 3), sec: 1700000002, usec: 999999 }, // > 2048-byte data room: 3 segments
  ];
  writePcap(input, pkts);
  const p = vdevCreate(`net_pcap0,rx_pcap=${input},tx_pcap=${output}`);
  assert.equal(ethdev.formatMac(ethdev.macAddrGet(p)), `02:70:63:61:70:${p.toString(16).padStart(2, '0').toUpperCase()}`);
  setupPort(p);
  const b = burst();
  assert.equal(ethdev.rxBurst(p, 0, b, 32), 3);
  assert.equal(ethdev.rxBurst(p, 0, b.subarray(3), 32), 0, 'EOF');
  // At EOF the queue remembers it, like libpcap: no read() per poll (a fixed bug: ~12k syscalls/s).
  const realRead = fs.readSync;
  let reads = 0;
  fs.readSync = ((...a: Parameters<typeof fs.readSync>) => {
    reads++;
    return realRead(...a);
  }) as typeof fs.readSync;
  syncBuiltinESMExports();
  try {
    for (let i = 0; i < 100; i++) assert.equal(ethdev.rxBurst(p, 0, b.subarray(3), 32), 0);
  } finally {
    fs.readSync = realRead;
    syncBuiltinESMExports();
  }
  assert.equal(reads, 0);
  assert.equal(mbuf.nbSegs(b[2]!), 3);
  assert.equal(mbuf.pktLen(b[2]!), 5000);
  assert.equal(mbuf.dataLen(b[2]!), 2048);
  assert.equal(mbuf.port(b[1]!), p);
  assert.equal(ethdev.txBurst(p, 0, b, 3), 3);
  assert.equal(pool.inUseCount(), 0);
  const s = ethdev.statsGet(p);
  assert.equal(s.ipackets, 3);
  assert.equal(s.ibytes, 60 + 1514 + 5000);
  assert.equal(s.obytes, 60 + 1514 + 5000);
  ethdev.stop(p);
  ethdev.close(p);
  const r = openCaptureReader(output);
  for (const want of pkts) {
    const n = r.next();
    assert.equal(n, want.data.length);
    const got = new Uint8Array(n);
    r.copyData(got, 0, 0, n);
    assert.deepEqual(got, want.data);
    assert.equal(r.tsSec, want.sec);
    assert.equal(r.tsNsec, want.usec * 1000);
  }
  assert.equal(r.next(), -1);
  r.close();
  // The output header is what DPDK's tx_pcap writes: ns magic, LE, 2.4, snaplen 65535, Ethernet.
  assert.equal(readFileSync(output).subarray(0, 24).toString('hex'), '4d3cb2a1020004000000000000000000ffff000001000000');
});

test('net_pcap: infinite_rx replays; rx-only ports drop on tx; damaged files', () => {
  const input = join(dir, 'inf.pcap');
  writePcap(input, [{ data: packet(64, 9), sec: 1, usec: 0 }, { data: packet(64, 10), sec: 2, usec: 0 }]);
  const p = vdevCreate(`net_pcap1,rx_pcap=${input},infinite_rx=1`);
  setupPort(p);
  const b = burst();
  assert.equal(ethdev.rxBurst(p, 0, b, 5), 5);
  assert.deepEqual([0, 1, 2, 3, 4].map((i) => mbuf.mbufU8()[mbuf.mtod(b[i]!) + 14]), [packet(64, 9)[14], packet(64, 10)[14], packet(64, 9)[14], packet(64, 10)[14], packet(64, 9)[14]]);
  assert.equal(ethdev.txBurst(p, 0, b, 5), 5, 'no tx_pcap: tx drops');
  assert.equal(ethdev.statsGet(p).opackets, 5);
  assert.equal(pool.inUseCount(), 0);
  ethdev.stop(p);
  ethdev.close(p);

  const bad = join(dir, 'bad.pcap');
  writeFileSync(bad, Buffer.from('not a pcap file at all, definitely'));
  assert.throws(() => vdevCreate(`net_pcap2,rx_pcap=${bad}`), (e: eal.TsdpdkError) => e.code === 'EINVAL' && e.message.includes(bad));
  const trunc = join(dir, 'trunc.pcap');
  writePcap(trunc, [{ data: packet(100, 1), sec: 1, usec: 0 }, { data: packet(100, 2), sec: 2, usec: 0 }], 40);
  const t = vdevCreate(`net_pcap3,rx_pcap=${trunc}`);
  setupPort(t);
  assert.equal(ethdev.rxBurst(t, 0, b, 32), 1, 'the good record, then the damaged one stops reading');
  assert.equal(ethdev.rxBurst(t, 0, b.subarray(1), 32), 0);
  const st = ethdev.statsGet(t);
  assert.equal(st.ipackets, 1);
  assert.equal(st.ierrors, 1);
  mbuf.freeBulk(b, 1);
  ethdev.stop(t);
  ethdev.close(t);
  // Live interfaces are AF_PACKET sockets (test/pcap_iface.test.ts); a missing one is ENODEV.
  assert.throws(() => vdevCreate('net_pcap4,iface=tsdpdknoif0'), (e: eal.TsdpdkError) => e.code === 'ENODEV' && /iface=tsdpdknoif0/.test(e.message));
  assert.throws(() => vdevCreate(`net_pcap4,rx_pcap=${join(dir, 'missing.pcap')}`), (e: eal.TsdpdkError) => /missing\.pcap/.test(e.message));
  assert.equal(pool.inUseCount(), 0);
});

test('net_pcap: a worker lcore continues reading where the main lcore stopped', () => {
  const input = join(dir, 'w.pcap');
  writePcap(input, Array.from({ length: 10 }, (_, i) => ({ data: packet(80, i), sec: i, usec: 0 })));
  const out = join(dir, 'w_out.pcap');
  const p = vdevCreate(`net_pcap5,rx_pcap=${input},tx_pcap=${out}`);
  setupPort(p);
  const b = burst();
  assert.equal(ethdev.rxBurst(p, 0, b, 4), 4);
  assert.equal(ethdev.txBurst(p, 0, b, 4), 4);
  eal.remoteLaunch(1, new URL('./fixtures/pmd_worker.js', import.meta.url), 'forwardAll', { port: p });
  assert.equal(eal.waitLcore(1), 6, eal.lcoreLastError(1) ?? '');
  ethdev.stop(p);
  ethdev.close(p);
  const r = openCaptureReader(out);
  const seen: number[] = [];
  for (let n = r.next(); n >= 0; n = r.next()) seen.push(r.tsSec);
  r.close();
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(pool.inUseCount(), 0);
});

test('software RSS on net_pcap: Toeplitz hash of the verification-suite flow, RETA queue', () => {
  // Microsoft RSS verification suite, IPv4 66.9.149.187:2794 -> 161.142.100.80:1766 (TCP).
  const pkt = new Uint8Array(54);
  pkt.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00]);
  pkt.set([0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 66, 9, 149, 187, 161, 142, 100, 80], 14);
  pkt.set([2794 >> 8, 2794 & 0xff, 1766 >> 8, 1766 & 0xff], 34);
  const udp = Uint8Array.from(pkt);
  udp[23] = 17;
  const input = join(dir, 'rss.pcap');
  writePcap(input, [{ data: pkt, sec: 1, usec: 0 }, { data: udp, sec: 2, usec: 0 }]);
  const p = vdevCreate(`net_pcap9,rx_pcap=${input}`);
  ethdev.configure(p, 1, 1, {
    rxmode: { mqMode: ethdev.RTE_ETH_MQ_RX_RSS, offloads: ethdev.RX_OFFLOAD.RSS_HASH },
    rxAdvConf: { rssConf: { rssHf: ethdev.RSS_IP | ethdev.RSS.NONFRAG_IPV4_TCP } },
  });
  ethdev.rxQueueSetup(p, 0, 0, -1, null, pool);
  ethdev.txQueueSetup(p, 0, 0, -1, null);
  ethdev.start(p);
  const b = burst();
  assert.equal(ethdev.rxBurst(p, 0, b, 4), 2);
  assert.equal(mbuf.hashRss(b[0]!), 0x51ccc178, 'TCP: 4-tuple hash');
  assert.equal(mbuf.hashRss(b[1]!), 0x323e8fc2, 'UDP without NONFRAG_IPV4_UDP: addresses only');
  assert.ok(mbuf.olFlagTest(b[0]!, 1), 'RTE_MBUF_F_RX_RSS_HASH');
  mbuf.freeBulk(b, 2);
  ethdev.stop(p);
  ethdev.close(p);
});
