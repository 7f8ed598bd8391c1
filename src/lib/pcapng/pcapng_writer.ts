// pcapng writer producing what DPDK's rte_pcapng (22.11) and dpdk-dumpcap write:
// * SHB, byte-order magic, version 1.0, section length -1; options in rte_pcapng's order: opt_comment,
//   shb_hardware, shb_os, shb_userappl, end-of-options. dumpcap passes os = "<sysname> <release>"
//   (uname), no hardware, userappl = "dpdk-dumpcap 1.0 (DPDK 22.11.x)" and --capture-comment.
// * IDB per interface: linktype, snaplen field (DPDK writes 0), options if_tsresol = 9 (always:
//   timestamps are nanoseconds), if_name, if_description, if_MACaddr, if_speed (omitted when 0),
//   if_hardware, if_filter (first octet 0 = filter string), end-of-options.
// * EPB: interface id, 64-bit ns timestamp, lengths, data zero-padded to 4, then epb_flags (direction),
//   epb_queue, epb_hash (Toeplitz + u32) when given, and NO end-of-options marker (rte_pcapng_copy
//   writes none; readers accept that).
// * ISB: interface id, timestamp, then opt_comment, isb_starttime, isb_endtime, isb_ifrecv, isb_ifdrop,
//   isb_filteraccept, isb_osdrop, isb_usrdeliv (each only when given), end-of-options when any.
//   isb_starttime/isb_endtime are stored as the spec's timestamp (high u32 then low u32), which is what
//   Wireshark decodes; DPDK 22.11 memcpy's a host-order u64 there (low word first on x86), which readers
//   show as a wrong time, and fills them from CLOCK_MONOTONIC. We write epoch times the spec's way.
// Buffered and allocation-free per packet like PcapWriter.

import { release, type } from 'node:os';
import { TsdpdkError } from '../eal/errors.js';
import {
  EPB_FLAGS, EPB_HASH, EPB_QUEUE, EPB_FLAGS_DIRECTION_MASK, HASH_TOEPLITZ, IF_DESCRIPTION, IF_FILTER, IF_HARDWARE,
  IF_MACADDR, IF_NAME, IF_SPEED, IF_TSRESOL, ISB_ENDTIME, ISB_FILTERACCEPT, ISB_IFDROP, ISB_IFRECV, ISB_OSDROP,
  ISB_STARTTIME, ISB_USRDELIV, LINKTYPE_ETHERNET, OPT_COMMENT, OPT_ENDOFOPT, PCAPNG_BLOCK_EPB, PCAPNG_BLOCK_IDB,
  PCAPNG_BLOCK_ISB, PCAPNG_BLOCK_SHB, PCAPNG_BYTE_ORDER_MAGIC, PCAPNG_MAJOR_VERSION, PCAPNG_MINOR_VERSION,
  SHB_HARDWARE, SHB_OS, SHB_USERAPPL,
} from './constants.js';
import { FileOutput, type OutputOptions } from './file_io.js';
import { GatherRecord } from './gather_record.js';
import { toUnits64, tsScratch } from './timestamp.js';

export interface PcapngWriterOptions extends OutputOptions {
  /** shb_os; default "<sysname> <release>" like dumpcap's uname-based string; null to omit. */
  os?: string | null;
  /** shb_hardware (dumpcap passes none). */
  hardware?: string;
  /** shb_userappl, e.g. "tsdpdk-dumpcap 1.0 (tsdpdk 0.1.0)". */
  userAppl?: string;
  /** opt_comment of the section (dumpcap's --capture-comment). */
  comment?: string;
  /** Write big-endian (for producing test files; DPDK on x86 writes little-endian). */
  bigEndian?: boolean;
}

