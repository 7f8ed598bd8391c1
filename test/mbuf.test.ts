// rte_pktmbuf: pool layout, reset values, head/tail room operations, chains, clones and refcounts,
// external buffers, copies, dynamic fields/flags, checks and dumps, and two lcores sharing a pool.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as eal from '../src/lib/eal/index.js';
import { Mempool } from '../src/lib/mempool/index.js';
import * as mbuf from '../src/lib/mbuf/index.js';

const prefix = `mbuf_t${process.pid}`;
const worker = new URL('./fixtures/mempool_worker.js', import.meta.url);

before(() => {
  eal.init(['--lcores', '(0-2)@(0-1)', '--no-huge', '-m', '128', '--file-prefix', prefix, '--log-level', 'error']);
});

after(async () => {
  await eal.cleanup();
});

function fill(m: number, bytes: number[]): void {
  const at = mbuf.append(m, bytes.length);
  assert.ok(at > 0);
  mbuf.mbufU8().set(bytes, at);
}

function bytesOf(m: number): number[] {
  const out = new Uint8Array(mbuf.pktLen(m));
  assert.equal(mbuf.readBytes(m, 0, out.length, out), out.length);
  return Array.from(out);
}

const seq = (n: number, from = 0) => Array.from({ length: n }, (_, i) => (from + i) & 0xff);

test('pool: element = 128 + priv + data room; private area holds the sizes; priv must be 8-aligned', () => {
  const mp = mbuf.pktmbufPoolCreate('m_pool', 255, 32, 16, mbuf.MBUF_DEFAULT_BUF_SIZE);
  assert.equal(mp.eltSize, 128 + 16 + 2176);
  assert.equal(mp.headerSize, 64);
  assert.equal(mbuf.pktmbufDataRoomSize(mp), 2176);
  assert.equal(mbuf.pktmbufPrivSize(mp), 16);
  assert.equal(mp.opsName, 'ring_mp_mc');
  assert.equal(mp.availCount(), 255);
  // Every mbuf is initialised in place (rte_pktmbuf_init).
  mp.objIter((_p, m) => {
    assert.equal(mbuf.bufAddr(m), m + 144);
    assert.equal(mbuf.refcnt(m), 1);
    assert.equal(mbuf.poolOf(m), mp.offset);
  });
  assert.throws(() => mbuf.pktmbufPoolCreate('m_bad', 10, 0, 12, 2048), { code: 'EINVAL', message: /priv_size=12/ });
  assert.equal(Mempool.lookup('m_bad'), null);
  mp.free();
});

