// rte_ring semantics: layout, sizes, bulk/burst out-values, element sizes, sync modes, peek and
// zero-copy, 32-bit index wraparound, and MP/MC stress across worker lcores and across processes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as eal from '../src/lib/eal/index.js';
import { loadNative } from '../src/lib/eal/native.js';
import {
  Ring, RingZcData, ringList, ringListDump, RING_F_EXACT_SZ, RING_F_MC_HTS_DEQ, RING_F_MC_RTS_DEQ, RING_F_MP_HTS_ENQ, RING_F_MP_RTS_ENQ,
  RING_F_SC_DEQ, RING_F_SP_ENQ,
} from '../src/lib/ring/index.js';
import { skipOrFail } from './helpers.js';
import type { StressArg } from './fixtures/ring_worker.js';

const prefix = `ringt${process.pid}`;
const workerUrl = new URL('./fixtures/ring_worker.js', import.meta.url);
const secondaryJs = fileURLToPath(new URL('./fixtures/ring_secondary.js', import.meta.url));
const ST = RING_F_SP_ENQ | RING_F_SC_DEQ;
const RTS = RING_F_MP_RTS_ENQ | RING_F_MC_RTS_DEQ;
const HTS = RING_F_MP_HTS_ENQ | RING_F_MC_HTS_DEQ;
const MODES: [string, number][] = [['MT', 0], ['ST', ST], ['RTS', RTS], ['HTS', HTS]];
let seq = 0;
const uniq = (p: string) => `${p}${seq++}`;

before(() => {
  // Three lcores; on a 2-CPU machine they share both CPUs.
  const lcores = availableParallelism() >= 3 ? ['-l', '0-2'] : ['--lcores', '(0-2)@(0-1)'];
  eal.init([...lcores, '--no-huge', '-m', '64', '--file-prefix', prefix, '--log-level', 'error']);
});

after(async () => {
  await eal.cleanup();
});

function errCode(code: string) {
  return (e: unknown) => (e as { code?: string }).code === code;
}

function seqArray(n: number, start = 1, inMemory = true): Uint32Array {
  const a = inMemory ? eal.burstArray(n) : new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = start + i;
  return a;
}

/** Puts the free-running producer and consumer positions at `pos` (both), for any sync type. */
function setPositions(r: Ring, pos: number): void {
  const u32 = eal.sharedWindow().u32;
  for (const [side, sync] of [[128, r.prodSync], [256, r.consSync]] as const) {
    const o = (r.offset + side) >>> 2;
    if (sync === 'MT_RTS') {
      u32[o] = 7; // tail.cnt
      u32[o + 1] = pos; // tail.pos
      u32[o + 4] = 7; // head.cnt
      u32[o + 5] = pos; // head.pos
    } else {
      u32[o] = pos;
      u32[o + 1] = pos;
    }
  }
}

