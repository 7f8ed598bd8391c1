// ARP over Ethernet/IPv4 (struct rte_arp_hdr, 28 bytes): constants, offsets and accessors.
import { rd16, rd32, wr16, wr32 } from './bytes.js';

export const RTE_ARP_HRD_ETHER = 1;
export const RTE_ARP_OP_REQUEST = 1;
export const RTE_ARP_OP_REPLY = 2;
export const RTE_ARP_OP_REVREQUEST = 3;
export const RTE_ARP_OP_REVREPLY = 4;
export const RTE_ARP_OP_INVREQUEST = 8;
export const RTE_ARP_OP_INVREPLY = 9;
export const RTE_ARP_HDR_LEN = 28;

export const ARP_OFF_HARDWARE = 0;
export const ARP_OFF_PROTOCOL = 2;
export const ARP_OFF_HLEN = 4;
export const ARP_OFF_PLEN = 5;
export const ARP_OFF_OPCODE = 6;
/** Sender hardware address (6 bytes). */
export const ARP_OFF_SHA = 8;
/** Sender IPv4 address (u32). */
export const ARP_OFF_SIP = 14;
/** Target hardware address. */
export const ARP_OFF_THA = 18;
/** Target IPv4 address. */
export const ARP_OFF_TIP = 24;

export const arpGetHardware = (u8: Uint8Array, off: number): number => rd16(u8, off);
export const arpSetHardware = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off, v);
export const arpGetProtocol = (u8: Uint8Array, off: number): number => rd16(u8, off + 2);
export const arpSetProtocol = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 2, v);
export const arpGetHlen = (u8: Uint8Array, off: number): number => u8[off + 4]!;
export const arpSetHlen = (u8: Uint8Array, off: number, v: number): void => { u8[off + 4] = v; };
export const arpGetPlen = (u8: Uint8Array, off: number): number => u8[off + 5]!;
export const arpSetPlen = (u8: Uint8Array, off: number, v: number): void => { u8[off + 5] = v; };
export const arpGetOpcode = (u8: Uint8Array, off: number): number => rd16(u8, off + 6);
export const arpSetOpcode = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 6, v);
export const arpGetSip = (u8: Uint8Array, off: number): number => rd32(u8, off + 14);
export const arpSetSip = (u8: Uint8Array, off: number, v: number): void => wr32(u8, off + 14, v);
export const arpGetTip = (u8: Uint8Array, off: number): number => rd32(u8, off + 24);
export const arpSetTip = (u8: Uint8Array, off: number, v: number): void => wr32(u8, off + 24, v);

/** Ethernet/IPv4 ARP: hardware 1, protocol 0x0800, hlen 6, plen 4 (what icmpecho answers). */
export function arpIsEtherIpv4(u8: Uint8Array, off: number): boolean {
  return rd16(u8, off) === RTE_ARP_HRD_ETHER && rd16(u8, off + 2) === 0x0800 && u8[off + 4] === 6 && u8[off + 5] === 4;
}
