// pcapng reader: enough to verify our own files and read what tcpdump, tshark/dumpcap, text2pcap and
// dpdk-dumpcap write. Sections in either byte order (a new SHB may switch it and restarts the interface
// list), IDB (link type, snaplen, name, description, if_tsresol, if_tsoffset, ...), EPB with
// epb_flags/epb_queue/epb_hash, SPB, the obsolete PB, ISB (kept per interface); other blocks are
// skipped. The pull API is CaptureReader's.
//
// Damage after the first SHB stops reading with `error` set (libpcap's sf-pcapng.c wording where it has
// one): a partial block, a block length that is not a multiple of 4, below the minimum, above 16 MiB or
// not repeated in the trailer, a packet on an undeclared interface, captured data overrunning the block,
// or caplen above 262144. A damaged or missing first SHB throws TsdpdkError('EINVAL').
// isb_starttime/isb_endtime are read as the spec's high-then-low u32 pair (as Wireshark does); files
// from DPDK 22.11's dpdk-dumpcap hold a host-order u64 of CLOCK_MONOTONIC there, which no reader can
// turn into a wall-clock time.

import { TsdpdkError } from '../eal/errors.js';
import { CaptureReader, READ_EOF, type ReaderOptions } from './capture_reader.js';
import {
  EPB_FLAGS, EPB_HASH, EPB_QUEUE, HASH_TOEPLITZ, IF_DESCRIPTION, IF_FCSLEN, IF_FILTER, IF_HARDWARE, IF_MACADDR,
  IF_NAME, IF_OS, IF_SPEED, IF_TSOFFSET, IF_TSRESOL, ISB_ENDTIME, ISB_FILTERACCEPT, ISB_IFDROP, ISB_IFRECV,
  ISB_OSDROP, ISB_STARTTIME, ISB_USRDELIV, MAX_SNAPLEN, OPT_COMMENT, OPT_ENDOFOPT, PCAPNG_BLOCK_EPB,
  PCAPNG_BLOCK_IDB, PCAPNG_BLOCK_ISB, PCAPNG_BLOCK_PB, PCAPNG_BLOCK_SHB, PCAPNG_BLOCK_SPB, PCAPNG_BYTE_ORDER_MAGIC,
  PCAPNG_MAX_BLOCK, SHB_HARDWARE, SHB_OS, SHB_USERAPPL,
} from './constants.js';
import { TsResolution, TSRESOL_US, tsScratch } from './timestamp.js';

export interface PcapngSection {
  /** File offset of the SHB. */
  offset: number;
  littleEndian: boolean;
  versionMajor: number;
  versionMinor: number;
  hardware?: string;
  os?: string;
  userAppl?: string;
  comments: string[];
}

/** One Interface Statistics Block. Times are nanoseconds since the epoch. */
export interface PcapngStats {
  /** The ISB's own timestamp. */
  timeNs: bigint;
  startTimeNs?: bigint;
  endTimeNs?: bigint;
  ifRecv?: bigint;
  ifDrop?: bigint;
  filterAccept?: bigint;
  osDrop?: bigint;
  usrDeliv?: bigint;
  comments: string[];
}

export interface PcapngInterface {
  /** Interface id within its section (EPB interface_id). */
  id: number;
  linktype: number;
  /** IDB snaplen field; 0 means no limit (what DPDK writes). */
  snaplen: number;
  name?: string;
  description?: string;
  hardware?: string;
  os?: string;
  /** if_filter when it is a filter string (first octet 0). */
  filter?: string;
  /** if_MACaddr as aa:bb:cc:dd:ee:ff. */
  macAddr?: string;
  /** if_speed in bit/s. */
  speed?: bigint;
  /** if_tsresol byte (6 when absent). */
  tsresol: number;
  /** if_tsoffset in seconds (0 when absent). */
  tsoffset: number;
  fcslen?: number;
  comments: string[];
  /** Interface Statistics Blocks read so far for this interface, in file order. */
  stats: PcapngStats[];
}

