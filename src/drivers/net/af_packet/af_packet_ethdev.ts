// net_af_packet (DPDK drivers/net/af_packet): a kernel interface through AF_PACKET sockets with
// PACKET_MMAP rings (af_packet_rings.ts: TPACKET_V3 by default, V2 with tpacket=2 or when the kernel
// lacks V3). One socket per queue pair (PACKET_FANOUT hash group), RX and TX ring mapped over a heap
// block of the shared Memory so bursts read and write frames in place. Rx copies each frame once into
// an mbuf (chained when it exceeds the data room, a tsdpdk addition); Tx copies into ring frames and
// kicks once per burst. Sockets belong to the probing process (its worker lcores poll the queues too); a
// secondary gets duplicates over the mp channel (`afp_mp_sync_queues`, af_packet_mp.ts; DPDK 22.11 has
// no secondary data path here) on its first burst, maps each socket's rings at the same window offset,
// and uses the cursors of the shared record; it unmaps and closes them when it closes the port. One
// process per queue at a time, as in DPDK. Control-path calls stay the primary's.
//
// Devargs as DPDK's: iface, qpairs, blocksz, framesz, framecnt, qdisc_bypass (same defaults and checks;
// with V3, framecnt / (blocksz / framesz) still gives the number of blocks, so the ring memory is the
// same as DPDK's). tsdpdk addition: tpacket=2|3.

import { readFileSync } from 'node:fs';
import * as eal from '../../../lib/eal/index.js';
import { fail, TsdpdkError } from '../../../lib/eal/errors.js';
import { registerDriver } from '../../../lib/ethdev/ethdev.js';
import { softDevInfo, type EthDevOps, type RxQueue, type TxQueue, type VdevDriver, type XstatEntry } from '../../../lib/ethdev/driver.js';
import { P, S_IMISSED, S_RX_NOMBUF, S_RXQ, S_TXQ, type PortData } from '../../../lib/ethdev/port_data.js';
import {
  MAX_QUEUES_PER_PORT, RTE_ETH_LINK_DOWN, RTE_ETH_LINK_FIXED, RTE_ETH_LINK_FULL_DUPLEX, RTE_ETH_LINK_UP, RTE_ETH_SPEED_NUM_10G,
  RX_OFFLOAD, TX_OFFLOAD,
} from '../../../lib/ethdev/constants.js';
import { parseKvargs } from '../../../lib/kvargs/index.js';
import { mempoolFromOffset } from '../../../lib/mempool/index.js';
import { asTsdpdk, packetAddon, sys } from './af_packet_native.js';
import {
  closeRings, initRecord, mapBorrowedRing, openRings, recordFd, recordOwned, recordVersion, ringRxQueue, ringStats, ringTxQueue, R_SIZE,
  RX_RING, TPACKET2_HDRLEN, TPACKET_ALIGNMENT, TX_RING, txDataOffset, unmapBorrowedRing,
} from './af_packet_rings.js';
import { AFP_MP_KEY, afpMpAttachQueues } from './af_packet_mp.js';

const DRV = 'net_af_packet';

const RX_MAC_MIN = 66; // V2 tp_mac of an Rx frame without PACKET_RESERVE: align16(52 + 16) - 14
const PACKET_FANOUT_HASH = 0;
const PACKET_FANOUT_FLAG_ROLLOVER = 0x1000;
const PACKET_FANOUT_FLAG_DEFRAG = 0x8000;
const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;
const IFF_PROMISC = 0x100;

const DFLT_FRAME_SIZE = 1 << 11;
const DFLT_FRAME_COUNT = 1 << 9;
const MAX_RING_BYTES = 1 << 30;

// Private block (window offset in P.PRIV).
const V_NB_Q = 0;
const V_IFINDEX = 4;
const V_FRAMESZ = 16;
const V_PID = 28;
const V_VLAN_STRIP = 32;
const V_FREEZE = 40; // f64: tp_freeze_q_cnt summed over the sockets (V3)
const V_IFNAME = 64; // 16 bytes
const V_Q = 128; // per queue pair: one socket record (af_packet_rings.ts)
const V_SIZE = V_Q + MAX_QUEUES_PER_PORT * R_SIZE;

const rec = (v: number, q: number): number => v + V_Q + q * R_SIZE;

