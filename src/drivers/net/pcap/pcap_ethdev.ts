// net_pcap (DPDK drivers/net/pcap) over capture files: rx_pcap=FILE reads packets (one Rx queue per
// key), tx_pcap=FILE writes them (one Tx queue per key), infinite_rx=1 replays the file forever.
// Without tx_pcap, Tx queues drop (and count) what they get, as DPDK's does.
//
// Live interfaces go through AF_PACKET sockets with mmapped rings (net_af_packet's af_packet_rings.ts)
// where DPDK uses libpcap: iface=IF is one socket for Rx queue 0 and Tx queue 0 (phy_mac=1 takes the
// interface's MAC); otherwise each rx_iface=IF / rx_iface_in=IF (in the order given) is an Rx queue on
// its own promiscuous socket (rx_iface_in: PACKET_IGNORE_OUTGOING, libpcap's PCAP_D_IN), and each
// tx_iface=IF a Tx queue on a socket that receives nothing. As in DPDK, rx_pcap wins over rx_iface and
// tx_pcap over tx_iface, and files and interfaces mix across directions (rx_pcap + tx_iface, rx_iface +
// tx_pcap). Kernel drops of the Rx sockets are imissed (DPDK reads pcap_stats' ps_drop). The sockets
// belong to the probing process (its lcores can poll them; a secondary gets ENOTSUP for those queues).
//
// Queue state that must survive a change of polling thread (packets consumed per Rx file) is in the
// port's shared private block; each thread opens its own reader/writer on first use. Tx flushes every
// burst (DPDK calls pcap_dump_flush per burst too), so writers of different threads never hold data.
// Rx timestamps go into the mbuf (dynfield rte_dynfield_timestamp in µs + rte_dynflag_rx_timestamp, as
// DPDK's); Tx writes that timestamp when the flag is set (a tsdpdk addition: DPDK's writes the wall clock),
// so io forwarding keeps times to the microsecond.

import { openSync } from 'node:fs';
import * as eal from '../../../lib/eal/index.js';
import { fail, TsdpdkError } from '../../../lib/eal/errors.js';
import { registerDriver } from '../../../lib/ethdev/ethdev.js';
import { softDevInfo, type EthDevOps, type RxQueue, type TxQueue, type VdevDriver } from '../../../lib/ethdev/driver.js';
import { P, S_IMISSED, S_RXQ, S_TXQ, S_RX_NOMBUF, type PortData } from '../../../lib/ethdev/port_data.js';
import { SoftRss } from '../../../lib/ethdev/soft_rss.js';
import { defaultRssKey } from '../../../lib/net/thash.js';
import {
  MAX_QUEUES_PER_PORT, RTE_ETH_LINK_DOWN, RTE_ETH_LINK_FIXED, RTE_ETH_LINK_FULL_DUPLEX, RTE_ETH_LINK_UP, RTE_ETH_SPEED_NUM_10G,
  RX_OFFLOAD, TX_OFFLOAD, RSS_IP, RSS_TCP, RSS_UDP, RSS,
} from '../../../lib/ethdev/constants.js';
import { parseKvargs } from '../../../lib/kvargs/index.js';
import { mempoolFromOffset, type Mempool } from '../../../lib/mempool/index.js';
import {
  allocBulk, alloc, dynfieldRegister, dynflagRegister, free, freeBulk, M_BUF_ADDR, M_BUF_LEN, M_DATA_LEN, M_DATA_OFF, M_NB_SEGS, M_NEXT,
  M_OL_FLAGS, M_PKT_LEN, M_PORT,
} from '../../../lib/mbuf/index.js';
import { openCaptureReader, PcapWriter, READ_EOF, WallClock, type CaptureReader } from '../../../lib/pcapng/index.js';
import { asTsdpdk, packetAddon } from '../af_packet/af_packet_native.js';
import { closeRings, discardRx, initRecord, openRings, recordFd, recordOwned, ringRxQueue, ringStats, ringTxQueue, R_SIZE, RX_RING, TX_RING } from '../af_packet/af_packet_rings.js';

const MAX_FILES = 16;
const IO_BUFFER = 256 << 10;