test('create: header layout like struct rte_ring, memzone RG_<name>, lookup, list, free', () => {
  const r = Ring.create('layout', 1024, eal.SOCKET_ID_ANY, 0);
  const w = eal.sharedWindow();
  const z = eal.memzoneLookup('RG_layout');
  assert.ok(z);
  assert.equal(r.offset, z.offset);
  assert.equal(z.length, 384 + 1024 * 4);
  assert.equal(Ring.memsize(1024, 4), 4480);
  assert.equal(Ring.memsize(1024, 8), 8576);
  assert.equal(Ring.memsize(4, 4), 448); // rounded up to a cache line
  const u32 = w.u32;
  const o = r.offset >>> 2;
  assert.equal(Buffer.from(w.u8.slice(r.offset, r.offset + 7)).toString('latin1'), 'layout\0');
  assert.equal(u32[o + 32 / 4], 0); // flags
  assert.equal(u32[o + 48 / 4], 1024); // size
  assert.equal(u32[o + 52 / 4], 1023); // mask
  assert.equal(u32[o + 56 / 4], 1023); // capacity
  assert.equal(u32[o + 136 / 4], 0); // prod.sync_type MT
  assert.equal(u32[o + 264 / 4], 0); // cons.sync_type MT
  assert.deepEqual([r.size, r.capacity, r.esize, r.flags, r.prodSync, r.consSync], [1024, 1023, 4, 0, 'MT', 'MT']);
  // Slots start at 384; head/tail at 128/132 (prod) and 256/260 (cons).
  assert.equal(r.enqueue(0xabcdef01), 0);
  assert.equal(u32[o + 384 / 4], 0xabcdef01);
  assert.deepEqual([u32[o + 128 / 4], u32[o + 132 / 4], u32[o + 256 / 4], u32[o + 260 / 4]], [1, 1, 0, 0]);

  const again = Ring.lookup('layout');
  assert.equal(again.offset, r.offset);
  assert.equal(again.count(), 1);
  assert.equal(again.dequeue(), 0xabcdef01);
  assert.equal(Ring.attach(r.offset).name, 'layout');
  assert.ok(ringList().some((e) => e.name === 'layout' && e.offset === r.offset));

  const s = Ring.create('layout_st', 16, 0, ST | RING_F_EXACT_SZ, 8);
  assert.deepEqual([s.size, s.capacity, s.esize, s.flags, s.prodSync, s.consSync], [32, 16, 8, 7, 'ST', 'ST']);
  assert.equal(eal.memzoneLookup('RG_layout_st')!.length, 384 + 32 * 8);
  s.free();
  assert.throws(() => Ring.lookup('layout_st'), errCode('ENOENT'));
  assert.equal(eal.memzoneLookup('RG_layout_st'), null);
  assert.match(ringListDump(), /ring <layout>@0x[0-9a-f]+\n {2}flags=0\n {2}size=1024\n {2}capacity=1023\n/);
  r.free();
  assert.throws(() => Ring.lookup('layout'), errCode('ENOENT'));
  assert.throws(() => Ring.attach(r.offset), errCode('EINVAL'));
  assert.throws(() => r.free(), errCode('EINVAL'));
  assert.ok(!ringList().some((e) => e.name === 'layout'));
});

test('create: errors (ENAMETOOLONG, EEXIST, EINVAL) and lookup ENOENT', () => {
  const n28 = 'a'.repeat(28);
  const r = Ring.create(n28, 8, -1, 0);
  assert.equal(Ring.lookup(n28).offset, r.offset);
  assert.throws(() => Ring.create('b'.repeat(29), 8, -1, 0), errCode('ENAMETOOLONG'));
  assert.throws(() => Ring.create(n28, 8, -1, 0), errCode('EEXIST'));
  r.free();
  for (const count of [0, 3, 1000, 4097, 0x80000000, 1.5]) {
    assert.throws(() => Ring.create('bad', count, -1, 0), errCode('EINVAL'), `count ${count}`);
  }
  assert.throws(() => Ring.create('bad', 0x40000000, -1, RING_F_EXACT_SZ), errCode('EINVAL'));
  assert.throws(() => Ring.create('bad', 8, -1, 0x80), errCode('EINVAL'));
  assert.throws(() => Ring.create('bad', 8, -1, RING_F_SP_ENQ | RING_F_MP_RTS_ENQ), errCode('EINVAL'));
  assert.throws(() => Ring.create('bad', 8, -1, RING_F_MC_RTS_DEQ | RING_F_MC_HTS_DEQ), errCode('EINVAL'));
  assert.throws(() => Ring.create('bad', 8, -1, 0, 6), errCode('EINVAL'));
  assert.throws(() => Ring.create('bad', 8, -1, 0, 0), errCode('EINVAL'));
  assert.throws(() => Ring.memsize(1000), errCode('EINVAL'));
  assert.throws(() => Ring.create('bad', 1 << 26, -1, 0, 16), errCode('ENOMEM'));
  assert.throws(() => Ring.lookup('nope'), errCode('ENOENT'));
  assert.throws(() => Ring.lookup('x'.repeat(40)), errCode('ENOENT'));
  assert.equal(eal.memzoneLookup('RG_bad'), null);
});

test('init in caller memory, attach validation, free refuses an unregistered ring', () => {
  const bytes = Ring.memsize(64, 4);
  const off = eal.malloc('ringmem', bytes, 64);
  const r = Ring.init(off, 'inited', 64, RING_F_SC_DEQ);
  assert.deepEqual([r.size, r.capacity, r.prodSync, r.consSync], [64, 63, 'MT', 'ST']);
  assert.equal(r.enqueueBulk(seqArray(10), 10), 10);
  const h = Ring.attach(off);
  assert.equal(h.count(), 10);
  assert.throws(() => Ring.lookup('inited'), errCode('ENOENT'));
  assert.throws(() => r.free(), errCode('EINVAL'));
  assert.throws(() => Ring.attach(off + 64), errCode('EINVAL'));
  assert.throws(() => Ring.attach(off + 4), errCode('EINVAL'));
  assert.throws(() => Ring.init(off + 8, 'x', 8, 0), errCode('EINVAL')); // not cache-line aligned
  eal.free(off);
});

