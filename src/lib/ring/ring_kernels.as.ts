// AssemblyScript kernels for rte_ring: head move, slot copy with wraparound and tail update in one call
// per burst. Every address is an absolute Memory address (window base + window offset). The instance
// keeps no state (no globals, no static data: nothing is written into the shared Memory at
// instantiation).
//
// Ring header (same layout as DPDK's struct rte_ring): size @48, mask @52, capacity @56, esize @60,
// prod headtail @128, cons headtail @256, slots @384. Headtail: MT/ST head +0, tail +4, sync +8;
// RTS tail{cnt +0, pos +4}, sync +8, htd_max +12, head{cnt +16, pos +20}; HTS {head +0, tail +4}.
// The opposite side's tail is always the u32 at +4, whatever the sync type.

const R_SIZE: u32 = 48;
const R_MASK: u32 = 52;
const R_CAP: u32 = 56;
const R_ESIZE: u32 = 60;
const PROD: u32 = 128;
const CONS: u32 = 256;
const SLOTS: u32 = 384;
const HT_SYNC: u32 = 8;

// mode = sync type (bits 0-1) | VARIABLE (bit 2, burst: as many as possible; else bulk: all or nothing)
const SYNC_MT: u32 = 0;
const SYNC_ST: u32 = 1;
const SYNC_RTS: u32 = 2;
const SYNC_HTS: u32 = 3;
const VARIABLE: u32 = 4;


// Short copies as an inline SIMD loop: memory.copy is a call out of the Wasm code (through a C
// wrapper into libc memmove, ~15% of a burst-32 enqueue+dequeue pair in a perf profile), which an
// inline v128 loop beats up to a few hundred bytes. Sizes are multiples of 4; ring slots and object
// arrays never overlap.
@inline
function copyBytes(dst: usize, src: usize, bytes: u32): void {
  if (bytes <= 512) {
    let i: u32 = 0;
    for (; i + 32 <= bytes; i += 32) {
      v128.store(dst + i, v128.load(src + i));
      v128.store(dst + i + 16, v128.load(src + i + 16));
    }
    if (i + 16 <= bytes) {
      v128.store(dst + i, v128.load(src + i));
      i += 16;
    }
    if (i + 8 <= bytes) {
      store<u64>(dst + i, load<u64>(src + i));
      i += 8;
    }
    if (i < bytes) store<u32>(dst + i, load<u32>(src + i));
  } else {
    memory.copy(dst, src, bytes);
  }
}

@inline
function copyIn(r: usize, head: u32, obj: usize, n: u32): void {
  const size = load<u32>(r, R_SIZE);
  const esize = load<u32>(r, R_ESIZE);
  const idx = head & load<u32>(r, R_MASK);
  const slots = r + SLOTS;
  if (idx + n <= size) {
    copyBytes(slots + idx * esize, obj, n * esize);
  } else {
    const first = size - idx;
    copyBytes(slots + idx * esize, obj, first * esize);
    copyBytes(slots, obj + first * esize, (n - first) * esize);
  }
}

@inline
function copyOut(r: usize, head: u32, obj: usize, n: u32): void {
  const size = load<u32>(r, R_SIZE);
  const esize = load<u32>(r, R_ESIZE);
  const idx = head & load<u32>(r, R_MASK);
  const slots = r + SLOTS;
  if (idx + n <= size) {
    copyBytes(obj, slots + idx * esize, n * esize);
  } else {
    const first = size - idx;
    copyBytes(obj, slots + idx * esize, first * esize);
    copyBytes(obj + first * esize, slots, (n - first) * esize);
  }
}

