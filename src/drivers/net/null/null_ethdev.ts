// net_null (DPDK drivers/net/null): Rx hands out fresh mbufs of `size` bytes, Tx frees what it gets.
// `copy=1` copies a dummy packet in and out (to cost a memcpy like a real NIC); `no-rx=1` receives nothing.

import * as eal from '../../../lib/eal/index.js';
import { fail } from '../../../lib/eal/errors.js';
import { registerDriver } from '../../../lib/ethdev/ethdev.js';
import { softDevInfo, type EthDevOps, type RxQueue, type TxQueue, type VdevDriver } from '../../../lib/ethdev/driver.js';
import { P, S_RXQ, S_TXQ, type PortData } from '../../../lib/ethdev/port_data.js';
import {
  MAX_QUEUES_PER_PORT, RSS_PROTO_MASK, RTE_ETH_LINK_DOWN, RTE_ETH_LINK_FIXED, RTE_ETH_LINK_FULL_DUPLEX, RTE_ETH_LINK_UP,
  RTE_ETH_SPEED_NUM_10G,
} from '../../../lib/ethdev/constants.js';
import { parseKvargs } from '../../../lib/kvargs/index.js';
import { mempoolFromOffset, type Mempool } from '../../../lib/mempool/index.js';
import { allocBulk, freeBulk, M_DATA_LEN, M_DATA_OFF, M_PKT_LEN, M_PORT, M_BUF_ADDR } from '../../../lib/mbuf/index.js';

const DEFAULT_SIZE = 64;

// Private block (window offset in P.PRIV): size, copy, noRx, then a dummy packet buffer per queue direction.
const V_SIZE = 0;
const V_COPY = 4;
const V_NO_RX = 8;
const V_DUMMY = 64; // one shared dummy packet (DPDK keeps one per queue; contents are never read back)
const HDR = V_DUMMY;

class NullRxQueue implements RxQueue {
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private readonly u8: Uint8Array;
  private readonly f64: Float64Array;
  constructor(
    private readonly pool: Mempool, private readonly portId: number, private readonly size: number, private readonly copy: boolean,
    private readonly noRx: boolean, private readonly dummy: number, private readonly statIdx: number, private readonly nombufIdx: number,
  ) {
    const w = eal.sharedWindow();
    this.u16 = w.u16;
    this.u32 = w.u32;
    this.u8 = w.u8;
    this.f64 = w.f64;
  }
  rxBurst(mbufs: Uint32Array, n: number): number {
    if (this.noRx || n === 0) return 0;
    if (allocBulk(this.pool, mbufs, n) !== 0) {
      this.f64[this.nombufIdx] += n;
      return 0;
    }
    const u16 = this.u16;
    const u32 = this.u32;
    const size = this.size;
    const port = this.portId;
    for (let i = 0; i < n; i++) {
      const m = mbufs[i]!;
      u16[(m + M_DATA_LEN) >>> 1] = size;
      u32[(m + M_PKT_LEN) >>> 2] = size;
      u16[(m + M_PORT) >>> 1] = port;
      if (this.copy) {
        const d = u32[(m + M_BUF_ADDR) >>> 2]! + u16[(m + M_DATA_OFF) >>> 1]!;
        this.u8.copyWithin(d, this.dummy, this.dummy + size);
      }
    }
    this.f64[this.statIdx] += n;
    return n;
  }
}

class NullTxQueue implements TxQueue {
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private readonly u8: Uint8Array;
  private readonly f64: Float64Array;
  constructor(private readonly size: number, private readonly copy: boolean, private readonly dummy: number, private readonly statIdx: number) {
    const w = eal.sharedWindow();
    this.u16 = w.u16;
    this.u32 = w.u32;
    this.u8 = w.u8;
    this.f64 = w.f64;
  }
  txBurst(mbufs: Uint32Array, n: number): number {
    if (this.copy) {
      for (let i = 0; i < n; i++) {
        const m = mbufs[i]!;
        const d = this.u32[(m + M_BUF_ADDR) >>> 2]! + this.u16[(m + M_DATA_OFF) >>> 1]!;
        const len = Math.min(this.size, this.u16[(m + M_DATA_LEN) >>> 1]!);
        this.u8.copyWithin(this.dummy, d, d + len);
      }
    }
    freeBulk(mbufs, n);
    this.f64[this.statIdx] += n;
    return n;
  }
}

function cfg(d: PortData): { size: number; copy: boolean; noRx: boolean; dummy: number } {
  const w = eal.sharedWindow();
  const v = d.u32(P.PRIV);
  return { size: w.u32[(v + V_SIZE) >>> 2]!, copy: w.u32[(v + V_COPY) >>> 2] === 1, noRx: w.u32[(v + V_NO_RX) >>> 2] === 1, dummy: v + V_DUMMY };
}

