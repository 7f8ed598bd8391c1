#!/usr/bin/env node
// tsdpdk-testpmd: dpdk-testpmd's run in TypeScript. EAL init, options, mbuf pools sized like testpmd's,
// ports configured/started/promiscuous, then either the testpmd> prompt or forwarding until Enter, EOF or
// SIGINT/SIGTERM (or the --stats-period loop), then testpmd's shutdown: stop forwarding (statistics),
// stop and close every port, "Bye...".

import '../../drivers/net/index.js';
import { basename } from 'node:path';
import * as eal from '../../lib/eal/index.js';
import * as ethdev from '../../lib/ethdev/index.js';
import { bestMempoolOps, pktmbufPoolCreate } from '../../lib/mbuf/index.js';
import { Mempool } from '../../lib/mempool/index.js';
import { pdumpInit } from '../../lib/pdump/index.js';
import { initCmdline, prompt, promptExit, readCommandsFromFile } from './cmdline.js';
import { fwdConfigSetup } from './config.js';
import { ctx, TestpmdExit, type Config } from './context.js';
import { startPacketForwarding, stopPacketForwarding } from './forwarding.js';
import { err, out } from './io.js';
import { parseParams, type ParamEnv } from './params.js';
import { closePort, initPortState, poolName, startPort, stopPort, tlog } from './ports.js';
import { SB_SIZE } from './shared.js';
import { printStats } from './stats.js';
import { strerror } from './strerror.js';

/** Pool accounting checked at exit (enable with --log-level=testpmd.mbuf:debug). */
const MBUF_LOGTYPE = eal.log.registerLogType('testpmd.mbuf', eal.log.LogLevel.INFO);

let fQuit = false;
let quitWaiter: (() => void) | null = null;

function onSignal(): void {
  fQuit = true;
  promptExit();
  quitWaiter?.();
}

function progName(): string {
  const a = process.argv[1] ?? '';
  const b = basename(a);
  return b === '' || b.endsWith('.js') ? 'tsdpdk-testpmd' : b;
}

/** Closes what is open and exits like rte_exit (cause) or exit() (no cause). */
async function terminate(code: number, cause: string | null): Promise<never> {
  if (eal.isInitialized()) {
    if (!ctx.testDone) {
      for (let lc = 0; lc < ctx.fwd.nbFwdLcores; lc++) Atomics.store(eal.sharedWindow().i32, (ctx.sharedBlock >>> 2) + lc, 1);
      for (const id of eal.workerLcores()) eal.waitLcore(id);
    }
    for (const pid of ethdev.ports()) {
      try {
        if (ethdev.isStarted(pid)) ethdev.stop(pid);
        ethdev.close(pid);
        // testpmd's RTE_ETH_EVENT_DESTROY callback, run by the EAL cleanup of rte_exit.
        out(`Port ${pid} is closed\n`);
      } catch {
        // best effort on the way out
      }
    }
    await eal.cleanup();
  }
  if (cause === null) process.exit(code);
  return eal.exit(code, cause);
}

function paramEnv(prog: string): ParamEnv {
  const minQ = (rx: boolean): { max: number; port: number } => {
    let max = 1024;
    let port = 0;
    for (const p of ethdev.ports()) {
      const i = ethdev.infoGet(p);
      const m = Math.min(rx ? i.maxRxQueues : i.maxTxQueues, ethdev.MAX_QUEUES_PER_PORT);
      if (m < max) {
        max = m;
        port = p;
      }
    }
    return { max: ethdev.ports().length > 0 ? max : 0, port };
  };
  return {
    prog,
    ports: ethdev.ports(),
    lcoreIsEnabled: (id) => eal.lcoreIsEnabled(id),
    mainLcore: eal.mainLcore(),
    maxRxq: () => minQ(true),
    maxTxq: () => minQ(false),
    port0Burst: () => (ethdev.isValidPort(0) ? ethdev.infoGet(0).defaultRxportconf.burstSize : null),
  };
}

