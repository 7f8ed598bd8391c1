// Loader for the native addon (native/tsdpdk.cc): the Linux calls Node has no API for.
// Optional by design: without it only the pure-TypeScript subset (--no-huge / --in-memory) works.

import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TsdpdkError } from './errors.js';

export interface NativeAddon {
  /** Virtual address of the SharedArrayBuffer's first byte. */
  bufferAddress(sab: SharedArrayBuffer): bigint;
  /** mmap(base+byteOffset, length, RW, MAP_SHARED|MAP_FIXED[|MAP_POPULATE], fd, fileOffset). byteOffset+base and length must be page aligned for the file (2 MiB for hugetlbfs). Throws on failure.
   *  Refuses (code EINVAL) a non-hugetlbfs file shorter than fileOffset+length, which would SIGBUS on touch.
   *  If mmap itself fails the range may come back as zero pages (the kernel can drop the old pages first):
   *  fallocate hugetlbfs files beforehand so a mapping cannot fail for lack of pages. */
  mapFile(sab: SharedArrayBuffer, byteOffset: number, length: number, fd: number, fileOffset: number, populate: boolean): void;
  /** Put fresh private anonymous zero pages back over [byteOffset, byteOffset+length) (MAP_FIXED), undoing mapFile. */
  unmapRegion(sab: SharedArrayBuffer, byteOffset: number, length: number): void;
  /** memfd_create(name, MFD_CLOEXEC | (hugetlb ? MFD_HUGETLB : 0)) -> fd */
  memfdCreate(name: string, hugetlb: boolean): number;
  /** fallocate(fd, 0, offset, length): reserves pages (hugetlbfs) so a later fault cannot SIGBUS. */
  fallocate(fd: number, offset: number, length: number): void;
  /** fcntl F_SETLK (wait=false) / F_SETLKW (wait=true) write (exclusive) or read lock over the whole file; returns false when another process holds a conflicting lock (EAGAIN/EACCES), throws on other errors. */
  lockFile(fd: number, exclusive: boolean, wait: boolean): boolean;
  /** Release the fcntl lock. */
  unlockFile(fd: number): void;
  /** sched_setaffinity(0, ...) for the calling thread. */
  setAffinity(cpus: number[]): void;
  /** sched_getaffinity(0) for the calling thread, sorted CPU ids. */
  getAffinity(): number[];
  gettid(): number;
}

const FUNCTIONS: readonly (keyof NativeAddon)[] = [
  'bufferAddress', 'mapFile', 'unmapRegion', 'memfdCreate', 'fallocate',
  'lockFile', 'unlockFile', 'setAffinity', 'getAffinity', 'gettid',
];

/** The package root: the nearest ancestor holding package.json and native/ (works from src/ and dist/src/). */
function packageRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  let firstPkg: string | null = null;
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      if (existsSync(join(dir, 'native'))) return dir;
      firstPkg ??= dir;
    }
    if (dirname(dir) === dir) return firstPkg ?? join(start, '..', '..', '..', '..');
  }
}

let root: string | null = null;
function rootDir(): string {
  return (root ??= packageRoot());
}

/** Absolute path of the addon file (whether or not it exists). */
export function nativeAddonPath(): string {
  return join(rootDir(), 'native', 'build', 'Release', 'tsdpdk.node');
}

let loaded = false;
let addon: NativeAddon | null = null;
let loadError: string | null = null;

/** The addon, or null when it is not built or cannot load (see nativeLoadError()). Cached. */
export function loadNative(): NativeAddon | null {
  if (loaded) return addon;
  loaded = true;
  const path = nativeAddonPath();
  if (!existsSync(path)) {
    // The install hook leaves the build failure here.
    const log = join(rootDir(), 'native', 'build-native.log');
    let why = '';
    try { why = ` (build failed: ${readFileSync(log, 'utf8').split('\n')[0]})`; } catch { /* no log: never built */ }
    loadError = `${path} not found${why}`;
    return null;
  }
  try {
    const mod = createRequire(import.meta.url)(path) as Record<string, unknown>;
    const missing = FUNCTIONS.filter((f) => typeof mod[f] !== 'function');
    // A stale build from an older tsdpdk would fail later in confusing ways.
    if (missing.length > 0) {
      loadError = `${path} is out of date (missing ${missing.join(', ')})`;
      return null;
    }
    addon = mod as unknown as NativeAddon;
  } catch (err) {
    loadError = `${path}: ${err instanceof Error ? err.message : String(err)}`;
  }
  return addon;
}

/** Why the addon is unavailable (path tried and error), or null when it loads. */
export function nativeLoadError(): string | null {
  loadNative();
  return loadError;
}

/** The addon, or a TsdpdkError('ENOTSUP') naming the feature that needs it. */
export function requireNative(feature: string): NativeAddon {
  const a = loadNative();
  if (a) return a;
  throw new TsdpdkError('ENOTSUP',
    `${feature} needs the native addon (native/build/Release/tsdpdk.node), which is not available: ${loadError}. `
    + 'Rebuild it with `npm rebuild` (needs python3, make, g++), or use --no-huge / --in-memory for the pure-TypeScript subset.');
}
