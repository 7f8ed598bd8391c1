// rte_ethdev: ports, queues, bursts, link, MAC, stats, callbacks, ownership. Port state is shared
// (PortData); driver ops and queue handles are per thread and per process, rebuilt on first use in a
// worker lcore or secondary process from the shared state.

import { fail, TsdpdkError } from '../eal/errors.js';
import * as eal from '../eal/index.js';
import {
  MAX_MAC_ADDRS, MAX_QUEUES_PER_PORT, RETA_MAX, RSS_PROTO_MASK, RTE_ETH_LINK_DOWN, RTE_ETH_LINK_UP, RTE_ETH_MQ_RX_RSS,
  RTE_ETH_NAME_MAX_LEN, RTE_ETHER_MTU, RTE_MAX_ETHPORTS,
} from './constants.js';
import type { DevInfo, EthDevOps, RxQueue, TxQueue, VdevDriver, XstatEntry } from './driver.js';
import {
  lockEthdev, nextOwnerId, P, PortData, QC_MEMPOOL, QC_NB_DESC, QC_SOCKET, QC_STATE, S_IERRORS, S_IMISSED, S_OERRORS,
  S_RX_NOMBUF, S_RXQ, S_TXQ, SLOT, unlockEthdev,
} from './port_data.js';
import { pdumpRx, pdumpTx } from '../pdump/pdump.js';

export interface EthConf {
  rxmode?: { mqMode?: number; mtu?: number; offloads?: bigint };
  txmode?: { offloads?: bigint };
  rxAdvConf?: { rssConf?: { rssKey?: Uint8Array | null; rssHf?: bigint } };
  lscIntr?: boolean;
}

export interface EthStats {
  ipackets: number; opackets: number; ibytes: number; obytes: number; imissed: number; ierrors: number; oerrors: number;
  rxNombuf: number;
  qIpackets: number[]; qOpackets: number[]; qIbytes: number[]; qObytes: number[]; qErrors: number[];
}

export interface Link {
  speed: number;
  duplex: number;
  autoneg: number;
  status: number;
}

export type RxCallbackFn = (port: number, queue: number, mbufs: Uint32Array, nb: number, max: number, param: unknown) => number;
export type TxCallbackFn = (port: number, queue: number, mbufs: Uint32Array, nb: number, param: unknown) => number;
interface Callback<F> { fn: F; param: unknown; id: number }

// ---- per-thread state ----
const drivers = new Map<string, VdevDriver>();
const ops: (EthDevOps | null)[] = new Array(RTE_MAX_ETHPORTS).fill(null);
const portData: (PortData | null)[] = new Array(RTE_MAX_ETHPORTS).fill(null);
let portWindow: eal.SharedWindow | null = null;
const rxq: (RxQueue | null)[] = new Array(RTE_MAX_ETHPORTS * MAX_QUEUES_PER_PORT).fill(null);
const txq: (TxQueue | null)[] = new Array(RTE_MAX_ETHPORTS * MAX_QUEUES_PER_PORT).fill(null);
const rxCbs: (Callback<RxCallbackFn>[] | null)[] = new Array(RTE_MAX_ETHPORTS * MAX_QUEUES_PER_PORT).fill(null);
const txCbs: (Callback<TxCallbackFn>[] | null)[] = new Array(RTE_MAX_ETHPORTS * MAX_QUEUES_PER_PORT).fill(null);
let cbId = 1;

// ---- driver registry ----
export function registerDriver(d: VdevDriver): void {
  drivers.set(d.name, d);
  for (const a of d.aliases) drivers.set(a, d);
}

export function findDriver(devName: string): VdevDriver | null {
  // Longest registered name that prefixes the device name (net_pcap0 -> net_pcap), like the vdev bus.
  let best: VdevDriver | null = null;
  let bestLen = 0;
  for (const [n, d] of drivers) {
    if (devName.startsWith(n) && n.length > bestLen) {
      best = d;
      bestLen = n.length;
    }
  }
  return best;
}

export function registeredDrivers(): string[] {
  return [...new Set([...drivers.values()].map((d) => d.name))].sort();
}

function resetThreadStateIfNewWindow(): void {
  const w = eal.sharedWindow();
  if (portWindow === w) return;
  portWindow = w;
  ops.fill(null);
  portData.fill(null);
  rxq.fill(null);
  txq.fill(null);
  rxCbs.fill(null);
  txCbs.fill(null);
}

function pd(port: number): PortData {
  resetThreadStateIfNewWindow();
  if (!Number.isInteger(port) || port < 0 || port >= RTE_MAX_ETHPORTS) fail('ENODEV', `invalid port_id=${port}`);
  let d = portData[port];
  if (d === null) {
    d = new PortData(port);
    if (!d.attached) fail('ENODEV', `invalid port_id=${port}: no such port`);
    portData[port] = d;
  }
  if (!d.attached) {
    portData[port] = null;
    fail('ENODEV', `invalid port_id=${port}: port was removed`);
  }
  return d;
}