/** set_def_fwd_config: every worker lcore may forward (one by default), all ports forward. */
function setDefaultFwdConfig(cfg: Config, ports: number[]): void {
  const sockets = ctx.sockets;
  const add = (s: number): void => {
    if (!sockets.includes(s)) sockets.push(s);
  };
  for (const l of eal.lcoreList()) add(eal.lcoreToSocketId(l));
  cfg.fwdLcores = eal.workerLcores();
  cfg.nbLcores = cfg.fwdLcores.length;
  cfg.nbCfgLcores = cfg.nbLcores;
  cfg.nbFwdLcores = 1;
  for (const p of ports) {
    const s = ethdev.socketIdOf(p);
    if (s >= 0) add(s);
  }
  cfg.fwdPorts = ports.slice();
  cfg.nbCfgPorts = ports.length;
  cfg.nbFwdPorts = ports.length;
}

/** init_config: port state, mbuf pools (mb_pool_<socket>[_<i>]) and the forwarding configuration. */
function initConfig(): void {
  const cfg = ctx.cfg;
  for (const pid of ethdev.ports()) initPortState(pid);
  // 2048 Rx + per-lcore caches + 2048 Tx + one max burst, for every possible port (testpmd's sizing).
  const n = cfg.totalNumMbufs || (2048 + cfg.nbLcores * cfg.mbcache + 2048 + 512) * 32;
  const poolSockets = cfg.numa ? ctx.sockets : [0];
  for (const socket of poolSockets) {
    for (let i = 0; i < cfg.mbufDataSize.length; i++) {
      const name = poolName(socket, i);
      tlog(eal.log.LogLevel.INFO, `create a new mbuf pool <${name}>: n=${n}, size=${cfg.mbufDataSize[i]}, socket=${socket}`);
      tlog(eal.log.LogLevel.INFO, `preferred mempool ops selected: ${bestMempoolOps()}`);
      try {
        const mp = pktmbufPoolCreate(name, n, cfg.mbcache, 0, cfg.mbufDataSize[i]!, socket);
        ctx.pools.set(name, mp.offset);
      } catch (e) {
        eal.log.logf(eal.log.LogLevel.ERR, eal.log.RTE_LOGTYPE_MEMPOOL, 'MEMPOOL', (e as Error).message);
        throw new TestpmdExit(1, `Creation of mbuf pool for socket ${socket} failed: ${strerror(e)}`);
      }
    }
  }
  fwdConfigSetup();
}

/** pmd_test_exit */
function pmdTestExit(): void {
  if (!ctx.testDone) stopPacketForwarding();
  ctx.cfg.noLinkCheck = true;
  for (const pid of ethdev.ports()) {
    out(`\nStopping port ${pid}...\n`);
    stopPort(pid);
  }
  for (const pid of ethdev.ports()) {
    out(`\nShutting down port ${pid}...\n`);
    closePort(pid);
  }
  for (const [name, off] of ctx.pools) {
    const mp = Mempool.attach(off);
    eal.log.logf(eal.log.LogLevel.DEBUG, MBUF_LOGTYPE, 'testpmd', `mbuf pool <${name}>: ${mp.availCount()} of ${mp.size} mbufs available after closing ports`);
    mp.free();
  }
  ctx.pools.clear();
  out('\nBye...\n');
}

/** Waits for Enter, EOF on stdin or a signal ("Press enter to exit"). */
function waitForExit(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      quitWaiter = null;
      process.stdin.pause();
      resolve();
    };
    quitWaiter = done;
    if (fQuit) return done();
    process.stdin.once('data', done);
    process.stdin.once('end', done);
    process.stdin.once('error', (e) => {
      void terminate(1, `Read failed: ${e.message}`);
    });
  });
}

