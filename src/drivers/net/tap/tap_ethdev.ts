// net_tap (DPDK drivers/net/tap): a kernel TAP interface, one /dev/net/tun fd per queue pair
// (IFF_TAP|IFF_NO_PI|IFF_MULTI_QUEUE, nonblocking). Rx reads a burst of frames into a per-queue
// staging area with one native call, then copies each frame once into an mbuf (chained when longer
// than the data room). Tx hands the mbuf segments to writev as a gather list, one native call per
// burst. Queue 0's fd lives from probe to close and keeps the netdev; the kernel removes the netdev
// when the last fd closes unless `persist`. The fds belong to the probing process (its worker lcores
// use them by number); a secondary process gets duplicates from the primary over the mp channel
// (`tap_mp_sync_queues`, tap_mp.ts) when it first builds a queue handle, and closes them when it closes
// the port. Control-path calls stay the primary's. tc-based `remote` and rte_flow are not implemented.

import * as eal from '../../../lib/eal/index.js';
import { fail, TsdpdkError, type ErrnoCode } from '../../../lib/eal/errors.js';
import { registerDriver } from '../../../lib/ethdev/ethdev.js';
import { softDevInfo, type EthDevOps, type RxQueue, type TxQueue, type VdevDriver } from '../../../lib/ethdev/driver.js';
import { P, QC_MEMPOOL, S_RX_NOMBUF, S_RXQ, S_TXQ, type PortData } from '../../../lib/ethdev/port_data.js';
import {
  RTE_ETH_LINK_DOWN, RTE_ETH_LINK_FIXED, RTE_ETH_LINK_FULL_DUPLEX, RTE_ETH_LINK_UP, RTE_ETH_SPEED_NUM_10G, RX_OFFLOAD, TX_OFFLOAD,
} from '../../../lib/ethdev/constants.js';
import { parseKvargs } from '../../../lib/kvargs/index.js';
import { mempoolFromOffset, type Mempool } from '../../../lib/mempool/index.js';
import {
  alloc, allocBulk, free, M_BUF_ADDR, M_BUF_LEN, M_DATA_LEN, M_DATA_OFF, M_NB_SEGS, M_NEXT, M_PKT_LEN, M_PORT,
} from '../../../lib/mbuf/index.js';
import { tapAddon, type TapAddon } from './tap_native.js';
import { TAP_MP_KEY, tapMpAttachQueues } from './tap_mp.js';

const DRV = 'net_tap';
const DEFAULT_NAME = 'dtap%d';
/** Queue pairs per port (DPDK's RTE_PMD_TAP_MAX_QUEUES default). */
export const TAP_MAX_QUEUES = 16;
/** Rx staging frame: the largest frame a queue receives whole (a longer read is counted as an error). */
export const TAP_FRAME_SIZE = 16384;
const ETH_OVERHEAD = 14 + 4 + 4; // header, CRC, one VLAN tag
const BURST = 32; // frames per native call
const MAX_SEGS = 64; // writev iovecs per packet (native kMaxSegs)
const TX_ENTRY = 8 + 8 * MAX_SEGS;

const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;
const IFF_PROMISC = 0x100;
const IFF_ALLMULTI = 0x200;

// Private block (window offset in P.PRIV).
const V_PID = 0;
const V_PERSIST = 4;
const V_IFINDEX = 8;
const V_IFNAME = 16; // 16 bytes
const V_Q = 64; // per queue pair: Q_SIZE bytes
const Q_FD = 0; // i32, -1 = closed
const Q_RXBUF = 4; // window offset: BURST frames, then BURST u32 lengths
const Q_TXLIST = 8; // window offset: BURST gather entries
const Q_SIZE = 16;
const V_SIZE = V_Q + TAP_MAX_QUEUES * Q_SIZE;
const RXBUF_SIZE = BURST * TAP_FRAME_SIZE + BURST * 4;
const TXLIST_SIZE = BURST * TX_ENTRY;

/** Counter behind mac=fixed, per process like DPDK's static iface_idx. */
let fixedMacIdx = 0;

