// VXLAN (RFC 7348, struct rte_vxlan_hdr): 8 bytes after a UDP header to port 4789, then an Ethernet frame.
import { rd32, wr32 } from './bytes.js';

export const RTE_VXLAN_DEFAULT_PORT = 4789;
export const RTE_VXLAN_GPE_DEFAULT_PORT = 4790;
export const RTE_VXLAN_HDR_LEN = 8;
/** UDP + VXLAN header: what DPDK adds to the inner L2 length of a VXLAN packet. */
export const RTE_ETHER_VXLAN_HLEN = 16;
/** "VNI valid" bit of the flags byte. */
export const VXLAN_FLAG_I = 0x08;

export const VXLAN_OFF_FLAGS = 0;
export const VXLAN_OFF_VNI = 4;

export const vxlanGetFlags = (u8: Uint8Array, off: number): number => u8[off]!;
export const vxlanSetFlags = (u8: Uint8Array, off: number, v: number): void => { u8[off] = v; };
/** 24-bit VXLAN network identifier. */
export const vxlanGetVni = (u8: Uint8Array, off: number): number => rd32(u8, off + 4) >>> 8;
export function vxlanSetVni(u8: Uint8Array, off: number, vni: number): void {
  wr32(u8, off + 4, ((vni & 0xffffff) << 8 | u8[off + 7]!) >>> 0);
}
