// EAL memory, memzones, malloc heap and lcores in one --no-huge process with two lcores.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as eal from '../src/lib/eal/index.js';

const fixtures = new URL('./fixtures/lcore_funcs.js', import.meta.url);
let appArgs: string[] = [];

before(() => {
  appArgs = eal.init(['-l', '0-1', '--no-huge', '-m', '32', '--file-prefix', `tmem${process.pid}`, '--log-level', 'error', '--', 'app', '-x']);
});

after(async () => {
  await eal.cleanup();
});

test('init returns the application arguments after --', () => {
  assert.deepEqual(appArgs, ['app', '-x']);
  assert.equal(eal.lcoreCount(), 2);
  assert.equal(eal.mainLcore(), 0);
  assert.equal(eal.lcoreId(), 0);
  assert.deepEqual(eal.workerLcores(), [1]);
  assert.equal(eal.processType(), 'primary');
});

test('a second init is refused with EALREADY', () => {
  assert.throws(() => eal.init(['--no-huge']), (e: eal.TsdpdkError) => e.code === 'EALREADY');
});

test('memzone reserve / lookup / free', () => {
  const z = eal.memzoneReserve('mz_basic', 1000);
  assert.equal(z.name, 'mz_basic');
  assert.equal(z.length, 1000);
  assert.equal(z.offset % 64, 0);
  assert.equal(z.socketId, 0);
  const w = eal.sharedWindow();
  w.u8.set([1, 2, 3, 4], z.offset);
  const again = eal.memzoneLookup('mz_basic');
  assert.ok(again);
  assert.equal(again.offset, z.offset);
  assert.deepEqual([...w.u8.slice(again.offset, again.offset + 4)], [1, 2, 3, 4]);
  assert.ok(eal.memzoneList().some((m) => m.name === 'mz_basic'));
  assert.match(eal.memzoneDump(), /name:<mz_basic>, len:0x3e8/);
  assert.throws(() => eal.memzoneReserve('mz_basic', 10), (e: eal.TsdpdkError) => e.code === 'EEXIST' && /mz_basic/.test(e.message));
  eal.memzoneFree(z);
  assert.equal(eal.memzoneLookup('mz_basic'), null);
  assert.throws(() => eal.memzoneFree('mz_basic'), (e: eal.TsdpdkError) => e.code === 'EINVAL');
});

test('memzone lookup follows frees and re-reservations made by another lcore', () => {
  // This thread caches zones it has looked up; the cache must notice changes made elsewhere.
  const worker = new URL('./fixtures/memzone_worker.js', import.meta.url);
  const z = eal.memzoneReserve('mz_cache', 1000);
  const a = eal.memzoneLookup('mz_cache')!;
  assert.deepEqual([a.id, a.offset, a.length], [z.id, z.offset, 1000]);
  assert.deepEqual([eal.memzoneLookup('mz_cache')!.offset, eal.memzoneLookup('mz_cache')!.length], [z.offset, 1000]);
  const hold = eal.malloc('t', 4096); // so the new zone cannot land at the old offset
  eal.remoteLaunch(1, worker, 'recreate', { name: 'mz_cache', length: 5000 });
  const off = eal.waitLcore(1);
  assert.notEqual(off, z.offset);
  const b = eal.memzoneLookup('mz_cache')!;
  assert.deepEqual([b.offset, b.length, b.name], [off, 5000, 'mz_cache']);
  eal.remoteLaunch(1, worker, 'release', 'mz_cache');
  assert.equal(eal.waitLcore(1), 0);
  assert.equal(eal.memzoneLookup('mz_cache'), null);
  // The freed slot reused under another name is not found under the old one.
  const other = eal.memzoneReserve('mz_other', 64);
  assert.equal(eal.memzoneLookup('mz_cache'), null);
  assert.equal(eal.memzoneLookup('mz_other')!.offset, other.offset);
  eal.memzoneFree(other);
  eal.free(hold);
  assert.equal(eal.memzoneLookup('mz_other'), null);
});

