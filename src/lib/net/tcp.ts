// TCP header (struct rte_tcp_hdr, 20 bytes without options).
import { rd16, rd32, wr16, wr32 } from './bytes.js';

export const RTE_TCP_HDR_LEN = 20;
export const RTE_TCP_CWR_FLAG = 0x80;
export const RTE_TCP_ECE_FLAG = 0x40;
export const RTE_TCP_URG_FLAG = 0x20;
export const RTE_TCP_ACK_FLAG = 0x10;
export const RTE_TCP_PSH_FLAG = 0x08;
export const RTE_TCP_RST_FLAG = 0x04;
export const RTE_TCP_SYN_FLAG = 0x02;
export const RTE_TCP_FIN_FLAG = 0x01;

export const TCP_OFF_SRC_PORT = 0;
export const TCP_OFF_DST_PORT = 2;
export const TCP_OFF_SENT_SEQ = 4;
export const TCP_OFF_RECV_ACK = 8;
export const TCP_OFF_DATA_OFF = 12;
export const TCP_OFF_FLAGS = 13;
export const TCP_OFF_RX_WIN = 14;
export const TCP_OFF_CKSUM = 16;
export const TCP_OFF_URP = 18;

export const tcpGetSrcPort = (u8: Uint8Array, off: number): number => rd16(u8, off);
export const tcpSetSrcPort = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off, v);
export const tcpGetDstPort = (u8: Uint8Array, off: number): number => rd16(u8, off + 2);
export const tcpSetDstPort = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 2, v);
export const tcpGetSentSeq = (u8: Uint8Array, off: number): number => rd32(u8, off + 4);
export const tcpSetSentSeq = (u8: Uint8Array, off: number, v: number): void => wr32(u8, off + 4, v);
export const tcpGetRecvAck = (u8: Uint8Array, off: number): number => rd32(u8, off + 8);
export const tcpSetRecvAck = (u8: Uint8Array, off: number, v: number): void => wr32(u8, off + 8, v);
/** Raw data_off byte (header length in 32-bit words in the high nibble). */
export const tcpGetDataOff = (u8: Uint8Array, off: number): number => u8[off + 12]!;
export const tcpSetDataOff = (u8: Uint8Array, off: number, v: number): void => { u8[off + 12] = v; };
/** Header length in bytes, options included: (data_off & 0xf0) >> 2. */
export const tcpHdrLen = (u8: Uint8Array, off: number): number => (u8[off + 12]! & 0xf0) >>> 2;
export const tcpGetFlags = (u8: Uint8Array, off: number): number => u8[off + 13]!;
export const tcpSetFlags = (u8: Uint8Array, off: number, v: number): void => { u8[off + 13] = v; };
export const tcpGetRxWin = (u8: Uint8Array, off: number): number => rd16(u8, off + 14);
export const tcpSetRxWin = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 14, v);
export const tcpGetCksum = (u8: Uint8Array, off: number): number => rd16(u8, off + 16);
export const tcpSetCksum = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 16, v);
export const tcpGetUrp = (u8: Uint8Array, off: number): number => rd16(u8, off + 18);
export const tcpSetUrp = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 18, v);
