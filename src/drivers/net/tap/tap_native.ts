// Typed view of the addon's TUN/TAP functions (native/tap.cc).

import { fail } from '../../../lib/eal/errors.js';
import { loadNative, nativeLoadError } from '../../../lib/eal/native.js';

export interface TapAddon {
  /** Nonblocking IFF_TAP|IFF_NO_PI|IFF_MULTI_QUEUE queue fd; returns [fd, kernel's interface name]. */
  tapOpen(name: string, persist: boolean): [number, string];
  tapSetPersist(fd: number, on: number): void;
  tapClose(fd: number): void;
  /** Reads up to maxFrames frames into sab[memOff + i*frameSize], lengths as u32 at lensOff; count or -errno. */
  tapReadBurst(fd: number, sab: SharedArrayBuffer, memOff: number, frameSize: number, maxFrames: number, lensOff: number): number;
  /** Writes n packets from a gather list (u32 nsegs, u32 status, nsegs x (u32 off, u32 len)), offsets from base; packets consumed. */
  tapWriteBurst(fd: number, sab: SharedArrayBuffer, base: number, listOff: number, n: number): number;
  /** [ifindex, flags, mtu, mac0..mac5] */
  tapIfGet(name: string): number[];
  tapIfSetFlags(name: string, set: number, clear: number): void;
  tapIfSetMtu(name: string, mtu: number): void;
  tapIfSetMac(name: string, m0: number, m1: number, m2: number, m3: number, m4: number, m5: number): void;
}

const FUNCS = ['tapOpen', 'tapSetPersist', 'tapClose', 'tapReadBurst', 'tapWriteBurst'] as const;
// Interface control is the same for every kernel-backed PMD: the tapIf* calls use packet.cc's netdevice ioctls.
const IF_FUNCS = ['packetIfInfo', 'packetIfSetFlags', 'packetIfSetMtu', 'packetIfSetMac'] as const;

interface IfAddon {
  packetIfInfo(name: string): { ifindex: number; mac: number[]; mtu: number; flags: number };
  packetIfSetFlags(name: string, set: number, clear: number): void;
  packetIfSetMtu(name: string, mtu: number): void;
  packetIfSetMac(name: string, mac: number[]): void;
}

let cached: TapAddon | null = null;

/** The addon's TAP functions, or ENOTSUP naming what is missing. */
export function tapAddon(who: string): TapAddon {
  if (cached !== null) return cached;
  const a = loadNative() as unknown as Record<string, unknown> | null;
  if (a === null) fail('ENOTSUP', `${who}: needs the native addon, which is not available: ${nativeLoadError()}`);
  const missing = [...FUNCS, ...IF_FUNCS].filter((f) => typeof a[f] !== 'function');
  if (missing.length > 0) fail('ENOTSUP', `${who}: the native addon has no TAP support (missing ${missing.join(', ')}); rebuild it with \`npm rebuild\``);
  const n = a as unknown as TapAddon & IfAddon;
  cached = {
    tapOpen: n.tapOpen,
    tapSetPersist: n.tapSetPersist,
    tapClose: n.tapClose,
    tapReadBurst: n.tapReadBurst,
    tapWriteBurst: n.tapWriteBurst,
    tapIfGet: (name) => {
      const i = n.packetIfInfo(name);
      return [i.ifindex, i.flags, i.mtu, ...i.mac];
    },
    tapIfSetFlags: n.packetIfSetFlags,
    tapIfSetMtu: n.packetIfSetMtu,
    tapIfSetMac: (name, m0, m1, m2, m3, m4, m5) => n.packetIfSetMac(name, [m0, m1, m2, m3, m4, m5]),
  };
  return cached;
}
