// The multi-process channel's sockets: typed view of native/mp.cc, socket paths in the runtime
// directory, sending one message to one peer (DPDK's send_msg) and finding the secondaries (mp_send's
// glob of mp_socket_*).

import { closeSync, existsSync, openSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fail, TsdpdkError } from './errors.js';
import { loadNative, nativeLoadError } from './native.js';
import { encodeMsg, MP_MAX_FD_NUM, MP_WIRE_SIZE, type MpMsg, type MpTypeValue } from './mp_wire.js';

export interface MpAddon {
  /** socket(AF_UNIX, SOCK_DGRAM) bound to path (a stale file is unlinked first) -> fd. */
  mpBind(path: string): number;
  /** sendmsg (non-blocking) to path with fds[0..nfds) as SCM_RIGHTS -> bytes; errors carry their errno code. */
  mpSend(fd: number, path: string, bytes: Uint8Array, fds: Int32Array, nfds: number): number;
  /** poll up to timeoutMs, then one recvmsg: null on timeout, else its real length, fds, sender path. */
  mpRecv(fd: number, buf: Uint8Array, fdsOut: Int32Array, timeoutMs: number): { len: number; nfds: number; truncated: boolean; path: string } | null;
  mpClose(fd: number): void;
}

export const MP_SOCKET = 'mp_socket';
const FUNCS: readonly (keyof MpAddon)[] = ['mpBind', 'mpSend', 'mpRecv', 'mpClose'];

/** The addon's mp functions; ENOTSUP (naming what is missing) without them. */
export function mpAddon(): MpAddon {
  const a = loadNative() as unknown as Record<string, unknown> | null;
  if (a === null) fail('ENOTSUP', `the multi-process channel needs the native addon: ${nativeLoadError()}`);
  const missing = FUNCS.filter((f) => typeof a[f] !== 'function');
  if (missing.length > 0) fail('ENOTSUP', `the native addon lacks ${missing.join(', ')} (rebuild it: node scripts/build-native.mjs)`);
  return a as unknown as MpAddon;
}

export function primarySocketPath(runtimeDir: string): string {
  return join(runtimeDir, MP_SOCKET);
}

/** A secondary's socket: mp_socket_<pid>_<tsc hex>, like DPDK's open_socket_fd. */
export function secondarySocketPath(runtimeDir: string, pid = process.pid): string {
  const tsc = process.hrtime.bigint();
  return join(runtimeDir, `${MP_SOCKET}_${pid}_${tsc.toString(16)}`);
}

/** The secondaries' socket paths in runtimeDir (fnmatch "mp_socket_*"). */
export function secondaryPeers(runtimeDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(runtimeDir);
  } catch (e) {
    fail('ENOENT', `Unable to open directory ${runtimeDir}: ${(e as Error).message}`);
  }
  return names.filter((n) => n.startsWith(`${MP_SOCKET}_`)).sort().map((n) => join(runtimeDir, n));
}

/** Primary start-up: removes stale secondary sockets left by processes that died. */
export function removeStaleSockets(runtimeDir: string): number {
  let n = 0;
  for (const p of secondaryPeers(runtimeDir)) {
    try {
      unlinkSync(p);
      n++;
    } catch { /* raced with its owner */ }
  }
  return n;
}

/** rte_eal_primary_proc_alive: does a process hold the lock on <runtimeDir>/config? */
export function configLocked(configPath: string): boolean {
  const native = loadNative();
  if (native === null || !existsSync(configPath)) return false;
  let fd: number;
  try {
    fd = openSync(configPath, 'r');
  } catch {
    return false;
  }
  try {
    const got = native.lockFile(fd, false, false);
    if (got) native.unlockFile(fd);
    return !got;
  } finally {
    closeSync(fd);
  }
}

export const PRIMARY_GONE = 'primary process is not running';

const sendBuf = new Uint8Array(MP_WIRE_SIZE);
const sendFds = new Int32Array(MP_MAX_FD_NUM);

/**
 * send_msg: 'sent', or 'gone' when the primary finds a secondary's socket dead (ECONNREFUSED: the file
 * is unlinked, as DPDK does). A secondary whose primary is gone gets ECONNREFUSED "primary process is not
 * running"; other failures throw TsdpdkError with the errno name.
 */
export function sendTo(fd: number, procType: 'primary' | 'secondary', path: string, type: MpTypeValue, msg: MpMsg): 'sent' | 'gone' {
  encodeMsg(type, msg, sendBuf);
  for (let i = 0; i < msg.fds.length; i++) sendFds[i] = msg.fds[i]!;
  try {
    mpAddon().mpSend(fd, path, sendBuf, sendFds, msg.fds.length);
    return 'sent';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' && procType === 'primary') {
      try { unlinkSync(path); } catch { /* gone */ }
      return 'gone';
    }
    if ((code === 'ECONNREFUSED' || code === 'ENOENT') && procType === 'secondary' && path.endsWith(`/${MP_SOCKET}`)) {
      throw new TsdpdkError('ECONNREFUSED', `${PRIMARY_GONE}: cannot send '${msg.name}' to ${path} (${code})`);
    }
    if (code === 'ENOENT' || code === 'ECONNREFUSED') throw new TsdpdkError(code, `failed to send '${msg.name}' to ${path}: peer does not exist (${code})`);
    if (code === 'EAGAIN') throw new TsdpdkError('EAGAIN', `failed to send '${msg.name}' to ${path}: its queue is full (peer not reading)`);
    const known = ['ENOBUFS', 'EBADF', 'EINVAL', 'EPERM', 'EACCES'];
    throw new TsdpdkError(known.includes(code ?? '') ? (code as 'EAGAIN') : 'EIO', `failed to send '${msg.name}' to ${path}: ${(e as Error).message}`);
  }
}
