// Logical cores. The main lcore is the calling thread; each worker lcore is a worker_threads Worker
// holding the same shared Memory, pinned to its CPU set through the native layer when present.
// Launch/wait state lives in the process-private part of the Memory, so waitLcore() blocks with
// Atomics.wait like rte_eal_wait_lcore, without needing the event loop.

import { Worker } from 'node:worker_threads';
import { fail, TsdpdkError } from './errors.js';
import { LCORE_ID_ANY, state } from './state.js';
import { log, LogLevel, registerLogType } from './log.js';

const LOG_EAL = registerLogType('lib.eal');

export type LcoreRole = 'rte' | 'off' | 'service';
export type LcoreState = 'WAIT' | 'RUNNING';

export interface LcoreConfig {
  id: number;
  cpus: number[];
  socketId: number;
  role: LcoreRole;
}

export interface LcoreTable {
  lcores: LcoreConfig[];
  mainLcore: number;
  /** Byte offset (in the Memory's private area) of the per-lcore launch slots. */
  slotBase: number;
  /** Byte offset of the per-lcore error text buffers. */
  errBase: number;
}

// Per-lcore slot (16 bytes): state, return value, error text length, ready flag.
export const SLOT_SIZE = 16;
export const ERR_SIZE = 1024;
const S_STATE = 0;
const S_RET = 1;
const S_ERRLEN = 2;
const S_READY = 3;
const ST_WAIT = 0;
const ST_RUNNING = 1;

export const lcoreState = {
  table: null as LcoreTable | null,
  memI32: null as Int32Array | null,
  memU8: null as Uint8Array | null,
  workers: new Map<number, Worker>(),
};

function table(): LcoreTable {
  const t = lcoreState.table;
  if (t === null) fail('ENODEV', 'EAL is not initialised: call eal.init() first');
  return t;
}

function slotIdx(id: number, field: number): number {
  return (table().slotBase >>> 2) + id * (SLOT_SIZE >>> 2) + field;
}

function lcoreOf(id: number): LcoreConfig | undefined {
  return table().lcores.find((l) => l.id === id);
}

/** rte_lcore_id: this thread's lcore id, or LCORE_ID_ANY for a non-EAL thread. */
export function lcoreId(): number {
  return state.lcoreId;
}

/** rte_get_main_lcore */
export function mainLcore(): number {
  return table().mainLcore;
}

/** rte_lcore_count: enabled (role rte) lcores. */
export function lcoreCount(): number {
  return table().lcores.filter((l) => l.role === 'rte').length;
}

export function lcoreIsEnabled(id: number): boolean {
  return lcoreState.table !== null && lcoreOf(id)?.role === 'rte';
}

/** rte_lcore_to_socket_id */
export function lcoreToSocketId(id: number): number {
  const l = lcoreOf(id);
  if (!l) fail('EINVAL', `lcore ${id} is not enabled`);
  return l.socketId;
}

/** rte_lcore_cpuset */
export function lcoreCpuset(id: number): number[] {
  const l = lcoreOf(id);
  if (!l) fail('EINVAL', `lcore ${id} is not enabled`);
  return l.cpus.slice();
}

/** rte_socket_id: socket of the calling lcore. */
export function socketId(): number {
  return state.socketId;
}

/** Enabled lcore ids, ascending. */
export function lcoreList(): number[] {
  return table().lcores.filter((l) => l.role === 'rte').map((l) => l.id).sort((a, b) => a - b);
}

/** RTE_LCORE_FOREACH_WORKER: enabled lcores except the main one. */
export function workerLcores(): number[] {
  const main = mainLcore();
  return lcoreList().filter((id) => id !== main);
}

export function foreachWorker(fn: (lcore: number) => void): void {
  for (const id of workerLcores()) fn(id);
}

/** rte_get_next_lcore */
export function getNextLcore(i: number, skipMain: boolean, wrap: boolean): number {
  const ids = lcoreList().filter((id) => !skipMain || id !== mainLcore());
  const next = ids.find((id) => id > i);
  if (next !== undefined) return next;
  return wrap && ids.length > 0 ? ids[0]! : 128;
}

