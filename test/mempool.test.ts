// rte_mempool: the 22.11 cache algorithm, all-or-nothing gets, counts, every driver, debug cookies,
// per-lcore caches under two worker lcores, and a secondary process attaching by name.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as eal from '../src/lib/eal/index.js';
import { loadNative } from '../src/lib/eal/native.js';
import {
  Mempool, mempoolCalcObjSize, mempoolList, MEMPOOL_F_DEBUG, MEMPOOL_F_NO_CACHE_ALIGN, MEMPOOL_F_NO_IOVA_CONTIG,
  MEMPOOL_F_NO_SPREAD, MEMPOOL_F_SC_GET, MEMPOOL_F_SP_PUT,
} from '../src/lib/mempool/index.js';
import * as mbuf from '../src/lib/mbuf/index.js';
import { Ring } from '../src/lib/ring/index.js';
import { skipOrFail } from './helpers.js';

const prefix = `mempool_t${process.pid}`;
const worker = new URL('./fixtures/mempool_worker.js', import.meta.url);
const ENOENT = -2;

before(() => {
  eal.init(['--lcores', '(0-2)@(0-1)', '--no-huge', '-m', '128', '--file-prefix', prefix, '--log-level', 'error', '--log-level', 'lib.mempool:emerg']);
});

after(async () => {
  await eal.cleanup();
});

function u32s(b: Uint32Array, n: number): number[] {
  return Array.from(b.subarray(0, n));
}

test('cache: counts in cache and backend follow the 22.11 get/put algorithm', () => {
  // cache_size 32 -> flushthresh 48; the main lcore (0) uses cache[0].
  const mp = Mempool.create('t_cache', 1024, 64, 32);
  const b = eal.burstArray(1024);
  const state = () => [mp.cacheCount(0), mp.backendCount(), mp.availCount(), mp.inUseCount()];
  assert.deepEqual(state(), [0, 1024, 1024, 0]);
  // get 1 from an empty cache: the backend fills cache_size + 1, hands out 1.
  const first = mp.get();
  assert.notEqual(first, 0);
  assert.deepEqual(state(), [32, 991, 1023, 1]);
  // get 10: a cache hit.
  assert.equal(mp.getBulk(b, 10), 0);
  assert.deepEqual(state(), [22, 991, 1013, 11]);
  // put 11: 22 + 11 <= 48, all into the cache.
  b[10] = first;
  mp.putBulk(b, 11);
  assert.deepEqual(state(), [33, 991, 1024, 0]);
  // get 40 with 33 cached: the 33, then 32 + 7 from the backend of which 7 are handed out.
  assert.equal(mp.getBulk(b, 40), 0);
  assert.deepEqual(state(), [32, 952, 984, 40]);
  assert.equal(new Set(u32s(b, 40)).size, 40);
  // put 40: 32 + 40 > 48 -> the whole cache is flushed, then the cache holds the 40.
  mp.putBulk(b, 40);
  assert.deepEqual(state(), [40, 984, 1024, 0]);
  // put more than flushthresh goes straight to the backend.
  assert.equal(mp.getBulk(b, 49), 0);
  assert.deepEqual(state(), [32, 943, 975, 49]);
  mp.putBulk(b, 49);
  assert.deepEqual(state(), [32, 992, 1024, 0]);
  // get of more than 512 remaining bypasses the refill: 32 from the cache, 568 from the backend.
  assert.equal(mp.getBulk(b, 600), 0);
  assert.deepEqual(state(), [0, 424, 424, 600]);
  mp.putBulk(b, 600);
  assert.deepEqual(state(), [0, 1024, 1024, 0]);
  mp.free();
});

