// Packet type bits (rte_mbuf_ptype.h, DPDK 22.11) and their names as rte_get_ptype_name prints them.
// lib/net re-exports these (its parser produces them).

export const RTE_PTYPE_UNKNOWN = 0x00000000;
export const RTE_PTYPE_L2_ETHER = 0x00000001;
export const RTE_PTYPE_L2_ETHER_TIMESYNC = 0x00000002;
export const RTE_PTYPE_L2_ETHER_ARP = 0x00000003;
export const RTE_PTYPE_L2_ETHER_LLDP = 0x00000004;
export const RTE_PTYPE_L2_ETHER_NSH = 0x00000005;
export const RTE_PTYPE_L2_ETHER_VLAN = 0x00000006;
export const RTE_PTYPE_L2_ETHER_QINQ = 0x00000007;
export const RTE_PTYPE_L2_ETHER_PPPOE = 0x00000008;
export const RTE_PTYPE_L2_ETHER_FCOE = 0x00000009;
export const RTE_PTYPE_L2_ETHER_MPLS = 0x0000000a;
export const RTE_PTYPE_L2_MASK = 0x0000000f;
export const RTE_PTYPE_L3_IPV4 = 0x00000010;
export const RTE_PTYPE_L3_IPV4_EXT = 0x00000030;
export const RTE_PTYPE_L3_IPV6 = 0x00000040;
export const RTE_PTYPE_L3_IPV4_EXT_UNKNOWN = 0x00000090;
export const RTE_PTYPE_L3_IPV6_EXT = 0x000000c0;
export const RTE_PTYPE_L3_IPV6_EXT_UNKNOWN = 0x000000e0;
export const RTE_PTYPE_L3_MASK = 0x000000f0;
export const RTE_PTYPE_L4_TCP = 0x00000100;
export const RTE_PTYPE_L4_UDP = 0x00000200;
export const RTE_PTYPE_L4_FRAG = 0x00000300;
export const RTE_PTYPE_L4_SCTP = 0x00000400;
export const RTE_PTYPE_L4_ICMP = 0x00000500;
export const RTE_PTYPE_L4_NONFRAG = 0x00000600;
export const RTE_PTYPE_L4_IGMP = 0x00000700;
export const RTE_PTYPE_L4_MASK = 0x00000f00;
export const RTE_PTYPE_TUNNEL_IP = 0x00001000;
export const RTE_PTYPE_TUNNEL_GRE = 0x00002000;
export const RTE_PTYPE_TUNNEL_VXLAN = 0x00003000;
export const RTE_PTYPE_TUNNEL_NVGRE = 0x00004000;
export const RTE_PTYPE_TUNNEL_GENEVE = 0x00005000;
export const RTE_PTYPE_TUNNEL_GRENAT = 0x00006000;
export const RTE_PTYPE_TUNNEL_GTPC = 0x00007000;
export const RTE_PTYPE_TUNNEL_GTPU = 0x00008000;
export const RTE_PTYPE_TUNNEL_ESP = 0x00009000;
export const RTE_PTYPE_TUNNEL_L2TP = 0x0000a000;
export const RTE_PTYPE_TUNNEL_VXLAN_GPE = 0x0000b000;
export const RTE_PTYPE_TUNNEL_MPLS_IN_GRE = 0x0000c000;
export const RTE_PTYPE_TUNNEL_MPLS_IN_UDP = 0x0000d000;
export const RTE_PTYPE_TUNNEL_MASK = 0x0000f000;
export const RTE_PTYPE_INNER_L2_ETHER = 0x00010000;
export const RTE_PTYPE_INNER_L2_ETHER_VLAN = 0x00020000;
export const RTE_PTYPE_INNER_L2_ETHER_QINQ = 0x00030000;
export const RTE_PTYPE_INNER_L2_MASK = 0x000f0000;
export const RTE_PTYPE_INNER_L3_IPV4 = 0x00100000;
export const RTE_PTYPE_INNER_L3_IPV4_EXT = 0x00200000;
export const RTE_PTYPE_INNER_L3_IPV6 = 0x00300000;
export const RTE_PTYPE_INNER_L3_IPV4_EXT_UNKNOWN = 0x00400000;
export const RTE_PTYPE_INNER_L3_IPV6_EXT = 0x00500000;
export const RTE_PTYPE_INNER_L3_IPV6_EXT_UNKNOWN = 0x00600000;
export const RTE_PTYPE_INNER_L3_MASK = 0x00f00000;
export const RTE_PTYPE_INNER_L4_TCP = 0x01000000;
export const RTE_PTYPE_INNER_L4_UDP = 0x02000000;
export const RTE_PTYPE_INNER_L4_FRAG = 0x03000000;
export const RTE_PTYPE_INNER_L4_SCTP = 0x04000000;
export const RTE_PTYPE_INNER_L4_ICMP = 0x05000000;
export const RTE_PTYPE_INNER_L4_NONFRAG = 0x06000000;
export const RTE_PTYPE_INNER_L4_MASK = 0x0f000000;
export const RTE_PTYPE_ALL_MASK = 0x0fffffff;