// Private block: counts, infinite flag, per-Rx-queue consumed count (f64), then NUL-terminated paths.
const V_NB_RX = 0;
const V_NB_TX = 4;
const V_INFINITE = 8;
const V_SINGLE = 12; // iface=: one socket (Rx record 0) for Rx and Tx queue 0
const V_RX_IFACE = 16; // Rx queues are interfaces (names in the path slots)
const V_TX_IFACE = 20; // Tx queues are interfaces
const V_IFINDEX = 24; // iface='s index (dev_info if_index)
const V_CONSUMED = 64; // f64[MAX_FILES]
const V_PATHS = V_CONSUMED + 8 * MAX_FILES; // 2*MAX_FILES paths of PATH_LEN bytes (rx first, then tx)
const PATH_LEN = 256;
const V_RECS = V_PATHS + 2 * MAX_FILES * PATH_LEN; // socket records (af_packet_rings.ts): Rx queues, then Tx
const V_SIZE = V_RECS + 2 * MAX_FILES * R_SIZE;

// Interface rings: TPACKET_V3 Rx blocks of 64 KiB (any frame up to ~64 KiB arrives whole; libpcap in
// DPDK truncates at its 16128-byte snaplen), 16384-byte Tx frames, 1 MiB per ring.
const IF_RING = { version: 3 as const, blocksz: 1 << 16, blocknr: 16, framesz: 1 << 14, framecnt: 64 };

const rxRec = (v: number, q: number): number => v + V_RECS + q * R_SIZE;
const txRec = (v: number, q: number): number => v + V_RECS + (MAX_FILES + q) * R_SIZE;

const enc = new TextEncoder();
const dec = new TextDecoder();

// Rx timestamps are microseconds since the epoch in a u64 dynfield, as DPDK 22.11's net_pcap stores them
// (sec * 1e6 + usec < 2^53, so a double holds it exactly).
const TWO32 = 4294967296;

let tsField = -1;
let tsFlagBit = -1;

/** DPDK's Rx timestamp dynfield/flag (registered once, shared through the dynfield registry). */
function timestampDyn(): void {
  if (tsField >= 0) return;
  tsField = dynfieldRegister({ name: 'rte_dynfield_timestamp', size: 8, align: 8 });
  tsFlagBit = dynflagRegister({ name: 'rte_dynflag_rx_timestamp' });
}

function path(v: number, i: number): string {
  const u8 = eal.sharedWindow().u8;
  const o = v + V_PATHS + i * PATH_LEN;
  const e = u8.indexOf(0, o);
  return dec.decode(u8.slice(o, e < 0 || e > o + PATH_LEN ? o + PATH_LEN : e));
}

/** A chunk buffer in the shared heap, so copies to mbufs are Wasm memory.copy without allocation. */
function ioBuffer(): { buf: Uint8Array; off: number } {
  const w = eal.sharedWindow();
  const off = eal.malloc('pcap_io', IO_BUFFER);
  return { buf: new Uint8Array(w.buffer, w.base + off, IO_BUFFER), off };
}

class PcapRxQueue implements RxQueue {
  private reader: CaptureReader;
  private readonly io: { buf: Uint8Array; off: number };
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;
  private readonly consumedIdx: number;
  private local = 0; // records this reader has returned
  private atEof = false;
  private readonly tsFieldIdx: number; // u32 index of the timestamp dynfield relative to an mbuf
  private readonly tsFlagWord: number;
  private readonly tsFlagMask: number;

  private readonly rss: SoftRss | null;

  constructor(
    readonly file: string, private readonly pool: Mempool, private readonly portId: number, private readonly infinite: boolean,
    consumedOff: number, private readonly statIdx: number, private readonly nombufIdx: number, port: PortData,
  ) {
    // Software RSS (a tsdpdk addition: DPDK's pcap PMD has no RSS) when the app enabled RSS_HASH.
    const rss = (port.u64(P.RX_OFFLOADS) & RX_OFFLOAD.RSS_HASH) !== 0n ? new SoftRss(port) : null;
    this.rss = rss !== null && rss.enabled ? rss : null;
    const w = eal.sharedWindow();
    this.u8 = w.u8;
    this.u16 = w.u16;
    this.u32 = w.u32;
    this.f64 = w.f64;
    this.consumedIdx = consumedOff >>> 3;
    this.io = ioBuffer();
    this.reader = openCaptureReader(file, { ioBuffer: this.io.buf, memory: w.memory });
    timestampDyn();
    this.tsFieldIdx = tsField;
    this.tsFlagWord = tsFlagBit < 32 ? M_OL_FLAGS : M_OL_FLAGS + 4;
    this.tsFlagMask = 1 << (tsFlagBit & 31);
    this.resync();
  }

