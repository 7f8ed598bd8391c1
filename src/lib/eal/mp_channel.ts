// rte_mp_*: the multi-process channel's public API. Messages are received by the mp thread
// (mp_thread.ts, DPDK's "mp-msg" handle thread), which also runs the requests and the handlers
// registered by module. The same functions work in the main thread and inside handlers in the mp thread.

import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { fail, TsdpdkError, type ErrnoCode } from './errors.js';
import { log, LogLevel, registerLogType } from './log.js';
import { msgError, MP_MAX_NAME_LEN, MpType, type MpMsg } from './mp_wire.js';
import {
  configLocked, mpAddon, primarySocketPath, removeStaleSockets, secondaryPeers, secondarySocketPath, sendTo,
} from './mp_socket.js';
import type { WorkerBoot } from './eal.js';

export { MpType, MP_MAX_FD_NUM, MP_MAX_NAME_LEN, MP_MAX_PARAM_LEN, MP_WIRE_SIZE, type MpMsg } from './mp_wire.js';

const LOG_EAL = registerLogType('lib.eal');

/**
 * An action: called in the mp thread (registered by module) or in the main thread (registered with a
 * function; it runs from the main event loop). `peer` is the sender's socket path, for reply().
 * A negative return value is logged as "Fail to handle message", like DPDK.
 */
export type MpAction = (msg: MpMsg, peer: string) => number | void | Promise<unknown>;

/** struct rte_mp_reply */
export interface MpReply {
  nbSent: number;
  nbReceived: number;
  msgs: MpMsg[];
}

/** Counters of the mp thread (since the channel started). */
export interface MpStats {
  received: number;
  rejected: number;
  unknownAction: number;
  handled: number;
}

export interface ModuleAction {
  name: string;
  url: string;
  exportName: string;
}

/** ctl Int32Array slots shared by the main thread and the mp thread. */
export const CTL = { STOP: 0, INIT_COMPLETE: 1, SYNC_DONE: 2, RECEIVED: 3, REJECTED: 4, UNKNOWN: 5, HANDLED: 6, SIZE: 8 } as const;

export interface MpBoot {
  boot: WorkerBoot;
  fd: number;
  runtimeDir: string;
  procType: 'primary' | 'secondary';
  self: string;
  ctl: SharedArrayBuffer;
  modules: ModuleAction[];
  mainActions: string[];
  port: MessagePort;
  syncPort: MessagePort;
}

/** Requests and results crossing between the main thread and the mp thread. */
export type ToThread =
  | { kind: 'register'; name: string; module: ModuleAction | null }
  | { kind: 'unregister'; name: string }
  | { kind: 'request'; id: number; msg: MpMsg; timeoutMs: number; sync: boolean };
export type Outcome = { ok: true; reply: MpReply } | { ok: false; code: ErrnoCode; message: string };
export type FromThread =
  | { kind: 'ready' }
  | { kind: 'error'; message: string }
  | { kind: 'action'; msg: MpMsg; peer: string }
  | { kind: 'reply'; id: number; outcome: Outcome };

/** What the mp thread provides to code running in it. */
export interface MpEngine {
  request(msg: MpMsg, timeoutMs: number): Promise<MpReply>;
  register(name: string, fn: MpAction): void;
  unregister(name: string): boolean;
}

interface Channel {
  fd: number;
  runtimeDir: string;
  procType: 'primary' | 'secondary';
  self: string;
  ctl: Int32Array;
  /** Main thread only. */
  worker: Worker | null;
  port: MessagePort | null;
  syncPort: MessagePort | null;
  exited: Promise<void> | null;
  /** mp thread only. */
  engine: MpEngine | null;
}

let ch: Channel | null = null;
const moduleActions = new Map<string, ModuleAction>();
const mainActions = new Map<string, MpAction>();
const pendingAsync = new Map<number, { ok: (r: MpReply) => void; ko: (e: Error) => void; timer: NodeJS.Timeout }>();
let nextId = 1;
let exitHookPath: string | null = null;
let noShconf = false;

