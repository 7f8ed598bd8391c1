// Ports as testpmd drives them: per-port configuration (init_config_port_offloads, init_port_config),
// start_port (configure, queue set-up, start, "Port N: MAC"), stop_port, close_port and the link check,
// with testpmd's messages.

import * as eal from '../../lib/eal/index.js';
import * as ethdev from '../../lib/ethdev/index.js';
import { ctx, formatMac, RTE_PORT_ALL, type PortState } from './context.js';
import { err, out } from './io.js';
import { errMessage, strerror } from './strerror.js';

export const TESTPMD_LOGTYPE = eal.log.registerLogType('testpmd', eal.log.LogLevel.DEBUG);

/** TESTPMD_LOG: "testpmd: ..." on the testpmd log type. */
export function tlog(level: number, msg: string): void {
  eal.log.logf(level, TESTPMD_LOGTYPE, 'testpmd', msg);
}

/** A library failure DPDK would have logged itself (RTE_ETHDEV_LOG has no prefix). */
export function ethdevLog(e: unknown): void {
  // DPDK's ethdev returns -ENOTSUP for a missing op without logging anything.
  if (e instanceof eal.TsdpdkError && e.code === 'ENOTSUP') return;
  eal.log.log(eal.log.LogLevel.ERR, eal.log.RTE_LOGTYPE_ETHDEV, errMessage(e) + '\n');
}

const TX_OFFLOAD_MBUF_FAST_FREE = 1n << 16n;
const RX_OFFLOAD_RSS_HASH = 1n << 19n;
const MQ_RX_RSS = 1;

let numaWarned = false;

/**
 * The socket testpmd gives a port: the device's (check_socket_id: a device on no known socket, e.g.
 * SOCKET_ID_ANY, gets the first one, with a warning once), socket 0 without NUMA support.
 */
export function portSocket(pid: number): number {
  if (!ctx.cfg.numa) return 0;
  const s = ethdev.socketIdOf(pid);
  if (s >= 0 && ctx.sockets.includes(s)) return s;
  if (!numaWarned) {
    err('Warning: NUMA should be configured manually by using --port-numa-config and --ring-numa-config parameters along with --numa.\n');
    numaWarned = true;
  }
  return ctx.sockets[0] ?? 0;
}

/** init_config_port_offloads + init_port_config for one port. */
export function initPortState(pid: number): PortState {
  const cfg = ctx.cfg;
  const info = ethdev.infoGet(pid);
  let txOff = cfg.txOffloads;
  if ((info.txOffloadCapa & TX_OFFLOAD_MBUF_FAST_FREE) === 0n) txOff &= ~TX_OFFLOAD_MBUF_FAST_FREE;
  let rxOff = cfg.rxOffloads;
  let mtu: number | undefined;
  if (cfg.maxRxPktLen) {
    const overhead = info.maxMtu !== 0xffff && info.maxRxPktLen > info.maxMtu ? info.maxRxPktLen - info.maxMtu : 18;
    mtu = cfg.maxRxPktLen - overhead;
  }
  const rssHf = cfg.nbRxq > 1 ? cfg.rssHf & info.flowTypeRssOffloads : 0n;
  let mqMode = 0;
  if (rssHf !== 0n) mqMode = MQ_RX_RSS;
  else rxOff &= ~RX_OFFLOAD_RSS_HASH;
  const st: PortState = {
    id: pid,
    socketId: portSocket(pid),
    mac: ethdev.macAddrGet(pid),
    status: 'stopped',
    needReconfig: true,
    needReconfigQueues: true,
    conf: {
      rxmode: { mqMode, offloads: rxOff, ...(mtu !== undefined ? { mtu } : {}) },
      txmode: { offloads: txOff },
      rxAdvConf: { rssConf: { rssKey: null, rssHf } },
      lscIntr: cfg.lscInterrupt && (info.devFlags & ethdev.DEV_FLAG.INTR_LSC) !== 0,
    },
    nbRxDesc: cfg.nbRxd,
    nbTxDesc: cfg.nbTxd,
    statsBase: null,
    fwdMacSwap: true,
  };
  ctx.ports.set(pid, st);
  return st;
}