test('memzone names, alignment and boundaries', () => {
  assert.throws(() => eal.memzoneReserve('x'.repeat(32), 64), (e: eal.TsdpdkError) => e.code === 'ENAMETOOLONG');
  const ok = eal.memzoneReserve('y'.repeat(31), 64);
  eal.memzoneFree(ok);
  assert.throws(() => eal.memzoneReserve('bad_align', 64, -1, 0, 48), (e: eal.TsdpdkError) => e.code === 'EINVAL' && /48/.test(e.message));
  for (const align of [64, 128, 4096, 65536, 1 << 20]) {
    const z = eal.memzoneReserve(`al_${align}`, 100, eal.SOCKET_ID_ANY, 0, align);
    assert.equal(z.offset % align, 0, `align ${align}`);
    eal.memzoneFree(z);
  }
  // Bounded: 3000 bytes never crossing a 4 KiB boundary, whatever the heap state.
  const zs = [];
  for (let i = 0; i < 20; i++) {
    const z = eal.memzoneReserve(`bd_${i}`, 3000, -1, 0, 64, 4096);
    assert.equal(Math.floor(z.offset / 4096), Math.floor((z.offset + 2999) / 4096), `zone ${i} at ${z.offset}`);
    zs.push(z);
  }
  for (const z of zs) eal.memzoneFree(z);
  assert.throws(() => eal.memzoneReserve('bd_small', 5000, -1, 0, 64, 4096), (e: eal.TsdpdkError) => e.code === 'EINVAL');
  assert.throws(() => eal.memzoneReserve('bad_sock', 64, 5), (e: eal.TsdpdkError) => e.code === 'EINVAL' && /socket 5/.test(e.message));
});

test('memzone exhaustion gives ENOMEM naming the request', () => {
  assert.throws(() => eal.memzoneReserve('huge_zone', 64 << 20), (e: eal.TsdpdkError) => e.code === 'ENOMEM' && /huge_zone/.test(e.message) && /67108864/.test(e.message));
  // length 0 = the biggest free block.
  const before = eal.mallocGetSocketStats(0);
  const z = eal.memzoneReserve('biggest', 0);
  assert.ok(z.length > 16 << 20, `biggest zone ${z.length}`);
  assert.ok(z.length <= before.greatestFreeSize);
  eal.memzoneFree(z);
});

test('malloc: alignment, zeroing, realloc, stats', () => {
  const w = eal.sharedWindow();
  const a = eal.malloc('t', 100);
  assert.equal(a % 64, 0);
  assert.ok(eal.mallocValidate(a) >= 100);
  const b = eal.malloc('t', 10, 4096);
  assert.equal(b % 4096, 0);
  w.u8.fill(0xab, a, a + 100);
  const z = eal.zmalloc('t', 256);
  assert.ok(w.u8.slice(z, z + 256).every((x) => x === 0));
  const c = eal.calloc('t', 10, 30);
  assert.ok(w.u8.slice(c, c + 300).every((x) => x === 0));
  const a2 = eal.realloc(a, 10000);
  assert.ok(w.u8.slice(a2, a2 + 100).every((x) => x === 0xab));
  const a3 = eal.realloc(a2, 50);
  assert.equal(a3, a2, 'shrinking stays in place');
  assert.ok(w.u8.slice(a3, a3 + 50).every((x) => x === 0xab));
  const st = eal.mallocGetSocketStats(0);
  assert.ok(st.allocCount >= 4);
  assert.ok(st.heapTotalBytes > 30 << 20 && st.heapTotalBytes <= 32 << 20);
  assert.equal(st.heapTotalBytes, st.heapFreeBytes + st.heapAllocBytes);
  for (const p of [a3, b, z, c]) eal.free(p);
  assert.match(eal.mallocDumpStats(), /Socket:0/);
});

test('free coalesces back into one free element', () => {
  const before = eal.mallocGetSocketStats(0);
  const ptrs: number[] = [];
  for (let i = 0; i < 200; i++) ptrs.push(eal.malloc('c', 64 + ((i * 37) % 500), 64 << (i % 3)));
  // Free in an interleaved order so both neighbours get merged.
  for (let i = 0; i < ptrs.length; i += 2) eal.free(ptrs[i]!);
  for (let i = 1; i < ptrs.length; i += 2) eal.free(ptrs[i]!);
  const afterStats = eal.mallocGetSocketStats(0);
  assert.equal(afterStats.allocCount, before.allocCount);
  assert.equal(afterStats.freeCount, before.freeCount);
  assert.equal(afterStats.greatestFreeSize, before.greatestFreeSize);
});

test('double free and foreign offsets are detected', () => {
  const p = eal.malloc('df', 128);
  eal.free(p);
  assert.throws(() => eal.free(p), (e: eal.TsdpdkError) => e.code === 'EINVAL' && /double free/.test(e.message));
  assert.throws(() => eal.free(12345), (e: eal.TsdpdkError) => e.code === 'EINVAL' && /0x3039/.test(e.message));
  assert.throws(() => eal.free(1 << 30), (e: eal.TsdpdkError) => e.code === 'EINVAL');
  const q = eal.malloc('df', 1024);
  assert.throws(() => eal.free(q + 64), (e: eal.TsdpdkError) => e.code === 'EINVAL');
  eal.free(q);
  eal.free(0); // no-op like rte_free(NULL)
  assert.throws(() => eal.malloc('x', 0), (e: eal.TsdpdkError) => e.code === 'EINVAL');
  assert.throws(() => eal.malloc('x', 64 << 20), (e: eal.TsdpdkError) => e.code === 'ENOMEM' && /67108864/.test(e.message));
});