test('alloc: reset values, headroom 128, buffer fields', () => {
  const mp = mbuf.pktmbufPoolCreate('m_alloc', 63, 8, 16, 2176);
  const m = mbuf.alloc(mp);
  assert.notEqual(m, 0);
  assert.equal(m % 64, 0);
  assert.equal(mbuf.dataOff(m), 128);
  assert.equal(mbuf.headroom(m), 128);
  assert.equal(mbuf.tailroom(m), 2048);
  assert.equal(mbuf.refcnt(m), 1);
  assert.equal(mbuf.nbSegs(m), 1);
  assert.equal(mbuf.port(m), mbuf.MBUF_PORT_INVALID);
  assert.equal(mbuf.pktLen(m), 0);
  assert.equal(mbuf.dataLen(m), 0);
  assert.equal(mbuf.next(m), 0);
  assert.equal(mbuf.olFlags(m), 0n);
  assert.equal(mbuf.packetType(m), 0);
  assert.equal(mbuf.bufLen(m), 2176);
  assert.equal(mbuf.privSize(m), 16);
  assert.equal(mbuf.bufAddr(m), m + 128 + 16);
  assert.equal(mbuf.mtod(m), m + 128 + 16 + 128);
  assert.equal(mbuf.bufIova(m), eal.virt2iova(m) + 144n);
  assert.equal(mbuf.mbufPool(m), mp);
  assert.equal(mbuf.mbufToPriv(m), m + 128);
  // Dirty every reset field; free; the same mbuf comes back (cache LIFO) reset.
  fill(m, seq(100));
  mbuf.prepend(m, 10);
  mbuf.setPort(m, 3);
  mbuf.setVlanTci(m, 7);
  mbuf.setVlanTciOuter(m, 8);
  mbuf.setPacketType(m, mbuf.RTE_PTYPE_L2_ETHER | mbuf.RTE_PTYPE_L3_IPV4 | mbuf.RTE_PTYPE_L4_UDP);
  mbuf.olFlagSet(m, mbuf.OLF.RX_VLAN);
  mbuf.olFlagSet(m, mbuf.OLF.TX_IP_CKSUM);
  mbuf.setTxOffload(m, 14, 20, 8, 0, 0, 0);
  mbuf.free(m);
  const m2 = mbuf.alloc(mp);
  assert.equal(m2, m);
  assert.deepEqual([mbuf.dataOff(m2), mbuf.pktLen(m2), mbuf.dataLen(m2), mbuf.port(m2), mbuf.vlanTci(m2), mbuf.vlanTciOuter(m2), mbuf.packetType(m2), mbuf.l2Len(m2)],
    [128, 0, 0, 0xffff, 0, 0, 0, 0]);
  assert.equal(mbuf.olFlags(m2), 0n);
  mbuf.free(m2);
  // A data room smaller than the headroom: data_off = buf_len.
  const small = mbuf.pktmbufPoolCreate('m_small', 7, 0, 0, 64);
  const s = mbuf.alloc(small);
  assert.equal(mbuf.dataOff(s), 64);
  assert.equal(mbuf.tailroom(s), 0);
  mbuf.free(s);
  small.free();
  // alloc_bulk is all-or-nothing.
  const arr = eal.burstArray(64);
  assert.equal(mbuf.allocBulk(mp, arr, 64), -2);
  assert.equal(mp.availCount(), 63);
  assert.equal(mbuf.allocBulk(mp, arr, 63), 0);
  assert.equal(mbuf.alloc(mp), 0, 'alloc on an empty pool returns 0');
  assert.ok(Array.from(arr.subarray(0, 63)).every((x) => mbuf.dataOff(x) === 128 && mbuf.refcnt(x) === 1));
  arr[63] = 0; // NULL entries are skipped
  mbuf.freeBulk(arr, 64);
  assert.equal(mp.full(), true);
  mp.free();
});

test('prepend / append / adj / trim at their limits', () => {
  const mp = mbuf.pktmbufPoolCreate('m_room', 15, 0, 0, 512);
  const m = mbuf.alloc(mp);
  const start = mbuf.mtod(m);
  assert.equal(mbuf.prepend(m, 129), -1);
  assert.equal(mbuf.dataOff(m), 128, 'unchanged');
  assert.equal(mbuf.prepend(m, 128), start - 128);
  assert.deepEqual([mbuf.dataOff(m), mbuf.dataLen(m), mbuf.pktLen(m)], [0, 128, 128]);
  assert.equal(mbuf.prepend(m, 1), -1);
  assert.equal(mbuf.adj(m, 129), -1);
  assert.equal(mbuf.adj(m, 128), start);
  assert.deepEqual([mbuf.dataOff(m), mbuf.dataLen(m), mbuf.pktLen(m)], [128, 0, 0]);
  assert.equal(mbuf.append(m, 385), -1, 'tailroom is 384');
  assert.equal(mbuf.append(m, 384), start);
  assert.equal(mbuf.tailroom(m), 0);
  assert.equal(mbuf.append(m, 1), -1);
  assert.equal(mbuf.append(m, 0), start + 384);
  assert.equal(mbuf.trim(m, 385), -1);
  assert.equal(mbuf.trim(m, 84), 0);
  assert.deepEqual([mbuf.dataLen(m), mbuf.pktLen(m)], [300, 300]);
  assert.equal(mbuf.adj(m, 300), start + 300);
  assert.equal(mbuf.trim(m, 1), -1);
  mbuf.free(m);
  mp.free();
});