  /** Skips what other threads' readers already consumed from this file. */
  private resync(): void {
    const want = this.f64[this.consumedIdx]!;
    if (want < this.local) {
      this.reader.rewind();
      this.local = 0;
    }
    while (this.local < want) {
      const n = this.reader.next();
      if (n === READ_EOF || n < 0) {
        if (!this.infinite || this.local === 0) break;
        this.reader.rewind();
        continue;
      }
      this.local++;
    }
  }

  rxBurst(mbufs: Uint32Array, n: number): number {
    if (this.f64[this.consumedIdx] !== this.local) {
      this.atEof = false;
      this.resync();
    }
    // Like libpcap, remember the end of the file instead of calling read() on every poll.
    if (this.atEof) return 0;
    const r = this.reader;
    const u8 = this.u8;
    const u16 = this.u16;
    const u32 = this.u32;
    let nb = 0;
    let bytes = 0;
    while (nb < n) {
      let len = r.next();
      if (len < 0) {
        if (len !== READ_EOF) this.f64[this.statIdx + 2] += 1; // damaged record: one error, then EOF
        if (!this.infinite || r.packets === 0) {
          this.atEof = true;
          break;
        }
        r.rewind();
        len = r.next();
        if (len < 0) break;
      }
      this.local++;
      const m = alloc(this.pool);
      if (m === 0) {
        this.f64[this.nombufIdx] += 1;
        this.local--; // not consumed: read it again next time
        this.f64[this.consumedIdx] = this.local;
        this.resyncBack();
        break;
      }
      if (!this.fill(m, len)) {
        free(m);
        this.f64[this.statIdx + 2] += 1;
        continue;
      }
      u16[(m + M_PORT) >>> 1] = this.portId;
      if (this.rss !== null) this.rss.apply(m);
      // Rx timestamp in ns, as DPDK's pcap PMD fills it.
      // Inline (not the tsUs getter): a non-inlined getter returning a double allocates per packet.
      const us = r.tsSec * 1e6 + Math.floor(r.tsNsec / 1000);
      const fo = (m + this.tsFieldIdx) >>> 2;
      u32[fo] = us % TWO32;
      u32[fo + 1] = Math.floor(us / TWO32);
      u32[(m + this.tsFlagWord) >>> 2] |= this.tsFlagMask;
      void u8;
      mbufs[nb++] = m;
      bytes += len;
    }
    this.f64[this.consumedIdx] = this.local;
    this.f64[this.statIdx] += nb;
    this.f64[this.statIdx + 1] += bytes;
    return nb;
  }

  /** Re-reads up to `local` after giving back the last record. */
  private resyncBack(): void {
    this.reader.rewind();
    const want = this.local;
    this.local = 0;
    while (this.local < want) {
      if (this.reader.next() < 0) break;
      this.local++;
    }
  }

  /** Copies the current record into m (chaining segments for records longer than one mbuf). */
  private fill(m: number, len: number): boolean {
    const u16 = this.u16;
    const u32 = this.u32;
    const w = this.u8;
    let seg = m;
    let done = 0;
    let nsegs = 0;
    let prev = 0;
    while (done < len || nsegs === 0) {
      if (seg === 0) {
        seg = alloc(this.pool);
        if (seg === 0) {
          this.f64[this.nombufIdx] += 1;
          return false;
        }
        u32[(prev + M_NEXT) >>> 2] = seg;
      }
      const dataOff = u16[(seg + M_DATA_OFF) >>> 1]!;
      const room = u16[(seg + M_BUF_LEN) >>> 1]! - dataOff;
      const take = Math.min(room, len - done);
      if (take <= 0 && len > 0) return false;
      this.reader.copyData(w, u32[(seg + M_BUF_ADDR) >>> 2]! + dataOff, done, take);
      u16[(seg + M_DATA_LEN) >>> 1] = take;
      done += take;
      nsegs++;
      prev = seg;
      seg = 0;
    }
    u32[(m + M_PKT_LEN) >>> 2] = len;
    u16[(m + M_NB_SEGS) >>> 1] = nsegs;
    return true;
  }