test('capacity: count - 1, or exactly count with RING_F_EXACT_SZ', () => {
  for (const [count, flags, size, cap] of [[8, 0, 8, 7], [8, RING_F_EXACT_SZ, 16, 8], [5, RING_F_EXACT_SZ, 8, 5], [1, RING_F_EXACT_SZ, 2, 1], [2, 0, 2, 1]] as const) {
    const r = Ring.create(uniq('cap'), count, -1, flags);
    assert.equal(r.size, size);
    assert.equal(r.capacity, cap);
    const a = seqArray(32);
    assert.equal(r.enqueueBurst(a, 32), cap);
    assert.equal(r.freeSpace, 0);
    assert.equal(r.count(), cap);
    assert.equal(r.freeCount(), 0);
    assert.ok(r.full());
    assert.equal(r.enqueue(99), -105);
    const b = eal.burstArray(32);
    assert.equal(r.dequeueBurst(b, 32), cap);
    assert.deepEqual([...b.subarray(0, cap)], [...a.subarray(0, cap)]);
    assert.ok(r.empty());
    r.free();
  }
});

test('free_space and available are kept per ring and per side, whatever runs in between', () => {
  const r1 = Ring.create(uniq('fs1'), 16, -1, 0); // capacity 15
  const r2 = Ring.create(uniq('fs2'), 8, -1, RING_F_SP_ENQ | RING_F_SC_DEQ); // capacity 7
  const a = seqArray(16);
  const b = eal.burstArray(16);
  assert.equal(r1.enqueueBurst(a, 10), 10);
  assert.equal(r1.dequeueBurst(b, 3), 3);
  assert.deepEqual([r1.freeSpace, r1.available], [5, 7]); // the dequeue did not overwrite free_space
  assert.equal(r2.enqueueBulk(a, 2), 2);
  assert.equal(r2.dequeue(), 1);
  assert.deepEqual([r2.freeSpace, r2.available], [5, 1]);
  assert.deepEqual([r1.freeSpace, r1.available], [5, 7], 'calls on another ring leave these alone');
  const again = Ring.lookup(r1.name); // a second handle of r1 in this thread shares its out-values
  assert.equal(again.enqueue(99), 0);
  assert.deepEqual([again.freeSpace, r1.freeSpace, r1.available], [7, 7, 7]);
  r1.free();
  r2.free();
});