function ifName(v: number): string {
  const u8 = eal.sharedWindow().u8;
  let e = v + V_IFNAME;
  while (e < v + V_IFNAME + 16 && u8[e] !== 0) e++;
  return new TextDecoder().decode(u8.slice(v + V_IFNAME, e));
}

function ownQueues(d: PortData, what: string): number {
  const v = d.u32(P.PRIV);
  if (v === 0) fail('ENODEV', `${DRV} ${d.name}: port is closed`);
  if (eal.sharedWindow().u32[(v + V_PID) >>> 2] !== process.pid) {
    fail('ENOTSUP', `${DRV} ${d.name}: ${what} from another process is not supported: the AF_PACKET sockets belong to the process that probed the port (pid ${eal.sharedWindow().u32[(v + V_PID) >>> 2]}); a secondary gets only the queues (afp_mp_sync_queues)`);
  }
  return v;
}

/** The primary's socket fd of each queue pair (afp_mp_sync_queues). */
export function afpPrimaryQueueFds(d: PortData): number[] {
  if (d.driverName !== DRV) fail('EINVAL', `port ${d.name} is a ${d.driverName} port, not ${DRV}`);
  const v = d.u32(P.PRIV);
  if (v === 0) fail('ENODEV', `${DRV} ${d.name}: port is closed`);
  const w = eal.sharedWindow();
  const owner = w.u32[(v + V_PID) >>> 2]!;
  if (owner !== process.pid) fail('ENOTSUP', `${DRV} ${d.name}: its sockets belong to process ${owner}, not to the primary`);
  const fds: number[] = [];
  for (let q = 0; q < w.u32[(v + V_NB_Q) >>> 2]!; q++) {
    const fd = recordFd(rec(v, q));
    if (fd < 0) fail('EINVAL', `${DRV} ${d.name}: queue pair ${q} has no socket in the primary`);
    fds.push(fd);
  }
  return fds;
}

/** Sockets this (secondary) process received from the primary and whose rings it mapped, by port; this thread's only. */
const borrowed = new Map<number, { v: number; fds: number[] }>();

function unborrow(v: number, fds: number[], mapped: number, who: string): void {
  const a = packetAddon(DRV);
  for (let q = 0; q < mapped; q++) {
    try { unmapBorrowedRing(rec(v, q), `${who} queue ${q}`); } catch { /* the window keeps anonymous pages there */ }
  }
  for (const fd of fds) {
    try { a.packetClose(fd); } catch { /* already closed */ }
  }
}

function dropBorrowed(port: number, who: string): void {
  const b = borrowed.get(port);
  if (b === undefined) return;
  borrowed.delete(port);
  unborrow(b.v, b.fds, b.fds.length, who);
}

/**
 * This thread's socket fd of queue pair q: the shared one in the owning process, else (a secondary) the
 * primary's duplicate, asked once per port with the rings of every pair mapped at the primary's offsets.
 */
function queueFd(d: PortData, v: number, q: number, what: string): number {
  const w = eal.sharedWindow();
  const who = `${DRV} ${d.name}`;
  if (q >= w.u32[(v + V_NB_Q) >>> 2]!) fail('EINVAL', `${who}: ${what} queue ${q} >= qpairs`);
  const owner = w.u32[(v + V_PID) >>> 2]!;
  if (owner === process.pid) return recordFd(rec(v, q));
  let b = borrowed.get(d.portId);
  if (b !== undefined && (b.v !== v || q >= b.fds.length)) {
    dropBorrowed(d.portId, who);
    b = undefined;
  }
  if (b === undefined) {
    if (eal.mp.socketPath() === null) {
      // A worker lcore (no mp channel in its thread) or --in-memory.
      fail('ENOTSUP', `${who}: the AF_PACKET sockets belong to process ${owner}; a secondary gets them over the mp channel, which only its main thread runs (use the port's queues from there)`);
    }
    if (eal.processType() !== 'secondary') fail('ENOTSUP', `${who}: the AF_PACKET sockets belong to process ${owner}, a secondary; only the primary shares its queues`);
    const fds = afpMpAttachQueues(d.name);
    const a = packetAddon(DRV);
    let mapped = 0;
    try {
      if (fds.length !== w.u32[(v + V_NB_Q) >>> 2]) fail('EIO', `${who}: the primary sent ${fds.length} sockets for ${w.u32[(v + V_NB_Q) >>> 2]} queue pairs`);
      for (; mapped < fds.length; mapped++) mapBorrowedRing(a, rec(v, mapped), fds[mapped]!, `${who} queue ${mapped}`);
    } catch (e) {
      unborrow(v, fds, mapped, who);
      throw e;
    }
    b = { v, fds };
    borrowed.set(d.portId, b);
  }
  return b.fds[q]!;
}