  close(): void {
    this.reader.close();
    eal.free(this.io.off);
  }
}

class PcapTxQueue implements TxQueue {
  private readonly writer: PcapWriter;
  private readonly io: { buf: Uint8Array; off: number };
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;
  private readonly clock = new WallClock();
  private readonly tsFlagWord: number;
  private readonly tsFlagMask: number;

  constructor(readonly file: string, append: boolean, private readonly statIdx: number) {
    const w = eal.sharedWindow();
    this.u8 = w.u8;
    this.u16 = w.u16;
    this.u32 = w.u32;
    this.f64 = w.f64;
    this.io = ioBuffer();
    const opts = { ioBuffer: this.io.buf, memory: w.memory };
    if (append) {
      let fd: number;
      try {
        fd = openSync(file, 'a');
      } catch (e) {
        throw new TsdpdkError('EIO', `net_pcap: cannot open ${file} for appending: ${(e as Error).message}`);
      }
      this.writer = PcapWriter.fdopen(fd, { ...opts, noHeader: true }, file);
    } else {
      this.writer = PcapWriter.open(file, opts);
      this.writer.flush();
    }
    timestampDyn();
    this.tsFlagWord = tsFlagBit < 32 ? M_OL_FLAGS : M_OL_FLAGS + 4;
    this.tsFlagMask = 1 << (tsFlagBit & 31);
  }

  txBurst(mbufs: Uint32Array, n: number): number {
    const u16 = this.u16;
    const u32 = this.u32;
    const wr = this.writer;
    let bytes = 0;
    let clockRead = false;
    for (let i = 0; i < n; i++) {
      const m = mbufs[i]!;
      const len = u32[(m + M_PKT_LEN) >>> 2]!;
      let sec: number;
      let nsec: number;
      if ((u32[(m + this.tsFlagWord) >>> 2]! & this.tsFlagMask) !== 0) {
        const fo = (m + tsField) >>> 2;
        const us = u32[fo]! + u32[fo + 1]! * TWO32;
        sec = Math.floor(us / 1e6);
        nsec = (us - sec * 1e6) * 1000;
      } else {
        if (!clockRead) {
          this.clock.now();
          clockRead = true;
        }
        sec = this.clock.sec;
        nsec = this.clock.nsec;
      }
      if (u16[(m + M_NB_SEGS) >>> 1] === 1) {
        wr.writePacket(sec, nsec, this.u8, u32[(m + M_BUF_ADDR) >>> 2]! + u16[(m + M_DATA_OFF) >>> 1]!, u16[(m + M_DATA_LEN) >>> 1]!, len);
      } else {
        wr.beginPacket(sec, nsec, len, len);
        for (let s = m; s !== 0; s = u32[(s + M_NEXT) >>> 2]!) {
          wr.appendData(this.u8, u32[(s + M_BUF_ADDR) >>> 2]! + u16[(s + M_DATA_OFF) >>> 1]!, u16[(s + M_DATA_LEN) >>> 1]!);
        }
        wr.endPacket();
      }
      bytes += len;
    }
    wr.flush();
    freeBulk(mbufs, n);
    this.f64[this.statIdx] += n;
    this.f64[this.statIdx + 1] += bytes;
    return n;
  }

  close(): void {
    this.writer.close();
    eal.free(this.io.off);
  }
}

/** Tx without tx_pcap: drops and counts, like DPDK's eth_tx_drop. */
class DropTxQueue implements TxQueue {
  private readonly f64: Float64Array;
  private readonly u32: Uint32Array;
  constructor(private readonly statIdx: number) {
    const w = eal.sharedWindow();
    this.f64 = w.f64;
    this.u32 = w.u32;
  }
  txBurst(mbufs: Uint32Array, n: number): number {
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += this.u32[(mbufs[i]! + M_PKT_LEN) >>> 2]!;
    freeBulk(mbufs, n);
    this.f64[this.statIdx] += n;
    this.f64[this.statIdx + 1] += bytes;
    return n;
  }
}

