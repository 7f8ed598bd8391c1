// start / stop of packet forwarding (start_packet_forwarding, stop_packet_forwarding): the configuration
// display, the Rx flush, the optional tx_first bursts and the launch of the forwarding lcores, each running
// fwd_lcore.ts's loop until its stop word is set.

import * as eal from '../../lib/eal/index.js';
import * as ethdev from '../../lib/ethdev/index.js';
import { freeBulk } from '../../lib/mbuf/index.js';
import { fwdConfigSetup, pktFwdConfigDisplay, rxtxConfigDisplay } from './config.js';
import { ctx, MAX_PKT_BURST, TestpmdExit } from './context.js';
import type { LaunchConfig } from './engines/common.js';
import { OL_HI_TX_MACSEC, OL_HI_TX_QINQ, OL_HI_TX_VLAN } from './engines/common.js';
import { err, out } from './io.js';
import { allPortsStarted, poolFor, tlog } from './ports.js';
import { SB_STOP, SB_VERBOSE, streamStatIndex } from './shared.js';
import { fwdStatsDisplay, fwdStatsReset } from './stats.js';

const FWD_LCORE_URL = new URL('./fwd_lcore.js', import.meta.url);
const TXO_VLAN_INSERT = 1n << 0n;
const TXO_QINQ_INSERT = 1n << 8n;
const TXO_MACSEC_INSERT = 1n << 9n;

let flushBurst: Uint32Array | null = null;

/**
 * flush_fwd_rx_queues: two passes over every forwarding Rx queue. Like testpmd, the "1 s" limit adds up
 * the time since the queue's first burst after every burst, so a queue that never runs dry (net_null)
 * is left after roughly sqrt(2 s x burst time), not after a second.
 */
function flushFwdRxQueues(): void {
  flushBurst ??= eal.burstArray(MAX_PKT_BURST);
  const pkts = flushBurst;
  for (let j = 0; j < 2; j++) {
    for (let i = 0; i < ctx.fwd.nbFwdPorts; i++) {
      const pid = ctx.cfg.fwdPorts[i]!;
      for (let q = 0; q < ctx.cfg.nbRxq; q++) {
        const t0 = process.hrtime.bigint();
        let timer = 0n;
        let n: number;
        do {
          n = ethdev.rxBurst(pid, q, pkts, MAX_PKT_BURST);
          if (n > 0) freeBulk(pkts, n);
          timer += process.hrtime.bigint() - t0;
        } while (n > 0 && timer < 1_000_000_000n);
      }
    }
    eal.delayMs(10);
  }
}

function olHiFor(txOffloads: bigint): number {
  let hi = 0;
  if (txOffloads & TXO_VLAN_INSERT) hi |= OL_HI_TX_VLAN;
  if (txOffloads & TXO_QINQ_INSERT) hi |= OL_HI_TX_QINQ;
  if (txOffloads & TXO_MACSEC_INSERT) hi |= OL_HI_TX_MACSEC;
  return hi;
}

/** What forwarding lcore `lc` (index in the configuration) is given. */
function launchConfig(lc: number, txFirstOnly: boolean): LaunchConfig {
  const cfg = ctx.cfg;
  const ls = ctx.fwd.lcoreStreams[lc]!;
  const lcore = cfg.fwdLcores[lc]!;
  const streams: LaunchConfig['streams'] = [];
  for (let k = 0; k < ls.nb; k++) {
    const i = ls.idx + k;
    const st = ctx.fwd.streams[i]!;
    const tp = ctx.ports.get(st.txPort);
    const txOff = tp?.conf.txmode?.offloads ?? 0n;
    streams.push({
      rxPort: st.rxPort, rxQueue: st.rxQueue, txPort: st.txPort, txQueue: st.txQueue,
      peer: Array.from(cfg.peers[st.peerAddr]!), txMac: Array.from(tp?.mac ?? new Uint8Array(6)),
      olHi: olHiFor(txOff), txOffloads: txOff.toString(), macSwap: tp?.fwdMacSwap ?? true,
      statIndex: streamStatIndex(ctx.sharedBlock, i),
    });
  }
  // mbuf pool of the lcore's socket, else socket 0's (init_config).
  const pool = poolFor(eal.lcoreToSocketId(lcore)) || poolFor(0);
  return {
    engine: ctx.fwd.engine, lcoreIndex: lc, sharedBlock: ctx.sharedBlock, burst: cfg.burst, retry: cfg.retry, pool,
    txFirstOnly, streams,
    txonly: {
      segLengths: cfg.txSegLengths.slice(), pktLength: cfg.txPktLength, multiFlow: cfg.txonlyMultiFlow,
      ipSrc: cfg.txIpSrc, ipDst: cfg.txIpDst, udpSrc: cfg.txUdpSrc, udpDst: cfg.txUdpDst,
    },
    flowgen: { flows: cfg.flowgenFlows, clones: cfg.flowgenClones },
  };
}

