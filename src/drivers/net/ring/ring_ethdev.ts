// net_ring: ports over rte_rings (DPDK drivers/net/ring). Rx dequeues from a ring, Tx enqueues into one,
// so lcores and processes exchange packets through ports. Ring offsets are kept in shared memory
// (the port's private block), so worker lcores and secondaries attach to the same rings.

import * as eal from '../../../lib/eal/index.js';
import { fail } from '../../../lib/eal/errors.js';
import { Ring, RING_F_SC_DEQ, RING_F_SP_ENQ } from '../../../lib/ring/index.js';
import { allocatePort, registerDriver } from '../../../lib/ethdev/ethdev.js';
import { softDevInfo, type EthDevOps, type RxQueue, type TxQueue, type VdevDriver } from '../../../lib/ethdev/driver.js';
import { P, S_RXQ, S_TXQ, type PortData } from '../../../lib/ethdev/port_data.js';
import { RTE_ETH_LINK_DOWN, RTE_ETH_LINK_FIXED, RTE_ETH_LINK_FULL_DUPLEX, RTE_ETH_LINK_UP, RTE_ETH_SPEED_NUM_10G } from '../../../lib/ethdev/constants.js';
import { parseKvargs } from '../../../lib/kvargs/index.js';

export const RTE_PMD_RING_MAX_RX_RINGS = 16;
export const RTE_PMD_RING_MAX_TX_RINGS = 16;
const RING_SIZE = 1024;

// Private block (window offset in P.PRIV): nbRx, nbTx, rx ring offsets[16], tx ring offsets[16].
const V_NB_RX = 0;
const V_NB_TX = 4;
const V_RX = 8;
const V_TX = 8 + 4 * RTE_PMD_RING_MAX_RX_RINGS;
const V_CREATED = V_TX + 4 * RTE_PMD_RING_MAX_TX_RINGS; // 1: this port created its rings (freed on remove)
const V_SIZE = V_CREATED + 4;

class RingRxQueue implements RxQueue {
  private readonly f64: Float64Array;
  constructor(private readonly ring: Ring, private readonly statIdx: number) {
    this.f64 = eal.sharedWindow().f64;
  }
  rxBurst(mbufs: Uint32Array, n: number): number {
    const nb = this.ring.dequeueBurst(mbufs, n);
    this.f64[this.statIdx] += nb;
    return nb;
  }
}

class RingTxQueue implements TxQueue {
  private readonly f64: Float64Array;
  constructor(private readonly ring: Ring, private readonly statIdx: number) {
    this.f64 = eal.sharedWindow().f64;
  }
  txBurst(mbufs: Uint32Array, n: number): number {
    const nb = this.ring.enqueueBurst(mbufs, n);
    this.f64[this.statIdx] += nb;
    return nb;
  }
}

function priv(d: PortData): number {
  return d.u32(P.PRIV);
}

function ringAt(d: PortData, field: number, q: number, what: string): Ring {
  const w = eal.sharedWindow();
  const off = w.u32[(priv(d) + field + 4 * q) >>> 2]!;
  if (off === 0) fail('EINVAL', `${d.name}: no ${what} ring for queue ${q}`);
  return Ring.attach(off);
}

const ops: EthDevOps = {
  devInfo(d) {
    const w = eal.sharedWindow();
    return softDevInfo('net_ring', {
      maxRxQueues: w.u32[(priv(d) + V_NB_RX) >>> 2]!,
      maxTxQueues: w.u32[(priv(d) + V_NB_TX) >>> 2]!,
      txOffloadCapa: 1n << 15n, // MULTI_SEGS: rings carry whole chains
    });
  },
  rxQueueSetup(d, q) {
    return new RingRxQueue(ringAt(d, V_RX, q, 'Rx'), d.statsIndex + S_RXQ + 3 * q);
  },
  txQueueSetup(d, q) {
    return new RingTxQueue(ringAt(d, V_TX, q, 'Tx'), d.statsIndex + S_TXQ + 3 * q);
  },
  rxQueueAttach(d, q) {
    return new RingRxQueue(ringAt(d, V_RX, q, 'Rx'), d.statsIndex + S_RXQ + 3 * q);
  },
  txQueueAttach(d, q) {
    return new RingTxQueue(ringAt(d, V_TX, q, 'Tx'), d.statsIndex + S_TXQ + 3 * q);
  },
  start(d) {
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_UP);
  },
  stop(d) {
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
  },
  setLinkUp(d) {
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_UP);
  },
  setLinkDown(d) {
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
  },
  // Rings have no address filter: the modes are accepted and only recorded.
  promiscuousEnable() {},
  promiscuousDisable() {},
  allmulticastEnable() {},
  allmulticastDisable() {},
};