test('chain, read across segments, linearize', () => {
  const mp = mbuf.pktmbufPoolCreate('m_chain', 31, 0, 0, 1024 + 128);
  const a = mbuf.alloc(mp);
  const b = mbuf.alloc(mp);
  const c = mbuf.alloc(mp);
  fill(a, seq(100, 0));
  fill(b, seq(200, 100));
  fill(c, seq(50, 300 & 0xff));
  assert.equal(mbuf.chain(a, b), 0);
  assert.equal(mbuf.chain(a, c), 0);
  assert.deepEqual([mbuf.nbSegs(a), mbuf.pktLen(a), mbuf.pktLen(b), mbuf.pktLen(c)], [3, 350, 200, 50]);
  assert.equal(mbuf.lastSeg(a), c);
  assert.equal(mbuf.isContiguous(a), false);
  assert.equal(mbuf.check(a, true), null);
  assert.deepEqual(bytesOf(a), seq(350));
  // Trim acts on the last segment; append too.
  assert.equal(mbuf.trim(a, 51), -1);
  assert.equal(mbuf.trim(a, 10), 0);
  assert.deepEqual([mbuf.dataLen(c), mbuf.pktLen(a)], [40, 340]);
  assert.equal(mbuf.append(a, 10), mbuf.mtod(c) + 40);
  // read: contiguous -> window offset; across segments -> copied, MBUF_READ_BUF.
  const buf = new Uint8Array(32);
  assert.equal(mbuf.read(a, 120, 10, buf), mbuf.mtod(b) + 20);
  assert.equal(mbuf.read(a, 90, 20, buf), mbuf.MBUF_READ_BUF);
  assert.deepEqual(Array.from(buf.subarray(0, 20)), seq(20, 90));
  assert.equal(mbuf.read(a, 340, 11, buf), -1);
  // Overflow of nb_segs.
  const d = mbuf.alloc(mp);
  mbuf.setNbSegs(d, 65535);
  assert.equal(mbuf.chain(a, d), -75);
  mbuf.setNbSegs(d, 1);
  mbuf.free(d);
  // linearize needs room in the first segment.
  const inUse = mp.inUseCount();
  assert.equal(mbuf.linearize(a), 0);
  assert.deepEqual([mbuf.nbSegs(a), mbuf.dataLen(a), mbuf.pktLen(a), mbuf.next(a)], [1, 350, 350, 0]);
  assert.deepEqual(bytesOf(a), seq(350));
  assert.equal(mp.inUseCount(), inUse - 2, 'the other segments went back');
  assert.equal(mbuf.linearize(a), 0, 'contiguous: nothing to do');
  const e = mbuf.alloc(mp);
  const f = mbuf.alloc(mp);
  fill(e, seq(1000));
  fill(f, seq(200));
  mbuf.chain(e, f);
  assert.equal(mbuf.linearize(e), -1, 'tailroom 24 < 200');
  assert.equal(mbuf.nbSegs(e), 2);
  mbuf.free(e);
  mbuf.free(a);
  assert.equal(mp.full(), true);
  mp.free();
});

