// net_af_packet (DPDK drivers/net/af_packet): a kernel interface through AF_PACKET sockets with
// PACKET_MMAP TPACKET_V2 rings. One socket per queue pair (PACKET_FANOUT hash group), RX and TX ring
// mapped over a heap block of the shared Memory so bursts read and write frames in place. Rx copies
// each frame once into an mbuf (chained when it exceeds the data room, a tsdpdk addition); Tx copies
// into ring frames and kicks once per burst. Sockets and mappings belong to the probing process: its
// worker lcores can poll the queues, secondary processes cannot (ENOTSUP, like DPDK's missing support).

import { readFileSync } from 'node:fs';
import * as eal from '../../../lib/eal/index.js';
import { fail } from '../../../lib/eal/errors.js';
import { loadNative } from '../../../lib/eal/native.js';
import { registerDriver } from '../../../lib/ethdev/ethdev.js';
import { softDevInfo, type EthDevOps, type RxQueue, type TxQueue, type VdevDriver } from '../../../lib/ethdev/driver.js';
import { P, S_IMISSED, S_RX_NOMBUF, S_RXQ, S_TXQ, type PortData } from '../../../lib/ethdev/port_data.js';
import {
  MAX_QUEUES_PER_PORT, RTE_ETH_LINK_DOWN, RTE_ETH_LINK_FIXED, RTE_ETH_LINK_FULL_DUPLEX, RTE_ETH_LINK_UP, RTE_ETH_SPEED_NUM_10G,
  RX_OFFLOAD, TX_OFFLOAD,
} from '../../../lib/ethdev/constants.js';
import { parseKvargs } from '../../../lib/kvargs/index.js';
import { mempoolFromOffset, type Mempool } from '../../../lib/mempool/index.js';
import {
  alloc, allocBulk, free, M_BUF_ADDR, M_BUF_LEN, M_DATA_LEN, M_DATA_OFF, M_NB_SEGS, M_NEXT, M_OL_FLAGS, M_PKT_LEN, M_PORT,
  M_VLAN_TCI,
} from '../../../lib/mbuf/index.js';
import { asTsdpdk, mapGranule, packetAddon, restoreWindow, sys, type PacketAddon } from './af_packet_native.js';

const DRV = 'net_af_packet';

// TPACKET_V2 (linux/if_packet.h).
export const TPACKET_ALIGNMENT = 16;
export const TPACKET2_HDRLEN = 52; // sizeof(tpacket2_hdr) 32 + sizeof(sockaddr_ll) 20
const TX_DATA = TPACKET2_HDRLEN - 20; // Tx frame data starts after the 32-byte header
const RX_MAC_MIN = 66; // tp_mac of an Rx frame without PACKET_RESERVE: align16(52 + 16) - 14
const H_LEN = 4;
const H_SNAPLEN = 8;
const H_MAC = 12;
const H_VLAN_TCI = 24;
const H_VLAN_TPID = 26;
const TP_STATUS_KERNEL = 0;
const TP_STATUS_USER = 1;
const TP_STATUS_SEND_REQUEST = 1;
const TP_STATUS_VLAN_VALID = 0x10;
const TP_STATUS_VLAN_TPID_VALID = 0x40;
const TP_STATUS_TS_MASK = (1 << 29) | (1 << 31); // TS_SOFTWARE | TS_RAW_HARDWARE, ignored on Tx like DPDK
const PACKET_FANOUT_HASH = 0;
const PACKET_FANOUT_FLAG_ROLLOVER = 0x1000;
const PACKET_FANOUT_FLAG_DEFRAG = 0x8000;
const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;
const IFF_PROMISC = 0x100;
const ETH_P_8021Q = 0x8100;
const ENOBUFS = 105;
const EAGAIN = 11;

// Mbuf flag words (low/high 32 bits of ol_flags).
const RX_VLAN_LO = 1 << 0;
const RX_VLAN_STRIPPED_LO = 1 << 6;
const TX_VLAN_HI = 1 << (57 - 32);

const DFLT_FRAME_SIZE = 1 << 11;
const DFLT_FRAME_COUNT = 1 << 9;
const MAX_RING_BYTES = 1 << 30;

