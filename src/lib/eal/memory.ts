// Memory segments of the shared window and the heaps over them.
// - huge: hugetlbfs files <huge-dir>/<prefix>map_<n> (or hugetlb memfds with --in-memory), one per
//   page, mapped at window offset n * pageSize; more are mapped when a heap grows.
// - shm: --no-huge with the addon: one /dev/shm file covering the whole window, so a secondary can map it.
// - anon: --in-memory/--no-huge without files: the Memory's own pages (this process only).
// Secondaries read the plan from <runtime>/config and map the same files at the same window offsets.

import { closeSync, existsSync, ftruncateSync, openSync, readdirSync, readFileSync, readSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, TsdpdkError } from './errors.js';
import {
  FLAG_HUGEPAGES, FLAG_IN_MEMORY, FLAG_SHM_FILE, HEADER_SIZE, H_FLAGS, H_INIT_DONE, H_IOVA_MODE, H_MAGIC,
  H_NUM_SEGS, H_NUM_SOCKETS, H_PAGE_SIZE, H_PRIMARY_PID, H_SEG_GENERATION, H_SEG_LOCK, H_SOCKET_REGION, H_VERSION,
  H_WINDOW_SIZE, IOVA_MODE_PA, IOVA_MODE_VA, LAYOUT_VERSION, MAX_SEGS, PRIVATE_KERNEL_RESERVED, SEG_SLOT_SIZE,
  SEG_STATE_MAPPED, SEG_TABLE_BASE, WINDOW_MAGIC,
} from './layout.js';
import { loadNative, requireNative, type NativeAddon } from './native.js';
import { createMemory, privateInit, SharedWindow, type WindowDescriptor } from './shared_memory.js';
import { MallocHeap } from './malloc_heap.js';
import { spinLock, spinUnlock } from './spinlock.js';

export type MemoryMode = 'anon' | 'shm' | 'huge';

/** Everything a secondary process or a worker lcore needs to reproduce the primary's mappings. */
export interface MemoryPlan {
  mode: MemoryMode;
  inMemory: boolean;
  prefix: string;
  runtimeDir: string;
  hugeDir: string | null;
  pageSize: number;
  windowSize: number;
  numSockets: number;
  /** Socket ids of the heaps, index = heap index. */
  socketIds: number[];
  preallocate: number[];
  limits: number[];
  iovaMode: 'pa' | 'va';
  hugeUnlink: 'existing' | 'always' | 'never';
  primaryPid: number;
  primaryWindowVa: string;
}

export const RTE_BAD_IOVA = 0xffffffffffffffffn;

// Process-private words (byte offsets into the Memory's private area), shared by this process's threads.
const PRIV_SEG_GEN = PRIVATE_KERNEL_RESERVED - 128; // last segment generation this process mapped
const PRIV_SEG_BITMAP = PRIVATE_KERNEL_RESERVED - 1024; // MAX_SEGS bits: pages mapped in this process

export function hugepageFileName(dir: string, prefix: string, n: number): string {
  return join(dir, `${prefix}map_${n}`);
}

export function shmFileName(prefix: string): string {
  return `/dev/shm/${prefix}_tsdpdk_nohugemem`;
}

function readPagemapIova(va: bigint): bigint {
  const fd = openSync('/proc/self/pagemap', 'r');
  try {
    const buf = Buffer.alloc(8);
    readSync(fd, buf, 0, 8, Number((va / 4096n) * 8n));
    const entry = buf.readBigUInt64LE(0);
    const present = (entry >> 63n) & 1n;
    const pfn = entry & ((1n << 55n) - 1n);
    if (present === 0n || pfn === 0n) return RTE_BAD_IOVA;
    return pfn * 4096n + (va % 4096n);
  } finally {
    closeSync(fd);
  }
}

export class MemoryManager {
  readonly window: SharedWindow;
  readonly heaps: MallocHeap[] = [];
  private readonly native: NativeAddon | null;
  private readonly vaBase: bigint; // VA of window offset 0 in this process (0 when unknown)

