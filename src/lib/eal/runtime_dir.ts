// DPDK's runtime directory: <base>/dpdk/<file-prefix>/ where base is $RUNTIME_DIRECTORY, /var/run for
// root, else $XDG_RUNTIME_DIR or /tmp.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from './errors.js';

export function runtimeBase(): string {
  const env = process.env;
  if (env.RUNTIME_DIRECTORY) return env.RUNTIME_DIRECTORY;
  if (typeof process.getuid === 'function' && process.getuid() === 0) return '/var/run';
  return env.XDG_RUNTIME_DIR || '/tmp';
}

export function runtimeDirPath(prefix: string): string {
  return join(runtimeBase(), 'dpdk', prefix);
}

export function createRuntimeDir(prefix: string): string {
  const dir = runtimeDirPath(prefix);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    fail('EACCES', `cannot create runtime directory ${dir}: ${(e as Error).message}`);
  }
  return dir;
}