/** RTE_ETH_IS_IPV4_HDR / RTE_ETH_IS_IPV6_HDR / RTE_ETH_IS_TUNNEL_PKT. */
export const ptypeIsIpv4 = (ptype: number): boolean => (ptype & RTE_PTYPE_L3_IPV4) !== 0;
export const ptypeIsIpv6 = (ptype: number): boolean => (ptype & RTE_PTYPE_L3_IPV6) !== 0;
export const ptypeIsTunnel = (ptype: number): boolean =>
  (ptype & (RTE_PTYPE_TUNNEL_MASK | RTE_PTYPE_INNER_L2_MASK | RTE_PTYPE_INNER_L3_MASK | RTE_PTYPE_INNER_L4_MASK)) !== 0;

// Indexed by the field's nibble; '' = that field's "UNKNOWN" name.
const L2 = ['', 'L2_ETHER', 'L2_ETHER_TIMESYNC', 'L2_ETHER_ARP', 'L2_ETHER_LLDP', 'L2_ETHER_NSH', 'L2_ETHER_VLAN',
  'L2_ETHER_QINQ', 'L2_ETHER_PPPOE', 'L2_ETHER_FCOE', 'L2_ETHER_MPLS'];
const L3 = ['', 'L3_IPV4', '', 'L3_IPV4_EXT', 'L3_IPV6', '', '', '', '', 'L3_IPV4_EXT_UNKNOWN', '', '', 'L3_IPV6_EXT', '',
  'L3_IPV6_EXT_UNKNOWN'];
const L4 = ['', 'L4_TCP', 'L4_UDP', 'L4_FRAG', 'L4_SCTP', 'L4_ICMP', 'L4_NONFRAG', 'L4_IGMP'];
const TUNNEL = ['', 'TUNNEL_IP', 'TUNNEL_GRE', 'TUNNEL_VXLAN', 'TUNNEL_NVGRE', 'TUNNEL_GENEVE', 'TUNNEL_GRENAT',
  'TUNNEL_GTPC', 'TUNNEL_GTPU', 'TUNNEL_ESP', 'TUNNEL_L2TP', 'TUNNEL_VXLAN_GPE', 'TUNNEL_MPLS_IN_GRE',
  'TUNNEL_MPLS_IN_UDP'];
const INNER_L2 = ['', 'INNER_L2_ETHER', 'INNER_L2_ETHER_VLAN', 'INNER_L2_ETHER_QINQ'];
const INNER_L3 = ['', 'INNER_L3_IPV4', 'INNER_L3_IPV4_EXT', 'INNER_L3_IPV6', 'INNER_L3_IPV4_EXT_UNKNOWN',
  'INNER_L3_IPV6_EXT', 'INNER_L3_IPV6_EXT_UNKNOWN'];
const INNER_L4 = ['', 'INNER_L4_TCP', 'INNER_L4_UDP', 'INNER_L4_FRAG', 'INNER_L4_SCTP', 'INNER_L4_ICMP',
  'INNER_L4_NONFRAG'];

const pick = (table: string[], v: number, unknown: string): string => table[v] || unknown;

export const ptypeL2Name = (ptype: number): string => pick(L2, ptype & 0xf, 'L2_UNKNOWN');
export const ptypeL3Name = (ptype: number): string => pick(L3, (ptype >>> 4) & 0xf, 'L3_UNKNOWN');
export const ptypeL4Name = (ptype: number): string => pick(L4, (ptype >>> 8) & 0xf, 'L4_UNKNOWN');
export const ptypeTunnelName = (ptype: number): string => pick(TUNNEL, (ptype >>> 12) & 0xf, 'TUNNEL_UNKNOWN');
export const ptypeInnerL2Name = (ptype: number): string => pick(INNER_L2, (ptype >>> 16) & 0xf, 'INNER_L2_UNKNOWN');
export const ptypeInnerL3Name = (ptype: number): string => pick(INNER_L3, (ptype >>> 20) & 0xf, 'INNER_L3_UNKNOWN');
export const ptypeInnerL4Name = (ptype: number): string => pick(INNER_L4, (ptype >>> 24) & 0xf, 'INNER_L4_UNKNOWN');

/**
 * The packet type as rte_get_ptype_name writes it (control path / verbose dumps): "UNKNOWN" when no bit of
 * RTE_PTYPE_ALL_MASK is set, else the name of every non-zero field followed by one space each, e.g.
 * "L2_ETHER L3_IPV4 L4_UDP " (the trailing space is DPDK's).
 */
export function ptypeName(ptype: number): string {
  if ((ptype & RTE_PTYPE_ALL_MASK) === 0) return 'UNKNOWN';
  let s = '';
  if ((ptype & RTE_PTYPE_L2_MASK) !== 0) s += ptypeL2Name(ptype) + ' ';
  if ((ptype & RTE_PTYPE_L3_MASK) !== 0) s += ptypeL3Name(ptype) + ' ';
  if ((ptype & RTE_PTYPE_L4_MASK) !== 0) s += ptypeL4Name(ptype) + ' ';
  if ((ptype & RTE_PTYPE_TUNNEL_MASK) !== 0) s += ptypeTunnelName(ptype) + ' ';
  if ((ptype & RTE_PTYPE_INNER_L2_MASK) !== 0) s += ptypeInnerL2Name(ptype) + ' ';
  if ((ptype & RTE_PTYPE_INNER_L3_MASK) !== 0) s += ptypeInnerL3Name(ptype) + ' ';
  if ((ptype & RTE_PTYPE_INNER_L4_MASK) !== 0) s += ptypeInnerL4Name(ptype) + ' ';
  return s;
}