function ifName(v: number): string {
  const u8 = eal.sharedWindow().u8;
  let e = v + V_IFNAME;
  while (e < v + V_IFNAME + 16 && u8[e] !== 0) e++;
  return new TextDecoder().decode(u8.slice(v + V_IFNAME, e));
}

function asTsdpdk(what: string, e: unknown): TsdpdkError {
  if (e instanceof TsdpdkError) return e;
  const err = e as Error & { code?: string };
  const map: Record<string, ErrnoCode> = { EOPNOTSUPP: 'ENOTSUP', ENXIO: 'ENODEV' };
  const known = ['EPERM', 'ENOENT', 'EIO', 'EBADF', 'EAGAIN', 'ENOMEM', 'EACCES', 'EBUSY', 'EEXIST', 'ENODEV', 'EINVAL', 'ENOSPC', 'ENAMETOOLONG', 'ERANGE', 'EADDRNOTAVAIL'];
  const c = err.code === undefined ? undefined : map[err.code] ?? (known.includes(err.code) ? (err.code as ErrnoCode) : undefined);
  return new TsdpdkError(c ?? (err instanceof RangeError || err instanceof TypeError ? 'EINVAL' : 'EIO'), `${what}: ${err.message}`);
}

function sys<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw asTsdpdk(what, e);
  }
}

function own(d: PortData, what: string): number {
  const v = d.u32(P.PRIV);
  if (v === 0) fail('ENODEV', `${DRV} ${d.name}: port is closed`);
  if (eal.sharedWindow().u32[(v + V_PID) >>> 2] !== process.pid) {
    fail('ENOTSUP', `${DRV} ${d.name}: ${what} from another process is not supported (the TAP fds belong to the primary)`);
  }
  return v;
}

const qOff = (v: number, q: number) => v + V_Q + q * Q_SIZE;

/** The primary's queue fds of a port (tap_mp_sync_queues): rx 0..nb_rx-1 and tx 0..nb_tx-1 (pair q shares one fd). */
export function tapPrimaryQueueFds(d: PortData): { rx: number[]; tx: number[] } {
  if (d.driverName !== DRV) fail('EINVAL', `port ${d.name} is a ${d.driverName} port, not ${DRV}`);
  const v = d.u32(P.PRIV);
  if (v === 0) fail('ENODEV', `${DRV} ${d.name}: port is closed`);
  const w = eal.sharedWindow();
  const owner = w.u32[(v + V_PID) >>> 2]!;
  if (owner !== process.pid) fail('ENOTSUP', `${DRV} ${d.name}: its TAP fds belong to process ${owner}, not to the primary`);
  const fds = (n: number, what: string): number[] => {
    const r: number[] = [];
    for (let q = 0; q < n; q++) {
      const fd = w.i32[(qOff(v, q) + Q_FD) >>> 2]!;
      if (fd < 0) fail('EINVAL', `${DRV} ${d.name}: ${what} queue ${q} is not set up in the primary`);
      r.push(fd);
    }
    return r;
  };
  return { rx: fds(d.u32(P.NB_RXQ), 'Rx'), tx: fds(d.u32(P.NB_TXQ), 'Tx') };
}

/** Queue fds this (secondary) process received from the primary, by port; only this thread's. */
const borrowed = new Map<number, { v: number; rx: number[]; tx: number[] }>();

function dropBorrowed(port: number): void {
  const b = borrowed.get(port);
  if (b === undefined) return;
  borrowed.delete(port);
  for (const fd of new Set([...b.rx, ...b.tx])) {
    try { tapAddon(DRV).tapClose(fd); } catch { /* already closed */ }
  }
}

/**
 * Queue q's fd for a handle in this thread: the shared one in the owning process, else (a secondary)
 * the primary's duplicate, asked once per port (again if the port gained queues since).
 */