function rxQueue(d: PortData, q: number): RxQueue {
  const c = cfg(d);
  const pool = mempoolFromOffset(d.rxqConf(q, 8));
  return new NullRxQueue(pool, d.portId, c.size, c.copy, c.noRx, c.dummy, d.statsIndex + S_RXQ + 3 * q, d.statsIndex + 3);
}

function txQueue(d: PortData, q: number): TxQueue {
  const c = cfg(d);
  return new NullTxQueue(c.size, c.copy, c.dummy, d.statsIndex + S_TXQ + 3 * q);
}

const ops: EthDevOps = {
  devInfo() {
    return softDevInfo('net_null', {
      maxRxQueues: MAX_QUEUES_PER_PORT,
      maxTxQueues: MAX_QUEUES_PER_PORT,
      flowTypeRssOffloads: RSS_PROTO_MASK,
      retaSize: 128,
      hashKeySize: 40,
      txOffloadCapa: (1n << 15n) | (1n << 14n), // MULTI_SEGS | MT_LOCKFREE
    });
  },
  rxQueueSetup(d, q, conf) {
    const c = cfg(d);
    return new NullRxQueue(mempoolFromOffset(conf.mempool), d.portId, c.size, c.copy, c.noRx, c.dummy, d.statsIndex + S_RXQ + 3 * q, d.statsIndex + 3);
  },
  txQueueSetup: (d, q) => txQueue(d, q),
  rxQueueAttach: rxQueue,
  txQueueAttach: txQueue,
  start(d) {
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_UP);
  },
  stop(d) {
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
  },
};

/** strtoul(value, NULL, 0) as the DPDK PMD parses numeric devargs. */
function parseUint(key: string, value: string): number {
  const t = value.trim();
  const v = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^0[0-7]+$/.test(t) ? parseInt(t, 8) : /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(v) || v > 0xffffffff) fail('EINVAL', `net_null: invalid value '${value}' for ${key}`);
  return v;
}

/** rte_eth_random_addr: random, unicast, locally administered. */
function randomMac(): number[] {
  const b = Array.from({ length: 6 }, () => Math.floor(Math.random() * 256));
  b[0] = (b[0]! & 0xfe) | 0x02;
  return b;
}

const driver: VdevDriver = {
  name: 'net_null',
  aliases: ['eth_null'],
  validKeys: ['size', 'copy', 'no-rx'],
  probe(d, _devName, args) {
    const kv = parseKvargs(args, driver.validKeys);
    const size = kv.has('size') ? parseUint('size', kv.get('size')!) : DEFAULT_SIZE;
    const copy = kv.has('copy') ? parseUint('copy', kv.get('copy')!) !== 0 : false;
    const noRx = kv.has('no-rx') ? parseUint('no-rx', kv.get('no-rx')!) !== 0 : false;
    if (copy && noRx) fail('EINVAL', 'net_null: Both copy and no-rx arguments at the same time not supported');
    if (size > 0xffff) fail('EINVAL', `net_null: size ${size} does not fit an mbuf (max 65535)`);
    const w = eal.sharedWindow();
    const v = eal.zmalloc('eth_null', HDR + size);
    w.u32[(v + V_SIZE) >>> 2] = size;
    w.u32[(v + V_COPY) >>> 2] = copy ? 1 : 0;
    w.u32[(v + V_NO_RX) >>> 2] = noRx ? 1 : 0;
    d.setU32(P.PRIV, v);
    d.setU32(P.LINK_SPEED, RTE_ETH_SPEED_NUM_10G);
    d.setU32(P.LINK_DUPLEX, RTE_ETH_LINK_FULL_DUPLEX);
    d.setU32(P.LINK_AUTONEG, RTE_ETH_LINK_FIXED);
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
    d.setMacAddr(0, randomMac());
    d.setU32(P.PROMISC, 1); // like DPDK's: on, and no op to turn it off
    d.setU32(P.ALLMULTI, 1);
    d.setU32(P.NB_RXQ, 1);
    d.setU32(P.NB_TXQ, 1);
    const key = [0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
      0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa];
    d.setRssKey(Uint8Array.from(key));
    return ops;
  },
  attachSecondary() {
    return ops;
  },
  remove(d) {
    const v = d.u32(P.PRIV);
    if (v !== 0) eal.free(v);
    d.setU32(P.PRIV, 0);
  },
};

registerDriver(driver);
