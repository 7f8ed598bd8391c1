// PACKET_MMAP rings of one AF_PACKET socket mapped over the shared Memory, and the Rx/Tx bursts that walk
// them (used by net_af_packet and by net_pcap's live-interface queues).
//
// Rx is TPACKET_V3 by default: the kernel packs frames into blocks of `blocksz` bytes (tp_next_offset
// links them) and hands a whole block over (block_status USER) when it is full or when
// tp_retire_blk_tov ms have passed since its first frame. A block is given back (KERNEL) only after all
// its frames were copied into mbufs, so the kernel never writes under a frame being read. The timeout is
// 1 ms: at a low rate a lone frame waits at most that long; at a high rate blocks fill long before it
// fires, so it costs nothing. The kernel default (0) derives it from the link speed and is 8 ms on veth.
// V3 packs small frames densely (a 64-byte frame takes 160 ring bytes instead of a 2048-byte slot), so the
// same memory absorbs far longer bursts. TPACKET_V2 (fixed frames) stays available: `tpacket=2`, and
// automatically when the kernel refuses V3.
//
// Tx uses the socket's version: a socket has one PACKET_VERSION, and V3 Tx (kernel >= 4.11) is the same
// frame ring as V2 with the tpacket3_hdr layout (status at +20, data at +48). One socket per queue pair
// keeps the kernel's own-packet filter: a socket never receives what it sent itself, which separate Rx
// and Tx sockets would break (see docs/af_packet.md for the V2/V3 Tx measurements).
//
// No syscall per packet: Rx polls status words (acquire) and Tx writes them (release), with one send()
// kick per Tx burst. Each frame is copied once, into an mbuf (chained when longer than the data room).

import * as eal from '../../../lib/eal/index.js';
import { fail } from '../../../lib/eal/errors.js';
import { loadNative } from '../../../lib/eal/native.js';
import type { RxQueue, TxQueue } from '../../../lib/ethdev/driver.js';
import type { Mempool } from '../../../lib/mempool/index.js';
import {
  alloc, allocBulk, free, M_BUF_ADDR, M_BUF_LEN, M_DATA_LEN, M_DATA_OFF, M_NB_SEGS, M_NEXT, M_OL_FLAGS, M_PKT_LEN, M_PORT,
  M_VLAN_TCI,
} from '../../../lib/mbuf/index.js';
import { asTsdpdk, mapGranule, restoreWindow, sys, type PacketAddon } from './af_packet_native.js';

export const TPACKET_ALIGNMENT = 16;
export const TPACKET2_HDRLEN = 52; // sizeof(tpacket2_hdr) 32 + sizeof(sockaddr_ll) 20
export const TPACKET3_HDRLEN = 68; // TPACKET_ALIGN(sizeof(tpacket3_hdr) 48) + sizeof(sockaddr_ll) 20
/** Where the kernel puts an untagged frame in a V2 frame: TPACKET_ALIGN(TPACKET2_HDRLEN + 16) - 14 (so 1982 data bytes in 2048). */
const V2_MAC_OFFSET = 66;
export const RX_RING = 1;
export const TX_RING = 2;
export const RETIRE_BLK_TOV_MS = 1;

/** Bytes before the Tx frame data: header length minus sockaddr_ll (the kernel's default tp_mac). */
export const txDataOffset = (version: number): number => (version === 3 ? TPACKET3_HDRLEN : TPACKET2_HDRLEN) - 20;

// tpacket2_hdr
const H2_STATUS = 0;
const H2_LEN = 4;
const H2_SNAPLEN = 8;
const H2_MAC = 12;
const H2_VLAN_TCI = 24;
const H2_VLAN_TPID = 26;
// tpacket3_hdr
const H3_NEXT = 0;
const H3_SEC = 4;
const H3_NSEC = 8;
const H3_SNAPLEN = 12;
const H3_LEN = 16;
const H3_STATUS = 20;
const H3_MAC = 24;
const H3_VLAN_TCI = 32;
const H3_VLAN_TPID = 36;
// tpacket_block_desc (hdr.bh1 at +8)
const B_STATUS = 8;
const B_NUM_PKTS = 12;
const B_FIRST = 16;