// Queue handles opened by this thread (closed on release/close).
const openRx = new Map<string, PcapRxQueue>();
const openTx = new Map<string, PcapTxQueue>();

function priv(d: PortData): number {
  return d.u32(P.PRIV);
}

function counts(d: PortData): { nbRx: number; nbTx: number; infinite: boolean } {
  const w = eal.sharedWindow();
  const v = priv(d);
  return { nbRx: w.u32[(v + V_NB_RX) >>> 2]!, nbTx: w.u32[(v + V_NB_TX) >>> 2]!, infinite: w.u32[(v + V_INFINITE) >>> 2] === 1 };
}

function rxQueue(d: PortData, q: number, mempool: number): RxQueue {
  const w = eal.sharedWindow();
  const v0 = priv(d);
  if (w.u32[(v0 + V_SINGLE) >>> 2] === 1 || w.u32[(v0 + V_RX_IFACE) >>> 2] === 1) {
    timestampDyn();
    return ringRxQueue(rxRec(v0, q), {
      pool: mempoolFromOffset(mempool), portId: d.portId, vlanStrip: false, statIdx: d.statsIndex + S_RXQ + 3 * q,
      nombufIdx: d.statsIndex + S_RX_NOMBUF, tsField, tsFlagBit,
    }, `net_pcap ${d.name} Rx queue ${q}`);
  }
  const key = `${d.portId}/${q}`;
  openRx.get(key)?.close();
  const c = counts(d);
  const v = priv(d);
  const h = new PcapRxQueue(path(v, q), mempoolFromOffset(mempool), d.portId, c.infinite, v + V_CONSUMED + 8 * q,
    d.statsIndex + S_RXQ + 3 * q, d.statsIndex + S_RX_NOMBUF, d);
  openRx.set(key, h);
  return h;
}

function txQueue(d: PortData, q: number, append: boolean): TxQueue {
  const w = eal.sharedWindow();
  const v0 = priv(d);
  if (w.u32[(v0 + V_SINGLE) >>> 2] === 1 && q === 0) return ringTxQueue(packetAddon('net_pcap'), rxRec(v0, 0), d.statsIndex + S_TXQ, `net_pcap ${d.name} Tx queue 0`);
  if (w.u32[(v0 + V_TX_IFACE) >>> 2] === 1 && q < w.u32[(v0 + V_NB_TX) >>> 2]!) {
    return ringTxQueue(packetAddon('net_pcap'), txRec(v0, q), d.statsIndex + S_TXQ + 3 * q, `net_pcap ${d.name} Tx queue ${q}`);
  }
  const c = counts(d);
  if (c.nbTx === 0) return new DropTxQueue(d.statsIndex + S_TXQ + 3 * q);
  const key = `${d.portId}/${q}`;
  openTx.get(key)?.close();
  const h = new PcapTxQueue(path(priv(d), MAX_FILES + q), append, d.statsIndex + S_TXQ + 3 * q);
  openTx.set(key, h);
  return h;
}

function closeQueues(d: PortData): void {
  for (const [k, h] of openRx) if (k.startsWith(`${d.portId}/`)) { h.close(); openRx.delete(k); }
  for (const [k, h] of openTx) if (k.startsWith(`${d.portId}/`)) { h.close(); openTx.delete(k); }
}

/** Closes the interface sockets this process opened (idempotent). */
function closeIfaces(v: number): void {
  const a = packetAddon('net_pcap');
  for (let i = 0; i < 2 * MAX_FILES; i++) {
    const r = v + V_RECS + i * R_SIZE;
    if (recordOwned(r)) closeRings(a, r, 'net_pcap');
  }
}

/** Kernel drops of the interface Rx sockets into imissed (the kernel resets them on read). */
function drainIfaceStats(d: PortData): void {
  const v = priv(d);
  if (v === 0) return;
  const w = eal.sharedWindow();
  const single = w.u32[(v + V_SINGLE) >>> 2] === 1;
  if (!single && w.u32[(v + V_RX_IFACE) >>> 2] !== 1) return;
  const n = single ? 1 : w.u32[(v + V_NB_RX) >>> 2]!;
  for (let q = 0; q < n; q++) {
    const r = rxRec(v, q);
    if (recordOwned(r) && recordFd(r) >= 0) w.f64[d.statsIndex + S_IMISSED] += ringStats(packetAddon('net_pcap'), r, `net_pcap ${d.name}`)[1];
  }
}

