// Mempool bulk moves (AssemblyScript, compiled to mempool_kernels.wasm). Every pointer is an absolute
// address in the process's shared Memory; the JS side adds its window base. Layout constants mirror
// mempool_layout.ts (a kernel cannot import it).

// Per-lcore cache: size u32 @0, flushthresh u32 @4, len u32 @8, objs u32[] @64.
const C_THRESH: u32 = 4;
const C_LEN: u32 = 8;
const C_OBJS: u32 = 64;

// Lock-based stack ("stack"): lock i32 @0, len u32 @4, capacity u32 @8, objs u32[] @64.
const S_LOCK: u32 = 0;
const S_LEN: u32 = 4;
const S_CAP: u32 = 8;
const S_OBJS: u32 = 64;

// Lock-free stack ("lf_stack"): two lists (used @0, free @64), each {head u64 = top index | tag << 32,
// len u32 @8}; elements {data u32, next u32} @192, addressed by 1-based index (0 = none).
const LF_USED: u32 = 0;
const LF_FREE: u32 = 64;
const LF_LEN: u32 = 8;
const LF_ELEMS: u32 = 192;

/**
 * dst[i] = end[-1 - i] for i < n: LIFO order, like DPDK's cache and stack pops. With SIMD (asc
 * --enable simd) four objects per lane shuffle; without, two per 64-bit load swapped by a rotate.
 */
export function revCopy(dst: u32, end: u32, n: u32): void {
  revCopyInline(dst, end, n);
}

// Inlined into cacheGet/stackPop: a Wasm-internal call per get showed as a separate ~8% in a perf profile
// of the cached get/put bulk-32 loop.
@inline function revCopyInline(dst: u32, end: u32, n: u32): void {
  let i: u32 = 0;
  let s = end;
  if (ASC_FEATURE_SIMD) {
    while (i + 8 <= n) {
      const d = dst + (i << 2);
      const v0 = v128.load(s - 16);
      const v1 = v128.load(s - 32);
      v128.store(d, i32x4.shuffle(v0, v0, 3, 2, 1, 0));
      v128.store(d + 16, i32x4.shuffle(v1, v1, 3, 2, 1, 0));
      s -= 32;
      i += 8;
    }
  } else {
    while (i + 8 <= n) {
      const d = dst + (i << 2);
      store<u64>(d, rotr<u64>(load<u64>(s - 8), 32));
      store<u64>(d + 8, rotr<u64>(load<u64>(s - 16), 32));
      store<u64>(d + 16, rotr<u64>(load<u64>(s - 24), 32));
      store<u64>(d + 24, rotr<u64>(load<u64>(s - 32), 32));
      s -= 32;
      i += 8;
    }
  }
  while (i + 2 <= n) {
    s -= 8;
    store<u64>(dst + (i << 2), rotr<u64>(load<u64>(s), 32));
    i += 2;
  }
  if (i < n) store<u32>(dst + (i << 2), load<u32>(s - 4));
}

/** dst[0..n) = src[0..n). Short copies inline (memory.copy is a call out of the Wasm code, ~4 ns). */
@inline function fwdCopy(dst: u32, src: u32, n: u32): void {
  if (n > 64) {
    memory.copy(dst, src, n << 2);
    return;
  }
  let i: u32 = 0;
  if (ASC_FEATURE_SIMD) {
    while (i + 8 <= n) {
      const o = i << 2;
      v128.store(dst + o, v128.load(src + o));
      v128.store(dst + o + 16, v128.load(src + o + 16));
      i += 8;
    }
  } else {
    while (i + 8 <= n) {
      const o = i << 2;
      store<u64>(dst + o, load<u64>(src + o));
      store<u64>(dst + o + 8, load<u64>(src + o + 8));
      store<u64>(dst + o + 16, load<u64>(src + o + 16));
      store<u64>(dst + o + 24, load<u64>(src + o + 24));
      i += 8;
    }
  }
  while (i + 2 <= n) {
    store<u64>(dst + (i << 2), load<u64>(src + (i << 2)));
    i += 2;
  }
  if (i < n) store<u32>(dst + (i << 2), load<u32>(src + (i << 2)));
}

/** Cache hit path of get: n <= len takes the top n (LIFO) and returns 0; otherwise 1, untouched. */
export function cacheGet(cache: u32, dst: u32, n: u32): i32 {
  const len = load<u32>(cache + C_LEN);
  if (n > len) return 1;
  revCopyInline(dst, cache + C_OBJS + (len << 2), n);
  store<u32>(cache + C_LEN, len - n);
  return 0;
}

/**
 * Cache path of put (22.11): 0 = appended; 1 = would cross flushthresh (caller flushes the cache, then
 * cacheSet); 2 = n > flushthresh (caller puts straight to the backend).
 */
export function cachePut(cache: u32, src: u32, n: u32): i32 {
  const thresh = load<u32>(cache + C_THRESH);
  if (n > thresh) return 2;
  const len = load<u32>(cache + C_LEN);
  if (len + n > thresh) return 1;
  fwdCopy(cache + C_OBJS + (len << 2), src, n);
  store<u32>(cache + C_LEN, len + n);
  return 0;
}