// Private block (window offset in P.PRIV).
const V_NB_Q = 0;
const V_IFINDEX = 4;
const V_BLOCKSZ = 8;
const V_BLOCKNR = 12;
const V_FRAMESZ = 16;
const V_FRAMECNT = 20;
const V_BYPASS = 24;
const V_PID = 28;
const V_VLAN_STRIP = 32;
const V_IFNAME = 64; // 16 bytes
const V_Q = 128; // per queue pair: Q_SIZE bytes
const Q_FD = 0; // i32, -1 = closed
const Q_RING = 4; // window offset of the mapped rings (RX, then TX)
const Q_RING_LEN = 8;
const Q_REGION = 12; // heap block size (>= ring length)
const Q_RX_NEXT = 16;
const Q_TX_NEXT = 20;
const Q_SIZE = 32;
const V_SIZE = V_Q + MAX_QUEUES_PER_PORT * Q_SIZE;

interface Geometry {
  blocksz: number;
  blocknr: number;
  framesz: number;
  framecnt: number;
}

function geometry(v: number): Geometry {
  const u32 = eal.sharedWindow().u32;
  return { blocksz: u32[(v + V_BLOCKSZ) >>> 2]!, blocknr: u32[(v + V_BLOCKNR) >>> 2]!, framesz: u32[(v + V_FRAMESZ) >>> 2]!, framecnt: u32[(v + V_FRAMECNT) >>> 2]! };
}

/** Window offsets of the ring's frames (frames never straddle blocks). */
function frameTable(base: number, g: Geometry): Uint32Array {
  const fpb = Math.floor(g.blocksz / g.framesz);
  const t = new Uint32Array(g.framecnt);
  for (let i = 0; i < g.framecnt; i++) t[i] = base + Math.floor(i / fpb) * g.blocksz + (i % fpb) * g.framesz;
  return t;
}

function ifName(v: number): string {
  const u8 = eal.sharedWindow().u8;
  let e = v + V_IFNAME;
  while (e < v + V_IFNAME + 16 && u8[e] !== 0) e++;
  return new TextDecoder().decode(u8.slice(v + V_IFNAME, e));
}

function ownQueues(d: PortData, what: string): number {
  const v = d.u32(P.PRIV);
  if (v === 0) fail('ENODEV', `${DRV} ${d.name}: port is closed`);
  if (eal.sharedWindow().u32[(v + V_PID) >>> 2] !== process.pid) {
    fail('ENOTSUP', `${DRV} ${d.name}: ${what} from another process is not supported (the AF_PACKET sockets belong to the primary)`);
  }
  return v;
}

class AfPacketRxQueue implements RxQueue {
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;
  private readonly frames: Uint32Array;
  private readonly count: number;
  private readonly nextIdx: number;
  // Segment cursor of the packet being filled.
  private head = 0;
  private seg = 0;
  private pos = 0;
  private end = 0;

  constructor(
    private readonly pool: Mempool, private readonly portId: number, q: number, v: number, private readonly vlanStrip: boolean,
    private readonly statIdx: number, private readonly nombufIdx: number,
  ) {
    const w = eal.sharedWindow();
    this.u8 = w.u8;
    this.u16 = w.u16;
    this.u32 = w.u32;
    this.f64 = w.f64;
    const qo = v + V_Q + q * Q_SIZE;
    const g = geometry(v);
    this.frames = frameTable(w.u32[(qo + Q_RING) >>> 2]!, g);
    this.count = g.framecnt;
    this.nextIdx = (qo + Q_RX_NEXT) >>> 2;
  }

