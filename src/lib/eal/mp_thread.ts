// The mp thread (worker_threads entry; DPDK's "mp-msg" thread): receives every datagram on this
// process's mp socket, runs actions (module ones here, function ones forwarded to the main thread),
// sends requests for the whole process and matches replies to them, enforcing timeouts. One poll loop.

import { existsSync } from 'node:fs';
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { attachWorkerThread } from './eal.js';
import { TsdpdkError, type ErrnoCode } from './errors.js';
import { log, LogLevel, registerLogType } from './log.js';
import {
  attachMpThread, configPathOf, CTL, runAction, type FromThread, type ModuleAction, type MpAction, type MpBoot, type MpReply,
  type Outcome, type ToThread,
} from './mp_channel.js';
import { configLocked, mpAddon, PRIMARY_GONE, primarySocketPath, secondaryPeers, sendTo } from './mp_socket.js';
import { decodeMsg, msgError, MP_MAX_FD_NUM, MP_WIRE_SIZE, MpType, type MpMsg } from './mp_wire.js';

const LOG_EAL = registerLogType('lib.eal');
const TICK_MS = 50;
const LIVENESS_MS = 100;

const b = workerData as MpBoot;
const ctl = new Int32Array(b.ctl);
const primaryPath = primarySocketPath(b.runtimeDir);
const configPath = configPathOf(b.runtimeDir);

/** Where an action runs: a function here, or 'main' (forwarded to the main thread). */
const actions = new Map<string, MpAction | 'main'>();

interface Request {
  id: number;
  name: string;
  deadline: number;
  waiting: Set<string>;
  nbSent: number;
  msgs: MpMsg[];
  deliver: (o: Outcome) => void;
  sync: boolean;
}
/** Pending requests by "<peer path>\0<name>" (DPDK's find_request_by_name). */
const pending = new Map<string, Request>();
const active = new Set<Request>();
let lastLiveness = 0;

function err(msg: string): void {
  log(LogLevel.ERR, LOG_EAL, `EAL: ${msg}\n`);
}

function closeFds(fds: number[]): void {
  for (const fd of fds) {
    try { mpAddon().mpClose(fd); } catch { /* already closed */ }
  }
}

async function loadModule(m: ModuleAction): Promise<void> {
  try {
    const mod = (await import(m.url)) as Record<string, unknown>;
    const fn = mod[m.exportName];
    if (typeof fn !== 'function') throw new Error(`${m.url} has no function export '${m.exportName}'`);
    actions.set(m.name, fn as MpAction);
  } catch (e) {
    err(`cannot register mp action ${m.name}: ${(e as Error).message}`);
  }
}

function finish(r: Request, o: Outcome): void {
  if (!active.delete(r)) return;
  for (const [k, v] of pending) if (v === r) pending.delete(k);
  r.deliver(o);
}

function complete(r: Request): void {
  const reply: MpReply = { nbSent: r.nbSent, nbReceived: r.msgs.length, msgs: r.msgs };
  if (r.waiting.size > 0 && r.sync) {
    const dst = [...r.waiting][0]!;
    err(`Fail to recv reply for request ${dst}:${r.name}`);
    finish(r, { ok: false, code: 'ETIMEDOUT', message: `Fail to recv reply for request ${dst}:${r.name} (${r.waiting.size} of ${r.nbSent} peers silent)` });
    return;
  }
  finish(r, { ok: true, reply });
}

/** Sends a REQ to the primary (secondary) or every secondary (primary) and tracks the replies. */
function startRequest(id: number, msg: MpMsg, timeoutMs: number, sync: boolean, deliver: (o: Outcome) => void): void {
  const bad = msgError(msg);
  if (bad !== null) return deliver({ ok: false, code: bad.code, message: bad.why });
  const r: Request = { id, name: msg.name, deadline: Date.now() + timeoutMs, waiting: new Set(), nbSent: 0, msgs: [], deliver, sync };
  let dsts: string[];
  try {
    dsts = b.procType === 'secondary' ? [primaryPath] : secondaryPeers(b.runtimeDir);
  } catch (e) {
    return deliver({ ok: false, code: (e as TsdpdkError).code ?? 'EIO', message: (e as Error).message });
  }
  for (const dst of dsts) {
    if (pending.has(`${dst}\0${msg.name}`)) {
      err(`A pending request ${dst}:${msg.name}`);
      for (const d of r.waiting) pending.delete(`${d}\0${msg.name}`);
      return deliver({ ok: false, code: 'EEXIST', message: `A pending request ${dst}:${msg.name}` });
    }
  }
  active.add(r);
  for (const dst of dsts) {
    try {
      if (sendTo(b.fd, b.procType, dst, MpType.REQ, msg) === 'gone') continue;
    } catch (e) {
      err(`Fail to send request ${dst}:${msg.name}: ${(e as Error).message}`);
      if (sync || b.procType === 'secondary') {
        return finish(r, { ok: false, code: (e as TsdpdkError).code ?? 'EIO', message: (e as Error).message });
      }
      continue;
    }
    r.nbSent++;
    r.waiting.add(dst);
    pending.set(`${dst}\0${msg.name}`, r);
  }
  if (r.waiting.size === 0) complete(r);
}