export interface PcapngInterfaceOptions {
  /** if_name; default "dpdk:<index>" (rte_pcapng's fallback when there is no kernel name). */
  name?: string;
  description?: string;
  /** Default 1 (LINKTYPE_ETHERNET). */
  linktype?: number;
  /** IDB snaplen field; default 0 (no limit) as DPDK writes. When non-zero, longer packets are cut. */
  snaplen?: number;
  /** if_MACaddr: 6 bytes or "aa:bb:cc:dd:ee:ff". */
  macAddr?: Uint8Array | string;
  /** if_speed in bit/s (DPDK: link Mbps * 10^6); omitted when 0 or absent. */
  speed?: number | bigint;
  /** if_hardware, DPDK style "<bus>-<device>", e.g. "vdev-net_null0". */
  hardware?: string;
  /** if_filter as a filter string. */
  filter?: string;
}

/** Counters and times for an Interface Statistics Block; times are ns since the epoch. */
export interface PcapngStatsOptions {
  /** The block's timestamp; default now. */
  timeNs?: bigint;
  startTimeNs?: bigint;
  endTimeNs?: bigint;
  ifRecv?: bigint | number;
  ifDrop?: bigint | number;
  filterAccept?: bigint | number;
  osDrop?: bigint | number;
  usrDeliv?: bigint | number;
  comment?: string;
}

const encoder = new TextEncoder();
const pad4 = (n: number) => (n + 3) & ~3;
const MAX_STR = 0xffff;

/** Option being assembled for a control block (allocation is fine off the packet path). */
interface Opt {
  code: number;
  data: Uint8Array;
}

function strOpt(code: number, s: string, what: string): Opt {
  const data = encoder.encode(s);
  if (data.length > MAX_STR) throw new TsdpdkError('EINVAL', `${what} longer than ${MAX_STR} bytes`);
  return { code, data };
}

function parseMac(m: Uint8Array | string): Uint8Array {
  if (typeof m !== 'string') {
    if (m.length !== 6) throw new TsdpdkError('EINVAL', `MAC address must be 6 bytes, got ${m.length}`);
    return Uint8Array.from(m);
  }
  const parts = m.split(/[:-]/);
  if (parts.length !== 6 || parts.some((x) => !/^[0-9a-fA-F]{1,2}$/.test(x))) throw new TsdpdkError('EINVAL', `bad MAC address "${m}"`);
  return Uint8Array.from(parts, (x) => parseInt(x, 16));
}

/** Wall clock now in ns since the epoch (control path). */
function nowNs(): bigint {
  const ms = performance.timeOrigin + performance.now();
  return BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.round((ms % 1) * 1e6));
}

export class PcapngWriter {
  readonly path: string;
  readonly littleEndian: boolean;
  /** Packets (EPBs) written. */
  packets = 0;

  private readonly out: FileOutput;
  private readonly ifSnaplen: number[] = [];
  private readonly ifNames: string[] = [];
  // EPB fields of the packet being gathered (written by its trailer).
  private gPad = 0;
  private gFlags = 0;
  private gQueue = -1;
  private gHash = -1;
  private readonly gather: GatherRecord;
  /** Total length of the EPB being written (repeated in its trailer). */
  private blockLen = 0;

  /** rte_pcapng_fdopen on a newly created (truncated) file: writes the SHB. */
  static open(path: string, opts: PcapngWriterOptions = {}): PcapngWriter {
    return new PcapngWriter(path, null, opts);
  }

  /** rte_pcapng_fdopen on an open descriptor; close() flushes but leaves it open. */
  static fdopen(fd: number, opts: PcapngWriterOptions = {}, name = `fd ${fd}`): PcapngWriter {
    return new PcapngWriter(name, fd, opts);
  }