  private constructor(readonly plan: MemoryPlan, desc: WindowDescriptor, readonly role: 'primary' | 'secondary' | 'thread') {
    this.native = plan.mode === 'anon' ? loadNative() : requireNative(plan.mode === 'huge' ? 'hugepage memory' : '--no-huge shared file memory');
    this.window = new SharedWindow(desc);
    this.vaBase = this.native ? this.native.bufferAddress(this.window.buffer) + BigInt(this.window.base) : 0n;
    for (let i = 0; i < plan.socketIds.length; i++) {
      this.heaps.push(new MallocHeap(this.window, i, plan.mode === 'huge' ? (s, end, min) => this.growHeap(s, end, min) : null));
    }
  }

  static windowAlign(plan: MemoryPlan): number {
    return plan.mode === 'huge' ? plan.pageSize : 2 << 20;
  }

  /** Primary: creates the Memory, maps the initial segments, formats the header and heaps. */
  static createPrimary(plan: MemoryPlan): MemoryManager {
    const native = plan.mode === 'anon' ? loadNative() : requireNative(plan.mode === 'huge' ? 'hugepage memory' : '--no-huge shared file memory');
    const desc = createMemory(plan.windowSize, MemoryManager.windowAlign(plan), native ? (b) => native.bufferAddress(b) : null);
    plan.primaryPid = process.pid;
    const m = new MemoryManager(plan, desc, 'primary');
    plan.primaryWindowVa = '0x' + m.vaBase.toString(16);
    privateInit(m.window);
    m.window.u8.fill(0, 0, Math.min(HEADER_SIZE, plan.windowSize));
    if (plan.mode === 'huge') m.removeStaleHugepageFiles();
    m.mapInitial();
    m.writeHeader();
    const region = plan.windowSize / plan.numSockets;
    for (let i = 0; i < m.heaps.length; i++) {
      const start = i === 0 ? HEADER_SIZE : i * region;
      const end = (i + 1) * region;
      const mapped = plan.mode === 'huge' ? Math.max(start, m.mappedEndOf(i, start, end)) : end;
      m.heaps[i]!.format(start, end, mapped);
    }
    Atomics.store(m.window.u32, H_INIT_DONE >>> 2, 1);
    return m;
  }

  /** Secondary process: maps the primary's window described by `plan` (read from the config file). */
  static attachSecondary(plan: MemoryPlan): MemoryManager {
    const native = requireNative('a secondary process');
    if (plan.mode === 'anon') fail('ENOTSUP', 'the primary runs with --in-memory (no shared files): secondary processes cannot attach');
    const desc = createMemory(plan.windowSize, MemoryManager.windowAlign(plan), (b) => native.bufferAddress(b));
    const m = new MemoryManager(plan, desc, 'secondary');
    privateInit(m.window);
    if (plan.mode === 'shm') {
      m.mapShmFile(false);
    } else {
      m.mapHugepage(0, false);
    }
    const w = m.window;
    if (w.u32[H_MAGIC >>> 2] !== WINDOW_MAGIC || w.u32[H_VERSION >>> 2] !== LAYOUT_VERSION) {
      fail('EINVAL', `shared memory of file prefix '${plan.prefix}' has no tsdpdk header (magic 0x${w.u32[H_MAGIC >>> 2]!.toString(16)}): not a tsdpdk primary, or a different version`);
    }
    m.sync();
    return m;
  }

  /** Worker lcore: same Memory as its process; rebuilds views and heap handles. */
  static attachThread(plan: MemoryPlan, desc: WindowDescriptor): MemoryManager {
    return new MemoryManager(plan, desc, 'thread');
  }

  get descriptor(): WindowDescriptor {
    return this.window.descriptor();
  }

  private get numSegSlots(): number {
    return Math.floor(this.plan.windowSize / this.plan.pageSize);
  }

  private writeHeader(): void {
    const u32 = this.window.u32;
    const p = this.plan;
    u32[H_MAGIC >>> 2] = WINDOW_MAGIC;
    u32[H_VERSION >>> 2] = LAYOUT_VERSION;
    u32[H_WINDOW_SIZE >>> 2] = p.windowSize;
    u32[H_PAGE_SIZE >>> 2] = p.pageSize;
    u32[H_FLAGS >>> 2] = (p.mode === 'huge' ? FLAG_HUGEPAGES : 0) | (p.inMemory ? FLAG_IN_MEMORY : 0) | (p.mode === 'shm' ? FLAG_SHM_FILE : 0);
    u32[H_PRIMARY_PID >>> 2] = process.pid;
    u32[H_NUM_SOCKETS >>> 2] = p.numSockets;
    u32[H_IOVA_MODE >>> 2] = p.iovaMode === 'pa' ? IOVA_MODE_PA : IOVA_MODE_VA;
    u32[H_NUM_SEGS >>> 2] = this.numSegSlots;
    u32[H_SOCKET_REGION >>> 2] = p.windowSize / p.numSockets;
  }