function queueFd(d: PortData, v: number, q: number, rx: boolean): number {
  const w = eal.sharedWindow();
  if (w.u32[(v + V_PID) >>> 2] === process.pid) {
    const fd = w.i32[(qOff(v, q) + Q_FD) >>> 2]!;
    if (fd < 0) fail('EINVAL', `${DRV} ${d.name}: ${rx ? 'Rx' : 'Tx'} queue ${q} is not set up`);
    return fd;
  }
  let b = borrowed.get(d.portId);
  if (b !== undefined && (b.v !== v || q >= (rx ? b.rx : b.tx).length)) {
    dropBorrowed(d.portId);
    b = undefined;
  }
  if (b === undefined) {
    const owner = w.u32[(v + V_PID) >>> 2];
    if (eal.mp.socketPath() === null) {
      // A worker lcore (no EAL runtime or mp channel in its thread) or --in-memory.
      fail('ENOTSUP', `${DRV} ${d.name}: the TAP fds belong to process ${owner}; a secondary gets them over the mp channel, which only its main thread runs (use the port's queues from there)`);
    }
    if (eal.processType() !== 'secondary') fail('ENOTSUP', `${DRV} ${d.name}: the TAP fds belong to process ${owner}, a secondary; only the primary shares its queues`);
    const got = tapMpAttachQueues(d.name);
    b = { v, rx: got.rx, tx: got.tx };
    borrowed.set(d.portId, b);
  }
  const fd = (rx ? b.rx : b.tx)[q];
  if (fd === undefined) fail('EINVAL', `${DRV} ${d.name}: ${rx ? 'Rx' : 'Tx'} queue ${q} is not set up in the primary (it has ${(rx ? b.rx : b.tx).length})`);
  return fd;
}

function stagingArea(d: PortData, v: number, q: number, o: number): number {
  const a = eal.sharedWindow().u32[(qOff(v, q) + o) >>> 2]!;
  if (a === 0) fail('EINVAL', `${DRV} ${d.name}: queue ${q} is not set up in the primary`);
  return a;
}

/** Registers tap_mp_sync_queues in a primary, once per process (DPDK: with the first tap port). */
let mpRegistered = false;
function registerMpAction(): void {
  if (mpRegistered || eal.processType() !== 'primary') return;
  mpRegistered = true;
  if (eal.mp.actionList().includes(TAP_MP_KEY)) return;
  try {
    eal.mp.actionRegisterModule(TAP_MP_KEY, new URL('./tap_mp.js', import.meta.url), 'tapMpSyncQueues');
  } catch (e) {
    // ENOTSUP (--in-memory): no secondaries can exist, as DPDK ignores it.
    if (!(e instanceof TsdpdkError && e.code === 'ENOTSUP')) throw e;
  }
}

class TapRxQueue implements RxQueue {
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;
  private readonly sab: SharedArrayBuffer;
  private readonly buf: number;
  private readonly lens: number;
  private readonly base: number;

  constructor(
    private readonly addon: TapAddon, private readonly fd: number, rxbuf: number, private readonly pool: Mempool,
    private readonly portId: number, private readonly statIdx: number, private readonly nombufIdx: number,
  ) {
    const w = eal.sharedWindow();
    this.u8 = w.u8;
    this.u16 = w.u16;
    this.u32 = w.u32;
    this.f64 = w.f64;
    this.sab = w.buffer as SharedArrayBuffer;
    this.base = w.base;
    this.buf = rxbuf;
    this.lens = rxbuf + BURST * TAP_FRAME_SIZE;
  }

