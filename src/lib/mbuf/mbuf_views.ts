// The views every mbuf function reads through: this thread's window, bound once instead of looked up
// per access (a per-access lookup costs ~1.5 ns). Binding happens when this module loads in an
// initialised EAL (worker lcores), on every call that takes a pool, and by mbufBind(). A thread that
// only receives mbufs (e.g. a secondary reading a ring) and never touched a pool calls mbufBind() once
// after eal.init().

import { burstArray, isInitialized, loadKernel, sharedWindow, type SharedWindow } from '../eal/index.js';

/** Entries of the per-thread pending array of freeBulk (RTE_PKTMBUF_FREE_PENDING_SZ). */
export const FREE_PENDING_SZ = 64;

export let W: SharedWindow | null = null;
export let U8 = null as unknown as Uint8Array;
export let U16 = null as unknown as Uint16Array;
export let U32 = null as unknown as Uint32Array;
export let I32 = null as unknown as Int32Array;
export let DV = null as unknown as DataView;
/** Burst array (in this thread's Memory) collecting segments to put back per pool. */
export let PENDING = null as unknown as Uint32Array;
export let PENDING_ABS = 0;
/** Memory address of window offset 0 (what the kernels add to an mbuf). */
export let BASE = 0;

type MbufKernels = {
  resetBulk(base: number, arr: number, n: number): void;
  reset1(base: number, m: number): void;
  prefreeBulk(base: number, arr: number, n: number, out: number, max: number): number;
};
export let K_RESET = null as unknown as MbufKernels['resetBulk'];
export let K_RESET1 = null as unknown as MbufKernels['reset1'];
export let K_PREFREE = null as unknown as MbufKernels['prefreeBulk'];

/** Binds the mbuf views to this thread's current window (cheap when already bound). */
export function mbufBind(w: SharedWindow = sharedWindow()): void {
  if (w === W) return;
  W = w;
  U8 = w.u8;
  U16 = w.u16;
  U32 = w.u32;
  I32 = w.i32;
  DV = w.dv;
  PENDING = burstArray(FREE_PENDING_SZ);
  PENDING_ABS = PENDING.byteOffset;
  BASE = w.base;
  const k = loadKernel<MbufKernels>(new URL('./mbuf_kernels.wasm', import.meta.url), w.memory);
  K_RESET = k.resetBulk;
  K_RESET1 = k.reset1;
  K_PREFREE = k.prefreeBulk;
}

/** A Uint8Array over the shared window: index = window offset (e.g. mbufU8()[mtod(m)]). */
export function mbufU8(): Uint8Array {
  mbufBind();
  return U8;
}

/** A DataView over the shared window (multi-byte fields; network order = big endian). */
export function mbufDV(): DataView {
  mbufBind();
  return DV;
}

if (isInitialized()) mbufBind();
