// The ring mempool drivers (drivers/mempool/ring): free objects in a ring named MP_<pool> (memzone
// RG_MP_<pool>) of align32pow2(size + 1) slots. DPDK's ring_mp_mc etc. call the mp_/sp_/mc_/sc_ ring
// functions explicitly; here the ring is created with the matching sync flags instead, which selects
// the same code.

import {
  Ring, RING_F_MC_HTS_DEQ, RING_F_MC_RTS_DEQ, RING_F_MP_HTS_ENQ, RING_F_MP_RTS_ENQ, RING_F_SC_DEQ, RING_F_SP_ENQ,
} from '../ring/index.js';
import { registerOps, type MempoolBackend, type MempoolOps } from './mempool_ops.js';

const ENOBUFS = 105;
const ENOENT = 2;

function align32pow2(x: number): number {
  let v = x - 1;
  v |= v >>> 1;
  v |= v >>> 2;
  v |= v >>> 4;
  v |= v >>> 8;
  v |= v >>> 16;
  return (v + 1) >>> 0;
}

class RingBackend implements MempoolBackend {
  private readonly r: Ring;
  constructor(r: Ring) {
    this.r = r;
  }
  enqueue(addr: number, n: number): number {
    return n === 0 || this.r.enqueueBulkAt(addr, n) === n ? 0 : -ENOBUFS;
  }
  dequeue(addr: number, n: number): number {
    return n === 0 || this.r.dequeueBulkAt(addr, n) === n ? 0 : -ENOENT;
  }
  count(): number {
    return this.r.count();
  }
}

function ringOps(name: string, ringFlags: number): MempoolOps {
  return {
    name,
    alloc(poolName, size, socketId) {
      return Ring.create(`MP_${poolName}`, align32pow2(size + 1), socketId, ringFlags).offset;
    },
    attach(offset) {
      return new RingBackend(Ring.attach(offset));
    },
    free(offset) {
      Ring.attach(offset).free();
    },
  };
}

export function registerRingOps(): void {
  registerOps(ringOps('ring_mp_mc', 0));
  registerOps(ringOps('ring_sp_sc', RING_F_SP_ENQ | RING_F_SC_DEQ));
  registerOps(ringOps('ring_mp_sc', RING_F_SC_DEQ));
  registerOps(ringOps('ring_sp_mc', RING_F_SP_ENQ));
  registerOps(ringOps('ring_mt_rts', RING_F_MP_RTS_ENQ | RING_F_MC_RTS_DEQ));
  registerOps(ringOps('ring_mt_hts', RING_F_MP_HTS_ENQ | RING_F_MC_HTS_DEQ));
}