  rxBurst(mbufs: Uint32Array, n: number): number {
    if (n === 0) return 0;
    const k = this.addon.tapReadBurst(this.fd, this.sab, this.base + this.buf, TAP_FRAME_SIZE, n < BURST ? n : BURST, this.base + this.lens);
    // A failed read is no packet: like DPDK (readv < 0 ends the burst) it is not an Rx error. A deleted
    // interface makes every read fail (EBADFD): counting those would count polls.
    if (k <= 0) return 0;
    if (allocBulk(this.pool, mbufs, k) !== 0) {
      this.f64[this.nombufIdx] += k; // already read from the kernel: dropped
      return 0;
    }
    const u16 = this.u16;
    const u32 = this.u32;
    let out = 0;
    let bytes = 0;
    let errors = 0;
    let nombuf = 0;
    for (let i = 0; i < k; i++) {
      const m = mbufs[i]!;
      const len = u32[(this.lens >>> 2) + i]!;
      if (len >= TAP_FRAME_SIZE) {
        free(m); // possibly truncated
        errors++;
        continue;
      }
      if (!this.fill(m, this.buf + i * TAP_FRAME_SIZE, len)) {
        free(m);
        nombuf++;
        continue;
      }
      u32[(m + M_PKT_LEN) >>> 2] = len;
      u16[(m + M_PORT) >>> 1] = this.portId;
      mbufs[out++] = m;
      bytes += len;
    }
    this.f64[this.statIdx] += out;
    this.f64[this.statIdx + 1] += bytes;
    if (errors > 0) this.f64[this.statIdx + 2] += errors;
    if (nombuf > 0) this.f64[this.nombufIdx] += nombuf;
    return out;
  }

  /** Copies len bytes at window offset src into m, chaining segments as needed. */
  private fill(m: number, src: number, len: number): boolean {
    const u8 = this.u8;
    const u16 = this.u16;
    const u32 = this.u32;
    let seg = m;
    for (;;) {
      const d = u32[(seg + M_BUF_ADDR) >>> 2]! + u16[(seg + M_DATA_OFF) >>> 1]!;
      const room = u16[(seg + M_BUF_LEN) >>> 1]! - u16[(seg + M_DATA_OFF) >>> 1]!;
      const take = len < room ? len : room;
      u8.copyWithin(d, src, src + take);
      u16[(seg + M_DATA_LEN) >>> 1] = take;
      src += take;
      len -= take;
      if (len === 0) return true;
      const s = alloc(this.pool);
      if (s === 0) return false; // free(m) releases the partial chain
      u32[(seg + M_NEXT) >>> 2] = s;
      u16[(m + M_NB_SEGS) >>> 1] = u16[(m + M_NB_SEGS) >>> 1]! + 1;
      seg = s;
    }
  }
}

class TapTxQueue implements TxQueue {
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;
  private readonly sab: SharedArrayBuffer;
  private readonly base: number;

  constructor(
    private readonly addon: TapAddon, private readonly fd: number, private readonly list: number, private readonly mtuIdx: number,
    private readonly statIdx: number,
  ) {
    const w = eal.sharedWindow();
    this.u16 = w.u16;
    this.u32 = w.u32;
    this.f64 = w.f64;
    this.sab = w.buffer as SharedArrayBuffer;
    this.base = w.base;
  }

  txBurst(mbufs: Uint32Array, n: number): number {
    const u16 = this.u16;
    const u32 = this.u32;
    const maxLen = u32[this.mtuIdx]! + ETH_OVERHEAD;
    let done = 0;
    let sent = 0;
    let bytes = 0;
    let errors = 0;
    while (done < n) {
      const chunk = n - done < BURST ? n - done : BURST;
      let e = this.list;
      for (let i = 0; i < chunk; i++) {
        const m = mbufs[done + i]!;
        let ns = 0;
        // Oversized or too fragmented: an empty entry the native side marks as failed.
        if (u32[(m + M_PKT_LEN) >>> 2]! <= maxLen && u16[(m + M_NB_SEGS) >>> 1]! <= MAX_SEGS) {
          for (let s = m; s !== 0; s = u32[(s + M_NEXT) >>> 2]!) {
            const x = (e + 8 + 8 * ns) >>> 2;
            u32[x] = u32[(s + M_BUF_ADDR) >>> 2]! + u16[(s + M_DATA_OFF) >>> 1]!;
            u32[x + 1] = u16[(s + M_DATA_LEN) >>> 1]!;
            ns++;
          }
        }
        u32[e >>> 2] = ns;
        u32[(e >>> 2) + 1] = ns === 0 ? 1 : 0;
        e += 8 + 8 * ns;
      }
      const k = this.addon.tapWriteBurst(this.fd, this.sab, this.base, this.list, chunk);
      e = this.list;
      for (let i = 0; i < k; i++) {
        const m = mbufs[done + i]!;
        const ns = u32[e >>> 2]!;
        if (ns !== 0 && u32[(e >>> 2) + 1] === 0) {
          sent++;
          bytes += u32[(m + M_PKT_LEN) >>> 2]!;
        } else {
          errors++;
        }
        free(m);
        e += 8 + 8 * ns;
      }
      done += k;
      if (k < chunk) break; // kernel queue full: the rest stay the caller's
    }
    this.f64[this.statIdx] += sent;
    this.f64[this.statIdx + 1] += bytes;
    if (errors > 0) this.f64[this.statIdx + 2] += errors;
    return done;
  }
}