test('bulk is all-or-nothing, burst as many as possible; exact free_space/available', () => {
  const r = Ring.create(uniq('bb'), 16, -1, 0); // capacity 15
  const a = seqArray(20);
  const b = eal.burstArray(20);
  assert.equal(r.enqueueBulk(a, 10), 10);
  assert.equal(r.freeSpace, 5);
  assert.equal(r.enqueueBulk(a, 6), 0); // does not fit: nothing
  assert.equal(r.freeSpace, 5); // reported even when nothing moved
  assert.equal(r.count(), 10);
  assert.equal(r.enqueueBulk(a, 0), 0);
  assert.equal(r.freeSpace, 5);
  assert.equal(r.enqueueBurst(seqArray(8, 11), 8), 5);
  assert.equal(r.freeSpace, 0);
  assert.equal(r.enqueueBurst(a, 3), 0);
  assert.equal(r.freeSpace, 0);
  assert.equal(r.dequeueBulk(b, 16), 0);
  assert.equal(r.available, 15);
  assert.equal(r.dequeueBulk(b, 4), 4);
  assert.equal(r.available, 11);
  assert.deepEqual([...b.subarray(0, 4)], [1, 2, 3, 4]);
  assert.equal(r.dequeueBurst(b, 20), 11);
  assert.equal(r.available, 0);
  assert.deepEqual([...b.subarray(0, 11)], [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  assert.equal(r.dequeueBurst(b, 20), 0);
  assert.equal(r.available, 0);
  assert.equal(r.dequeue(), -1);
  // Single-object calls; objects are u32, so 0xffffffff comes back as a non-negative number.
  assert.equal(r.enqueue(0xffffffff), 0);
  assert.equal(r.freeSpace, 14);
  assert.equal(r.enqueue(0), 0);
  assert.equal(r.dequeue(), 0xffffffff);
  assert.equal(r.available, 1);
  assert.equal(r.dequeue(), 0);
  assert.equal(r.available, 0);
  r.free();
});

test('FIFO order over many wraparounds with random bulk/burst sizes against a model queue', () => {
  for (const [name, flags] of MODES) {
    const r = Ring.create(uniq(`fifo${name}`), 64, -1, flags);
    const src = eal.burstArray(80);
    const dst = eal.burstArray(80);
    const model: number[] = [];
    let next = 1;
    let x = 12345;
    for (let it = 0; it < 3000; it++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const m = x % 80;
      const bulk = (x & 0x10000) !== 0;
      if (x & 0x20000) {
        for (let i = 0; i < m; i++) src[i] = next + i;
        const free = 63 - model.length;
        const k = bulk ? r.enqueueBulk(src, m) : r.enqueueBurst(src, m);
        const want = bulk ? (m <= free ? m : 0) : Math.min(m, free);
        assert.equal(k, want);
        assert.equal(r.freeSpace, free - k);
        for (let i = 0; i < k; i++) model.push(next + i);
        next += k;
      } else {
        const avail = model.length;
        const k = bulk ? r.dequeueBulk(dst, m) : r.dequeueBurst(dst, m);
        assert.equal(k, bulk ? (m <= avail ? m : 0) : Math.min(m, avail));
        assert.equal(r.available, avail - k);
        assert.deepEqual([...dst.subarray(0, k)], model.splice(0, k));
      }
      assert.equal(r.count(), model.length);
    }
    r.free();
  }
});

test('element sizes 4, 8, 16 (and 12): whole elements copied, across the wrap, Memory and plain arrays', () => {
  for (const esize of [4, 8, 12, 16]) {
    for (const inMemory of [true, false]) {
      const words = esize / 4;
      const r = Ring.create(uniq(`es${esize}`), 8, -1, 0, esize);
      assert.equal(r.esize, esize);
      const src = inMemory ? eal.burstArray(6 * words) : new Uint32Array(6 * words);
      const dst = inMemory ? eal.burstArray(6 * words) : new Uint32Array(6 * words);
      let v = 1;
      const sent: number[] = [];
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 5 * words; i++) src[i] = v++;
        sent.push(...src.subarray(0, 5 * words));
        assert.equal(r.enqueueBulk(src, 5), 5);
        assert.equal(r.freeSpace, 2);
        assert.equal(r.count(), 5);
        dst.fill(0);
        assert.equal(r.dequeueBurst(dst, 6), 5);
        assert.equal(r.available, 0);
        assert.deepEqual([...dst.subarray(0, 5 * words)], sent.splice(0, 5 * words));
        assert.equal(dst[5 * words], 0); // nothing beyond n elements written
      }
      // n larger than the array holds is refused rather than overrunning it.
      assert.throws(() => r.enqueueBurst(new Uint32Array(words), 2), errCode('EINVAL'));
      if (esize !== 4) assert.throws(() => r.enqueue(1), errCode('EINVAL'));
      r.free();
    }
  }
});