function rxQueue(d: PortData, q: number, mempool: number): RxQueue {
  const v = d.u32(P.PRIV);
  if (v === 0) fail('ENODEV', `${DRV} ${d.name}: port is closed`);
  const fd = queueFd(d, v, q, 'Rx');
  const w = eal.sharedWindow();
  return ringRxQueue(rec(v, q), {
    pool: mempoolFromOffset(mempool), portId: d.portId, vlanStrip: w.u32[(v + V_VLAN_STRIP) >>> 2] === 1,
    statIdx: d.statsIndex + S_RXQ + 3 * q, nombufIdx: d.statsIndex + S_RX_NOMBUF, tsField: -1, tsFlagBit: -1,
  }, `${DRV} ${d.name}`, fd >= 0 && !recordOwned(rec(v, q)));
}

function txQueue(d: PortData, q: number): TxQueue {
  const v = d.u32(P.PRIV);
  if (v === 0) fail('ENODEV', `${DRV} ${d.name}: port is closed`);
  const fd = queueFd(d, v, q, 'Tx');
  return ringTxQueue(packetAddon(DRV), rec(v, q), d.statsIndex + S_TXQ + 3 * q, `${DRV} ${d.name}`, recordOwned(rec(v, q)) ? -1 : fd);
}

/** Registers afp_mp_sync_queues in a primary, once per process. */
let mpRegistered = false;
function registerMpAction(): void {
  if (mpRegistered || eal.processType() !== 'primary') return;
  mpRegistered = true;
  if (eal.mp.actionList().includes(AFP_MP_KEY)) return;
  try {
    eal.mp.actionRegisterModule(AFP_MP_KEY, new URL('./af_packet_mp.js', import.meta.url), 'afpMpSyncQueues');
  } catch (e) {
    // ENOTSUP (--in-memory): no secondaries can exist.
    if (!(e instanceof TsdpdkError && e.code === 'ENOTSUP')) throw e;
  }
}

/** Closes the sockets and gives the ring blocks back (idempotent). */
function release(v: number): void {
  const w = eal.sharedWindow();
  if (w.u32[(v + V_PID) >>> 2] !== process.pid) return;
  const a = packetAddon(DRV);
  const nq = w.u32[(v + V_NB_Q) >>> 2]!;
  for (let q = 0; q < nq; q++) closeRings(a, rec(v, q), DRV);
}

/** Kernel counters of every socket into imissed and the freeze counter (the kernel resets them on read). */
function drainKernelStats(d: PortData, v: number): void {
  const w = eal.sharedWindow();
  if (w.u32[(v + V_PID) >>> 2] !== process.pid) return;
  const a = packetAddon(DRV);
  const nq = w.u32[(v + V_NB_Q) >>> 2]!;
  for (let q = 0; q < nq; q++) {
    if (!recordOwned(rec(v, q)) || recordFd(rec(v, q)) < 0) continue;
    const [, drops, freeze] = ringStats(a, rec(v, q), `${DRV} ${d.name}`);
    w.f64[d.statsIndex + S_IMISSED] += drops;
    w.f64[(v + V_FREEZE) >>> 3] += freeze;
  }
}

function ifFlags(v: number): number {
  const name = ifName(v);
  return sys(`${DRV} ${name}`, () => packetAddon(DRV).packetIfInfo(name)).flags;
}

function changeFlags(d: PortData, set: number, clear: number, what: string): void {
  const v = ownQueues(d, what);
  const name = ifName(v);
  sys(`${DRV} ${d.name}: ${what} on ${name}`, () => packetAddon(DRV).packetIfSetFlags(name, set, clear));
}

function linkSpeed(name: string): number {
  try {
    const s = Number(readFileSync(`/sys/class/net/${name}/speed`, 'utf8').trim());
    return Number.isInteger(s) && s > 0 ? s : RTE_ETH_SPEED_NUM_10G;
  } catch {
    return RTE_ETH_SPEED_NUM_10G;
  }
}