/**
 * DPDK's net_pcap opens its live captures at start and closes them at stop; these sockets stay open, so
 * start drops what arrived while the port was stopped (frames and the kernel's drop count).
 */
function discardIfaceRx(d: PortData): void {
  const v = priv(d);
  if (v === 0) return;
  const w = eal.sharedWindow();
  const single = w.u32[(v + V_SINGLE) >>> 2] === 1;
  if (!single && w.u32[(v + V_RX_IFACE) >>> 2] !== 1) return;
  const n = single ? 1 : w.u32[(v + V_NB_RX) >>> 2]!;
  for (let q = 0; q < n; q++) {
    const r = rxRec(v, q);
    if (!recordOwned(r) || recordFd(r) < 0) continue;
    discardRx(r);
    ringStats(packetAddon('net_pcap'), r, `net_pcap ${d.name}`); // read-and-reset: drops while stopped do not count
  }
}

const ops: EthDevOps = {
  devInfo(d) {
    const c = counts(d);
    return softDevInfo('net_pcap', {
      ifIndex: eal.sharedWindow().u32[(priv(d) + V_IFINDEX) >>> 2]!,
      maxRxQueues: Math.max(c.nbRx, 1),
      maxTxQueues: Math.max(c.nbTx, c.nbRx, 1),
      maxRxPktLen: 0xffffffff,
      rxOffloadCapa: RX_OFFLOAD.SCATTER | RX_OFFLOAD.TIMESTAMP | RX_OFFLOAD.RSS_HASH,
      flowTypeRssOffloads: RSS_IP | RSS_TCP | RSS_UDP | RSS.NONFRAG_IPV4_SCTP | RSS.NONFRAG_IPV6_SCTP,
      hashKeySize: 40,
      retaSize: 128,
      txOffloadCapa: TX_OFFLOAD.MULTI_SEGS,
    });
  },
  rxQueueSetup(d, q, conf) {
    const c = counts(d);
    if (q >= c.nbRx) fail('EINVAL', `net_pcap ${d.name}: Rx queue ${q} has no rx_pcap file or rx interface`);
    eal.sharedWindow().f64[(priv(d) + V_CONSUMED + 8 * q) >>> 3] = 0;
    return rxQueue(d, q, conf.mempool);
  },
  txQueueSetup(d, q) {
    return txQueue(d, q, false);
  },
  rxQueueAttach(d, q) {
    return rxQueue(d, q, d.rxqConf(q, 8));
  },
  txQueueAttach(d, q) {
    return txQueue(d, q, true);
  },
  start(d) {
    discardIfaceRx(d);
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_UP);
  },
  stop(d) {
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
  },
  close(d) {
    closeQueues(d);
    const v = priv(d);
    if (v !== 0) closeIfaces(v);
  },
  statsUpdate(d) {
    drainIfaceStats(d);
  },
  statsReset(d) {
    drainIfaceStats(d);
    eal.sharedWindow().f64[d.statsIndex + S_IMISSED] = 0;
  },
};

/** Opens one interface socket into rec; EPERM/ENODEV with the devarg in the message. */
function openIface(devName: string, key: string, iface: string, rec: number, rings: number, ignoreOutgoing: boolean): number {
  if (iface === '' || enc.encode(iface).length >= 16) fail('EINVAL', `net_pcap ${devName}: invalid ${key} '${iface}' (1..15 bytes)`);
  const a = packetAddon('net_pcap');
  let ifindex: number;
  try {
    ifindex = a.packetIfInfo(iface).ifindex;
  } catch (e) {
    throw asTsdpdk(`net_pcap ${devName}: ${key}=${iface}`, e);
  }
  try {
    openRings(a, rec, ifindex, IF_RING, rings, { qdiscBypass: false, fanout: 0, ignoreOutgoing, promisc: (rings & RX_RING) !== 0 }, `net_pcap ${devName} ${key}=${iface}`);
  } catch (e) {
    const c = (e as { code?: string }).code;
    if (c === 'EPERM' || c === 'EACCES') fail('EPERM', `net_pcap ${devName}: ${key}=${iface}: AF_PACKET sockets need CAP_NET_RAW (${(e as Error).message})`);
    throw asTsdpdk(`net_pcap ${devName}: ${key}=${iface}`, e);
  }
  return ifindex;
}