/** Opens queue pair q's fd and staging areas if not yet open. */
function openQueue(d: PortData, v: number, q: number): void {
  const w = eal.sharedWindow();
  const qo = qOff(v, q);
  if (w.i32[(qo + Q_FD) >>> 2]! < 0) {
    const name = ifName(v);
    const [fd] = sys(`${DRV} ${d.name}: opening queue ${q} of ${name}`, () => tapAddon(DRV).tapOpen(name, false));
    w.i32[(qo + Q_FD) >>> 2] = fd;
  }
  if (w.u32[(qo + Q_RXBUF) >>> 2] === 0) w.u32[(qo + Q_RXBUF) >>> 2] = eal.malloc('tap_rx', RXBUF_SIZE, 64);
  if (w.u32[(qo + Q_TXLIST) >>> 2] === 0) w.u32[(qo + Q_TXLIST) >>> 2] = eal.malloc('tap_tx', TXLIST_SIZE, 64);
}

/** Closes queue pair q (queue 0 only when closing the port). */
function closeQueue(v: number, q: number): void {
  const w = eal.sharedWindow();
  const qo = qOff(v, q);
  const fd = w.i32[(qo + Q_FD) >>> 2]!;
  if (fd >= 0) {
    try { tapAddon(DRV).tapClose(fd); } catch { /* already closed */ }
    w.i32[(qo + Q_FD) >>> 2] = -1;
  }
  for (const o of [Q_RXBUF, Q_TXLIST]) {
    const b = w.u32[(qo + o) >>> 2]!;
    if (b !== 0) eal.free(b);
    w.u32[(qo + o) >>> 2] = 0;
  }
}

/** rxQueueAttach: a handle in another thread or (secondary) process. */
function rxQueueAttach(d: PortData, q: number): RxQueue {
  const v = d.u32(P.PRIV);
  if (v === 0) fail('ENODEV', `${DRV} ${d.name}: port is closed`);
  const fd = queueFd(d, v, q, true);
  return new TapRxQueue(tapAddon(DRV), fd, stagingArea(d, v, q, Q_RXBUF), mempoolFromOffset(d.rxqConf(q, QC_MEMPOOL)), d.portId,
    d.statsIndex + S_RXQ + 3 * q, d.statsIndex + S_RX_NOMBUF);
}

function txQueueAttach(d: PortData, q: number): TxQueue {
  const v = d.u32(P.PRIV);
  if (v === 0) fail('ENODEV', `${DRV} ${d.name}: port is closed`);
  const fd = queueFd(d, v, q, false);
  return new TapTxQueue(tapAddon(DRV), fd, stagingArea(d, v, q, Q_TXLIST), (d.base + P.MTU) >>> 2, d.statsIndex + S_TXQ + 3 * q);
}

function rxQueue(d: PortData, q: number, mempool: number): RxQueue {
  const v = own(d, 'Rx');
  if (q >= TAP_MAX_QUEUES) fail('EINVAL', `${DRV} ${d.name}: Rx queue ${q} >= ${TAP_MAX_QUEUES}`);
  openQueue(d, v, q);
  const w = eal.sharedWindow();
  const qo = qOff(v, q);
  return new TapRxQueue(tapAddon(DRV), w.i32[(qo + Q_FD) >>> 2]!, w.u32[(qo + Q_RXBUF) >>> 2]!, mempoolFromOffset(mempool), d.portId,
    d.statsIndex + S_RXQ + 3 * q, d.statsIndex + S_RX_NOMBUF);
}

