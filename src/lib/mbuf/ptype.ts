// RTE_PTYPE_* (rte_mbuf_ptype.h): packet_type is a u32 of 4-bit fields, LSB first.

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

/** RTE_ETH_IS_IPV4_HDR */
export function ptypeIsIpv4(ptype: number): boolean {
  return (ptype & RTE_PTYPE_L3_IPV4) !== 0;
}

/** RTE_ETH_IS_IPV6_HDR */
export function ptypeIsIpv6(ptype: number): boolean {
  return (ptype & RTE_PTYPE_L3_IPV6) !== 0;
}

/** RTE_ETH_IS_TUNNEL_PKT */
export function ptypeIsTunnel(ptype: number): boolean {
  return (ptype & (RTE_PTYPE_TUNNEL_MASK | RTE_PTYPE_INNER_L2_MASK | RTE_PTYPE_INNER_L3_MASK | RTE_PTYPE_INNER_L4_MASK)) !== 0;
}

const L2 = ['', 'L2_ETHER', 'L2_ETHER_TIMESYNC', 'L2_ETHER_ARP', 'L2_ETHER_LLDP', 'L2_ETHER_NSH', 'L2_ETHER_VLAN', 'L2_ETHER_QINQ', 'L2_ETHER_PPPOE', 'L2_ETHER_FCOE', 'L2_ETHER_MPLS'];
const L3: Record<number, string> = { 0x1: 'L3_IPV4', 0x3: 'L3_IPV4_EXT', 0x4: 'L3_IPV6', 0x9: 'L3_IPV4_EXT_UNKNOWN', 0xc: 'L3_IPV6_EXT', 0xe: 'L3_IPV6_EXT_UNKNOWN' };
const L4 = ['', 'L4_TCP', 'L4_UDP', 'L4_FRAG', 'L4_SCTP', 'L4_ICMP', 'L4_NONFRAG', 'L4_IGMP'];
const TUN = ['', 'TUNNEL_IP', 'TUNNEL_GRE', 'TUNNEL_VXLAN', 'TUNNEL_NVGRE', 'TUNNEL_GENEVE', 'TUNNEL_GRENAT', 'TUNNEL_GTPC', 'TUNNEL_GTPU', 'TUNNEL_ESP', 'TUNNEL_L2TP', 'TUNNEL_VXLAN_GPE', 'TUNNEL_MPLS_IN_GRE', 'TUNNEL_MPLS_IN_UDP'];
const IL2 = ['', 'INNER_L2_ETHER', 'INNER_L2_ETHER_VLAN', 'INNER_L2_ETHER_QINQ'];
const IL3 = ['', 'INNER_L3_IPV4', 'INNER_L3_IPV4_EXT', 'INNER_L3_IPV6', 'INNER_L3_IPV4_EXT_UNKNOWN', 'INNER_L3_IPV6_EXT', 'INNER_L3_IPV6_EXT_UNKNOWN'];
const IL4 = ['', 'INNER_L4_TCP', 'INNER_L4_UDP', 'INNER_L4_FRAG', 'INNER_L4_SCTP', 'INNER_L4_ICMP', 'INNER_L4_NONFRAG'];

/** rte_get_ptype_name: the layer names separated by spaces (control path). */
export function ptypeName(ptype: number): string {
  const f = (n: number, names: readonly string[] | Record<number, string>, what: string): string | null => {
    if (n === 0) return null;
    return (names as Record<number, string>)[n] ?? `${what}_UNKNOWN(0x${n.toString(16)})`;
  };
  const parts = [
    f(ptype & 0xf, L2, 'L2'), f((ptype >>> 4) & 0xf, L3, 'L3'), f((ptype >>> 8) & 0xf, L4, 'L4'),
    f((ptype >>> 12) & 0xf, TUN, 'TUNNEL'), f((ptype >>> 16) & 0xf, IL2, 'INNER_L2'),
    f((ptype >>> 20) & 0xf, IL3, 'INNER_L3'), f((ptype >>> 24) & 0xf, IL4, 'INNER_L4'),
  ].filter((x): x is string => x !== null);
  return parts.length === 0 ? 'UNKNOWN' : parts.join(' ');
}