const driver: VdevDriver = {
  name: 'net_pcap',
  aliases: ['eth_pcap'],
  validKeys: ['rx_pcap', 'tx_pcap', 'rx_iface', 'rx_iface_in', 'tx_iface', 'iface', 'phy_mac', 'infinite_rx'],
  probe(d, devName, args) {
    const kv = parseKvargs(args, driver.validKeys);
    if (kv.count('iface') > 1) fail('EINVAL', `net_pcap ${devName}: iface given more than once`);
    let phyMac = false;
    if (kv.has('phy_mac')) {
      const pm = kv.get('phy_mac') ?? '';
      if (pm !== '0' && pm !== '1') fail('EINVAL', `net_pcap ${devName}: phy_mac must be 0 or 1, got '${pm}'`);
      phyMac = pm === '1'; // applies to iface= only, as in DPDK
    }
    if (kv.has('iface')) return probeSingleIface(d, devName, kv.get('iface') ?? '', phyMac);
    const rxIfaces = kv.pairs.filter((p) => p.key === 'rx_iface' || p.key === 'rx_iface_in').map((p) => ({ key: p.key, name: p.value ?? '' }));
    const txIfaces = kv.getAll('tx_iface').map((x) => x ?? '');
    const files = (key: string): string[] =>
      kv.getAll(key).map((f) => {
        if (f === null || f === '') fail('EINVAL', `net_pcap ${devName}: ${key} needs a file name`);
        return f;
      });
    const rx = files('rx_pcap');
    const tx = files('tx_pcap');
    if (rx.length === 0 && tx.length === 0 && rxIfaces.length === 0 && txIfaces.length === 0) {
      fail('EINVAL', `net_pcap ${devName}: no rx_pcap, tx_pcap, rx_iface, rx_iface_in, tx_iface or iface given`);
    }
    // DPDK: a file wins over an interface in the same direction.
    const useRxIf = rx.length === 0 && rxIfaces.length > 0;
    const useTxIf = tx.length === 0 && txIfaces.length > 0;
    if (rx.length > MAX_FILES || tx.length > MAX_FILES || rxIfaces.length > MAX_FILES || txIfaces.length > MAX_FILES) {
      fail('EINVAL', `net_pcap ${devName}: at most ${MAX_FILES} files or interfaces per direction`);
    }
    let infinite = false;
    if (kv.has('infinite_rx')) {
      const v = kv.get('infinite_rx')!;
      if (v !== '0' && v !== '1') fail('EINVAL', `net_pcap ${devName}: infinite_rx must be 0 or 1, got '${v}'`);
      infinite = v === '1';
      if (infinite && rx.length === 0) fail('EINVAL', `net_pcap ${devName}: infinite_rx needs rx_pcap`);
    }
    // Open every Rx file once now so a bad file fails the probe with the reader's message.
    for (const f of rx) {
      const r = openCaptureReader(f);
      if (infinite && r.next() < 0) {
        r.close();
        fail('EINVAL', `net_pcap ${devName}: infinite_rx: ${f} has no packets`);
      }
      r.close();
    }
    const w = eal.sharedWindow();
    const v = eal.zmalloc('eth_pcap', V_SIZE);
    for (let i = 0; i < 2 * MAX_FILES; i++) initRecord(v + V_RECS + i * R_SIZE);
    const nbRx = useRxIf ? rxIfaces.length : rx.length;
    const nbTx = useTxIf ? txIfaces.length : tx.length;
    w.u32[(v + V_NB_RX) >>> 2] = nbRx;
    w.u32[(v + V_NB_TX) >>> 2] = nbTx;
    w.u32[(v + V_RX_IFACE) >>> 2] = useRxIf ? 1 : 0;
    w.u32[(v + V_TX_IFACE) >>> 2] = useTxIf ? 1 : 0;
    try {
      if (useRxIf) rxIfaces.forEach((x, i) => openIface(devName, x.key, x.name, rxRec(v, i), RX_RING, x.key === 'rx_iface_in'));
      if (useTxIf) txIfaces.forEach((x, i) => openIface(devName, 'tx_iface', x, txRec(v, i), TX_RING, false));
    } catch (e) {
      closeIfaces(v);
      eal.free(v);
      throw e;
    }
    w.u32[(v + V_INFINITE) >>> 2] = infinite ? 1 : 0;
    const put = (i: number, s: string) => {
      const b = enc.encode(s);
      if (b.length >= PATH_LEN) fail('ENAMETOOLONG', `net_pcap ${devName}: path '${s}' is longer than ${PATH_LEN - 1} bytes`);
      w.u8.set(b, v + V_PATHS + i * PATH_LEN);
    };
    if (useRxIf) rxIfaces.forEach((x, i) => put(i, x.name));
    else rx.forEach((f, i) => put(i, f));
    if (useTxIf) txIfaces.forEach((x, i) => put(MAX_FILES + i, x));
    else tx.forEach((f, i) => put(MAX_FILES + i, f));
    d.setU32(P.PRIV, v);
    d.setU32(P.LINK_SPEED, RTE_ETH_SPEED_NUM_10G);
    d.setU32(P.LINK_DUPLEX, RTE_ETH_LINK_FULL_DUPLEX);
    d.setU32(P.LINK_AUTONEG, RTE_ETH_LINK_FIXED);
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
    // DPDK's pcap PMD without phy_mac uses a fixed MAC 02:70:63:61:70:<port> ("\x02pcap" + id).
    d.setMacAddr(0, [0x02, 0x70, 0x63, 0x61, 0x70, d.portId & 0xff]);
    d.setRssKey(defaultRssKey());
    d.setU32(P.PROMISC, 1); // like DPDK's: on, and no op to turn it off
    d.setU32(P.ALLMULTI, 1);
    d.setU32(P.NB_RXQ, nbRx);
    d.setU32(P.NB_TXQ, Math.max(nbTx, nbRx));
    void MAX_QUEUES_PER_PORT;
    return ops;
  },
  attachSecondary() {
    return ops;
  },
  remove(d) {
    closeQueues(d);
    const v = priv(d);
    if (v !== 0) closeIfaces(v);
    if (v !== 0) eal.free(v);
    d.setU32(P.PRIV, 0);
  },
};