test('clone and attach: refcounts on the direct mbufs; pools full again after every free', () => {
  const mp = mbuf.pktmbufPoolCreate('m_direct', 31, 4, 8, 512);
  const cp = mbuf.pktmbufPoolCreate('m_clones', 31, 4, 8, 0); // indirect mbufs need no data room
  const segs = [mbuf.alloc(mp), mbuf.alloc(mp), mbuf.alloc(mp)];
  segs.forEach((s, i) => fill(s, seq(100, i * 100)));
  mbuf.chain(segs[0]!, segs[1]!);
  mbuf.chain(segs[0]!, segs[2]!);
  mbuf.setPort(segs[0]!, 5);
  mbuf.setHashRss(segs[0]!, 0x12345678);
  const c = mbuf.clone(segs[0]!, cp);
  assert.notEqual(c, 0);
  assert.deepEqual([mbuf.nbSegs(c), mbuf.pktLen(c), mbuf.port(c), mbuf.hashRss(c)], [3, 300, 5, 0x12345678]);
  assert.deepEqual(bytesOf(c), seq(300));
  let ci = c;
  for (const s of segs) {
    assert.equal(mbuf.refcnt(s), 2);
    assert.equal(mbuf.isIndirect(ci), true);
    assert.equal(mbuf.mtod(ci), mbuf.mtod(s), 'same data');
    assert.equal(mbuf.mbufFromIndirect(ci), s);
    ci = mbuf.next(ci);
  }
  assert.equal(ci, 0);
  // A clone of a clone references the same direct mbufs.
  const cc = mbuf.clone(c, cp);
  assert.equal(mbuf.refcnt(segs[1]!), 3);
  assert.equal(mbuf.mbufFromIndirect(mbuf.next(cc)), segs[1]);
  // Freeing the original keeps the data alive while clones exist.
  mbuf.free(segs[0]!);
  assert.equal(mp.inUseCount(), 3);
  assert.equal(mbuf.refcnt(segs[0]!), 2);
  mbuf.free(c);
  assert.equal(mp.inUseCount(), 3);
  assert.equal(mbuf.refcnt(segs[2]!), 1);
  mbuf.free(cc);
  assert.equal(mp.full(), true, 'direct mbufs returned when the last clone went');
  assert.equal(cp.full(), true);
  // The clones were detached: their own (empty) buffer is back.
  cp.objIter((_p, m) => assert.equal(mbuf.bufAddr(m), m + 128 + 8));
  // refcnt_update on every segment, then frees.
  const p = mbuf.alloc(mp);
  const q = mbuf.alloc(mp);
  mbuf.chain(p, q);
  mbuf.refcntUpdate(p, 1);
  assert.deepEqual([mbuf.refcnt(p), mbuf.refcnt(q)], [2, 2]);
  mbuf.free(p);
  assert.equal(mp.inUseCount(), 2);
  mbuf.free(p);
  assert.equal(mp.full(), true);
  // Clone fails cleanly when the clone pool runs out.
  const held = eal.burstArray(31);
  assert.equal(cp.getBulk(held, 30), 0);
  const big = mbuf.alloc(mp);
  mbuf.chain(big, mbuf.alloc(mp));
  assert.equal(mbuf.clone(big, cp), 0);
  assert.equal(mbuf.refcnt(big), 1);
  assert.equal(cp.availCount(), 1);
  cp.putBulk(held, 30);
  mbuf.free(big);
  assert.equal(mp.full() && cp.full(), true);
  mp.free();
  cp.free();
});

test('copy: a deep copy of a byte range into fresh segments', () => {
  const mp = mbuf.pktmbufPoolCreate('m_copy', 31, 0, 0, 128 + 256);
  const a = mbuf.alloc(mp);
  const b = mbuf.alloc(mp);
  fill(a, seq(200));
  fill(b, seq(200, 200));
  mbuf.chain(a, b);
  mbuf.setPacketType(a, mbuf.RTE_PTYPE_L2_ETHER);
  const c = mbuf.copy(a, mp, 50, 300);
  assert.notEqual(c, 0);
  assert.deepEqual([mbuf.pktLen(c), mbuf.nbSegs(c), mbuf.packetType(c)], [300, 2, mbuf.RTE_PTYPE_L2_ETHER]);
  assert.deepEqual(bytesOf(c), seq(300, 50));
  assert.equal(mbuf.refcnt(a), 1);
  assert.equal(mbuf.copy(a, mp, 400, 1), 0, 'offset past the end');
  const all = mbuf.copy(a, mp, 0, 0xffffffff);
  assert.equal(mbuf.pktLen(all), 400);
  mbuf.free(all);
  mbuf.free(c);
  mbuf.free(a);
  assert.equal(mp.full(), true);
  mp.free();
});