function checkName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) fail('EINVAL', 'Length of action name is zero');
  if (Buffer.byteLength(name) >= MP_MAX_NAME_LEN) fail('E2BIG', `action name '${name}' is longer than ${MP_MAX_NAME_LEN - 1} bytes`);
}

function checkMsg(msg: MpMsg): void {
  const e = msgError(msg);
  if (e !== null) fail(e.code, e.why);
}

function channel(what: string): Channel {
  if (ch !== null) return ch;
  if (noShconf) fail('ENOTSUP', `${what}: No shared files mode enabled, IPC is disabled (--in-memory/--no-shconf)`);
  return fail('ENODEV', `${what}: the multi-process channel is not running (call eal.init() first)`);
}

/** rte_mp_action_register with a function that runs in the main thread (needs its event loop). */
export function actionRegister(name: string, fn: MpAction): void {
  checkName(name);
  if (typeof fn !== 'function') fail('EINVAL', `action '${name}': handler must be a function`);
  if (noShconf) fail('ENOTSUP', 'No shared files mode enabled, IPC is disabled');
  if (ch?.engine) return ch.engine.register(name, fn);
  if (mainActions.has(name) || moduleActions.has(name)) fail('EEXIST', `action '${name}' is already registered`);
  mainActions.set(name, fn);
  ch?.port?.postMessage({ kind: 'register', name, module: null } satisfies ToThread);
}

/**
 * rte_mp_action_register for the mp thread: it imports `moduleUrl` and registers its export
 * `exportName` (an MpAction). Works before or after eal.init(); kept across init/cleanup.
 */
export function actionRegisterModule(name: string, moduleUrl: string | URL, exportName: string): void {
  checkName(name);
  if (ch?.engine) {
    // Inside the mp thread: import it here (the registration is asynchronous, errors are logged).
    const eng = ch.engine;
    void import(String(moduleUrl)).then((mod: Record<string, unknown>) => {
      const fn = mod[exportName];
      if (typeof fn !== 'function') throw new Error(`${String(moduleUrl)} has no function export '${exportName}'`);
      eng.register(name, fn as MpAction);
    }).catch((e: unknown) => log(LogLevel.ERR, LOG_EAL, `EAL: cannot register mp action ${name}: ${(e as Error).message}\n`));
    return;
  }
  if (mainActions.has(name) || moduleActions.has(name)) fail('EEXIST', `action '${name}' is already registered`);
  const m: ModuleAction = { name, url: String(moduleUrl), exportName };
  moduleActions.set(name, m);
  ch?.port?.postMessage({ kind: 'register', name, module: m } satisfies ToThread);
}

/** rte_mp_action_unregister (either kind). */
export function actionUnregister(name: string): void {
  checkName(name);
  if (ch?.engine) {
    ch.engine.unregister(name);
    return;
  }
  const had = mainActions.delete(name) || moduleActions.delete(name);
  if (had) ch?.port?.postMessage({ kind: 'unregister', name } satisfies ToThread);
}

/** Names registered from this thread (main: both kinds). */
export function actionList(): string[] {
  return [...mainActions.keys(), ...moduleActions.keys()].sort();
}

/** rte_mp_sendmsg: a MSG to the primary (from a secondary) or to every secondary (from the primary). */
export function sendmsg(msg: MpMsg): void {
  checkMsg(msg);
  const c = channel('sendmsg');
  if (c.procType === 'secondary') {
    sendTo(c.fd, c.procType, primarySocketPath(c.runtimeDir), MpType.MSG, msg);
    return;
  }
  let failed: TsdpdkError | null = null;
  for (const p of secondaryPeers(c.runtimeDir)) {
    try {
      sendTo(c.fd, c.procType, p, MpType.MSG, msg);
    } catch (e) {
      failed = e as TsdpdkError;
      log(LogLevel.ERR, LOG_EAL, `EAL: ${(e as Error).message}\n`);
    }
  }
  if (failed !== null) throw failed;
}

