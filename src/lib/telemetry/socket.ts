// Typed view of the addon's AF_UNIX SOCK_SEQPACKET functions (native/socket.cc).

import { TsdpdkError } from '../eal/errors.js';
import { loadNative, nativeLoadError } from '../eal/native.js';

export interface SocketAddon {
  /** socket + bind + listen(backlog) -> fd; bind errors keep their errno code (EADDRINUSE...). */
  sockListen(path: string, backlog: number): number;
  sockConnect(path: string): number;
  /** Blocking accept -> client fd. */
  sockAccept(fd: number): number;
  /** Blocking recv of one packet into buf (truncated to it) -> bytes, 0 at end of stream. */
  sockRecv(fd: number, buf: Uint8Array): number;
  /** One packet -> bytes sent (MSG_NOSIGNAL). */
  sockSend(fd: number, buf: Uint8Array): number;
  /** poll(POLLIN) on fds[i] >= 0 -> ready count; revents[i] gets each fd's events. */
  sockPoll(fds: Int32Array, revents: Int32Array, timeoutMs: number): number;
  /** SO_RCVTIMEO + SO_SNDTIMEO in ms (0 = none); a timed-out call throws EAGAIN. */
  sockSetTimeout(fd: number, ms: number): void;
  sockShutdown(fd: number): void;
  sockClose(fd: number): void;
}

const FUNCS: readonly (keyof SocketAddon)[] = [
  'sockListen', 'sockConnect', 'sockAccept', 'sockRecv', 'sockSend', 'sockPoll', 'sockSetTimeout', 'sockShutdown', 'sockClose',
];

/** The addon's socket functions, or null when the addon or these functions are missing. */
export function socketAddon(): SocketAddon | null {
  const a = loadNative() as unknown as Record<string, unknown> | null;
  if (a === null || FUNCS.some((f) => typeof a[f] !== 'function')) return null;
  return a as unknown as SocketAddon;
}

/** Why socketAddon() is null. */
export function socketAddonError(): string {
  const a = loadNative() as unknown as Record<string, unknown> | null;
  if (a === null) return `the native addon is not available: ${nativeLoadError()}`;
  const missing = FUNCS.filter((f) => typeof a[f] !== 'function');
  return `the native addon lacks ${missing.join(', ')} (rebuild it: node scripts/build-native.mjs)`;
}

export function requireSocketAddon(feature: string): SocketAddon {
  const s = socketAddon();
  if (s === null) throw new TsdpdkError('ENOTSUP', `${feature} needs AF_UNIX SOCK_SEQPACKET sockets from the native addon: ${socketAddonError()}`);
  return s;
}