  private constructor(path: string, fd: number | null, opts: PcapngWriterOptions) {
    this.path = path;
    this.littleEndian = !opts.bigEndian;
    const options: Opt[] = [];
    if (opts.comment !== undefined) options.push(strOpt(OPT_COMMENT, opts.comment, 'comment'));
    if (opts.hardware !== undefined) options.push(strOpt(SHB_HARDWARE, opts.hardware, 'shb_hardware'));
    const os = opts.os === undefined ? `${type()} ${release()}` : opts.os;
    if (os !== null) options.push(strOpt(SHB_OS, os, 'shb_os'));
    if (opts.userAppl !== undefined) options.push(strOpt(SHB_USERAPPL, opts.userAppl, 'shb_userappl'));
    this.out = new FileOutput(path, fd, opts);
    this.gather = new GatherRecord(this.out, path);
    this.controlBlock(PCAPNG_BLOCK_SHB, 16, options, (v, p, le) => {
      v.setUint32(p, PCAPNG_BYTE_ORDER_MAGIC, le);
      v.setUint16(p + 4, PCAPNG_MAJOR_VERSION, le);
      v.setUint16(p + 6, PCAPNG_MINOR_VERSION, le);
      v.setInt32(p + 8, -1, le);
      v.setInt32(p + 12, -1, le);
    });
  }

  /** Bytes written so far, buffered or not. */
  get size(): number {
    return this.out.size;
  }

  /** Interfaces added so far. */
  get interfaceCount(): number {
    return this.ifSnaplen.length;
  }

  /** if_name of an added interface. */
  interfaceName(ifIndex: number): string | undefined {
    return this.ifNames[ifIndex];
  }

  /** Writes a block with a fixed part of `fixedLen` bytes filled by `fill`, then options + end marker. */
  private controlBlock(type: number, fixedLen: number, options: Opt[], fill: (v: DataView, p: number, le: boolean) => void): void {
    if (this.gather.active) throw new TsdpdkError('EBUSY', `${this.path}: endPacket() missing before the next block`);
    if (this.out.closed) throw new TsdpdkError('EBADF', `${this.path}: capture file is closed`);
    let optLen = 0;
    for (const o of options) optLen += 4 + pad4(o.data.length);
    if (options.length > 0) optLen += 4;
    const len = 8 + fixedLen + optLen + 4;
    const block = new Uint8Array(len);
    const v = new DataView(block.buffer);
    const le = this.littleEndian;
    v.setUint32(0, type, le);
    v.setUint32(4, len, le);
    fill(v, 8, le);
    let p = 8 + fixedLen;
    for (const o of options) {
      v.setUint16(p, o.code, le);
      v.setUint16(p + 2, o.data.length, le);
      block.set(o.data, p + 4);
      p += 4 + pad4(o.data.length);
    }
    if (options.length > 0) {
      v.setUint16(p, OPT_ENDOFOPT, le);
      v.setUint16(p + 2, 0, le);
      p += 4;
    }
    v.setUint32(p, len, le);
    this.out.copyIn(block, 0, len);
  }

  /** rte_pcapng_add_interface: writes an IDB and returns the interface index used by writePacket. */
  addInterface(opts: PcapngInterfaceOptions = {}): number {
    const index = this.ifSnaplen.length;
    const name = opts.name ?? `dpdk:${index}`;
    const snaplen = opts.snaplen ?? 0;
    if (!Number.isInteger(snaplen) || snaplen < 0 || snaplen > 0xffffffff) throw new TsdpdkError('EINVAL', `invalid snaplen ${snaplen}`);
    const linktype = opts.linktype ?? LINKTYPE_ETHERNET;
    const options: Opt[] = [{ code: IF_TSRESOL, data: Uint8Array.of(9) }, strOpt(IF_NAME, name, 'if_name')];
    if (opts.description !== undefined) options.push(strOpt(IF_DESCRIPTION, opts.description, 'if_description'));
    if (opts.macAddr !== undefined) options.push({ code: IF_MACADDR, data: parseMac(opts.macAddr) });
    if (opts.speed !== undefined && BigInt(opts.speed) !== 0n) {
      const d = new Uint8Array(8);
      new DataView(d.buffer).setBigUint64(0, BigInt(opts.speed), this.littleEndian);
      options.push({ code: IF_SPEED, data: d });
    }
    if (opts.hardware !== undefined) options.push(strOpt(IF_HARDWARE, opts.hardware, 'if_hardware'));
    if (opts.filter !== undefined) {
      const f = strOpt(IF_FILTER, opts.filter, 'if_filter');
      const d = new Uint8Array(f.data.length + 1);
      d.set(f.data, 1);
      options.push({ code: IF_FILTER, data: d });
    }
    this.controlBlock(PCAPNG_BLOCK_IDB, 8, options, (v, p, le) => {
      v.setUint16(p, linktype, le);
      v.setUint16(p + 2, 0, le);
      v.setUint32(p + 4, snaplen, le);
    });
    this.ifSnaplen.push(snaplen);
    this.ifNames.push(name);
    return index;
  }

