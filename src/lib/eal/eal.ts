// rte_eal_init / rte_eal_cleanup: options, lcores, runtime directory, process type, shared memory,
// worker lcore threads.

import { constants, closeSync, existsSync, rmdirSync, openSync, readdirSync, unlinkSync, writeSync, ftruncateSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fail, TsdpdkError } from './errors.js';
import { findHugepages } from './hugepage_info.js';
import { ERR_SIZE, lcoreState, SLOT_SIZE, startWorkers, stopWorkers, type LcoreConfig, type LcoreTable } from './lcore.js';
import { applyLogLevels, log, logf, logLevelHelp, LogLevel, registerLogType, setSyslogFacility } from './log.js';
import { MemoryManager, readConfigFile, type MemoryPlan } from './memory.js';
import { loadNative } from './native.js';
import { ealUsage, parseEalArgs, type EalOptions } from './options.js';
import { privateAlloc, type WindowDescriptor } from './shared_memory.js';
import { setLockThreadSlot } from './spinlock.js';
import { LCORE_ID_ANY, mm, state } from './state.js';
import { readTopology } from './topology.js';
import { createRuntimeDir } from './runtime_dir.js';
import { MAX_LCORE } from './layout.js';
import { probeBuses } from './bus.js';
import { startTelemetry, stopTelemetry } from '../telemetry/index.js';
import { configFileLocked, mpDisabled, mpInitComplete, startMp, stopMp } from './mp_channel.js';

const LOG_EAL = registerLogType('lib.eal');
export const VERSION = 'tsdpdk 0.1.0';

const MB = 1 << 20;
const NO_HUGE_DEFAULT_MB = 64; // DPDK's MEMSIZE_IF_NO_HUGE_PAGE
const MAX_WINDOW = 3 * 1024 * MB; // wasm32 Memory is at most 4 GiB; leave room for the private area

export interface EalRuntime {
  options: EalOptions;
  ealArgs: string[];
  appArgs: string[];
  runtimeDir: string;
  procType: 'primary' | 'secondary';
  plan: MemoryPlan;
  configFd: number | null;
}

/** What a worker lcore thread receives to attach to its process's EAL. */
export interface WorkerBoot {
  lcoreId: number;
  socketId: number;
  cpus: number[];
  plan: MemoryPlan;
  desc: WindowDescriptor;
  table: LcoreTable;
  procType: 'primary' | 'secondary';
  options: EalOptions;
  ealArgs: string[];
  appArgs: string[];
  runtimeDir: string;
}

let runtime: EalRuntime | null = null;

export function ealRuntime(): EalRuntime {
  if (runtime === null) fail('ENODEV', 'EAL is not initialised: call eal.init() first');
  return runtime;
}

function info(msg: string): void {
  log(LogLevel.INFO, LOG_EAL, `EAL: ${msg}\n`);
}

