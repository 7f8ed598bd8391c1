// Classic pcap writer: by default exactly what DPDK net_pcap's tx_pcap= writes (libpcap
// pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, NANO) + pcap_dump): little-endian, ns magic,
// version 2.4, thiszone/sigfigs 0, snaplen 65535, linktype 1, then 16-byte record headers each followed
// by the data, no padding. dpdk-dumpcap -P is the same with snaplen = -s.
//
// Records go into one reused buffer flushed with fs.writeSync when full; a packet longer than the
// buffer is written straight from its source. Nothing is allocated per packet (see file_io.ts for the
// same-ArrayBuffer condition of allocation-free copies). Captured lengths above snaplen are cut to
// snaplen (origLen keeps the wire length), so every record is one libpcap accepts as is.

import { TsdpdkError } from '../eal/errors.js';
import {
  LINKTYPE_ETHERNET, NET_PCAP_SNAPLEN, PCAP_FILE_HEADER_LEN, PCAP_MAGIC_NS, PCAP_MAGIC_US, PCAP_RECORD_HEADER_LEN,
  PCAP_VERSION_MAJOR, PCAP_VERSION_MINOR,
} from './constants.js';
import { FileOutput, type OutputOptions } from './file_io.js';
import { GatherRecord } from './gather_record.js';

export interface PcapWriterOptions extends OutputOptions {
  /** Nanosecond timestamps (magic 0xA1B23C4D); default true like net_pcap. False writes µs. */
  nanosecond?: boolean;
  /** Default 65535 (net_pcap's RTE_ETH_PCAP_SNAPSHOT_LEN). */
  snaplen?: number;
  /** Default 1 (LINKTYPE_ETHERNET). */
  linktype?: number;
  /** Write big-endian (for producing test files; DPDK on x86 writes little-endian). */
  bigEndian?: boolean;
  /** Append records to a file whose header another writer already wrote (another thread's queue). */
  noHeader?: boolean;
}

export class PcapWriter {
  readonly path: string;
  readonly nanosecond: boolean;
  readonly snaplen: number;
  readonly linktype: number;
  readonly littleEndian: boolean;
  /** Records written. */
  packets = 0;

  private readonly out: FileOutput;
  /** The record being assembled by beginPacket/appendData/endPacket. */
  private readonly gather: GatherRecord;

  /** Creates (truncates) `path` and writes the file header. */
  static open(path: string, opts: PcapWriterOptions = {}): PcapWriter {
    return new PcapWriter(path, null, opts);
  }

  /** Writes to an already open descriptor (e.g. 1 for stdout); close() flushes but leaves it open. */
  static fdopen(fd: number, opts: PcapWriterOptions = {}, name = `fd ${fd}`): PcapWriter {
    return new PcapWriter(name, fd, opts);
  }

  private constructor(path: string, fd: number | null, opts: PcapWriterOptions) {
    this.path = path;
    this.nanosecond = opts.nanosecond ?? true;
    this.snaplen = opts.snaplen ?? NET_PCAP_SNAPLEN;
    this.linktype = opts.linktype ?? LINKTYPE_ETHERNET;
    this.littleEndian = !opts.bigEndian;
    if (!Number.isInteger(this.snaplen) || this.snaplen <= 0 || this.snaplen > 0xffffffff) {
      throw new TsdpdkError('EINVAL', `${path}: invalid snaplen ${this.snaplen}`);
    }
    this.out = new FileOutput(path, fd, opts);
    this.gather = new GatherRecord(this.out, path);
    if (opts.noHeader) return;
    const o = this.out;
    const p = o.reserve(PCAP_FILE_HEADER_LEN);
    const v = o.view;
    const le = this.littleEndian;
    v.setUint32(p, this.nanosecond ? PCAP_MAGIC_NS : PCAP_MAGIC_US, le);
    v.setUint16(p + 4, PCAP_VERSION_MAJOR, le);
    v.setUint16(p + 6, PCAP_VERSION_MINOR, le);
    v.setInt32(p + 8, 0, le);
    v.setUint32(p + 12, 0, le);
    v.setUint32(p + 16, this.snaplen, le);
    v.setUint32(p + 20, this.linktype, le);
    o.pos = p + PCAP_FILE_HEADER_LEN;
  }

  /** Bytes written so far (file header included), buffered or not. */
  get size(): number {
    return this.out.size;
  }

  private header(tsSec: number, tsNsec: number, capLen: number, origLen: number): void {
    if (this.gather.active) throw new TsdpdkError('EBUSY', `${this.path}: endPacket() missing before the next packet`);
    if (this.out.closed) throw new TsdpdkError('EBADF', `${this.path}: capture file is closed`);
    const o = this.out;
    const p = o.reserve(PCAP_RECORD_HEADER_LEN);
    const v = o.view;
    const le = this.littleEndian;
    v.setUint32(p, tsSec, le);
    v.setUint32(p + 4, this.nanosecond ? tsNsec : Math.floor(tsNsec / 1000), le);
    v.setUint32(p + 8, capLen, le);
    v.setUint32(p + 12, origLen, le);
    o.pos = p + PCAP_RECORD_HEADER_LEN;
  }

  /**
   * Writes one record: `capLen` bytes of `src` from `off` (cut to snaplen), wire length `origLen`
   * (default capLen). tsNsec is nanoseconds within the second (truncated to µs in a µs file).
   */
  writePacket(tsSec: number, tsNsec: number, src: Uint8Array, off: number, capLen: number, origLen: number = capLen): void {
    const cap = capLen > this.snaplen ? this.snaplen : capLen;
    this.header(tsSec, tsNsec, cap, origLen);
    this.out.copyIn(src, off, cap);
    this.packets++;
  }

  /**
   * Starts a record whose data comes in pieces (a multi-segment mbuf): `totalLen` bytes will follow
   * through appendData (bytes beyond snaplen are dropped), then endPacket().
   */
  beginPacket(tsSec: number, tsNsec: number, totalLen: number, origLen: number = totalLen): void {
    const cap = totalLen > this.snaplen ? this.snaplen : totalLen;
    this.header(tsSec, tsNsec, cap, origLen);
    this.gather.begin(cap, totalLen);
  }

  /** Appends one piece of the current record. */
  appendData(src: Uint8Array, off: number, len: number): void {
    this.gather.append(src, off, len);
  }

  /** Ends the current record. Fewer bytes than announced: zero-filled (the file stays valid), then EINVAL. */
  endPacket(): void {
    const short = this.gather.end();
    this.packets++;
    this.gather.checkShort(short);
  }

  /** Hands buffered records to the kernel (net_pcap flushes after every tx burst). */
  flush(): void {
    this.out.flush();
  }

  /** Flushes and closes; idempotent. */
  close(): void {
    this.out.close();
  }

  get closed(): boolean {
    return this.out.closed;
  }
}