/** The port's ops in this thread, attaching to a port another thread/process created. */
function opsOf(port: number): EthDevOps {
  const d = pd(port);
  let o = ops[port];
  if (o === null) {
    const drvName = d.driverName;
    const drv = findDriver(drvName);
    if (drv === null) {
      fail('ENOTSUP', `port ${port} uses driver ${drvName}, which is not registered in this thread: import the driver (e.g. tsdpdk's src/drivers/net/index.js) in the module that uses the port`);
    }
    if (!drv.attachSecondary) fail('ENOTSUP', `driver ${drvName} cannot be used from another thread or process`);
    o = drv.attachSecondary(d);
    ops[port] = o;
  }
  return o;
}

function needStopped(port: number, d: PortData, what: string): void {
  if (d.started) fail('EBUSY', `${what}: port ${port} must be stopped first`);
}

// ---- probe / removal (used by the vdev bus) ----

/** Allocates a port slot for a new device and runs the driver's probe. Returns the port id. */
export function allocatePort(drv: VdevDriver, devName: string, args: string): number {
  resetThreadStateIfNewWindow();
  const w = eal.sharedWindow();
  if (new TextEncoder().encode(devName).length >= RTE_ETH_NAME_MAX_LEN) fail('ENAMETOOLONG', `device name '${devName}' is too long`);
  lockEthdev();
  let port = -1;
  try {
    for (let p = 0; p < RTE_MAX_ETHPORTS; p++) {
      const d = new PortData(p);
      if (d.attached && d.name === devName) fail('EEXIST', `device ${devName} already exists (port ${p})`);
    }
    for (let p = 0; p < RTE_MAX_ETHPORTS; p++) {
      if (!new PortData(p).attached) {
        port = p;
        break;
      }
    }
    if (port < 0) fail('ENOSPC', `no free port for ${devName}: RTE_MAX_ETHPORTS is ${RTE_MAX_ETHPORTS}`);
    const d = new PortData(port);
    w.u8.fill(0, d.base, d.base + SLOT); // whole slot: stats, capture flags and all
    d.setStr(P.NAME, RTE_ETH_NAME_MAX_LEN, devName);
    d.setStr(P.DRIVER, 32, drv.name);
    d.setStr(P.DEVARGS, 512, args.slice(0, 511));
    d.setU32(P.MTU, RTE_ETHER_MTU);
    d.setI32(P.SOCKET, eal.socketId());
    d.setU32(P.STATE, 2); // reserved while probing
  } finally {
    unlockEthdev();
  }
  const d = new PortData(port);
  try {
    const o = drv.probe(d, devName, args);
    ops[port] = o;
    portData[port] = d;
    const info = o.devInfo(d);
    d.setU32(P.MAX_RX_PKTLEN, info.maxRxPktLen);
    d.setU32(P.RETA_SIZE, Math.min(info.retaSize, RETA_MAX));
    d.setU32(P.NB_MAC, Math.min(info.maxMacAddrs, MAX_MAC_ADDRS));
    d.setU32(P.DEV_FLAGS, info.devFlags);
    Atomics.store(w.u32, (d.base + P.STATE) >>> 2, 1);
  } catch (e) {
    d.setU32(P.STATE, 0);
    throw e;
  }
  return port;
}

/** Releases a closed port's slot (rte_eth_dev_release_port). */
function releasePort(port: number): void {
  const d = pd(port);
  const drv = findDriver(d.driverName);
  drv?.remove?.(d);
  for (let q = 0; q < MAX_QUEUES_PER_PORT; q++) {
    rxq[port * MAX_QUEUES_PER_PORT + q] = null;
    txq[port * MAX_QUEUES_PER_PORT + q] = null;
    rxCbs[port * MAX_QUEUES_PER_PORT + q] = null;
    txCbs[port * MAX_QUEUES_PER_PORT + q] = null;
  }
  ops[port] = null;
  portData[port] = null;
  d.setU32(P.STATE, 0);
}

// ---- iteration and lookup ----

export function isValidPort(port: number): boolean {
  if (!Number.isInteger(port) || port < 0 || port >= RTE_MAX_ETHPORTS) return false;
  resetThreadStateIfNewWindow();
  return new PortData(port).attached;
}

/** RTE_ETH_FOREACH_DEV: attached ports, ascending (owned ports included, like rte_eth_dev_count_total). */
export function ports(): number[] {
  const out: number[] = [];
  for (let p = 0; p < RTE_MAX_ETHPORTS; p++) if (isValidPort(p)) out.push(p);
  return out;
}

/** RTE_ETH_FOREACH_DEV: valid ports without an owner (a port another component took is not the app's). */
export function availablePorts(): number[] {
  return ports().filter((p) => new PortData(p).u64(P.OWNER_ID) === 0n);
}

/** rte_eth_dev_count_avail: ports without an owner. */
export function countAvail(): number {
  return availablePorts().length;
}

