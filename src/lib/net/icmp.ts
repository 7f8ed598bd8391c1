// ICMP (struct rte_icmp_hdr: type, code, checksum, identifier, sequence) and the ICMPv6 echo types.
import { rd16, wr16 } from './bytes.js';

export const RTE_ICMP_HDR_LEN = 8;
export const RTE_IP_ICMP_ECHO_REPLY = 0;
export const RTE_IP_ICMP_ECHO_REQUEST = 8;
export const RTE_ICMP6_ECHO_REQUEST = 128;
export const RTE_ICMP6_ECHO_REPLY = 129;

export const ICMP_OFF_TYPE = 0;
export const ICMP_OFF_CODE = 1;
export const ICMP_OFF_CKSUM = 2;
export const ICMP_OFF_IDENT = 4;
export const ICMP_OFF_SEQ_NB = 6;

export const icmpGetType = (u8: Uint8Array, off: number): number => u8[off]!;
export const icmpSetType = (u8: Uint8Array, off: number, v: number): void => { u8[off] = v; };
export const icmpGetCode = (u8: Uint8Array, off: number): number => u8[off + 1]!;
export const icmpSetCode = (u8: Uint8Array, off: number, v: number): void => { u8[off + 1] = v; };
export const icmpGetCksum = (u8: Uint8Array, off: number): number => rd16(u8, off + 2);
export const icmpSetCksum = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 2, v);
export const icmpGetIdent = (u8: Uint8Array, off: number): number => rd16(u8, off + 4);
export const icmpSetIdent = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 4, v);
export const icmpGetSeqNb = (u8: Uint8Array, off: number): number => rd16(u8, off + 6);
export const icmpSetSeqNb = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 6, v);
