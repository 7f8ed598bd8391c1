// Ethernet header (DPDK rte_ether.h): layout, constants and MAC helpers. MACs are 6 bytes at an offset in
// the packet window; nothing here allocates except the control-path formatter/parsers.
import { TsdpdkError } from '../eal/errors.js';

export const RTE_ETHER_ADDR_LEN = 6;
export const RTE_ETHER_TYPE_LEN = 2;
export const RTE_ETHER_CRC_LEN = 4;
export const RTE_ETHER_HDR_LEN = 14;
/** Minimum frame length including CRC. */
export const RTE_ETHER_MIN_LEN = 64;
/** Maximum frame length including CRC. */
export const RTE_ETHER_MAX_LEN = 1518;
export const RTE_ETHER_MTU = 1500;
export const RTE_ETHER_MIN_MTU = 68;
export const RTE_ETHER_MAX_VLAN_FRAME_LEN = 1522;
export const RTE_ETHER_MAX_JUMBO_FRAME_LEN = 0x3f00;
export const RTE_ETHER_MAX_VLAN_ID = 4095;
/** Buffer size of a formatted address (17 characters + NUL in C). */
export const RTE_ETHER_ADDR_FMT_SIZE = 18;
export const RTE_ETHER_LOCAL_ADMIN_ADDR = 0x02;
export const RTE_ETHER_GROUP_ADDR = 0x01;

export const RTE_ETHER_TYPE_IPV4 = 0x0800;
export const RTE_ETHER_TYPE_IPV6 = 0x86dd;
export const RTE_ETHER_TYPE_ARP = 0x0806;
export const RTE_ETHER_TYPE_RARP = 0x8035;
export const RTE_ETHER_TYPE_VLAN = 0x8100;
export const RTE_ETHER_TYPE_QINQ = 0x88a8;
export const RTE_ETHER_TYPE_QINQ1 = 0x9100;
export const RTE_ETHER_TYPE_QINQ2 = 0x9200;
export const RTE_ETHER_TYPE_QINQ3 = 0x9300;
export const RTE_ETHER_TYPE_PPPOE_DISCOVERY = 0x8863;
export const RTE_ETHER_TYPE_PPPOE_SESSION = 0x8864;
export const RTE_ETHER_TYPE_ETAG = 0x893f;
export const RTE_ETHER_TYPE_1588 = 0x88f7;
export const RTE_ETHER_TYPE_SLOW = 0x8809;
export const RTE_ETHER_TYPE_TEB = 0x6558;
export const RTE_ETHER_TYPE_LLDP = 0x88cc;
export const RTE_ETHER_TYPE_MPLS = 0x8847;
export const RTE_ETHER_TYPE_MPLSM = 0x8848;
export const RTE_ETHER_TYPE_ECPRI = 0xaefe;

/** Field offsets inside struct rte_ether_hdr. */
export const ETHER_OFF_DST = 0;
export const ETHER_OFF_SRC = 6;
export const ETHER_OFF_TYPE = 12;

export function etherGetType(u8: Uint8Array, off: number): number {
  return (u8[off + 12]! << 8) | u8[off + 13]!;
}
export function etherSetType(u8: Uint8Array, off: number, type: number): void {
  u8[off + 12] = type >>> 8;
  u8[off + 13] = type;
}

/** The 6-byte address at off as a 48-bit number (first byte most significant): a MAC held without an object. */
export function etherGetAddr(u8: Uint8Array, off: number): number {
  return ((u8[off]! << 8) | u8[off + 1]!) * 0x100000000 +
    (((u8[off + 2]! << 24) | (u8[off + 3]! << 16) | (u8[off + 4]! << 8) | u8[off + 5]!) >>> 0);
}
/** Writes a 48-bit number from etherGetAddr as 6 bytes at off. */
export function etherSetAddr(u8: Uint8Array, off: number, mac: number): void {
  const hi = Math.floor(mac / 0x100000000), lo = mac >>> 0;
  u8[off] = hi >>> 8;
  u8[off + 1] = hi;
  u8[off + 2] = lo >>> 24;
  u8[off + 3] = lo >>> 16;
  u8[off + 4] = lo >>> 8;
  u8[off + 5] = lo;
}

