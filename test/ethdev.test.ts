// ethdev over net_ring ports: configuration rules, bursts, stats/xstats, link, MAC, modes, ownership,
// callbacks, a worker lcore using a port the main lcore set up, and hot-plug through the vdev bus.
// Ring ports carry any u32 handles, so no mbufs are needed here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as eal from '../src/lib/eal/index.js';
import * as ethdev from '../src/lib/ethdev/index.js';
import { Ring } from '../src/lib/ring/index.js';
import { ethFromRings } from '../src/drivers/net/ring/ring_ethdev.js';
import { vdevCreate, vdevRemove } from '../src/drivers/bus/vdev/vdev.js';
import '../src/drivers/net/index.js';

const fixtures = new URL('./fixtures/ethdev_worker.js', import.meta.url);
let fakePool = 0;

before(() => {
  eal.init(['-l', '0-1', '--no-huge', '-m', '64', '--file-prefix', `teth${process.pid}`, '--log-level', 'error', '--vdev', 'net_ring0', '--vdev', 'net_null0,bogus=1', '--']);
  fakePool = eal.zmalloc('fake_pool', 64);
});

after(async () => {
  await eal.cleanup();
});

function setup(port: number, nbq = 1): void {
  ethdev.configure(port, nbq, nbq, {});
  for (let q = 0; q < nbq; q++) {
    ethdev.rxQueueSetup(port, q, 0, eal.SOCKET_ID_ANY, null, fakePool);
    ethdev.txQueueSetup(port, q, 0, eal.SOCKET_ID_ANY, null);
  }
}

test('vdev probe at init: good devices become ports, bad ones are skipped', () => {
  assert.deepEqual(ethdev.ports(), [0]);
  assert.equal(ethdev.getNameByPort(0), 'net_ring0');
  assert.equal(ethdev.getPortByName('net_ring0'), 0);
  assert.equal(ethdev.infoGet(0).driverName, 'net_ring');
  assert.equal(ethdev.infoGet(0).maxRxQueues, 16);
  assert.throws(() => ethdev.getPortByName('net_null0'), (e: eal.TsdpdkError) => e.code === 'ENODEV');
});

test('net_ring0 without arguments is a loopback: what is sent comes back in order', () => {
  setup(0, 2);
  ethdev.start(0);
  assert.equal(ethdev.linkGet(0).status, ethdev.RTE_ETH_LINK_UP);
  assert.equal(ethdev.linkToString(ethdev.linkGet(0)), 'Link up at 10 Gbps FDX Fixed');
  const tx = eal.burstArray(32);
  const rx = eal.burstArray(32);
  for (let i = 0; i < 32; i++) tx[i] = 1000 + i;
  assert.equal(ethdev.txBurst(0, 1, tx, 20), 20);
  assert.equal(ethdev.rxBurst(0, 0, rx, 32), 0, 'queue 0 uses a different ring');
  assert.equal(ethdev.rxBurst(0, 1, rx, 32), 20);
  assert.deepEqual([...rx.slice(0, 20)], [...tx.slice(0, 20)]);
  const s = ethdev.statsGet(0);
  assert.equal(s.ipackets, 20);
  assert.equal(s.opackets, 20);
  assert.equal(s.qIpackets[1], 20);
  assert.equal(s.qOpackets[1], 20);
  assert.equal(s.qIpackets[0], 0);
  const x = new Map(ethdev.xstatsGet(0).map((e) => [e.name, e.value]));
  assert.equal(x.get('rx_good_packets'), 20);
  assert.equal(x.get('tx_q1_packets'), 20);
  assert.equal(x.get('rx_q0_packets'), 0);
  assert.ok(ethdev.xstatsGetNames(0).includes('rx_mbuf_allocation_errors'));
  ethdev.statsReset(0);
  assert.equal(ethdev.statsGet(0).ipackets, 0);
  // Bad port/queue on the data path: 0, no throw.
  assert.equal(ethdev.rxBurst(0, 7, rx, 32), 0);
  assert.equal(ethdev.rxBurst(9, 0, rx, 32), 0);
  assert.equal(ethdev.txBurst(31, 0, tx, 1), 0);
});