test('cache: small bulks (up to 4, handled without a kernel call) keep LIFO order and flushthresh', () => {
  // cache_size 4 -> flushthresh 6.
  const mp = Mempool.create('t_small', 64, 64, 4);
  const b = eal.burstArray(16);
  const at = b.byteOffset;
  const state = () => [mp.cacheCount(0), mp.backendCount(), mp.inUseCount()];
  assert.equal(mp.getAt(at, 1), 0); // miss: backend fills 4 + 1, hands out 1
  assert.deepEqual(state(), [4, 59, 1]);
  assert.equal(mp.getAt(at + 4, 3), 0); // hit
  assert.deepEqual(state(), [1, 59, 4]);
  const got = u32s(b, 4);
  assert.equal(new Set(got).size, 4);
  mp.putAt(at, 3); // 1 + 3 <= 6: into the cache in order
  assert.deepEqual(state(), [4, 59, 1]);
  assert.equal(mp.getAt(at + 32, 2), 0);
  assert.deepEqual(u32s(b.subarray(8), 2), [got[2], got[1]], 'LIFO: last put comes out first');
  assert.deepEqual(state(), [2, 59, 3]);
  b[4] = got[3]!;
  b[5] = got[2]!;
  b[6] = got[1]!;
  mp.putAt(at + 16, 3); // 2 + 3 <= 6
  assert.deepEqual(state(), [5, 59, 0]);
  assert.equal(mp.getAt(at, 4), 0);
  assert.equal(mp.getAt(at + 16, 1), 0);
  assert.deepEqual(state(), [0, 59, 5]);
  mp.putAt(at, 4);
  mp.putAt(at + 16, 1); // 4 + 1 <= 6
  assert.deepEqual(state(), [5, 59, 0]);
  assert.equal(mp.getAt(at, 2), 0);
  mp.putAt(at, 2); // 3 + 2 <= 6
  assert.equal(mp.getAt(at, 1), 0);
  assert.equal(mp.getAt(at + 4, 1), 0);
  assert.deepEqual(state(), [3, 59, 2]);
  mp.putAt(at, 2); // 3 + 2 <= 6 -> 5
  assert.equal(mp.getAt(at, 4), 0);
  assert.equal(mp.getAt(at + 16, 4), 0); // 1 cached: miss, refill 4 + 3, hand out 4
  assert.deepEqual(state(), [4, 52, 8]);
  mp.putAt(at, 4); // 4 + 4 > 6: the cache is flushed, then holds these 4
  assert.deepEqual(state(), [4, 56, 4]);
  mp.putAt(at + 16, 4);
  assert.deepEqual(state(), [4, 60, 0]);
  assert.equal(mp.availCount(), 64);
  mp.free();
});

test('cache: get is all-or-nothing and LIFO; a failed get leaves the cache as it was', () => {
  const mp = Mempool.create('t_aon', 256, 64, 16);
  const b = eal.burstArray(512);
  const hold = eal.burstArray(512);
  assert.equal(mp.getBulk(hold, 246), 0); // leave 10 in the pool (cache 16 + refill rules)
  const avail = mp.availCount();
  assert.equal(avail, 10);
  // Put 5 we own into the cache, in a known order.
  mp.putBulk(hold.subarray(241), 5);
  const cached = mp.cacheCount(0);
  assert.equal(mp.availCount(), 15);
  assert.equal(mp.getBulk(b, 16), ENOENT);
  assert.equal(mp.availCount(), 15, 'nothing taken');
  assert.equal(mp.cacheCount(0), cached, 'cache length restored');
  assert.equal(mp.getBulk(b, 15), 0);
  assert.equal(mp.availCount(), 0);
  assert.equal(mp.empty(), true);
  assert.equal(mp.get(), 0, 'get on an empty pool returns 0 (NULL)');
  // LIFO: the last objects put come out first, in reverse order.
  mp.putBulk(Uint32Array.of(b[0]!, b[1]!, b[2]!), 3);
  assert.equal(mp.getBulk(b.subarray(100), 3), 0);
  assert.deepEqual(u32s(b.subarray(100), 3), [b[2], b[1], b[0]]);
  mp.putBulk(b.subarray(100), 3);
  mp.putBulk(b.subarray(3), 12);
  mp.putBulk(hold, 241);
  assert.equal(mp.full(), true);
  mp.free();
});

