// Shared per-port data (DPDK's rte_eth_dev_data): one slot per port in the memzone
// "tsdpdk_eth_dev_data", so worker lcores and secondary processes see the same ports, queues and
// statistics. Statistics are f64 counters (exact to 2^53) updated by the queue's owning lcore.

import { fail } from '../eal/errors.js';
import * as eal from '../eal/index.js';
import { MAX_MAC_ADDRS, MAX_QUEUES_PER_PORT, RETA_MAX, RSS_KEY_MAX, RTE_ETH_NAME_MAX_LEN, RTE_MAX_ETHPORTS } from './constants.js';

export const ETHDEV_MEMZONE = 'tsdpdk_eth_dev_data';
const HDR = 64; // memzone header: lock, next owner id
const H_LOCK = 0;
const H_NEXT_OWNER = 8; // u64
export const SLOT = 8192;

// Slot fields (byte offsets within a port slot).
export const P = {
  STATE: 0, // 0 unused, 1 attached
  NB_RXQ: 4,
  NB_TXQ: 8,
  STARTED: 12,
  PROMISC: 16,
  ALLMULTI: 20,
  MTU: 24,
  LINK_SPEED: 28,
  LINK_DUPLEX: 32,
  LINK_AUTONEG: 36,
  LINK_STATUS: 40,
  SOCKET: 44,
  DEV_FLAGS: 48,
  CONFIGURED: 52,
  RX_MQ_MODE: 56,
  TX_MQ_MODE: 60,
  RX_OFFLOADS: 64, // u64
  TX_OFFLOADS: 72, // u64
  RSS_HF: 80, // u64
  RSS_KEY_LEN: 88,
  RETA_SIZE: 92,
  RSS_KEY: 96, // 64 bytes
  NAME: 160, // 64 bytes
  DRIVER: 224, // 32 bytes
  OWNER_ID: 256, // u64
  OWNER_NAME: 264, // 64 bytes
  PRIV: 328, // window offset of the PMD's shared private area
  MAX_RX_PKTLEN: 332,
  LINK_UP_ADMIN: 336,
  NB_MAC: 340,
  MAC_ADDRS: 384, // MAX_MAC_ADDRS * 6 (slot 0 = primary)
  RETA: 512, // u16[RETA_MAX]
  DEVARGS: 1536, // 512 bytes
  RXQ_CONF: 2048, // per queue 16 bytes: nbDesc, socket, mempool offset, state
  TXQ_CONF: 3072,
  STATS: 4096, // f64 counters
} as const;

// Stats block (f64 indexes relative to the port's stats base).
export const S_IMISSED = 0;
export const S_IERRORS = 1;
export const S_OERRORS = 2;
export const S_RX_NOMBUF = 3;
export const S_RXQ = 4; // + q*3: packets, bytes, errors
export const S_TXQ = S_RXQ + MAX_QUEUES_PER_PORT * 3; // + q*3: packets, bytes, errors
export const S_COUNT = S_TXQ + MAX_QUEUES_PER_PORT * 3;
export const QC_NB_DESC = 0;
export const QC_SOCKET = 4;
export const QC_MEMPOOL = 8;
export const QC_STATE = 12;

const enc = new TextEncoder();
const dec = new TextDecoder();

let zoneOffset = -1;
let zoneWindow: eal.SharedWindow | null = null;

/** Window offset of the ethdev memzone (created by the primary, looked up by others). */
export function ethdevZone(): number {
  const w = eal.sharedWindow();
  if (zoneOffset >= 0 && zoneWindow === w) return zoneOffset;
  let z = eal.memzoneLookup(ETHDEV_MEMZONE);
  if (z === null) {
    try {
      z = eal.memzoneReserve(ETHDEV_MEMZONE, HDR + RTE_MAX_ETHPORTS * SLOT, eal.SOCKET_ID_ANY, 0, 4096);
      w.u8.fill(0, z.offset, z.offset + z.length);
      w.u64[(z.offset + H_NEXT_OWNER) >>> 3] = 1n;
    } catch (e) {
      if ((e as eal.TsdpdkError).code !== 'EEXIST') throw e;
      z = eal.memzoneLookup(ETHDEV_MEMZONE)!;
    }
  }
  zoneOffset = z.offset;
  zoneWindow = w;
  return zoneOffset;
}

export function slotOf(port: number): number {
  return ethdevZone() + HDR + port * SLOT;
}

