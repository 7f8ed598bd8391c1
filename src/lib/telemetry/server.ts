// Telemetry server thread (worker_threads entry). Attaches to the process's EAL (same Memory, not an
// lcore), loads the drivers and the standard commands, then serves the listening socket it was given.
// One thread, poll(): up to MAX_CONNECTIONS clients served in turn, one request at a time (DPDK runs a
// thread per client; handlers here are short and synchronous, so one poll loop gives the same replies).

import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { attachWorkerThread, type WorkerBoot } from '../eal/eal.js';
import { log, LogLevel, registerLogType } from '../eal/log.js';
import '../../drivers/net/index.js';
import './commands.js';
import { greeting, processRequest, registerCommand, setHandlerErrorSink, type TelemetryCb } from './registry.js';
import { requireSocketAddon } from './socket.js';

export interface ModuleCommand {
  name: string;
  url: string;
  exportName: string;
  help: string;
}

export interface ServerBoot {
  boot: WorkerBoot;
  listenFd: number;
  path: string;
  /** Int32Array: [0] stop request, [1] connected clients. */
  ctl: SharedArrayBuffer;
  modules: ModuleCommand[];
  port: MessagePort;
}

const MAX_CONNECTIONS = 10;
const REQ_BUF = 1023; // read(s, buffer, sizeof(buffer) - 1)
const POLL_MS = 200;
const POLLIN = 0x1;
const POLLERR = 0x8;
const POLLHUP = 0x10;
const POLLNVAL = 0x20;

const LOG_TEL = registerLogType('lib.telemetry');
const sb = workerData as ServerBoot;

function logMsg(level: number, msg: string): void {
  log(level, LOG_TEL, `TELEMETRY: ${msg}\n`);
}

async function loadModule(m: ModuleCommand): Promise<void> {
  try {
    const mod = (await import(m.url)) as Record<string, unknown>;
    const fn = mod[m.exportName];
    if (typeof fn !== 'function') throw new Error(`${m.url} has no function export '${m.exportName}'`);
    registerCommand(m.name, fn as TelemetryCb, m.help);
  } catch (e) {
    logMsg(LogLevel.ERR, `cannot register ${m.name}: ${(e as Error).message}`);
  }
}

async function serve(): Promise<void> {
  const sock = requireSocketAddon('telemetry');
  const ctl = new Int32Array(sb.ctl);
  const listenFd = sb.listenFd;
  const clients: number[] = [];
  const fds = new Int32Array(1 + MAX_CONNECTIONS);
  const rev = new Int32Array(1 + MAX_CONNECTIONS);
  const buf = new Uint8Array(REQ_BUF);
  const hello = greeting();
  const drop = (i: number): void => {
    try { sock.sockClose(clients[i]!); } catch { /* already gone */ }
    clients.splice(i, 1);
    Atomics.store(ctl, 1, clients.length);
  };
  try {
    while (Atomics.load(ctl, 0) === 0) {
      for (let m = receiveMessageOnPort(sb.port); m !== undefined; m = receiveMessageOnPort(sb.port)) {
        await loadModule(m.message as ModuleCommand);
      }
      fds[0] = listenFd;
      for (let i = 0; i < clients.length; i++) fds[i + 1] = clients[i]!;
      const nfds = 1 + clients.length;
      if (sock.sockPoll(fds.subarray(0, nfds), rev, POLL_MS) === 0) continue;
      if (Atomics.load(ctl, 0) !== 0) break;
      // Clients first (indexes shift when one goes), newest last.
      for (let i = nfds - 2; i >= 0; i--) {
        if ((rev[i + 1]! & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) === 0) continue;
        const c = clients[i]!;
        let n: number;
        try {
          n = sock.sockRecv(c, buf);
        } catch {
          n = -1;
        }
        if (n <= 0) {
          drop(i);
          continue;
        }
        try {
          sock.sockSend(c, processRequest(buf.subarray(0, n)));
        } catch (e) {
          logMsg(LogLevel.DEBUG, `reply failed: ${(e as Error).message}`);
          drop(i);
        }
      }
      if ((rev[0]! & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) !== 0) {
        let c: number;
        try {
          c = sock.sockAccept(listenFd);
        } catch (e) {
          if (Atomics.load(ctl, 0) !== 0) break;
          logMsg(LogLevel.ERR, `Error with accept, telemetry thread quitting (${(e as Error).message})`);
          break;
        }
        if (clients.length >= MAX_CONNECTIONS) {
          sock.sockClose(c); // like DPDK: accepted, then closed
          continue;
        }
        try {
          sock.sockSend(c, hello);
          clients.push(c);
          Atomics.store(ctl, 1, clients.length);
        } catch {
          sock.sockClose(c);
        }
      }
    }
  } finally {
    while (clients.length > 0) drop(clients.length - 1);
    try { sock.sockClose(listenFd); } catch { /* closed by the main thread */ }
  }
}

try {
  attachWorkerThread(sb.boot);
  setHandlerErrorSink((cmd, e) => logMsg(LogLevel.ERR, `${cmd}: ${e instanceof Error ? e.message : String(e)}`));
  for (const m of sb.modules) await loadModule(m);
  parentPort!.postMessage({ kind: 'ready' });
  await serve();
  parentPort!.postMessage({ kind: 'stopped' });
} catch (e) {
  parentPort!.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
}