// Moves the head of `ht` by up to n. `other` is the opposite headtail; `base` is the capacity for the
// producer (free = capacity + cons.tail - prod.head) and 0 for the consumer (avail = prod.tail - cons.head).
// Stores the out-value (entries left after the move) at `out`; returns old head << 32 | count moved.
// (A packed return instead of globals: about 10% faster per burst, measured.)
@inline
function moveHead(ht: usize, other: usize, base: u32, max: u32, mode: u32, out: usize): u64 {
  const sync = mode & 3;
  const variable = (mode & VARIABLE) != 0;
  let n: u32 = 0;
  let entries: u32 = 0;
  let oldHead: u32 = 0;
  if (sync == SYNC_ST) {
    // only this thread writes the head
    oldHead = load<u32>(ht);
    n = max;
    entries = base + atomic.load<u32>(other, 4) - oldHead;
    if (n > entries) n = variable ? entries : 0;
    if (n != 0) store<u32>(ht, oldHead + n);
  } else if (sync == SYNC_MT) {
    oldHead = atomic.load<u32>(ht);
    for (;;) {
      n = max;
      entries = base + atomic.load<u32>(other, 4) - oldHead;
      if (n > entries) n = variable ? entries : 0;
      if (n == 0) break;
      const seen = atomic.cmpxchg<u32>(ht, oldHead, oldHead + n);
      if (seen == oldHead) break;
      oldHead = seen;
    }
  } else if (sync == SYNC_RTS) {
    // head {cnt, pos} at +16; wait while head runs more than htd_max ahead of tail.pos
    for (;;) {
      n = max;
      const htdMax = load<u32>(ht, 12);
      let oh = atomic.load<u64>(ht, 16);
      while (<u32>(oh >> 32) - atomic.load<u32>(ht, 4) > htdMax) oh = atomic.load<u64>(ht, 16);
      oldHead = <u32>(oh >> 32);
      entries = base + atomic.load<u32>(other, 4) - oldHead;
      if (n > entries) n = variable ? entries : 0;
      if (n == 0) break;
      const nh: u64 = (<u64>(oldHead + n) << 32) | <u64>(<u32>oh + 1);
      if (atomic.cmpxchg<u64>(ht + 16, oh, nh) == oh) break;
    }
  } else {
    // HTS: {head, tail} as one u64; wait until no other move is in progress (head == tail)
    for (;;) {
      n = max;
      let op = atomic.load<u64>(ht);
      while (<u32>op != <u32>(op >> 32)) op = atomic.load<u64>(ht);
      oldHead = <u32>op;
      entries = base + atomic.load<u32>(other, 4) - oldHead;
      if (n > entries) n = variable ? entries : 0;
      if (n == 0) break;
      const np: u64 = (op & 0xffffffff00000000) | <u64>(oldHead + n);
      if (atomic.cmpxchg<u64>(ht, op, np) == op) break;
    }
  }
  store<u32>(out, entries - n);
  return (<u64>oldHead << 32) | <u64>n;
}

@inline
function updateTail(ht: usize, oldHead: u32, n: u32, mode: u32): void {
  const sync = mode & 3;
  if (sync == SYNC_MT) {
    // earlier reservations must publish first (spin: Atomics.wait does not cross processes)
    while (atomic.load<u32>(ht, 4) != oldHead) {}
    atomic.store<u32>(ht, oldHead + n, 4);
  } else if (sync == SYNC_RTS) {
    // the last of the overlapping movers (tail.cnt catches up with head.cnt) publishes head.pos
    let ot = atomic.load<u64>(ht);
    for (;;) {
      const h = atomic.load<u64>(ht, 16);
      const cnt = <u32>ot + 1;
      const pos = cnt == <u32>h ? <u32>(h >> 32) : <u32>(ot >> 32);
      const nt: u64 = (<u64>pos << 32) | <u64>cnt;
      const seen = atomic.cmpxchg<u64>(ht, ot, nt);
      if (seen == ot) break;
      ot = seen;
    }
  } else {
    // ST and HTS: the only mover in flight
    atomic.store<u32>(ht, oldHead + n, 4);
  }
}

@inline
function doEnqueue(r: usize, obj: usize, n: u32, mode: u32, out: usize): u32 {
  const ht = r + PROD;
  const m = moveHead(ht, r + CONS, load<u32>(r, R_CAP), n, mode, out);
  n = <u32>m;
  if (n != 0) {
    const head = <u32>(m >> 32);
    copyIn(r, head, obj, n);
    updateTail(ht, head, n, mode);
  }
  return n;
}

@inline
function doDequeue(r: usize, obj: usize, n: u32, mode: u32, out: usize): u32 {
  const ht = r + CONS;
  const m = moveHead(ht, r + PROD, 0, n, mode, out);
  n = <u32>m;
  if (n != 0) {
    const head = <u32>(m >> 32);
    copyOut(r, head, obj, n);
    updateTail(ht, head, n, mode);
  }
  return n;
}

@inline
function doEnqueue1(r: usize, value: u32, mode: u32, out: usize): u32 {
  const ht = r + PROD;
  const m = moveHead(ht, r + CONS, load<u32>(r, R_CAP), 1, mode, out);
  const n = <u32>m;
  if (n != 0) {
    const head = <u32>(m >> 32);
    store<u32>(r + SLOTS + ((head & load<u32>(r, R_MASK)) << 2), value);
    updateTail(ht, head, 1, mode);
  }
  return n;
}

@inline
function doDequeue1(r: usize, mode: u32, out: usize): u32 {
  const ht = r + CONS;
  const m = moveHead(ht, r + PROD, 0, 1, mode, out);
  const n = <u32>m;
  if (n != 0) {
    const head = <u32>(m >> 32);
    store<u32>(out, load<u32>(r + SLOTS + ((head & load<u32>(r, R_MASK)) << 2)), 4);
    updateTail(ht, head, 1, mode);
  }
  return n;
}

