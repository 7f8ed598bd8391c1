// Native addon: mmap over a shared WebAssembly.Memory, memfd, fcntl locks, affinity, argument checks.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import {
  loadNative, nativeLoadError, nativeAddonPath, requireNative, type NativeAddon,
} from '../src/lib/eal/native.js';

const HUGE = 2 * 1024 * 1024;
const PAGE = 4096;
const native = loadNative();

/** A skip is fine on a developer box, but in CI it means the feature went untested. */
function unavailable(t: TestContext, reason: string): void {
  if (process.env.CI === 'true') assert.fail(`CI must not skip: ${reason}`);
  t.skip(reason);
}

function addon(t: TestContext): NativeAddon | null {
  if (native) return native;
  unavailable(t, `native addon not loadable: ${nativeLoadError()}`);
  return null;
}

// Typed locally: lib ES2022 + @types/node 20 declare no WebAssembly namespace.
interface SharedMemory { readonly buffer: SharedArrayBuffer }
const WasmMemory = (globalThis as unknown as {
  WebAssembly: { Memory: new (d: { initial: number; maximum: number; shared: boolean }) => SharedMemory };
}).WebAssembly.Memory;

/** initial == maximum: mapped files must never move under grow(). */
function newMemory(mib = 8): SharedMemory {
  const pages = (mib * 1024 * 1024) / 65536;
  return new WasmMemory({ initial: pages, maximum: pages, shared: true });
}

/** First 2 MiB-aligned byte offset inside the Memory (its base is only 64 KiB-aligned). */
function hugeAlignedOffset(n: NativeAddon, sab: SharedArrayBuffer): number {
  const base = n.bufferAddress(sab);
  return Number((BigInt(HUGE) - (base % BigInt(HUGE))) % BigInt(HUGE));
}

function pattern(len: number, seed: number): Buffer {
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = (i * 7 + seed) & 0xff;
  return b;
}

function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  assert.equal(fs.readSync(fd, b, 0, len, pos), len);
  return b;
}

function hugePagesFree(): number {
  const m = /^HugePages_Free:\s+(\d+)/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) : 0;
}

function mappingAt(addr: bigint): string | undefined {
  const hex = addr.toString(16);
  return fs.readFileSync('/proc/self/maps', 'utf8').split('\n').find((l) => l.startsWith(`${hex}-`));
}

interface WorkerReport { head: number[]; last: number; address: bigint; tid: number }