const decoder = new TextDecoder('utf-8');

const pad4 = (n: number) => (n + 3) & ~3;

export class PcapngReader extends CaptureReader {
  readonly format = 'pcapng' as const;
  /** Sections read so far (a file usually has one). */
  readonly sections: PcapngSection[] = [];
  /** Interfaces of the current section, indexed by interface id. */
  interfaces: PcapngInterface[] = [];
  /** Byte order of the current section. */
  littleEndian = true;
  /** Blocks stepped over because their type is not read here (NRB, DSB, custom, ...). */
  skippedBlocks = 0;

  private ifRes: TsResolution[] = [];

  static open(path: string, opts: ReaderOptions = {}): PcapngReader {
    return new PcapngReader(path, opts);
  }

  private constructor(path: string, opts: ReaderOptions) {
    super(path, opts);
    try {
      this.readFirstSection();
    } catch (e) {
      this.input.close();
      throw e;
    }
  }

  /** Section header of the current section. */
  get section(): PcapngSection {
    return this.sections[this.sections.length - 1]!;
  }

  private readFirstSection(): void {
    const inp = this.input;
    const bad = (off: number, msg: string) => new TsdpdkError('EINVAL', `${this.path}: bad pcapng section header at byte offset ${off}: ${msg}`);
    const got = inp.need(12);
    if (got < 12) throw bad(got, `truncated pcapng dump file; tried to read 12 bytes, only got ${got}`);
    if (inp.view.getUint32(0, true) !== PCAPNG_BLOCK_SHB) throw bad(0, 'not a pcapng file (first block is not a Section Header Block)');
    const msg = this.parseShb();
    if (msg !== null) throw bad(0, msg);
    // Read the IDBs that follow so linktype/snaplen/interfaces are known before the first packet.
    for (;;) {
      if (inp.need(8) < 8) break;
      const type = inp.view.getUint32(inp.pos, this.littleEndian);
      const len = inp.view.getUint32(inp.pos + 4, this.littleEndian);
      if (type !== PCAPNG_BLOCK_IDB || len < 20 || len % 4 !== 0 || len > PCAPNG_MAX_BLOCK || inp.need(len) < len) break;
      if (inp.view.getUint32(inp.pos + len - 4, this.littleEndian) !== len) break;
      this.parseIdb(inp.pos, len);
      inp.pos += len;
    }
    this.setRecordInterface(0);
  }

  /** Parses the SHB at pos and advances past it; returns an error message or null. */
  private parseShb(): string | null {
    const inp = this.input;
    const start = inp.offset;
    let got = inp.need(12);
    if (got < 12) return `truncated pcapng dump file; tried to read 12 bytes, only got ${got}`;
    const v = inp.view;
    const p = inp.pos;
    let le: boolean;
    if (v.getUint32(p + 8, true) === PCAPNG_BYTE_ORDER_MAGIC) le = true;
    else if (v.getUint32(p + 8, false) === PCAPNG_BYTE_ORDER_MAGIC) le = false;
    else return `unknown byte-order magic 0x${v.getUint32(p + 8, false).toString(16).padStart(8, '0')}`;
    const len = v.getUint32(p + 4, le);
    if (len < 28) return `Section Header Block in pcapng dump file has a length of ${len} < 28`;
    if (len % 4 !== 0) return `block in pcapng dump file has a length of ${len} that is not a multiple of 4`;
    if (len > PCAPNG_MAX_BLOCK) return `pcapng block size ${len} > maximum ${PCAPNG_MAX_BLOCK}`;
    got = inp.need(len);
    if (got < len) return `truncated pcapng dump file; tried to read ${len} bytes, only got ${got}`;
    const w = inp.view;
    const q = inp.pos;
    if (w.getUint32(q + len - 4, le) !== len) return `block trailer length ${w.getUint32(q + len - 4, le)} differs from header length ${len}`;
    const major = w.getUint16(q + 12, le);
    const minor = w.getUint16(q + 14, le);
    if (major !== 1) return `unsupported pcapng savefile version ${major}.${minor}`;
    const sec: PcapngSection = { offset: start, littleEndian: le, versionMajor: major, versionMinor: minor, comments: [] };
    this.forOptions(q + 24, q + len - 4, le, (code, o, n) => {
      if (code === OPT_COMMENT) sec.comments.push(this.str(o, n));
      else if (code === SHB_HARDWARE) sec.hardware = this.str(o, n);
      else if (code === SHB_OS) sec.os = this.str(o, n);
      else if (code === SHB_USERAPPL) sec.userAppl = this.str(o, n);
    });
    this.littleEndian = le;
    this.sections.push(sec);
    this.interfaces = [];
    this.ifRes = [];
    inp.pos += len;
    return null;
  }