export function getPortByName(name: string): number {
  for (const p of ports()) if (new PortData(p).name === name) return p;
  return fail('ENODEV', `no port named '${name}'`);
}

export function getNameByPort(port: number): string {
  return pd(port).name;
}

export function socketIdOf(port: number): number {
  return pd(port).i32(P.SOCKET);
}

// ---- configuration ----

export function infoGet(port: number): DevInfo {
  const d = pd(port);
  return opsOf(port).devInfo(d);
}

function hex(v: bigint): string {
  return '0x' + v.toString(16);
}

/** rte_eth_dev_configure */
export function configure(port: number, nbRxq: number, nbTxq: number, conf: EthConf = {}): void {
  const d = pd(port);
  const o = opsOf(port);
  needStopped(port, d, 'rte_eth_dev_configure');
  const info = o.devInfo(d);
  if (nbRxq === 0 && nbTxq === 0) {
    nbRxq = info.defaultRxportconf.nbQueues || 1;
    nbTxq = info.defaultTxportconf.nbQueues || 1;
  }
  if (nbRxq > info.maxRxQueues || nbRxq > MAX_QUEUES_PER_PORT) {
    fail('EINVAL', `Ethdev port_id=${port} nb_rx_queues=${nbRxq} > ${Math.min(info.maxRxQueues, MAX_QUEUES_PER_PORT)}`);
  }
  if (nbTxq > info.maxTxQueues || nbTxq > MAX_QUEUES_PER_PORT) {
    fail('EINVAL', `Ethdev port_id=${port} nb_tx_queues=${nbTxq} > ${Math.min(info.maxTxQueues, MAX_QUEUES_PER_PORT)}`);
  }
  const rxOff = conf.rxmode?.offloads ?? 0n;
  const txOff = conf.txmode?.offloads ?? 0n;
  if ((rxOff & info.rxOffloadCapa) !== rxOff) {
    fail('EINVAL', `Ethdev port_id=${port} requested Rx offloads ${hex(rxOff)} doesn't match Rx offloads capabilities ${hex(info.rxOffloadCapa)} in rte_eth_dev_configure()`);
  }
  if ((txOff & info.txOffloadCapa) !== txOff) {
    fail('EINVAL', `Ethdev port_id=${port} requested Tx offloads ${hex(txOff)} doesn't match Tx offloads capabilities ${hex(info.txOffloadCapa)} in rte_eth_dev_configure()`);
  }
  const mtu = conf.rxmode?.mtu ?? d.u32(P.MTU) ?? RTE_ETHER_MTU;
  if (mtu < info.minMtu || mtu > info.maxMtu) fail('EINVAL', `Ethdev port_id=${port} MTU ${mtu} out of range [${info.minMtu}, ${info.maxMtu}]`);
  const rss = conf.rxAdvConf?.rssConf;
  const mq = conf.rxmode?.mqMode ?? 0;
  let rssHf = rss?.rssHf ?? 0n;
  if (mq === RTE_ETH_MQ_RX_RSS || rssHf !== 0n) {
    const valid = info.flowTypeRssOffloads & RSS_PROTO_MASK;
    if ((rssHf & ~info.flowTypeRssOffloads) !== 0n) {
      fail('EINVAL', `Ethdev port_id=${port} invalid rss_hf: ${hex(rssHf)}, valid value: ${hex(valid)}`);
    }
    const key = rss?.rssKey;
    if (key && key.length !== info.hashKeySize) {
      fail('EINVAL', `Ethdev port_id=${port} invalid RSS key len: ${key.length}, valid value: ${info.hashKeySize}`);
    }
    if (key) d.setRssKey(key);
  } else {
    rssHf = 0n;
  }
  // Queues beyond the new counts are released; the others stay set up (eth_dev_rx_queue_config).
  for (let q = nbRxq; q < d.u32(P.NB_RXQ); q++) {
    if (d.rxqConf(q, QC_STATE) === 1) o.rxQueueRelease?.(d, q);
    d.setRxqConf(q, QC_STATE, 0);
    rxq[port * MAX_QUEUES_PER_PORT + q] = null;
  }
  for (let q = nbTxq; q < d.u32(P.NB_TXQ); q++) {
    if (d.txqConf(q, QC_STATE) === 1) o.txQueueRelease?.(d, q);
    d.setTxqConf(q, QC_STATE, 0);
    txq[port * MAX_QUEUES_PER_PORT + q] = null;
  }
  d.setU32(P.NB_RXQ, nbRxq);
  d.setU32(P.NB_TXQ, nbTxq);
  d.setU64(P.RX_OFFLOADS, rxOff);
  d.setU64(P.TX_OFFLOADS, txOff);
  d.setU64(P.RSS_HF, rssHf);
  d.setU32(P.RX_MQ_MODE, mq);
  d.setU32(P.MTU, mtu);
  // Default RETA spreads over the configured Rx queues, like most PMDs at configure time.
  const retaSize = d.u32(P.RETA_SIZE);
  for (let i = 0; i < retaSize; i++) d.setReta(i, i % Math.max(nbRxq, 1));
  o.configure?.(d);
  d.setU32(P.CONFIGURED, 1);
}

