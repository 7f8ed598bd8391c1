// Per-thread EAL state. Each worker lcore is its own JS realm and gets its own copy, filled in by
// the worker entry; the shared parts (memory) are views over the same Memory.

import { fail } from './errors.js';
import type { MemoryManager } from './memory.js';

export const LCORE_ID_ANY = 0xffffffff;
export const SOCKET_ID_ANY = -1;

export const state = {
  mm: null as MemoryManager | null,
  lcoreId: LCORE_ID_ANY,
  socketId: 0,
  procType: 'primary' as 'primary' | 'secondary',
  initialized: false,
};

export function mm(): MemoryManager {
  const m = state.mm;
  if (m === null) fail('ENODEV', 'EAL is not initialised: call eal.init() first');
  return m;
}