/** rte_mp_reply: a REP to the peer whose request is being handled. */
export function reply(msg: MpMsg, peer: string): void {
  checkMsg(msg);
  if (typeof peer !== 'string' || peer.length === 0) fail('EINVAL', 'peer is not specified');
  const c = channel('reply');
  sendTo(c.fd, c.procType, peer, MpType.REP, msg);
}

function outcomeValue(o: Outcome): MpReply {
  if (o.ok) return o.reply;
  throw new TsdpdkError(o.code, o.message);
}

/**
 * rte_mp_request_sync: a REQ to the primary (secondary) or to every secondary (primary); blocks the
 * calling thread until each peer replied or timeoutMs passed. A peer that does not reply in time makes it
 * throw ETIMEDOUT (like DPDK's -1/ETIMEDOUT); a dead primary gives ECONNREFUSED at once. Peers still
 * initialising answer "ignore" and are not counted in nbSent. Not available inside the mp thread (it
 * would wait for itself): use requestAsync there.
 */
export function requestSync(msg: MpMsg, timeoutMs: number): MpReply {
  checkMsg(msg);
  checkTimeout(timeoutMs);
  const c = channel('requestSync');
  if (c.engine !== null) fail('ENOTSUP', `requestSync('${msg.name}') inside the mp thread would wait for itself: use requestAsync`);
  const id = nextId++;
  toThread(c, { kind: 'request', id, msg, timeoutMs, sync: true });
  const deadline = Date.now() + timeoutMs + 5000; // the thread enforces timeoutMs; this only guards a stuck thread
  for (;;) {
    // The thread posts a result, then bumps SYNC_DONE: read the counter before draining so no post is missed.
    const seen = Atomics.load(c.ctl, CTL.SYNC_DONE);
    for (let m = receiveMessageOnPort(c.syncPort!); m !== undefined; m = receiveMessageOnPort(c.syncPort!)) {
      const r = m.message as { id: number; outcome: Outcome };
      if (r.id === id) return outcomeValue(r.outcome);
    }
    const left = deadline - Date.now();
    if (left <= 0) fail('ETIMEDOUT', `request '${msg.name}': the mp thread did not answer`);
    Atomics.wait(c.ctl, CTL.SYNC_DONE, seen, left);
  }
}

/**
 * rte_mp_request_async: like requestSync but resolves with whatever arrived by the timeout (nbReceived <
 * nbSent for peers that stayed silent, as DPDK's callback sees). Rejects when nothing could be sent or
 * the primary died while waiting.
 */
export function requestAsync(msg: MpMsg, timeoutMs: number): Promise<MpReply> {
  try {
    checkMsg(msg);
    checkTimeout(timeoutMs);
    const c = channel('requestAsync');
    if (c.engine !== null) return c.engine.request(msg, timeoutMs);
    const id = nextId++;
    return new Promise<MpReply>((ok, ko) => {
      // Keeps the event loop alive while waiting (the port and the thread are unref'd).
      const timer = setTimeout(() => {
        pendingAsync.delete(id);
        ko(new TsdpdkError('ETIMEDOUT', `request '${msg.name}': the mp thread did not answer`));
      }, timeoutMs + 5000);
      pendingAsync.set(id, { ok, ko, timer });
      toThread(c, { kind: 'request', id, msg, timeoutMs, sync: false });
    });
  } catch (e) {
    return Promise.reject(e);
  }
}

const NO_FDS = new Int32Array(0);
const WAKE = new Uint8Array(0);

/** Posts to the mp thread and wakes it from poll with an empty datagram to our own socket. */
function toThread(c: Channel, m: ToThread): void {
  c.port!.postMessage(m);
  try {
    mpAddon().mpSend(c.fd, c.self, WAKE, NO_FDS, 0);
  } catch { /* socket buffer full: the thread wakes on its next tick anyway */ }
}

function checkTimeout(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0 || ms > 2 ** 31 - 1) fail('EINVAL', `timeout ${ms} ms is out of range`);
}