test('remote launch: result, lcore and socket id inside the worker, errors', async () => {
  eal.remoteLaunch(1, fixtures, 'whoAmI');
  assert.equal(eal.waitLcore(1), 1000);
  eal.remoteLaunch(1, fixtures, 'add', { a: 40, b: 2 });
  assert.equal(eal.waitLcore(1), 42);
  eal.remoteLaunch(1, fixtures, 'asyncValue', 21);
  assert.equal(await eal.waitLcoreAsync(1), 42);
  eal.remoteLaunch(1, fixtures, 'fails');
  assert.equal(eal.waitLcore(1), -1);
  assert.match(eal.lcoreLastError(1) ?? '', /deliberate failure/);
  eal.remoteLaunch(1, fixtures, 'noSuchExport');
  assert.equal(eal.waitLcore(1), -1);
  assert.match(eal.lcoreLastError(1) ?? '', /noSuchExport/);
  assert.throws(() => eal.remoteLaunch(0, fixtures, 'whoAmI'), (e: eal.TsdpdkError) => e.code === 'EINVAL');
  assert.throws(() => eal.remoteLaunch(5, fixtures, 'whoAmI'), (e: eal.TsdpdkError) => e.code === 'EINVAL');
});

test('lcore state is RUNNING while busy and launches are refused', () => {
  const flag = eal.zmalloc('flag', 64);
  eal.remoteLaunch(1, fixtures, 'spinUntil', flag);
  // The worker picks the message up asynchronously; RUNNING is set by remoteLaunch itself.
  assert.equal(eal.getLcoreState(1), 'RUNNING');
  assert.throws(() => eal.remoteLaunch(1, fixtures, 'whoAmI'), (e: eal.TsdpdkError) => e.code === 'EBUSY');
  Atomics.store(eal.sharedWindow().i32, flag >>> 2, 1);
  assert.equal(eal.waitLcore(1), 7);
  assert.equal(eal.getLcoreState(1), 'WAIT');
  eal.free(flag);
});

test('concurrent allocation from the main and a worker lcore never overlaps', () => {
  const count = 400;
  const table = eal.zmalloc('table', 2 * count * 2 * 4);
  const statsBefore = eal.mallocGetSocketStats(0);
  eal.remoteLaunch(1, fixtures, 'allocStress', { table, count, seed: 1 });
  // The main lcore runs the same function concurrently.
  const w = eal.sharedWindow();
  let x = 99;
  const mine: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const size = 1 + (x % 3000);
    const off = eal.malloc('main', size);
    w.u8.fill(0xee, off, off + size);
    mine.push([off, size]);
  }
  const live = eal.waitLcore(1);
  assert.ok(live > 0, `worker result ${live} (${eal.lcoreLastError(1)})`);
  const blocks: [number, number, string][] = mine.map(([o, s]) => [o, s, 'main']);
  for (let i = 0; i < count; i++) {
    const o = w.u32[(table >>> 2) + 1 * count * 2 + 2 * i]!;
    if (o !== 0) blocks.push([o, w.u32[(table >>> 2) + 1 * count * 2 + 2 * i + 1]!, 'worker']);
  }
  assert.equal(blocks.length, count + live);
  blocks.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < blocks.length; i++) {
    assert.ok(blocks[i - 1]![0] + blocks[i - 1]![1] <= blocks[i]![0], `overlap at ${blocks[i]![0]}`);
  }
  for (const [o, s, who] of blocks) {
    const want = who === 'main' ? 0xee : 2;
    assert.ok(w.u8.slice(o, o + s).every((v) => v === want), `block at ${o} of ${who} was overwritten`);
    eal.free(o);
  }
  eal.free(table);
  assert.equal(eal.mallocGetSocketStats(0).allocCount, statsBefore.allocCount - 1);
});

test('cycles: monotonic ns ticks', () => {
  const a = eal.getTscCycles();
  eal.delayUs(200);
  const b = eal.getTscCycles();
  assert.equal(eal.getTscHz(), 1e9);
  assert.ok(b - a >= 200_000, `elapsed ${b - a}`);
});
