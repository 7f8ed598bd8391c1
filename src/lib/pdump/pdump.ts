// rte_pdump over shared memory. A capture tool (a secondary) writes a descriptor per (port, queue,
// direction); rxBurst/txBurst of every lcore and process check one word of the port's shared slot and,
// when it is set, copy the burst into the tool's mempool and enqueue the copies on its ring.
//
// Layout:
// - port slot (ethdev memzone) bytes 7296..7807: u32 flag words, Rx queues 0..63 then Tx queues 0..63;
//   0 = off, else the window offset of the queue's descriptor.
// - memzone "tsdpdk_pdump": 64-byte header (lock), then a 64-byte descriptor per
//   (port, direction, queue): ring offset, mempool offset, snaplen, generation, owner pid, busy word,
//   filter (window offset of an eBPF program stored by bpfPrmStore, 0 = none), then f64 counters
//   accepted, nombuf, ringfull, filtered (written by the queue's lcore only).
// A filter runs on each packet before the copy (rte_pdump's BPF filter): kept when it returns non-zero,
// else counted as filtered. Each process loads and compiles it once per enable (generation).
// Capture copies carry a 16-byte private area: ts seconds u32, ts nanoseconds u32, original length u32,
// queue u16, direction u16 (1 Rx, 2 Tx; pcapng's epb_flags values). The mbuf port is the captured port.

import { bpfBindMemory, bpfLoad, bpfPrmRead, RTE_BPF_ARG_PTR_MBUF, type JitBurstFunc } from '../bpf/index.js';
import { fail } from '../eal/errors.js';
import * as eal from '../eal/index.js';
import { MAX_QUEUES_PER_PORT, RTE_MAX_ETHPORTS } from '../ethdev/constants.js';
import { slotOf } from '../ethdev/port_data.js';
import { M_PKT_LEN, M_PORT, MBUF_SIZE } from '../mbuf/mbuf_layout.js';
import { copy, freeBulk, pktmbufPrivSize } from '../mbuf/pktmbuf.js';
import { mbufBind } from '../mbuf/mbuf_views.js';
import { mempoolFromOffset, type Mempool } from '../mempool/index.js';
import { Ring } from '../ring/index.js';
import { getNameByPort } from '../ethdev/ethdev.js';
import {
  decodeResponse, encodeRequest, PDUMP_MP, PDUMP_OP_DISABLE, PDUMP_OP_ENABLE, PDUMP_V2,
} from './pdump_request.js';

const LOG_PDUMP = eal.log.registerLogType('lib.pdump');

export const PDUMP_MEMZONE = 'tsdpdk_pdump';
/** Byte offset of the flag words in a port slot (after the stats block, which ends at 7200). */
export const PDUMP_SLOT_FLAGS = 7296;
export const RTE_PDUMP_FLAG_RX = 1;
export const RTE_PDUMP_FLAG_TX = 2;
export const RTE_PDUMP_FLAG_RXTX = 3;
export const RTE_PDUMP_ALL_QUEUES = 0xffff;
/** Bytes the capture mempool's mbufs need in their private area. */
export const PDUMP_PRIV_SIZE = 16;
export const PRIV_TS_SEC = 0;
export const PRIV_TS_NSEC = 4;
export const PRIV_ORIG_LEN = 8;
export const PRIV_QUEUE = 12;
export const PRIV_DIR = 14;

const HDR = 64;
const ENTRY = 64;
const E_RING = 0;
const E_MP = 4;
const E_SNAPLEN = 8;
const E_GEN = 12;
const E_OWNER = 16;
const E_BUSY = 20;
const E_FILTER = 24;
const E_ACCEPTED = 32; // f64
const E_NOMBUF = 40; // f64
const E_RINGFULL = 48; // f64
const E_FILTERED = 56; // f64
const ZONE_SIZE = HDR + RTE_MAX_ETHPORTS * 2 * MAX_QUEUES_PER_PORT * ENTRY;
const CHUNK = 256;

export interface PdumpStats {
  accepted: number;
  /** rejected by the filter */
  filtered: number;
  nombuf: number;
  ringfull: number;
}

const rejectAll: JitBurstFunc = (_c, rc, n) => { rc.fill(0, 0, n); return 0; };

