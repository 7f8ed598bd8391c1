// Classic pcap reader with libpcap's (sf-pcap.c, 1.10) acceptance rules, which is what DPDK's net_pcap
// rx_pcap= sees through pcap_open_offline/pcap_next_ex:
// * magic 0xA1B2C3D4 (µs) or 0xA1B23C4D (ns), either byte order; anything else: "unknown file format".
// * version 2.0-2.4 (and DG/UX's 543.0); 2.0-2.2 and 543.0 have caplen/len swapped, 2.3 maybe.
// * header snaplen 0 or above 262144 reads as 262144 (pcap_adjust_snapshot).
// * a record with caplen > 262144 is a damaged file ("invalid packet capture length ..."); one with
//   snaplen < caplen <= 262144 is NOT an error: the first snaplen bytes are delivered, the rest skipped,
//   and capLen = snaplen (counted in `clipped`).
// * a partial record header or data at the end: "truncated dump file; tried to read ..."; net_pcap
//   counts one rx error (err_pkts) and stops receiving. Here next() returns READ_ERROR once, `error`
//   holds the message, then READ_EOF.
// A bad global header throws TsdpdkError('EINVAL') naming the file and byte offset.

import { TsdpdkError } from '../eal/errors.js';
import { CaptureReader, READ_EOF, type ReaderOptions } from './capture_reader.js';
import { MAX_SNAPLEN, PCAP_FILE_HEADER_LEN, PCAP_MAGIC_NS, PCAP_MAGIC_US, PCAP_RECORD_HEADER_LEN } from './constants.js';

const SWAP_NO = 0;
const SWAP_YES = 1;
const SWAP_MAYBE = 2;

export class PcapReader extends CaptureReader {
  readonly format = 'pcap' as const;
  /** Timestamps are nanoseconds (magic 0xA1B23C4D) rather than microseconds. */
  readonly nanosecond: boolean;
  /** The file was written little-endian. */
  readonly littleEndian: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  /** snaplen as stored in the header (`snaplen` is the adjusted value libpcap uses). */
  readonly fileSnaplen: number;
  /** Upper 6 bits of the header's link type field (FCS information), usually 0. */
  readonly linktypeExt: number;
  /** Records longer than snaplen that were cut to snaplen. */
  clipped = 0;

  private readonly swapLengths: number;

  static open(path: string, opts: ReaderOptions = {}): PcapReader {
    return new PcapReader(path, opts);
  }

  private constructor(path: string, opts: ReaderOptions) {
    super(path, opts);
    try {
      const inp = this.input;
      const got = inp.need(PCAP_FILE_HEADER_LEN);
      const bad = (off: number, msg: string) => new TsdpdkError('EINVAL', `${path}: bad pcap file header at byte offset ${off}: ${msg}`);
      if (got < 4) throw bad(got, `truncated dump file; tried to read 4 file header bytes, only got ${got}`);
      const v = inp.view;
      let le: boolean;
      const m = v.getUint32(0, true);
      if (m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS) le = true;
      else if (v.getUint32(0, false) === PCAP_MAGIC_US || v.getUint32(0, false) === PCAP_MAGIC_NS) le = false;
      else throw bad(0, `unknown file format (magic 0x${m.toString(16).padStart(8, '0')} read little-endian)`);
      if (got < PCAP_FILE_HEADER_LEN) {
        throw bad(got, `truncated dump file; tried to read ${PCAP_FILE_HEADER_LEN} file header bytes, only got ${got}`);
      }
      this.littleEndian = le;
      this.nanosecond = v.getUint32(0, le) === PCAP_MAGIC_NS;
      this.versionMajor = v.getUint16(4, le);
      this.versionMinor = v.getUint16(6, le);
      if (this.versionMajor < 2) throw bad(4, 'archaic pcap savefile format');
      if (!((this.versionMajor === 2 && this.versionMinor <= 4) || (this.versionMajor === 543 && this.versionMinor === 0))) {
        throw bad(4, `unsupported pcap savefile version ${this.versionMajor}.${this.versionMinor}`);
      }
      this.swapLengths = this.versionMajor === 543 || this.versionMinor < 3 ? SWAP_YES : this.versionMinor === 3 ? SWAP_MAYBE : SWAP_NO;
      this.fileSnaplen = v.getUint32(16, le);
      this.snaplen = this.fileSnaplen === 0 || this.fileSnaplen > MAX_SNAPLEN ? MAX_SNAPLEN : this.fileSnaplen;
      const lt = v.getUint32(20, le);
      this.linktype = lt & 0x03ffffff;
      this.linktypeExt = (lt & 0xfc000000) >>> 0;
      inp.pos = PCAP_FILE_HEADER_LEN;
    } catch (e) {
      this.input.close();
      throw e;
    }
  }

  next(): number {
    const inp = this.input;
    inp.pos += this.skip;
    this.skip = 0;
    if (this.failed) return READ_EOF;
    let avail = inp.end - inp.pos;
    if (avail < PCAP_RECORD_HEADER_LEN) {
      this.checkOpen();
      avail = inp.need(PCAP_RECORD_HEADER_LEN);
      if (avail === 0) {
        this.capLen = 0;
        return READ_EOF;
      }
      if (avail < PCAP_RECORD_HEADER_LEN) {
        return this.stop(`truncated dump file; tried to read ${PCAP_RECORD_HEADER_LEN} header bytes, only got ${avail}`, inp.offset);
      }
    }
    const v = inp.view;
    const p = inp.pos;
    const le = this.littleEndian;
    const sec = v.getUint32(p, le);
    const frac = v.getUint32(p + 4, le);
    let cap = v.getUint32(p + 8, le);
    let orig = v.getUint32(p + 12, le);
    if (this.swapLengths !== SWAP_NO && (this.swapLengths === SWAP_YES || cap > orig)) {
      const t = cap;
      cap = orig;
      orig = t;
    }
    if (cap > MAX_SNAPLEN) {
      return this.stop(
        cap > this.snaplen
          ? `invalid packet capture length ${cap}, bigger than snaplen of ${this.snaplen}`
          : `invalid packet capture length ${cap}, bigger than maximum of ${MAX_SNAPLEN}`,
        inp.offset,
      );
    }
    const recLen = PCAP_RECORD_HEADER_LEN + cap;
    if (avail < recLen) {
      avail = inp.need(recLen);
      if (avail < recLen) {
        const got = avail - PCAP_RECORD_HEADER_LEN;
        // libpcap's wording: a clipped record reports the snaplen read first, then the whole caplen.
        const tried = cap > this.snaplen && got < this.snaplen ? this.snaplen : cap;
        return this.stop(`truncated dump file; tried to read ${tried} captured bytes, only got ${got}`, inp.offset);
      }
    }
    if (cap > this.snaplen) {
      this.clipped++;
      this.capLen = this.snaplen;
    } else {
      this.capLen = cap;
    }
    this.tsSec = sec;
    this.tsFrac = frac;
    this.tsNsec = this.nanosecond ? frac : frac * 1000;
    this.origLen = orig;
    this.dataOffset = inp.pos + PCAP_RECORD_HEADER_LEN;
    this.skip = recLen;
    this.packets++;
    return this.capLen;
  }

  rewind(): void {
    this.checkOpen();
    this.input.seek(PCAP_FILE_HEADER_LEN);
    this.resetState();
  }
}