  private epbHeader(ifIndex: number, tsSec: number, tsNsec: number, cap: number, origLen: number,
    direction: number, queue: number, rssHash: number): void {
    if (this.gather.active) throw new TsdpdkError('EBUSY', `${this.path}: endPacket() missing before the next packet`);
    if (ifIndex >= this.ifSnaplen.length || ifIndex < 0) throw new TsdpdkError('EINVAL', `${this.path}: interface ${ifIndex} was not added`);
    if (this.out.closed) throw new TsdpdkError('EBADF', `${this.path}: capture file is closed`);
    const len = 28 + pad4(cap) + 8 + (queue >= 0 ? 8 : 0) + (rssHash >= 0 ? 12 : 0) + 4;
    this.blockLen = len;
    const o = this.out;
    const p = o.reserve(28);
    const v = o.view;
    const le = this.littleEndian;
    toUnits64(tsSec, tsNsec, 1e9);
    v.setUint32(p, PCAPNG_BLOCK_EPB, le);
    v.setUint32(p + 4, len, le);
    v.setUint32(p + 8, ifIndex, le);
    v.setUint32(p + 12, tsScratch[0]!, le);
    v.setUint32(p + 16, tsScratch[1]!, le);
    v.setUint32(p + 20, cap, le);
    v.setUint32(p + 24, origLen, le);
    o.pos = p + 28;
    this.gPad = pad4(cap) - cap;
    this.gFlags = direction & EPB_FLAGS_DIRECTION_MASK;
    this.gQueue = queue;
    this.gHash = rssHash;
  }

  private epbTrailer(): void {
    const o = this.out;
    const optLen = 8 + (this.gQueue >= 0 ? 8 : 0) + (this.gHash >= 0 ? 12 : 0);
    const p = o.reserve(this.gPad + optLen + 4);
    const v = o.view;
    const le = this.littleEndian;
    let q = p;
    for (let i = 0; i < this.gPad; i++) v.setUint8(q++, 0);
    v.setUint16(q, EPB_FLAGS, le);
    v.setUint16(q + 2, 4, le);
    v.setUint32(q + 4, this.gFlags, le);
    q += 8;
    if (this.gQueue >= 0) {
      v.setUint16(q, EPB_QUEUE, le);
      v.setUint16(q + 2, 4, le);
      v.setUint32(q + 4, this.gQueue, le);
      q += 8;
    }
    if (this.gHash >= 0) {
      v.setUint16(q, EPB_HASH, le);
      v.setUint16(q + 2, 5, le);
      v.setUint8(q + 4, HASH_TOEPLITZ);
      v.setUint32(q + 5, this.gHash >>> 0, le);
      v.setUint8(q + 9, 0);
      v.setUint16(q + 10, 0, le);
      q += 12;
    }
    v.setUint32(q, this.blockLen, le);
    o.pos = q + 4;
  }

  /**
   * Writes one EPB (rte_pcapng_copy + rte_pcapng_write_packets): `capLen` bytes of `src` from `off`
   * (cut to the interface snaplen when that is non-zero), wire length `origLen`, time (tsSec, tsNsec).
   * direction: DIRECTION_UNKNOWN/IN/OUT (epb_flags); queue: epb_queue or -1 to omit; rssHash: u32 for
   * epb_hash (Toeplitz) or -1 to omit.
   */
  writePacket(ifIndex: number, tsSec: number, tsNsec: number, src: Uint8Array, off: number, capLen: number,
    origLen: number = capLen, direction = 0, queue = -1, rssHash = -1): void {
    const snap = this.ifSnaplen[ifIndex] ?? 0;
    const cap = snap !== 0 && capLen > snap ? snap : capLen;
    this.epbHeader(ifIndex, tsSec, tsNsec, cap, origLen, direction, queue, rssHash);
    this.out.copyIn(src, off, cap);
    this.epbTrailer();
    this.packets++;
  }

