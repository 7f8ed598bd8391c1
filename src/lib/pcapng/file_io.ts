// Buffered file I/O shared by the capture readers and writers: one large reused chunk buffer, filled
// with fs.readSync (positional, so rewind is a plain reset) or drained with fs.writeSync.
//
// Packet bytes move between the chunk buffer and packet memory without allocation when both live in
// one buffer: with `memory` (the process's shared WebAssembly.Memory holding ioBuffer and the packets)
// a Wasm memory.copy, else a copyWithin on a whole-buffer view (byte-wise, so slow, when source and
// destination are not 8-byte co-aligned in a SharedArrayBuffer). Otherwise Buffer.prototype.copy.

import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { Errno, TsdpdkError, type ErrnoCode } from '../eal/errors.js';
import { loadKernel } from '../eal/wasm_kernel.js';
import { DEFAULT_IO_BUFFER } from './constants.js';

const bufferCopy = Buffer.prototype.copy;

type KernelCopy = (dst: number, src: number, n: number) => void;

/** Wraps a Node fs error into a TsdpdkError naming the file. */
export function sysError(e: unknown, path: string, what: string): TsdpdkError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const name: ErrnoCode = code !== undefined && code in Errno ? (code as ErrnoCode) : 'EIO';
  const msg = e instanceof Error ? e.message : String(e);
  return new TsdpdkError(name, `${path}: ${what}: ${msg}`);
}

export interface BufferOptions {
  /**
   * Chunk buffer to use (default: a private 1 MiB Buffer). Put it where the packets are (a region of the
   * shared Memory) so copies to and from packet memory need no allocation.
   */
  ioBuffer?: Uint8Array;
  /** The WebAssembly.Memory that ioBuffer lies in: packet copies within it use Wasm memory.copy. */
  memory?: WebAssembly.Memory;
}

/** Copies between the chunk buffer and packet memory (never overlapping). */
export class Copier {
  private readonly kcopy: KernelCopy | null = null;
  private readonly kbuf: ArrayBufferLike | null = null;

  constructor(opts: BufferOptions) {
    if (opts.memory !== undefined) {
      if (opts.ioBuffer === undefined || opts.ioBuffer.buffer !== opts.memory.buffer) {
        throw new TsdpdkError('EINVAL', 'ioBuffer must be a view of the given memory');
      }
      const k = loadKernel<{ copy: KernelCopy }>(new URL('./pcapng_kernels.wasm', import.meta.url), opts.memory);
      this.kcopy = k.copy;
      this.kbuf = opts.memory.buffer;
    }
  }

  // The .buffer getter of Wasm-memory-backed arrays goes through V8's runtime: decide once per
  // (src, dst) pair, not per packet.
  private lastSrc: Uint8Array | null = null;
  private lastDst: Uint8Array | null = null;
  private lastMode = 0; // 1 Wasm copy, 2 copyWithin in one buffer, 3 across buffers

  /** dst[dstOff..+len) = src[srcOff..+len); `whole` views all of src.buffer. */
  copy(src: Uint8Array, whole: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number, len: number): void {
    let mode = this.lastMode;
    if (src !== this.lastSrc || dst !== this.lastDst) {
      const sb = src.buffer;
      mode = sb === dst.buffer ? (sb === this.kbuf ? 1 : 2) : 3;
      this.lastSrc = src;
      this.lastDst = dst;
      this.lastMode = mode;
    }
    if (mode === 1) {
      this.kcopy!(dst.byteOffset + dstOff, src.byteOffset + srcOff, len);
    } else if (mode === 2) {
      const s = src.byteOffset + srcOff;
      whole.copyWithin(dst.byteOffset + dstOff, s, s + len);
    } else {
      bufferCopy.call(src, dst, dstOff, srcOff, srcOff + len);
    }
  }
}

function checkIoBuffer(b: Uint8Array | undefined, min: number): Uint8Array {
  if (b === undefined) return Buffer.allocUnsafe(DEFAULT_IO_BUFFER);
  if (b.byteLength < min) throw new TsdpdkError('EINVAL', `I/O buffer of ${b.byteLength} bytes is smaller than ${min}`);
  return b;
}

/** Positional chunked reader: `buf[pos..end)` holds file bytes `[base+pos, base+end)`. */
export class FileInput {
  readonly path: string;
  private fd: number;
  buf: Uint8Array;
  /** View of all of buf.buffer, for allocation-free copyWithin. */
  whole: Uint8Array;
  view: DataView;
  pos = 0;
  end = 0;
  base = 0;

  readonly copier: Copier;

  constructor(path: string, opts: BufferOptions = {}) {
    this.path = path;
    this.copier = new Copier(opts);
    this.buf = checkIoBuffer(opts.ioBuffer, 4096);
    this.whole = new Uint8Array(this.buf.buffer);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    try {
      this.fd = openSync(path, 'r');
    } catch (e) {
      throw sysError(e, path, 'cannot open capture file');
    }
  }