// One function per sync type, each compiled with its mode as a constant (about 15% faster per burst
// than one body branching on the mode), behind one dispatching export per operation: JS then calls a
// single Wasm function whatever the ring's mode, which keeps its call sites monomorphic (a
// polymorphic JS->Wasm call costs ~4 ns more per call). Measured on the 2-core EPYC VM, Node 20.
// `burst` != 0: as many as possible, else all or nothing. Returns the count; free_space/available
// (after the call) is stored at `out`.

/** mode = sync type (0 MT, 1 ST, 2 MT_RTS, 3 MT_HTS) | 4 for burst. */
export function enqueue(r: usize, obj: usize, n: u32, mode: u32, out: usize): u32 {
  // The bodies inlined per mode (a br_table), not calls to enqueueMT..: the extra Wasm call per burst
  // showed as ~7% of an SP/SC burst-32 enqueue+dequeue pair in a perf profile.
  switch (mode) {
    case SYNC_MT: return doEnqueue(r, obj, n, SYNC_MT, out);
    case SYNC_ST: return doEnqueue(r, obj, n, SYNC_ST, out);
    case SYNC_RTS: return doEnqueue(r, obj, n, SYNC_RTS, out);
    case SYNC_HTS: return doEnqueue(r, obj, n, SYNC_HTS, out);
    case SYNC_MT | VARIABLE: return doEnqueue(r, obj, n, SYNC_MT | VARIABLE, out);
    case SYNC_ST | VARIABLE: return doEnqueue(r, obj, n, SYNC_ST | VARIABLE, out);
    case SYNC_RTS | VARIABLE: return doEnqueue(r, obj, n, SYNC_RTS | VARIABLE, out);
    default: return doEnqueue(r, obj, n, SYNC_HTS | VARIABLE, out);
  }
}

export function dequeue(r: usize, obj: usize, n: u32, mode: u32, out: usize): u32 {
  switch (mode) {
    case SYNC_MT: return doDequeue(r, obj, n, SYNC_MT, out);
    case SYNC_ST: return doDequeue(r, obj, n, SYNC_ST, out);
    case SYNC_RTS: return doDequeue(r, obj, n, SYNC_RTS, out);
    case SYNC_HTS: return doDequeue(r, obj, n, SYNC_HTS, out);
    case SYNC_MT | VARIABLE: return doDequeue(r, obj, n, SYNC_MT | VARIABLE, out);
    case SYNC_ST | VARIABLE: return doDequeue(r, obj, n, SYNC_ST | VARIABLE, out);
    case SYNC_RTS | VARIABLE: return doDequeue(r, obj, n, SYNC_RTS | VARIABLE, out);
    default: return doDequeue(r, obj, n, SYNC_HTS | VARIABLE, out);
  }
}

/** Single object (esize 4), mode = sync type: 1 or 0; free_space at `out`. */
export function enqueue1(r: usize, value: u32, mode: u32, out: usize): u32 {
  switch (mode) {
    case SYNC_MT: return enqueue1MT(r, value, out);
    case SYNC_ST: return enqueue1ST(r, value, out);
    case SYNC_RTS: return enqueue1RTS(r, value, out);
    default: return enqueue1HTS(r, value, out);
  }
}

/** Single object (esize 4), mode = sync type: 1 or 0; available at `out`, the object at `out + 4`. */
export function dequeue1(r: usize, mode: u32, out: usize): u32 {
  switch (mode) {
    case SYNC_MT: return dequeue1MT(r, out);
    case SYNC_ST: return dequeue1ST(r, out);
    case SYNC_RTS: return dequeue1RTS(r, out);
    default: return dequeue1HTS(r, out);
  }
}