/** set_verbose_level: the forwarding lcores pick the level up at their next loop (dumps, engine traces). */
export function setVerbose(v: number): void {
  ctx.cfg.verbose = v;
  Atomics.store(eal.sharedWindow().i32, (ctx.sharedBlock + SB_VERBOSE) >>> 2, v);
}

function stopWord(lc: number): number {
  return (ctx.sharedBlock + SB_STOP + 4 * lc) >>> 2;
}

/** launch_packet_forwarding on every forwarding lcore. */
function launch(txFirstOnly: boolean): void {
  const i32 = eal.sharedWindow().i32;
  for (let lc = 0; lc < ctx.fwd.nbFwdLcores; lc++) {
    const id = ctx.cfg.fwdLcores[lc]!;
    Atomics.store(i32, stopWord(lc), txFirstOnly ? 1 : 0);
    try {
      eal.remoteLaunch(id, FWD_LCORE_URL, 'runFwdLcore', launchConfig(lc, txFirstOnly));
    } catch (e) {
      err(`launch lcore ${id} failed - diag=${-((e as eal.TsdpdkError).errno ?? 1)}\n`);
    }
  }
}

/** rte_eal_mp_wait_lcore, reporting a forwarding loop that failed. */
function waitAll(): void {
  for (const id of eal.workerLcores()) {
    if (eal.waitLcore(id) < 0) err(`lcore ${id}: ${eal.lcoreLastError(id) ?? 'forwarding failed'}\n`);
  }
}

/** tx_only_begin's check; false (after testpmd's log line) when the packets cannot be built. */
function txonlyBegin(): boolean {
  const cfg = ctx.cfg;
  if (cfg.txonlyMultiFlow && cfg.txSegLengths[0]! < 42) {
    tlog(eal.log.LogLevel.ERR, `Random segment number or multiple flow is enabled, but tx_pkt_seg_lengths[0] ${cfg.txSegLengths[0]} < 42 (needed)`);
    return false;
  }
  return true;
}

/** start_packet_forwarding(with_tx_first): with_tx_first = number of txonly bursts first. */
export function startPacketForwarding(withTxFirst: number): void {
  const cfg = ctx.cfg;
  const mode = cfg.fwdMode;
  if (mode === 'rxonly' && cfg.nbRxq === 0) throw new TestpmdExit(1, 'rxq are 0, cannot use rxonly fwd mode');
  if (mode === 'txonly' && cfg.nbTxq === 0) throw new TestpmdExit(1, 'txq are 0, cannot use txonly fwd mode');
  if (mode !== 'rxonly' && mode !== 'txonly' && (cfg.nbRxq === 0 || cfg.nbTxq === 0)) {
    throw new TestpmdExit(1, `Either rxq or txq are 0, cannot use ${mode} fwd mode`);
  }
  if (!allPortsStarted()) {
    err('Not all ports were started\n');
    return;
  }
  if (!ctx.testDone) {
    err('Packet forwarding already started\n');
    return;
  }
  fwdConfigSetup();
  pktFwdConfigDisplay();
  for (let i = 0; i < ctx.fwd.nbFwdPorts; i++) {
    if (mode === 'txonly' && !txonlyBegin()) {
      err('Packet forwarding is not ready\n');
      return;
    }
    if (mode === 'flowgen') out(`  number of flows for port ${cfg.fwdPorts[i]}: ${cfg.flowgenFlows}\n`);
  }
  if (withTxFirst) {
    for (let i = 0; i < ctx.fwd.nbFwdPorts; i++) {
      if (!txonlyBegin()) {
        err('Packet forwarding is not ready\n');
        return;
      }
    }
  }
  ctx.testDone = false;
  if (!cfg.noFlushRx) flushFwdRxQueues();
  rxtxConfigDisplay();
  fwdStatsReset();
  for (let n = withTxFirst; n > 0; n--) {
    launch(true);
    waitAll();
  }
  launch(false);
}

/** stop_packet_forwarding */
export function stopPacketForwarding(): void {
  if (ctx.testDone) {
    err('Packet forwarding not started\n');
    return;
  }
  out('Telling cores to stop...');
  const i32 = eal.sharedWindow().i32;
  for (let lc = 0; lc < ctx.fwd.nbFwdLcores; lc++) Atomics.store(i32, stopWord(lc), 1);
  out('\nWaiting for lcores to finish...\n');
  waitAll();
  fwdStatsDisplay();
  out('\nDone.\n');
  ctx.testDone = true;
}

