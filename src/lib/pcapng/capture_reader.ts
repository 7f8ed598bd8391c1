// The pull API shared by the pcap and pcapng readers (what net_pcap's rx side consumes).
//
//   let n;
//   while ((n = r.next()) >= 0) r.copyData(win.u8, mbufDataOff, 0, n);
//   if (r.error) ... // damaged file: reading stopped, like libpcap's pcap_next_ex returning PCAP_ERROR
//
// next() parses one record in place in the chunk buffer and sets the record fields; nothing is
// allocated per packet. The record's bytes stay valid (buffer/dataOffset, copyData) until the next
// call to next(), rewind() or close().

import { TsdpdkError } from '../eal/errors.js';
import { FileInput, type BufferOptions } from './file_io.js';

/** next(): end of file. */
export const READ_EOF = -1;
/** next(): reading stopped at a damaged record (see `error`); later calls return READ_EOF. */
export const READ_ERROR = -2;

/**
 * ioBuffer: the chunk buffer to read into (default a private 1 MiB Buffer); put it in the memory that
 * packets are copied to and copyData needs no allocation; with `memory` (the shared WebAssembly.Memory
 * holding both) it is a Wasm memory.copy. A record larger than the buffer makes the reader switch to a
 * bigger private buffer.
 */
export type ReaderOptions = BufferOptions;

export abstract class CaptureReader {
  readonly path: string;
  abstract readonly format: 'pcap' | 'pcapng';

  /** Seconds since the epoch of the current record (for pcapng, if_tsoffset included). */
  tsSec = 0;
  /** Sub-second part in the file's units: µs or ns for pcap, if_tsresol units for pcapng. */
  tsFrac = 0;
  /** Sub-second part in nanoseconds (0..999999999 for well-formed files). */
  tsNsec = 0;
  /** Bytes of packet data available for this record (what next() returned). */
  capLen = 0;
  /** Length of the packet on the wire. */
  origLen = 0;
  /** pcapng interface id of the record (always 0 for pcap). */
  interfaceId = 0;
  /** Link type of the record's interface (LINKTYPE_*). */
  linktype = 1;
  /** Snapshot length of the record's interface (pcap: header snaplen after libpcap's adjustment). */
  snaplen = 0;
  /** pcapng epb_flags (direction in bits 0-1); 0 when absent and for pcap. */
  flags = 0;
  /** pcapng epb_queue, or -1 when absent. */
  queue = -1;
  /** pcapng Toeplitz epb_hash (u32), or -1 when absent. */
  rssHash = -1;

  /** Records returned since open or the last rewind(). */
  packets = 0;
  /** Why reading stopped early (libpcap's wording, then file and byte offset), or null. */
  error: string | null = null;
  /** File offset of the damaged record, or -1. */
  errorOffset = -1;
  /** Damaged-file stops seen over the reader's life (one per pass; rewind() allows another). */
  errors = 0;
  /** Offset of the current record's data in `buffer`. */
  dataOffset = 0;

  protected readonly input: FileInput;
  /** Bytes of the current record to step over at the next call. */
  protected skip = 0;
  protected failed = false;

  protected constructor(path: string, opts: ReaderOptions) {
    this.path = path;
    this.input = new FileInput(path, opts);
  }

  /** The chunk buffer holding the current record's data at `dataOffset` (valid until next()). */
  get buffer(): Uint8Array {
    return this.input.buf;
  }

  /** File offset of the next unread byte. */
  get fileOffset(): number {
    return this.input.offset + this.skip;
  }

  /** Timestamp in microseconds since the epoch (exact until year ~2255; net_pcap's rx timestamp). */
  get tsUs(): number {
    return this.tsSec * 1e6 + Math.floor(this.tsNsec / 1000);
  }

  /**
   * Moves to the next packet record. Returns its captured length (>= 0), READ_EOF at the end of the
   * file, or READ_ERROR once when the file turns out damaged (truncated or insane record).
   */
  abstract next(): number;

  /** Restarts at the first record (net_pcap's infinite_rx replays the file). Clears `error`. */
  abstract rewind(): void;

  /**
   * Copies `len` bytes starting `srcOff` bytes into the current record to `dst[dstOff]`; clamps to the
   * record and returns the count copied.
   */
  copyData(dst: Uint8Array, dstOff: number, srcOff: number, len: number): number {
    const n = Math.min(len, this.capLen - srcOff);
    if (n <= 0) return 0;
    if (dstOff < 0 || dstOff + n > dst.length || srcOff < 0) {
      throw new RangeError(`copyData: [${dstOff}, ${dstOff + n}) outside destination of ${dst.length} bytes`);
    }
    this.input.copier.copy(this.input.buf, this.input.whole, this.dataOffset + srcOff, dst, dstOff, n);
    return n;
  }

  close(): void {
    this.input.close();
    this.skip = 0;
    this.capLen = 0;
  }

  get closed(): boolean {
    return this.input.closed;
  }

  protected checkOpen(): void {
    if (this.input.closed) throw new TsdpdkError('EBADF', `${this.path}: capture file is closed`);
  }

  protected stop(msg: string, offset: number): number {
    this.failed = true;
    this.error = `${this.path}: ${msg} (at byte offset ${offset}, after ${this.packets} packets)`;
    this.errorOffset = offset;
    this.errors++;
    this.capLen = 0;
    return READ_ERROR;
  }

  protected resetState(): void {
    this.skip = 0;
    this.failed = false;
    this.error = null;
    this.errorOffset = -1;
    this.packets = 0;
    this.capLen = 0;
  }
}