  /** Starts an EPB whose `totalLen` data bytes come through appendData (multi-segment mbufs). */
  beginPacket(ifIndex: number, tsSec: number, tsNsec: number, totalLen: number, origLen: number = totalLen,
    direction = 0, queue = -1, rssHash = -1): void {
    const snap = this.ifSnaplen[ifIndex] ?? 0;
    const cap = snap !== 0 && totalLen > snap ? snap : totalLen;
    this.epbHeader(ifIndex, tsSec, tsNsec, cap, origLen, direction, queue, rssHash);
    this.gather.begin(cap, totalLen);
  }

  /** Appends one piece of the current packet; bytes beyond the interface snaplen are dropped. */
  appendData(src: Uint8Array, off: number, len: number): void {
    this.gather.append(src, off, len);
  }

  /** Ends the current packet. Fewer bytes than announced: zero-filled (the file stays valid), then EINVAL. */
  endPacket(): void {
    const short = this.gather.end();
    this.epbTrailer();
    this.packets++;
    this.gather.checkShort(short);
  }

  /** rte_pcapng_write_stats: one ISB for `ifIndex` (dumpcap writes one per interface at exit). */
  writeStats(ifIndex: number, st: PcapngStatsOptions = {}): void {
    if (ifIndex >= this.ifSnaplen.length || ifIndex < 0) throw new TsdpdkError('EINVAL', `${this.path}: interface ${ifIndex} was not added`);
    const le = this.littleEndian;
    const u64 = (code: number, x: bigint | number | undefined, what: string, time: boolean): Opt | null => {
      if (x === undefined) return null;
      const b = BigInt(x);
      if (b < 0n || b >= 1n << 64n) throw new TsdpdkError('EINVAL', `${what} ${x} out of range`);
      const d = new Uint8Array(8);
      const v = new DataView(d.buffer);
      if (time) {
        v.setUint32(0, Number(b >> 32n), le);
        v.setUint32(4, Number(b & 0xffffffffn), le);
      } else {
        v.setBigUint64(0, b, le);
      }
      return { code, data: d };
    };
    const options = [
      st.comment !== undefined ? strOpt(OPT_COMMENT, st.comment, 'comment') : null,
      u64(ISB_STARTTIME, st.startTimeNs, 'isb_starttime', true),
      u64(ISB_ENDTIME, st.endTimeNs, 'isb_endtime', true),
      u64(ISB_IFRECV, st.ifRecv, 'isb_ifrecv', false),
      u64(ISB_IFDROP, st.ifDrop, 'isb_ifdrop', false),
      u64(ISB_FILTERACCEPT, st.filterAccept, 'isb_filteraccept', false),
      u64(ISB_OSDROP, st.osDrop, 'isb_osdrop', false),
      u64(ISB_USRDELIV, st.usrDeliv, 'isb_usrdeliv', false),
    ].filter((o): o is Opt => o !== null);
    const t = st.timeNs ?? nowNs();
    this.controlBlock(PCAPNG_BLOCK_ISB, 12, options, (v, p) => {
      v.setUint32(p, ifIndex, le);
      v.setUint32(p + 4, Number((t >> 32n) & 0xffffffffn), le);
      v.setUint32(p + 8, Number(t & 0xffffffffn), le);
    });
  }

  /** Hands buffered blocks to the kernel. */
  flush(): void {
    this.out.flush();
  }

  /** Flushes and closes; idempotent (rte_pcapng_close). */
  close(): void {
    this.out.close();
  }

  get closed(): boolean {
    return this.out.closed;
  }
}
