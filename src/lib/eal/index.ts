// Public face of the EAL (rte_eal.h, rte_lcore.h, rte_memzone.h, rte_malloc.h, rte_cycles.h, rte_log.h).

export { init, cleanup, exit, processType, isInitialized, ealRuntime, primaryProcAlive, VERSION, type EalRuntime } from './eal.js';
export * as mp from './mp.js';
export {
  lcoreId, mainLcore, lcoreCount, lcoreIsEnabled, lcoreToSocketId, lcoreCpuset, socketId, lcoreList, workerLcores,
  foreachWorker, getNextLcore, getLcoreState, remoteLaunch, mpRemoteLaunch, waitLcore, mpWaitLcore, waitLcoreAsync,
  lcoreLastError, type LcoreState, type LcoreConfig,
} from './lcore.js';
export { LCORE_ID_ANY, SOCKET_ID_ANY } from './state.js';
export {
  memzoneReserve, memzoneReserveAligned, memzoneLookup, memzoneFree, memzoneList, memzoneDump, type Memzone,
  MEMZONE_2MB, MEMZONE_1GB, MEMZONE_SIZE_HINT_ONLY, MEMZONE_IOVA_CONTIG,
} from './memzone.js';
export {
  malloc, mallocSocket, zmalloc, zmallocSocket, calloc, callocSocket, realloc, reallocSocket, free, mallocValidate,
  mallocGetSocketStats, mallocDumpStats, mallocDumpHeaps, type SocketStats,
} from './malloc.js';
export { getTscCycles, getTscHz, getTimerCycles, getTimerHz, delayUs, delayMs } from './cycles.js';
export { TsdpdkError, Errno, fail, type ErrnoCode } from './errors.js';
export { readTopology, type Topology } from './topology.js';
export { RTE_BAD_IOVA, type MemoryPlan } from './memory.js';
export { CACHE_LINE } from './layout.js';
export { loadKernel } from './wasm_kernel.js';
export { spinLock, spinUnlock, spinTryLock } from './spinlock.js';
export * as log from './log.js';
export { registerBus, busList, type Bus } from './bus.js';
export { parseEalArgs, ealUsage, type EalOptions } from './options.js';

import { mm } from './state.js';
import { privateAlloc, SharedWindow } from './shared_memory.js';

/** The process's shared window (views indexed by window offset). */
export function sharedWindow(): SharedWindow {
  return mm().window;
}

/** rte_mem_virt2iova for a window offset. */
export function virt2iova(offset: number): bigint {
  return mm().virt2iova(offset);
}

/** Virtual address of a window offset in this process (0n without the native addon). */
export function virt2va(offset: number): bigint {
  return mm().virt2va(offset);
}

/**
 * A burst array: a Uint32Array inside this process's Memory (not shared with other processes),
 * so Wasm kernels can copy to and from it. Allocate once at set-up, reuse on every burst.
 */
export function burstArray(n: number): Uint32Array {
  const w = mm().window;
  const off = privateAlloc(w, n * 4, 64);
  return new Uint32Array(w.buffer, off, n);
}

/** Memory segments (rte_memseg walk). */
export function memsegList(): { index: number; offset: number; length: number; iova: bigint; socket: number }[] {
  return mm().segments();
}

export { SharedWindow };