  private str(off: number, len: number): string {
    let end = off + len;
    const b = this.input.buf;
    while (end > off && b[end - 1] === 0) end--;
    return decoder.decode(b.subarray(off, end));
  }

  /** Calls fn(code, valueOffset, valueLength) for each option in [off, end) until opt_endofopt. */
  private forOptions(off: number, end: number, le: boolean, fn: (code: number, o: number, n: number) => void): void {
    const v = this.input.view;
    while (off + 4 <= end) {
      const code = v.getUint16(off, le);
      const n = v.getUint16(off + 2, le);
      if (code === OPT_ENDOFOPT || off + 4 + n > end) break;
      fn(code, off + 4, n);
      off += 4 + pad4(n);
    }
  }

  private parseIdb(p: number, len: number): void {
    const v = this.input.view;
    const le = this.littleEndian;
    const itf: PcapngInterface = {
      id: this.interfaces.length,
      linktype: v.getUint16(p + 8, le),
      snaplen: v.getUint32(p + 12, le),
      tsresol: 6,
      tsoffset: 0,
      comments: [],
      stats: [],
    };
    this.forOptions(p + 16, p + len - 4, le, (code, o, n) => {
      switch (code) {
        case OPT_COMMENT: itf.comments.push(this.str(o, n)); break;
        case IF_NAME: itf.name = this.str(o, n); break;
        case IF_DESCRIPTION: itf.description = this.str(o, n); break;
        case IF_HARDWARE: itf.hardware = this.str(o, n); break;
        case IF_OS: itf.os = this.str(o, n); break;
        case IF_FILTER: if (n >= 1 && this.input.buf[o] === 0) itf.filter = this.str(o + 1, n - 1); break;
        case IF_TSRESOL: if (n >= 1) itf.tsresol = this.input.buf[o]!; break;
        case IF_FCSLEN: if (n >= 1) itf.fcslen = this.input.buf[o]!; break;
        case IF_TSOFFSET: if (n >= 8) itf.tsoffset = Number(v.getBigInt64(o, le)); break;
        case IF_SPEED: if (n >= 8) itf.speed = v.getBigUint64(o, le); break;
        case IF_MACADDR:
          if (n >= 6) itf.macAddr = Array.from(this.input.buf.subarray(o, o + 6), (x) => x.toString(16).padStart(2, '0')).join(':');
          break;
      }
    });
    this.interfaces.push(itf);
    this.ifRes.push(itf.tsresol === 6 ? TSRESOL_US : new TsResolution(itf.tsresol));
  }