function initPort(d: PortData, rx: Ring[], tx: Ring[], created: boolean): void {
  const w = eal.sharedWindow();
  const v = eal.zmalloc('eth_ring', V_SIZE);
  w.u32[(v + V_CREATED) >>> 2] = created ? 1 : 0;
  w.u32[(v + V_NB_RX) >>> 2] = rx.length;
  w.u32[(v + V_NB_TX) >>> 2] = tx.length;
  rx.forEach((r, i) => (w.u32[(v + V_RX + 4 * i) >>> 2] = r.offset));
  tx.forEach((r, i) => (w.u32[(v + V_TX + 4 * i) >>> 2] = r.offset));
  d.setU32(P.PRIV, v);
  d.setU32(P.LINK_SPEED, RTE_ETH_SPEED_NUM_10G);
  d.setU32(P.LINK_DUPLEX, RTE_ETH_LINK_FULL_DUPLEX);
  d.setU32(P.LINK_AUTONEG, RTE_ETH_LINK_FIXED);
  d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
  d.setU32(P.PROMISC, 1);
  d.setU32(P.ALLMULTI, 1);
  d.setMacAddr(0, [0, 0, 0, 0, 0, 0]); // zeroed like DPDK's ring PMD
  d.setU32(P.NB_RXQ, rx.length);
  d.setU32(P.NB_TXQ, tx.length);
}

function createOrAttachRings(name: string, socket: number, action: 'CREATE' | 'ATTACH'): Ring[] {
  const rings: Ring[] = [];
  const n = Math.min(RTE_PMD_RING_MAX_RX_RINGS, RTE_PMD_RING_MAX_TX_RINGS);
  for (let i = 0; i < n; i++) {
    const rn = `ETH_RXTX${i}_${name}`;
    rings.push(action === 'CREATE' ? Ring.create(rn, RING_SIZE, socket, RING_F_SP_ENQ | RING_F_SC_DEQ) : Ring.lookup(rn));
  }
  return rings;
}

let pendingRings: { rx: Ring[]; tx: Ring[] } | null = null;

const driver: VdevDriver = {
  name: 'net_ring',
  aliases: ['eth_ring'],
  validKeys: ['nodeaction'],
  probe(d, devName, args) {
    let rx: Ring[];
    let tx: Ring[];
    let created = false;
    if (pendingRings !== null) {
      ({ rx, tx } = pendingRings);
    } else {
      const kv = parseKvargs(args, ['nodeaction']);
      const na = kv.getAll('nodeaction');
      if (na.length === 0) {
        rx = tx = createOrAttachRings(devName, eal.socketId(), 'CREATE');
        created = true;
      } else {
        // nodeaction=<name>:<node>:<CREATE|ATTACH>; the rings are named after <name>.
        const m = /^([^:]+):(\d+):(CREATE|ATTACH)$/i.exec(na[0]!);
        if (!m) fail('EINVAL', `net_ring: invalid nodeaction '${na[0]}' (want name:node:CREATE|ATTACH)`);
        const action = m[3]!.toUpperCase() as 'CREATE' | 'ATTACH';
        rx = tx = createOrAttachRings(m[1]!, Number(m[2]), action);
        created = action === 'CREATE';
      }
    }
    initPort(d, rx, tx, created);
    return ops;
  },
  attachSecondary() {
    return ops;
  },
  // Like DPDK's DEV_CREATE ports, a port that created its rings frees them (rx and tx are the same rings).
  remove(d) {
    const v = priv(d);
    if (v === 0) return;
    const w = eal.sharedWindow();
    if (w.u32[(v + V_CREATED) >>> 2] === 1) {
      for (let i = 0; i < w.u32[(v + V_NB_RX) >>> 2]!; i++) {
        const off = w.u32[(v + V_RX + 4 * i) >>> 2]!;
        if (off !== 0) Ring.attach(off).free();
      }
    }
    eal.free(v);
    d.setU32(P.PRIV, 0);
  },
};

registerDriver(driver);

/** rte_eth_from_rings: a port whose Rx queue i dequeues rx[i] and Tx queue i enqueues tx[i]. */
export function ethFromRings(name: string, rx: Ring[], tx: Ring[], _socketId = eal.SOCKET_ID_ANY): number {
  if (rx.length === 0 && tx.length === 0) fail('EINVAL', 'rte_eth_from_rings: no rings');
  if (rx.length > RTE_PMD_RING_MAX_RX_RINGS || tx.length > RTE_PMD_RING_MAX_TX_RINGS) {
    fail('EINVAL', `rte_eth_from_rings: at most ${RTE_PMD_RING_MAX_RX_RINGS} rings each way`);
  }
  pendingRings = { rx, tx };
  try {
    return allocatePort(driver, name, '');
  } finally {
    pendingRings = null;
  }
}

/** rte_eth_from_ring: one ring used for both directions (a loopback port). */
export function ethFromRing(r: Ring): number {
  return ethFromRings(r.name, [r], [r]);
}