// ---- per-thread state of the burst hooks ----
let PW: eal.SharedWindow | null = null;
let U32 = null as unknown as Uint32Array;
let U16 = null as unknown as Uint16Array;
let F64 = null as unknown as Float64Array;
let scratch = null as unknown as Uint32Array;
const verdict = new Uint32Array(CHUNK);
/** u32 index of each queue's flag word + 1 (0 = not computed yet); Rx then Tx. */
const flagIdx = new Int32Array(RTE_MAX_ETHPORTS * MAX_QUEUES_PER_PORT * 2);
const cGen = new Int32Array(RTE_MAX_ETHPORTS * MAX_QUEUES_PER_PORT * 2).fill(-1);
const cRing: (Ring | null)[] = new Array(RTE_MAX_ETHPORTS * MAX_QUEUES_PER_PORT * 2).fill(null);
const cPool: (Mempool | null)[] = new Array(RTE_MAX_ETHPORTS * MAX_QUEUES_PER_PORT * 2).fill(null);
const cFilter: (JitBurstFunc | null)[] = new Array(RTE_MAX_ETHPORTS * MAX_QUEUES_PER_PORT * 2).fill(null);

function bind(w: eal.SharedWindow): void {
  PW = w;
  U32 = w.u32;
  U16 = w.u16;
  F64 = w.f64;
  scratch = eal.burstArray(CHUNK);
  flagIdx.fill(0);
  cGen.fill(-1);
  cRing.fill(null);
  cPool.fill(null);
  cFilter.fill(null);
  bpfBindMemory(w.u8, w.u16, w.u32);
}

/** Loads (validates, compiles) the queue's filter; a program that does not load rejects everything. */
function loadFilter(off: number): JitBurstFunc | null {
  if (off === 0) return null;
  try {
    const prm = bpfPrmRead(PW!.u8, U32, off);
    if (prm.argType !== RTE_BPF_ARG_PTR_MBUF) fail('EINVAL', 'pdump: filter must take the mbuf');
    return bpfLoad(prm, { jit: true }).jitBurst;
  } catch (e) {
    eal.log.logf(eal.log.LogLevel.ERR, eal.log.RTE_LOGTYPE_EAL, 'PDUMP', `cannot load the capture filter: ${(e as Error).message}`);
    return rejectAll;
  }
}

function flagIndexSlow(port: number, queue: number, k: number, dir: number): number {
  if (port < 0 || port >= RTE_MAX_ETHPORTS || queue < 0 || queue >= MAX_QUEUES_PER_PORT) return 0;
  const fi = ((slotOf(port) + PDUMP_SLOT_FLAGS + dir * 4 * MAX_QUEUES_PER_PORT + queue * 4) >>> 2) + 1;
  flagIdx[k] = fi;
  return fi;
}

/** Rx hook (ethdev.rxBurst): captures mbufs[0..nb) when the queue's capture is on. */
export function pdumpRx(port: number, queue: number, mbufs: Uint32Array, nb: number): void {
  const w = eal.sharedWindow();
  if (w !== PW) bind(w);
  const k = port * MAX_QUEUES_PER_PORT + queue;
  let fi = flagIdx[k]!;
  if (fi === 0 && (fi = flagIndexSlow(port, queue, k, 0)) === 0) return;
  const e = U32[fi - 1]!;
  if (e !== 0) capture(port, queue, k, e, 1, mbufs, nb);
}

/** Tx hook (ethdev.txBurst, before the PMD): captures mbufs[0..n) when the queue's capture is on. */
export function pdumpTx(port: number, queue: number, mbufs: Uint32Array, n: number): void {
  const w = eal.sharedWindow();
  if (w !== PW) bind(w);
  const k = RTE_MAX_ETHPORTS * MAX_QUEUES_PER_PORT + port * MAX_QUEUES_PER_PORT + queue;
  let fi = flagIdx[k]!;
  if (fi === 0 && (fi = flagIndexSlow(port, queue, k, 1)) === 0) return;
  const e = U32[fi - 1]!;
  if (e !== 0) capture(port, queue, k, e, 2, mbufs, n);
}

