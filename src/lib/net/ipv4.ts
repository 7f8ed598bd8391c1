// IPv4 header (struct rte_ipv4_hdr): constants, offsets, accessors. Addresses are u32 host numbers of the
// big-endian wire value (10.0.0.1 = 0x0a000001).
import { TsdpdkError } from '../eal/errors.js';
import { rd16, rd32, wr16, wr32 } from './bytes.js';

export const RTE_IPV4_HDR_LEN = 20;
export const RTE_IPV4_MAX_PKT_LEN = 65535;
export const RTE_IPV4_HDR_IHL_MASK = 0x0f;
export const RTE_IPV4_IHL_MULTIPLIER = 4;
export const RTE_IPV4_HDR_DSCP_MASK = 0xfc;
export const RTE_IPV4_HDR_ECN_MASK = 0x03;
export const RTE_IPV4_HDR_ECN_CE = 0x03;
export const RTE_IPV4_HDR_DF_SHIFT = 14;
export const RTE_IPV4_HDR_MF_SHIFT = 13;
export const RTE_IPV4_HDR_FO_SHIFT = 3;
export const RTE_IPV4_HDR_DF_FLAG = 1 << 14;
export const RTE_IPV4_HDR_MF_FLAG = 1 << 13;
export const RTE_IPV4_HDR_OFFSET_MASK = (1 << 13) - 1;
export const RTE_IPV4_HDR_OFFSET_UNITS = 8;
export const RTE_IPV4_HDR_OPT_EOL = 0;
export const RTE_IPV4_HDR_OPT_NOP = 1;
export const RTE_IPV4_HDR_OPT_MAX_LEN = 40;
export const RTE_IPV4_MIN_IHL = 5;
/** version 4, IHL 5. */
export const RTE_IPV4_VHL_DEF = 0x45;
export const RTE_IPV4_ANY = 0x00000000;
export const RTE_IPV4_LOOPBACK = 0x7f000001;
export const RTE_IPV4_BROADCAST = 0xe0000000;
export const RTE_IPV4_ALLHOSTS_GROUP = 0xe0000001;
export const RTE_IPV4_ALLRTRS_GROUP = 0xe0000002;
export const RTE_IPV4_MAX_LOCAL_GROUP = 0xe00000ff;
export const RTE_IPV4_MIN_MCAST = 0xe0000000;
export const RTE_IPV4_MAX_MCAST = 0xefffffff;

export const IPV4_OFF_VERSION_IHL = 0;
export const IPV4_OFF_TOS = 1;
export const IPV4_OFF_TOTAL_LENGTH = 2;
export const IPV4_OFF_PACKET_ID = 4;
export const IPV4_OFF_FRAGMENT_OFFSET = 6;
export const IPV4_OFF_TTL = 8;
export const IPV4_OFF_PROTO = 9;
export const IPV4_OFF_CKSUM = 10;
export const IPV4_OFF_SRC = 12;
export const IPV4_OFF_DST = 16;

/** RTE_IPV4(a, b, c, d). */
export function rteIpv4(a: number, b: number, c: number, d: number): number {
  return (((a & 0xff) << 24) | ((b & 0xff) << 16) | ((c & 0xff) << 8) | (d & 0xff)) >>> 0;
}
export function ipv4IsMcast(addr: number): boolean {
  return addr >>> 0 >= RTE_IPV4_MIN_MCAST && addr >>> 0 <= RTE_IPV4_MAX_MCAST;
}

export const ipv4GetVersionIhl = (u8: Uint8Array, off: number): number => u8[off]!;
export const ipv4SetVersionIhl = (u8: Uint8Array, off: number, v: number): void => { u8[off] = v; };
export const ipv4GetVersion = (u8: Uint8Array, off: number): number => u8[off]! >>> 4;
export const ipv4GetIhl = (u8: Uint8Array, off: number): number => u8[off]! & 0x0f;
/** Header length in bytes (rte_ipv4_hdr_len). */
export const ipv4HdrLen = (u8: Uint8Array, off: number): number => (u8[off]! & 0x0f) << 2;
export const ipv4GetTos = (u8: Uint8Array, off: number): number => u8[off + 1]!;
export const ipv4SetTos = (u8: Uint8Array, off: number, v: number): void => { u8[off + 1] = v; };
export const ipv4GetTotalLength = (u8: Uint8Array, off: number): number => rd16(u8, off + 2);
export const ipv4SetTotalLength = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 2, v);
export const ipv4GetPacketId = (u8: Uint8Array, off: number): number => rd16(u8, off + 4);
export const ipv4SetPacketId = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 4, v);
/** The whole 16-bit flags + fragment offset field. */
export const ipv4GetFragmentOffset = (u8: Uint8Array, off: number): number => rd16(u8, off + 6);
export const ipv4SetFragmentOffset = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 6, v);
/** MF set or a non-zero offset (rte_ipv4_frag_pkt_is_fragmented). */
export const ipv4IsFragment = (u8: Uint8Array, off: number): boolean =>
  (rd16(u8, off + 6) & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) !== 0;
export const ipv4GetTtl = (u8: Uint8Array, off: number): number => u8[off + 8]!;
export const ipv4SetTtl = (u8: Uint8Array, off: number, v: number): void => { u8[off + 8] = v; };
export const ipv4GetProto = (u8: Uint8Array, off: number): number => u8[off + 9]!;
export const ipv4SetProto = (u8: Uint8Array, off: number, v: number): void => { u8[off + 9] = v; };
export const ipv4GetCksum = (u8: Uint8Array, off: number): number => rd16(u8, off + 10);
export const ipv4SetCksum = (u8: Uint8Array, off: number, v: number): void => wr16(u8, off + 10, v);
export const ipv4GetSrc = (u8: Uint8Array, off: number): number => rd32(u8, off + 12);
export const ipv4SetSrc = (u8: Uint8Array, off: number, v: number): void => wr32(u8, off + 12, v);
export const ipv4GetDst = (u8: Uint8Array, off: number): number => rd32(u8, off + 16);
export const ipv4SetDst = (u8: Uint8Array, off: number, v: number): void => wr32(u8, off + 16, v);

/** Exchanges source and destination addresses (checksum stays valid). */
export function ipv4SwapAddrs(u8: Uint8Array, off: number): void {
  for (let i = 12; i < 16; i++) {
    const t = u8[off + i]!;
    u8[off + i] = u8[off + i + 4]!;
    u8[off + i + 4] = t;
  }
}

/** Dotted quad (control path). */
export function ipv4FormatAddr(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 0xff}.${(addr >>> 8) & 0xff}.${addr & 0xff}`;
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
/** Parses a dotted quad (control path); EINVAL when malformed. */
export function ipv4ParseAddr(str: string): number {
  const m = DOTTED.exec(str);
  if (m !== null) {
    const a = +m[1]!, b = +m[2]!, c = +m[3]!, d = +m[4]!;
    if (a < 256 && b < 256 && c < 256 && d < 256) return rteIpv4(a, b, c, d);
  }
  throw new TsdpdkError('EINVAL', `invalid IPv4 address '${str}'`);
}