test('configuration errors name the bad value', () => {
  assert.throws(() => ethdev.configure(0, 1, 1), (e: eal.TsdpdkError) => e.code === 'EBUSY');
  ethdev.stop(0);
  assert.equal(ethdev.linkGetNowait(0).status, ethdev.RTE_ETH_LINK_DOWN);
  assert.throws(() => ethdev.configure(0, 17, 1), (e: eal.TsdpdkError) => e.code === 'EINVAL' && /17/.test(e.message));
  assert.throws(
    () => ethdev.configure(0, 1, 1, { rxmode: { offloads: ethdev.RX_OFFLOAD.VLAN_STRIP } }),
    (e: eal.TsdpdkError) => e.message === 'Ethdev port_id=0 requested Rx offloads 0x1 doesn\'t match Rx offloads capabilities 0x0 in rte_eth_dev_configure()',
  );
  assert.throws(
    () => ethdev.configure(0, 1, 1, { rxmode: { mqMode: ethdev.RTE_ETH_MQ_RX_RSS }, rxAdvConf: { rssConf: { rssHf: ethdev.RSS_IP } } }),
    (e: eal.TsdpdkError) => /invalid rss_hf: 0x/.test(e.message),
  );
  ethdev.configure(0, 1, 1);
  assert.throws(() => ethdev.rxQueueSetup(0, 1, 0, -1, null, fakePool), (e: eal.TsdpdkError) => /Invalid Rx queue_id=1/.test(e.message));
  assert.throws(() => ethdev.rxQueueSetup(0, 0, 0, -1, null, 0), (e: eal.TsdpdkError) => /no mempool/.test(e.message));
  setup(0, 1);
  ethdev.start(0);
});

test('MAC addresses, promiscuous, all-multicast, MTU', () => {
  assert.equal(ethdev.formatMac(ethdev.macAddrGet(0)), '00:00:00:00:00:00');
  ethdev.defaultMacAddrSet(0, ethdev.parseMac('02:11:22:33:44:55'));
  assert.equal(ethdev.formatMac(ethdev.macAddrGet(0)), '02:11:22:33:44:55');
  assert.throws(() => ethdev.defaultMacAddrSet(0, ethdev.parseMac('01:00:5e:00:00:01')), (e: eal.TsdpdkError) => /multicast/.test(e.message));
  assert.throws(() => ethdev.parseMac('02:11:22:33:44'), (e: eal.TsdpdkError) => e.code === 'EINVAL');
  assert.throws(() => ethdev.macAddrAdd(0, ethdev.parseMac('02:00:00:00:00:09')), (e: eal.TsdpdkError) => e.code === 'ENOSPC');
  assert.equal(ethdev.promiscuousGet(0), true);
  ethdev.promiscuousDisable(0);
  assert.equal(ethdev.promiscuousGet(0), false);
  ethdev.allmulticastDisable(0);
  assert.equal(ethdev.allmulticastGet(0), false);
  assert.equal(ethdev.mtuGet(0), 1500);
  ethdev.mtuSet(0, 9000);
  assert.equal(ethdev.mtuGet(0), 9000);
  assert.throws(() => ethdev.mtuSet(0, 20), (e: eal.TsdpdkError) => e.code === 'EINVAL' && /20/.test(e.message));
});

test('ownership', () => {
  const a = ethdev.ownerNew();
  const b = ethdev.ownerNew();
  assert.notEqual(a, b);
  ethdev.ownerSet(0, a, 'app_a');
  assert.deepEqual(ethdev.ownerGet(0), { id: a, name: 'app_a' });
  assert.throws(() => ethdev.ownerSet(0, b, 'app_b'), (e: eal.TsdpdkError) => e.code === 'EPERM' && /app_a/.test(e.message));
  assert.equal(ethdev.countAvail(), 0);
  ethdev.ownerUnset(0, a);
  assert.equal(ethdev.countAvail(), 1);
});

test('rx/tx callbacks see and can change the burst', () => {
  const seen: number[] = [];
  const rxId = ethdev.addRxCallback(0, 0, (_p, _q, mbufs, nb) => {
    for (let i = 0; i < nb; i++) seen.push(mbufs[i]!);
    return nb > 1 ? nb - 1 : nb; // drop the last packet from the burst
  });
  const txId = ethdev.addTxCallback(0, 0, (_p, _q, mbufs, nb) => {
    mbufs[0] = 4242;
    return nb;
  });
  const tx = eal.burstArray(4);
  const rx = eal.burstArray(4);
  tx.set([1, 2, 3]);
  assert.equal(ethdev.txBurst(0, 0, tx, 3), 3);
  assert.equal(ethdev.rxBurst(0, 0, rx, 4), 2);
  assert.deepEqual(seen, [4242, 2, 3]);
  assert.deepEqual([...rx.slice(0, 2)], [4242, 2]);
  ethdev.removeRxCallback(0, 0, rxId);
  ethdev.removeTxCallback(0, 0, txId);
  assert.throws(() => ethdev.removeRxCallback(0, 0, rxId), (e: eal.TsdpdkError) => e.code === 'EINVAL');
});

