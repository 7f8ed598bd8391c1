// Telemetry v2 (lib/telemetry, DPDK 22.11): the `dpdk_telemetry.v2` SOCK_SEQPACKET socket in the runtime
// directory, served by a dedicated worker thread (see server.ts) that reads ports, mempools and rings
// straight from shared memory.

import { existsSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { fail, TsdpdkError } from '../eal/errors.js';
import { ealRuntime, type WorkerBoot } from '../eal/eal.js';
import { lcoreState } from '../eal/lcore.js';
import { log, LogLevel, registerLogType } from '../eal/log.js';
import { LCORE_ID_ANY, mm } from '../eal/state.js';
import { commandNameError } from './registry.js';
import type { ModuleCommand, ServerBoot } from './server.js';
import { requireSocketAddon } from './socket.js';
import './commands.js';

export { TelData, MAX_OUTPUT_LEN, MAX_CMD_LEN, E2BIG, type TelValueType, type TelDataType } from './data.js';
export { registerCommand, commandList, processRequest, greeting, type TelemetryCb } from './registry.js';
export { socketAddon, socketAddonError, requireSocketAddon, type SocketAddon } from './socket.js';

const LOG_TEL = registerLogType('lib.telemetry');
const SOCKET_NAME = 'dpdk_telemetry.v2';
const SUN_PATH_MAX = 108;

interface Running {
  worker: Worker;
  path: string;
  listenFd: number;
  ctl: Int32Array;
  port: MessagePort;
  ready: Promise<void>;
  exited: Promise<void>;
}

let running: Running | null = null;
const moduleCommands: ModuleCommand[] = [];
let exitHookPath: string | null = null;

/**
 * Registers a command for the server thread: it imports `moduleUrl` and registers its export
 * `exportName` (a TelemetryCb). Works before or after startTelemetry(); validated like
 * rte_telemetry_register_cmd (TsdpdkError EINVAL).
 */
export function registerCommandModule(name: string, moduleUrl: string | URL, exportName: string, help: string): void {
  const why = commandNameError(name, help);
  if (why !== null) fail('EINVAL', why);
  const m: ModuleCommand = { name, url: String(moduleUrl), exportName, help };
  moduleCommands.push(m);
  running?.port.postMessage(m);
}

/** create_socket: bind, or -EADDRINUSE when a live server answers, else unlink the stale file and rebind. */
function createSocket(path: string): number | 'inuse' {
  const sock = requireSocketAddon('telemetry');
  try {
    return sock.sockListen(path, 1);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
  }
  try {
    sock.sockClose(sock.sockConnect(path));
    return 'inuse';
  } catch { /* nobody listening: stale */ }
  try { unlinkSync(path); } catch { /* raced */ }
  try {
    return sock.sockListen(path, 1);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') return 'inuse';
    throw e;
  }
}

function removeSocketFile(): void {
  if (exitHookPath !== null) {
    try { unlinkSync(exitHookPath); } catch { /* gone */ }
  }
}

/**
 * rte_telemetry_init for the v2 socket: binds `<runtimeDir>/dpdk_telemetry.v2` (`:1`, `:2`... while live
 * processes hold the lower names) and starts the server thread. Returns the socket path, or null with
 * --no-telemetry. Throws ENOTSUP without the addon's socket functions, EALREADY when running.
 * Connections made before the thread is up wait in the backlog; telemetryReady() resolves once it serves.
 */
export function startTelemetry(): string | null {
  const rt = ealRuntime();
  if (!rt.options.telemetry) return null;
  if (running !== null) fail('EALREADY', `telemetry is already running on ${running.path}`);
  requireSocketAddon('telemetry');
  const dir = rt.runtimeDir.length > 0 ? rt.runtimeDir : '/tmp';
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail('ENOENT', `Cannot access DPDK runtime directory: ${dir}`);
  const base = join(dir, SOCKET_NAME);
  let path = base;
  let fd: number | 'inuse' = 'inuse';
  for (let suffix = 0; suffix < 0x8000; suffix++) {
    path = suffix === 0 ? base : `${base}:${suffix}`;
    if (Buffer.byteLength(path) >= SUN_PATH_MAX) fail('ENAMETOOLONG', `Error with socket binding, path too long: ${path}`);
    fd = createSocket(path);
    if (fd !== 'inuse') break;
  }
  if (fd === 'inuse') fail('EADDRINUSE', `no free telemetry socket name under ${base}`);
  const listenFd = fd;
  const table = lcoreState.table!;
  const main = table.lcores.find((l) => l.id === table.mainLcore)!;
  const boot: WorkerBoot = {
    lcoreId: LCORE_ID_ANY, socketId: main.socketId, cpus: main.cpus, plan: rt.plan, desc: mm().descriptor, table,
    procType: rt.procType, options: rt.options, ealArgs: rt.ealArgs, appArgs: rt.appArgs, runtimeDir: rt.runtimeDir,
  };
  const ctlSab = new SharedArrayBuffer(8);
  const { port1, port2 } = new MessageChannel();
  const sb: ServerBoot = { boot, listenFd, path, ctl: ctlSab, modules: moduleCommands.slice(), port: port2 };
  let worker: Worker;
  try {
    worker = new Worker(new URL('./server.js', import.meta.url), { workerData: sb, transferList: [port2], stdout: false, stderr: false });
  } catch (e) {
    requireSocketAddon('telemetry').sockClose(listenFd);
    try { unlinkSync(path); } catch { /* gone */ }
    throw e;
  }
  worker.unref();
  port1.unref();
  let settle: { ok: () => void; ko: (e: Error) => void } = { ok: () => {}, ko: () => {} };
  const ready = new Promise<void>((ok, ko) => { settle = { ok, ko }; });
  ready.catch(() => {}); // callers that never wait must not see an unhandled rejection
  worker.on('message', (m: { kind: string; message?: string }) => {
    if (m.kind === 'ready') settle.ok();
    if (m.kind === 'error') {
      log(LogLevel.ERR, LOG_TEL, `TELEMETRY: server thread failed: ${m.message}\n`);
      settle.ko(new TsdpdkError('EFAULT', `telemetry server thread failed: ${m.message}`));
    }
  });
  worker.on('error', (e) => {
    log(LogLevel.ERR, LOG_TEL, `TELEMETRY: server thread died: ${e.message}\n`);
    settle.ko(e);
  });
  const exited = new Promise<void>((ok) => worker.once('exit', () => {
    settle.ko(new Error('telemetry server thread exited'));
    ok();
  }));
  running = { worker, path, listenFd, ctl: new Int32Array(ctlSab), port: port1, ready, exited };
  exitHookPath = path;
  process.once('exit', removeSocketFile);
  return path;
}

/** Resolves when the server thread serves requests (rejects if it failed to start). */
export function telemetryReady(): Promise<void> {
  if (running === null) return Promise.reject(new TsdpdkError('ENODEV', 'telemetry is not running'));
  return running.ready;
}

/** The socket path being served, or null. */
export function telemetrySocketPath(): string | null {
  return running?.path ?? null;
}

/** Connected clients right now (at most 10). */
export function telemetryClientCount(): number {
  return running === null ? 0 : Atomics.load(running.ctl, 1);
}

/** Stops the server thread, closes every client and removes the socket file. Call before eal.cleanup(). */
export async function stopTelemetry(timeoutMs = 3000): Promise<void> {
  const r = running;
  if (r === null) return;
  running = null;
  Atomics.store(r.ctl, 0, 1);
  const sock = requireSocketAddon('telemetry');
  try { sock.sockShutdown(r.listenFd); } catch { /* already closed by the thread */ }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    r.exited.then(() => false),
    new Promise<boolean>((ok) => { timer = setTimeout(() => ok(true), timeoutMs); }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    log(LogLevel.WARNING, LOG_TEL, 'TELEMETRY: server thread did not stop in time; terminating it\n');
    await r.worker.terminate();
  }
  r.port.close();
  try { unlinkSync(r.path); } catch { /* gone */ }
  if (exitHookPath === r.path) {
    process.removeListener('exit', removeSocketFile);
    exitHookPath = null;
  }
}