function txQueue(d: PortData, q: number): TxQueue {
  const v = own(d, 'Tx');
  if (q >= TAP_MAX_QUEUES) fail('EINVAL', `${DRV} ${d.name}: Tx queue ${q} >= ${TAP_MAX_QUEUES}`);
  openQueue(d, v, q);
  const w = eal.sharedWindow();
  const qo = qOff(v, q);
  return new TapTxQueue(tapAddon(DRV), w.i32[(qo + Q_FD) >>> 2]!, w.u32[(qo + Q_TXLIST) >>> 2]!, (d.base + P.MTU) >>> 2, d.statsIndex + S_TXQ + 3 * q);
}

function release(v: number): void {
  if (eal.sharedWindow().u32[(v + V_PID) >>> 2] !== process.pid) return;
  for (let q = 0; q < TAP_MAX_QUEUES; q++) closeQueue(v, q);
}

function ifGet(v: number): number[] {
  const name = ifName(v);
  return sys(`${DRV} ${name}`, () => tapAddon(DRV).tapIfGet(name));
}

function changeFlags(d: PortData, set: number, clear: number, what: string): void {
  const v = own(d, what);
  const name = ifName(v);
  sys(`${DRV} ${d.name}: ${what} on ${name}`, () => tapAddon(DRV).tapIfSetFlags(name, set, clear));
}

/**
 * Link up when the interface is up with carrier (IFF_UP and IFF_RUNNING), as DPDK's tap_link_update.
 * An interface this namespace cannot see (moved with `ip link set netns`) reads as down, not as an
 * error: DPDK's ioctl failure leaves the flags 0. The queue fds keep working across the move.
 */
function refreshLink(d: PortData): void {
  const v = d.u32(P.PRIV);
  if (v === 0) return;
  let fl = 0;
  try {
    fl = ifGet(v)[1]!;
  } catch {
    fl = 0;
  }
  d.setU32(P.LINK_STATUS, (fl & IFF_UP) !== 0 && (fl & IFF_RUNNING) !== 0 ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN);
}

const ops: EthDevOps = {
  devInfo(d) {
    const v = d.u32(P.PRIV);
    return softDevInfo(DRV, {
      ifIndex: v === 0 ? 0 : eal.sharedWindow().u32[(v + V_IFINDEX) >>> 2]!,
      maxRxQueues: TAP_MAX_QUEUES,
      maxTxQueues: TAP_MAX_QUEUES,
      maxMacAddrs: 1,
      maxMtu: TAP_FRAME_SIZE - ETH_OVERHEAD,
      maxRxPktLen: TAP_FRAME_SIZE - 1,
      rxOffloadCapa: RX_OFFLOAD.SCATTER,
      txOffloadCapa: TX_OFFLOAD.MULTI_SEGS,
    });
  },
  configure(d) {
    // Queue pairs beyond the new count: close them so the kernel stops steering frames there.
    const v = own(d, 'configure');
    const keep = Math.max(1, d.u32(P.NB_RXQ), d.u32(P.NB_TXQ));
    for (let q = keep; q < TAP_MAX_QUEUES; q++) closeQueue(v, q);
  },
  rxQueueSetup: (d, q, conf) => rxQueue(d, q, conf.mempool),
  txQueueSetup: (d, q) => txQueue(d, q),
  rxQueueAttach,
  txQueueAttach,
  start(d) {
    changeFlags(d, IFF_UP, 0, 'start');
    refreshLink(d);
  },
  stop(d) {
    const v = d.u32(P.PRIV);
    // Like DPDK's tap_dev_stop, a failed link-down (interface moved to another namespace) does not fail the stop.
    if (v !== 0 && eal.sharedWindow().u32[(v + V_PID) >>> 2] === process.pid) {
      try {
        changeFlags(d, 0, IFF_UP, 'stop');
      } catch {
        // nothing to take down from here
      }
    }
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
  },
  close(d) {
    dropBorrowed(d.portId);
    const v = d.u32(P.PRIV);
    if (v !== 0) release(v);
  },
  linkUpdate: (d) => refreshLink(d),
  setLinkUp(d) {
    changeFlags(d, IFF_UP, 0, 'link up');
    refreshLink(d);
  },
  setLinkDown(d) {
    changeFlags(d, 0, IFF_UP, 'link down');
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
  },
  promiscuousEnable: (d) => changeFlags(d, IFF_PROMISC, 0, 'promiscuous enable'),
  promiscuousDisable: (d) => changeFlags(d, 0, IFF_PROMISC, 'promiscuous disable'),
  allmulticastEnable: (d) => changeFlags(d, IFF_ALLMULTI, 0, 'all-multicast enable'),
  allmulticastDisable: (d) => changeFlags(d, 0, IFF_ALLMULTI, 'all-multicast disable'),
  mtuSet(d, mtu) {
    const name = ifName(own(d, 'MTU set'));
    sys(`${DRV} ${d.name}: MTU ${mtu} on ${name}`, () => tapAddon(DRV).tapIfSetMtu(name, mtu));
  },
  macAddrSet(d, mac) {
    const name = ifName(own(d, 'MAC set'));
    sys(`${DRV} ${d.name}: MAC on ${name}`, () => tapAddon(DRV).tapIfSetMac(name, mac[0]!, mac[1]!, mac[2]!, mac[3]!, mac[4]!, mac[5]!));
  },
};