/** A worker that gets the Memory, reads the mapped bytes, writes one, and loads the addon itself. */
function inWorker(memory: SharedMemory, off: number, len: number): Promise<WorkerReport> {
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    const a = require(workerData.addonPath);
    const { memory, off, len } = workerData;
    const v = new Uint8Array(memory.buffer, off, len);
    const report = { head: Array.from(v.subarray(0, 16)), last: v[len - 1],
      address: a.bufferAddress(memory.buffer), tid: a.gettid() };
    v[1] = 0x5a;
    parentPort.postMessage(report);`;
  return new Promise((resolve, reject) => {
    const w = new Worker(src, { eval: true, workerData: { memory, off, len, addonPath: nativeAddonPath() } });
    w.once('message', (m: WorkerReport) => { resolve(m); void w.terminate(); });
    w.once('error', reject);
  });
}

/** Runs `script` in a separate node process with the addon path and file as argv[1], argv[2]. */
function child(script: string, file: string): unknown {
  const r = spawnSync(process.execPath, ['-e', `const a = require(process.argv[1]); const fs = require('fs'); ${script}`,
    nativeAddonPath(), file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `child failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

test('loader finds the addon and requireNative returns it', (t) => {
  const n = addon(t);
  if (!n) return;
  assert.equal(nativeLoadError(), null);
  assert.equal(requireNative('hugepages'), n);
  assert.equal(loadNative(), n, 'cached');
  assert.ok(nativeAddonPath().endsWith('/native/build/Release/tsdpdk.node'));
});

test('requireNative without a built addon throws ENOTSUP naming the feature and the reason', (t) => {
  // A copy of the compiled loader in a package with no build: the state of a failed install.
  const dir = fs.mkdtempSync(join(tmpdir(), 'tsdpdk-nonative-'));
  try {
    const eal = join(dir, 'dist', 'src', 'lib', 'eal');
    fs.mkdirSync(eal, { recursive: true });
    fs.mkdirSync(join(dir, 'native'));
    fs.writeFileSync(join(dir, 'package.json'), '{"name":"tsdpdk","type":"module"}');
    fs.writeFileSync(join(dir, 'native', 'build-native.log'), 'node-gyp rebuild failed (test)\n');
    for (const f of ['native.js', 'errors.js']) {
      fs.copyFileSync(fileURLToPath(new URL(`../src/lib/eal/${f}`, import.meta.url)), join(eal, f));
    }
    const script = `
      const m = await import(${JSON.stringify(join(eal, 'native.js'))});
      let err = null;
      try { m.requireNative('CPU pinning'); } catch (e) { err = { name: e.name, code: e.code, message: e.message }; }
      console.log(JSON.stringify({ loaded: m.loadNative(), why: m.nativeLoadError(), err }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { loaded: unknown; why: string; err: { name: string; code: string; message: string } };
    assert.equal(out.loaded, null);
    assert.match(out.why, /native\/build\/Release\/tsdpdk\.node not found \(build failed: node-gyp rebuild failed \(test\)\)/);
    assert.equal(out.err.name, 'TsdpdkError');
    assert.equal(out.err.code, 'ENOTSUP');
    assert.match(out.err.message, /^CPU pinning needs the native addon .*not found.*npm rebuild.*--no-huge \/ --in-memory/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bufferAddress of a shared Memory is non-zero and 64 KiB-aligned', (t) => {
  const n = addon(t);
  if (!n) return;
  const mem = newMemory(1);
  const a = n.bufferAddress(mem.buffer);
  assert.equal(typeof a, 'bigint');
  assert.notEqual(a, 0n);
  assert.equal(a % 65536n, 0n);
  assert.equal(n.bufferAddress(mem.buffer), a);
  assert.notEqual(n.bufferAddress(newMemory(1).buffer), a);
});

test('mapFile puts a /dev/shm file inside the Memory; JS, the file and a worker share the bytes', async (t) => {
  const n = addon(t);
  if (!n) return;
  const dir = fs.existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const file = join(dir, `tsdpdk-native-test-${process.pid}`);
  const data = pattern(HUGE, 3);
  fs.writeFileSync(file, data);
  const fd = fs.openSync(file, 'r+');
  try {
    const mem = newMemory(8);
    const sab = mem.buffer;
    const off = hugeAlignedOffset(n, sab);
    const all = new Uint8Array(sab);
    // Guard bytes either side prove exactly [off, off+HUGE) was replaced.
    if (off > 0) all[off - 1] = 0x11;
    all[off + HUGE] = 0x22;
    n.mapFile(sab, off, HUGE, fd, 0, true);
    assert.ok(mappingAt(n.bufferAddress(sab) + BigInt(off))?.includes(file), 'mapping shows in /proc/self/maps');

    const view = new Uint8Array(sab, off, HUGE);
    assert.ok(Buffer.from(sab, off, HUGE).equals(data), 'file bytes readable through the SAB');
    if (off > 0) assert.equal(all[off - 1], 0x11);
    assert.equal(all[off + HUGE], 0x22);

    view[0] = 0xab;
    view[HUGE - 1] = 0xcd;
    assert.equal(readAt(fd, 0, 1)[0], 0xab, 'SAB write lands in the file');
    assert.equal(readAt(fd, HUGE - 1, 1)[0], 0xcd);

    const w = await inWorker(mem, off, HUGE);
    assert.deepEqual(w.head, [0xab, ...data.subarray(1, 16)]);
    assert.equal(w.last, 0xcd);
    assert.equal(w.address, n.bufferAddress(sab), 'worker sees the same Memory at the same address');
    assert.notEqual(w.tid, n.gettid());
    assert.equal(readAt(fd, 1, 1)[0], 0x5a, 'worker write lands in the file');

    n.unmapRegion(sab, off, HUGE);
    assert.ok(Buffer.from(sab, off, HUGE).equals(Buffer.alloc(HUGE)), 'zero pages back after unmap');
    view[0] = 0x77;
    assert.equal(readAt(fd, 0, 1)[0], 0xab, 'file detached after unmap');
    assert.equal(fs.readFileSync(file).subarray(2, HUGE - 1).equals(data.subarray(2, HUGE - 1)), true);
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
});

test('memfd: create, size, map at a file offset; a second Memory sees the same bytes', (t) => {
  const n = addon(t);
  if (!n) return;
  const fd = n.memfdCreate('tsdpdk-test', false);
  try {
    assert.ok(Number.isInteger(fd) && fd > 2);
    assert.match(fs.readlinkSync(`/proc/self/fd/${fd}`), /^\/memfd:tsdpdk-test/);
    const mem = newMemory(1);
    const sab = mem.buffer;
    // Size 0: mapping would SIGBUS on touch, so the addon refuses.
    assert.throws(() => n.mapFile(sab, 0, PAGE, fd, PAGE, false),
      (e: NodeJS.ErrnoException) => e.code === 'EINVAL' && /^mmap\(len=4096, fd=\d+, off=4096\): file is 0 bytes/.test(e.message));
    new Uint8Array(sab)[0] = 9; // still mapped after the refusal
    assert.equal(new Uint8Array(sab)[0], 9);

    fs.ftruncateSync(fd, 4 * PAGE);
    const data = pattern(PAGE, 5);
    fs.writeSync(fd, data, 0, PAGE, PAGE);
    n.mapFile(sab, 2 * PAGE, PAGE, fd, PAGE, false);
    assert.ok(Buffer.from(sab, 2 * PAGE, PAGE).equals(data));

    const other = newMemory(1).buffer;
    n.mapFile(other, 0, 2 * PAGE, fd, 0, true);
    new Uint8Array(sab, 2 * PAGE, PAGE)[10] = 0xee;
    assert.equal(new Uint8Array(other)[PAGE + 10], 0xee, 'second mapping of the memfd sees the write');
    assert.equal(readAt(fd, PAGE + 10, 1)[0], 0xee);
    n.unmapRegion(sab, 2 * PAGE, PAGE);
    n.unmapRegion(other, 0, 2 * PAGE);
    assert.equal(new Uint8Array(other)[PAGE + 10], 0);
  } finally {
    fs.closeSync(fd);
  }
});

test('lockFile: another process cannot take the lock while we hold it', (t) => {
  const n = addon(t);
  if (!n) return;
  const file = join(tmpdir(), `tsdpdk-lock-test-${process.pid}`);
  const fd = fs.openSync(file, 'w+');
  const probe = `const fd = fs.openSync(process.argv[2], 'r+');
    const r = { excl: a.lockFile(fd, true, false) }; if (r.excl) a.unlockFile(fd);
    r.shared = a.lockFile(fd, false, false); console.log(JSON.stringify(r));`;
  try {
    assert.deepEqual(child(probe, file), { excl: true, shared: true }, 'free before we lock');
    assert.equal(n.lockFile(fd, true, false), true);
    assert.equal(n.lockFile(fd, true, false), true, 're-locking in the owning process succeeds');
    assert.deepEqual(child(probe, file), { excl: false, shared: false });
    n.unlockFile(fd);
    assert.equal(n.lockFile(fd, false, true), true, 'shared lock with wait');
    assert.deepEqual(child(probe, file), { excl: false, shared: true }, 'read locks coexist');
    n.unlockFile(fd);
    assert.deepEqual(child(probe, file), { excl: true, shared: true });
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
});

test('setAffinity/getAffinity round-trip on CPU 0; gettid is the pid on the main thread', (t) => {
  const n = addon(t);
  if (!n) return;
  const orig = n.getAffinity();
  assert.ok(orig.length > 0);
  assert.deepEqual(orig, [...orig].sort((x, y) => x - y));
  try {
    n.setAffinity([0]);
    assert.deepEqual(n.getAffinity(), [0]);
  } finally {
    n.setAffinity(orig);
  }
  assert.deepEqual(n.getAffinity(), orig);
  assert.equal(n.gettid(), process.pid);
});

test('bad arguments throw TypeError/RangeError or an errno Error, never crash', (t) => {
  const n = addon(t);
  if (!n) return;
  const sab = newMemory(1).buffer;
  const len = sab.byteLength;
  const any = n as unknown as Record<string, (...args: unknown[]) => unknown>;
  const fd = n.memfdCreate('tsdpdk-args', false);
  try {
    fs.ftruncateSync(fd, HUGE);
    assert.throws(() => n.mapFile(sab, len, PAGE, fd, 0, false), RangeError);
    assert.throws(() => n.mapFile(sab, len - PAGE, 2 * PAGE, fd, 0, false), RangeError);
    assert.throws(() => n.mapFile(sab, 0, 0, fd, 0, false), RangeError);
    assert.throws(() => n.mapFile(sab, -PAGE, PAGE, fd, 0, false), RangeError);
    assert.throws(() => n.mapFile(sab, 0.5, PAGE, fd, 0, false), RangeError);
    assert.throws(() => n.mapFile(sab, 2 ** 60, PAGE, fd, 0, false), RangeError);
    assert.throws(() => n.mapFile(sab, 1, PAGE, fd, 0, false), /multiples of 4096/);
    assert.throws(() => n.mapFile(sab, 0, PAGE, fd, 1, false), RangeError);
    assert.throws(() => n.unmapRegion(sab, len, PAGE), RangeError);
    assert.throws(() => n.unmapRegion(sab, PAGE, len), RangeError);
    assert.throws(() => any.mapFile!(new ArrayBuffer(PAGE), 0, PAGE, fd, 0, false), TypeError);
    assert.throws(() => any.mapFile!(sab, '0', PAGE, fd, 0, false), TypeError);
    assert.throws(() => any.mapFile!(sab, 0, PAGE, fd, 0, 1), TypeError);
    assert.throws(() => any.bufferAddress!({}), TypeError);
    assert.throws(() => any.bufferAddress!(), TypeError);
    assert.throws(() => any.memfdCreate!(1, false), TypeError);
    assert.throws(() => n.setAffinity([]), RangeError);
    assert.throws(() => n.setAffinity([-1]), RangeError);
    assert.throws(() => any.setAffinity!('0'), TypeError);
    const bad = 1_000_000;
    const errno = (call: RegExp, code: string) => (e: NodeJS.ErrnoException) =>
      !(e instanceof RangeError) && e.code === code && call.test(e.message);
    assert.throws(() => n.mapFile(sab, 0, PAGE, bad, 0, false), errno(/^mmap\(len=4096, fd=1000000\): Bad file descriptor$/, 'EBADF'));
    assert.throws(() => n.fallocate(bad, 0, PAGE), errno(/^fallocate\(fd=1000000, off=0, len=4096\): Bad file descriptor$/, 'EBADF'));
    assert.throws(() => n.fallocate(fd, 0, 0), errno(/^fallocate\(.*\): Invalid argument$/, 'EINVAL'));
    assert.throws(() => n.lockFile(bad, true, false), errno(/^fcntl\(fd=1000000, F_SETLK, F_WRLCK\)/, 'EBADF'));
    assert.throws(() => n.unlockFile(bad), errno(/^fcntl/, 'EBADF'));
    assert.throws(() => n.setAffinity([65535]), errno(/^sched_setaffinity\(\[65535\]\): Invalid argument$/, 'EINVAL'));
    assert.throws(() => n.memfdCreate('x'.repeat(300), false), errno(/^memfd_create\(x+\): /, 'EINVAL'));
    // The Memory is still intact and usable after all of that.
    new Uint8Array(sab)[len - 1] = 1;
    assert.equal(new Uint8Array(sab)[len - 1], 1);
  } finally {
    fs.closeSync(fd);
  }
});

/** Why the hugetlbfs test cannot run here, or null. */
function noHugepages(): string | null {
  const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' '));
  if (!mounts.some((m) => m[1] === '/dev/hugepages' && m[2] === 'hugetlbfs')) return '/dev/hugepages is not a hugetlbfs mount';
  if (!/^Hugepagesize:\s+2048 kB/m.test(fs.readFileSync('/proc/meminfo', 'utf8'))) return 'default hugepage size is not 2 MiB';
  if (hugePagesFree() < 1) return 'HugePages_Free is 0 (echo 64 > /proc/sys/vm/nr_hugepages)';
  return null;
}

test('hugetlbfs: a 2 MiB hugepage file mapped inside the Memory', (t) => {
  const n = addon(t);
  if (!n) return;
  const why = noHugepages();
  if (why) return unavailable(t, `no hugepages: ${why}`);
  const file = `/dev/hugepages/tsdpdk-native-test-${process.pid}`;
  const fd = fs.openSync(file, 'w+');
  try {
    fs.ftruncateSync(fd, HUGE);
    const mem = newMemory(8);
    const sab = mem.buffer;
    const off = hugeAlignedOffset(n, sab);
    // hugetlbfs would round a short length up past the checked range: refused up front.
    assert.throws(() => n.mapFile(sab, off + PAGE, HUGE, fd, 0, false), /multiples of 2097152 \(hugetlbfs page size\)/);
    assert.throws(() => n.mapFile(sab, off, PAGE, fd, 0, false), RangeError);

    const free0 = hugePagesFree();
    n.fallocate(fd, 0, HUGE);
    n.mapFile(sab, off, HUGE, fd, 0, false);
    assert.equal(free0 - hugePagesFree(), 1, 'one hugepage in use while mapped');
    assert.ok(mappingAt(n.bufferAddress(sab) + BigInt(off))?.includes(file));

    const data = pattern(HUGE, 1);
    new Uint8Array(sab, off, HUGE).set(data);
    assert.ok(Buffer.from(sab, off, HUGE).equals(data));
    assert.ok(readAt(fd, HUGE - 64, 64).equals(data.subarray(HUGE - 64)), 'writes land in the hugepage file');

    n.unmapRegion(sab, off, HUGE);
    assert.equal(new Uint8Array(sab)[off + 100], 0);
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
});

test('hugetlb memfd: fallocate and map', (t) => {
  const n = addon(t);
  if (!n) return;
  const why = noHugepages();
  if (why) return unavailable(t, `no hugepages: ${why}`);
  const fd = n.memfdCreate('tsdpdk-huge', true);
  try {
    n.fallocate(fd, 0, HUGE);
    const sab = newMemory(8).buffer;
    const off = hugeAlignedOffset(n, sab);
    n.mapFile(sab, off, HUGE, fd, 0, true);
    const v = new Uint32Array(sab, off, HUGE / 4);
    v[0] = 0xdeadbeef;
    v[v.length - 1] = 42;
    assert.equal(v[0], 0xdeadbeef);
    assert.equal(v[v.length - 1], 42);
    n.unmapRegion(sab, off, HUGE);
    assert.equal(v[0], 0);
  } finally {
    fs.closeSync(fd);
  }
});

test('hugetlbfs: mmap ENOMEM (more pages than exist) throws and leaves the range usable', (t) => {
  const n = addon(t);
  if (!n) return;
  const why = noHugepages();
  if (why) return unavailable(t, `no hugepages: ${why}`);
  const total = Number(/^HugePages_Total:\s+(\d+)/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1]);
  if (total > 1024) return t.skip(`HugePages_Total=${total} needs a Memory over 2 GiB for this test`);
  const len = (total + 1) * HUGE;
  const sab = newMemory(len / (1024 * 1024) + 2).buffer;
  const off = hugeAlignedOffset(n, sab);
  const file = `/dev/hugepages/tsdpdk-native-enomem-${process.pid}`;
  const fd = fs.openSync(file, 'w+');
  try {
    assert.throws(() => n.mapFile(sab, off, len, fd, 0, false), (e: NodeJS.ErrnoException) =>
      e.code === 'ENOMEM' && e.errno === 12 && e.syscall === 'mmap'
      && e.message === `mmap(len=${len}, fd=${fd}): Cannot allocate memory`);
    // The kernel may have dropped the old pages before failing; the addon puts zero pages back.
    const v = new Uint8Array(sab, off, len);
    v[0] = 1;
    v[len - 1] = 2;
    assert.equal(v[0] + v[len - 1], 3);
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
});