function capture(port: number, queue: number, k: number, e: number, dir: number, mbufs: Uint32Array, nb: number): void {
  const ei = e >>> 2;
  Atomics.store(U32, ei + (E_BUSY >>> 2), 1);
  try {
    // Re-check after announcing use: a disabler clears the flag, then waits for busy == 0.
    const fi = flagIdx[k]! - 1;
    if (Atomics.load(U32, fi) !== e) return;
    const gen = U32[ei + (E_GEN >>> 2)]! | 0;
    let ring = cRing[k]!;
    let mp = cPool[k]!;
    if (cGen[k] !== gen || ring === null || mp === null) {
      eal.memzoneLookup(PDUMP_MEMZONE); // maps memory another process added
      ring = Ring.attach(U32[ei + (E_RING >>> 2)]!);
      mp = mempoolFromOffset(U32[ei + (E_MP >>> 2)]!);
      cRing[k] = ring;
      cPool[k] = mp;
      cFilter[k] = loadFilter(U32[ei + (E_FILTER >>> 2)]!);
      cGen[k] = gen;
      mbufBind(PW!);
    }
    const filter = cFilter[k]!;
    const snaplen = U32[ei + (E_SNAPLEN >>> 2)]!;
    const t = performance.timeOrigin + performance.now();
    const sec = Math.floor(t / 1000);
    const nsec = Math.floor((t - sec * 1000) * 1e6);
    const fs = (e + E_ACCEPTED) >>> 3;
    const out = scratch;
    let i = 0;
    while (i < nb) {
      let c = 0;
      const end = nb - i > CHUNK ? i + CHUNK : nb;
      const from = i;
      if (filter !== null) filter(mbufs, verdict, end - i, i);
      for (; i < end; i++) {
        const m = mbufs[i]!;
        if (filter !== null && verdict[i - from] === 0) {
          F64[fs + 3]! += 1; // filtered
          continue;
        }
        const mc = copy(m, mp, 0, snaplen);
        if (mc === 0) {
          F64[fs + 1]! += 1; // nombuf
          continue;
        }
        U16[(mc + M_PORT) >>> 1] = port;
        const p = mc + MBUF_SIZE;
        U32[(p + PRIV_TS_SEC) >>> 2] = sec;
        U32[(p + PRIV_TS_NSEC) >>> 2] = nsec;
        U32[(p + PRIV_ORIG_LEN) >>> 2] = U32[(m + M_PKT_LEN) >>> 2]!;
        U16[(p + PRIV_QUEUE) >>> 1] = queue;
        U16[(p + PRIV_DIR) >>> 1] = dir;
        out[c++] = mc;
      }
      if (c === 0) continue;
      const q = ring.enqueueBurst(out, c);
      F64[fs]! += q; // accepted
      if (q < c) {
        F64[fs + 2]! += c - q; // ringfull
        out.copyWithin(0, q, c);
        freeBulk(out, c - q);
      }
    }
  } finally {
    Atomics.store(U32, ei + (E_BUSY >>> 2), 0);
  }
}

// ---- control path (the capture tool) ----

function zone(): number {
  let z = eal.memzoneLookup(PDUMP_MEMZONE);
  if (z === null) {
    try {
      z = eal.memzoneReserve(PDUMP_MEMZONE, ZONE_SIZE, eal.SOCKET_ID_ANY, 0, 64);
      eal.sharedWindow().u8.fill(0, z.offset, z.offset + z.length);
    } catch (err) {
      if ((err as eal.TsdpdkError).code !== 'EEXIST') throw err;
      z = eal.memzoneLookup(PDUMP_MEMZONE)!;
    }
  }
  return z.offset;
}

function entryOf(z: number, port: number, dir: number, queue: number): number {
  return z + HDR + ((port * 2 + dir) * MAX_QUEUES_PER_PORT + queue) * ENTRY;
}

function flagWord(port: number, dir: number, queue: number): number {
  return (slotOf(port) + PDUMP_SLOT_FLAGS + dir * 4 * MAX_QUEUES_PER_PORT + queue * 4) >>> 2;
}

interface Target { port: number; queues: number[]; dirs: number[] }