test('no cache: everything goes through the backend; non-Memory arrays work too', () => {
  const mp = Mempool.create('t_nocache', 5000, 32, 0);
  const plain = new Uint32Array(5000);
  assert.equal(mp.getBulk(plain, 2500), 0);
  assert.equal(new Set(plain.subarray(0, 2500)).size, 2500);
  assert.equal(mp.cacheCount(0), 0);
  assert.equal(mp.backendCount(), 2500);
  assert.equal(mp.inUseCount(), 2500);
  // Bigger than the 2048-entry scratch: taken in pieces, and put back when a later piece fails.
  const more = new Uint32Array(2600);
  assert.equal(mp.getBulk(more, 2600), ENOENT);
  assert.equal(mp.availCount(), 2500, 'a failed get takes nothing');
  assert.equal(mp.getBulk(more, 2500), 0);
  assert.equal(mp.empty(), true);
  assert.equal(mp.getBulk(plain, 5001), -22, 'n larger than the array');
  mp.putBulk(plain, 2500);
  mp.putBulk(more, 2500);
  assert.equal(mp.full(), true);
  mp.free();
});

test('every driver: ops from flags, setOpsByName, all objects, FIFO rings and LIFO stacks', () => {
  const byFlags: [number, string][] = [
    [0, 'ring_mp_mc'], [MEMPOOL_F_SP_PUT | MEMPOOL_F_SC_GET, 'ring_sp_sc'], [MEMPOOL_F_SP_PUT, 'ring_sp_mc'], [MEMPOOL_F_SC_GET, 'ring_mp_sc'],
  ];
  for (const [flags, ops] of byFlags) {
    const mp = Mempool.create(`t_fl${flags}`, 100, 16, 0, 0, eal.SOCKET_ID_ANY, flags);
    assert.equal(mp.opsName, ops);
    assert.notEqual(eal.memzoneLookup(`RG_MP_t_fl${flags}`), null, 'ring memzone RG_MP_<name>');
    mp.free();
  }
  for (const ops of ['ring_mp_mc', 'ring_sp_sc', 'ring_mp_sc', 'ring_sp_mc', 'ring_mt_rts', 'ring_mt_hts', 'stack', 'lf_stack']) {
    const mp = Mempool.createEmpty(`t_op_${ops}`, 500, 24, 0);
    mp.setOpsByName(ops);
    assert.equal(mp.populateDefault(), 500);
    assert.equal(mp.opsName, ops);
    assert.throws(() => mp.setOpsByName('ring_mp_mc'), { code: 'EEXIST' });
    const b = eal.burstArray(500);
    assert.equal(mp.getBulk(b, 300), 0, ops);
    assert.equal(mp.getBulk(b.subarray(300), 200), 0, ops);
    assert.equal(new Set(u32s(b, 500)).size, 500);
    assert.equal(mp.get(), 0);
    assert.equal(mp.empty(), true);
    mp.putBulk(b, 500);
    assert.equal(mp.full(), true);
    const out = eal.burstArray(2);
    assert.equal(mp.getBulk(out, 2), 0);
    if (ops.includes('stack')) assert.deepEqual(u32s(out, 2), [b[499], b[498]], `${ops} is LIFO`);
    else assert.deepEqual(u32s(out, 2), [b[0], b[1]], `${ops} is FIFO`);
    mp.putBulk(out, 2);
    mp.audit();
    mp.free();
  }
  const mp = Mempool.createEmpty('t_badops', 10, 8, 0);
  assert.throws(() => mp.setOpsByName('nope'), { code: 'EINVAL', message: /nope/ });
  assert.throws(() => mp.setOpsByName('bucket'), { code: 'ENOTSUP' });
  mp.free();
});

