#!/usr/bin/env node
// DPDK's l2fwd: forwards between port pairs (0<->1, 2<->3 or --portmap) on worker lcores, rewriting MACs
// unless --no-mac-updating, prints l2fwd's statistics screen every -T seconds, ends on SIGINT/SIGTERM.
//   node dist/examples/l2fwd/main.js -l 0-1 --no-huge --vdev net_null0 --vdev net_null1 -- -p 0x3
// Unlike DPDK the main lcore does not forward (it runs the event loop: signals, statistics), so ports go
// to worker lcores only; when there are too few for -q, each worker takes more ports (with a notice).

import '../../src/drivers/net/index.js';
import { basename } from 'node:path';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import * as eal from '../../src/lib/eal/index.js';
import * as ethdev from '../../src/lib/ethdev/index.js';
import { pktmbufPoolCreate, MBUF_DEFAULT_BUF_SIZE } from '../../src/lib/mbuf/index.js';
import type { Mempool } from '../../src/lib/mempool/index.js';
import { strerror } from '../../src/app/testpmd/strerror.js';
import { MAX_PORTS, pairPorts, parseArgs, type L2fwdArgs } from './args.js';
import { BLOCK_BYTES, MAX_PKT_BURST, ST_DROPPED, ST_RX, ST_TX, STOP_OFF, type LcoreConf } from './fwd.js';

const MEMPOOL_CACHE_SIZE = 256;
const L2FWD_LOG = eal.log.registerLogType('user1.l2fwd', eal.log.LogLevel.INFO);
const RX_DESC_DEFAULT = 1024;
const TX_DESC_DEFAULT = 1024;

let forceQuit = false;
let wake: (() => void) | null = null;
const out = (s: string): void => void process.stdout.write(s);

function errno(e: unknown): number {
  return e instanceof eal.TsdpdkError ? -e.errno : -1;
}

/** rte_eth_dev_adjust_nb_rx_tx_desc for one direction. */
function adjustDesc(n: number, lim: { nbMax: number; nbMin: number; nbAlign: number }): number {
  let v = Math.min(Math.max(n, lim.nbMin), lim.nbMax);
  if (lim.nbAlign > 1) v = Math.ceil(v / lim.nbAlign) * lim.nbAlign;
  return Math.min(v, lim.nbMax);
}

function printStats(block: number, mask: number): void {
  const f64 = eal.sharedWindow().f64;
  const base = block >>> 3;
  let tx = 0;
  let rx = 0;
  let dropped = 0;
  let s = '\x1b[2J\x1b[1;1H\nPort statistics ====================================';
  for (let p = 0; p < MAX_PORTS; p++) {
    if ((mask & (1 << p)) === 0) continue;
    const t = f64[base + p * 3 + ST_TX]!;
    const r = f64[base + p * 3 + ST_RX]!;
    const d = f64[base + p * 3 + ST_DROPPED]!;
    s += `\nStatistics for port ${p} ------------------------------` +
      `\nPackets sent: ${String(t).padStart(24)}` +
      `\nPackets received: ${String(r).padStart(20)}` +
      `\nPackets dropped: ${String(d).padStart(21)}`;
    tx += t;
    rx += r;
    dropped += d;
  }
  s += '\nAggregate statistics ===============================' +
    `\nTotal packets sent: ${String(tx).padStart(18)}` +
    `\nTotal packets received: ${String(rx).padStart(14)}` +
    `\nTotal packets dropped: ${String(dropped).padStart(15)}` +
    '\n====================================================\n';
  out(s);
}