export function rxQueueSetup(port: number, queue: number, nbDesc: number, socketId: number, conf: { offloads?: bigint } | null, mempool: number | { offset: number }): void {
  const d = pd(port);
  const o = opsOf(port);
  needStopped(port, d, 'rte_eth_rx_queue_setup');
  if (queue < 0 || queue >= d.u32(P.NB_RXQ)) fail('EINVAL', `Invalid Rx queue_id=${queue} (port ${port} has ${d.u32(P.NB_RXQ)})`);
  const info = o.devInfo(d);
  if (nbDesc === 0) nbDesc = info.defaultRxportconf.ringSize || 512;
  const lim = info.rxDescLim;
  if (nbDesc > lim.nbMax || nbDesc < lim.nbMin || nbDesc % lim.nbAlign !== 0) {
    fail('EINVAL', `Invalid value for nb_rx_desc(=${nbDesc}), should be: <= ${lim.nbMax}, >= ${lim.nbMin}, and a product of ${lim.nbAlign}`);
  }
  const mp = typeof mempool === 'number' ? mempool : mempool.offset;
  if (!mp) fail('EINVAL', `rte_eth_rx_queue_setup: port ${port} queue ${queue}: no mempool`);
  const sock = socketId === eal.SOCKET_ID_ANY ? d.i32(P.SOCKET) : socketId;
  const handle = o.rxQueueSetup(d, queue, { nbDesc, socketId: sock, mempool: mp, offloads: conf?.offloads ?? 0n });
  d.setRxqConf(queue, QC_NB_DESC, nbDesc);
  d.setRxqConf(queue, QC_SOCKET, sock);
  d.setRxqConf(queue, QC_MEMPOOL, mp);
  d.setRxqConf(queue, QC_STATE, 1);
  rxq[port * MAX_QUEUES_PER_PORT + queue] = handle;
}

export function txQueueSetup(port: number, queue: number, nbDesc: number, socketId: number, conf: { offloads?: bigint } | null = null): void {
  const d = pd(port);
  const o = opsOf(port);
  needStopped(port, d, 'rte_eth_tx_queue_setup');
  if (queue < 0 || queue >= d.u32(P.NB_TXQ)) fail('EINVAL', `Invalid Tx queue_id=${queue} (port ${port} has ${d.u32(P.NB_TXQ)})`);
  const info = o.devInfo(d);
  if (nbDesc === 0) nbDesc = info.defaultTxportconf.ringSize || 512;
  const lim = info.txDescLim;
  if (nbDesc > lim.nbMax || nbDesc < lim.nbMin || nbDesc % lim.nbAlign !== 0) {
    fail('EINVAL', `Invalid value for nb_tx_desc(=${nbDesc}), should be: <= ${lim.nbMax}, >= ${lim.nbMin}, and a product of ${lim.nbAlign}`);
  }
  const sock = socketId === eal.SOCKET_ID_ANY ? d.i32(P.SOCKET) : socketId;
  const handle = o.txQueueSetup(d, queue, { nbDesc, socketId: sock, offloads: conf?.offloads ?? 0n });
  d.setTxqConf(queue, QC_NB_DESC, nbDesc);
  d.setTxqConf(queue, QC_SOCKET, sock);
  d.setTxqConf(queue, QC_STATE, 1);
  txq[port * MAX_QUEUES_PER_PORT + queue] = handle;
}

export function start(port: number): void {
  const d = pd(port);
  const o = opsOf(port);
  if (d.started) return;
  if (d.u32(P.CONFIGURED) !== 1) fail('EINVAL', `Port ${port} is not configured`);
  for (let q = 0; q < d.u32(P.NB_RXQ); q++) if (d.rxqConf(q, QC_STATE) !== 1) fail('EINVAL', `Port ${port}: Rx queue ${q} is not set up`);
  for (let q = 0; q < d.u32(P.NB_TXQ); q++) if (d.txqConf(q, QC_STATE) !== 1) fail('EINVAL', `Port ${port}: Tx queue ${q} is not set up`);
  o.start?.(d);
  if (d.u32(P.PROMISC) === 1) o.promiscuousEnable?.(d);
  if (d.u32(P.ALLMULTI) === 1) o.allmulticastEnable?.(d);
  d.setU32(P.STARTED, 1);
}

export function stop(port: number): void {
  const d = pd(port);
  const o = opsOf(port);
  if (!d.started) return;
  o.stop?.(d);
  d.setU32(P.STARTED, 0);
}