const TP_STATUS_KERNEL = 0;
const TP_STATUS_USER = 1;
const TP_STATUS_SEND_REQUEST = 1;
const TP_STATUS_VLAN_VALID = 0x10;
const TP_STATUS_VLAN_TPID_VALID = 0x40;
const TP_STATUS_TS_MASK = (1 << 29) | (1 << 31); // TS_SOFTWARE | TS_RAW_HARDWARE, ignored on Tx like DPDK
const ETH_P_8021Q = 0x8100;
const ENOBUFS = 105;
const EAGAIN = 11;
const RX_VLAN_LO = 1 << 0;
const RX_VLAN_STRIPPED_LO = 1 << 6;
const TX_VLAN_HI = 1 << (57 - 32);
const TWO32 = 4294967296;

// Shared record of one socket (R_SIZE bytes, window offset `rec`).
const R_FD = 0; // i32, -1 = closed
const R_PID = 4;
const R_VERSION = 8;
const R_RINGS = 12;
const R_RING = 16; // window offset of the mapping (Rx ring, then Tx ring)
const R_RING_LEN = 20;
const R_REGION = 24; // heap block size (>= ring length)
const R_BLOCKSZ = 28;
const R_BLOCKNR = 32;
const R_FRAMESZ = 36;
const R_FRAMECNT = 40;
const R_RX_NEXT = 44; // V2: next frame; V3: current block
const R_RX_PKT = 48; // V3: window offset of the next frame in the current block
const R_RX_LEFT = 52; // V3: frames of the current block not consumed yet
const R_TX_NEXT = 56;
export const R_SIZE = 64;

export interface RingGeometry {
  version: 2 | 3;
  blocksz: number;
  blocknr: number;
  framesz: number;
  framecnt: number;
}

export interface RingOptions {
  qdiscBypass: boolean;
  fanout: number; // PACKET_FANOUT argument, 0 = none
  ignoreOutgoing: boolean;
  /** PACKET_MR_PROMISC membership for this socket (libpcap's promiscuous capture). */
  promisc?: boolean;
}

/** Marks a record closed (before openRings, so release() is safe on a half-built port). */
export function initRecord(rec: number): void {
  const w = eal.sharedWindow();
  w.u8.fill(0, rec, rec + R_SIZE);
  w.i32[(rec + R_FD) >>> 2] = -1;
}

export const recordFd = (rec: number): number => eal.sharedWindow().i32[(rec + R_FD) >>> 2]!;
export const recordVersion = (rec: number): number => eal.sharedWindow().u32[(rec + R_VERSION) >>> 2]!;
export const recordOwned = (rec: number): boolean => eal.sharedWindow().u32[(rec + R_PID) >>> 2] === process.pid;
const hasRing = (rec: number, which: number): boolean => (eal.sharedWindow().u32[(rec + R_RINGS) >>> 2]! & which) !== 0;

/**
 * Opens a socket on ifindex with the given rings and maps them over a new heap block; fills rec. With
 * version 3, a kernel that refuses TPACKET_V3 (EINVAL/ENOPROTOOPT) gets V2 instead. Throws the addon's
 * errno-coded error (callers turn EPERM/ENODEV into their messages).
 */