  rxBurst(mbufs: Uint32Array, n: number): number {
    const u32 = this.u32;
    const u16 = this.u16;
    const frames = this.frames;
    const count = this.count;
    const start = u32[this.nextIdx]!;
    // Frames the kernel has handed over (acquire: status first, then the frame).
    const max = n < count ? n : count;
    let k = 0;
    let f = start;
    while (k < max && (Atomics.load(u32, frames[f]! >>> 2) & TP_STATUS_USER) !== 0) {
      k++;
      if (++f === count) f = 0;
    }
    if (k === 0) return 0;
    if (allocBulk(this.pool, mbufs, k) !== 0) {
      this.f64[this.nombufIdx] += k;
      return 0;
    }
    f = start;
    let nb = 0;
    let bytes = 0;
    for (; nb < k; nb++) {
      const h = frames[f]!;
      const st = u32[h >>> 2]!;
      const snap = u32[(h + H_SNAPLEN) >>> 2]!;
      const src = h + u16[(h + H_MAC) >>> 1]!;
      const m = mbufs[nb]!;
      this.head = m;
      this.seg = m;
      this.pos = u32[(m + M_BUF_ADDR) >>> 2]! + u16[(m + M_DATA_OFF) >>> 1]!;
      this.end = u32[(m + M_BUF_ADDR) >>> 2]! + u16[(m + M_BUF_LEN) >>> 1]!;
      let len = snap;
      let ok: boolean;
      if ((st & TP_STATUS_VLAN_VALID) !== 0) {
        const tci = u16[(h + H_VLAN_TCI) >>> 1]!;
        u16[(m + M_VLAN_TCI) >>> 1] = tci;
        if (this.vlanStrip || snap < 12 || this.end - this.pos < 16) {
          u32[(m + M_OL_FLAGS) >>> 2] = RX_VLAN_LO | RX_VLAN_STRIPPED_LO;
          ok = this.put(src, snap);
        } else {
          // Put the tag back into the data, as rte_vlan_insert does (RX_VLAN stays, STRIPPED goes).
          u32[(m + M_OL_FLAGS) >>> 2] = RX_VLAN_LO;
          const tpid = (st & TP_STATUS_VLAN_TPID_VALID) !== 0 && u16[(h + H_VLAN_TPID) >>> 1] !== 0 ? u16[(h + H_VLAN_TPID) >>> 1]! : ETH_P_8021Q;
          const p = this.pos;
          const u8 = this.u8;
          u8.copyWithin(p, src, src + 12);
          u8[p + 12] = tpid >>> 8;
          u8[p + 13] = tpid & 0xff;
          u8[p + 14] = tci >>> 8;
          u8[p + 15] = tci & 0xff;
          this.pos = p + 16;
          ok = this.put(src + 12, snap - 12);
          len = snap + 4;
        }
      } else {
        ok = this.put(src, snap);
      }
      if (!ok) {
        // No mbuf for a further segment: the frame stays in the ring for the next burst.
        free(m);
        for (let j = nb + 1; j < k; j++) free(mbufs[j]!);
        this.f64[this.nombufIdx] += 1;
        break;
      }
      u16[(this.seg + M_DATA_LEN) >>> 1] = this.pos - (u32[(this.seg + M_BUF_ADDR) >>> 2]! + u16[(this.seg + M_DATA_OFF) >>> 1]!);
      u32[(m + M_PKT_LEN) >>> 2] = len;
      u16[(m + M_PORT) >>> 1] = this.portId;
      Atomics.store(u32, h >>> 2, TP_STATUS_KERNEL);
      if (++f === count) f = 0;
      bytes += len;
    }
    u32[this.nextIdx] = f;
    this.f64[this.statIdx] += nb;
    this.f64[this.statIdx + 1] += bytes;
    return nb;
  }

  /** Copies len bytes from window offset src at the cursor, chaining new segments as needed. */
  private put(src: number, len: number): boolean {
    const u8 = this.u8;
    const u16 = this.u16;
    const u32 = this.u32;
    for (;;) {
      const take = Math.min(len, this.end - this.pos);
      if (take > 0) {
        u8.copyWithin(this.pos, src, src + take);
        this.pos += take;
        src += take;
        len -= take;
      }
      if (len === 0) return true;
      const s = alloc(this.pool);
      if (s === 0) return false;
      const prev = this.seg;
      u16[(prev + M_DATA_LEN) >>> 1] = this.pos - (u32[(prev + M_BUF_ADDR) >>> 2]! + u16[(prev + M_DATA_OFF) >>> 1]!);
      u32[(prev + M_NEXT) >>> 2] = s;
      const head = this.head;
      u16[(head + M_NB_SEGS) >>> 1] = u16[(head + M_NB_SEGS) >>> 1]! + 1;
      this.seg = s;
      this.pos = u32[(s + M_BUF_ADDR) >>> 2]! + u16[(s + M_DATA_OFF) >>> 1]!;
      this.end = u32[(s + M_BUF_ADDR) >>> 2]! + u16[(s + M_BUF_LEN) >>> 1]!;
    }
  }

}