export function close(port: number): void {
  const d = pd(port);
  const o = opsOf(port);
  if (d.started) fail('EINVAL', `Cannot close started device (port ${port})`);
  for (let q = 0; q < d.u32(P.NB_RXQ); q++) if (d.rxqConf(q, QC_STATE) === 1) o.rxQueueRelease?.(d, q);
  for (let q = 0; q < d.u32(P.NB_TXQ); q++) if (d.txqConf(q, QC_STATE) === 1) o.txQueueRelease?.(d, q);
  o.close?.(d);
  releasePort(port);
}

export function reset(port: number): void {
  const d = pd(port);
  const o = opsOf(port);
  if (!o.reset) fail('ENOTSUP', `port ${port} (${d.driverName}) does not support reset`);
  if (d.started) stop(port);
  o.reset(d);
  d.setU32(P.CONFIGURED, 0);
}

// ---- data path ----

function rxQueueSlow(port: number, queue: number): RxQueue | null {
  if (!isValidPort(port) || queue < 0 || queue >= MAX_QUEUES_PER_PORT) return null;
  const d = pd(port);
  if (queue >= d.u32(P.NB_RXQ) || d.rxqConf(queue, QC_STATE) !== 1) return null;
  const o = opsOf(port);
  if (!o.rxQueueAttach) fail('ENOTSUP', `port ${port} (${d.driverName}): Rx queue ${queue} cannot be used from this thread or process`);
  const h = o.rxQueueAttach(d, queue);
  rxq[port * MAX_QUEUES_PER_PORT + queue] = h;
  return h;
}

function txQueueSlow(port: number, queue: number): TxQueue | null {
  if (!isValidPort(port) || queue < 0 || queue >= MAX_QUEUES_PER_PORT) return null;
  const d = pd(port);
  if (queue >= d.u32(P.NB_TXQ) || d.txqConf(queue, QC_STATE) !== 1) return null;
  const o = opsOf(port);
  if (!o.txQueueAttach) fail('ENOTSUP', `port ${port} (${d.driverName}): Tx queue ${queue} cannot be used from this thread or process`);
  const h = o.txQueueAttach(d, queue);
  txq[port * MAX_QUEUES_PER_PORT + queue] = h;
  return h;
}

/**
 * rte_eth_rx_burst: receives up to n packets into mbufs[0..n) (mbuf offsets); returns how many.
 * A bad port/queue returns 0. Rx callbacks of this thread run on the result.
 */
export function rxBurst(port: number, queue: number, mbufs: Uint32Array, n: number): number {
  const i = port * MAX_QUEUES_PER_PORT + queue;
  let q = rxq[i];
  if (q === null || q === undefined) {
    if ((q = rxQueueSlow(port, queue)) === null) return 0;
  }
  let nb = q.rxBurst(mbufs, n);
  if (nb > 0) pdumpRx(port, queue, mbufs, nb);
  const cbs = rxCbs[i];
  if (cbs !== null && cbs !== undefined) {
    for (let k = 0; k < cbs.length; k++) nb = cbs[k]!.fn(port, queue, mbufs, nb, n, cbs[k]!.param);
  }
  return nb;
}

/** rte_eth_tx_burst: sends mbufs[0..n); returns how many the driver took (the rest stay the caller's). */
export function txBurst(port: number, queue: number, mbufs: Uint32Array, n: number): number {
  const i = port * MAX_QUEUES_PER_PORT + queue;
  let q = txq[i];
  if (q === null || q === undefined) {
    if ((q = txQueueSlow(port, queue)) === null) return 0;
  }
  const cbs = txCbs[i];
  if (cbs !== null && cbs !== undefined) {
    for (let k = 0; k < cbs.length; k++) n = cbs[k]!.fn(port, queue, mbufs, n, cbs[k]!.param);
  }
  if (n > 0) pdumpTx(port, queue, mbufs, n);
  return q.txBurst(mbufs, n);
}

/** rte_eth_tx_prepare: how many of the first n packets are valid for the driver (all, when it has no rules). */
export function txPrepare(port: number, queue: number, mbufs: Uint32Array, n: number): number {
  const o = ops[port];
  if (o === null || o === undefined || !o.txPrepare) return n;
  return o.txPrepare(portData[port]!, queue, mbufs, n);
}

// ---- callbacks ----

export function addRxCallback(port: number, queue: number, fn: RxCallbackFn, param: unknown = null): number {
  pd(port);
  if (queue < 0 || queue >= MAX_QUEUES_PER_PORT) fail('EINVAL', `invalid Rx queue ${queue}`);
  const i = port * MAX_QUEUES_PER_PORT + queue;
  const id = cbId++;
  rxCbs[i] = [...(rxCbs[i] ?? []), { fn, param, id }];
  return id;
}

export function removeRxCallback(port: number, queue: number, id: number): void {
  const i = port * MAX_QUEUES_PER_PORT + queue;
  const list = rxCbs[i] ?? [];
  if (!list.some((c) => c.id === id)) fail('EINVAL', `no Rx callback ${id} on port ${port} queue ${queue}`);
  const rest = list.filter((c) => c.id !== id);
  rxCbs[i] = rest.length ? rest : null;
}

