// The PMD side of ethdev (DPDK's eth_dev_ops): what a poll-mode driver implements. Ops are per-process
// JS objects; everything they share lives in the port's slot (PortData) or memzones they own.

import type { PortData } from './port_data.js';

export interface DescLimits {
  nbMax: number;
  nbMin: number;
  nbAlign: number;
}

export interface DevInfo {
  driverName: string;
  ifIndex: number;
  minMtu: number;
  maxMtu: number;
  minRxBufSize: number;
  maxRxPktLen: number;
  maxRxQueues: number;
  maxTxQueues: number;
  maxMacAddrs: number;
  rxOffloadCapa: bigint;
  txOffloadCapa: bigint;
  rxQueueOffloadCapa: bigint;
  txQueueOffloadCapa: bigint;
  flowTypeRssOffloads: bigint;
  hashKeySize: number;
  retaSize: number;
  rxDescLim: DescLimits;
  txDescLim: DescLimits;
  speedCapa: number;
  defaultRxportconf: { burstSize: number; ringSize: number; nbQueues: number };
  defaultTxportconf: { burstSize: number; ringSize: number; nbQueues: number };
  devFlags: number;
}

/** A receive queue: `rxBurst` fills `mbufs[0..n)` with mbuf offsets and returns how many. */
export interface RxQueue {
  rxBurst(mbufs: Uint32Array, n: number): number;
}

/** A transmit queue: `txBurst` takes ownership of the first k of `mbufs` and returns k. */
export interface TxQueue {
  txBurst(mbufs: Uint32Array, n: number): number;
}

export interface RxQueueConf {
  nbDesc: number;
  socketId: number;
  mempool: number; // window offset of the mbuf pool
  offloads: bigint;
}

export interface TxQueueConf {
  nbDesc: number;
  socketId: number;
  offloads: bigint;
}

export interface XstatEntry {
  name: string;
  value: number;
}

/** eth_dev_ops. Optional ops missing -> ENOTSUP from the ethdev call. */
export interface EthDevOps {
  devInfo(port: PortData): DevInfo;
  configure?(port: PortData): void;
  rxQueueSetup(port: PortData, queue: number, conf: RxQueueConf): RxQueue;
  txQueueSetup(port: PortData, queue: number, conf: TxQueueConf): TxQueue;
  /** Secondary process / worker: rebuild queue handles from shared state. */
  rxQueueAttach?(port: PortData, queue: number): RxQueue;
  txQueueAttach?(port: PortData, queue: number): TxQueue;
  rxQueueRelease?(port: PortData, queue: number): void;
  txQueueRelease?(port: PortData, queue: number): void;
  start?(port: PortData): void;
  stop?(port: PortData): void;
  close?(port: PortData): void;
  reset?(port: PortData): void;
  linkUpdate?(port: PortData, wait: boolean): void;
  setLinkUp?(port: PortData): void;
  setLinkDown?(port: PortData): void;
  promiscuousEnable?(port: PortData): void;
  promiscuousDisable?(port: PortData): void;
  allmulticastEnable?(port: PortData): void;
  allmulticastDisable?(port: PortData): void;
  macAddrSet?(port: PortData, mac: Uint8Array): void;
  mtuSet?(port: PortData, mtu: number): void;
  /** Extra driver counters for xstats, appended after the generic ones. */
  xstats?(port: PortData): XstatEntry[];
  xstatsReset?(port: PortData): void;
  statsReset?(port: PortData): void;
  /** Refresh shared counters that the driver reads from elsewhere (kernel stats, ...). */
  statsUpdate?(port: PortData): void;
  rssHashUpdate?(port: PortData): void;
  retaUpdate?(port: PortData): void;
  /** tx_prepare: returns how many of the first n packets are ready (stops at the first bad one). */
  txPrepare?(port: PortData, queue: number, mbufs: Uint32Array, n: number): number;
}

/** A vdev PMD: created from `--vdev name,args` or hot-plug. */
export interface VdevDriver {
  /** Name prefix that selects this driver (e.g. "net_null"). */
  name: string;
  aliases: string[];
  /** Keys accepted in the device arguments; others are an error. */
  validKeys: string[];
  /** Creates the device; the driver fills the port slot (name, driver, MAC, link, ...) and returns its ops. */
  probe(port: PortData, devName: string, args: string): EthDevOps;
  /** Secondary process: ops for a port the primary created. */
  attachSecondary?(port: PortData): EthDevOps;
  /** Frees driver resources when the port is closed/removed. */
  remove?(port: PortData): void;
}

/** dev_info with ethdev's defaults for what a software PMD leaves unset (rte_eth_dev_info_get). */
export function softDevInfo(driverName: string, o: Partial<DevInfo> = {}): DevInfo {
  return {
    driverName,
    ifIndex: 0,
    minMtu: 68,
    maxMtu: 65535,
    minRxBufSize: 0,
    maxRxPktLen: 0xffffffff,
    maxRxQueues: 1,
    maxTxQueues: 1,
    maxMacAddrs: 1,
    rxOffloadCapa: 0n,
    txOffloadCapa: 0n,
    rxQueueOffloadCapa: 0n,
    txQueueOffloadCapa: 0n,
    flowTypeRssOffloads: 0n,
    hashKeySize: 0,
    retaSize: 0,
    rxDescLim: { nbMax: 0xffff, nbMin: 0, nbAlign: 1 },
    txDescLim: { nbMax: 0xffff, nbMin: 0, nbAlign: 1 },
    speedCapa: 0,
    defaultRxportconf: { burstSize: 0, ringSize: 0, nbQueues: 0 },
    defaultTxportconf: { burstSize: 0, ringSize: 0, nbQueues: 0 },
    devFlags: 0,
    ...o,
  };
}
