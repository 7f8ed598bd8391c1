// testpmd's global state: the run configuration (options and runtime "set" commands), per-port state,
// the current forwarding configuration and whether forwarding runs. One process-wide object, like
// testpmd's globals; only the main lcore touches it (workers get a structured-cloneable copy).

import type { EthConf, EthStats } from '../../lib/ethdev/index.js';

export const MAX_PKT_BURST = 512;
export const DEF_PKT_BURST = 32;
export const DEF_MBUF_CACHE = 250;
export const RX_DESC_MAX = 2048;
export const TX_DESC_MAX = 2048;
export const MIN_TOTAL_NUM_MBUFS = 1024;
export const DEFAULT_MBUF_DATA_SIZE = 2176;
export const MAX_SEGS_BUFFER_SPLIT = 8;
export const RTE_MAX_SEGS_PER_PKT = 255;
export const RTE_MAX_ETHPORTS = 32;
export const TXONLY_DEF_PACKET_LEN = 64;
export const BURST_TX_WAIT_US = 1;
export const BURST_TX_RETRIES = 64;
export const RTE_PORT_ALL = -1;

/** Every engine name dpdk-testpmd 22.11 (Debian) knows, in its order. */
export const FWD_MODES = ['io', 'mac', 'macswap', 'flowgen', 'rxonly', 'txonly', 'csum', 'icmpecho', 'noisy', '5tswap', 'shared_rxq'] as const;
/** The ones tsdpdk-testpmd implements. */
export const SUPPORTED_FWD_MODES = new Set(['io', 'mac', 'macswap', 'flowgen', 'rxonly', 'txonly', 'csum', 'icmpecho', '5tswap']);

export type Topology = 'paired' | 'chained' | 'loop';

/** Options and runtime settings (testpmd's configuration globals). */
export interface Config {
  interactive: boolean;
  autoStart: boolean;
  cmdlineFile: string | null;
  txFirst: boolean;
  statsPeriod: number;
  /** Forwarding lcores (testpmd's fwd_lcores_cpuids); never the main lcore. */
  fwdLcores: number[];
  nbCfgLcores: number;
  nbFwdLcores: number;
  nbLcores: number;
  fwdPorts: number[];
  nbCfgPorts: number;
  nbFwdPorts: number;
  numa: boolean;
  mbufDataSize: number[];
  totalNumMbufs: number;
  mbcache: number;
  maxRxPktLen: number;
  peers: Uint8Array[];
  rxOffloads: bigint;
  txOffloads: bigint;
  rssHf: bigint;
  topology: Topology;
  fwdMode: string;
  retry: boolean;
  nbRxq: number;
  nbTxq: number;
  nbRxd: number;
  nbTxd: number;
  burst: number;
  flowgenClones: number;
  flowgenFlows: number;
  noFlushRx: boolean;
  txSegLengths: number[];
  txPktLength: number;
  txonlyMultiFlow: boolean;
  txIpSrc: number;
  txIpDst: number;
  txUdpSrc: number;
  txUdpDst: number;
  noLinkCheck: boolean;
  noDeviceStart: boolean;
  lscInterrupt: boolean;
  verbose: number;
}

export type PortStatus = 'stopped' | 'started' | 'closed' | 'handling';

export interface PortState {
  id: number;
  socketId: number;
  mac: Uint8Array;
  status: PortStatus;
  needReconfig: boolean;
  needReconfigQueues: boolean;
  conf: EthConf;
  nbRxDesc: number;
  nbTxDesc: number;
  /** Port stats at the last forward-stats reset (start / clear fwd stats). */
  statsBase: EthStats | null;
  /** csum engine: rewrite Ethernet addresses (csum mac-swap on, the default). */
  fwdMacSwap: boolean;
}

export interface Stream {
  rxPort: number;
  rxQueue: number;
  txPort: number;
  txQueue: number;
  peerAddr: number;
}

export interface FwdConfig {
  engine: string;
  nbFwdPorts: number;
  nbFwdLcores: number;
  nbFwdStreams: number;
  streams: Stream[];
  /** Per forwarding lcore (index into cfg.fwdLcores): first stream and count. */
  lcoreStreams: { idx: number; nb: number }[];
}

export interface Ctx {
  prog: string;
  cfg: Config;
  ports: Map<number, PortState>;
  fwd: FwdConfig;
  /** testpmd's test_done: no forwarding is running. */
  testDone: boolean;
  /** Window offset of the shared run block (stop flags, per-stream counters); see shared.ts. */
  sharedBlock: number;
  /** Mbuf pool window offsets by name (mb_pool_<socket>[_<i>]). */
  pools: Map<string, number>;
  /** testpmd's socket_ids: sockets of the lcores, then of the ports, in discovery order. */
  sockets: number[];
  pairedWarningShown: boolean;
  quit: boolean;
}

/** A fatal error: testpmd calls rte_exit(code, cause). */
export class TestpmdExit extends Error {
  constructor(readonly code: number, readonly causeText: string | null) {
    super(causeText ?? `exit ${code}`);
  }
}

export function defaultConfig(): Config {
  const peers: Uint8Array[] = [];
  for (let i = 0; i < RTE_MAX_ETHPORTS; i++) peers.push(Uint8Array.of(0x02, 0, 0, 0, 0, i));
  return {
    interactive: false, autoStart: false, cmdlineFile: null, txFirst: false, statsPeriod: 0,
    fwdLcores: [], nbCfgLcores: 0, nbFwdLcores: 1, nbLcores: 0, fwdPorts: [], nbCfgPorts: 0, nbFwdPorts: 0,
    numa: true, mbufDataSize: [DEFAULT_MBUF_DATA_SIZE], totalNumMbufs: 0, mbcache: DEF_MBUF_CACHE, maxRxPktLen: 0,
    peers, rxOffloads: 0n, txOffloads: 0n,
    // RTE_ETH_RSS_IP
    rssHf: (1n << 2n) | (1n << 3n) | (1n << 7n) | (1n << 8n) | (1n << 9n) | (1n << 13n) | (1n << 15n),
    topology: 'paired', fwdMode: 'io', retry: false, nbRxq: 1, nbTxq: 1, nbRxd: 0, nbTxd: 0, burst: DEF_PKT_BURST,
    flowgenClones: 0, flowgenFlows: 1024, noFlushRx: false, txSegLengths: [TXONLY_DEF_PACKET_LEN],
    txPktLength: TXONLY_DEF_PACKET_LEN, txonlyMultiFlow: false,
    txIpSrc: ((198 << 24) | (18 << 16) | 1) >>> 0, txIpDst: ((198 << 24) | (18 << 16) | 2) >>> 0, txUdpSrc: 9, txUdpDst: 9,
    noLinkCheck: false, noDeviceStart: false, lscInterrupt: true, verbose: 0,
  };
}

export const ctx: Ctx = {
  prog: 'tsdpdk-testpmd',
  cfg: defaultConfig(),
  ports: new Map(),
  fwd: { engine: 'io', nbFwdPorts: 0, nbFwdLcores: 0, nbFwdStreams: 0, streams: [], lcoreStreams: [] },
  testDone: true,
  sharedBlock: 0,
  pools: new Map(),
  sockets: [],
  pairedWarningShown: false,
  quit: false,
};

export function formatMac(m: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += (i ? ':' : '') + (m[i]! & 0xff).toString(16).toUpperCase().padStart(2, '0');
  return s;
}