export function addTxCallback(port: number, queue: number, fn: TxCallbackFn, param: unknown = null): number {
  pd(port);
  if (queue < 0 || queue >= MAX_QUEUES_PER_PORT) fail('EINVAL', `invalid Tx queue ${queue}`);
  const i = port * MAX_QUEUES_PER_PORT + queue;
  const id = cbId++;
  txCbs[i] = [...(txCbs[i] ?? []), { fn, param, id }];
  return id;
}

export function removeTxCallback(port: number, queue: number, id: number): void {
  const i = port * MAX_QUEUES_PER_PORT + queue;
  const list = txCbs[i] ?? [];
  if (!list.some((c) => c.id === id)) fail('EINVAL', `no Tx callback ${id} on port ${port} queue ${queue}`);
  const rest = list.filter((c) => c.id !== id);
  txCbs[i] = rest.length ? rest : null;
}

// ---- link, modes, addresses ----

export function linkGet(port: number): Link {
  const d = pd(port);
  opsOf(port).linkUpdate?.(d, true);
  return { speed: d.u32(P.LINK_SPEED), duplex: d.u32(P.LINK_DUPLEX), autoneg: d.u32(P.LINK_AUTONEG), status: d.u32(P.LINK_STATUS) };
}

export function linkGetNowait(port: number): Link {
  const d = pd(port);
  opsOf(port).linkUpdate?.(d, false);
  return { speed: d.u32(P.LINK_SPEED), duplex: d.u32(P.LINK_DUPLEX), autoneg: d.u32(P.LINK_AUTONEG), status: d.u32(P.LINK_STATUS) };
}

/** rte_eth_link_to_str */
export function linkToString(l: Link): string {
  if (l.status === RTE_ETH_LINK_DOWN) return 'Link down';
  const speed = l.speed === 0 ? 'None' : l.speed === 0xffffffff ? 'Unknown' : l.speed >= 1000 ? `${l.speed / 1000} Gbps` : `${l.speed} Mbps`;
  return `Link up at ${speed} ${l.duplex ? 'FDX' : 'HDX'} ${l.autoneg ? 'Autoneg' : 'Fixed'}`;
}

export function setLinkUp(port: number): void {
  const d = pd(port);
  const o = opsOf(port);
  if (!o.setLinkUp) fail('ENOTSUP', `port ${port} (${d.driverName}) does not support link up`);
  o.setLinkUp(d);
  d.setU32(P.LINK_STATUS, RTE_ETH_LINK_UP);
}

export function setLinkDown(port: number): void {
  const d = pd(port);
  const o = opsOf(port);
  if (!o.setLinkDown) fail('ENOTSUP', `port ${port} (${d.driverName}) does not support link down`);
  o.setLinkDown(d);
  d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
}

// Like DPDK: nothing to do when the mode is already set; a PMD without the op gives ENOTSUP.
function setMode(port: number, field: number, on: boolean, op: ((d: PortData) => void) | undefined, what: string): void {
  const d = pd(port);
  if ((d.u32(field) === 1) === on) return;
  if (!op) fail('ENOTSUP', `${what} for port ${port}: Operation not supported`);
  op(d);
  d.setU32(field, on ? 1 : 0);
}

export function promiscuousEnable(port: number): void {
  setMode(port, P.PROMISC, true, opsOf(port).promiscuousEnable, 'enabling promiscuous mode');
}

export function promiscuousDisable(port: number): void {
  setMode(port, P.PROMISC, false, opsOf(port).promiscuousDisable, 'disabling promiscuous mode');
}

export function promiscuousGet(port: number): boolean {
  return pd(port).u32(P.PROMISC) === 1;
}

export function allmulticastEnable(port: number): void {
  setMode(port, P.ALLMULTI, true, opsOf(port).allmulticastEnable, 'enabling all-multicast mode');
}

export function allmulticastDisable(port: number): void {
  setMode(port, P.ALLMULTI, false, opsOf(port).allmulticastDisable, 'disabling all-multicast mode');
}

export function allmulticastGet(port: number): boolean {
  return pd(port).u32(P.ALLMULTI) === 1;
}

export function macAddrGet(port: number): Uint8Array {
  return pd(port).macAddr(0);
}

