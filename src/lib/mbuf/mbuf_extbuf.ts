// Free callbacks of external buffers (rte_mbuf_extbuf_free_callback_t). A shinfo in shared memory
// cannot hold a JS function, so it holds a callback id: ids are given out by name from a table in
// shared memory (memzone TS_MBUF_EXT_CB), the same name getting the same id in every thread and process;
// each thread registers its own function for the name. The last detach of a buffer calls the function
// registered in the thread that does it.

import { fail, memzoneLookup, memzoneReserve, sharedWindow, spinLock, spinUnlock, TsdpdkError, type SharedWindow } from '../eal/index.js';

export type ExtbufFreeCallback = (bufAddr: number, opaque: number) => void;

const MZ_NAME = 'TS_MBUF_EXT_CB';
const T_LOCK = 0;
const T_MAGIC = 4;
const T_COUNT = 8;
const T_NAMES = 64;
const NAME_SIZE = 32;
const MAX_CB = 64;
const MAGIC = 0x42435845; // 'EXCB'

const enc = new TextEncoder();
const dec = new TextDecoder();

let tableWindow: SharedWindow | null = null;
let tableOff = 0;
let fns: (ExtbufFreeCallback | undefined)[] = [];

function table(): number {
  const w = sharedWindow();
  if (w === tableWindow) return tableOff;
  let z = memzoneLookup(MZ_NAME);
  if (z === null) {
    try {
      z = memzoneReserve(MZ_NAME, T_NAMES + MAX_CB * NAME_SIZE);
      w.u8.fill(0, z.offset, z.offset + z.length);
      Atomics.store(w.u32, (z.offset + T_MAGIC) >>> 2, MAGIC);
    } catch (e) {
      if (!(e instanceof TsdpdkError) || e.code !== 'EEXIST') throw e;
      z = memzoneLookup(MZ_NAME)!;
    }
  }
  const deadline = Date.now() + 5000;
  while (Atomics.load(w.u32, (z.offset + T_MAGIC) >>> 2) !== MAGIC) {
    if (Date.now() > deadline) fail('ETIMEDOUT', `${MZ_NAME} was created but never initialised`);
  }
  tableWindow = w;
  tableOff = z.offset;
  fns = [];
  return tableOff;
}

function nameOf(w: SharedWindow, t: number, id: number): string {
  const o = t + T_NAMES + (id - 1) * NAME_SIZE;
  let e = o;
  while (e < o + NAME_SIZE && w.u8[e] !== 0) e++;
  return dec.decode(w.u8.slice(o, e));
}

/**
 * Registers this thread's free callback for `name`; returns its id (>= 1), the same in every thread
 * and process. Registering the name again replaces this thread's function.
 */
export function extbufFreeCallbackRegister(name: string, fn: ExtbufFreeCallback): number {
  const nb = enc.encode(name);
  if (nb.length === 0 || nb.length >= NAME_SIZE) fail('EINVAL', `extbuf free callback name '${name}' must be 1..${NAME_SIZE - 1} bytes`);
  const t = table();
  const w = sharedWindow();
  spinLock(w.i32, (t + T_LOCK) >>> 2);
  let id = 0;
  try {
    const count = w.u32[(t + T_COUNT) >>> 2]!;
    for (let i = 1; i <= count; i++) if (nameOf(w, t, i) === name) id = i;
    if (id === 0) {
      if (count >= MAX_CB) fail('ENOSPC', `no room for extbuf free callback '${name}' (${MAX_CB} registered)`);
      id = count + 1;
      w.u8.set(nb, t + T_NAMES + (id - 1) * NAME_SIZE);
      w.u32[(t + T_COUNT) >>> 2] = id;
    }
  } finally {
    spinUnlock(w.i32, (t + T_LOCK) >>> 2);
  }
  fns[id] = fn;
  return id;
}

/** Calls the free callback `id` (data path: the buffer's last reference is gone). */
export function extbufFreeCallbackInvoke(id: number, bufAddr: number, opaque: number): void {
  const fn = fns[id];
  if (fn !== undefined && tableWindow === sharedWindow()) {
    fn(bufAddr, opaque);
    return;
  }
  const t = table();
  const f = fns[id];
  if (f === undefined) {
    const w = sharedWindow();
    const known = id >= 1 && id <= w.u32[(t + T_COUNT) >>> 2]!;
    fail('ENOENT', `external buffer 0x${bufAddr.toString(16)}: free callback #${id}${known ? ` ('${nameOf(w, t, id)}')` : ''} is not registered in this thread (extbufFreeCallbackRegister)`);
  }
  f(bufAddr, opaque);
}