export function openRings(a: PacketAddon, rec: number, ifindex: number, g: RingGeometry, rings: number, o: RingOptions, who: string): void {
  const w = eal.sharedWindow();
  let version: number = g.version;
  let fd: number;
  try {
    fd = a.packetSocket(ifindex, version, rings, g.blocksz, g.blocknr, g.framesz, g.framecnt, RETIRE_BLK_TOV_MS, o.qdiscBypass ? 1 : 0, o.fanout, o.ignoreOutgoing ? 1 : 0);
  } catch (e) {
    const c = (e as { code?: string }).code;
    if (version !== 3 || (c !== 'EINVAL' && c !== 'ENOPROTOOPT')) throw e;
    version = 2;
    fd = a.packetSocket(ifindex, version, rings, g.blocksz, g.blocknr, g.framesz, g.framecnt, 0, o.qdiscBypass ? 1 : 0, o.fanout, o.ignoreOutgoing ? 1 : 0);
  }
  const u32 = w.u32;
  w.i32[(rec + R_FD) >>> 2] = fd;
  if (o.promisc === true) {
    try {
      a.packetPromisc(fd, ifindex);
    } catch (e) {
      a.packetClose(fd);
      w.i32[(rec + R_FD) >>> 2] = -1;
      throw e;
    }
  }
  u32[(rec + R_PID) >>> 2] = process.pid;
  u32[(rec + R_VERSION) >>> 2] = version;
  u32[(rec + R_RINGS) >>> 2] = rings;
  u32[(rec + R_BLOCKSZ) >>> 2] = g.blocksz;
  u32[(rec + R_BLOCKNR) >>> 2] = g.blocknr;
  u32[(rec + R_FRAMESZ) >>> 2] = g.framesz;
  u32[(rec + R_FRAMECNT) >>> 2] = g.framecnt;
  const nRings = ((rings & RX_RING) !== 0 ? 1 : 0) + ((rings & TX_RING) !== 0 ? 1 : 0);
  const ringLen = nRings * g.blocksz * g.blocknr;
  const granule = mapGranule();
  const region = Math.ceil(ringLen / granule) * granule;
  const ring = eal.malloc('af_packet_ring', region, granule);
  u32[(rec + R_RING) >>> 2] = ring;
  u32[(rec + R_REGION) >>> 2] = region;
  if (region !== ringLen) loadNative()!.unmapRegion(w.buffer, w.base + ring, region); // whole hugepages first
  u32[(rec + R_RING_LEN) >>> 2] = ringLen;
  sys(`${who}: mapping the rings`, () => a.packetMapRing(w.buffer, w.base + ring, ringLen, fd));
}

/** Closes the socket and gives the ring block back (idempotent; only in the owning process). */
export function closeRings(a: PacketAddon, rec: number, who: string): void {
  const w = eal.sharedWindow();
  if (!recordOwned(rec)) return;
  const fd = w.i32[(rec + R_FD) >>> 2]!;
  const ring = w.u32[(rec + R_RING) >>> 2]!;
  if (fd >= 0) {
    try { a.packetClose(fd); } catch { /* already closed */ }
    w.i32[(rec + R_FD) >>> 2] = -1;
  }
  if (ring !== 0) {
    const region = w.u32[(rec + R_REGION) >>> 2]!;
    // Mapped: put the window's backing back; a block that cannot get it back stays allocated.
    const keep = w.u32[(rec + R_RING_LEN) >>> 2] !== 0 && !sys(`${who}: restoring window memory`, () => restoreWindow(ring, region));
    if (!keep) eal.free(ring);
    w.u32[(rec + R_RING) >>> 2] = 0;
  }
}

/** Kernel counters since the last call: [tp_packets, tp_drops, tp_freeze_q_cnt]. */
export function ringStats(a: PacketAddon, rec: number, who: string): [number, number, number] {
  const fd = recordFd(rec);
  if (fd < 0 || !recordOwned(rec)) return [0, 0, 0];
  try {
    return a.packetStats(fd);
  } catch (e) {
    throw asTsdpdk(who, e);
  }
}

/** Window offsets of a V2 ring's frames (frames never straddle blocks). */
function frameTable(base: number, rec: number): Uint32Array {
  const u32 = eal.sharedWindow().u32;
  const bs = u32[(rec + R_BLOCKSZ) >>> 2]!;
  const fs = u32[(rec + R_FRAMESZ) >>> 2]!;
  const cnt = u32[(rec + R_FRAMECNT) >>> 2]!;
  const fpb = Math.floor(bs / fs);
  const t = new Uint32Array(cnt);
  for (let i = 0; i < cnt; i++) t[i] = base + Math.floor(i / fpb) * bs + (i % fpb) * fs;
  return t;
}