export function formatMac(mac: ArrayLike<number>): string {
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

export function parseMac(s: string): Uint8Array {
  const m = /^([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})$/i.exec(s.trim());
  if (!m) fail('EINVAL', `invalid MAC address '${s}'`);
  return Uint8Array.from(m.slice(1), (x) => parseInt(x, 16));
}

function checkUnicast(mac: Uint8Array, what: string): void {
  if (mac.length !== 6) fail('EINVAL', `${what}: a MAC address has 6 bytes, got ${mac.length}`);
  if (mac.every((b) => b === 0)) fail('EINVAL', `${what}: the zero MAC address is not valid`);
  if ((mac[0]! & 1) !== 0) fail('EINVAL', `${what}: ${formatMac(mac)} is a multicast address`);
}

export function defaultMacAddrSet(port: number, mac: Uint8Array): void {
  const d = pd(port);
  checkUnicast(mac, 'rte_eth_dev_default_mac_addr_set');
  opsOf(port).macAddrSet?.(d, mac);
  d.setMacAddr(0, mac);
}

/** rte_eth_dev_mac_addr_add: an additional unicast address (slot 1..). */
export function macAddrAdd(port: number, mac: Uint8Array): void {
  const d = pd(port);
  checkUnicast(mac, 'rte_eth_dev_mac_addr_add');
  const n = d.u32(P.NB_MAC);
  let free = -1;
  for (let i = 0; i < n; i++) {
    const m = d.macAddr(i);
    if (m.every((b, k) => b === mac[k])) return;
    if (i > 0 && free < 0 && m.every((b) => b === 0)) free = i;
  }
  if (free < 0) fail('ENOSPC', `port ${port}: all ${n} MAC address slots are used`);
  d.setMacAddr(free, mac);
}

export function macAddrRemove(port: number, mac: Uint8Array): void {
  const d = pd(port);
  if (d.macAddr(0).every((b, k) => b === mac[k])) fail('EADDRINUSE', `port ${port}: cannot remove the default MAC address`);
  for (let i = 1; i < d.u32(P.NB_MAC); i++) {
    if (d.macAddr(i).every((b, k) => b === mac[k])) {
      d.setMacAddr(i, [0, 0, 0, 0, 0, 0]);
      return;
    }
  }
}

/** All configured MAC addresses (default first). */
export function macAddrs(port: number): Uint8Array[] {
  const d = pd(port);
  const out: Uint8Array[] = [d.macAddr(0)];
  for (let i = 1; i < d.u32(P.NB_MAC); i++) {
    const m = d.macAddr(i);
    if (!m.every((b) => b === 0)) out.push(m);
  }
  return out;
}

export function mtuGet(port: number): number {
  return pd(port).u32(P.MTU);
}

export function mtuSet(port: number, mtu: number): void {
  const d = pd(port);
  const o = opsOf(port);
  const info = o.devInfo(d);
  if (mtu < info.minMtu || mtu > info.maxMtu) fail('EINVAL', `port ${port}: MTU ${mtu} out of range [${info.minMtu}, ${info.maxMtu}]`);
  o.mtuSet?.(d, mtu);
  d.setU32(P.MTU, mtu);
}

// ---- RSS ----

export function rssHashConfGet(port: number): { rssKey: Uint8Array; rssHf: bigint } {
  const d = pd(port);
  return { rssKey: d.rssKey(), rssHf: d.u64(P.RSS_HF) };
}

export function rssHashUpdate(port: number, conf: { rssKey?: Uint8Array | null; rssHf: bigint }): void {
  const d = pd(port);
  const o = opsOf(port);
  const info = o.devInfo(d);
  if ((conf.rssHf & ~info.flowTypeRssOffloads) !== 0n) {
    fail('EINVAL', `Ethdev port_id=${port} invalid rss_hf: ${hex(conf.rssHf)}, valid value: ${hex(info.flowTypeRssOffloads)}`);
  }
  if (conf.rssKey) {
    if (conf.rssKey.length !== info.hashKeySize) fail('EINVAL', `Ethdev port_id=${port} invalid RSS key len: ${conf.rssKey.length}, valid value: ${info.hashKeySize}`);
    d.setRssKey(conf.rssKey);
  }
  d.setU64(P.RSS_HF, conf.rssHf);
  o.rssHashUpdate?.(d);
}

export function retaQuery(port: number): number[] {
  const d = pd(port);
  return Array.from({ length: d.u32(P.RETA_SIZE) }, (_, i) => d.reta(i));
}

export function retaUpdate(port: number, reta: ArrayLike<number>): void {
  const d = pd(port);
  const size = d.u32(P.RETA_SIZE);
  if (reta.length !== size) fail('EINVAL', `port ${port}: RETA size is ${size}, got ${reta.length} entries`);
  const nbRxq = d.u32(P.NB_RXQ);
  for (let i = 0; i < size; i++) if (reta[i]! >= nbRxq) fail('EINVAL', `RETA entry ${i} = ${reta[i]} >= nb_rx_queues ${nbRxq}`);
  for (let i = 0; i < size; i++) d.setReta(i, reta[i]!);
  opsOf(port).retaUpdate?.(d);
}

// ---- statistics ----

export function statsGet(port: number): EthStats {
  const d = pd(port);
  opsOf(port).statsUpdate?.(d);
  const s: EthStats = {
    ipackets: 0, opackets: 0, ibytes: 0, obytes: 0, imissed: d.stat(S_IMISSED), ierrors: d.stat(S_IERRORS), oerrors: d.stat(S_OERRORS),
    rxNombuf: d.stat(S_RX_NOMBUF), qIpackets: [], qOpackets: [], qIbytes: [], qObytes: [], qErrors: [],
  };
  const nr = d.u32(P.NB_RXQ);
  const nt = d.u32(P.NB_TXQ);
  for (let q = 0; q < MAX_QUEUES_PER_PORT; q++) {
    const rp = d.stat(S_RXQ + 3 * q);
    const rb = d.stat(S_RXQ + 3 * q + 1);
    const tp = d.stat(S_TXQ + 3 * q);
    const tb = d.stat(S_TXQ + 3 * q + 1);
    s.ipackets += rp;
    s.ibytes += rb;
    s.opackets += tp;
    s.obytes += tb;
    s.ierrors += d.stat(S_RXQ + 3 * q + 2);
    s.oerrors += d.stat(S_TXQ + 3 * q + 2);
    if (q < 16) {
      s.qIpackets.push(q < nr ? rp : 0);
      s.qIbytes.push(q < nr ? rb : 0);
      s.qErrors.push(q < nr ? d.stat(S_RXQ + 3 * q + 2) : 0);
      s.qOpackets.push(q < nt ? tp : 0);
      s.qObytes.push(q < nt ? tb : 0);
    }
  }
  return s;
}

export function statsReset(port: number): void {
  const d = pd(port);
  const o = opsOf(port);
  d.clearStats();
  o.statsReset?.(d);
}

/** Generic xstats (DPDK's names) followed by the driver's. */
export function xstatsGet(port: number): XstatEntry[] {
  const d = pd(port);
  const s = statsGet(port);
  const out: XstatEntry[] = [
    { name: 'rx_good_packets', value: s.ipackets },
    { name: 'tx_good_packets', value: s.opackets },
    { name: 'rx_good_bytes', value: s.ibytes },
    { name: 'tx_good_bytes', value: s.obytes },
    { name: 'rx_missed_errors', value: s.imissed },
    { name: 'rx_errors', value: s.ierrors },
    { name: 'tx_errors', value: s.oerrors },
    { name: 'rx_mbuf_allocation_errors', value: s.rxNombuf },
  ];
  const nr = Math.min(d.u32(P.NB_RXQ), 16);
  const nt = Math.min(d.u32(P.NB_TXQ), 16);
  for (let q = 0; q < nr; q++) {
    out.push({ name: `rx_q${q}_packets`, value: s.qIpackets[q]! }, { name: `rx_q${q}_bytes`, value: s.qIbytes[q]! }, { name: `rx_q${q}_errors`, value: s.qErrors[q]! });
  }
  for (let q = 0; q < nt; q++) {
    out.push({ name: `tx_q${q}_packets`, value: s.qOpackets[q]! }, { name: `tx_q${q}_bytes`, value: s.qObytes[q]! });
  }
  const extra = opsOf(port).xstats?.(d) ?? [];
  return out.concat(extra);
}

export function xstatsGetNames(port: number): string[] {
  return xstatsGet(port).map((x) => x.name);
}

export function xstatsReset(port: number): void {
  const d = pd(port);
  statsReset(port);
  opsOf(port).xstatsReset?.(d);
}

// ---- ownership ----

export function ownerNew(): bigint {
  lockEthdev();
  try {
    return nextOwnerId();
  } finally {
    unlockEthdev();
  }
}

export function ownerSet(port: number, ownerId: bigint, name: string): void {
  const d = pd(port);
  if (ownerId === 0n) fail('EINVAL', 'invalid owner id 0');
  lockEthdev();
  try {
    const cur = d.u64(P.OWNER_ID);
    if (cur !== 0n && cur !== ownerId) fail('EPERM', `port ${port} is already owned by '${d.str(P.OWNER_NAME, 64)}' (${cur})`);
    d.setU64(P.OWNER_ID, ownerId);
    d.setStr(P.OWNER_NAME, 64, name);
  } finally {
    unlockEthdev();
  }
}

export function ownerUnset(port: number, ownerId: bigint): void {
  const d = pd(port);
  lockEthdev();
  try {
    if (d.u64(P.OWNER_ID) !== ownerId) fail('EPERM', `port ${port} is not owned by ${ownerId}`);
    d.setU64(P.OWNER_ID, 0n);
    d.setStr(P.OWNER_NAME, 64, '');
  } finally {
    unlockEthdev();
  }
}

export function ownerGet(port: number): { id: bigint; name: string } {
  const d = pd(port);
  return { id: d.u64(P.OWNER_ID), name: d.str(P.OWNER_NAME, 64) };
}

export function nbRxQueues(port: number): number {
  return pd(port).u32(P.NB_RXQ);
}

export function nbTxQueues(port: number): number {
  return pd(port).u32(P.NB_TXQ);
}

export function isStarted(port: number): boolean {
  return pd(port).started;
}

export function devargsOf(port: number): string {
  return pd(port).str(P.DEVARGS, 512);
}

/** The shared slot of a port (for drivers and tools). */
export function portDataOf(port: number): PortData {
  return pd(port);
}

export { TsdpdkError };