  // ---- segment table ----
  private segSlot(n: number): number {
    return SEG_TABLE_BASE + n * SEG_SLOT_SIZE;
  }

  private setSeg(n: number, iova: bigint, socket: number, state: number): void {
    const o = this.segSlot(n);
    this.window.u64[o >>> 3] = iova;
    this.window.u32[(o + 8) >>> 2] = socket;
    Atomics.store(this.window.u32, (o + 12) >>> 2, state);
  }

  segMapped(n: number): boolean {
    return Atomics.load(this.window.u32, (this.segSlot(n) + 12) >>> 2) === SEG_STATE_MAPPED;
  }

  private localMapped(n: number): boolean {
    return (this.window.memU32[(PRIV_SEG_BITMAP >>> 2) + (n >>> 5)]! & (1 << (n & 31))) !== 0;
  }

  private setLocalMapped(n: number): void {
    Atomics.or(this.window.memU32, (PRIV_SEG_BITMAP >>> 2) + (n >>> 5), 1 << (n & 31));
  }

  /** Primary: everything below mappedEnd of heap i, from the segment table. */
  private mappedEndOf(_heap: number, start: number, end: number): number {
    const ps = this.plan.pageSize;
    let e = start;
    while (e < end) {
      const n = Math.floor(e / ps);
      if (!this.segMapped(n)) break;
      e = (n + 1) * ps;
    }
    return e;
  }

  private removeStaleHugepageFiles(): void {
    const p = this.plan;
    if (p.inMemory || p.hugeUnlink === 'never' || !p.hugeDir) return;
    const re = new RegExp(`^${p.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}map_\\d+$`);
    for (const f of readdirSync(p.hugeDir)) {
      if (re.test(f)) {
        try {
          unlinkSync(join(p.hugeDir, f));
        } catch {
          /* another process's file we cannot remove: mapping it will fail with a clear error */
        }
      }
    }
  }

  private mapInitial(): void {
    const p = this.plan;
    if (p.mode === 'anon') {
      for (let n = 0; n < this.numSegSlots; n++) this.setSeg(n, this.iovaOfVa(this.vaBase + BigInt(n * p.pageSize)), 0, SEG_STATE_MAPPED);
      return;
    }
    if (p.mode === 'shm') {
      this.mapShmFile(true);
      for (let n = 0; n < this.numSegSlots; n++) this.setSeg(n, this.iovaOfVa(this.vaBase + BigInt(n * p.pageSize)), 0, SEG_STATE_MAPPED);
      return;
    }
    // Hugepages: page 0 holds the header; then each socket's preallocation.
    const region = p.windowSize / p.numSockets;
    this.mapHugepage(0, true);
    for (let i = 0; i < p.socketIds.length; i++) {
      const start = i * region;
      const want = Math.ceil((p.preallocate[i] ?? 0) / p.pageSize) + (i === 0 ? Math.ceil(HEADER_SIZE / p.pageSize) : 0);
      for (let k = 0; k < want; k++) {
        const n = start / p.pageSize + k;
        if (n * p.pageSize >= (i + 1) * region) break;
        if (!this.segMapped(n)) this.mapHugepage(n, true);
      }
    }
  }

  private iovaOfVa(va: bigint): bigint {
    if (this.plan.iovaMode === 'pa') return readPagemapIova(va);
    return this.vaBase === 0n ? RTE_BAD_IOVA : va;
  }

  private mapShmFile(create: boolean): void {
    const native = this.native!;
    const path = shmFileName(this.plan.prefix);
    let fd: number;
    try {
      fd = openSync(path, create ? 'w+' : 'r+', 0o600);
    } catch (e) {
      fail('ENOENT', `cannot open shared memory file ${path}: ${(e as Error).message}`);
    }
    try {
      if (create) ftruncateSync(fd, this.plan.windowSize);
      native.mapFile(this.window.buffer, this.window.base, this.plan.windowSize, fd, 0, false);
    } finally {
      closeSync(fd);
    }
    for (let n = 0; n < this.numSegSlots; n++) this.setLocalMapped(n);
  }