test('external buffers: shinfo refcount, clone, free callback by id', () => {
  const mp = mbuf.pktmbufPoolCreate('m_ext', 15, 0, 0, 256);
  const freed: [number, number][] = [];
  const id = mbuf.extbufFreeCallbackRegister('test_ext_free', (addr, opaque) => freed.push([addr, opaque]));
  assert.equal(mbuf.extbufFreeCallbackRegister('test_ext_free', (addr, opaque) => freed.push([addr, opaque])), id, 'same name, same id');
  const ext = eal.zmalloc('ext', 4096);
  const sh = mbuf.extShinfoInitHelper(ext, 4096, id, 77);
  assert.ok(sh > ext && sh + 24 <= ext + 4096 && sh % 8 === 0);
  assert.equal(mbuf.extRefcnt(sh), 1);
  const m = mbuf.alloc(mp);
  mbuf.attachExtbuf(m, ext, eal.virt2iova(ext), sh - ext, sh);
  assert.equal(mbuf.hasExtbuf(m), true);
  assert.equal(mbuf.isDirect(m), false);
  assert.deepEqual([mbuf.bufAddr(m), mbuf.dataOff(m), mbuf.dataLen(m), mbuf.shinfo(m)], [ext, 0, 0, sh]);
  fill(m, seq(64));
  const c = mbuf.clone(m, mp);
  assert.equal(mbuf.extRefcnt(sh), 2);
  assert.equal(mbuf.hasExtbuf(c), true);
  assert.equal(mbuf.isIndirect(c), false, 'a clone of an external buffer is external, not indirect');
  assert.deepEqual(bytesOf(c), seq(64));
  mbuf.free(m);
  assert.deepEqual(freed, []);
  assert.equal(mbuf.extRefcnt(sh), 1);
  mbuf.free(c);
  assert.deepEqual(freed, [[ext, 77]]);
  assert.equal(mp.full(), true);
  mp.objIter((_p, x) => assert.equal(mbuf.bufAddr(x), x + 128, 'own buffer restored'));
  eal.free(ext);
  mp.free();
});

test('fields: tx_offload bitfields, ol_flags halves and bits, packet types', () => {
  const mp = mbuf.pktmbufPoolCreate('m_fields', 7, 0, 0, 256);
  const m = mbuf.alloc(mp);
  mbuf.setTxOffload(m, 14, 20, 32, 1460, 40, 18);
  const raw = mbuf.mbufDV().getBigUint64(m + mbuf.M_TX_OFFLOAD, true);
  assert.equal(raw, 14n | (20n << 7n) | (32n << 16n) | (1460n << 24n) | (40n << 40n) | (18n << 49n));
  assert.deepEqual([mbuf.l2Len(m), mbuf.l3Len(m), mbuf.l4Len(m), mbuf.tsoSegsz(m), mbuf.outerL3Len(m), mbuf.outerL2Len(m)], [14, 20, 32, 1460, 40, 18]);
  mbuf.setL3Len(m, 511);
  mbuf.setTsoSegsz(m, 0xabcd);
  mbuf.setOuterL2Len(m, 127);
  assert.deepEqual([mbuf.l2Len(m), mbuf.l3Len(m), mbuf.l4Len(m), mbuf.tsoSegsz(m), mbuf.outerL3Len(m), mbuf.outerL2Len(m)], [14, 511, 32, 0xabcd, 40, 127]);
  mbuf.olFlagSet(m, mbuf.OLF.TX_IPV4);
  mbuf.olFlagSet(m, mbuf.OLF.TX_IP_CKSUM);
  mbuf.setOlFlagsHi(m, mbuf.olFlagsHi(m) | mbuf.TX_UDP_CKSUM_HI);
  mbuf.olFlagSet(m, mbuf.OLF.RX_RSS_HASH);
  assert.equal(mbuf.olFlags(m), mbuf.RTE_MBUF_F_TX_IPV4 | mbuf.RTE_MBUF_F_TX_IP_CKSUM | mbuf.RTE_MBUF_F_TX_UDP_CKSUM | mbuf.RTE_MBUF_F_RX_RSS_HASH);
  assert.equal(mbuf.olFlagTest(m, mbuf.OLF.TX_IPV4), true);
  assert.equal(mbuf.olFlagTest(m, mbuf.OLF.TX_IPV6), false);
  assert.equal(mbuf.olFlagNames(m), 'RTE_MBUF_F_RX_RSS_HASH RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN RTE_MBUF_F_RX_OUTER_L4_CKSUM_UNKNOWN RTE_MBUF_F_TX_IP_CKSUM RTE_MBUF_F_TX_UDP_CKSUM RTE_MBUF_F_TX_IPV4');
  mbuf.olFlagClear(m, mbuf.OLF.TX_IP_CKSUM);
  assert.equal(mbuf.olFlagTest(m, mbuf.OLF.TX_IP_CKSUM), false);
  mbuf.setOlFlags(m, mbuf.RTE_MBUF_F_RX_VLAN | mbuf.RTE_MBUF_F_RX_IP_CKSUM_GOOD);
  assert.equal(mbuf.olFlagsLo(m) & mbuf.RX_IP_CKSUM_MASK_LO, mbuf.RX_IP_CKSUM_GOOD_LO);
  mbuf.setPacketType(m, mbuf.RTE_PTYPE_L2_ETHER | mbuf.RTE_PTYPE_L3_IPV4_EXT_UNKNOWN | mbuf.RTE_PTYPE_L4_TCP);
  assert.equal(mbuf.ptypeName(mbuf.packetType(m)), 'L2_ETHER L3_IPV4_EXT_UNKNOWN L4_TCP ', 'rte_get_ptype_name leaves a trailing space');
  assert.equal(mbuf.ptypeIsIpv4(mbuf.packetType(m)), true);
  mbuf.setVlanTci(m, 100);
  fill(m, [0x68, 0x65, 0x6c, 0x6c, 0x6f]);
  const d = mbuf.dump(m, 16);
  assert.match(d, new RegExp(`^dump mbuf at 0x${m.toString(16)}, iova=0x[0-9a-f]+, buf_len=256\\n`));
  assert.match(d, /pkt_len=5, ol_flags=0x81, nb_segs=1, port=65535, vlan_tci=100, ptype=0x191\n/);
  assert.match(d, /segment at 0x[0-9a-f]+, data=0x[0-9a-f]+, len=5, off=128, refcnt=1\n/);
  assert.match(d, /00000000: 68 65 6C 6C 6F {34}\| hello\n/);
  mbuf.free(m);
  mp.free();
});