/** Link up when the port is started and the interface is up with carrier (IFF_UP and IFF_RUNNING). */
function refreshLink(d: PortData, started: boolean): void {
  const v = d.u32(P.PRIV);
  if (v === 0) return;
  const fl = ifFlags(v);
  d.setU32(P.LINK_SPEED, linkSpeed(ifName(v)));
  d.setU32(P.LINK_STATUS, started && (fl & IFF_UP) !== 0 && (fl & IFF_RUNNING) !== 0 ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN);
}

const ops: EthDevOps = {
  devInfo(d) {
    const v = d.u32(P.PRIV);
    const w = eal.sharedWindow();
    const nq = v === 0 ? 1 : w.u32[(v + V_NB_Q) >>> 2]!;
    const framesz = v === 0 ? DFLT_FRAME_SIZE : w.u32[(v + V_FRAMESZ) >>> 2]!;
    return softDevInfo(DRV, {
      ifIndex: v === 0 ? 0 : w.u32[(v + V_IFINDEX) >>> 2]!,
      maxRxQueues: nq,
      maxTxQueues: nq,
      maxMacAddrs: 1,
      maxRxPktLen: v !== 0 && recordVersion(rec(v, 0)) === 3 ? framesz - txDataOffset(3) : framesz - RX_MAC_MIN,
      rxOffloadCapa: RX_OFFLOAD.VLAN_STRIP | RX_OFFLOAD.SCATTER,
      txOffloadCapa: TX_OFFLOAD.MULTI_SEGS | TX_OFFLOAD.VLAN_INSERT,
    });
  },
  configure(d) {
    const v = d.u32(P.PRIV);
    eal.sharedWindow().u32[(v + V_VLAN_STRIP) >>> 2] = (d.u64(P.RX_OFFLOADS) & RX_OFFLOAD.VLAN_STRIP) !== 0n ? 1 : 0;
  },
  rxQueueSetup(d, q, conf) {
    return rxQueue(d, q, conf.mempool);
  },
  txQueueSetup: (d, q) => txQueue(d, q),
  rxQueueAttach: (d, q) => rxQueue(d, q, d.rxqConf(q, 8)),
  txQueueAttach: txQueue,
  start(d) {
    refreshLink(d, true);
  },
  stop(d) {
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
  },
  close(d) {
    dropBorrowed(d.portId, `${DRV} ${d.name}`);
    const v = d.u32(P.PRIV);
    if (v !== 0) release(v);
  },
  linkUpdate(d) {
    refreshLink(d, d.started);
  },
  setLinkUp: (d) => changeFlags(d, IFF_UP, 0, 'link up'),
  setLinkDown: (d) => changeFlags(d, 0, IFF_UP, 'link down'),
  promiscuousEnable: (d) => changeFlags(d, IFF_PROMISC, 0, 'promiscuous enable'),
  promiscuousDisable: (d) => changeFlags(d, 0, IFF_PROMISC, 'promiscuous disable'),
  mtuSet(d, mtu) {
    const v = ownQueues(d, 'MTU set');
    const framesz = eal.sharedWindow().u32[(v + V_FRAMESZ) >>> 2]!;
    // A Tx frame must hold MTU + Ethernet header after the ring header (DPDK checks MTU alone against
    // framesz minus the V2 header, which lets through MTUs it cannot send).
    const max = framesz - txDataOffset(recordVersion(rec(v, 0))) - 14;
    if (mtu > max) fail('EINVAL', `${DRV} ${d.name}: MTU ${mtu} does not fit a ${framesz}-byte ring frame (max ${max}; raise framesz)`);
    const name = ifName(v);
    sys(`${DRV} ${d.name}: MTU ${mtu} on ${name}`, () => packetAddon(DRV).packetIfSetMtu(name, mtu));
  },
  macAddrSet(d, mac) {
    const v = ownQueues(d, 'MAC set');
    const name = ifName(v);
    sys(`${DRV} ${d.name}: MAC on ${name}`, () => packetAddon(DRV).packetIfSetMac(name, Array.from(mac)));
  },
  statsUpdate(d) {
    const v = d.u32(P.PRIV);
    if (v !== 0) drainKernelStats(d, v);
  },
  statsReset(d) {
    // The kernel counters reset on read: drain them so imissed restarts at 0.
    const v = d.u32(P.PRIV);
    if (v === 0) return;
    drainKernelStats(d, v);
    const w = eal.sharedWindow();
    w.f64[d.statsIndex + S_IMISSED] = 0;
    w.f64[(v + V_FREEZE) >>> 3] = 0;
  },
  xstats(d): XstatEntry[] {
    // TPACKET_V3: times the kernel found every block owned by the user (the ring was full).
    const v = d.u32(P.PRIV);
    if (v === 0) return [];
    drainKernelStats(d, v);
    return [{ name: 'rx_freeze_q_cnt', value: eal.sharedWindow().f64[(v + V_FREEZE) >>> 3]! }];
  },
  xstatsReset(d) {
    const v = d.u32(P.PRIV);
    if (v === 0) return;
    drainKernelStats(d, v);
    eal.sharedWindow().f64[(v + V_FREEZE) >>> 3] = 0;
  },
};