export function poolName(socket: number, idx: number): string {
  return idx === 0 ? `mb_pool_${socket}` : `mb_pool_${socket}_${idx}`;
}

/** mbuf_pool_find for a socket (the first pool of the socket), 0 when there is none. */
export function poolFor(socket: number): number {
  return ctx.pools.get(poolName(socket, 0)) ?? 0;
}

/** check_all_ports_link_status: up to 9 s; with LSC interrupts (the default) only one look. */
export function checkAllPortsLinkStatus(): void {
  out('Checking link statuses...\n');
  let printFlag = false;
  for (let count = 0; count <= 90; count++) {
    let allUp = true;
    for (const pid of ethdev.ports()) {
      let link: ethdev.Link;
      try {
        link = ethdev.linkGetNowait(pid);
      } catch (e) {
        allUp = false;
        if (printFlag) err(`Port ${pid} link get failed: ${strerror(e)}\n`);
        continue;
      }
      if (printFlag) {
        out(`Port ${pid} ${ethdev.linkToString(link)}\n`);
        continue;
      }
      if (link.status === 0) {
        allUp = false;
        break;
      }
    }
    if (printFlag) break;
    if (!allUp) eal.delayMs(100);
    if (allUp || count === 89) printFlag = true;
    if (ctx.cfg.lscInterrupt) break;
  }
}

function matches(pid: number, sel: number): boolean {
  return sel === RTE_PORT_ALL || sel === pid;
}

/** port_id_is_invalid for a selection (RTE_PORT_ALL is valid). */
function selectionInvalid(sel: number): boolean {
  if (sel === RTE_PORT_ALL || ethdev.isValidPort(sel)) return false;
  err(`Invalid port ${sel}\n`);
  return true;
}

export function portIsForwarding(pid: number): boolean {
  return ctx.cfg.fwdPorts.slice(0, ctx.cfg.nbFwdPorts).includes(pid);
}

/** start_port: 0, or -1 when configuration or queue set-up failed (testpmd stops there). */
export function startPort(sel: number): number {
  const cfg = ctx.cfg;
  if (selectionInvalid(sel)) return 0;
  let atLeastOneExists = false;
  let allAlreadyStarted = true;
  let atLeastOneStarted = false;
  for (const pid of ethdev.ports()) {
    if (!matches(pid, sel)) continue;
    atLeastOneExists = true;
    const port = ctx.ports.get(pid) ?? initPortState(pid);
    if (port.status === 'stopped') {
      port.status = 'handling';
      allAlreadyStarted = false;
    } else {
      err(`Port ${pid} is now not stopped\n`);
      continue;
    }
    if (port.needReconfig) {
      port.needReconfig = false;
      out(`Configuring Port ${pid} (socket ${port.socketId})\n`);
      try {
        ethdev.configure(pid, cfg.nbRxq, cfg.nbTxq, port.conf);
      } catch (e) {
        ethdevLog(e);
        port.status = 'stopped';
        err(`Fail to configure port ${pid}\n`);
        port.needReconfig = true;
        return -1;
      }
    }
    if (port.needReconfigQueues) {
      port.needReconfigQueues = false;
      for (let q = 0; q < cfg.nbTxq; q++) {
        try {
          ethdev.txQueueSetup(pid, q, port.nbTxDesc, port.socketId, { offloads: port.conf.txmode?.offloads ?? 0n });
        } catch (e) {
          ethdevLog(e);
          port.status = 'stopped';
          err(`Fail to configure port ${pid} tx queues\n`);
          port.needReconfigQueues = true;
          return -1;
        }
      }
      for (let q = 0; q < cfg.nbRxq; q++) {
        const mp = poolFor(port.socketId);
        if (mp === 0) {
          err(`Failed to setup RX queue: No mempool allocation on the socket ${port.socketId}\n`);
          return -1;
        }
        try {
          ethdev.rxQueueSetup(pid, q, port.nbRxDesc, port.socketId, { offloads: port.conf.rxmode?.offloads ?? 0n }, mp);
        } catch (e) {
          ethdevLog(e);
          port.status = 'stopped';
          err(`Fail to configure port ${pid} rx queues\n`);
          port.needReconfigQueues = true;
          return -1;
        }
      }
    }
    try {
      ethdev.start(pid);
    } catch (e) {
      ethdevLog(e);
      err(`Fail to start port ${pid}: ${strerror(e)}\n`);
      port.status = 'stopped';
      continue;
    }
    port.status = 'started';
    port.mac = ethdev.macAddrGet(pid);
    out(`Port ${pid}: ${formatMac(port.mac)}\n`);
    atLeastOneStarted = true;
  }
  if (atLeastOneStarted && !cfg.noLinkCheck) checkAllPortsLinkStatus();
  else if (atLeastOneExists && allAlreadyStarted) err('Please stop the ports first\n');
  out('Done\n');
  return 0;
}