test('creation errors: cache size rules, flags, names', () => {
  assert.throws(() => Mempool.create('t_e1', 100000, 8, 513), { code: 'EINVAL', message: /cache size 513/ });
  assert.throws(() => Mempool.create('t_e2', 64, 8, 44), { code: 'EINVAL', message: /cache_size \* 1\.5 \(66\) <= n \(64\)/ });
  Mempool.create('t_e3', 64, 8, 43).free(); // (unsigned)(43 * 1.5) = 64 <= 64
  assert.throws(() => Mempool.create('t_e4', 0, 8, 0), { code: 'EINVAL' });
  assert.throws(() => Mempool.create('t_e5', 10, 8, 0, 0, eal.SOCKET_ID_ANY, 0x10), { code: 'EINVAL', message: /flags/ });
  assert.throws(() => Mempool.create('x'.repeat(26), 10, 8, 0), { code: 'ENAMETOOLONG' });
  const long = Mempool.create('y'.repeat(25), 10, 8, 0);
  const dup = () => Mempool.create('y'.repeat(25), 10, 8, 0);
  assert.throws(dup, { code: 'EEXIST' });
  long.free();
  assert.equal(Mempool.lookup('y'.repeat(25)), null);
});

test('object sizes, objIter, memIter, lookup, list, private area, dump, free', () => {
  // header 64; element rounded to 8; trailer pads to a cache line, then to an odd number of lines (4 channels).
  assert.deepEqual(mempoolCalcObjSize(64, 0), { eltSize: 64, headerSize: 64, trailerSize: 64, totalSize: 192 });
  assert.deepEqual(mempoolCalcObjSize(100, 0), { eltSize: 104, headerSize: 64, trailerSize: 24, totalSize: 192 });
  assert.deepEqual(mempoolCalcObjSize(2304, 0), { eltSize: 2304, headerSize: 64, trailerSize: 0, totalSize: 2368 });
  assert.deepEqual(mempoolCalcObjSize(64, MEMPOOL_F_NO_SPREAD), { eltSize: 64, headerSize: 64, trailerSize: 0, totalSize: 128 });
  assert.deepEqual(mempoolCalcObjSize(100, MEMPOOL_F_NO_CACHE_ALIGN), { eltSize: 104, headerSize: 24, trailerSize: 64, totalSize: 192 });
  const packed = MEMPOOL_F_NO_CACHE_ALIGN | MEMPOOL_F_NO_SPREAD; // what create() uses for NO_CACHE_ALIGN
  assert.deepEqual(mempoolCalcObjSize(100, packed), { eltSize: 104, headerSize: 24, trailerSize: 0, totalSize: 128 });
  assert.deepEqual(mempoolCalcObjSize(100, MEMPOOL_F_DEBUG | packed), { eltSize: 104, headerSize: 32, trailerSize: 8, totalSize: 144 });

  const inits: number[] = [];
  const mp = Mempool.create('t_iter', 777, 100, 0, 40, eal.SOCKET_ID_ANY, 0, (p) => {
    eal.sharedWindow().u32[p.privateDataOffset >>> 2] = 0xabcd;
  }, (_p, obj, i) => inits.push(obj, i));
  assert.equal(inits.length, 777 * 2);
  const objs: number[] = [];
  assert.equal(mp.objIter((p, obj, i) => {
    assert.equal(p, mp);
    assert.equal(i, objs.length);
    objs.push(obj);
  }), 777);
  assert.equal(new Set(objs).size, 777);
  assert.ok(objs.every((o) => o % 64 === 0), 'objects are cache aligned');
  const w = eal.sharedWindow();
  for (const o of [objs[0]!, objs[500]!]) {
    assert.equal(w.u32[(mp.objHeader(o) + 8) >>> 2], mp.offset, 'objhdr.mp');
    assert.equal(mp.virt2iova(o), eal.virt2iova(o), 'objhdr.iova');
    assert.equal(Mempool.fromObj(o), mp);
  }
  let memLen = 0;
  assert.equal(mp.memIter((_p, c) => {
    memLen += c.len;
  }), mp.nbMemChunks);
  assert.ok(memLen >= 777 * 192);
  // Private area: after the header, 64-aligned, 40 -> 64 bytes, inside MP_<name>.
  assert.equal(mp.privateDataSize, 64);
  assert.equal(mp.privateDataOffset % 64, 0);
  assert.equal(w.u32[mp.privateDataOffset >>> 2], 0xabcd, 'mp_init ran before populate');
  const z = eal.memzoneLookup('MP_t_iter')!;
  assert.equal(z.offset, mp.offset);
  assert.ok(mp.privateDataOffset + 64 <= z.offset + z.length);
  assert.equal(Mempool.lookup('t_iter'), mp);
  assert.ok(mempoolList().includes(mp));
  const d = mp.dump();
  assert.match(d, /^mempool <t_iter>@0x/);
  assert.match(d, /size=777\n/);
  assert.match(d, /ops_name: <ring_mp_mc>/);
  assert.match(d, /common_pool_count=777/);
  mp.free();
  assert.equal(Mempool.lookup('t_iter'), null);
  for (const name of ['MP_t_iter', 'MP_t_iter_0', 'RG_MP_t_iter']) assert.equal(eal.memzoneLookup(name), null, name);
  assert.throws(() => mp.free(), { code: 'EINVAL' });
  // No IOVA contiguity wanted: objects get RTE_BAD_IOVA.
  const ni = Mempool.create('t_noiova', 10, 64, 0, 0, eal.SOCKET_ID_ANY, MEMPOOL_F_NO_IOVA_CONTIG);
  ni.objIter((p, o) => assert.equal(p.virt2iova(o), eal.RTE_BAD_IOVA));
  ni.free();
});