class AfPacketTxQueue implements TxQueue {
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;
  private readonly frames: Uint32Array;
  private readonly count: number;
  private readonly nextIdx: number;
  private readonly dataSize: number;

  constructor(private readonly addon: PacketAddon, private readonly fd: number, q: number, v: number, private readonly statIdx: number) {
    const w = eal.sharedWindow();
    this.u8 = w.u8;
    this.u16 = w.u16;
    this.u32 = w.u32;
    this.f64 = w.f64;
    const qo = v + V_Q + q * Q_SIZE;
    const g = geometry(v);
    const ring = w.u32[(qo + Q_RING) >>> 2]!;
    this.frames = frameTable(ring + g.blocksz * g.blocknr, g);
    this.count = g.framecnt;
    this.nextIdx = (qo + Q_TX_NEXT) >>> 2;
    this.dataSize = g.framesz - TX_DATA;
  }

  txBurst(mbufs: Uint32Array, n: number): number {
    if (n === 0) return 0;
    const u8 = this.u8;
    const u16 = this.u16;
    const u32 = this.u32;
    const frames = this.frames;
    let f = u32[this.nextIdx]!;
    let sent = 0;
    let bytes = 0;
    let i = 0;
    for (; i < n; i++) {
      const m = mbufs[i]!;
      const vlan = (u32[(m + M_OL_FLAGS + 4) >>> 2]! & TX_VLAN_HI) !== 0;
      const len = u32[(m + M_PKT_LEN) >>> 2]! + (vlan ? 4 : 0);
      // Oversized (or untaggable) packets are dropped and counted as errors, like DPDK.
      if (len > this.dataSize || (vlan && u16[(m + M_DATA_LEN) >>> 1]! < 12)) {
        free(m);
        continue;
      }
      const h = frames[f]!;
      if ((Atomics.load(u32, h >>> 2) & ~TP_STATUS_TS_MASK) !== 0) break; // ring full: the rest stay the caller's
      let dst = h + TX_DATA;
      let s = m;
      if (vlan) {
        const src = u32[(m + M_BUF_ADDR) >>> 2]! + u16[(m + M_DATA_OFF) >>> 1]!;
        const tci = u16[(m + M_VLAN_TCI) >>> 1]!;
        u8.copyWithin(dst, src, src + 12);
        u8[dst + 12] = ETH_P_8021Q >>> 8;
        u8[dst + 13] = ETH_P_8021Q & 0xff;
        u8[dst + 14] = tci >>> 8;
        u8[dst + 15] = tci & 0xff;
        const dl = u16[(m + M_DATA_LEN) >>> 1]! - 12;
        u8.copyWithin(dst + 16, src + 12, src + 12 + dl);
        dst += 16 + dl;
        s = u32[(m + M_NEXT) >>> 2]!;
      }
      for (; s !== 0; s = u32[(s + M_NEXT) >>> 2]!) {
        const src = u32[(s + M_BUF_ADDR) >>> 2]! + u16[(s + M_DATA_OFF) >>> 1]!;
        const dl = u16[(s + M_DATA_LEN) >>> 1]!;
        u8.copyWithin(dst, src, src + dl);
        dst += dl;
      }
      u32[(h + H_LEN) >>> 2] = len;
      u32[(h + H_SNAPLEN) >>> 2] = len;
      Atomics.store(u32, h >>> 2, TP_STATUS_SEND_REQUEST);
      if (++f === this.count) f = 0;
      sent++;
      bytes += len;
      free(m);
    }
    if (sent > 0) {
      const e = this.addon.packetKick(this.fd);
      // ENOBUFS/EAGAIN: the frames stay queued and count as sent (DPDK's rule); other errors: none sent.
      if (e !== 0 && e !== ENOBUFS && e !== EAGAIN) {
        sent = 0;
        bytes = 0;
      }
    }
    u32[this.nextIdx] = f;
    this.f64[this.statIdx] += sent;
    this.f64[this.statIdx + 1] += bytes;
    this.f64[this.statIdx + 2] += i - sent;
    return i;
  }
}