  /** Maps page n of the window from its hugetlbfs file (creating it in the primary/grower). */
  private mapHugepage(n: number, create: boolean): void {
    const p = this.plan;
    const native = this.native!;
    const off = n * p.pageSize;
    let fd: number;
    let path = '(memfd)';
    if (p.inMemory) {
      if (!create) fail('ENOTSUP', '--in-memory pages cannot be mapped by another process');
      fd = native.memfdCreate(`${p.prefix}map_${n}`, true);
    } else {
      path = hugepageFileName(p.hugeDir!, p.prefix, n);
      try {
        fd = openSync(path, create ? 'w+' : 'r+', 0o600);
      } catch (e) {
        fail('ENOENT', `cannot open hugepage file ${path}: ${(e as Error).message}`);
      }
    }
    try {
      if (create) {
        try {
          ftruncateSync(fd, p.pageSize);
          native.fallocate(fd, 0, p.pageSize);
        } catch (e) {
          fail('ENOMEM', `cannot reserve a ${p.pageSize >> 20} MiB hugepage for ${path} (page ${n}): ${(e as Error).message}; free hugepages: check /proc/meminfo`);
        }
      }
      native.mapFile(this.window.buffer, this.window.base + off, p.pageSize, fd, 0, true);
    } catch (e) {
      if (create && !p.inMemory) {
        try { unlinkSync(path); } catch { /* already gone */ }
      }
      throw e instanceof TsdpdkError ? e : new TsdpdkError('ENOMEM', `mapping hugepage ${path} at window offset 0x${off.toString(16)}: ${(e as Error).message}`);
    } finally {
      closeSync(fd);
    }
    if (create && !p.inMemory && p.hugeUnlink === 'always') {
      try { unlinkSync(path); } catch { /* ignore */ }
    }
    this.setLocalMapped(n);
    if (create) {
      const region = p.windowSize / p.numSockets;
      this.setSeg(n, this.iovaOfVa(this.vaBase + BigInt(off)), p.socketIds[Math.floor(off / region)] ?? 0, SEG_STATE_MAPPED);
    }
  }

  /** Heap grow callback (heap lock held): maps whole pages from mappedEnd onward. */
  private growHeap(heapIdx: number, mappedEnd: number, minBytes: number): number {
    const p = this.plan;
    const region = p.windowSize / p.numSockets;
    const regionEnd = (heapIdx + 1) * region;
    const limit = p.limits[heapIdx] ?? 0;
    const regionStart = heapIdx * region;
    const w = this.window;
    spinLock(w.i32, H_SEG_LOCK >>> 2);
    let end = mappedEnd;
    try {
      const pages = Math.ceil(minBytes / p.pageSize);
      for (let k = 0; k < pages && end < regionEnd; k++) {
        if (limit > 0 && end - regionStart + p.pageSize > limit) break;
        const n = end / p.pageSize;
        try {
          this.mapHugepage(n, true);
        } catch {
          break;
        }
        end += p.pageSize;
      }
      if (end !== mappedEnd) Atomics.add(w.u32, H_SEG_GENERATION >>> 2, 1);
    } finally {
      spinUnlock(w.i32, H_SEG_LOCK >>> 2);
    }
    return end;
  }

  /**
   * Maps pages another process added since we last looked (secondaries, after a primary's heap grew).
   * Cheap when nothing changed; called on the control path before heap and memzone operations.
   */
  sync(): void {
    if (this.plan.mode !== 'huge') return;
    const w = this.window;
    // The private word holds generation + 1, so 0 (a fresh process) never matches: a secondary's first
    // sync maps every page the primary has, including preallocated ones that never bumped the generation.
    const seen = (Atomics.load(w.u32, H_SEG_GENERATION >>> 2) + 1) >>> 0;
    const privIdx = PRIV_SEG_GEN >>> 2;
    if (Atomics.load(w.memU32, privIdx) === seen) return;
    const slots = Math.min(this.numSegSlots, MAX_SEGS);
    for (let n = 0; n < slots; n++) {
      if (this.segMapped(n) && !this.localMapped(n)) this.mapHugepage(n, false);
    }
    Atomics.store(w.memU32, privIdx, seen);
  }

