// A secondary process maps the primary's memory (shm file with --no-huge, hugetlbfs files with
// hugepages) and finds a memzone by name with the same contents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as eal from '../src/lib/eal/index.js';
import { loadNative } from '../src/lib/eal/native.js';
import { runtimeDirPath } from '../src/lib/eal/runtime_dir.js';
import { hugepagesFree, hugetlbfsMounted, skipOrFail } from './helpers.js';

const probe = fileURLToPath(new URL('./fixtures/secondary_probe.js', import.meta.url));

function runSecondary(prefix: string, zone: string, n: number, at = 0): Record<string, unknown> {
  let out: string;
  try {
    out = execFileSync(process.execPath, [probe, prefix, zone, String(n), String(at)], { encoding: 'utf8', timeout: 30000 });
  } catch (e) {
    out = (e as { stdout?: string }).stdout ?? '';
  }
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

async function primaryAndSecondary(args: string[], prefix: string): Promise<void> {
  eal.init([...args, '--file-prefix', prefix, '--log-level', 'error', '-l', '0']);
  try {
    const z = eal.memzoneReserve('mp_zone', 4096);
    const w = eal.sharedWindow();
    const pattern = Array.from({ length: 32 }, (_, i) => (i * 13 + 7) & 0xff);
    w.u8.set(pattern, z.offset);
    const r = runSecondary(prefix, 'mp_zone', 32);
    assert.equal(r.error, undefined, String(r.error));
    assert.equal(r.procType, 'secondary');
    assert.equal(r.found, true);
    assert.equal(r.offset, z.offset);
    assert.equal(r.length, 4096);
    assert.equal(r.bytes, Buffer.from(pattern).toString('hex'));
    // The secondary's stores and heap allocation are visible here.
    assert.deepEqual([...w.u8.slice(z.offset + 32, z.offset + 34)], [0x5e, 0xc0]);
    const p = w.u32[(z.offset + 64) >>> 2]!;
    assert.equal(p, r.allocated);
    assert.ok(eal.mallocValidate(p) >= 4096);
    eal.free(p);
    // A missing memzone is reported as such.
    assert.equal(runSecondary(prefix, 'no_such_zone', 4).found, false);
  } finally {
    await eal.cleanup();
  }
}

test('secondary without a primary fails with a clear error', (t) => {
  if (!loadNative()) return skipOrFail(t, 'native addon not built');
  const r = runSecondary(`nopri${process.pid}`, 'x', 1);
  assert.equal(r.code, 'ENOENT');
  assert.match(String(r.error), /primary/);
  assert.equal(existsSync(runtimeDirPath(`nopri${process.pid}`)), false, 'a failed init leaves no runtime directory');
});

test('secondary attaches to a --no-huge primary through its /dev/shm file', async (t) => {
  if (!loadNative()) return skipOrFail(t, 'native addon not built (needed to map shared files)');
  const prefix = `mpshm${process.pid}`;
  await primaryAndSecondary(['--no-huge', '-m', '16'], prefix);
  assert.equal(existsSync(`/dev/shm/${prefix}_tsdpdk_nohugemem`), false, 'cleanup removes the shm file');
});

test('secondary attaches to a hugepage primary; the heap grows on demand', async (t) => {
  if (!loadNative()) return skipOrFail(t, 'native addon not built');
  if (!hugetlbfsMounted() || hugepagesFree() < 16) return skipOrFail(t, `no hugetlbfs at /dev/hugepages with 16 free 2 MiB pages (free: ${hugepagesFree()})`);
  const prefix = `mphuge${process.pid}`;
  const free0 = hugepagesFree();
  eal.init(['-m', '4', '--file-prefix', prefix, '--log-level', 'error', '-l', '0']);
  try {
    const files = readdirSync('/dev/hugepages').filter((f) => f.startsWith(`${prefix}map_`));
    assert.deepEqual(files.sort(), [`${prefix}map_0`, `${prefix}map_1`, `${prefix}map_2`]);
    assert.equal(free0 - hugepagesFree(), 3);
    const segs = eal.memsegList();
    assert.equal(segs.length, 3);
    assert.ok(segs.every((s) => s.iova !== eal.RTE_BAD_IOVA && s.iova % 4096n === 0n));
    // 8 MiB more than preallocated: the heap maps pages on demand.
    const z = eal.memzoneReserve('grow_zone', 8 << 20);
    assert.ok(eal.memsegList().length >= 7);
    assert.equal(eal.virt2iova(z.offset) !== eal.RTE_BAD_IOVA, true);
    eal.sharedWindow().u8.fill(0x77, z.offset, z.offset + (8 << 20));
    eal.memzoneFree(z);
  } finally {
    await eal.cleanup();
  }
  assert.equal(readdirSync('/dev/hugepages').filter((f) => f.startsWith(`${prefix}map_`)).length, 0, 'cleanup removes hugepage files');
  assert.equal(hugepagesFree(), free0);
  await primaryAndSecondary(['-m', '4'], `${prefix}b`);
});

test('a secondary sees data in every page the primary preallocated, not only the first (no heap growth)', async (t) => {
  if (!loadNative()) return skipOrFail(t, 'native addon not built');
  if (!hugetlbfsMounted() || hugepagesFree() < 16) return skipOrFail(t, `no hugetlbfs at /dev/hugepages with 16 free 2 MiB pages (free: ${hugepagesFree()})`);
  const prefix = `mpprealloc${process.pid}`;
  eal.init(['-m', '16', '--file-prefix', prefix, '--log-level', 'error', '-l', '0']);
  try {
    const pages = eal.memsegList().length;
    const len = 5 << 20;
    const z = eal.memzoneReserve('mp_big', len);
    assert.equal(eal.memsegList().length, pages, 'the zone fits in the preallocated pages');
    const tail = z.offset + len - 64;
    assert.ok(tail >= 2 << 20, 'the bytes checked are beyond the first 2 MiB page');
    const pattern = Array.from({ length: 32 }, (_, i) => (i * 29 + 3) & 0xff);
    eal.sharedWindow().u8.set(pattern, tail);
    const r = runSecondary(prefix, 'mp_big', 32, len - 64);
    assert.equal(r.error, undefined, String(r.error));
    assert.equal(r.offset, z.offset);
    assert.equal(r.bytes, Buffer.from(pattern).toString('hex'), `zone at 0x${z.offset.toString(16)}, ${pages} pages`);
    assert.deepEqual([...eal.sharedWindow().u8.slice(tail + 32, tail + 34)], [0x5e, 0xc0], 'and its stores land in the same page');
  } finally {
    await eal.cleanup();
  }
});