/** rte_eal_get_lcore_state */
export function getLcoreState(id: number): LcoreState {
  checkWorker(id, 'rte_eal_get_lcore_state');
  return Atomics.load(lcoreState.memI32!, slotIdx(id, S_STATE)) === ST_RUNNING ? 'RUNNING' : 'WAIT';
}

function checkWorker(id: number, what: string): void {
  const l = lcoreOf(id);
  if (!l || l.role !== 'rte') fail('EINVAL', `${what}: lcore ${id} is not enabled`);
  if (id === mainLcore()) fail('EINVAL', `${what}: lcore ${id} is the main lcore`);
  if (state.lcoreId !== mainLcore()) fail('EPERM', `${what}: only the main lcore launches and waits for workers`);
}

/**
 * rte_eal_remote_launch: runs `exportName` of the module at `moduleUrl` (an absolute file: URL, e.g.
 * `new URL('./worker.js', import.meta.url)`) on worker lcore `id` with `arg` (structured-cloneable).
 * The function may be async; its (awaited) number result is what waitLcore returns.
 */
export function remoteLaunch(id: number, moduleUrl: string | URL, exportName: string, arg?: unknown): void {
  checkWorker(id, 'rte_eal_remote_launch');
  const i32 = lcoreState.memI32!;
  if (Atomics.compareExchange(i32, slotIdx(id, S_STATE), ST_WAIT, ST_RUNNING) !== ST_WAIT) {
    fail('EBUSY', `rte_eal_remote_launch: lcore ${id} is busy`);
  }
  const w = lcoreState.workers.get(id);
  if (!w) fail('ENODEV', `rte_eal_remote_launch: lcore ${id} has no worker thread`);
  w.postMessage({ kind: 'launch', url: String(moduleUrl), exportName, arg });
}

/** Runs the function on every worker (and, if callMain, on the main lcore too, awaited). */
export async function mpRemoteLaunch(moduleUrl: string | URL, exportName: string, arg: unknown, callMain: 'skip' | 'call'): Promise<number> {
  for (const id of workerLcores()) {
    if (getLcoreState(id) !== 'WAIT') fail('EBUSY', `rte_eal_mp_remote_launch: lcore ${id} is busy`);
  }
  for (const id of workerLcores()) remoteLaunch(id, moduleUrl, exportName, arg);
  if (callMain === 'call') {
    const mod = (await import(String(moduleUrl))) as Record<string, unknown>;
    const fn = mod[exportName];
    if (typeof fn !== 'function') fail('EINVAL', `rte_eal_mp_remote_launch: ${moduleUrl} has no exported function '${exportName}'`);
    return Number(await (fn as (a: unknown) => unknown)(arg)) | 0;
  }
  return 0;
}

/** The error text of the last launch on `id` that threw, or null. */
export function lcoreLastError(id: number): string | null {
  const len = Atomics.load(lcoreState.memI32!, slotIdx(id, S_ERRLEN));
  if (len === 0) return null;
  const off = table().errBase + id * ERR_SIZE;
  return new TextDecoder().decode(lcoreState.memU8!.slice(off, off + len));
}

/**
 * rte_eal_wait_lcore: blocks until lcore `id` is idle; returns its function's result (0 when it was
 * not running). A function that threw returns -1; lcoreLastError(id) has the message.
 */
export function waitLcore(id: number): number {
  checkWorker(id, 'rte_eal_wait_lcore');
  const i32 = lcoreState.memI32!;
  const idx = slotIdx(id, S_STATE);
  while (Atomics.load(i32, idx) === ST_RUNNING) {
    Atomics.wait(i32, idx, ST_RUNNING, 200);
  }
  return Atomics.load(i32, slotIdx(id, S_RET));
}

/** rte_eal_mp_wait_lcore */
export function mpWaitLcore(): void {
  for (const id of workerLcores()) waitLcore(id);
}