/** The mp thread's counters. */
export function stats(): MpStats {
  const c = channel('stats');
  return {
    received: Atomics.load(c.ctl, CTL.RECEIVED), rejected: Atomics.load(c.ctl, CTL.REJECTED),
    unknownAction: Atomics.load(c.ctl, CTL.UNKNOWN), handled: Atomics.load(c.ctl, CTL.HANDLED),
  };
}

/** This process's mp socket path, or null when the channel is not running. */
export function socketPath(): string | null {
  return ch?.self ?? null;
}

/** rte_eal_primary_proc_alive for a config file (the fcntl lock test); see eal.primaryProcAlive(). */
export function configFileLocked(configPath: string): boolean {
  return configLocked(configPath);
}

// ---- lifecycle (eal.ts) ----

function onThreadMessage(m: FromThread): void {
  if (m.kind === 'action') {
    const fn = mainActions.get(m.msg.name);
    if (fn === undefined) {
      log(LogLevel.ERR, LOG_EAL, `EAL: Cannot find action: ${m.msg.name}\n`);
      for (const fd of m.msg.fds) { try { mpAddon().mpClose(fd); } catch { /* closed */ } }
      return;
    }
    runAction(fn, m.msg, m.peer);
  } else if (m.kind === 'reply') {
    const p = pendingAsync.get(m.id);
    if (p === undefined) return;
    pendingAsync.delete(m.id);
    clearTimeout(p.timer);
    if (m.outcome.ok) p.ok(m.outcome.reply);
    else p.ko(new TsdpdkError(m.outcome.code, m.outcome.message));
  } else if (m.kind === 'error') {
    log(LogLevel.ERR, LOG_EAL, `EAL: mp thread failed: ${m.message}\n`);
  }
}