function targets(port: number, queue: number, flags: number, nbRxq: number, nbTxq: number): Target {
  if (!Number.isInteger(port) || port < 0 || port >= RTE_MAX_ETHPORTS) fail('EINVAL', `pdump: invalid port ${port}`);
  if ((flags & RTE_PDUMP_FLAG_RXTX) === 0 || (flags & ~RTE_PDUMP_FLAG_RXTX) !== 0) fail('EINVAL', `pdump: invalid flags ${flags} (RX=1, TX=2, both=3)`);
  const all = queue === RTE_PDUMP_ALL_QUEUES;
  const maxQ = Math.max(flags & 1 ? nbRxq : 0, flags & 2 ? nbTxq : 0);
  if (!all && (!Number.isInteger(queue) || queue < 0 || queue >= maxQ)) fail('EINVAL', `pdump: invalid queue ${queue} for port ${port}`);
  const dirs = [0, 1].filter((d) => (flags & (1 << d)) !== 0);
  const queues = all ? [...Array(MAX_QUEUES_PER_PORT).keys()] : [queue];
  return { port, queues, dirs };
}

/**
 * rte_pdump_init (primary): reserves the pdump memzone and registers the `mp_pdump` action, served in the
 * mp thread, through which capture tools (secondaries) enable and disable capture. That thread also frees
 * the ring, mempool and filter of a capture tool that died without disabling (checked once a second).
 */
export function pdumpInit(): void {
  if (eal.processType() !== 'primary') fail('EPERM', 'pdump: pdumpInit must be called in the primary process');
  zone();
  if (!eal.mp.actionList().includes(PDUMP_MP)) eal.mp.actionRegisterModule(PDUMP_MP, new URL('./pdump_server.js', import.meta.url), 'handlePdumpRequest');
}

/** rte_pdump_uninit */
export function pdumpUninit(): void {
  if (eal.mp.actionList().includes(PDUMP_MP)) eal.mp.actionUnregister(PDUMP_MP);
}

/**
 * rte_pdump_enable / rte_pdump_enable_bpf: copies of the packets of (port, queue or RTE_PDUMP_ALL_QUEUES,
 * RX/TX flags), cut to snaplen (0 = whole), go to `ring` as mbufs of `mp` (private area >= PDUMP_PRIV_SIZE,
 * cache 0 advised since lcore ids collide across processes). `filter`: window offset of an eBPF program
 * taking the mbuf (bpfPrmStore), 0 for none. A secondary asks the primary over `mp_pdump` (the primary must
 * have called pdumpInit, as DPDK requires); the primary itself may enable directly. EEXIST if the queue is
 * captured by another live process.
 */
export function pdumpEnable(port: number, queue: number, flags: number, ring: Ring, mp: Mempool, snaplen = 0, filter = 0): void {
  if (eal.processType() === 'secondary') {
    request(PDUMP_OP_ENABLE, port, queue, flags, ring.offset, mp.offset, snaplen, filter);
    return;
  }
  enableFor(process.pid, port, queue, flags, ring.offset, mp.offset, snaplen, filter);
}

/**
 * rte_pdump_disable: stops the capture and waits (bounded) until no lcore is still copying into the
 * ring, so the caller may then free its ring and mempool. Over `mp_pdump` from a secondary.
 */
export function pdumpDisable(port: number, queue: number, flags: number): void {
  if (eal.processType() === 'secondary') {
    request(PDUMP_OP_DISABLE, port, queue, flags, 0, 0, 0, 0);
    return;
  }
  disableLocal(port, queue, flags);
}

const PDUMP_TIMEOUT_MS = 5000; // DPDK's MP_TIMEOUT_S