  private parseIsb(p: number, len: number): void {
    const v = this.input.view;
    const le = this.littleEndian;
    const id = v.getUint32(p + 8, le);
    const itf = this.interfaces[id];
    if (itf === undefined) return;
    const res = this.ifRes[id]!;
    const toNs = (hi: number, lo: number): bigint =>
      (((BigInt(hi) << 32n) | BigInt(lo)) * 1_000_000_000n) / BigInt(res.unitsPerSec) + BigInt(itf.tsoffset) * 1_000_000_000n;
    const st: PcapngStats = { timeNs: toNs(v.getUint32(p + 12, le), v.getUint32(p + 16, le)), comments: [] };
    this.forOptions(p + 20, p + len - 4, le, (code, o, n) => {
      if (code === OPT_COMMENT) {
        st.comments.push(this.str(o, n));
        return;
      }
      if (n < 8) return;
      switch (code) {
        case ISB_STARTTIME: st.startTimeNs = toNs(v.getUint32(o, le), v.getUint32(o + 4, le)); break;
        case ISB_ENDTIME: st.endTimeNs = toNs(v.getUint32(o, le), v.getUint32(o + 4, le)); break;
        case ISB_IFRECV: st.ifRecv = v.getBigUint64(o, le); break;
        case ISB_IFDROP: st.ifDrop = v.getBigUint64(o, le); break;
        case ISB_FILTERACCEPT: st.filterAccept = v.getBigUint64(o, le); break;
        case ISB_OSDROP: st.osDrop = v.getBigUint64(o, le); break;
        case ISB_USRDELIV: st.usrDeliv = v.getBigUint64(o, le); break;
      }
    });
    itf.stats.push(st);
  }

  private setRecordInterface(id: number): void {
    const itf = this.interfaces[id];
    this.interfaceId = id;
    this.linktype = itf ? itf.linktype : 1;
    this.snaplen = itf ? itf.snaplen : 0;
  }

