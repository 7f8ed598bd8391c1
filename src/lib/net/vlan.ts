// 802.1Q VLAN and 802.1ad QinQ tags (struct rte_vlan_hdr: TCI then the encapsulated ethertype).
import { RTE_ETHER_TYPE_VLAN } from './ether.js';

export const RTE_VLAN_HLEN = 4;
export const RTE_VLAN_DEI_SHIFT = 12;
export const RTE_VLAN_PRI_SHIFT = 13;
export const RTE_VLAN_PRI_MASK = 0xe000;
export const RTE_VLAN_DEI_MASK = 0x1000;
export const RTE_VLAN_ID_MASK = 0x0fff;

/** Offsets inside one tag (the tag starts where the outer ethertype would have been followed). */
export const VLAN_OFF_TCI = 0;
export const VLAN_OFF_PROTO = 2;

export const vlanTciId = (tci: number): number => tci & RTE_VLAN_ID_MASK;
export const vlanTciPri = (tci: number): number => (tci & RTE_VLAN_PRI_MASK) >>> RTE_VLAN_PRI_SHIFT;
export const vlanTciDei = (tci: number): number => (tci & RTE_VLAN_DEI_MASK) >>> RTE_VLAN_DEI_SHIFT;
export const vlanTciMake = (id: number, pri: number, dei: number): number =>
  (id | (pri << RTE_VLAN_PRI_SHIFT) | (dei << RTE_VLAN_DEI_SHIFT)) & 0xffff;

export function vlanGetTci(u8: Uint8Array, off: number): number {
  return (u8[off]! << 8) | u8[off + 1]!;
}
export function vlanSetTci(u8: Uint8Array, off: number, tci: number): void {
  u8[off] = tci >>> 8;
  u8[off + 1] = tci;
}
export function vlanGetProto(u8: Uint8Array, off: number): number {
  return (u8[off + 2]! << 8) | u8[off + 3]!;
}
export function vlanSetProto(u8: Uint8Array, off: number, proto: number): void {
  u8[off + 2] = proto >>> 8;
  u8[off + 3] = proto;
}

/**
 * Software VLAN strip (rte_vlan_strip) on the frame at off: if its ethertype is 0x8100, moves the 12 MAC
 * bytes 4 bytes forward and returns the TCI; the frame then starts at off + 4 (the caller adjusts the
 * mbuf). Returns -1 and changes nothing otherwise.
 */
export function vlanStrip(u8: Uint8Array, off: number, len: number): number {
  if (len < 18 || ((u8[off + 12]! << 8) | u8[off + 13]!) !== RTE_ETHER_TYPE_VLAN) return -1;
  const tci = (u8[off + 14]! << 8) | u8[off + 15]!;
  u8.copyWithin(off + 4, off, off + 12);
  return tci;
}

/**
 * Software VLAN insert (rte_vlan_insert): the frame at off gets a 0x8100 tag; it then starts at off - 4,
 * so the caller must have 4 bytes of headroom before off.
 */
export function vlanInsert(u8: Uint8Array, off: number, tci: number): void {
  u8.copyWithin(off - 4, off, off + 12);
  const t = off + 8;
  u8[t] = RTE_ETHER_TYPE_VLAN >>> 8;
  u8[t + 1] = RTE_ETHER_TYPE_VLAN & 0xff;
  u8[t + 2] = tci >>> 8;
  u8[t + 3] = tci;
}