function request(op: number, port: number, queue: number, flags: number, ring: number, mempool: number, snaplen: number, filter: number): void {
  const device = (() => {
    portQueues(port, 0); // EINVAL/ENODEV for a bad port, before asking
    return getNameByPort(port);
  })();
  const param = encodeRequest({ ver: PDUMP_V2, op, flags, device, queue, ring, mempool, filter, snaplen });
  let r: eal.mp.MpReply;
  try {
    r = eal.mp.requestSync({ name: PDUMP_MP, param, fds: [] }, PDUMP_TIMEOUT_MS);
  } catch (e) {
    const te = e as eal.TsdpdkError;
    if (te.code === 'ETIMEDOUT') fail('ETIMEDOUT', `pdump: the primary did not answer ${PDUMP_MP} (it must call pdumpInit, as dpdk-testpmd does)`);
    throw e;
  }
  const m = r.msgs[0];
  const resp = m === undefined ? 'no reply' : decodeResponse(m.param);
  if (typeof resp === 'string') fail('EIO', `pdump: bad ${PDUMP_MP} reply from the primary: ${resp}`);
  if (resp.err !== 0) {
    const code = (Object.keys(eal.Errno) as eal.ErrnoCode[]).find((k) => eal.Errno[k] === -resp.err) ?? 'EIO';
    fail(code, `pdump: the primary refused to ${op === PDUMP_OP_ENABLE ? 'enable' : 'disable'} capture on ${device}: ${code}`);
  }
}