export interface RxOptions {
  pool: Mempool;
  portId: number;
  vlanStrip: boolean;
  statIdx: number; // f64 index: packets, bytes
  nombufIdx: number;
  /** Window-relative offset of DPDK's Rx timestamp dynfield (µs) and its ol_flags bit, or -1. */
  tsField: number;
  tsFlagBit: number;
}

/** An Rx queue over rec's Rx ring (V2 or V3, as the socket was opened). */
export function ringRxQueue(rec: number, o: RxOptions, who: string, borrowed = false): RxQueue {
  if (!borrowed && !recordOwned(rec)) fail('ENOTSUP', `${who}: Rx from another process is not supported (the AF_PACKET sockets belong to the primary)`);
  if (!hasRing(rec, RX_RING)) fail('EINVAL', `${who}: the socket has no Rx ring`);
  return recordVersion(rec) === 3 ? new RxV3(rec, o) : new RxV2(rec, o);
}

/** A Tx queue over rec's Tx ring; `fd` is this process's copy of the socket when it borrowed the ring. */
export function ringTxQueue(a: PacketAddon, rec: number, statIdx: number, who: string, fd = -1): TxQueue {
  if (fd < 0 && !recordOwned(rec)) fail('ENOTSUP', `${who}: Tx from another process is not supported (the AF_PACKET sockets belong to the primary)`);
  if (!hasRing(rec, TX_RING)) fail('EINVAL', `${who}: the socket has no Tx ring`);
  return new RingTx(a, rec, statIdx, fd);
}

/**
 * Maps the rings of fd (a duplicate of rec's socket, received from the owner) at the window offset the
 * owner mapped them, over this process's mapping of the shared window there: both processes then see the
 * same ring memory, and the cursors in rec. Undone by unmapBorrowedRing.
 */
export function mapBorrowedRing(a: PacketAddon, rec: number, fd: number, who: string): void {
  const w = eal.sharedWindow();
  const ring = w.u32[(rec + R_RING) >>> 2]!;
  const len = w.u32[(rec + R_RING_LEN) >>> 2]!;
  if (ring === 0 || len === 0) fail('EINVAL', `${who}: the socket has no ring mapped in the primary`);
  try {
    a.packetMapRing(w.buffer, w.base + ring, len, fd);
  } catch (e) {
    // The addon left anonymous pages there: put the shared window back.
    try { restoreWindow(ring, w.u32[(rec + R_REGION) >>> 2]!); } catch { /* keep the mapping error */ }
    throw asTsdpdk(`${who}: mapping the primary's rings`, e);
  }
}

/** Puts the shared window back where mapBorrowedRing mapped rec's rings (the owner keeps its own). */
export function unmapBorrowedRing(rec: number, who: string): void {
  const w = eal.sharedWindow();
  const ring = w.u32[(rec + R_RING) >>> 2]!;
  if (ring === 0) return;
  sys(`${who}: restoring window memory`, () => restoreWindow(ring, w.u32[(rec + R_REGION) >>> 2]!));
}

/** Copying frames into mbufs: segment cursor, VLAN re-insertion, timestamps. */
abstract class RxBase implements RxQueue {
  protected readonly u8: Uint8Array;
  protected readonly u16: Uint16Array;
  protected readonly u32: Uint32Array;
  protected readonly f64: Float64Array;
  protected readonly pool: Mempool;
  protected readonly portId: number;
  protected readonly statIdx: number;
  protected readonly nombufIdx: number;
  private readonly vlanStrip: boolean;
  private readonly tsField: number;
  private readonly tsFlagWord: number;
  private readonly tsFlagMask: number;
  // Segment cursor of the packet being filled.
  private head = 0;
  private seg = 0;
  private pos = 0;
  private end = 0;