test('each sync mode: unprefixed calls use the ring\'s mode; mp/sp/mc/sc force one; plain arrays take the JS copy path', () => {
  for (const [name, flags] of MODES) {
    const r = Ring.create(uniq(`sync${name}`), 32, -1, flags);
    const expect = { MT: 'MT', ST: 'ST', RTS: 'MT_RTS', HTS: 'MT_HTS' }[name];
    assert.equal(r.prodSync, expect);
    assert.equal(r.consSync, expect);
    assert.equal(eal.sharedWindow().u32[(r.offset + 136) >>> 2], ['MT', 'ST', 'RTS', 'HTS'].indexOf(name));
    for (const inMemory of [true, false]) {
      const a = seqArray(40, 100, inMemory);
      const b = inMemory ? eal.burstArray(40) : new Uint32Array(40);
      assert.equal(r.enqueueBulk(a, 20), 20);
      assert.equal(r.freeSpace, 11);
      assert.equal(r.enqueueBurst(a.subarray(20), 20), 11);
      assert.equal(r.freeSpace, 0);
      assert.equal(r.dequeueBulk(b, 31), 31);
      assert.equal(r.available, 0);
      assert.deepEqual([...b.subarray(0, 31)], [...a.subarray(0, 31)]);
      assert.equal(r.enqueue(7), 0);
      assert.equal(r.dequeue(), 7);
    }
    if (name === 'MT' || name === 'ST') {
      const a = seqArray(8);
      const b = eal.burstArray(16);
      assert.equal(r.mpEnqueueBulk(a, 3), 3);
      assert.equal(r.spEnqueueBulk(a.subarray(3), 3), 3);
      assert.equal(r.mpEnqueueBurst(a.subarray(6), 1), 1);
      assert.equal(r.spEnqueueBurst(a.subarray(7), 1), 1);
      assert.equal(r.freeSpace, 23);
      assert.equal(r.mcDequeueBulk(b, 2), 2);
      assert.equal(r.scDequeueBulk(b.subarray(2), 2), 2);
      assert.equal(r.mcDequeueBurst(b.subarray(4), 9), 4);
      assert.equal(r.available, 0);
      assert.equal(r.scDequeueBurst(b, 1), 0);
      assert.deepEqual([...b.subarray(2, 8)], [3, 4, 5, 6, 7, 8]);
      assert.equal(r.mpEnqueue(5), 0);
      assert.equal(r.spEnqueue(6), 0);
      assert.equal(r.mcDequeue(), 5);
      assert.equal(r.scDequeue(), 6);
    }
    // Offset variants (what the mempool cache uses).
    const a = seqArray(4, 50);
    const b = eal.burstArray(4);
    assert.equal(r.enqueueBulkAt(a.byteOffset, 4), 4);
    assert.equal(r.enqueueBurstAt(a.byteOffset, 4), 4);
    assert.equal(r.freeSpace, 23);
    assert.equal(r.dequeueBulkAt(b.byteOffset, 4), 4);
    assert.equal(r.dequeueBurstAt(b.byteOffset, 9), 4);
    assert.equal(r.available, 0);
    assert.deepEqual([...b], [50, 51, 52, 53]);
    if (name === 'RTS') {
      assert.equal(r.getProdHtdMax(), 3); // capacity 31 / 8
      r.setConsHtdMax(10);
      assert.equal(r.getConsHtdMax(), 10);
    } else {
      assert.equal(r.getProdHtdMax(), 0xffffffff);
      assert.throws(() => r.setProdHtdMax(1), errCode('ENOTSUP'));
    }
    r.free();
  }
});

test('32-bit wraparound of the free-running head/tail indices, every sync mode', () => {
  for (const [name, flags] of MODES) {
    for (const exact of [0, RING_F_EXACT_SZ]) {
      const r = Ring.create(uniq(`wrap${name}`), exact ? 6 : 8, -1, flags | exact);
      const start = 0x100000000 - 13;
      setPositions(r, start);
      assert.equal(r.count(), 0);
      assert.ok(r.empty());
      const src = eal.burstArray(8);
      const dst = eal.burstArray(8);
      let next = 1;
      let expectNext = 1;
      for (let round = 0; round < 12; round++) {
        for (let i = 0; i < 5; i++) src[i] = next + i;
        assert.equal(r.enqueueBulk(src, 5), 5);
        next += 5;
        assert.equal(r.count(), 5);
        assert.equal(r.freeSpace, r.capacity - 5);
        assert.equal(r.dequeueBurst(dst, 3), 3);
        assert.equal(r.available, 2);
        assert.equal(r.dequeueBulk(dst.subarray(3), 2), 2);
        assert.deepEqual([...dst.subarray(0, 5)], [0, 1, 2, 3, 4].map((i) => expectNext + i));
        expectNext += 5;
      }
      // 60 objects went through from 2^32 - 13: the positions wrapped to 47.
      const tail = eal.sharedWindow().u32[(r.offset + 132) >>> 2];
      assert.equal(tail, (start + 60) % 0x100000000);
      assert.match(r.dump(), /\n {2}pt=47\n/);
      r.free();
    }
  }
});