/** strtoul-like decimal/hex/octal value of a numeric devarg; EINVAL naming the key otherwise. */
function parseUint(dev: string, key: string, value: string | undefined): number {
  const t = (value ?? '').trim();
  const v = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^0[0-7]+$/.test(t) ? parseInt(t, 8) : /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(v) || v > 0xffffffff) fail('EINVAL', `${DRV} ${dev}: invalid ${key} value '${value ?? ''}'`);
  return v;
}

const PAGE = 4096;

const driver: VdevDriver = {
  name: DRV,
  aliases: ['eth_af_packet'],
  validKeys: ['iface', 'qpairs', 'blocksz', 'framesz', 'framecnt', 'qdisc_bypass', 'tpacket'],
  probe(d, devName, args) {
    const kv = parseKvargs(args, driver.validKeys);
    if (kv.count('iface') !== 1) fail('EINVAL', `${DRV} ${devName}: ${kv.count('iface') === 0 ? 'no interface specified (iface=<name> is required)' : 'iface given more than once'}`);
    const iface = kv.get('iface') ?? '';
    if (iface === '' || new TextEncoder().encode(iface).length >= 16) fail('EINVAL', `${DRV} ${devName}: invalid iface '${iface}' (1..15 bytes)`);
    for (const k of ['qpairs', 'blocksz', 'framesz', 'framecnt', 'qdisc_bypass', 'tpacket']) {
      if (kv.count(k) > 1) fail('EINVAL', `${DRV} ${devName}: ${k} given more than once`);
    }
    const qpairs = kv.has('qpairs') ? parseUint(devName, 'qpairs', kv.get('qpairs')) : 1;
    if (qpairs < 1 || qpairs > MAX_QUEUES_PER_PORT) fail('EINVAL', `${DRV} ${devName}: invalid qpairs value ${qpairs} (1..${MAX_QUEUES_PER_PORT})`);
    const blocksz = kv.has('blocksz') ? parseUint(devName, 'blocksz', kv.get('blocksz')) : PAGE;
    if (blocksz === 0 || blocksz % PAGE !== 0) fail('EINVAL', `${DRV} ${devName}: invalid blocksz value ${blocksz} (a non-zero multiple of the page size ${PAGE})`);
    const framesz = kv.has('framesz') ? parseUint(devName, 'framesz', kv.get('framesz')) : DFLT_FRAME_SIZE;
    if (framesz === 0 || framesz % TPACKET_ALIGNMENT !== 0 || framesz <= TPACKET2_HDRLEN + 16) {
      fail('EINVAL', `${DRV} ${devName}: invalid framesz value ${framesz} (a multiple of TPACKET_ALIGNMENT ${TPACKET_ALIGNMENT}, larger than ${TPACKET2_HDRLEN + 16})`);
    }
    if (framesz > blocksz) fail('EINVAL', `${DRV} ${devName}: framesz ${framesz} exceeds blocksz ${blocksz}`);
    const framecnt = kv.has('framecnt') ? parseUint(devName, 'framecnt', kv.get('framecnt')) : DFLT_FRAME_COUNT;
    const fpb = Math.floor(blocksz / framesz);
    if (framecnt === 0) fail('EINVAL', `${DRV} ${devName}: invalid framecnt value 0`);
    if (framecnt % fpb !== 0) fail('EINVAL', `${DRV} ${devName}: framecnt ${framecnt} is not a multiple of the ${fpb} frames per ${blocksz}-byte block (framesz ${framesz})`);
    const blocknr = framecnt / fpb;
    const ringLen = 2 * blocksz * blocknr;
    if (ringLen * qpairs > MAX_RING_BYTES) fail('EINVAL', `${DRV} ${devName}: framecnt ${framecnt} x blocksz ${blocksz} needs ${ringLen * qpairs} bytes of rings (max ${MAX_RING_BYTES})`);
    const bypass = kv.has('qdisc_bypass') ? parseUint(devName, 'qdisc_bypass', kv.get('qdisc_bypass')) : 1;
    if (bypass > 1) fail('EINVAL', `${DRV} ${devName}: invalid qdisc_bypass value ${bypass} (0 or 1)`);
    const version = kv.has('tpacket') ? parseUint(devName, 'tpacket', kv.get('tpacket')) : 3;
    if (version !== 2 && version !== 3) fail('EINVAL', `${DRV} ${devName}: invalid tpacket value ${version} (2 or 3)`);

    const a = packetAddon(DRV);
    const info = sys(`${DRV} ${devName}: interface '${iface}'`, () => a.packetIfInfo(iface));
    const w = eal.sharedWindow();
    const v = eal.zmalloc('af_packet', V_SIZE);
    w.u32[(v + V_IFINDEX) >>> 2] = info.ifindex;
    w.u32[(v + V_FRAMESZ) >>> 2] = framesz;
    w.u32[(v + V_PID) >>> 2] = process.pid;
    w.u8.set(new TextEncoder().encode(iface), v + V_IFNAME);
    for (let q = 0; q < qpairs; q++) initRecord(rec(v, q));
    w.u32[(v + V_NB_Q) >>> 2] = qpairs;
    const fanout = (((process.pid ^ info.ifindex) & 0xffff) | ((PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG | PACKET_FANOUT_FLAG_ROLLOVER) << 16)) >>> 0;
    const geo = { version: version as 2 | 3, blocksz, blocknr, framesz, framecnt };
    try {
      for (let q = 0; q < qpairs; q++) {
        try {
          openRings(a, rec(v, q), info.ifindex, geo, RX_RING | TX_RING, { qdiscBypass: bypass === 1, fanout, ignoreOutgoing: false }, `${DRV} ${devName} queue ${q}`);
        } catch (e) {
          const c = (e as { code?: string }).code;
          if (c === 'EPERM' || c === 'EACCES') fail('EPERM', `${DRV} ${devName}: AF_PACKET sockets need CAP_NET_RAW (${(e as Error).message})`);
          if (c === 'ENODEV' || c === 'ENXIO') fail('ENODEV', `${DRV} ${devName}: interface '${iface}' went away (${(e as Error).message})`);
          throw asTsdpdk(`${DRV} ${devName}: AF_PACKET socket on ${iface} (queue ${q})`, e);
        }
      }
    } catch (e) {
      release(v);
      eal.free(v);
      throw e;
    }
    d.setU32(P.PRIV, v);
    d.setU32(P.LINK_SPEED, linkSpeed(iface));
    d.setU32(P.LINK_DUPLEX, RTE_ETH_LINK_FULL_DUPLEX);
    d.setU32(P.LINK_AUTONEG, RTE_ETH_LINK_FIXED);
    d.setU32(P.LINK_STATUS, RTE_ETH_LINK_DOWN);
    d.setMacAddr(0, info.mac);
    d.setU32(P.MTU, info.mtu);
    d.setU32(P.PROMISC, (info.flags & IFF_PROMISC) !== 0 ? 1 : 0);
    d.setU32(P.NB_RXQ, qpairs);
    d.setU32(P.NB_TXQ, qpairs);
    registerMpAction();
    return ops;
  },
  attachSecondary() {
    return ops;
  },
  remove(d) {
    dropBorrowed(d.portId, `${DRV} ${d.name}`);
    const v = d.u32(P.PRIV);
    if (v === 0) return;
    if (eal.sharedWindow().u32[(v + V_PID) >>> 2] === process.pid) {
      release(v);
      eal.free(v);
    }
    d.setU32(P.PRIV, 0);
  },
};

registerDriver(driver);