/** iface=IF: one socket with both rings for Rx queue 0 and Tx queue 0 (DPDK's single_iface). */
function probeSingleIface(d: PortData, devName: string, iface: string, phyMac: boolean): EthDevOps {
  const w = eal.sharedWindow();
  const v = eal.zmalloc('eth_pcap', V_SIZE);
  for (let i = 0; i < 2 * MAX_FILES; i++) initRecord(v + V_RECS + i * R_SIZE);
  let ifindex: number;
  try {
    ifindex = openIface(devName, 'iface', iface, rxRec(v, 0), RX_RING | TX_RING, false);
  } catch (e) {
    eal.free(v);
    throw e;
  }
  w.u32[(v + V_NB_RX) >>> 2] = 1;
  w.u32[(v + V_NB_TX) >>> 2] = 1;
  w.u32[(v + V_SINGLE) >>> 2] = 1;
  w.u32[(v + V_IFINDEX) >>> 2] = ifindex;
  w.u8.set(enc.encode(iface), v + V_PATHS);
  w.u8.set(enc.encode(iface), v + V_PATHS + MAX_FILES * PATH_LEN);
  d.setU32(P.PRIV, v);
  d.setU32(P.LINK_SPEED, RTE_ETH_SPEED_NUM_10G);
  d.setU32(P.LINK_DUPLEX, RTE_ETH_LINK_FULL_DUPLEX);
  d.setU32(P.LINK_AUTONEG, RTE_ETH_LINK_FIXED);
  d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
  const info = packetAddon('net_pcap').packetIfInfo(iface);
  d.setMacAddr(0, phyMac ? info.mac : [0x02, 0x70, 0x63, 0x61, 0x70, d.portId & 0xff]);
  d.setRssKey(defaultRssKey());
  d.setU32(P.PROMISC, 1);
  d.setU32(P.ALLMULTI, 1);
  d.setU32(P.NB_RXQ, 1);
  d.setU32(P.NB_TXQ, 1);
  return ops;
}

registerDriver(driver);