test('count/free_count/full/empty, reset and dump text', () => {
  const r = Ring.create('dumpme', 8, -1, RING_F_SP_ENQ);
  assert.equal(r.enqueueBulk(seqArray(5), 5), 5);
  assert.equal(r.dequeueBulk(eal.burstArray(2), 2), 2);
  assert.deepEqual([r.count(), r.freeCount(), r.full(), r.empty()], [3, 4, false, false]);
  assert.equal(r.dump(),
    `ring <dumpme>@0x${r.offset.toString(16)}\n  flags=1\n  size=8\n  capacity=7\n  ct=2\n  ch=2\n  pt=5\n  ph=5\n  used=3\n  avail=4\n`);
  r.reset();
  assert.deepEqual([r.count(), r.freeCount(), r.full(), r.empty()], [0, 7, false, true]);
  assert.match(r.dump(), /ct=0\n {2}ch=0\n {2}pt=0\n {2}ph=0\n {2}used=0\n {2}avail=7\n$/);
  r.free();
});

test('peek API on ST and HTS rings: start reserves, finish commits n (fewer gives back the rest)', () => {
  for (const [name, flags] of [['ST', ST], ['HTS', HTS]] as const) {
    const r = Ring.create(uniq(`peek${name}`), 8, -1, flags);
    const a = seqArray(8);
    assert.equal(r.enqueueBulkStart(4), 4);
    assert.equal(r.freeSpace, 3);
    assert.equal(r.count(), 0); // nothing visible before finish
    r.enqueueFinish(a, 3); // commit 3 of the 4 reserved
    assert.equal(r.count(), 3);
    assert.equal(r.enqueueBulkStart(5), 0);
    assert.equal(r.freeSpace, 4);
    assert.equal(r.enqueueBurstStart(10), 4);
    assert.equal(r.freeSpace, 0);
    r.enqueueFinish(a, 0); // cancel
    assert.equal(r.count(), 3);
    assert.equal(r.enqueueBurstStart(1), 1);
    r.enqueueFinish(new Uint32Array([42]), 1); // plain array: JS copy path
    assert.equal(r.count(), 4);

    const b = eal.burstArray(8);
    assert.equal(r.dequeueBulkStart(b, 2), 2);
    assert.equal(r.available, 2);
    assert.deepEqual([...b.subarray(0, 2)], [1, 2]);
    assert.equal(r.count(), 4); // still there until finish
    r.dequeueFinish(1);
    assert.equal(r.count(), 3);
    assert.equal(r.dequeueBurstStart(b, 8), 3);
    assert.deepEqual([...b.subarray(0, 3)], [2, 3, 42]);
    r.dequeueFinish(0); // all stay
    const c = new Uint32Array(8);
    assert.equal(r.dequeueBurstStart(c, 8), 3); // plain array
    assert.deepEqual([...c.subarray(0, 3)], [2, 3, 42]);
    r.dequeueFinish(3);
    assert.ok(r.empty());
    assert.equal(r.dequeueBulkStartAt(b.byteOffset, 1), 0);
    assert.equal(r.available, 0);
    r.dequeueFinish(0);
    // The ring works normally afterwards.
    assert.equal(r.enqueueBulk(a, 7), 7);
    assert.equal(r.dequeueBulk(b, 7), 7);
    assert.deepEqual([...b.subarray(0, 7)], [1, 2, 3, 4, 5, 6, 7]);
    r.free();
  }
  for (const [name, flags] of [['MT', 0], ['RTS', RTS]] as const) {
    const r = Ring.create(uniq(`nopeek${name}`), 8, -1, flags);
    assert.throws(() => r.enqueueBulkStart(1), errCode('ENOTSUP'));
    assert.throws(() => r.dequeueBurstStart(eal.burstArray(1), 1), errCode('ENOTSUP'));
    assert.throws(() => r.enqueueZcBulkStart(1, new RingZcData()), errCode('ENOTSUP'));
    r.free();
  }
  // Producer and consumer sides are checked separately: SP + MC ring peeks on enqueue only.
  const m = Ring.create(uniq('halfpeek'), 8, -1, RING_F_SP_ENQ);
  assert.equal(m.enqueueBulkStart(1), 1);
  m.enqueueFinish(seqArray(1), 1);
  assert.throws(() => m.dequeueFinish(1), errCode('ENOTSUP'));
  m.free();
});

