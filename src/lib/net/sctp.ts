// SCTP common header (struct rte_sctp_hdr, 12 bytes). Its checksum is a CRC32c, not the Internet checksum.
import { rd16, rd32, wr16, wr32 } from './bytes.js';

export const RTE_SCTP_HDR_LEN = 12;
export const SCTP_OFF_SRC_PORT = 0;
export const SCTP_OFF_DST_PORT = 2;
export const SCTP_OFF_TAG = 4;
export const SCTP_OFF_CKSUM = 8;

export const sctpGetSrcPort = (u8: Uint8Array, off: number): number => rd16(u8, off);
export const sctpSetSrcPort = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off, v);
export const sctpGetDstPort = (u8: Uint8Array, off: number): number => rd16(u8, off + 2);
export const sctpSetDstPort = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 2, v);
export const sctpGetTag = (u8: Uint8Array, off: number): number => rd32(u8, off + 4);
export const sctpSetTag = (u8: Uint8Array, off: number, v: number): void => wr32(u8, off + 4, v);
export const sctpGetCksum = (u8: Uint8Array, off: number): number => rd32(u8, off + 8);
export const sctpSetCksum = (u8: Uint8Array, off: number, v: number): void => wr32(u8, off + 8, v);