/** stop_port */
export function stopPort(sel: number): void {
  if (selectionInvalid(sel)) return;
  out('Stopping ports...\n');
  let needLinkCheck = false;
  for (const pid of ethdev.ports()) {
    if (!matches(pid, sel)) continue;
    if (portIsForwarding(pid) && !ctx.testDone) {
      err(`Please remove port ${pid} from forwarding configuration.\n`);
      continue;
    }
    const port = ctx.ports.get(pid);
    if (!port || port.status !== 'started') continue;
    port.status = 'handling';
    try {
      ethdev.stop(pid);
    } catch (e) {
      ethdevLog(e);
      eal.log.logf(eal.log.LogLevel.ERR, eal.log.RTE_LOGTYPE_EAL, 'EAL', `rte_eth_dev_stop failed for port ${pid}`);
      port.status = 'started';
      continue;
    }
    port.status = 'stopped';
    needLinkCheck = true;
  }
  if (needLinkCheck && !ctx.cfg.noLinkCheck) checkAllPortsLinkStatus();
  out('Done\n');
}

/** close_port: like rte_eth_dev_close in 22.11, a started port is refused. */
export function closePort(sel: number): void {
  if (selectionInvalid(sel)) return;
  out('Closing ports...\n');
  for (const pid of ethdev.ports()) {
    if (!matches(pid, sel)) continue;
    if (portIsForwarding(pid) && !ctx.testDone) {
      err(`Please remove port ${pid} from forwarding configuration.\n`);
      continue;
    }
    const port = ctx.ports.get(pid);
    if (port?.status === 'closed') {
      err(`Port ${pid} is already closed\n`);
      continue;
    }
    if (ethdev.isStarted(pid)) {
      eal.log.log(eal.log.LogLevel.ERR, eal.log.RTE_LOGTYPE_ETHDEV, `Cannot close started device (port ${pid})\n`);
      continue;
    }
    try {
      ethdev.close(pid);
    } catch (e) {
      ethdevLog(e);
      continue;
    }
    // testpmd prints this from its RTE_ETH_EVENT_DESTROY callback.
    out(`Port ${pid} is closed\n`);
    ctx.ports.delete(pid);
  }
  removeInvalidPorts();
  out('Done\n');
}

/** remove_invalid_ports: closed ports leave the forwarding configuration. */
export function removeInvalidPorts(): void {
  const cfg = ctx.cfg;
  cfg.fwdPorts = cfg.fwdPorts.slice(0, cfg.nbFwdPorts).filter((p) => ethdev.isValidPort(p));
  cfg.nbFwdPorts = cfg.fwdPorts.length;
  cfg.nbCfgPorts = cfg.nbFwdPorts;
}

export function allPortsStarted(): boolean {
  return ethdev.availablePorts().every((p) => ctx.ports.get(p)?.status === 'started');
}

/** eth_set_promisc_mode */
export function setPromisc(pid: number, on: boolean): void {
  try {
    if (on) ethdev.promiscuousEnable(pid);
    else ethdev.promiscuousDisable(pid);
  } catch (e) {
    ethdevLog(e);
    err(`Error during ${on ? 'enabling' : 'disabling'} promiscuous mode for port ${pid}: ${strerror(e)}\n`);
  }
}