test('zero-copy peek: ptr1/n1/ptr2 describe the reserved slots, split at the end of the ring', () => {
  for (const [name, flags] of [['ST', ST], ['HTS', HTS]] as const) {
    const r = Ring.create(uniq(`zc${name}`), 8, -1, flags);
    const w = eal.sharedWindow();
    const slots = r.offset + 384;
    setPositions(r, 6); // next slot index 6
    const zcd = new RingZcData();
    assert.equal(r.enqueueZcBulkStart(4, zcd), 4);
    assert.equal(r.freeSpace, 3);
    assert.deepEqual([zcd.ptr1, zcd.n1, zcd.ptr2], [slots + 24, 2, slots]);
    w.u32[zcd.ptr1 >>> 2] = 11;
    w.u32[(zcd.ptr1 >>> 2) + 1] = 12;
    w.u32[zcd.ptr2 >>> 2] = 13;
    w.u32[(zcd.ptr2 >>> 2) + 1] = 14;
    r.enqueueZcFinish(4);
    assert.equal(r.count(), 4);
    assert.equal(r.dequeueZcBurstStart(3, zcd), 3);
    assert.equal(r.available, 1);
    assert.deepEqual([zcd.ptr1, zcd.n1, zcd.ptr2], [slots + 24, 2, slots]);
    assert.deepEqual([w.u32[zcd.ptr1 >>> 2], w.u32[(zcd.ptr1 >>> 2) + 1], w.u32[zcd.ptr2 >>> 2]], [11, 12, 13]);
    r.dequeueZcFinish(3);
    assert.equal(r.dequeueZcBulkStart(1, zcd), 1);
    assert.deepEqual([zcd.ptr1, zcd.n1, zcd.ptr2], [slots + 4, 1, 0]);
    assert.equal(w.u32[zcd.ptr1 >>> 2], 14);
    r.dequeueZcFinish(1);
    assert.ok(r.empty());
    r.free();
  }
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 10000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(1);
  }
}