  /** File offset of buf[pos]. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Makes `n` bytes from pos available; returns how many are (fewer only at end of file). */
  need(n: number): number {
    const have = this.end - this.pos;
    return have >= n ? have : this.fill(n);
  }

  private fill(n: number): number {
    if (this.fd < 0) throw new TsdpdkError('EBADF', `${this.path}: capture file is closed`);
    if (this.pos + n > this.buf.byteLength) {
      // Grown only for a record bigger than the chunk (rare); the new buffer is process-private.
      if (n > this.buf.byteLength) this.grow(n);
      else this.compact();
    }
    while (this.end - this.pos < n) {
      let r: number;
      try {
        r = readSync(this.fd, this.buf, this.end, this.buf.byteLength - this.end, this.base + this.end);
      } catch (e) {
        throw sysError(e, this.path, 'read failed');
      }
      if (r === 0) break;
      this.end += r;
    }
    return this.end - this.pos;
  }

  private compact(): void {
    this.buf.copyWithin(0, this.pos, this.end);
    this.base += this.pos;
    this.end -= this.pos;
    this.pos = 0;
  }

  private grow(n: number): void {
    const nb = Buffer.allocUnsafe(Math.max(n, this.buf.byteLength * 2));
    nb.set(this.buf.subarray(this.pos, this.end));
    this.base += this.pos;
    this.end -= this.pos;
    this.pos = 0;
    this.buf = nb;
    this.whole = new Uint8Array(nb.buffer);
    this.view = new DataView(nb.buffer, nb.byteOffset, nb.byteLength);
  }

  /** Restarts reading at file offset `off`. */
  seek(off: number): void {
    this.base = off;
    this.pos = 0;
    this.end = 0;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.pos = 0;
    this.end = 0;
  }

  get closed(): boolean {
    return this.fd < 0;
  }
}

export interface OutputOptions extends BufferOptions {
  /** File mode for a created file (default 0o644). */
  mode?: number;
}

/** Buffered writer: bytes accumulate in buf[0..pos) and go out with fs.writeSync when it fills. */
export class FileOutput {
  readonly path: string;
  private fd: number;
  private readonly ownsFd: boolean;
  buf: Uint8Array;
  whole: Uint8Array;
  view: DataView;
  pos = 0;
  /** Bytes handed to the kernel so far. */
  flushed = 0;
  private readonly copier: Copier;

  constructor(path: string, fd: number | null, opts: OutputOptions = {}) {
    this.path = path;
    this.copier = new Copier(opts);
    this.buf = checkIoBuffer(opts.ioBuffer, 4096);
    this.whole = new Uint8Array(this.buf.buffer);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    if (fd !== null) {
      this.fd = fd;
      this.ownsFd = false;
    } else {
      try {
        this.fd = openSync(path, 'w', opts.mode ?? 0o644);
      } catch (e) {
        throw sysError(e, path, 'cannot create capture file');
      }
      this.ownsFd = true;
    }
  }

  /** Bytes written so far, buffered or not. */
  get size(): number {
    return this.flushed + this.pos;
  }

  /** Makes room for `n` contiguous bytes at pos (n must fit the buffer); returns pos. */
  reserve(n: number): number {
    if (this.pos + n > this.buf.byteLength) {
      this.flush();
      if (n > this.buf.byteLength) throw new TsdpdkError('E2BIG', `${this.path}: ${n}-byte header exceeds the I/O buffer`);
    }
    return this.pos;
  }

  /** Appends `len` bytes of src; too-large chunks bypass the buffer. */
  copyIn(src: Uint8Array, off: number, len: number): void {
    if (this.pos + len > this.buf.byteLength) {
      this.flush();
      if (len > this.buf.byteLength) {
        this.writeAll(src, off, len);
        return;
      }
    }
    this.copier.copy(src, this.whole, off, this.buf, this.pos, len);
    this.pos += len;
  }

  /** Appends n zero bytes (n < 4 for padding; any n works). */
  zero(n: number): void {
    while (n > 0) {
      const at = this.reserve(1);
      const k = Math.min(n, this.buf.byteLength - at);
      this.buf.fill(0, at, at + k);
      this.pos += k;
      n -= k;
    }
  }

  private writeAll(src: Uint8Array, off: number, len: number): void {
    if (this.fd < 0) throw new TsdpdkError('EBADF', `${this.path}: capture file is closed`);
    while (len > 0) {
      let w: number;
      try {
        w = writeSync(this.fd, src, off, len);
      } catch (e) {
        throw sysError(e, this.path, 'write failed');
      }
      off += w;
      len -= w;
      this.flushed += w;
    }
  }

  flush(): void {
    if (this.pos > 0) {
      const n = this.pos;
      this.pos = 0;
      this.writeAll(this.buf, 0, n);
    }
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      this.flush();
    } finally {
      if (this.ownsFd) closeSync(this.fd);
      this.fd = -1;
    }
  }

  get closed(): boolean {
    return this.fd < 0;
  }
}