test('sanity checks name the broken field', () => {
  const mp = mbuf.pktmbufPoolCreate('m_sanity', 7, 0, 0, 256);
  const m = mbuf.alloc(mp);
  mbuf.sanityCheck(m, true);
  fill(m, seq(10));
  mbuf.setPktLen(m, 11);
  assert.throws(() => mbuf.sanityCheck(m, true), { code: 'EINVAL', message: /bad pkt_len/ });
  mbuf.setPktLen(m, 5);
  assert.equal(mbuf.check(m, true), 'bad data_len');
  mbuf.setPktLen(m, 10);
  mbuf.setNbSegs(m, 2);
  assert.equal(mbuf.check(m, true), 'bad nb_segs');
  mbuf.setNbSegs(m, 1);
  mbuf.setDataOff(m, 300);
  assert.equal(mbuf.check(m, true), 'data offset too big in mbuf segment');
  mbuf.setDataOff(m, 250);
  assert.equal(mbuf.check(m, true), 'data length too big in mbuf segment');
  mbuf.setDataOff(m, 128);
  mbuf.refcntSet(m, 0);
  assert.equal(mbuf.check(m, false), 'bad ref cnt');
  mbuf.refcntSet(m, 1);
  assert.equal(mbuf.check(0, false), 'mbuf is NULL');
  assert.equal(mbuf.check(m, true), null);
  mbuf.free(m);
  mp.free();
});