function rxQueue(d: PortData, q: number, mempool: number): RxQueue {
  const v = ownQueues(d, 'Rx');
  const w = eal.sharedWindow();
  if (q >= w.u32[(v + V_NB_Q) >>> 2]!) fail('EINVAL', `${DRV} ${d.name}: Rx queue ${q} >= qpairs`);
  const pool = mempoolFromOffset(mempool);
  return new AfPacketRxQueue(pool, d.portId, q, v, w.u32[(v + V_VLAN_STRIP) >>> 2] === 1, d.statsIndex + S_RXQ + 3 * q, d.statsIndex + S_RX_NOMBUF);
}

function txQueue(d: PortData, q: number): TxQueue {
  const v = ownQueues(d, 'Tx');
  const w = eal.sharedWindow();
  if (q >= w.u32[(v + V_NB_Q) >>> 2]!) fail('EINVAL', `${DRV} ${d.name}: Tx queue ${q} >= qpairs`);
  const fd = w.i32[(v + V_Q + q * Q_SIZE + Q_FD) >>> 2]!;
  return new AfPacketTxQueue(packetAddon(DRV), fd, q, v, d.statsIndex + S_TXQ + 3 * q);
}

/** Closes the sockets and gives the ring blocks back (idempotent). */
function release(v: number): void {
  const w = eal.sharedWindow();
  if (w.u32[(v + V_PID) >>> 2] !== process.pid) return;
  const a = packetAddon(DRV);
  const nq = w.u32[(v + V_NB_Q) >>> 2]!;
  for (let q = 0; q < nq; q++) {
    const qo = v + V_Q + q * Q_SIZE;
    const fd = w.i32[(qo + Q_FD) >>> 2]!;
    const ring = w.u32[(qo + Q_RING) >>> 2]!;
    if (fd >= 0) {
      try { a.packetClose(fd); } catch { /* already closed */ }
      w.i32[(qo + Q_FD) >>> 2] = -1;
    }
    if (ring !== 0) {
      const region = w.u32[(qo + Q_REGION) >>> 2]!;
      // Mapped: put the window's backing back; a block that cannot get it back stays allocated.
      const keep = w.u32[(qo + Q_RING_LEN) >>> 2] !== 0 && !sys(`${DRV}: restoring window memory`, () => restoreWindow(ring, region));
      if (!keep) eal.free(ring);
      w.u32[(qo + Q_RING) >>> 2] = 0;
    }
  }
}

function ifFlags(v: number): number {
  const name = ifName(v);
  return sys(`${DRV} ${name}`, () => packetAddon(DRV).packetIfInfo(name)).flags;
}

function changeFlags(d: PortData, set: number, clear: number, what: string): void {
  const v = ownQueues(d, what);
  const name = ifName(v);
  sys(`${DRV} ${d.name}: ${what} on ${name}`, () => packetAddon(DRV).packetIfSetFlags(name, set, clear));
}

function linkSpeed(name: string): number {
  try {
    const s = Number(readFileSync(`/sys/class/net/${name}/speed`, 'utf8').trim());
    return Number.isInteger(s) && s > 0 ? s : RTE_ETH_SPEED_NUM_10G;
  } catch {
    return RTE_ETH_SPEED_NUM_10G;
  }
}

/** Link up when the port is started and the interface is up with carrier (IFF_UP and IFF_RUNNING). */
function refreshLink(d: PortData, started: boolean): void {
  const v = d.u32(P.PRIV);
  if (v === 0) return;
  const fl = ifFlags(v);
  d.setU32(P.LINK_SPEED, linkSpeed(ifName(v)));
  d.setU32(P.LINK_STATUS, started && (fl & IFF_UP) !== 0 && (fl & IFF_RUNNING) !== 0 ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN);
}

