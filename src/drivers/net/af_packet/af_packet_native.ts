// Typed view of the addon's AF_PACKET functions (native/packet.cc) and the ring mapping over the window.

import { closeSync, openSync } from 'node:fs';
import * as eal from '../../../lib/eal/index.js';
import { fail, TsdpdkError, type ErrnoCode } from '../../../lib/eal/errors.js';
import { loadNative, nativeLoadError } from '../../../lib/eal/native.js';
import { hugepageFileName, shmFileName } from '../../../lib/eal/memory.js';

export interface IfInfo {
  ifindex: number;
  mac: number[];
  hwtype: number;
  mtu: number;
  flags: number;
}

export interface PacketAddon {
  packetIfInfo(name: string): IfInfo;
  packetIfSetFlags(name: string, set: number, clear: number): void;
  packetIfSetMtu(name: string, mtu: number): void;
  packetIfSetMac(name: string, mac: number[]): void;
  /**
   * TPACKET_V2/V3 socket with an RX ring (rings & 1) and/or a TX ring (rings & 2), PACKET_LOSS, bound to
   * ifindex (ETH_P_ALL when it has an RX ring, else protocol 0: receives nothing); fanoutArg 0 = no fanout.
   */
  packetSocket(ifindex: number, version: number, rings: number, blockSize: number, blockNr: number, frameSize: number, frameNr: number,
    retireTovMs: number, qdiscBypass: number, fanoutArg: number, ignoreOutgoing: number): number;
  packetMapRing(sab: SharedArrayBuffer, byteOffset: number, length: number, fd: number): void;
  /** send(fd, NULL, 0, MSG_DONTWAIT): 0 or errno. */
  packetKick(fd: number): number;
  /** [tp_packets, tp_drops, tp_freeze_q_cnt] since the last call (freeze 0 on V2). */
  packetStats(fd: number): [number, number, number];
  packetClose(fd: number): void;
  /** PACKET_MR_PROMISC membership on ifindex for this socket (dropped when it closes). */
  packetPromisc(fd: number, ifindex: number): void;
}

const FUNCS: readonly (keyof PacketAddon)[] = [
  'packetIfInfo', 'packetIfSetFlags', 'packetIfSetMtu', 'packetIfSetMac', 'packetSocket', 'packetMapRing',
  'packetKick', 'packetStats', 'packetClose', 'packetPromisc',
];

let cached: PacketAddon | null = null;

/** The addon's AF_PACKET functions, or ENOTSUP naming what is missing. */
export function packetAddon(who: string): PacketAddon {
  if (cached !== null) return cached;
  const a = loadNative() as unknown as Record<string, unknown> | null;
  if (a === null) fail('ENOTSUP', `${who}: needs the native addon, which is not available: ${nativeLoadError()}`);
  const missing = FUNCS.filter((f) => typeof a[f] !== 'function');
  if (missing.length > 0) fail('ENOTSUP', `${who}: the native addon has no AF_PACKET support (missing ${missing.join(', ')}); rebuild it with \`npm rebuild\``);
  cached = a as unknown as PacketAddon;
  return cached;
}

const KNOWN = new Set(['EPERM', 'ENOENT', 'EIO', 'EBADF', 'EAGAIN', 'ENOMEM', 'EACCES', 'EFAULT', 'EBUSY', 'EEXIST', 'ENODEV',
  'EINVAL', 'ENOSPC', 'ENAMETOOLONG', 'ENOSYS', 'ENOBUFS', 'EOVERFLOW', 'ERANGE']);

/** Runs an addon call, turning its errno-coded Error into a TsdpdkError with context. */
export function sys<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw asTsdpdk(what, e);
  }
}

/** An addon error as a TsdpdkError with the same errno name (ENXIO -> ENODEV, EOPNOTSUPP -> ENOTSUP). */
export function asTsdpdk(what: string, e: unknown): TsdpdkError {
  if (e instanceof TsdpdkError) return e;
  const err = e as Error & { code?: string };
  const code = (err.code === 'EOPNOTSUPP' ? 'ENOTSUP' : err.code === 'ENXIO' ? 'ENODEV' : err.code) as ErrnoCode | undefined;
  const c: ErrnoCode = code !== undefined && (KNOWN.has(code) || code === 'ENOTSUP') ? code : err instanceof RangeError || err instanceof TypeError ? 'EINVAL' : 'EIO';
  return new TsdpdkError(c, `${what}: ${err.message}`);
}

/** Granularity at which a window range can be replaced by another mapping (hugepage size in huge mode). */
export function mapGranule(): number {
  const p = eal.ealRuntime().plan;
  return p.mode === 'huge' ? p.pageSize : 4096;
}

/** Puts the window's own backing back over [off, off+len) after a ring was mapped there. */
export function restoreWindow(off: number, len: number): boolean {
  const p = eal.ealRuntime().plan;
  const w = eal.sharedWindow();
  const native = loadNative()!;
  if (p.mode === 'anon') {
    native.unmapRegion(w.buffer, w.base + off, len);
    return true;
  }
  if (p.mode === 'shm') {
    const fd = openSync(shmFileName(p.prefix), 'r+');
    try {
      native.mapFile(w.buffer, w.base + off, len, fd, off, false);
    } finally {
      closeSync(fd);
    }
    return true;
  }
  // Hugepages: remap each page from its file when it still has a name, else leave zero pages (and keep the block).
  if (p.inMemory || p.hugeUnlink === 'always' || p.hugeDir === null) {
    native.unmapRegion(w.buffer, w.base + off, len);
    return false;
  }
  for (let o = off; o < off + len; o += p.pageSize) {
    const fd = openSync(hugepageFileName(p.hugeDir, p.prefix, o / p.pageSize), 'r+');
    try {
      native.mapFile(w.buffer, w.base + o, p.pageSize, fd, 0, true);
    } finally {
      closeSync(fd);
    }
  }
  return true;
}
