// The `stack` and `lf_stack` mempool drivers (drivers/mempool/stack over lib/stack): a stack of object
// handles in a memzone STK_MP_<pool>. `stack` is DPDK's lock-based one (a spinlock in shared memory
// around a copy); `lf_stack` is lock-free: a Treiber stack of linked elements whose head is a
// {top, tag} pair swapped by one 64-bit CAS in the Wasm kernel, the tag making ABA harmless.

import { fail, memzoneFree, memzoneReserve, sharedWindow } from '../eal/index.js';
import { threadKernels, type MempoolKernels } from './mempool_kernel.js';
import { registerOps, type MempoolBackend, type MempoolOps } from './mempool_ops.js';

const STACK_MZ_PREFIX = 'STK_';
/** RTE_STACK_NAMESIZE */
const STACK_NAMESIZE = 28;
const ENOBUFS = 105;
const ENOENT = 2;

// Std stack: lock i32 @0, len u32 @4, capacity u32 @8, magic @12, objs u32[] @64.
const S_LEN = 4;
const S_CAP = 8;
const S_MAGIC = 12;
const S_OBJS = 64;
// Lf stack: used list @0 {head u64, len u32 @8}, free list @64, capacity @128, magic @132, elements @192.
const LF_USED = 0;
const LF_FREE = 64;
const LF_LEN = 8;
const LF_CAP = 128;
const LF_MAGIC = 132;
const LF_ELEMS = 192;
const STACK_MAGIC = 0x4b415453; // 'STAK'
const LF_STACK_MAGIC = 0x4b54534c; // 'LSTK'

function stackName(poolName: string): string {
  const name = `MP_${poolName}`;
  if (name.length >= STACK_NAMESIZE) fail('ENAMETOOLONG', `stack name '${name}' is longer than ${STACK_NAMESIZE - 1} characters`);
  return name;
}

class StdStack implements MempoolBackend {
  private readonly abs: number;
  private readonly lenIdx: number;
  private readonly k: MempoolKernels;
  private readonly u32: Uint32Array;
  constructor(offset: number) {
    const w = sharedWindow();
    this.abs = w.base + offset;
    this.lenIdx = (offset + S_LEN) >>> 2;
    this.k = threadKernels(w).k;
    this.u32 = w.u32;
  }
  enqueue(addr: number, n: number): number {
    return n === 0 || this.k.stackPush(this.abs, addr, n) !== 0 ? 0 : -ENOBUFS;
  }
  dequeue(addr: number, n: number): number {
    return n === 0 || this.k.stackPop(this.abs, addr, n) !== 0 ? 0 : -ENOENT;
  }
  count(): number {
    return Atomics.load(this.u32, this.lenIdx);
  }
}

class LfStack implements MempoolBackend {
  private readonly abs: number;
  private readonly lenIdx: number;
  private readonly k: MempoolKernels;
  private readonly u32: Uint32Array;
  constructor(offset: number) {
    const w = sharedWindow();
    this.abs = w.base + offset;
    this.lenIdx = (offset + LF_USED + LF_LEN) >>> 2;
    this.k = threadKernels(w).k;
    this.u32 = w.u32;
  }
  enqueue(addr: number, n: number): number {
    return n === 0 || this.k.lfPush(this.abs, addr, n) !== 0 ? 0 : -ENOBUFS;
  }
  dequeue(addr: number, n: number): number {
    return n === 0 || this.k.lfPop(this.abs, addr, n) !== 0 ? 0 : -ENOENT;
  }
  count(): number {
    return Atomics.load(this.u32, this.lenIdx);
  }
}

function checkMagic(offset: number, magic: number, what: string): void {
  if (sharedWindow().u32[(offset + (magic === STACK_MAGIC ? S_MAGIC : LF_MAGIC)) >>> 2] !== magic) {
    fail('EINVAL', `window offset 0x${offset.toString(16)} is not a ${what}`);
  }
}

function freeZone(offset: number, poolName: string, magicAt: number): void {
  sharedWindow().u32[(offset + magicAt) >>> 2] = 0;
  memzoneFree(STACK_MZ_PREFIX + stackName(poolName));
}

export const stackOps: MempoolOps = {
  name: 'stack',
  alloc(poolName, size) {
    const name = stackName(poolName);
    const z = memzoneReserve(STACK_MZ_PREFIX + name, S_OBJS + size * 4);
    const w = sharedWindow();
    w.u8.fill(0, z.offset, z.offset + S_OBJS);
    w.u32[(z.offset + S_CAP) >>> 2] = size;
    Atomics.store(w.u32, (z.offset + S_MAGIC) >>> 2, STACK_MAGIC);
    return z.offset;
  },
  attach(offset) {
    checkMagic(offset, STACK_MAGIC, 'stack');
    return new StdStack(offset);
  },
  free(offset, poolName) {
    freeZone(offset, poolName, S_MAGIC);
  },
};

export const lfStackOps: MempoolOps = {
  name: 'lf_stack',
  alloc(poolName, size) {
    const name = stackName(poolName);
    const z = memzoneReserve(STACK_MZ_PREFIX + name, LF_ELEMS + size * 8);
    const w = sharedWindow();
    const o = z.offset;
    w.u8.fill(0, o, o + LF_ELEMS);
    // Every element starts on the free list: 1 -> 2 -> ... -> size.
    for (let i = 1; i <= size; i++) {
      const e = o + LF_ELEMS + (i - 1) * 8;
      w.u32[e >>> 2] = 0;
      w.u32[(e + 4) >>> 2] = i < size ? i + 1 : 0;
    }
    w.u32[(o + LF_FREE) >>> 2] = size > 0 ? 1 : 0;
    w.u32[(o + LF_FREE + LF_LEN) >>> 2] = size;
    w.u32[(o + LF_CAP) >>> 2] = size;
    Atomics.store(w.u32, (o + LF_MAGIC) >>> 2, LF_STACK_MAGIC);
    return o;
  },
  attach(offset) {
    checkMagic(offset, LF_STACK_MAGIC, 'lock-free stack');
    return new LfStack(offset);
  },
  free(offset, poolName) {
    freeZone(offset, poolName, LF_MAGIC);
  },
};

export function registerStackOps(): void {
  registerOps(stackOps);
  registerOps(lfStackOps);
}
