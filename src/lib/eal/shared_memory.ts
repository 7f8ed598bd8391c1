// The process's one shared WebAssembly.Memory and the window inside it that all lcores and processes
// share. Every shared object is addressed by its window offset; these views are indexed by it.

import { PRIVATE_KERNEL_RESERVED, PRIVATE_SIZE } from './layout.js';
import { fail } from './errors.js';

const WASM_PAGE = 65536;

/** What a worker lcore needs to rebuild the same views over the same Memory. */
export interface WindowDescriptor {
  memory: WebAssembly.Memory;
  windowBase: number;
  windowSize: number;
}

export class SharedWindow {
  readonly memory: WebAssembly.Memory;
  readonly buffer: SharedArrayBuffer;
  /** Byte offset of window offset 0 inside the Memory (differs per process). */
  readonly base: number;
  readonly size: number;
  // Views whose index 0 is window offset 0.
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly u64: BigUint64Array;
  readonly dv: DataView;
  // Views over the whole Memory (for process-private scratch, burst arrays).
  readonly memU8: Uint8Array;
  readonly memU32: Uint32Array;
  readonly memI32: Int32Array;

  constructor(d: WindowDescriptor) {
    this.memory = d.memory;
    this.buffer = d.memory.buffer as unknown as SharedArrayBuffer;
    this.base = d.windowBase;
    this.size = d.windowSize;
    const b = this.buffer;
    this.u8 = new Uint8Array(b, this.base, this.size);
    this.u16 = new Uint16Array(b, this.base, this.size >>> 1);
    this.u32 = new Uint32Array(b, this.base, this.size >>> 2);
    this.i32 = new Int32Array(b, this.base, this.size >>> 2);
    this.f64 = new Float64Array(b, this.base, this.size >>> 3);
    this.u64 = new BigUint64Array(b, this.base, this.size >>> 3);
    this.dv = new DataView(b, this.base, this.size);
    this.memU8 = new Uint8Array(b);
    this.memU32 = new Uint32Array(b);
    this.memI32 = new Int32Array(b);
  }

  descriptor(): WindowDescriptor {
    return { memory: this.memory, windowBase: this.base, windowSize: this.size };
  }

  /** Absolute Memory address of a window offset (what Wasm kernels take). */
  abs(offset: number): number {
    return this.base + offset;
  }
}

/**
 * Creates the Memory: [private area][slack up to alignment][window][slack]. `vaOf` gives the virtual
 * address of the buffer (native addon) so the window can start on a hugepage boundary.
 */
export function createMemory(windowSize: number, align: number, vaOf: ((sab: SharedArrayBuffer) => bigint) | null): WindowDescriptor {
  const total = PRIVATE_SIZE + windowSize + align;
  const pages = Math.ceil(total / WASM_PAGE);
  if (pages > 65536) {
    fail('ENOMEM', `shared window of ${windowSize} bytes does not fit in a 4 GiB wasm32 Memory`);
  }
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  } catch (e) {
    fail('ENOMEM', `cannot create a shared WebAssembly.Memory of ${pages} pages: ${(e as Error).message}`);
  }
  let windowBase = PRIVATE_SIZE;
  if (vaOf && align > WASM_PAGE) {
    const va = vaOf(memory.buffer as unknown as SharedArrayBuffer);
    const want = BigInt(PRIVATE_SIZE);
    const a = BigInt(align);
    const start = ((va + want + a - 1n) / a) * a;
    windowBase = Number(start - va);
  }
  return { memory, windowBase, windowSize };
}

/**
 * Bump allocator for the process-private area (shared by this process's lcores, never by other
 * processes): burst arrays and per-lcore scratch live here so Wasm kernels can reach them.
 * The cursor is a word inside the area itself, so worker threads allocate from the same area.
 */
const PRIV_CURSOR = PRIVATE_KERNEL_RESERVED - 64; // i32 index from byte offset
export function privateInit(w: SharedWindow): void {
  Atomics.store(w.memI32, PRIV_CURSOR >>> 2, PRIVATE_KERNEL_RESERVED);
}

export function privateAlloc(w: SharedWindow, bytes: number, align = 64): number {
  const idx = PRIV_CURSOR >>> 2;
  for (;;) {
    const cur = Atomics.load(w.memI32, idx);
    const start = (cur + align - 1) & ~(align - 1);
    const end = start + bytes;
    if (end > PRIVATE_SIZE) {
      fail('ENOMEM', `process-private area exhausted: ${bytes} bytes requested, ${PRIVATE_SIZE - cur} left`);
    }
    if (Atomics.compareExchange(w.memI32, idx, cur, end) === cur) return start;
  }
}