/** Timeouts, and (secondary) a primary that died while we wait for it. */
function checkRequests(now: number): void {
  if (active.size === 0) return;
  let primaryGone: boolean | null = null;
  if (b.procType === 'secondary' && now - lastLiveness >= LIVENESS_MS) {
    lastLiveness = now;
    primaryGone = !existsSync(primaryPath) || !configLocked(configPath);
  }
  for (const r of [...active]) {
    if (primaryGone === true && r.waiting.has(primaryPath)) {
      err(`${PRIMARY_GONE}: request ${r.name} abandoned`);
      finish(r, { ok: false, code: 'ECONNREFUSED', message: `${PRIMARY_GONE}: no reply to '${r.name}' (its socket or config lock is gone)` });
    } else if (r.deadline <= now) {
      complete(r);
    }
  }
}

function nextWait(now: number): number {
  let t = TICK_MS;
  for (const r of active) t = Math.min(t, Math.max(0, r.deadline - now));
  return t;
}

function onReply(type: number, msg: MpMsg, peer: string): void {
  const key = `${peer}\0${msg.name}`;
  const r = pending.get(key);
  if (r === undefined) {
    err(`Drop mp reply: ${msg.name}`);
    closeFds(msg.fds);
    return;
  }
  pending.delete(key);
  r.waiting.delete(peer);
  if (type === MpType.REP) r.msgs.push(msg);
  else r.nbSent--; // "ignore me": a peer still initialising is not counted
  if (r.waiting.size === 0) complete(r);
}

function onAction(type: number, msg: MpMsg, peer: string): void {
  const a = actions.get(msg.name);
  if (a === undefined) {
    if (type === MpType.REQ && Atomics.load(ctl, CTL.INIT_COMPLETE) === 0) {
      try {
        sendTo(b.fd, b.procType, peer, MpType.IGN, { name: msg.name, param: new Uint8Array(0), fds: [] });
      } catch (e) {
        err((e as Error).message);
      }
    } else {
      Atomics.add(ctl, CTL.UNKNOWN, 1);
      err(`Cannot find action: ${msg.name}`);
    }
    closeFds(msg.fds);
    return;
  }
  Atomics.add(ctl, CTL.HANDLED, 1);
  if (a === 'main') b.port.postMessage({ kind: 'action', msg, peer } satisfies FromThread);
  else runAction(a, msg, peer);
}

async function drainPort(): Promise<void> {
  for (let m = receiveMessageOnPort(b.port); m !== undefined; m = receiveMessageOnPort(b.port)) {
    const t = m.message as ToThread;
    if (t.kind === 'register') {
      if (t.module === null) actions.set(t.name, 'main');
      else await loadModule(t.module);
    } else if (t.kind === 'unregister') {
      actions.delete(t.name);
    } else {
      const { id, sync } = t;
      startRequest(id, t.msg, t.timeoutMs, sync, (outcome) => {
        if (sync) {
          b.syncPort.postMessage({ id, outcome });
          Atomics.add(ctl, CTL.SYNC_DONE, 1);
          Atomics.notify(ctl, CTL.SYNC_DONE);
        } else {
          b.port.postMessage({ kind: 'reply', id, outcome } satisfies FromThread);
        }
      });
    }
  }
}

let localId = -1;

async function serve(): Promise<void> {
  const addon = mpAddon();
  const buf = new Uint8Array(MP_WIRE_SIZE + 64); // room to see oversized datagrams as such
  const fds = new Int32Array(MP_MAX_FD_NUM);
  while (Atomics.load(ctl, CTL.STOP) === 0) {
    await drainPort();
    const now = Date.now();
    checkRequests(now);
    let got: ReturnType<typeof addon.mpRecv>;
    try {
      got = addon.mpRecv(b.fd, buf, fds, nextWait(now));
    } catch (e) {
      if (Atomics.load(ctl, CTL.STOP) !== 0) break;
      err(`recvmsg failed, ${(e as Error).message}`);
      await new Promise((ok) => setTimeout(ok, TICK_MS));
      continue;
    }
    if (got === null) {
      // Let handlers' promise continuations run between polls.
      await new Promise((ok) => setImmediate(ok));
      continue;
    }
    if (got.len === 0 && got.path === b.self) continue; // the main thread's wake-up: requests are in the port
    Atomics.add(ctl, CTL.RECEIVED, 1);
    const m = decodeMsg(buf, got.len, got.truncated, fds, got.nfds);
    if (typeof m === 'string') {
      Atomics.add(ctl, CTL.REJECTED, 1);
      err(`${m} from ${got.path || '(unnamed)'}; dropped`);
      closeFds(Array.from(fds.subarray(0, got.nfds)));
      continue;
    }
    // Requests sent by the main thread may be in the port queue: register them before matching replies.
    await drainPort();
    if (m.type === MpType.REP || m.type === MpType.IGN) onReply(m.type, m.msg, got.path);
    else onAction(m.type, m.msg, got.path);
  }
}

try {
  attachWorkerThread(b.boot);
  attachMpThread(b, {
    request: (msg, timeoutMs) => new Promise<MpReply>((ok, ko) => {
      startRequest(localId--, msg, timeoutMs, false, (o) => (o.ok ? ok(o.reply) : ko(new TsdpdkError(o.code as ErrnoCode, o.message))));
    }),
    register: (name, fn) => {
      if (actions.has(name)) throw new TsdpdkError('EEXIST', `action '${name}' is already registered`);
      actions.set(name, fn);
    },
    unregister: (name) => actions.delete(name),
  });
  for (const name of b.mainActions) actions.set(name, 'main');
  for (const m of b.modules) await loadModule(m);
  b.port.postMessage({ kind: 'ready' } satisfies FromThread);
  await serve();
} catch (e) {
  b.port.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e) } satisfies FromThread);
}