function buildLcoreTable(o: EalOptions): LcoreTable {
  const topo = readTopology();
  const native = loadNative();
  let map = o.lcores;
  if (map === null) {
    const cpus = native ? native.getAffinity() : topo.cpus;
    map = new Map(cpus.filter((c) => c < MAX_LCORE).map((c) => [c, [c]]));
  }
  const lcores: LcoreConfig[] = [];
  for (const [id, cpus] of [...map.entries()].sort((a, b) => a[0] - b[0])) {
    for (const c of cpus) {
      if (!topo.cpuSocket.has(c)) fail('EINVAL', `lcore ${id}: cpu ${c} is not available on this machine (online: ${topo.cpus.join(',')})`);
    }
    lcores.push({ id, cpus: cpus.slice(), socketId: topo.cpuSocket.get(cpus[0]!) ?? 0, role: 'rte' });
  }
  for (const s of o.serviceCores) {
    const l = lcores.find((x) => x.id === s);
    if (l) l.role = 'service';
  }
  if (lcores.length === 0) fail('EINVAL', 'no lcore enabled');
  const enabled = lcores.filter((l) => l.role === 'rte').map((l) => l.id);
  const mainLcore = o.mainLcore ?? enabled[0];
  if (mainLcore === undefined || !enabled.includes(mainLcore)) {
    fail('EINVAL', `main lcore ${mainLcore} is not enabled (enabled: ${enabled.join(',')})`);
  }
  return { lcores, mainLcore, slotBase: 0, errBase: 0 };
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function iommuEnabled(): boolean {
  try {
    return readdirSync('/sys/kernel/iommu_groups').length > 0;
  } catch {
    return false;
  }
}

function planMemory(o: EalOptions, prefix: string, runtimeDir: string): MemoryPlan {
  const native = loadNative();
  const base = {
    prefix, runtimeDir, inMemory: o.inMemory, hugeUnlink: o.hugeUnlink, primaryPid: process.pid, primaryWindowVa: '0x0',
  };
  if (o.noHuge) {
    if (o.iovaMode === 'pa') fail('EINVAL', 'Cannot use IOVA as \'PA\' since physical addresses are not available (--no-huge)');
    const mb = o.memoryMb ?? NO_HUGE_DEFAULT_MB;
    const pageSize = 2 * MB;
    const windowSize = Math.ceil((mb * MB) / pageSize) * pageSize;
    if (windowSize > MAX_WINDOW) fail('EINVAL', `-m ${mb}: at most ${MAX_WINDOW / MB} MB fit in the shared window`);
    const shareable = !o.inMemory && !o.noShconf && native !== null;
    return {
      ...base, mode: shareable ? 'shm' : 'anon', hugeDir: null, pageSize, windowSize, numSockets: 1, socketIds: [0],
      preallocate: [windowSize], limits: [0], iovaMode: 'va',
    };
  }
  if (native === null) {
    fail('ENOTSUP', `hugepage memory needs the native addon, which is not available; run with --no-huge (or --in-memory --no-huge) for the pure-TypeScript subset`);
  }
  const hp = findHugepages(o.hugeDir);
  const topo = readTopology();
  const socketIds = topo.sockets;
  const n = socketIds.length;
  const ps = hp.pageSize;
  const prealloc = socketIds.map((_, i) => (o.socketMem ? (o.socketMem[i] ?? 0) * MB : o.memoryMb !== null && i === 0 ? o.memoryMb * MB : 0));
  const limits = socketIds.map((_, i) => (o.socketLimit ? (o.socketLimit[i] ?? 0) * MB : 0));
  const available = hp.totalPages * ps;
  const wanted = prealloc.reduce((a, b) => a + b, 0);
  if (hp.freePages * ps < wanted + ps) {
    fail('ENOMEM', `not enough free hugepages in ${hp.dir}: ${hp.freePages} free of ${ps / 1024} kB, ${Math.ceil((wanted + ps) / ps)} needed`);
  }
  let region = Math.floor(Math.min(MAX_WINDOW, Math.max(available, ps)) / n / ps) * ps;
  for (let i = 0; i < n; i++) {
    if (limits[i]! > 0) region = Math.max(region, Math.ceil(limits[i]! / ps) * ps);
    region = Math.max(region, Math.ceil((prealloc[i]! + (i === 0 ? ps : 0)) / ps) * ps);
  }
  if (region * n > MAX_WINDOW + ps) fail('EINVAL', `requested memory (${(region * n) / MB} MB) does not fit in the shared window (${MAX_WINDOW / MB} MB)`);
  let iova: 'pa' | 'va';
  if (o.iovaMode) {
    iova = o.iovaMode;
    if (iova === 'pa' && !isRoot()) fail('EPERM', 'Cannot use IOVA as \'PA\' since physical addresses are not available (needs root)');
  } else {
    iova = isRoot() && !iommuEnabled() ? 'pa' : 'va';
  }
  return {
    ...base, mode: 'huge', hugeDir: o.inMemory ? null : hp.dir, pageSize: ps, windowSize: region * n, numSockets: n, socketIds,
    preallocate: prealloc, limits, iovaMode: iova,
  };
}

/** Resolves --proc-type auto and checks a primary is alive for secondaries; returns the locked config fd for a primary. */
function resolveProcType(o: EalOptions, configPath: string, shared: boolean): { procType: 'primary' | 'secondary'; fd: number | null } {
  const native = loadNative();
  if (!shared) {
    if (o.procType === 'secondary') fail('EINVAL', 'a secondary process cannot run with --in-memory/--no-shconf');
    return { procType: 'primary', fd: null };
  }
  if (o.procType === 'secondary' || o.procType === 'auto') {
    if (existsSync(configPath) && native) {
      const fd = openSync(configPath, 'r+');
      const free = native.lockFile(fd, false, false);
      if (free) {
        native.unlockFile(fd);
        closeSync(fd);
        if (o.procType === 'secondary') fail('ENOENT', `no primary process is running with --file-prefix '${basename(configPath.replace(/\/config$/, ''))}' (${configPath} is not locked)`);
      } else {
        closeSync(fd);
        return { procType: 'secondary', fd: null };
      }
    } else if (o.procType === 'secondary') {
      fail('ENOENT', `Cannot open '${configPath}' for rte_mem_config: no primary process with this --file-prefix${native ? '' : ' (and the native addon, which secondaries need, is missing)'}`);
    }
  }
  if (!native) return { procType: 'primary', fd: null };
  const fd = openSync(configPath, constants.O_RDWR | constants.O_CREAT, 0o600);
  if (!native.lockFile(fd, true, false)) {
    closeSync(fd);
    fail('EBUSY', `Cannot create lock on '${configPath}'. Is another primary process running?`);
  }
  return { procType: 'primary', fd };
}

/**
 * rte_eal_init. `args` are the EAL arguments without the program name (as in process.argv.slice(2));
 * returns the application's arguments (everything after `--`). Throws TsdpdkError on bad options.
 */
export function init(args: string[], progName = basename(process.argv[1] ?? 'tsdpdk')): string[] {
  if (state.initialized) fail('EALREADY', 'EAL is already initialised');
  const topo0 = readTopology();
  const nat = loadNative();
  const parsed = parseEalArgs([progName, ...args], {
    detectedCpus: topo0.cpus,
    affinityCpus: nat ? nat.getAffinity() : topo0.cpus,
  });
  const o = parsed.options;
  for (const d of parsed.diagnostics) {
    if (d.level === 0) process.stderr.write(d.message.endsWith('\n') ? d.message : d.message + '\n');
    else logf(d.level, LOG_EAL, 'EAL', d.message);
  }
  if (o.logLevelHelp) {
    process.stdout.write(logLevelHelp());
    process.exit(0);
  }
  if (o.help) {
    process.stdout.write(ealUsage(progName));
    process.exit(0);
  }
  applyLogLevels(o.logLevels);
  if (o.syslogFacility !== null) setSyslogFacility(o.syslogFacility);
  if (o.version) info(`RTE Version: '${VERSION}'`);
  const table = buildLcoreTable(o);
  const topo = readTopology();
  info(`Detected CPU lcores: ${topo.cpus.length}`);
  info(`Detected NUMA nodes: ${topo.sockets.length}`);

  const runtimeDir = createRuntimeDir(o.filePrefix);
  const configPath = join(runtimeDir, 'config');
  const shared = !o.inMemory && !o.noShconf;
  let resolved: { procType: 'primary' | 'secondary'; fd: number | null };
  try {
    resolved = resolveProcType(o, configPath, shared);
  } catch (e) {
    removeIfEmpty(runtimeDir); // a secondary without a primary leaves nothing behind
    throw e;
  }
  const { procType, fd } = resolved;

  let mmgr: MemoryManager;
  let plan: MemoryPlan;
  try {
    if (procType === 'secondary') {
      plan = readConfigFile(configPath);
      mmgr = MemoryManager.attachSecondary(plan);
    } else {
      plan = planMemory(o, o.filePrefix, runtimeDir);
      if (!shared && plan.mode === 'shm') plan.mode = 'anon';
      mmgr = MemoryManager.createPrimary(plan);
      if (fd !== null) {
        ftruncateSync(fd, 0);
        writeSync(fd, JSON.stringify(plan, null, 1) + '\n', 0);
      }
    }
  } catch (e) {
    if (fd !== null) closeSync(fd);
    if (fd !== null) {
      try { unlinkSync(configPath); } catch { /* gone */ }
    }
    removeIfEmpty(runtimeDir);
    throw e;
  }
  info(`Selected IOVA mode '${plan.iovaMode.toUpperCase()}'`);
  if (procType === 'secondary') info(`Attached to primary (pid ${plan.primaryPid}) memory of file prefix '${plan.prefix}'`);

  const w = mmgr.window;
  table.slotBase = privateAlloc(w, MAX_LCORE * SLOT_SIZE);
  table.errBase = privateAlloc(w, MAX_LCORE * ERR_SIZE);
  w.memU8.fill(0, table.slotBase, table.slotBase + MAX_LCORE * SLOT_SIZE);
  lcoreState.table = table;
  lcoreState.memI32 = w.memI32;
  lcoreState.memU8 = w.memU8;
  state.mm = mmgr;
  state.lcoreId = table.mainLcore;
  const mainCfg = table.lcores.find((l) => l.id === table.mainLcore)!;
  state.socketId = mainCfg.socketId;
  state.procType = procType;
  state.initialized = true;
  setLockThreadSlot(table.mainLcore);
  runtime = { options: o, ealArgs: parsed.ealArgs, appArgs: parsed.appArgs, runtimeDir, procType, plan, configFd: fd };
  const native = loadNative();
  if (native) {
    try {
      native.setAffinity(mainCfg.cpus);
    } catch (e) {
      log(LogLevel.WARNING, LOG_EAL, `EAL: cannot pin main lcore ${table.mainLcore} to cpus ${mainCfg.cpus.join(',')}: ${(e as Error).message}\n`);
    }
  }
  try {
    startWorkers(new URL('./lcore_worker.js', import.meta.url), (id) => {
      const l = table.lcores.find((x) => x.id === id)!;
      const boot: WorkerBoot = {
        lcoreId: id, socketId: l.socketId, cpus: l.cpus, plan, desc: mmgr.descriptor, table, procType, options: o,
        ealArgs: parsed.ealArgs, appArgs: parsed.appArgs, runtimeDir,
      };
      return boot;
    });
    if (shared) startMpOrWarn(runtimeDir, procType, mainBoot(runtime!));
    else mpDisabled();
    if (procType === 'primary') probeBuses(o);
    if (o.telemetry) startTelemetryOrWarn();
    mpInitComplete();
  } catch (e) {
    void cleanup();
    throw e;
  }
  return parsed.appArgs.slice();
}

function mainBoot(rt: EalRuntime): WorkerBoot {
  const table = lcoreState.table!;
  const main = table.lcores.find((l) => l.id === table.mainLcore)!;
  return {
    lcoreId: LCORE_ID_ANY, socketId: main.socketId, cpus: main.cpus, plan: rt.plan, desc: mm().descriptor, table,
    procType: rt.procType, options: rt.options, ealArgs: rt.ealArgs, appArgs: rt.appArgs, runtimeDir: rt.runtimeDir,
  };
}

/** rte_mp_channel_init; without the addon's mp functions (pure-TS subset) it is skipped with a warning. */
function startMpOrWarn(runtimeDir: string, procType: 'primary' | 'secondary', boot: WorkerBoot): void {
  try {
    startMp(runtimeDir, procType, boot);
  } catch (e) {
    if (e instanceof TsdpdkError && e.code === 'ENOTSUP') {
      log(LogLevel.WARNING, LOG_EAL, `EAL: multi-process channel disabled: ${e.message}\n`);
      return;
    }
    throw e;
  }
}

/**
 * rte_eal_primary_proc_alive: whether a primary holds the lock on `configPath` (default: this process's
 * <runtime>/config). In the primary itself, with no path, true.
 */
export function primaryProcAlive(configPath?: string): boolean {
  const rt = configPath === undefined ? ealRuntime() : runtime;
  const own = rt === null ? null : join(rt.runtimeDir, 'config');
  // Our own lock: answer without opening the file (closing any fd of it would drop a primary's fcntl lock).
  if (rt !== null && rt.procType === 'primary' && (configPath === undefined || resolve(configPath) === own)) return rt.configFd !== null;
  return configFileLocked(configPath ?? own!);
}

/** Telemetry is on by default like DPDK's; without the addon (pure-TS subset) it is skipped with a warning. */
function startTelemetryOrWarn(): void {
  try {
    startTelemetry();
  } catch (e) {
    if (e instanceof TsdpdkError && e.code === 'ENOTSUP') {
      log(LogLevel.WARNING, LOG_EAL, `EAL: telemetry disabled: ${e.message}\n`);
      return;
    }
    throw e;
  }
}

/** Worker lcore side of init: same process, same Memory; rebuilds this thread's EAL state. */
export function attachWorkerThread(boot: WorkerBoot): void {
  applyLogLevels(boot.options.logLevels);
  const mmgr = MemoryManager.attachThread(boot.plan, boot.desc);
  lcoreState.table = boot.table;
  lcoreState.memI32 = mmgr.window.memI32;
  lcoreState.memU8 = mmgr.window.memU8;
  state.mm = mmgr;
  state.lcoreId = boot.lcoreId;
  state.socketId = boot.socketId;
  state.procType = boot.procType;
  state.initialized = true;
  setLockThreadSlot(boot.lcoreId);
  runtime = {
    options: boot.options, ealArgs: boot.ealArgs, appArgs: boot.appArgs, runtimeDir: boot.runtimeDir, procType: boot.procType,
    plan: boot.plan, configFd: null,
  };
  const native = loadNative();
  if (native) {
    try {
      native.setAffinity(boot.cpus);
    } catch (e) {
      log(LogLevel.WARNING, LOG_EAL, `EAL: cannot pin lcore ${boot.lcoreId} to cpus ${boot.cpus.join(',')}: ${(e as Error).message}\n`);
    }
  }
}

/** rte_eal_cleanup: stops the worker lcores, releases memory and (primary) its files and lock. */
export async function cleanup(): Promise<void> {
  if (!state.initialized || runtime === null) return;
  await stopTelemetry();
  await stopMp();
  // Reset this thread's state first so a failed init can be retried at once; then stop the workers.
  const rt = runtime;
  const m = state.mm;
  state.mm = null;
  state.initialized = false;
  state.lcoreId = 0xffffffff;
  runtime = null;
  const stopping = stopWorkers();
  lcoreState.table = null;
  await stopping;
  if (m !== null) {
    if (rt.procType === 'primary') m.removeFiles();
    m.unmapAll();
  }
  if (rt.configFd !== null) {
    try {
      unlinkSync(join(rt.runtimeDir, 'config'));
    } catch {
      /* already gone */
    }
    closeSync(rt.configFd);
  }
  // Unlike DPDK, drop the runtime directory when nothing is left in it (tests create many prefixes).
  if (rt.procType === 'primary') removeIfEmpty(rt.runtimeDir);
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    /* not empty (another process's files) or already gone */
  }
}

/** rte_exit: prints the cause like DPDK and exits. */
export function exit(code: number, cause: string): never {
  process.stderr.write(`EAL: Error - exiting with code: ${code}\n  Cause: ${cause}${cause.endsWith('\n') ? '' : '\n'}`);
  process.exit(code);
}

/** process type of this process. */
export function processType(): 'primary' | 'secondary' {
  return ealRuntime().procType;
}

export function isInitialized(): boolean {
  return state.initialized;
}

export { TsdpdkError };