const ops: EthDevOps = {
  devInfo(d) {
    const v = d.u32(P.PRIV);
    const w = eal.sharedWindow();
    const nq = v === 0 ? 1 : w.u32[(v + V_NB_Q) >>> 2]!;
    const framesz = v === 0 ? DFLT_FRAME_SIZE : w.u32[(v + V_FRAMESZ) >>> 2]!;
    return softDevInfo(DRV, {
      ifIndex: v === 0 ? 0 : w.u32[(v + V_IFINDEX) >>> 2]!,
      maxRxQueues: nq,
      maxTxQueues: nq,
      maxMacAddrs: 1,
      maxRxPktLen: framesz - RX_MAC_MIN,
      rxOffloadCapa: RX_OFFLOAD.VLAN_STRIP | RX_OFFLOAD.SCATTER,
      txOffloadCapa: TX_OFFLOAD.MULTI_SEGS | TX_OFFLOAD.VLAN_INSERT,
    });
  },
  configure(d) {
    const v = d.u32(P.PRIV);
    eal.sharedWindow().u32[(v + V_VLAN_STRIP) >>> 2] = (d.u64(P.RX_OFFLOADS) & RX_OFFLOAD.VLAN_STRIP) !== 0n ? 1 : 0;
  },
  rxQueueSetup(d, q, conf) {
    return rxQueue(d, q, conf.mempool);
  },
  txQueueSetup: (d, q) => txQueue(d, q),
  rxQueueAttach: (d, q) => rxQueue(d, q, d.rxqConf(q, 8)),
  txQueueAttach: txQueue,
  start(d) {
    refreshLink(d, true);
  },
  stop(d) {
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
  },
  close(d) {
    const v = d.u32(P.PRIV);
    if (v !== 0) release(v);
  },
  linkUpdate(d) {
    refreshLink(d, d.started);
  },
  setLinkUp: (d) => changeFlags(d, IFF_UP, 0, 'link up'),
  setLinkDown: (d) => changeFlags(d, 0, IFF_UP, 'link down'),
  promiscuousEnable: (d) => changeFlags(d, IFF_PROMISC, 0, 'promiscuous enable'),
  promiscuousDisable: (d) => changeFlags(d, 0, IFF_PROMISC, 'promiscuous disable'),
  mtuSet(d, mtu) {
    const v = ownQueues(d, 'MTU set');
    const framesz = eal.sharedWindow().u32[(v + V_FRAMESZ) >>> 2]!;
    // DPDK's limit: a frame must hold the MTU after the TPACKET2 header.
    if (mtu > framesz - TPACKET2_HDRLEN) fail('EINVAL', `${DRV} ${d.name}: MTU ${mtu} does not fit a ${framesz}-byte ring frame (max ${framesz - TPACKET2_HDRLEN}; raise framesz)`);
    const name = ifName(v);
    sys(`${DRV} ${d.name}: MTU ${mtu} on ${name}`, () => packetAddon(DRV).packetIfSetMtu(name, mtu));
  },
  macAddrSet(d, mac) {
    const v = ownQueues(d, 'MAC set');
    const name = ifName(v);
    sys(`${DRV} ${d.name}: MAC on ${name}`, () => packetAddon(DRV).packetIfSetMac(name, Array.from(mac)));
  },
  statsUpdate(d) {
    const v = d.u32(P.PRIV);
    const w = eal.sharedWindow();
    if (v === 0 || w.u32[(v + V_PID) >>> 2] !== process.pid) return;
    const a = packetAddon(DRV);
    const nq = w.u32[(v + V_NB_Q) >>> 2]!;
    for (let q = 0; q < nq; q++) {
      const fd = w.i32[(v + V_Q + q * Q_SIZE + Q_FD) >>> 2]!;
      if (fd >= 0) w.f64[d.statsIndex + S_IMISSED] += sys(`${DRV} ${d.name}`, () => a.packetStats(fd))[1];
    }
  },
  statsReset(d) {
    // The kernel counters reset on read: drain them so imissed restarts at 0.
    ops.statsUpdate!(d);
    eal.sharedWindow().f64[d.statsIndex + S_IMISSED] = 0;
  },
};