/**
 * DPDK's mac devarg: `fixed` (prefix, any case), or rte_ether_unformat_addr's forms: six ':'-separated
 * pairs of hex digits (xx:xx:xx:xx:xx:xx) or three groups of four (xxxx:xxxx:xxxx). All zeros means a
 * random address (as no devarg). A multicast address is refused (in DPDK the kernel refuses it:
 * SIOCSIFHWADDR fails with EADDRNOTAVAIL, which tsdpdk's errno set lacks: EINVAL here).
 */
function parseMac(dev: string, value: string | undefined): number[] | null {
  const s = value ?? '';
  if (s.toLowerCase().startsWith('fixed')) {
    // 02:64:74:61:70:<'0' + n> ("\x02dtap" then an ASCII digit from a per-process counter), as DPDK.
    return [0x02, 0x64, 0x74, 0x61, 0x70, (0x30 + fixedMacIdx++) & 0xff];
  }
  let mac: number[];
  if (/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(s)) mac = s.split(':').map((p) => parseInt(p, 16));
  else if (/^[0-9a-fA-F]{4}(:[0-9a-fA-F]{4}){2}$/.test(s)) mac = s.split(':').flatMap((w) => [parseInt(w.slice(0, 2), 16), parseInt(w.slice(2), 16)]);
  else fail('EINVAL', `${DRV} ${dev}: invalid mac '${s}' (fixed, xx:xx:xx:xx:xx:xx or xxxx:xxxx:xxxx)`);
  if (mac.every((b) => b === 0)) return null;
  if ((mac[0]! & 1) !== 0) fail('EINVAL', `${DRV} ${dev}: mac '${s}' is not a unicast address`);
  return mac;
}

