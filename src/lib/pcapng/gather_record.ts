// The data of one record that arrives in pieces (a multi-segment mbuf), shared by the pcap and pcapng
// writers: bytes past the snaplen are dropped, and the announced length is checked.

import { TsdpdkError } from '../eal/errors.js';
import type { FileOutput } from './file_io.js';

export class GatherRecord {
  /** Between begin() and end(). */
  active = false;
  private take = 0; // captured bytes still to copy
  private missing = 0; // announced bytes not yet appended

  constructor(private readonly out: FileOutput, private readonly path: string) {}

  begin(capLen: number, totalLen: number): void {
    this.take = capLen;
    this.missing = totalLen;
    this.active = true;
  }

  append(src: Uint8Array, off: number, len: number): void {
    if (!this.active) throw new TsdpdkError('EINVAL', `${this.path}: appendData() without beginPacket()`);
    if (len > this.missing) throw new TsdpdkError('EINVAL', `${this.path}: appendData() of ${len} bytes exceeds the ${this.missing} announced`);
    this.missing -= len;
    const n = len < this.take ? len : this.take;
    if (n > 0) {
      this.out.copyIn(src, off, n);
      this.take -= n;
    }
  }

  /** Zero-fills what was not appended (the file stays valid); returns how many bytes were missing. */
  end(): number {
    if (!this.active) throw new TsdpdkError('EINVAL', `${this.path}: endPacket() without beginPacket()`);
    this.active = false;
    const short = this.missing;
    if (this.take > 0) this.out.zero(this.take);
    this.take = 0;
    this.missing = 0;
    return short;
  }

  /** After the record is complete: EINVAL if it was short. */
  checkShort(short: number): void {
    if (short > 0) throw new TsdpdkError('EINVAL', `${this.path}: packet ended ${short} bytes short of its announced length (zero-filled)`);
  }
}