export function lockEthdev(): void {
  eal.spinLock(eal.sharedWindow().i32, (ethdevZone() + H_LOCK) >>> 2);
}

export function unlockEthdev(): void {
  eal.spinUnlock(eal.sharedWindow().i32, (ethdevZone() + H_LOCK) >>> 2);
}

export function nextOwnerId(): bigint {
  const w = eal.sharedWindow();
  const i = (ethdevZone() + H_NEXT_OWNER) >>> 3;
  const id = w.u64[i]!;
  w.u64[i] = id + 1n;
  return id;
}

/** Control-path accessors of one port's shared slot. */
export class PortData {
  readonly base: number;
  private readonly w: eal.SharedWindow;
  constructor(readonly portId: number) {
    this.w = eal.sharedWindow();
    this.base = slotOf(portId);
  }
  u32(field: number): number { return this.w.u32[(this.base + field) >>> 2]!; }
  setU32(field: number, v: number): void { this.w.u32[(this.base + field) >>> 2] = v >>> 0; }
  i32(field: number): number { return this.w.i32[(this.base + field) >>> 2]!; }
  setI32(field: number, v: number): void { this.w.i32[(this.base + field) >>> 2] = v; }
  u64(field: number): bigint { return this.w.u64[(this.base + field) >>> 3]!; }
  setU64(field: number, v: bigint): void { this.w.u64[(this.base + field) >>> 3] = BigInt.asUintN(64, v); }
  str(field: number, max: number): string {
    const o = this.base + field;
    const u8 = this.w.u8;
    let e = o;
    while (e < o + max && u8[e] !== 0) e++;
    return dec.decode(u8.slice(o, e));
  }
  setStr(field: number, max: number, s: string): void {
    const b = enc.encode(s);
    if (b.length >= max) fail('ENAMETOOLONG', `'${s}' is longer than ${max - 1} bytes`);
    const o = this.base + field;
    this.w.u8.fill(0, o, o + max);
    this.w.u8.set(b, o);
  }
  get name(): string { return this.str(P.NAME, RTE_ETH_NAME_MAX_LEN); }
  get driverName(): string { return this.str(P.DRIVER, 32); }
  get attached(): boolean { return this.u32(P.STATE) === 1; }
  get started(): boolean { return this.u32(P.STARTED) === 1; }
  macAddr(i: number): Uint8Array {
    const o = this.base + P.MAC_ADDRS + i * 6;
    return this.w.u8.slice(o, o + 6);
  }
  setMacAddr(i: number, mac: ArrayLike<number>): void {
    if (i >= MAX_MAC_ADDRS) fail('ENOSPC', `port ${this.portId}: at most ${MAX_MAC_ADDRS} MAC addresses`);
    this.w.u8.set(mac, this.base + P.MAC_ADDRS + i * 6);
  }
  reta(i: number): number { return this.w.u16[(this.base + P.RETA + 2 * i) >>> 1]!; }
  setReta(i: number, q: number): void {
    if (i >= RETA_MAX) fail('EINVAL', `RETA index ${i} out of range`);
    this.w.u16[(this.base + P.RETA + 2 * i) >>> 1] = q;
  }
  rssKey(): Uint8Array {
    const len = this.u32(P.RSS_KEY_LEN);
    return this.w.u8.slice(this.base + P.RSS_KEY, this.base + P.RSS_KEY + len);
  }
  setRssKey(key: Uint8Array): void {
    if (key.length > RSS_KEY_MAX) fail('EINVAL', `RSS key of ${key.length} bytes is too long`);
    this.w.u8.set(key, this.base + P.RSS_KEY);
    this.setU32(P.RSS_KEY_LEN, key.length);
  }
  rxqConf(q: number, field: number): number { return this.u32(P.RXQ_CONF + q * 16 + field); }
  setRxqConf(q: number, field: number, v: number): void { this.setU32(P.RXQ_CONF + q * 16 + field, v); }
  txqConf(q: number, field: number): number { return this.u32(P.TXQ_CONF + q * 16 + field); }
  setTxqConf(q: number, field: number, v: number): void { this.setU32(P.TXQ_CONF + q * 16 + field, v); }
  /** f64 index of the port's stats block in the window's Float64Array. */
  get statsIndex(): number { return (this.base + P.STATS) >>> 3; }
  stat(i: number): number { return this.w.f64[this.statsIndex + i]!; }
  clearStats(): void { this.w.f64.fill(0, this.statsIndex, this.statsIndex + S_COUNT); }
}