test('debug cookies: audit catches a double put and a buffer overrun', () => {
  const mp = Mempool.create('t_dbg', 64, 40, 8, 0, eal.SOCKET_ID_ANY, MEMPOOL_F_DEBUG);
  assert.equal(mp.debugCookies, true);
  assert.equal(mp.headerSize, 64);
  assert.ok(mp.trailerSize >= 8);
  mp.audit();
  const o = mp.get();
  mp.put(o);
  mp.audit();
  mp.put(o); // double free: recorded, not put
  assert.equal(mp.availCount(), 64, 'the double put did not add an object');
  assert.throws(() => mp.audit(), { code: 'EFAULT', message: /bad header cookie \(put\)/ });
  mp.free();

  const mp2 = Mempool.create('t_dbg2', 64, 40, 0, 0, eal.SOCKET_ID_ANY, MEMPOOL_F_DEBUG);
  const x = mp2.get();
  mp2.audit();
  eal.sharedWindow().u8.fill(0xee, x, x + 40 + 1); // one byte past the element
  assert.throws(() => mp2.audit(), { code: 'EFAULT', message: new RegExp(`bad trailer cookie \\(buffer overrun\\): obj=0x${x.toString(16)}`) });
  mp2.put(x);
  // A foreign object is refused too.
  mp2.put(x + 8);
  assert.equal(mp2.availCount(), 64);
  mp2.free();
});