const driver: VdevDriver = {
  name: DRV,
  aliases: ['eth_tap'],
  validKeys: ['iface', 'mac', 'remote', 'persist'],
  probe(d, devName, args) {
    const kv = parseKvargs(args, driver.validKeys);
    for (const k of ['iface', 'mac', 'remote', 'persist']) {
      if (kv.count(k) > 1) fail('EINVAL', `${DRV} ${devName}: ${k} given more than once`);
    }
    if (kv.has('remote')) fail('ENOTSUP', `${DRV} ${devName}: remote=${kv.get('remote') ?? ''} is not supported (tc redirection is not implemented)`);
    const iface = kv.has('iface') ? kv.get('iface') ?? '' : DEFAULT_NAME;
    const bytes = new TextEncoder().encode(iface).length;
    if (bytes === 0 || bytes >= 16 || /[\s/:]/.test(iface)) fail('EINVAL', `${DRV} ${devName}: invalid iface '${iface}' (1..15 bytes, no '/', ':' or spaces)`);
    const persist = kv.has('persist');
    let mac: number[] | null = null;
    if (kv.has('mac')) mac = parseMac(devName, kv.get('mac'));
    if (mac === null) {
      const b = new Uint8Array(6);
      for (let i = 0; i < 6; i++) b[i] = (Math.random() * 256) | 0;
      b[0] = (b[0]! & 0xfe) | 0x02; // locally administered unicast (rte_eth_random_addr)
      mac = Array.from(b);
    }

    const a = tapAddon(DRV);
    let fd: number;
    let name: string;
    try {
      [fd, name] = a.tapOpen(iface, persist);
    } catch (e) {
      const c = (e as { code?: string }).code;
      if (c === 'ENOENT' || c === 'ENODEV') fail('ENODEV', `${DRV} ${devName}: /dev/net/tun is not available (${(e as Error).message})`);
      if (c === 'EPERM' || c === 'EACCES') fail('EPERM', `${DRV} ${devName}: creating ${iface} needs CAP_NET_ADMIN (${(e as Error).message})`);
      throw asTsdpdk(`${DRV} ${devName}: creating ${iface}`, e);
    }
    const w = eal.sharedWindow();
    const v = eal.zmalloc('tap', V_SIZE);
    w.u32[(v + V_PID) >>> 2] = process.pid;
    w.u32[(v + V_PERSIST) >>> 2] = persist ? 1 : 0;
    w.u8.set(new TextEncoder().encode(name), v + V_IFNAME);
    for (let q = 0; q < TAP_MAX_QUEUES; q++) w.i32[(qOff(v, q) + Q_FD) >>> 2] = -1;
    w.i32[(qOff(v, 0) + Q_FD) >>> 2] = fd;
    let info: number[];
    try {
      const m = mac;
      sys(`${DRV} ${devName}: MAC on ${name}`, () => a.tapIfSetMac(name, m[0]!, m[1]!, m[2]!, m[3]!, m[4]!, m[5]!));
      info = ifGet(v);
    } catch (e) {
      release(v);
      eal.free(v);
      throw e;
    }
    w.u32[(v + V_IFINDEX) >>> 2] = info[0]!;
    d.setU32(P.PRIV, v);
    d.setU32(P.LINK_SPEED, RTE_ETH_SPEED_NUM_10G); // DPDK's fixed tap speed (the kernel reports 10 Mb/s)
    d.setU32(P.LINK_DUPLEX, RTE_ETH_LINK_FULL_DUPLEX);
    d.setU32(P.LINK_AUTONEG, RTE_ETH_LINK_FIXED);
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
    d.setMacAddr(0, info.slice(3, 9));
    d.setU32(P.MTU, info[2]!);
    d.setU32(P.PROMISC, (info[1]! & IFF_PROMISC) !== 0 ? 1 : 0);
    d.setU32(P.ALLMULTI, (info[1]! & IFF_ALLMULTI) !== 0 ? 1 : 0);
    registerMpAction();
    return ops;
  },
  attachSecondary() {
    return ops;
  },
  remove(d) {
    dropBorrowed(d.portId);
    const v = d.u32(P.PRIV);
    if (v === 0) return;
    if (eal.sharedWindow().u32[(v + V_PID) >>> 2] === process.pid) {
      release(v);
      eal.free(v);
    }
    d.setU32(P.PRIV, 0);
  },
};

/** Kernel name of a net_tap port's interface (e.g. the dtapN chosen for `dtap%d`). */
export function tapIfName(d: PortData): string {
  const v = d.u32(P.PRIV);
  if (v === 0) fail('ENODEV', `${DRV} ${d.name}: port is closed`);
  return ifName(v);
}

registerDriver(driver);