  /** IOVA of a window offset (RTE_BAD_IOVA when unknown). */
  virt2iova(offset: number): bigint {
    const ps = this.plan.pageSize;
    const n = Math.floor(offset / ps);
    const o = this.segSlot(n);
    const base = this.window.u64[o >>> 3]!;
    if (base === RTE_BAD_IOVA || !this.segMapped(n)) return RTE_BAD_IOVA;
    return base + BigInt(offset - n * ps);
  }

  /** Virtual address of a window offset in this process (for PMDs that hand memory to the kernel). */
  virt2va(offset: number): bigint {
    return this.vaBase === 0n ? 0n : this.vaBase + BigInt(offset);
  }

  private readonly orderCache = new Map<number, readonly MallocHeap[]>();

  /**
   * Heaps to try for a request: with `any`, the one of `socket` first and then the rest; otherwise just
   * that socket's heap (empty when it has none). Cached: this runs on every rte_malloc.
   */
  heapOrder(socket: number, any: boolean): readonly MallocHeap[] {
    const key = any ? -1 - socket : socket;
    let order = this.orderCache.get(key);
    if (order === undefined) {
      const idx = this.heapIndexOfSocket(socket);
      if (any) {
        const rest = this.heaps.filter((_, i) => i !== idx);
        order = idx >= 0 ? [this.heaps[idx]!, ...rest] : rest;
      } else {
        order = idx >= 0 ? [this.heaps[idx]!] : [];
      }
      this.orderCache.set(key, order);
    }
    return order;
  }

  heapIndexOfSocket(socket: number): number {
    return this.plan.socketIds.indexOf(socket);
  }

  heapOf(offset: number): MallocHeap | null {
    for (const h of this.heaps) if (h.contains(offset)) return h;
    return null;
  }

  /** Mapped segments, for dumps and telemetry. */
  segments(): { index: number; offset: number; length: number; iova: bigint; socket: number }[] {
    const out = [];
    const ps = this.plan.pageSize;
    for (let n = 0; n < this.numSegSlots; n++) {
      if (!this.segMapped(n)) continue;
      const o = this.segSlot(n);
      out.push({ index: n, offset: n * ps, length: ps, iova: this.window.u64[o >>> 3]!, socket: this.window.u32[(o + 8) >>> 2]! });
    }
    return out;
  }

  /** Writes <runtime>/config for secondaries. */
  writeConfigFile(path: string): void {
    writeFileSync(path, JSON.stringify(this.plan, null, 1) + '\n', { mode: 0o600 });
  }

  /** Primary cleanup: removes the files it created (mappings in other processes stay valid). */
  removeFiles(): void {
    const p = this.plan;
    if (p.mode === 'shm') {
      try { unlinkSync(shmFileName(p.prefix)); } catch { /* gone */ }
    } else if (p.mode === 'huge' && !p.inMemory && p.hugeDir) {
      for (let n = 0; n < this.numSegSlots; n++) {
        if (!this.segMapped(n)) continue;
        const f = hugepageFileName(p.hugeDir, p.prefix, n);
        if (existsSync(f)) {
          try { unlinkSync(f); } catch { /* ignore */ }
        }
      }
    }
  }

  /** Puts anonymous pages back over every file mapping of this process so the Memory no longer pins them. */
  unmapAll(): void {
    if (!this.native || this.plan.mode === 'anon') return;
    const p = this.plan;
    if (p.mode === 'shm') {
      this.native.unmapRegion(this.window.buffer, this.window.base, p.windowSize);
      return;
    }
    for (let n = 0; n < this.numSegSlots; n++) {
      if (this.localMapped(n)) this.native.unmapRegion(this.window.buffer, this.window.base + n * p.pageSize, p.pageSize);
    }
    this.window.memU32.fill(0, PRIV_SEG_BITMAP >>> 2, (PRIV_SEG_BITMAP >>> 2) + MAX_SEGS / 32);
  }
}

export function readConfigFile(path: string): MemoryPlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    fail('ENOENT', `cannot read primary config ${path}: ${(e as Error).message} (is a primary running with this --file-prefix?)`);
  }
  try {
    return JSON.parse(text) as MemoryPlan;
  } catch {
    fail('EINVAL', `primary config ${path} is corrupt or from a different program`);
  }
}