test('a worker lcore uses the port the main lcore set up (shared port data)', () => {
  const tx = eal.burstArray(8);
  for (let i = 0; i < 8; i++) tx[i] = 500 + i;
  ethdev.statsReset(0);
  eal.remoteLaunch(1, fixtures, 'echoBurst', { port: 0, queue: 0, n: 8 });
  // The worker sends 8 handles on queue 0; we receive them here.
  assert.equal(eal.waitLcore(1), 8, eal.lcoreLastError(1) ?? '');
  const rx = eal.burstArray(8);
  assert.equal(ethdev.rxBurst(0, 0, rx, 8), 8);
  assert.deepEqual([...rx], [900, 901, 902, 903, 904, 905, 906, 907]);
  assert.equal(ethdev.statsGet(0).opackets, 8);
});

test('ports from rings (rte_eth_from_rings) and hot-plug attach/detach', () => {
  const r1 = Ring.create('pair_a', 256, 0, 0);
  const r2 = Ring.create('pair_b', 256, 0, 0);
  const pa = ethFromRings('ring_pa', [r1], [r2]);
  const pb = ethFromRings('ring_pb', [r2], [r1]);
  setup(pa);
  setup(pb);
  ethdev.start(pa);
  ethdev.start(pb);
  const buf = eal.burstArray(4);
  buf.set([7, 8, 9, 10]);
  assert.equal(ethdev.txBurst(pa, 0, buf, 4), 4);
  buf.fill(0);
  assert.equal(ethdev.rxBurst(pb, 0, buf, 4), 4);
  assert.deepEqual([...buf], [7, 8, 9, 10]);
  assert.throws(() => ethdev.close(pa), (e: eal.TsdpdkError) => e.message === `Cannot close started device (port ${pa})`);
  ethdev.stop(pa);
  ethdev.stop(pb);
  ethdev.close(pa);
  ethdev.close(pb);
  assert.equal(ethdev.isValidPort(pa), false);
  // Hot-plug through the vdev bus, with nodeaction to share rings between two ports.
  const p1 = vdevCreate('net_ring1,nodeaction=shr:0:CREATE');
  const p2 = vdevCreate('net_ring2,nodeaction=shr:0:ATTACH');
  assert.equal(ethdev.getNameByPort(p2), 'net_ring2');
  assert.throws(() => ethdev.start(p1), (e: eal.TsdpdkError) => /not configured/.test(e.message));
  ethdev.configure(p1, 1, 1);
  assert.throws(() => ethdev.start(p1), (e: eal.TsdpdkError) => /Rx queue 0 is not set up/.test(e.message));
  setup(p1);
  setup(p2);
  buf.set([11, 12, 13, 14]);
  assert.equal(ethdev.txBurst(p1, 0, buf, 2), 2);
  assert.equal(ethdev.rxBurst(p2, 0, buf, 4), 2);
  assert.deepEqual([...buf.slice(0, 2)], [11, 12]);
  assert.throws(() => vdevCreate('net_ring1'), (e: eal.TsdpdkError) => e.code === 'EEXIST');
  assert.throws(() => vdevCreate('net_ring3,nodeaction=bad'), (e: eal.TsdpdkError) => e.code === 'EINVAL' && /nodeaction/.test(e.message));
  assert.throws(() => vdevCreate('net_ring3,colour=red'), (e: eal.TsdpdkError) => e.code === 'EINVAL' && /colour/.test(e.message));
  assert.throws(() => vdevCreate('net_nosuch0'), (e: eal.TsdpdkError) => e.code === 'EINVAL' && /net_nosuch0/.test(e.message));
  vdevRemove('net_ring2');
  assert.ok(Ring.lookup('ETH_RXTX0_shr'), 'an ATTACH port leaves the rings');
  vdevRemove('net_ring1');
  assert.throws(() => ethdev.getPortByName('net_ring1'), (e: eal.TsdpdkError) => e.code === 'ENODEV');
  assert.throws(() => Ring.lookup('ETH_RXTX0_shr'), (e: eal.TsdpdkError) => e.code === 'ENOENT', 'the CREATE port frees its rings');
});

test('a reused port slot starts clean (no stale stats or capture flags)', () => {
  const p = vdevCreate('net_ring7');
  const w = eal.sharedWindow();
  const base = ethdev.portDataOf(p).base;
  w.u32[(base + 7296) >>> 2] = 0xdead; // a capture flag word (pdump area of the slot)
  w.f64[(base + ethdev.PORT_FIELD.STATS) >>> 3] = 99;
  vdevRemove('net_ring7');
  const q = vdevCreate('net_ring8');
  assert.equal(q, p, 'same slot reused');
  assert.equal(w.u32[(base + 7296) >>> 2], 0);
  assert.equal(w.f64[(base + ethdev.PORT_FIELD.STATS) >>> 3], 0);
  vdevRemove('net_ring8');
});