export function enqueueMT(r: usize, obj: usize, n: u32, burst: u32, out: usize): u32 {
  return burst ? doEnqueue(r, obj, n, SYNC_MT | VARIABLE, out) : doEnqueue(r, obj, n, SYNC_MT, out);
}
export function enqueueST(r: usize, obj: usize, n: u32, burst: u32, out: usize): u32 {
  return burst ? doEnqueue(r, obj, n, SYNC_ST | VARIABLE, out) : doEnqueue(r, obj, n, SYNC_ST, out);
}
export function enqueueRTS(r: usize, obj: usize, n: u32, burst: u32, out: usize): u32 {
  return burst ? doEnqueue(r, obj, n, SYNC_RTS | VARIABLE, out) : doEnqueue(r, obj, n, SYNC_RTS, out);
}
export function enqueueHTS(r: usize, obj: usize, n: u32, burst: u32, out: usize): u32 {
  return burst ? doEnqueue(r, obj, n, SYNC_HTS | VARIABLE, out) : doEnqueue(r, obj, n, SYNC_HTS, out);
}
export function dequeueMT(r: usize, obj: usize, n: u32, burst: u32, out: usize): u32 {
  return burst ? doDequeue(r, obj, n, SYNC_MT | VARIABLE, out) : doDequeue(r, obj, n, SYNC_MT, out);
}
export function dequeueST(r: usize, obj: usize, n: u32, burst: u32, out: usize): u32 {
  return burst ? doDequeue(r, obj, n, SYNC_ST | VARIABLE, out) : doDequeue(r, obj, n, SYNC_ST, out);
}
export function dequeueRTS(r: usize, obj: usize, n: u32, burst: u32, out: usize): u32 {
  return burst ? doDequeue(r, obj, n, SYNC_RTS | VARIABLE, out) : doDequeue(r, obj, n, SYNC_RTS, out);
}
export function dequeueHTS(r: usize, obj: usize, n: u32, burst: u32, out: usize): u32 {
  return burst ? doDequeue(r, obj, n, SYNC_HTS | VARIABLE, out) : doDequeue(r, obj, n, SYNC_HTS, out);
}

export function enqueue1MT(r: usize, value: u32, out: usize): u32 {
  return doEnqueue1(r, value, SYNC_MT, out);
}
export function enqueue1ST(r: usize, value: u32, out: usize): u32 {
  return doEnqueue1(r, value, SYNC_ST, out);
}
export function enqueue1RTS(r: usize, value: u32, out: usize): u32 {
  return doEnqueue1(r, value, SYNC_RTS, out);
}
export function enqueue1HTS(r: usize, value: u32, out: usize): u32 {
  return doEnqueue1(r, value, SYNC_HTS, out);
}

export function dequeue1MT(r: usize, out: usize): u32 {
  return doDequeue1(r, SYNC_MT, out);
}
export function dequeue1ST(r: usize, out: usize): u32 {
  return doDequeue1(r, SYNC_ST, out);
}
export function dequeue1RTS(r: usize, out: usize): u32 {
  return doDequeue1(r, SYNC_RTS, out);
}
export function dequeue1HTS(r: usize, out: usize): u32 {
  return doDequeue1(r, SYNC_HTS, out);
}

/**
 * First half of a split enqueue (callers that copy themselves, and the peek/zero-copy start): moves
 * the producer head only. out[0] = free_space after the call, out[1] = the old head.
 */
export function prodStart(r: usize, n: u32, mode: u32, out: usize): u32 {
  const m = moveHead(r + PROD, r + CONS, load<u32>(r, R_CAP), n, mode, out);
  store<u32>(out, <u32>(m >> 32), 4);
  return <u32>m;
}

/** Consumer head move; copies the objects to `obj` unless obj is 0. out as in prodStart. */
export function consStart(r: usize, obj: usize, n: u32, mode: u32, out: usize): u32 {
  const m = moveHead(r + CONS, r + PROD, 0, n, mode, out);
  n = <u32>m;
  const head = <u32>(m >> 32);
  if (n != 0 && obj != 0) copyOut(r, head, obj, n);
  store<u32>(out, head, 4);
  return n;
}

/** Second half of a split enqueue/dequeue: publishes the tail (side: 0 prod, 1 cons). */
export function commit(r: usize, side: u32, head: u32, n: u32, mode: u32): void {
  updateTail(r + (side == 0 ? PROD : CONS), head, n, mode);
}

/**
 * Peek/zero-copy finish (rte_ring_*_finish), ST or HTS by the header's sync type: commits n of the
 * reserved entries (fewer than reserved gives the rest back; more than reserved commits nothing),
 * copying `obj` into the slots first for an enqueue when obj is not 0. Returns the count committed.
 */
export function finish(r: usize, side: u32, obj: usize, n: u32): u32 {
  const ht = r + (side == 0 ? PROD : CONS);
  const sync = load<u32>(ht, HT_SYNC);
  if (sync == SYNC_ST) {
    const t = load<u32>(ht, 4);
    if (load<u32>(ht) - t < n) n = 0;
    if (n != 0 && obj != 0) copyIn(r, t, obj, n);
    store<u32>(ht, t + n);
    atomic.store<u32>(ht, t + n, 4);
  } else if (sync == SYNC_HTS) {
    const p = atomic.load<u64>(ht);
    const t = <u32>(p >> 32);
    if (<u32>p - t < n) n = 0;
    if (n != 0 && obj != 0) copyIn(r, t, obj, n);
    const pos = t + n;
    atomic.store<u64>(ht, (<u64>pos << 32) | <u64>pos);
  } else {
    return 0;
  }
  return n;
}