/** Calls an action, logging failures like DPDK's "Fail to handle message". */
export function runAction(fn: MpAction, msg: MpMsg, peer: string): void {
  const failed = (why: string): void => {
    log(LogLevel.ERR, LOG_EAL, `EAL: Fail to handle message: ${msg.name}${why}\n`);
  };
  try {
    const r = fn(msg, peer);
    if (typeof r === 'number' && r < 0) failed('');
    else if (r instanceof Promise) r.catch((e: unknown) => failed(`: ${e instanceof Error ? e.message : String(e)}`));
  } catch (e) {
    failed(`: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * rte_mp_channel_init: binds mp_socket (primary, after removing stale mp_socket_* files) or
 * mp_socket_<pid>_<tsc> (secondary) and starts the mp thread. Returns the socket path.
 */
export function startMp(runtimeDir: string, procType: 'primary' | 'secondary', boot: WorkerBoot): string {
  if (ch !== null) fail('EALREADY', `the multi-process channel is already running on ${ch.self}`);
  noShconf = false;
  const addon = mpAddon();
  if (procType === 'primary') removeStaleSockets(runtimeDir);
  const self = procType === 'primary' ? primarySocketPath(runtimeDir) : secondarySocketPath(runtimeDir);
  let fd: number;
  try {
    fd = addon.mpBind(self);
  } catch (e) {
    fail('EIO', `failed to bind ${self}: ${(e as Error).message}`);
  }
  const ctlSab = new SharedArrayBuffer(CTL.SIZE * 4);
  const { port1, port2 } = new MessageChannel();
  const sync = new MessageChannel();
  const mb: MpBoot = {
    boot, fd, runtimeDir, procType, self, ctl: ctlSab, modules: [...moduleActions.values()], mainActions: [...mainActions.keys()],
    port: port2, syncPort: sync.port2,
  };
  let worker: Worker;
  try {
    // --input-type, inherited from `node --input-type=module -e`, would make the worker fail to start; an
    // explicit list is validated and refuses per-process flags (--expose-gc, --trace-gc...) that plain
    // inheritance ignores, so pass one only in that case, and an empty one.
    const execArgv = process.execArgv.some((a) => a.startsWith('--input-type')) ? [] : undefined;
    worker = new Worker(new URL('./mp_thread.js', import.meta.url), { workerData: mb, transferList: [port2, sync.port2], stdout: false, stderr: false, execArgv });
  } catch (e) {
    addon.mpClose(fd);
    try { unlinkSync(self); } catch { /* gone */ }
    throw e;
  }
  worker.unref();
  port1.unref();
  port1.on('message', onThreadMessage);
  worker.on('error', (e) => log(LogLevel.ERR, LOG_EAL, `EAL: mp thread died: ${e.message}\n`));
  const exited = new Promise<void>((ok) => worker.once('exit', () => {
    if (ch !== null && ch.worker === worker) threadGone(ch);
    ok();
  }));
  ch = { fd, runtimeDir, procType, self, ctl: new Int32Array(ctlSab), worker, port: port1, syncPort: sync.port1, exited, engine: null };
  exitHookPath = self;
  process.once('exit', removeSocketFile);
  log(LogLevel.INFO, LOG_EAL, `EAL: Multi-process socket ${self}\n`);
  return self;
}

/**
 * The mp thread ended on its own (it failed): close and unlink the socket so peers get ECONNREFUSED/ENOENT
 * at once instead of filling its queue, and fail what waits on it.
 */
function threadGone(c: Channel): void {
  log(LogLevel.ERR, LOG_EAL, `EAL: mp thread stopped; closing ${c.self}\n`);
  ch = null;
  try { mpAddon().mpClose(c.fd); } catch { /* closed */ }
  try { unlinkSync(c.self); } catch { /* gone */ }
  c.port!.close();
  c.syncPort!.close();
  Atomics.add(c.ctl, CTL.SYNC_DONE, 1);
  Atomics.notify(c.ctl, CTL.SYNC_DONE);
  failPending('EIO', 'the mp thread stopped');
}

function failPending(code: ErrnoCode, why: string): void {
  for (const [id, p] of pendingAsync) {
    pendingAsync.delete(id);
    clearTimeout(p.timer);
    p.ko(new TsdpdkError(code, why));
  }
}

/** From now on a request for an unregistered action is an error, not "ignore me" (init_complete). */
export function mpInitComplete(): void {
  if (ch !== null) Atomics.store(ch.ctl, CTL.INIT_COMPLETE, 1);
}

/** Marks IPC as disabled (--in-memory/--no-shconf) so calls fail with ENOTSUP. */
export function mpDisabled(): void {
  noShconf = true;
}

function removeSocketFile(): void {
  if (exitHookPath !== null) {
    try { unlinkSync(exitHookPath); } catch { /* gone */ }
  }
}

/** rte_mp_channel_cleanup: stops the thread, closes and unlinks the socket, fails pending requests. */
export async function stopMp(timeoutMs = 3000): Promise<void> {
  noShconf = false;
  const c = ch;
  if (c === null || c.worker === null) return;
  ch = null;
  Atomics.store(c.ctl, CTL.STOP, 1);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    c.exited!.then(() => false),
    new Promise<boolean>((ok) => { timer = setTimeout(() => ok(true), timeoutMs); }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    log(LogLevel.WARNING, LOG_EAL, 'EAL: mp thread did not stop in time; terminating it\n');
    await c.worker!.terminate();
  }
  c.port!.close();
  c.syncPort!.close();
  try { mpAddon().mpClose(c.fd); } catch { /* closed */ }
  try { unlinkSync(c.self); } catch { /* gone */ }
  if (exitHookPath === c.self) {
    process.removeListener('exit', removeSocketFile);
    exitHookPath = null;
  }
  failPending('ENODEV', 'the multi-process channel was stopped');
}

/** mp thread side: installs its channel view so the API above works inside handlers. */
export function attachMpThread(b: MpBoot, engine: MpEngine): void {
  ch = {
    fd: b.fd, runtimeDir: b.runtimeDir, procType: b.procType, self: b.self, ctl: new Int32Array(b.ctl), worker: null, port: null,
    syncPort: null, exited: null, engine,
  };
}

/** The primary's config file for a runtime directory. */
export function configPathOf(runtimeDir: string): string {
  return join(runtimeDir, 'config');
}
