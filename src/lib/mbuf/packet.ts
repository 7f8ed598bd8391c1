// An ergonomic control-path wrapper around an mbuf number (tests, tools, examples). It allocates (the
// object, the views), so the data path keeps using the number functions directly.

import { fail } from '../eal/index.js';
import type { Mempool } from '../mempool/index.js';
import { mbufU8 } from './mbuf_views.js';
import * as pm from './pktmbuf.js';

export class Packet {
  /** The mbuf (window offset). */
  readonly m: number;

  constructor(m: number) {
    if (m === 0) fail('EINVAL', 'Packet: mbuf is NULL');
    this.m = m;
  }

  /** A reset mbuf from the pool wrapped, or null when the pool is empty. */
  static alloc(pool: Mempool): Packet | null {
    const m = pm.alloc(pool);
    return m === 0 ? null : new Packet(m);
  }

  /** A packet holding `bytes` (segments chained from the pool when one is not enough). */
  static from(pool: Mempool, bytes: ArrayLike<number>): Packet {
    const p = Packet.alloc(pool);
    if (p === null) fail('ENOBUFS', `Packet.from: mempool '${pool.name}' is empty`);
    try {
      p.append(bytes, pool);
    } catch (e) {
      p.free();
      throw e;
    }
    return p;
  }

  /** The first segment's data as a view over the shared window (writes go to the mbuf). */
  get data(): Uint8Array {
    const u8 = mbufU8();
    const start = pm.mtod(this.m);
    return u8.subarray(start, start + pm.dataLen(this.m));
  }

  get pktLen(): number {
    return pm.pktLen(this.m);
  }

  get dataLen(): number {
    return pm.dataLen(this.m);
  }

  get nbSegs(): number {
    return pm.nbSegs(this.m);
  }

  /**
   * Appends bytes at the end; with `pool`, chains new segments when the last one is full. Throws
   * ENOSPC when they do not fit (and no pool is given), ENOBUFS when the pool is empty.
   */
  append(bytes: ArrayLike<number>, pool?: Mempool): void {
    const u8 = mbufU8();
    let done = 0;
    while (done < bytes.length) {
      const last = pm.lastSeg(this.m);
      let room = pm.tailroom(last);
      if (room === 0) {
        if (!pool) fail('ENOSPC', `Packet.append: ${bytes.length - done} bytes do not fit in mbuf 0x${this.m.toString(16)}`);
        const seg = pm.alloc(pool);
        if (seg === 0) fail('ENOBUFS', `Packet.append: mempool '${pool.name}' is empty`);
        if (pm.chain(this.m, seg) !== 0) {
          pm.free(seg);
          fail('EOVERFLOW', 'Packet.append: too many segments');
        }
        room = pm.tailroom(seg);
      }
      const n = Math.min(room, bytes.length - done);
      const at = pm.append(this.m, n);
      for (let i = 0; i < n; i++) u8[at + i] = bytes[done + i]!;
      done += n;
    }
  }

  /** Prepends bytes in the headroom; throws ENOSPC when it is too small. */
  prepend(bytes: ArrayLike<number>): void {
    const at = pm.prepend(this.m, bytes.length);
    if (at < 0) fail('ENOSPC', `Packet.prepend: ${bytes.length} bytes exceed the headroom (${pm.headroom(this.m)})`);
    const u8 = mbufU8();
    for (let i = 0; i < bytes.length; i++) u8[at + i] = bytes[i]!;
  }

  /** A copy of the whole packet's bytes. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.pktLen);
    pm.readBytes(this.m, 0, out.length, out);
    return out;
  }

  free(): void {
    pm.free(this.m);
  }

  dump(dumpLen = 64): string {
    return pm.dump(this.m, dumpLen);
  }
}