test('dynamic fields and flags: DPDK placement, idempotent registration, conflicts', () => {
  const a = mbuf.dynfieldRegister({ name: 'test_dyn_a', size: 4, align: 4 });
  const b = mbuf.dynfieldRegister({ name: 'test_dyn_b', size: 8, align: 8 });
  const c = mbuf.dynfieldRegister({ name: 'test_dyn_c', size: 4, align: 4 });
  assert.deepEqual([a, b, c], [92, 96, 104], 'smallest fitting free zone first, like DPDK');
  assert.equal(mbuf.dynfieldRegister({ name: 'test_dyn_a', size: 4, align: 4 }), a);
  assert.throws(() => mbuf.dynfieldRegister({ name: 'test_dyn_a', size: 2, align: 2 }), { code: 'EEXIST' });
  assert.throws(() => mbuf.dynfieldRegister({ name: 'test_dyn_big', size: 32, align: 1 }), { code: 'ENOENT' });
  assert.throws(() => mbuf.dynfieldRegisterOffset({ name: 'test_dyn_d', size: 4, align: 4 }, 92), { code: 'EBUSY' });
  assert.equal(mbuf.dynfieldRegisterOffset({ name: 'test_dyn_d', size: 2, align: 2 }, 124), 124);
  assert.throws(() => mbuf.dynfieldRegister({ name: 'x', size: 3, align: 3 }), { code: 'EINVAL' });
  assert.equal(mbuf.dynfieldLookup('test_dyn_b'), 96);
  assert.equal(mbuf.dynfieldLookup('nope'), -1);
  const f1 = mbuf.dynflagRegister({ name: 'test_flag_1' });
  const f2 = mbuf.dynflagRegister({ name: 'test_flag_2' });
  assert.deepEqual([f1, f2], [23, 24]);
  assert.equal(mbuf.dynflagRegister({ name: 'test_flag_1' }), 23);
  assert.equal(mbuf.dynflagRegisterBitnum({ name: 'test_flag_40' }, 40), 40);
  assert.throws(() => mbuf.dynflagRegisterBitnum({ name: 'test_flag_x' }, 40), { code: 'EBUSY' });
  assert.equal(mbuf.dynflagLookup('test_flag_2'), 24);
  assert.match(mbuf.mbufDynDump(), /name=test_dyn_b offset=96 size=8 align=8/);
  // Fields are copied by clone/attach (dynfield1).
  const mp = mbuf.pktmbufPoolCreate('m_dyn', 7, 0, 0, 256);
  const m = mbuf.alloc(mp);
  mbuf.mbufDV().setBigUint64(m + b, 0x1122334455667788n, true);
  mbuf.olFlagSet(m, f2);
  const cl = mbuf.clone(m, mp);
  assert.equal(mbuf.mbufDV().getBigUint64(cl + b, true), 0x1122334455667788n);
  assert.equal(mbuf.olFlagTest(cl, f2), true);
  mbuf.free(cl);
  mbuf.free(m);
  mp.free();
});

test('Packet wrapper: chained segments from bytes, views, prepend', () => {
  const mp = mbuf.pktmbufPoolCreate('m_packet', 15, 0, 0, 1024 + 128);
  const data = seq(3000, 7);
  const p = mbuf.Packet.from(mp, data);
  assert.deepEqual([p.pktLen, p.nbSegs, p.dataLen], [3000, 3, 1024]);
  assert.deepEqual(Array.from(p.toBytes()), data);
  p.prepend([1, 2, 3]);
  assert.deepEqual(Array.from(p.data.subarray(0, 4)), [1, 2, 3, 7]);
  assert.throws(() => p.prepend(new Array(200).fill(0)), { code: 'ENOSPC' });
  p.free();
  assert.equal(mp.full(), true);
  mp.free();
});

test('two worker lcores allocate, clone and free from one pool', () => {
  const mp = mbuf.pktmbufPoolCreate('m_mt', 511, 32, 0, 512);
  eal.remoteLaunch(1, worker, 'mbufChurn', { name: 'm_mt', iters: 500 });
  eal.remoteLaunch(2, worker, 'mbufChurn', { name: 'm_mt', iters: 500 });
  const r1 = eal.waitLcore(1);
  const r2 = eal.waitLcore(2);
  assert.ok(r1 > 0 && r2 > 0, `results ${r1} ${r2}: ${eal.lcoreLastError(1)} ${eal.lcoreLastError(2)}`);
  assert.equal(mp.availCount(), 511);
  mp.free();
});