/** Same as waitLcore, without blocking the event loop (polls). */
export async function waitLcoreAsync(id: number, pollMs = 1): Promise<number> {
  checkWorker(id, 'rte_eal_wait_lcore');
  const i32 = lcoreState.memI32!;
  while (Atomics.load(i32, slotIdx(id, S_STATE)) === ST_RUNNING) {
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return Atomics.load(i32, slotIdx(id, S_RET));
}

// ---- used by the worker side ----

/** Worker: marks its slot ready (1) or failed (-1, with the reason as its error text). */
export function workerSignalReady(id: number, error: string | null = null): void {
  const i32 = lcoreState.memI32!;
  if (error !== null) {
    const b = new TextEncoder().encode(error).subarray(0, ERR_SIZE);
    lcoreState.memU8!.set(b, table().errBase + id * ERR_SIZE);
    Atomics.store(i32, slotIdx(id, S_ERRLEN), b.length);
  }
  Atomics.store(i32, slotIdx(id, S_READY), error === null ? 1 : -1);
  Atomics.notify(i32, slotIdx(id, S_READY));
}

/** Worker: runs one launch message and publishes the result. */
export async function workerRunLaunch(id: number, url: string, exportName: string, arg: unknown): Promise<void> {
  const i32 = lcoreState.memI32!;
  let ret = 0;
  let err: string | null = null;
  try {
    const mod = (await import(url)) as Record<string, unknown>;
    const fn = mod[exportName];
    if (typeof fn !== 'function') throw new TsdpdkError('EINVAL', `module ${url} has no exported function '${exportName}'`);
    ret = Number(await (fn as (a: unknown) => unknown)(arg)) | 0;
  } catch (e) {
    ret = -1;
    err = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    log(LogLevel.ERR, LOG_EAL, `EAL: lcore ${id} function ${exportName} failed: ${err}\n`);
  }
  const b = new TextEncoder().encode(err ?? '').subarray(0, ERR_SIZE);
  lcoreState.memU8!.set(b, table().errBase + id * ERR_SIZE);
  Atomics.store(i32, slotIdx(id, S_ERRLEN), b.length);
  Atomics.store(i32, slotIdx(id, S_RET), ret);
  Atomics.store(i32, slotIdx(id, S_STATE), ST_WAIT);
  Atomics.notify(i32, slotIdx(id, S_STATE));
}

/** Main: starts a Worker per worker lcore and waits until each has attached. */
export function startWorkers(entry: URL, boot: (id: number) => unknown, timeoutMs = 30000): void {
  const i32 = lcoreState.memI32!;
  for (const id of workerLcores()) {
    i32[slotIdx(id, S_READY)] = 0;
    i32[slotIdx(id, S_STATE)] = ST_WAIT;
    const w = new Worker(entry, { workerData: boot(id), stdout: false, stderr: false });
    w.unref();
    w.on('error', (e) => {
      log(LogLevel.ERR, LOG_EAL, `EAL: worker lcore ${id} died: ${e.message}\n`);
      Atomics.store(i32, slotIdx(id, S_RET), -1);
      Atomics.store(i32, slotIdx(id, S_STATE), ST_WAIT);
      Atomics.notify(i32, slotIdx(id, S_STATE));
    });
    lcoreState.workers.set(id, w);
  }
  const deadline = Date.now() + timeoutMs;
  for (const id of workerLcores()) {
    for (;;) {
      const r = Atomics.load(i32, slotIdx(id, S_READY));
      if (r === 1) break;
      if (r === -1) fail('ENODEV', `worker lcore ${id} failed to start: ${lcoreLastError(id)}`);
      if (Date.now() > deadline) fail('ETIMEDOUT', `worker lcore ${id} did not start within ${timeoutMs} ms`);
      Atomics.wait(i32, slotIdx(id, S_READY), 0, 50);
    }
  }
}

export async function stopWorkers(): Promise<void> {
  const all = [...lcoreState.workers.values()];
  lcoreState.workers.clear();
  await Promise.all(all.map((w) => w.terminate()));
}

export { LCORE_ID_ANY };