  constructor(o: RxOptions) {
    const w = eal.sharedWindow();
    this.u8 = w.u8;
    this.u16 = w.u16;
    this.u32 = w.u32;
    this.f64 = w.f64;
    this.pool = o.pool;
    this.portId = o.portId;
    this.statIdx = o.statIdx;
    this.nombufIdx = o.nombufIdx;
    this.vlanStrip = o.vlanStrip;
    this.tsField = o.tsField;
    this.tsFlagWord = o.tsFlagBit < 32 ? M_OL_FLAGS : M_OL_FLAGS + 4;
    this.tsFlagMask = o.tsFlagBit < 0 ? 0 : 1 << (o.tsFlagBit & 31);
  }

  abstract rxBurst(mbufs: Uint32Array, n: number): number;

  /**
   * Fills mbuf m from a frame (data at src, snap bytes, VLAN tag from the header when status says so).
   * Returns the packet length, or -1 when a further segment could not be allocated (m is left for the
   * caller to free; its chain is freed with it).
   */
  protected fill(m: number, src: number, snap: number, st: number, tci: number, tpidRaw: number, sec: number, nsec: number): number {
    const u8 = this.u8;
    const u16 = this.u16;
    const u32 = this.u32;
    this.head = m;
    this.seg = m;
    this.pos = u32[(m + M_BUF_ADDR) >>> 2]! + u16[(m + M_DATA_OFF) >>> 1]!;
    this.end = u32[(m + M_BUF_ADDR) >>> 2]! + u16[(m + M_BUF_LEN) >>> 1]!;
    let len = snap;
    let ok: boolean;
    if ((st & TP_STATUS_VLAN_VALID) !== 0) {
      u16[(m + M_VLAN_TCI) >>> 1] = tci;
      if (this.vlanStrip || snap < 12 || this.end - this.pos < 16) {
        u32[(m + M_OL_FLAGS) >>> 2] = RX_VLAN_LO | RX_VLAN_STRIPPED_LO;
        ok = this.put(src, snap);
      } else {
        // Put the tag back into the data, as rte_vlan_insert does (RX_VLAN stays, STRIPPED goes).
        u32[(m + M_OL_FLAGS) >>> 2] = RX_VLAN_LO;
        const tpid = (st & TP_STATUS_VLAN_TPID_VALID) !== 0 && tpidRaw !== 0 ? tpidRaw : ETH_P_8021Q;
        const p = this.pos;
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
    if (!ok) return -1;
    u16[(this.seg + M_DATA_LEN) >>> 1] = this.pos - (u32[(this.seg + M_BUF_ADDR) >>> 2]! + u16[(this.seg + M_DATA_OFF) >>> 1]!);
    u32[(m + M_PKT_LEN) >>> 2] = len;
    u16[(m + M_PORT) >>> 1] = this.portId;
    if (this.tsFlagMask !== 0) {
      const us = sec * 1e6 + Math.floor(nsec / 1000);
      const fo = (m + this.tsField) >>> 2;
      u32[fo] = us % TWO32;
      u32[fo + 1] = Math.floor(us / TWO32);
      u32[(m + this.tsFlagWord) >>> 2] |= this.tsFlagMask;
    }
    return len;
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

  /** Frees the burst's mbufs from index i on (the frames stay in the ring for the next burst). */
  protected giveBack(mbufs: Uint32Array, i: number, k: number): void {
    for (let j = i; j < k; j++) free(mbufs[j]!);
    this.f64[this.nombufIdx] += 1;
  }
}

/**
 * Gives every frame the kernel has handed over back unread and moves the Rx cursor past them; returns how
 * many. For net_pcap's start: DPDK reopens its capture there, so frames from before start never arrive.
 * No Rx burst may run on the queue meanwhile (the port is stopped).
 */
export function discardRx(rec: number): number {
  const u32 = eal.sharedWindow().u32;
  const ring = u32[(rec + R_RING) >>> 2]!;
  let n = 0;
  if (recordVersion(rec) === 3) {
    const bs = u32[(rec + R_BLOCKSZ) >>> 2]!;
    const nblocks = u32[(rec + R_BLOCKNR) >>> 2]!;
    let blk = u32[(rec + R_RX_NEXT) >>> 2]!;
    for (let i = 0; i < nblocks; i++) {
      const bd = ring + blk * bs;
      if ((Atomics.load(u32, (bd + B_STATUS) >>> 2) & TP_STATUS_USER) === 0) break;
      n += i === 0 && u32[(rec + R_RX_LEFT) >>> 2] !== 0 ? u32[(rec + R_RX_LEFT) >>> 2]! : u32[(bd + B_NUM_PKTS) >>> 2]!;
      Atomics.store(u32, (bd + B_STATUS) >>> 2, TP_STATUS_KERNEL);
      if (++blk === nblocks) blk = 0;
    }
    u32[(rec + R_RX_NEXT) >>> 2] = blk;
    u32[(rec + R_RX_LEFT) >>> 2] = 0;
    return n;
  }
  const frames = frameTable(ring, rec);
  let f = u32[(rec + R_RX_NEXT) >>> 2]!;
  for (let i = 0; i < frames.length && (Atomics.load(u32, (frames[f]! + H2_STATUS) >>> 2) & TP_STATUS_USER) !== 0; i++) {
    Atomics.store(u32, (frames[f]! + H2_STATUS) >>> 2, TP_STATUS_KERNEL);
    n++;
    if (++f === frames.length) f = 0;
  }
  u32[(rec + R_RX_NEXT) >>> 2] = f;
  return n;
}

/** TPACKET_V2: fixed frames in ring order, each returned to the kernel once copied. */
class RxV2 extends RxBase {
  private readonly frames: Uint32Array;
  private readonly count: number;
  private readonly nextIdx: number;

  constructor(rec: number, o: RxOptions) {
    super(o);
    this.frames = frameTable(this.u32[(rec + R_RING) >>> 2]!, rec);
    this.count = this.frames.length;
    this.nextIdx = (rec + R_RX_NEXT) >>> 2;
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
    while (k < max && (Atomics.load(u32, (frames[f]! + H2_STATUS) >>> 2) & TP_STATUS_USER) !== 0) {
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
      const st = u32[(h + H2_STATUS) >>> 2]!;
      const len = this.fill(mbufs[nb]!, h + u16[(h + H2_MAC) >>> 1]!, u32[(h + H2_SNAPLEN) >>> 2]!, st,
        u16[(h + H2_VLAN_TCI) >>> 1]!, u16[(h + H2_VLAN_TPID) >>> 1]!, u32[(h + 16) >>> 2]!, u32[(h + 20) >>> 2]!);
      if (len < 0) {
        this.giveBack(mbufs, nb, k);
        break;
      }
      Atomics.store(u32, (h + H2_STATUS) >>> 2, TP_STATUS_KERNEL);
      if (++f === count) f = 0;
      bytes += len;
    }
    u32[this.nextIdx] = f;
    this.f64[this.statIdx] += nb;
    this.f64[this.statIdx + 1] += bytes;
    return nb;
  }
}

/** TPACKET_V3: blocks of packed frames; a block goes back to the kernel after its last frame. */
class RxV3 extends RxBase {
  private readonly blocks: Uint32Array;
  private readonly nblocks: number;
  private readonly blkIdx: number;
  private readonly pktIdx: number;
  private readonly leftIdx: number;
  /** Longest frame a queue delivers: what a V2 frame of `framesz` holds (DPDK's PMD uses V2), so both cut alike. */
  private readonly maxSnap: number;

  constructor(rec: number, o: RxOptions) {
    super(o);
    const u32 = this.u32;
    const ring = u32[(rec + R_RING) >>> 2]!;
    const bs = u32[(rec + R_BLOCKSZ) >>> 2]!;
    this.maxSnap = u32[(rec + R_FRAMESZ) >>> 2]! - V2_MAC_OFFSET;
    this.nblocks = u32[(rec + R_BLOCKNR) >>> 2]!;
    this.blocks = new Uint32Array(this.nblocks);
    for (let i = 0; i < this.nblocks; i++) this.blocks[i] = ring + i * bs;
    this.blkIdx = (rec + R_RX_NEXT) >>> 2;
    this.pktIdx = (rec + R_RX_PKT) >>> 2;
    this.leftIdx = (rec + R_RX_LEFT) >>> 2;
  }

  rxBurst(mbufs: Uint32Array, n: number): number {
    const u32 = this.u32;
    const u16 = this.u16;
    const blocks = this.blocks;
    const nblocks = this.nblocks;
    let blk = u32[this.blkIdx]!;
    let left = u32[this.leftIdx]!;
    // Frames available: the rest of the open block, then whole blocks the kernel handed over.
    let avail = left;
    let b = blk;
    if (left !== 0 && ++b === nblocks) b = 0;
    for (let seen = left !== 0 ? 1 : 0; avail < n && seen < nblocks; seen++) {
      const bd = blocks[b]!;
      if ((Atomics.load(u32, (bd + B_STATUS) >>> 2) & TP_STATUS_USER) === 0) break;
      avail += u32[(bd + B_NUM_PKTS) >>> 2]!;
      if (++b === nblocks) b = 0;
    }
    if (avail === 0) {
      // A block handed over empty (never expected) would otherwise stop the ring: give it back.
      const bd = blocks[blk]!;
      if (left === 0 && (Atomics.load(u32, (bd + B_STATUS) >>> 2) & TP_STATUS_USER) !== 0 && u32[(bd + B_NUM_PKTS) >>> 2] === 0) {
        Atomics.store(u32, (bd + B_STATUS) >>> 2, TP_STATUS_KERNEL);
        u32[this.blkIdx] = blk + 1 === nblocks ? 0 : blk + 1;
      }
      return 0;
    }
    const k = avail < n ? avail : n;
    if (allocBulk(this.pool, mbufs, k) !== 0) {
      this.f64[this.nombufIdx] += k;
      return 0;
    }
    let p = u32[this.pktIdx]!;
    let nb = 0;
    let bytes = 0;
    while (nb < k) {
      if (left === 0) {
        const bd = blocks[blk]!;
        left = u32[(bd + B_NUM_PKTS) >>> 2]!;
        p = bd + u32[(bd + B_FIRST) >>> 2]!;
        if (left === 0) {
          // An empty block (never expected): give it straight back.
          Atomics.store(u32, (bd + B_STATUS) >>> 2, TP_STATUS_KERNEL);
          if (++blk === nblocks) blk = 0;
          continue;
        }
      }
      const snap = u32[(p + H3_SNAPLEN) >>> 2]!;
      const len = this.fill(mbufs[nb]!, p + u16[(p + H3_MAC) >>> 1]!, snap < this.maxSnap ? snap : this.maxSnap, u32[(p + H3_STATUS) >>> 2]!,
        u16[(p + H3_VLAN_TCI) >>> 1]!, u16[(p + H3_VLAN_TPID) >>> 1]!, u32[(p + H3_SEC) >>> 2]!, u32[(p + H3_NSEC) >>> 2]!);
      if (len < 0) {
        this.giveBack(mbufs, nb, k);
        break;
      }
      nb++;
      bytes += len;
      p += u32[(p + H3_NEXT) >>> 2]!;
      if (--left === 0) {
        Atomics.store(u32, (blocks[blk]! + B_STATUS) >>> 2, TP_STATUS_KERNEL);
        if (++blk === nblocks) blk = 0;
      }
    }
    u32[this.blkIdx] = blk;
    u32[this.leftIdx] = left;
    u32[this.pktIdx] = p;
    this.f64[this.statIdx] += nb;
    this.f64[this.statIdx + 1] += bytes;
    return nb;
  }
}

/** Tx frame ring (V2 or V3 header layout): copy, mark SEND_REQUEST, one send() kick per burst. */
class RingTx implements TxQueue {
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;
  private readonly frames: Uint32Array;
  private readonly count: number;
  private readonly nextIdx: number;
  private readonly fd: number;
  private readonly dataOff: number;
  private readonly dataSize: number;
  private readonly statusOff: number;
  private readonly lenOff: number;
  private readonly snapOff: number;

  constructor(private readonly addon: PacketAddon, rec: number, private readonly statIdx: number, fd: number) {
    const w = eal.sharedWindow();
    this.u8 = w.u8;
    this.u16 = w.u16;
    this.u32 = w.u32;
    this.f64 = w.f64;
    const u32 = w.u32;
    const rxLen = hasRing(rec, RX_RING) ? u32[(rec + R_BLOCKSZ) >>> 2]! * u32[(rec + R_BLOCKNR) >>> 2]! : 0;
    this.frames = frameTable(u32[(rec + R_RING) >>> 2]! + rxLen, rec);
    this.count = this.frames.length;
    this.nextIdx = (rec + R_TX_NEXT) >>> 2;
    this.fd = fd >= 0 ? fd : w.i32[(rec + R_FD) >>> 2]!;
    const v3 = u32[(rec + R_VERSION) >>> 2] === 3;
    this.dataOff = txDataOffset(v3 ? 3 : 2);
    this.dataSize = u32[(rec + R_FRAMESZ) >>> 2]! - this.dataOff;
    this.statusOff = v3 ? H3_STATUS : H2_STATUS;
    this.lenOff = v3 ? H3_LEN : H2_LEN;
    this.snapOff = v3 ? H3_SNAPLEN : H2_SNAPLEN;
  }

  txBurst(mbufs: Uint32Array, n: number): number {
    if (n === 0) return 0;
    const u8 = this.u8;
    const u16 = this.u16;
    const u32 = this.u32;
    const frames = this.frames;
    const statusOff = this.statusOff;
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
      if ((Atomics.load(u32, (h + statusOff) >>> 2) & ~TP_STATUS_TS_MASK) !== 0) break; // ring full: the rest stay the caller's
      let dst = h + this.dataOff;
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
      u32[(h + this.lenOff) >>> 2] = len;
      u32[(h + this.snapOff) >>> 2] = len;
      Atomics.store(u32, (h + statusOff) >>> 2, TP_STATUS_SEND_REQUEST);
      if (++f === this.count) f = 0;
      sent++;
      bytes += len;
      free(m);
    }
    if (sent > 0) {
      let e = this.addon.packetKick(this.fd);
      // A link that went down leaves one pending socket error (sk_err), reported by the first send
      // after it is up again: one retry tells that from a link that is still down.
      if (e !== 0 && e !== ENOBUFS && e !== EAGAIN) e = this.addon.packetKick(this.fd);
      // ENOBUFS/EAGAIN: the frames stay queued and count as sent (DPDK's rule). Other errors (ENETDOWN,
      // ENXIO: interface down or gone) come before the kernel looks at a frame: they are errors, and
      // unlike DPDK the frames are taken back so they do not go out later when the link returns.
      if (e !== 0 && e !== ENOBUFS && e !== EAGAIN) {
        let g = u32[this.nextIdx]!;
        for (let j = 0; j < sent; j++) {
          const st = (frames[g]! + statusOff) >>> 2;
          if ((Atomics.load(u32, st) & ~TP_STATUS_TS_MASK) === TP_STATUS_SEND_REQUEST) Atomics.store(u32, st, 0);
          if (++g === this.count) g = 0;
        }
        f = u32[this.nextIdx]!;
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