/** Copies 6 bytes (rte_ether_addr_copy); source and destination may be the same array. */
export function etherAddrCopy(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void {
  dst[dstOff] = src[srcOff]!;
  dst[dstOff + 1] = src[srcOff + 1]!;
  dst[dstOff + 2] = src[srcOff + 2]!;
  dst[dstOff + 3] = src[srcOff + 3]!;
  dst[dstOff + 4] = src[srcOff + 4]!;
  dst[dstOff + 5] = src[srcOff + 5]!;
}

/** Exchanges the 6-byte addresses at offsets a and b of the same array (e.g. dst <-> src for macswap). */
export function etherAddrSwap(u8: Uint8Array, a: number, b: number): void {
  for (let i = 0; i < 6; i++) {
    const t = u8[a + i]!;
    u8[a + i] = u8[b + i]!;
    u8[b + i] = t;
  }
}

/** Swaps the destination and source MAC of the Ethernet header at off. */
export function etherSwapAddrs(u8: Uint8Array, off: number): void {
  etherAddrSwap(u8, off, off + 6);
}

export function etherAddrEqual(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number): boolean {
  return a[aOff] === b[bOff] && a[aOff + 1] === b[bOff + 1] && a[aOff + 2] === b[bOff + 2] &&
    a[aOff + 3] === b[bOff + 3] && a[aOff + 4] === b[bOff + 4] && a[aOff + 5] === b[bOff + 5];
}

export function etherAddrIsZero(u8: Uint8Array, off: number): boolean {
  return (u8[off]! | u8[off + 1]! | u8[off + 2]! | u8[off + 3]! | u8[off + 4]! | u8[off + 5]!) === 0;
}
export function etherAddrIsMulticast(u8: Uint8Array, off: number): boolean {
  return (u8[off]! & RTE_ETHER_GROUP_ADDR) !== 0;
}
export function etherAddrIsUnicast(u8: Uint8Array, off: number): boolean {
  return (u8[off]! & RTE_ETHER_GROUP_ADDR) === 0;
}
export function etherAddrIsBroadcast(u8: Uint8Array, off: number): boolean {
  return (u8[off]! & u8[off + 1]! & u8[off + 2]! & u8[off + 3]! & u8[off + 4]! & u8[off + 5]!) === 0xff;
}
export function etherAddrIsUniversal(u8: Uint8Array, off: number): boolean {
  return (u8[off]! & RTE_ETHER_LOCAL_ADMIN_ADDR) === 0;
}
export function etherAddrIsLocalAdmin(u8: Uint8Array, off: number): boolean {
  return (u8[off]! & RTE_ETHER_LOCAL_ADMIN_ADDR) !== 0;
}
/** Unicast and not all-zero (rte_is_valid_assigned_ether_addr). */
export function etherAddrIsValidAssigned(u8: Uint8Array, off: number): boolean {
  return etherAddrIsUnicast(u8, off) && !etherAddrIsZero(u8, off);
}

/** Writes a random locally administered unicast address (rte_eth_random_addr). */
export function etherRandomAddr(u8: Uint8Array, off: number): void {
  for (let i = 0; i < 6; i++) u8[off + i] = (Math.random() * 256) | 0;
  u8[off] = (u8[off]! & ~RTE_ETHER_GROUP_ADDR) | RTE_ETHER_LOCAL_ADMIN_ADDR;
}

const HEX_UPPER = '0123456789ABCDEF';

/** "XX:XX:XX:XX:XX:XX" in upper case, like rte_ether_format_addr (control path). */
export function etherFormatAddr(u8: Uint8Array, off = 0): string {
  let s = '';
  for (let i = 0; i < 6; i++) {
    const b = u8[off + i]!;
    if (i > 0) s += ':';
    s += HEX_UPPER[b >> 4]! + HEX_UPPER[b & 15]!;
  }
  return s;
}

const MAC6 = /^([0-9a-fA-F]{2}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})$/;
const MAC3 = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$/;

/**
 * Parses "XX:XX:XX:XX:XX:XX" or "XXXX:XXXX:XXXX" (exactly the forms DPDK 22.11's rte_ether_unformat_addr
 * accepts) into out[off..off+6). Returns false (out untouched) for anything else.
 */
export function etherUnformatAddr(str: string, out: Uint8Array, off = 0): boolean {
  let m = MAC6.exec(str);
  if (m !== null) {
    for (let i = 0; i < 6; i++) out[off + i] = parseInt(m[i + 1]!, 16);
    return true;
  }
  m = MAC3.exec(str);
  if (m !== null) {
    for (let i = 0; i < 3; i++) {
      const w = parseInt(m[i + 1]!, 16);
      out[off + 2 * i] = w >> 8;
      out[off + 2 * i + 1] = w & 0xff;
    }
    return true;
  }
  return false;
}

/** Control-path parse of a MAC string into a new 6-byte array; EINVAL when malformed. */
export function etherParseAddr(str: string): Uint8Array {
  const out = new Uint8Array(6);
  if (!etherUnformatAddr(str, out, 0)) throw new TsdpdkError('EINVAL', `invalid Ethernet address '${str}'`);
  return out;
}