test('per-lcore caches: two worker lcores hammer one pool per driver concurrently', () => {
  const w = eal.sharedWindow();
  for (const [ops, cache] of [['ring_mp_mc', 32], ['ring_mp_mc', 0], ['ring_mt_rts', 16], ['ring_mt_hts', 16], ['stack', 16], ['lf_stack', 0], ['lf_stack', 16]] as const) {
    const name = `t_mt_${ops}_${cache}`;
    const mp = Mempool.createEmpty(name, 600, 64, cache);
    mp.setOpsByName(ops);
    mp.populateDefault();
    mp.objIter((_p, o) => {
      w.u32[o >>> 2] = 0;
    });
    const arg = { name, iters: 2000, burst: 8, hold: 4 };
    eal.remoteLaunch(1, worker, 'hammer', arg);
    eal.remoteLaunch(2, worker, 'hammer', arg);
    const r1 = eal.waitLcore(1);
    const r2 = eal.waitLcore(2);
    assert.ok(r1 > 0 && r2 > 0, `${name}: lcore results ${r1} ${r2} (${eal.lcoreLastError(1)} ${eal.lcoreLastError(2)})`);
    assert.equal(mp.availCount(), 600, `${name}: every object is back`);
    if (cache > 0) {
      assert.ok(mp.cacheCount(1) > 0 && mp.cacheCount(1) <= cache * 1.5, `${name}: cache[1] = ${mp.cacheCount(1)}`);
      assert.ok(mp.cacheCount(2) > 0 && mp.cacheCount(2) <= cache * 1.5, `${name}: cache[2] = ${mp.cacheCount(2)}`);
      assert.equal(mp.cacheCount(0), 0, 'the main lcore did not touch its cache');
      assert.equal(mp.backendCount() + mp.cacheCount(1) + mp.cacheCount(2), 600);
    } else {
      assert.equal(mp.backendCount(), 600);
    }
    // Every object appears exactly once in backend + caches.
    const all = eal.burstArray(600);
    mp.cacheFlush(1);
    mp.cacheFlush(2);
    assert.equal(mp.getBulk(all, 600), 0);
    assert.equal(new Set(all).size, 600);
    mp.putBulk(all, 600);
    mp.free();
  }
});

test('a secondary process finds the pools by name and shares objects and mbufs', async (t) => {
  if (!loadNative()) return skipOrFail(t, 'native addon not built (needed to map shared files)');
  const mp = Mempool.create('t_shared', 200, 64, 16);
  const pp = mbuf.pktmbufPoolCreate('t_shared_pkt', 63, 0, 0, mbuf.MBUF_DEFAULT_BUF_SIZE);
  const seq = mbuf.dynfieldRegister({ name: 'test_dyn_seqno', size: 4, align: 4 });
  const ring = Ring.create('t_shared_ring', 16, eal.SOCKET_ID_ANY, 0);
  const probe = fileURLToPath(new URL('./fixtures/mempool_secondary.js', import.meta.url));
  let out: string;
  try {
    out = execFileSync(process.execPath, [probe, prefix, 't_shared', 't_shared_pkt', 't_shared_ring'], { encoding: 'utf8', timeout: 30000 });
  } catch (e) {
    out = (e as { stdout?: string }).stdout ?? '';
  }
  const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(r.procType, 'secondary');
  assert.equal(r.found, true);
  assert.equal(r.offset, mp.offset);
  assert.equal(r.size, 200);
  assert.equal(r.opsName, 'ring_mp_mc');
  assert.equal(r.availBefore, 200);
  assert.equal(r.get, 0);
  assert.equal(r.cache3, 16, 'the secondary (lcore 3) refilled its own cache');
  assert.equal(r.availAfter, 196);
  // Objects the secondary kept are marked, and its lcore-3 cache is in the shared header.
  const w = eal.sharedWindow();
  (r.kept as number[]).forEach((o, i) => assert.equal(w.u32[o >>> 2], 0x5ec0 + i));
  assert.equal(mp.availCount(), 196);
  assert.equal(mp.cacheCount(3), 22);
  mp.putBulk(Uint32Array.from(r.kept as number[]), 4);
  assert.equal(mp.availCount(), 200);
  // The mbuf the secondary filled arrives through the ring.
  assert.equal(r.enq, 1);
  assert.equal(r.dynOffset, seq);
  const got = new Uint32Array(1);
  assert.equal(ring.dequeueBulk(got, 1), 1);
  const m = got[0]!;
  assert.equal(m, r.mbuf);
  assert.equal(r.headroom, 128);
  assert.equal(Buffer.from(mbuf.mbufU8().slice(mbuf.mtod(m), mbuf.mtod(m) + mbuf.dataLen(m))).toString(), 'hello');
  assert.equal(mbuf.mbufDV().getUint32(m + seq, true), 4242);
  assert.equal(pp.inUseCount(), 1);
  mbuf.free(m);
  assert.equal(pp.full(), true);
  ring.free();
  pp.free();
  mp.free();
});