/** Lcore result, or a failure (instead of a hang) if it does not finish in 10 s. */
async function lcoreResult(id: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`lcore ${id} did not finish`)), 10000);
  });
  try {
    return await Promise.race([eal.waitLcoreAsync(id), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

test('a worker lcore finds rings by name and exchanges objects with the main lcore', { timeout: 30000 }, async () => {
  const from = Ring.create('to_worker', 256, -1, 0);
  const to = Ring.create('from_worker', 256, -1, 0);
  assert.equal(from.enqueueBulk(seqArray(100), 100), 100);
  eal.remoteLaunch(1, workerUrl, 'lookupEcho', { from: 'to_worker', to: 'from_worker', n: 100, capacity: 255 });
  assert.equal(await lcoreResult(1), 100, String(eal.lcoreLastError(1)));
  const b = eal.burstArray(128);
  assert.equal(to.dequeueBurst(b, 128), 100);
  assert.deepEqual([...b.subarray(0, 100)], Array.from({ length: 100 }, (_, i) => 2 * (i + 1)));
  assert.ok(from.empty());
  from.free();
  to.free();
});

test('a producer holding a reservation: MT makes later producers wait for the tail, RTS publishes when the last one finishes, HTS serialises', { timeout: 30000 }, async () => {
  const cases = [['MT', 0, 0], ['RTS', RTS, 8], ['RTS_htd1', RTS, 0], ['HTS', HTS, 0]] as const;
  for (const [name, flags, htd] of cases) {
    const r = Ring.create(uniq(`hold${name}`), 16, -1, flags);
    if (htd) r.setProdHtdMax(htd);
    const u32 = eal.sharedWindow().u32;
    const ctl = eal.zmalloc('ctl', 64, 64);
    const release = () => Atomics.store(u32, (ctl >>> 2) + 1, 1);
    const prodHead = () => u32[(r.offset + 128 + (flags === RTS ? 20 : 0)) >>> 2];
    try {
      eal.remoteLaunch(1, workerUrl, 'holdReservation', { ring: r.name, ctl, n: 3, first: 1 });
      await until('the reservation', () => Atomics.load(u32, ctl >>> 2) === 1);
      assert.equal(prodHead(), 3);
      eal.remoteLaunch(2, workerUrl, 'enqueueSeq', { ring: r.name, n: 2, first: 10 });
      if (name === 'RTS') {
        // Not blocked, but its entries stay unpublished while an earlier move is in flight.
        assert.equal(await lcoreResult(2), 2);
        assert.equal(prodHead(), 5);
      } else if (name === 'MT') {
        // Reserves behind the first, then spins until the first publishes its tail.
        await until('the second reservation', () => prodHead() === 5);
        await sleep(20);
        assert.equal(eal.getLcoreState(2), 'RUNNING');
      } else {
        // HTS: no head move while another is in flight; RTS with htd_max 1 (capacity 15 / 8): the
        // head may not run more than 1 ahead of the tail.
        await sleep(20);
        assert.equal(eal.getLcoreState(2), 'RUNNING');
        assert.equal(prodHead(), 3);
      }
      assert.equal(u32[(r.offset + 132) >>> 2], 0); // prod tail (RTS: tail.pos)
      assert.equal(r.count(), 0);
    } finally {
      release();
    }
    assert.equal(await lcoreResult(1), 3, String(eal.lcoreLastError(1)));
    assert.equal(await lcoreResult(2), 2, String(eal.lcoreLastError(2)));
    assert.equal(r.count(), 5);
    const b = eal.burstArray(8);
    assert.equal(r.dequeueBurst(b, 8), 5);
    assert.deepEqual([...b.subarray(0, 5)], [1, 2, 3, 10, 11]);
    eal.free(ctl);
    r.free();
  }
});

function stressSetup(name: string, flags: number, parties: number, n: number): { arg: Omit<StressArg, 'id' | 'seed'>; check: () => void; release: () => void } {
  const r = Ring.create(name, 512, -1, flags);
  const w = eal.sharedWindow();
  const total = parties * n;
  const seen = eal.zmalloc('seen', parties * (total + 1) * 4, 64);
  const ctl = eal.zmalloc('ctl', 64, 64);
  return {
    arg: { ring: name, seen, ctl, parties, n, burst: 32, timeoutMs: 20000 },
    check: () => {
      let once = 0;
      for (let v = 1; v <= total; v++) {
        let c = 0;
        for (let p = 0; p < parties; p++) c += w.u32[(seen >>> 2) + p * (total + 1) + v]!;
        if (c === 1) once++;
      }
      assert.equal(once, total, 'every object dequeued exactly once');
      assert.equal(w.u32[ctl >>> 2], parties * n);
      assert.ok(r.empty());
      assert.equal(r.count(), 0);
    },
    release: () => {
      r.free();
      eal.free(seen);
      eal.free(ctl);
    },
  };
}

test('MP/MC stress on 2 worker lcores (MT, RTS, HTS): every object seen exactly once, per-producer order kept', { timeout: 30000 }, async () => {
  const n = 60000;
  for (const [name, flags] of [['MT', 0], ['RTS', RTS], ['HTS', HTS]] as const) {
    const s = stressSetup(uniq(`stress${name}`), flags, 2, n);
    eal.remoteLaunch(1, workerUrl, 'stress', { ...s.arg, id: 0, seed: 0x1234 });
    eal.remoteLaunch(2, workerUrl, 'stress', { ...s.arg, id: 1, seed: 0x9876 });
    const r1 = await lcoreResult(1);
    const r2 = await lcoreResult(2);
    assert.equal(r1, n, `${name} lcore 1: ${r1} ${eal.lcoreLastError(1) ?? ''}`);
    assert.equal(r2, n, `${name} lcore 2: ${r2} ${eal.lcoreLastError(2) ?? ''}`);
    s.check();
    s.release();
  }
});

test('MP/MC stress across 2 processes: a secondary finds the ring by name and shares the work', { timeout: 30000 }, async (t) => {
  if (!loadNative()) return skipOrFail(t, 'native addon not built (needed to share memory with a secondary process)');
  const n = 40000;
  for (const [name, flags] of [['MT', 0], ['HTS', HTS]] as const) {
    const s = stressSetup(uniq(`mpstress${name}`), flags, 2, n);
    const child = spawn(process.execPath, [secondaryJs, prefix, JSON.stringify({ ...s.arg, id: 1, seed: 0x5555 })], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    eal.remoteLaunch(1, workerUrl, 'stress', { ...s.arg, id: 0, seed: 0x7777 });
    const code = await exited;
    const mine = await lcoreResult(1);
    const theirs = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { ret?: number; error?: string };
    assert.equal(theirs.error, undefined, `secondary: ${theirs.error} ${err}`);
    assert.equal(code, 0, err);
    assert.equal(theirs.ret, n);
    assert.equal(mine, n, `primary lcore 1: ${mine} ${eal.lcoreLastError(1) ?? ''}`);
    s.check();
    s.release();
  }
});