  next(): number {
    const inp = this.input;
    inp.pos += this.skip;
    this.skip = 0;
    if (this.failed) return READ_EOF;
    for (;;) {
      let avail = inp.end - inp.pos;
      if (avail < 8) {
        this.checkOpen();
        avail = inp.need(8);
        if (avail === 0) {
          this.capLen = 0;
          return READ_EOF;
        }
        if (avail < 8) return this.stop(`truncated pcapng dump file; tried to read 8 bytes, only got ${avail}`, inp.offset);
      }
      let v = inp.view;
      let p = inp.pos;
      const le = this.littleEndian;
      const type = v.getUint32(p, le);
      if (type === PCAPNG_BLOCK_SHB) {
        const msg = this.parseShb();
        if (msg !== null) return this.stop(msg, inp.offset);
        this.setRecordInterface(0);
        continue;
      }
      const len = v.getUint32(p + 4, le);
      if (len < 12) return this.stop(`block in pcapng dump file has a length of ${len} < 12`, inp.offset);
      if (len % 4 !== 0) return this.stop(`block in pcapng dump file has a length of ${len} that is not a multiple of 4`, inp.offset);
      if (len > PCAPNG_MAX_BLOCK) return this.stop(`pcapng block size ${len} > maximum ${PCAPNG_MAX_BLOCK}`, inp.offset);
      if (avail < len) {
        avail = inp.need(len);
        if (avail < len) return this.stop(`truncated pcapng dump file; tried to read ${len} bytes, only got ${avail}`, inp.offset);
        v = inp.view;
        p = inp.pos;
      }
      const trailer = v.getUint32(p + len - 4, le);
      if (trailer !== len) return this.stop(`block trailer length ${trailer} differs from header length ${len}`, inp.offset);

      if (type === PCAPNG_BLOCK_EPB || type === PCAPNG_BLOCK_PB) {
        if (len < 32) return this.stop(`${type === PCAPNG_BLOCK_EPB ? 'Enhanced' : ''} Packet Block in pcapng dump file has a length of ${len} < 32`, inp.offset);
        const id = type === PCAPNG_BLOCK_EPB ? v.getUint32(p + 8, le) : v.getUint16(p + 8, le);
        const cap = v.getUint32(p + 20, le);
        if (id >= this.interfaces.length) {
          return this.stop(`a packet arrived on interface ${id}, but there's no Interface Description Block for that interface`, inp.offset);
        }
        if (cap > MAX_SNAPLEN) return this.stop(`invalid packet capture length ${cap}, bigger than maximum of ${MAX_SNAPLEN}`, inp.offset);
        if (28 + cap > len - 4) return this.stop(`block total length ${len} is too small for ${cap} bytes of packet data`, inp.offset);
        const res = this.ifRes[id]!;
        res.split(v.getUint32(p + 12, le), v.getUint32(p + 16, le));
        this.tsSec = tsScratch[0]! + this.interfaces[id]!.tsoffset;
        this.tsFrac = tsScratch[1]!;
        this.tsNsec = res.fracToNs(this.tsFrac);
        this.capLen = cap;
        this.origLen = v.getUint32(p + 24, le);
        this.dataOffset = p + 28;
        if (this.interfaceId !== id) this.setRecordInterface(id);
        this.flags = 0;
        this.queue = -1;
        this.rssHash = -1;
        this.packetOptions(p + 28 + pad4(cap), p + len - 4, le, type === PCAPNG_BLOCK_PB);
      } else if (type === PCAPNG_BLOCK_SPB) {
        if (len < 16) return this.stop(`Simple Packet Block in pcapng dump file has a length of ${len} < 16`, inp.offset);
        if (this.interfaces.length === 0) {
          return this.stop(`a packet arrived on interface 0, but there's no Interface Description Block for that interface`, inp.offset);
        }
        // SPB data length is min(original length, interface snaplen, room in the block).
        const orig = v.getUint32(p + 8, le);
        const snap = this.interfaces[0]!.snaplen;
        let cap = Math.min(orig, len - 16);
        if (snap !== 0 && cap > snap) cap = snap;
        if (cap > MAX_SNAPLEN) return this.stop(`invalid packet capture length ${cap}, bigger than maximum of ${MAX_SNAPLEN}`, inp.offset);
        this.tsSec = 0;
        this.tsFrac = 0;
        this.tsNsec = 0;
        this.capLen = cap;
        this.origLen = orig;
        this.dataOffset = p + 12;
        if (this.interfaceId !== 0) this.setRecordInterface(0);
        this.flags = 0;
        this.queue = -1;
        this.rssHash = -1;
      } else {
        if (type === PCAPNG_BLOCK_IDB) {
          if (len < 20) return this.stop(`Interface Description Block in pcapng dump file has a length of ${len} < 20`, inp.offset);
          this.parseIdb(p, len);
          if (this.interfaces.length === 1) this.setRecordInterface(0);
        } else if (type === PCAPNG_BLOCK_ISB) {
          if (len < 24) return this.stop(`Interface Statistics Block in pcapng dump file has a length of ${len} < 24`, inp.offset);
          this.parseIsb(p, len);
        } else {
          this.skippedBlocks++;
        }
        inp.pos += len;
        continue;
      }
      this.skip = len;
      this.packets++;
      return this.capLen;
    }
  }

  /** EPB options on the per-packet path: plain loop, no closures. */
  private packetOptions(off: number, end: number, le: boolean, obsolete: boolean): void {
    const v = this.input.view;
    while (off + 4 <= end) {
      const code = v.getUint16(off, le);
      const n = v.getUint16(off + 2, le);
      if (code === OPT_ENDOFOPT || off + 4 + n > end) return;
      // The obsolete PB has pack_flags (2) and pack_hash (3) at the same codes as EPB.
      if (code === EPB_FLAGS && n >= 4) this.flags = v.getUint32(off + 4, le);
      else if (code === EPB_QUEUE && n >= 4 && !obsolete) this.queue = v.getUint32(off + 4, le);
      else if (code === EPB_HASH && n === 5 && this.input.buf[off + 4] === HASH_TOEPLITZ) this.rssHash = v.getUint32(off + 5, le);
      off += 4 + pad4(n);
    }
  }

  rewind(): void {
    this.checkOpen();
    this.input.seek(0);
    this.resetState();
    this.sections.length = 0;
    this.readFirstSection();
  }
}