/** strtoul-like decimal/hex/octal value of a numeric devarg; EINVAL naming the key otherwise. */
function parseUint(dev: string, key: string, value: string | undefined): number {
  const t = (value ?? '').trim();
  const v = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^0[0-7]+$/.test(t) ? parseInt(t, 8) : /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(v) || v > 0xffffffff) fail('EINVAL', `${DRV} ${dev}: invalid ${key} value '${value ?? ''}'`);
  return v;
}

const PAGE = 4096;

const driver: VdevDriver = {
  name: DRV,
  aliases: ['eth_af_packet'],
  validKeys: ['iface', 'qpairs', 'blocksz', 'framesz', 'framecnt', 'qdisc_bypass'],
  probe(d, devName, args) {
    const kv = parseKvargs(args, driver.validKeys);
    if (kv.count('iface') !== 1) fail('EINVAL', `${DRV} ${devName}: ${kv.count('iface') === 0 ? 'no interface specified (iface=<name> is required)' : 'iface given more than once'}`);
    const iface = kv.get('iface') ?? '';
    if (iface === '' || new TextEncoder().encode(iface).length >= 16) fail('EINVAL', `${DRV} ${devName}: invalid iface '${iface}' (1..15 bytes)`);
    for (const k of ['qpairs', 'blocksz', 'framesz', 'framecnt', 'qdisc_bypass']) {
      if (kv.count(k) > 1) fail('EINVAL', `${DRV} ${devName}: ${k} given more than once`);
    }
    const qpairs = kv.has('qpairs') ? parseUint(devName, 'qpairs', kv.get('qpairs')) : 1;
    if (qpairs < 1 || qpairs > MAX_QUEUES_PER_PORT) fail('EINVAL', `${DRV} ${devName}: invalid qpairs value ${qpairs} (1..${MAX_QUEUES_PER_PORT})`);
    const blocksz = kv.has('blocksz') ? parseUint(devName, 'blocksz', kv.get('blocksz')) : PAGE;
    if (blocksz === 0 || blocksz % PAGE !== 0) fail('EINVAL', `${DRV} ${devName}: invalid blocksz value ${blocksz} (a non-zero multiple of the page size ${PAGE})`);
    const framesz = kv.has('framesz') ? parseUint(devName, 'framesz', kv.get('framesz')) : DFLT_FRAME_SIZE;
    if (framesz === 0 || framesz % TPACKET_ALIGNMENT !== 0 || framesz <= TPACKET2_HDRLEN + 16) {
      fail('EINVAL', `${DRV} ${devName}: invalid framesz value ${framesz} (a multiple of TPACKET_ALIGNMENT ${TPACKET_ALIGNMENT}, larger than ${TPACKET2_HDRLEN + 16})`);
    }
    if (framesz > blocksz) fail('EINVAL', `${DRV} ${devName}: framesz ${framesz} exceeds blocksz ${blocksz}`);
    const framecnt = kv.has('framecnt') ? parseUint(devName, 'framecnt', kv.get('framecnt')) : DFLT_FRAME_COUNT;
    const fpb = Math.floor(blocksz / framesz);
    if (framecnt === 0) fail('EINVAL', `${DRV} ${devName}: invalid framecnt value 0`);
    if (framecnt % fpb !== 0) fail('EINVAL', `${DRV} ${devName}: framecnt ${framecnt} is not a multiple of the ${fpb} frames per ${blocksz}-byte block (framesz ${framesz})`);
    const blocknr = framecnt / fpb;
    const ringLen = 2 * blocksz * blocknr;
    if (ringLen * qpairs > MAX_RING_BYTES) fail('EINVAL', `${DRV} ${devName}: framecnt ${framecnt} x blocksz ${blocksz} needs ${ringLen * qpairs} bytes of rings (max ${MAX_RING_BYTES})`);
    const bypass = kv.has('qdisc_bypass') ? parseUint(devName, 'qdisc_bypass', kv.get('qdisc_bypass')) : 1;
    if (bypass > 1) fail('EINVAL', `${DRV} ${devName}: invalid qdisc_bypass value ${bypass} (0 or 1)`);

    const a = packetAddon(DRV);
    const info = sys(`${DRV} ${devName}: interface '${iface}'`, () => a.packetIfInfo(iface));
    const w = eal.sharedWindow();
    const v = eal.zmalloc('af_packet', V_SIZE);
    w.u32[(v + V_IFINDEX) >>> 2] = info.ifindex;
    w.u32[(v + V_BLOCKSZ) >>> 2] = blocksz;
    w.u32[(v + V_BLOCKNR) >>> 2] = blocknr;
    w.u32[(v + V_FRAMESZ) >>> 2] = framesz;
    w.u32[(v + V_FRAMECNT) >>> 2] = framecnt;
    w.u32[(v + V_BYPASS) >>> 2] = bypass;
    w.u32[(v + V_PID) >>> 2] = process.pid;
    w.u8.set(new TextEncoder().encode(iface), v + V_IFNAME);
    for (let q = 0; q < qpairs; q++) w.i32[(v + V_Q + q * Q_SIZE + Q_FD) >>> 2] = -1;
    w.u32[(v + V_NB_Q) >>> 2] = qpairs;
    const granule = mapGranule();
    const region = Math.ceil(ringLen / granule) * granule;
    const fanout = (((process.pid ^ info.ifindex) & 0xffff) | ((PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG | PACKET_FANOUT_FLAG_ROLLOVER) << 16)) >>> 0;
    const native = loadNative()!;
    try {
      for (let q = 0; q < qpairs; q++) {
        const qo = v + V_Q + q * Q_SIZE;
        let fd: number;
        try {
          fd = a.packetSocket(info.ifindex, blocksz, blocknr, framesz, framecnt, bypass, fanout);
        } catch (e) {
          const c = (e as { code?: string }).code;
          if (c === 'EPERM' || c === 'EACCES') fail('EPERM', `${DRV} ${devName}: AF_PACKET sockets need CAP_NET_RAW (${(e as Error).message})`);
          if (c === 'ENODEV' || c === 'ENXIO') fail('ENODEV', `${DRV} ${devName}: interface '${iface}' went away (${(e as Error).message})`);
          throw asTsdpdk(`${DRV} ${devName}: AF_PACKET socket on ${iface} (queue ${q})`, e);
        }
        w.i32[(qo + Q_FD) >>> 2] = fd;
        const ring = eal.malloc('af_packet_ring', region, granule);
        w.u32[(qo + Q_RING) >>> 2] = ring;
        w.u32[(qo + Q_REGION) >>> 2] = region;
        if (region !== ringLen) native.unmapRegion(w.buffer, w.base + ring, region); // whole hugepages first
        w.u32[(qo + Q_RING_LEN) >>> 2] = ringLen;
        sys(`${DRV} ${devName}: mapping the rings of queue ${q}`, () => a.packetMapRing(w.buffer, w.base + ring, ringLen, fd));
      }
    } catch (e) {
      release(v);
      eal.free(v);
      throw e;
    }
    d.setU32(P.PRIV, v);
    d.setU32(P.LINK_SPEED, linkSpeed(iface));
    d.setU32(P.LINK_DUPLEX, RTE_ETH_LINK_FULL_DUPLEX);
    d.setU32(P.LINK_AUTONEG, RTE_ETH_LINK_FIXED);
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
    d.setMacAddr(0, info.mac);
    d.setU32(P.MTU, info.mtu);
    d.setU32(P.PROMISC, (info.flags & IFF_PROMISC) !== 0 ? 1 : 0);
    d.setU32(P.NB_RXQ, qpairs);
    d.setU32(P.NB_TXQ, qpairs);
    return ops;
  },
  attachSecondary() {
    return ops;
  },
  remove(d) {
    const v = d.u32(P.PRIV);
    if (v === 0) return;
    if (eal.sharedWindow().u32[(v + V_PID) >>> 2] === process.pid) {
      release(v);
      eal.free(v);
    }
    d.setU32(P.PRIV, 0);
  },
};

registerDriver(driver);