/** Cache becomes exactly src[0..n) (after a flush). */
export function cacheSet(cache: u32, src: u32, n: u32): void {
  fwdCopy(cache + C_OBJS, src, n);
  store<u32>(cache + C_LEN, n);
}

function lock(p: u32): void {
  while (atomic.cmpxchg<i32>(p, 0, 1) != 0) {
    while (atomic.load<i32>(p) != 0) {}
  }
}

function unlock(p: u32): void {
  atomic.store<i32>(p, 0);
}

/** rte_stack_push (std): all n or none. */
export function stackPush(s: u32, src: u32, n: u32): u32 {
  lock(s + S_LOCK);
  const len = load<u32>(s + S_LEN);
  if (len + n > load<u32>(s + S_CAP)) {
    unlock(s + S_LOCK);
    return 0;
  }
  fwdCopy(s + S_OBJS + (len << 2), src, n);
  atomic.store<u32>(s + S_LEN, len + n);
  unlock(s + S_LOCK);
  return n;
}

/** rte_stack_pop (std): all n or none, top first. */
export function stackPop(s: u32, dst: u32, n: u32): u32 {
  lock(s + S_LOCK);
  const len = load<u32>(s + S_LEN);
  if (n > len) {
    unlock(s + S_LOCK);
    return 0;
  }
  revCopyInline(dst, s + S_OBJS + (len << 2), n);
  atomic.store<u32>(s + S_LEN, len - n);
  unlock(s + S_LOCK);
  return n;
}

// ---- lock-free stack: Treiber stack with a {top, tag} 64-bit CAS (the tag defeats ABA) ----

let lastIdx: u32 = 0;

@inline function elem(s: u32, idx: u32): u32 {
  return s + LF_ELEMS + ((idx - 1) << 3);
}

/** Reserves n entries of a list's length (so a pop never walks past the end); false if fewer. */
function reserve(lenPtr: u32, n: u32): bool {
  let len = atomic.load<u32>(lenPtr);
  for (;;) {
    if (len < n) return false;
    const seen = atomic.cmpxchg<u32>(lenPtr, len, len - n);
    if (seen == len) return true;
    len = seen;
  }
  return false;
}

/** Detaches the top n elements; copies their data to dst (when dst != 0). Returns the first index, lastIdx = last. */
function popElems(s: u32, list: u32, n: u32, dst: u32): u32 {
  for (;;) {
    const old = atomic.load<u64>(list);
    const top = <u32>old;
    if (top == 0) continue;
    let idx = top;
    let i: u32 = 0;
    let ok = true;
    for (;;) {
      const e = elem(s, idx);
      if (dst != 0) store<u32>(dst + (i << 2), load<u32>(e));
      i++;
      if (i == n) break;
      const nxt = atomic.load<u32>(e + 4);
      if (nxt == 0) {
        ok = false; // a concurrent pop changed the list under us: retry
        break;
      }
      idx = nxt;
    }
    if (!ok) continue;
    const next = atomic.load<u32>(elem(s, idx) + 4);
    const repl = ((old >> 32) + 1) << 32 | <u64>next;
    if (atomic.cmpxchg<u64>(list, old, repl) == old) {
      lastIdx = idx;
      return top;
    }
  }
  return 0;
}

/** Pushes the chain first..last (n elements, already linked) onto a list. */
function pushElems(s: u32, list: u32, first: u32, last: u32, n: u32): void {
  for (;;) {
    const old = atomic.load<u64>(list);
    atomic.store<u32>(elem(s, last) + 4, <u32>old);
    const repl = ((old >> 32) + 1) << 32 | <u64>first;
    if (atomic.cmpxchg<u64>(list, old, repl) == old) break;
  }
  atomic.add<u32>(list + LF_LEN, n);
}

/** rte_stack_push (lf): all n or none; the last object pushed ends on top. */
export function lfPush(s: u32, src: u32, n: u32): u32 {
  if (n == 0) return 0;
  if (!reserve(s + LF_FREE + LF_LEN, n)) return 0;
  const first = popElems(s, s + LF_FREE, n, 0);
  const last = lastIdx;
  let idx = first;
  for (let i: u32 = 0; i < n; i++) {
    const e = elem(s, idx);
    store<u32>(e, load<u32>(src + ((n - 1 - i) << 2)));
    idx = load<u32>(e + 4);
  }
  pushElems(s, s + LF_USED, first, last, n);
  return n;
}

/** rte_stack_pop (lf): all n or none, top first. */
export function lfPop(s: u32, dst: u32, n: u32): u32 {
  if (n == 0) return 0;
  if (!reserve(s + LF_USED + LF_LEN, n)) return 0;
  const first = popElems(s, s + LF_USED, n, dst);
  pushElems(s, s + LF_FREE, first, lastIdx, n);
  return n;
}