/** Enable on behalf of process `owner` (the caller, or a capture tool asking over mp_pdump). */
export function enableFor(owner: number, port: number, queue: number, flags: number, ringOff: number, mpOff: number, snaplen: number, filter: number): void {
  const w = eal.sharedWindow();
  const nbRxq = portQueues(port, 0);
  const nbTxq = portQueues(port, 1);
  const t = targets(port, queue, flags, nbRxq, nbTxq);
  const mp = mempoolFromOffset(mpOff);
  Ring.attach(ringOff); // EINVAL when nothing is there
  if (pktmbufPrivSize(mp) < PDUMP_PRIV_SIZE) fail('EINVAL', `pdump: mempool '${mp.name}' needs a private area of ${PDUMP_PRIV_SIZE} bytes`);
  if (!Number.isInteger(snaplen) || snaplen < 0) fail('EINVAL', `pdump: invalid snaplen ${snaplen}`);
  const z = zone();
  for (const dir of t.dirs) for (const q of t.queues) {
    const cur = w.u32[flagWord(port, dir, q)]!;
    const cur_owner = cur === 0 ? 0 : w.u32[(cur + E_OWNER) >>> 2]!;
    if (cur !== 0 && cur_owner !== owner && alive(cur_owner)) {
      fail('EEXIST', `pdump: port ${port} ${dir ? 'tx' : 'rx'} queue ${q} is already being captured by process ${cur_owner}`);
    }
  }
  for (const dir of t.dirs) for (const q of t.queues) {
    const e = entryOf(z, port, dir, q);
    const ei = e >>> 2;
    w.u32[ei + (E_RING >>> 2)] = ringOff;
    w.u32[ei + (E_MP >>> 2)] = mpOff;
    w.u32[ei + (E_SNAPLEN >>> 2)] = snaplen === 0 ? 0xffffffff : snaplen;
    w.u32[ei + (E_GEN >>> 2)] = (w.u32[ei + (E_GEN >>> 2)]! + 1) >>> 0;
    w.u32[ei + (E_OWNER >>> 2)] = owner;
    w.u32[ei + (E_FILTER >>> 2)] = filter;
    w.f64.fill(0, (e + E_ACCEPTED) >>> 3, ((e + E_FILTERED) >>> 3) + 1);
    Atomics.store(w.u32, flagWord(port, dir, q), e);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function portQueues(port: number, dir: number): number {
  if (!Number.isInteger(port) || port < 0 || port >= RTE_MAX_ETHPORTS) fail('EINVAL', `pdump: invalid port ${port}`);
  const w = eal.sharedWindow();
  const s = slotOf(port);
  if (w.u32[s >>> 2] !== 1) fail('ENODEV', `pdump: no port ${port}`);
  return w.u32[(s + (dir === 0 ? 4 : 8)) >>> 2]!; // nb_rx_queues / nb_tx_queues
}

/** Clears the flags, then waits (bounded) until no lcore is mid-burst on them. */
function clearFlags(words: number[]): void {
  const w = eal.sharedWindow();
  const busy: number[] = [];
  for (const fw of words) {
    const e = Atomics.exchange(w.u32, fw, 0);
    if (e !== 0) busy.push((e + E_BUSY) >>> 2);
  }
  const until = Date.now() + 1000;
  for (const bi of busy) while (Atomics.load(w.u32, bi) !== 0 && Date.now() < until) { /* an lcore is mid-burst */ }
}

export function disableLocal(port: number, queue: number, flags: number): void {
  const t = targets(port, queue, flags, MAX_QUEUES_PER_PORT, MAX_QUEUES_PER_PORT);
  const words: number[] = [];
  for (const dir of t.dirs) for (const q of t.queues) words.push(flagWord(port, dir, q));
  clearFlags(words);
}

/**
 * Frees what capture tools that died without disabling left behind: their enabled queues are switched
 * off, then their ring, mempool and filter program (objects the tool created, found by the offsets in
 * the entries) are freed. Returns the pids reclaimed. Run by the primary's mp thread.
 */
export function pdumpReclaimDead(): number[] {
  const z = eal.memzoneLookup(PDUMP_MEMZONE);
  if (z === null) return [];
  const w = eal.sharedWindow();
  const dead = new Map<number, { words: number[]; rings: Set<number>; pools: Set<number>; filters: Set<number> }>();
  const live = new Set<number>();
  for (let port = 0; port < RTE_MAX_ETHPORTS; port++) {
    for (let dir = 0; dir < 2; dir++) for (let q = 0; q < MAX_QUEUES_PER_PORT; q++) {
      const fw = flagWord(port, dir, q);
      const e = w.u32[fw]!;
      if (e === 0) continue;
      const owner = w.u32[(e + E_OWNER) >>> 2]!;
      if (live.has(owner)) continue;
      let d = dead.get(owner);
      if (d === undefined) {
        if (alive(owner)) {
          live.add(owner);
          continue;
        }
        d = { words: [], rings: new Set(), pools: new Set(), filters: new Set() };
        dead.set(owner, d);
      }
      d.words.push(fw);
      d.rings.add(w.u32[(e + E_RING) >>> 2]!);
      d.pools.add(w.u32[(e + E_MP) >>> 2]!);
      const f = w.u32[(e + E_FILTER) >>> 2]!;
      if (f !== 0) d.filters.add(f);
    }
  }
  for (const [pid, d] of dead) {
    clearFlags(d.words);
    for (const r of d.rings) tryFree(() => Ring.attach(r).free(), `ring of process ${pid}`);
    for (const p of d.pools) tryFree(() => mempoolFromOffset(p).free(), `mempool of process ${pid}`);
    for (const f of d.filters) {
      const mz = eal.memzoneList().find((m) => m.offset === f);
      if (mz) tryFree(() => eal.memzoneFree(mz), `filter of process ${pid}`);
    }
    eal.log.log(eal.log.LogLevel.NOTICE, LOG_PDUMP, `PDUMP: capture tool ${pid} died without disabling; its queues, ring, mempool and filter were released\n`);
  }
  return [...dead.keys()];
}

function tryFree(fn: () => void, what: string): void {
  try {
    fn();
  } catch (e) {
    // Freed already (the tool got that far), or another process reused the memory: leave it.
    eal.log.log(eal.log.LogLevel.DEBUG, LOG_PDUMP, `PDUMP: ${what} not freed: ${(e as Error).message}\n`);
  }
}

/** Counters of one captured queue and direction (RTE_PDUMP_FLAG_RX or _TX), summed when queue is ALL. */
export function pdumpStats(port: number, queue: number, flags: number): PdumpStats {
  const w = eal.sharedWindow();
  const z = eal.memzoneLookup(PDUMP_MEMZONE);
  const s: PdumpStats = { accepted: 0, filtered: 0, nombuf: 0, ringfull: 0 };
  if (z === null) return s;
  const t = targets(port, queue, flags, MAX_QUEUES_PER_PORT, MAX_QUEUES_PER_PORT);
  for (const dir of t.dirs) for (const q of t.queues) {
    const fi = (entryOf(z.offset, port, dir, q) + E_ACCEPTED) >>> 3;
    s.accepted += w.f64[fi]!;
    s.nombuf += w.f64[fi + 1]!;
    s.ringfull += w.f64[fi + 2]!;
    s.filtered += w.f64[fi + 3]!;
  }
  return s;
}