function onSignal(sig: NodeJS.Signals): void {
  const n = sig === 'SIGINT' ? 2 : 15;
  out(`\n\nSignal ${n} received, preparing to exit...\n`);
  forceQuit = true;
  wake?.();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** rte_eth_link_get_nowait: the link, or the failure's message (l2fwd reports it and keeps going). */
function linkOf(p: number): ethdev.Link | string {
  try {
    return ethdev.linkGetNowait(p);
  } catch (e) {
    return strerror(e);
  }
}

/** check_all_ports_link_status: up to 9 s, dots while waiting; a port whose link cannot be read counts as down. */
async function checkLinks(mask: number): Promise<void> {
  out('\nChecking link status');
  for (let count = 0; count <= 90 && !forceQuit; count++) {
    let allUp = true;
    for (const p of ethdev.ports()) {
      if ((mask & (1 << p)) === 0) continue;
      const l = linkOf(p);
      if (typeof l === 'string' || l.status === 0) allUp = false;
    }
    if (allUp || count === 90) {
      out('done\n');
      for (const p of ethdev.ports()) {
        if ((mask & (1 << p)) === 0) continue;
        const l = linkOf(p);
        out(typeof l === 'string' ? `Port ${p} link get failed: ${l}\n` : `Port ${p} ${ethdev.linkToString(l)}\n`);
      }
      return;
    }
    out('.');
    await sleep(100);
  }
}

/** Waits for a signal (or a forwarding lcore that ended), printing the statistics every period s (0: never). */
function runUntilSignal(period: number, block: number, mask: number, lcores: number[]): Promise<void> {
  return new Promise((resolve) => {
    const t = period > 0 ? setInterval(() => printStats(block, mask), period * 1000) : null;
    const watch = setInterval(() => {
      if (lcores.some((l) => eal.getLcoreState(l) !== 'RUNNING')) wake?.();
    }, 200);
    wake = () => {
      if (t !== null) clearInterval(t);
      clearInterval(watch);
      wake = null;
      resolve();
    };
    if (forceQuit) wake();
  });
}

async function main(): Promise<void> {
  const b = basename(process.argv[1] ?? '');
  const prog = b === '' || b.endsWith('.js') ? 'tsdpdk-l2fwd' : b;
  let appArgs: string[];
  try {
    appArgs = eal.init(process.argv.slice(2), prog);
  } catch (e) {
    eal.log.logf(eal.log.LogLevel.ERR, eal.log.RTE_LOGTYPE_EAL, 'EAL', (e as Error).message);
    return eal.exit(1, 'Invalid EAL arguments');
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const fail = async (cause: string): Promise<never> => {
    for (const p of ethdev.ports()) {
      try {
        if (ethdev.isStarted(p)) ethdev.stop(p);
        ethdev.close(p);
      } catch {
        // best effort on the way out
      }
    }
    await eal.cleanup();
    return eal.exit(1, cause);
  };

  const parsed = parseArgs(prog, appArgs);
  if (!parsed.ok) {
    out(parsed.out);
    return fail('Invalid L2FWD arguments');
  }
  const a: L2fwdArgs = parsed.args;
  out(`MAC updating ${a.macUpdating ? 'enabled' : 'disabled'}\n`);
  const present = ethdev.ports();
  if (present.length === 0) return fail('No Ethernet ports - bye');
  const avail = present.reduce((m, p) => (p < MAX_PORTS ? m | (1 << p) : m), 0) >>> 0;
  if ((a.portmask & ~avail) !== 0) return fail(`Invalid portmask; possible (0x${avail.toString(16)})`);
  const pairing = pairPorts(a, (p) => ethdev.isValidPort(p));
  if ('error' in pairing) {
    out(pairing.out);
    return fail(pairing.error);
  }
  out(pairing.notice);
  const { dst, mask } = pairing;
  const enabled = present.filter((p) => (mask & (1 << p)) !== 0);

  // Rx ports to worker lcores, NQ per lcore (raised when the workers are too few: see the header).
  const workers = eal.workerLcores();
  if (workers.length === 0) return fail('Not enough cores');
  let nq = a.nq;
  if (enabled.length > workers.length * nq) {
    nq = Math.ceil(enabled.length / workers.length);
    out(`Notice: ${workers.length} worker lcore(s) for ${enabled.length} ports: ${nq} ports per lcore\n`);
  }
  const rxOf = new Map<number, number[]>();
  let wi = 0;
  for (const p of enabled) {
    while ((rxOf.get(workers[wi]!)?.length ?? 0) === nq) wi++;
    const l = workers[wi]!;
    if (!rxOf.has(l)) rxOf.set(l, []);
    rxOf.get(l)!.push(p);
    out(`Lcore ${l}: RX port ${p} TX port ${dst[p]}\n`);
  }

  // l2fwd's sizing: every available port (enabled or not) and the lcores that received Rx ports.
  const nbLcores = rxOf.size;
  const nbMbufs = Math.max(present.length * (RX_DESC_DEFAULT + TX_DESC_DEFAULT + MAX_PKT_BURST + nbLcores * MEMPOOL_CACHE_SIZE), 8192);
  let pool: Mempool;
  try {
    pool = pktmbufPoolCreate('mbuf_pool', nbMbufs, MEMPOOL_CACHE_SIZE, 0, MBUF_DEFAULT_BUF_SIZE, eal.socketId());
  } catch (e) {
    eal.log.logf(eal.log.LogLevel.ERR, eal.log.RTE_LOGTYPE_MEMPOOL, 'MEMPOOL', (e as Error).message);
    return fail('Cannot init mbuf pool');
  }

  const macs = new Array<number>(MAX_PORTS * 6).fill(0);
  for (const p of present) {
    if ((mask & (1 << p)) === 0) {
      out(`Skipping disabled port ${p}\n`);
      continue;
    }
    out(`Initializing port ${p}... `);
    const step = (what: string, fn: () => void): void => {
      try {
        fn();
      } catch (e) {
        eal.log.logf(eal.log.LogLevel.ERR, eal.log.RTE_LOGTYPE_PMD, 'ETHDEV', (e as Error).message);
        throw new Error(`${what}err=${errno(e)}, port=${p}`);
      }
    };
    try {
      const info = ethdev.infoGet(p);
      step('Cannot configure device: ', () => ethdev.configure(p, 1, 1, {}));
      const nbRxd = adjustDesc(RX_DESC_DEFAULT, info.rxDescLim);
      const nbTxd = adjustDesc(TX_DESC_DEFAULT, info.txDescLim);
      step('rte_eth_rx_queue_setup:', () => ethdev.rxQueueSetup(p, 0, nbRxd, ethdev.socketIdOf(p), null, pool));
      step('rte_eth_tx_queue_setup:', () => ethdev.txQueueSetup(p, 0, nbTxd, ethdev.socketIdOf(p), null));
      step('rte_eth_dev_start:', () => ethdev.start(p));
    } catch (e) {
      out('\n');
      return fail((e as Error).message);
    }
    out('done: \n');
    if (a.promiscuous) {
      try {
        ethdev.promiscuousEnable(p);
      } catch (e) {
        return fail(`rte_eth_promiscuous_enable:err=${(e as Error).message}, port=${p}`);
      }
    }
    const mac = ethdev.macAddrGet(p);
    for (let b = 0; b < 6; b++) macs[p * 6 + b] = mac[b]!;
    out(`Port ${p}, MAC address: ${ethdev.formatMac(mac).toUpperCase()}\n\n`);
  }
  if (enabled.length === 0) return fail('All available ports are disabled. Please set portmask.');
  await checkLinks(mask);

  const block = eal.zmalloc('l2fwd_stats', BLOCK_BYTES, 64);
  const fwdUrl = new URL('./fwd.js', import.meta.url);
  const launched: number[] = [];
  for (const l of workers) {
    const conf: LcoreConf = { block, rxPorts: rxOf.get(l) ?? [], dst, macUpdating: a.macUpdating, macs };
    eal.remoteLaunch(l, fwdUrl, 'l2fwdMainLoop', conf);
    launched.push(l);
  }
  // An lcore with no ports returns at once, like l2fwd's "nothing to do"; the others run until stopped.
  await runUntilSignal(a.period, block, mask, launched.filter((l) => (rxOf.get(l)?.length ?? 0) > 0));

  Atomics.store(eal.sharedWindow().i32, (block + STOP_OFF) >>> 2, 1);
  let ret = 0;
  for (const l of launched) {
    if (eal.waitLcore(l) < 0) {
      ret = -1;
      process.stderr.write(`L2FWD: lcore ${l} failed: ${eal.lcoreLastError(l) ?? 'unknown error'}\n`);
    }
  }
  for (const p of enabled) {
    out(`Closing port ${p}...`);
    try {
      ethdev.stop(p);
    } catch (e) {
      out(`rte_eth_dev_stop: err=${errno(e)}, port=${p}\n`);
    }
    ethdev.close(p);
    out(' Done\n');
  }
  eal.free(block);
  // Debug only (--log-level=user1.l2fwd:debug): lets tests see that every mbuf came back.
  eal.log.logf(eal.log.LogLevel.DEBUG, L2FWD_LOG, 'L2FWD', `mbuf pool <mbuf_pool>: ${pool.availCount()} of ${pool.size} mbufs available after closing ports`);
  pool.free();
  await eal.cleanup();
  out('Bye...\n');
  process.exit(ret === 0 ? 0 : 1);
}

// Worker lcores import fwd.js only; this guard keeps main() on the process's main thread.
if (isMainThread && process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(async (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    if (eal.isInitialized()) await eal.cleanup().catch(() => undefined);
    return eal.exit(1, 'internal error');
  });
}