/** The --stats-period loop: the screen at once, then every period (checked each second) until a signal. */
function statsPeriodLoop(period: number): Promise<void> {
  return new Promise((resolve) => {
    printStats();
    let acc = 0;
    let last = Date.now();
    const t = setInterval(() => {
      const now = Date.now();
      acc += now - last;
      last = now;
      if (acc >= period * 1000) {
        printStats();
        acc = 0;
      }
    }, 1000);
    quitWaiter = () => {
      clearInterval(t);
      quitWaiter = null;
      resolve();
    };
    if (fQuit) quitWaiter();
  });
}

async function run(): Promise<void> {
  const prog = progName();
  ctx.prog = prog;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let appArgs: string[];
  try {
    appArgs = eal.init(process.argv.slice(2), prog);
  } catch (e) {
    eal.log.logf(eal.log.LogLevel.ERR, eal.log.RTE_LOGTYPE_EAL, 'EAL', (e as Error).message);
    return terminate(1, `Cannot init EAL: ${strerror(e)}`);
  }
  // rte_pdump_init, as testpmd does: capture tools (tsdpdk-dumpcap, tsdpdk-pdump) ask over mp_pdump.
  // Without the mp channel (--in-memory, --no-shconf) there can be no capture tool anyway.
  if (eal.processType() === 'primary') {
    try {
      pdumpInit();
    } catch (e) {
      if ((e as eal.TsdpdkError).code !== 'ENOTSUP') throw e;
    }
  }
  const cfg = ctx.cfg;
  const ports = ethdev.ports();
  if (ports.length === 0) tlog(eal.log.LogLevel.WARNING, 'No probed ethernet devices');
  setDefaultFwdConfig(cfg, ports);
  if (cfg.nbLcores === 0) throw new TestpmdExit(1, 'No cores defined for forwarding\nCheck the core mask argument');
  const env = paramEnv(prog);
  initCmdline(env);
  if (appArgs.length > 0) parseParams(appArgs, cfg, env);
  if (cfg.txFirst && cfg.interactive) throw new TestpmdExit(1, '--tx-first cannot be used on interactive mode.');
  if (cfg.txFirst && cfg.lscInterrupt) {
    err('Warning: lsc_interrupt needs to be off when using tx_first. Disabling.\n');
    cfg.lscInterrupt = false;
  }
  if (cfg.nbRxq > 1 && cfg.nbRxq > cfg.nbTxq) {
    err(`Warning: nb_rxq=${cfg.nbRxq} enables RSS configuration, but nb_txq=${cfg.nbTxq} will prevent to fully test it.\n`);
  }
  ctx.sharedBlock = eal.zmalloc('testpmd_fwd', SB_SIZE, 64);
  initConfig();
  if (!cfg.noDeviceStart && startPort(-1) !== 0) {
    if (!cfg.interactive) throw new TestpmdExit(1, 'Start ports failed');
    err('Start ports failed\n');
  }
  for (const pid of ethdev.ports()) {
    try {
      ethdev.promiscuousEnable(pid);
    } catch (e) {
      err(`Error during enabling promiscuous mode for port ${pid}: ${strerror(e)} - ignore\n`);
    }
  }
  if (cfg.cmdlineFile !== null) readCommandsFromFile(cfg.cmdlineFile);
  if (cfg.interactive) {
    if (cfg.autoStart) {
      out('Start automatic packet forwarding\n');
      startPacketForwarding(0);
    }
    if (!fQuit) await prompt();
  } else {
    out('No commandline core given, start packet forwarding\n');
    startPacketForwarding(cfg.txFirst ? 1 : 0);
    if (cfg.statsPeriod !== 0) {
      await statsPeriodLoop(cfg.statsPeriod);
    } else {
      out('Press enter to exit\n');
      await waitForExit();
    }
  }
  pmdTestExit();
  eal.free(ctx.sharedBlock);
  await eal.cleanup();
  process.exit(0);
}

run().catch((e: unknown) => {
  if (e instanceof TestpmdExit) return terminate(e.code, e.causeText);
  if (e instanceof eal.TsdpdkError) return terminate(1, e.message);
  err(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return terminate(1, 'internal error');
});
