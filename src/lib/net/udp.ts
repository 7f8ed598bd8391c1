// UDP header (struct rte_udp_hdr, 8 bytes).
import { rd16, wr16 } from './bytes.js';

export const RTE_UDP_HDR_LEN = 8;
export const UDP_OFF_SRC_PORT = 0;
export const UDP_OFF_DST_PORT = 2;
export const UDP_OFF_DGRAM_LEN = 4;
export const UDP_OFF_CKSUM = 6;

export const udpGetSrcPort = (u8: Uint8Array, off: number): number => rd16(u8, off);
export const udpSetSrcPort = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off, v);
export const udpGetDstPort = (u8: Uint8Array, off: number): number => rd16(u8, off + 2);
export const udpSetDstPort = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 2, v);
export const udpGetDgramLen = (u8: Uint8Array, off: number): number => rd16(u8, off + 4);
export const udpSetDgramLen = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 4, v);
/** 0 on IPv4 means "no checksum computed" (RFC 768). */
export const udpGetCksum = (u8: Uint8Array, off: number): number => rd16(u8, off + 6);
export const udpSetCksum = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 6, v);

/** Exchanges source and destination ports (also valid for TCP and SCTP, whose ports sit at the same place). */
export function l4SwapPorts(u8: Uint8Array, off: number): void {
  const a = u8[off]!, b = u8[off + 1]!;
  u8[off] = u8[off + 2]!;
  u8[off + 1] = u8[off + 3]!;
  u8[off + 2] = a;
  u8[off + 3] = b;
}
