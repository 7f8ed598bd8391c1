// lib/net tests. Packets were built with scapy 2.5 (the expressions are in the comments); the expected
// rte_net_get_ptype results, header lengths and checksums were produced by DPDK 22.11.11 itself (Debian
// libdpdk, x86-64: a probe calling rte_net_get_ptype / rte_ipv4_cksum / rte_ipv4_udptcp_cksum /
// rte_ipv6_phdr_cksum ... on the same bytes; DPDK's little-endian checksum results byte-swapped to wire order).
// Lengths DPDK leaves unwritten are expected as 0.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as net from '../src/lib/net/index.js';
import { TsdpdkError } from '../src/lib/eal/errors.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (u8: Uint8Array, off = 0, len = u8.length - off): string => Buffer.from(u8.subarray(off, off + len)).toString('hex');

function rejects(fn: () => unknown, code: string, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TsdpdkError, `not a TsdpdkError: ${String(e)}`);
    assert.equal(e.code, code);
    for (const f of fragments) assert.ok(e.message.includes(f), `message "${e.message}" lacks "${f}"`);
    return true;
  });
}

// [name, packet, DPDK 22.11 rte_net_get_ptype(RTE_PTYPE_ALL_MASK), [l2, l3, l4, tunnel, inner l2, inner l3, inner l4]]
const PTYPE_CASES: [string, string, number, number[]][] = [
  // Ether/IP(src='10.0.0.1', dst='10.0.0.2')/UDP(sport=1234, dport=80)/Raw(b'hello')
  ['udp4', '02000000000102000000000208004500002100010000401166c90a0000010a00000204d20050000da2dd68656c6c6f', 0x00000211, [14, 20, 8, 0, 0, 0, 0]],
  // Ether/IP(src='10.0.0.1', dst='10.0.0.2')/TCP(sport=1234, dport=80, options=[('MSS',1460)])/Raw(b'abc')
  ['tcp4', '02000000000102000000000208004500002f00010000400666c60a0000010a00000204d200500000000000000000600220009a9c0000020405b4616263', 0x00000111, [14, 20, 24, 0, 0, 0, 0]],
  // Ether/IP()/SCTP(sport=1, dport=2)
  ['sctp4', '0200000000010200000000020800450000200001000040847c577f0000017f0000010001000200000000fd988051', 0x00000411, [14, 20, 12, 0, 0, 0, 0]],
  // Ether/IP()/ICMP(type=8, id=1, seq=2)/Raw(b'ping')
  ['icmp4', '0200000000010200000000020800450000200001000040017cda7f0000017f0000010800192c0001000270696e67', 0x00000011, [14, 20, 0, 0, 0, 0, 0]],
  // Ether/IP(proto=2)/Raw(b'\x11\x00\x00\x00\x00\x00\x00\x00')
  ['igmp4', '02000000000102000000000208004500001c0001000040027cdd7f0000017f0000011100000000000000', 0x00000011, [14, 20, 0, 0, 0, 0, 0]],
  // Ether/IP(options=[IPOption_RR()])/UDP()
  ['ipopt', '02000000000102000000000208004600002000010000401170c77f0000017f000001070304000035003500080172', 0x00000231, [14, 24, 8, 0, 0, 0, 0]],
  // Ether/Dot1Q(vlan=100)/IP()/UDP()
  ['vlan_udp4', '0200000000010200000000028100006408004500001c0001000040117cce7f0000017f0000010035003500080172', 0x00000216, [18, 20, 8, 0, 0, 0, 0]],
  // Ether(type=0x88a8)/Dot1Q(vlan=10)/Dot1Q(vlan=20)/IP()/UDP()
  ['qinq_udp4', 'ffffffffffff00000000000088a8000a8100001408004500001c0001000040117cce7f0000017f0000010035003500080172', 0x00000217, [22, 20, 8, 0, 0, 0, 0]],
  // Ether/Dot1Q(vlan=10)/Dot1Q(vlan=20)/IP()/UDP()
  ['qinq8100', '0200000000010200000000028100000a8100001408004500001c0001000040117cce7f0000017f0000010035003500080172', 0x02120006, [18, 0, 0, 0, 4, 20, 8]],
  // Ether(dst='ff:ff:ff:ff:ff:ff')/ARP(op=1, psrc='10.0.0.1', pdst='10.0.0.2')
  ['arp', 'ffffffffffff0200000000020806000108000604000102fc000000010a0000010000000000000a000002', 0x00000001, [14, 0, 0, 0, 0, 0, 0]],
  // Ether(type=0x88cc)/Raw(b'\x02\x07\x04' + b'\x00'*6)
  ['lldp', '02000000000102000000000288cc020704000000000000', 0x00000001, [14, 0, 0, 0, 0, 0, 0]],
  // Ether(type=0x88f7)/Raw(b'\x00'*34)
  ['ptp', '02000000000102000000000288f700000000000000000000000000000000000000000000000000000000000000000000', 0x00000001, [14, 0, 0, 0, 0, 0, 0]],
  // Ether/IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP(sport=1, dport=2)/Raw(b'xy')
  ['udp6', '02000000000102000000000286dd60000000000a114020010db800000000000000000000000120010db800000000000000000000000200010002000a2be97879', 0x00000241, [14, 40, 8, 0, 0, 0, 0]],
  // Ether/IPv6()/TCP()
  ['tcp6', '02000000000102000000000286dd60000000001406400000000000000000000000000000000100000000000000000000000000000001001400500000000000000000500220008f7d0000', 0x00000141, [14, 40, 20, 0, 0, 0, 0]],
  // Ether/IPv6()/ICMPv6EchoRequest()
  ['icmp6', '02000000000102000000000286dd6000000000083a40000000000000000000000000000000010000000000000000000000000000000180007fbb00000000', 0x00000041, [14, 40, 0, 0, 0, 0, 0]],
  // Ether/IPv6()/IPv6ExtHdrHopByHop()/TCP()
  ['ip6_hbh_tcp', '02000000000102000000000286dd60000000001c004000000000000000000000000000000001000000000000000000000000000000010600010400000000001400500000000000000000500220008f7d0000', 0x000001c1, [14, 48, 20, 0, 0, 0, 0]],
  // Ether/IPv6()/IPv6ExtHdrHopByHop()/IPv6ExtHdrRouting()/IPv6ExtHdrDestOpt()/TCP()
  ['ip6_hbh_rt_dst_tcp', '02000000000102000000000286dd60000000002c004000000000000000000000000000000001000000000000000000000000000000012b000104000000003c000000000000000600010400000000001400500000000000000000500220008f7d0000', 0x000001c1, [14, 64, 20, 0, 0, 0, 0]],
  // Ether/IPv6()/IPv6ExtHdrFragment(offset=0, m=1)/UDP()
  ['ip6_frag_udp', '02000000000102000000000286dd6000000000102c4000000000000000000000000000000001000000000000000000000000000000011100000100000000003500350008ff72', 0x000003c1, [14, 48, 0, 0, 0, 0, 0]],
  // Ether/IPv6()/IPv6ExtHdrFragment(offset=10, m=0, nh=17)/Raw(b'\x00'*8)
  ['ip6_frag2', '02000000000102000000000286dd6000000000102c40000000000000000000000000000000010000000000000000000000000000000111000050000000000000000000000000', 0x000003c1, [14, 48, 0, 0, 0, 0, 0]],
  // Ether/IPv6()/AH(nh=6, payloadlen=4, icv=b'\x00'*12)/TCP()
  ['ip6_ah_tcp', '02000000000102000000000286dd60000000002c334000000000000000000000000000000001000000000000000000000000000000010604000000000001000000000000000000000000000000000014005000000000000000005002200000000000', 0x000000c1, [14, 40, 0, 0, 0, 0, 0]],
  // Ether/IPv6()/IPv6ExtHdrHopByHop()/AH(nh=6, payloadlen=4, icv=b'\x00'*12)/TCP()
  ['ip6_hbh_ah_tcp', '02000000000102000000000286dd6000000000340040000000000000000000000000000000010000000000000000000000000000000133000104000000000604000000000001000000000000000000000000000000000014005000000000000000005002200000000000', 0x000000c1, [14, 48, 0, 0, 0, 0, 0]],
  // Ether/IPv6(nh=50)/Raw(b'\x00'*16)
  ['ip6_esp', '02000000000102000000000286dd6000000000103240000000000000000000000000000000010000000000000000000000000000000100000000000000000000000000000000', 0x000000c1, [14, 40, 0, 0, 0, 0, 0]],
  // Ether/IPv6(nh=59)
  ['ip6_nonext', '02000000000102000000000286dd6000000000003b400000000000000000000000000000000100000000000000000000000000000001', 0x00000041, [14, 40, 0, 0, 0, 0, 0]],
  // Ether/IPv6()/IPv6ExtHdrHopByHop(nh=59)
  ['ip6_hbh_none', '02000000000102000000000286dd600000000008004000000000000000000000000000000001000000000000000000000000000000013b00010400000000', 0x000000c1, [14, 48, 0, 0, 0, 0, 0]],
  // Ether/IPv6()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/TCP()
  ['ip6_6ext', '02000000000102000000000286dd60000000003c3c4000000000000000000000000000000001000000000000000000000000000000013c000104000000003c000104000000003c000104000000003c000104000000000600010400000000001400500000000000000000500220008f7d0000', 0x000000c1, [14, 40, 0, 0, 0, 0, 0]],
  // Ether/IPv6()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/TCP()
  ['ip6_5ext', '02000000000102000000000286dd6000000000343c4000000000000000000000000000000001000000000000000000000000000000013c000104000000003c000104000000003c000104000000000600010400000000001400500000000000000000500220008f7d0000', 0x000001c1, [14, 72, 20, 0, 0, 0, 0]],
  // Ether/IP(flags='MF', frag=0)/UDP()/Raw(b'x'*8)
  ['frag4_first', '0200000000010200000000020800450000240001200040115cc67f0000017f0000010035003500101f807878787878787878', 0x00000311, [14, 20, 0, 0, 0, 0, 0]],
  // Ether/IP(flags=0, frag=3, proto=17)/Raw(b'x'*8)
  ['frag4_last', '02000000000102000000000208004500001c0001000340117ccb7f0000017f0000017878787878787878', 0x00000311, [14, 20, 0, 0, 0, 0, 0]],
  // Ether/IP(flags='DF')/UDP()
  ['frag4_df', '02000000000102000000000208004500001c0001400040113cce7f0000017f0000010035003500080172', 0x00000211, [14, 20, 8, 0, 0, 0, 0]],
  // Ether/IP()/GREther/IP()/UDP()
  ['gre_ip4', '02000000000102000000000208004500003400010000402f7c987f0000017f000001000008004500001c0001000040117cce7f0000017f0000010035003500080172', 0x02102011, [14, 20, 0, 4, 0, 20, 8]],
  // Ether/IP()/GREther(key_present=1, key=5)/IPv6()/TCP()
  ['gre_key_ip6', '02000000000102000000000208004500005800010000402f7c747f0000017f000001200086dd0000000560000000001406400000000000000000000000000000000100000000000000000000000000000001001400500000000000000000500220008f7d0000', 0x01302011, [14, 20, 0, 8, 0, 40, 20]],
  // Ether/IP()/GREther(chksum_present=1, key_present=1, seqnum_present=1, key=1, seqence_number=2)/IP()/TCP()
  ['gre_ck_key_seq', '02000000000102000000000208004500004c00010000402f7c807f0000017f000001b0000800461900000000000100000002450000280001000040067ccd7f0000017f00000100140050000000000000000050022000917c0000', 0x01102011, [14, 20, 0, 16, 0, 20, 20]],
  // Ether/IP()/GREther(routing_present=1)/IP()/TCP()
  ['gre_routing', '02000000000102000000000208004500004400010000402f7c887f0000017f0000014000080000000000450000280001000040067ccd7f0000017f00000100140050000000000000000050022000917c0000', 0x00000011, [14, 20, 0, 0, 0, 0, 0]],
  // Ether/IP()/GREther(key_present=1, proto=0x6558, key=0x100)/Ether()/IP()/UDP()
  ['nvgre', '02000000000102000000000208004500004600010000402f7c867f0000017f0000012000655800000100ffffffffffff00000000000008004500001c0001000040117cce7f0000017f0000010035003500080172', 0x02114011, [14, 20, 0, 8, 14, 20, 8]],
  // Ether/IP()/GREther(key_present=1, proto=0x6558, key=0x100)/Ether()/Dot1Q(vlan=5)/IPv6()/TCP()
  ['nvgre_vlan', '02000000000102000000000208004500006a00010000402f7c627f0000017f0000012000655800000100ffffffffffff0000000000008100000586dd60000000001406400000000000000000000000000000000100000000000000000000000000000001001400500000000000000000500220008f7d0000', 0x01324011, [14, 20, 0, 8, 18, 40, 20]],
  // Ether/IP()/GREther(proto=0x6558)/Ether()/IP()/TCP()
  ['gre_teb_nokey', '02000000000102000000000208004500004e00010000402f7c7e7f0000017f00000100006558ffffffffffff0000000000000800450000280001000040067ccd7f0000017f00000100140050000000000000000050022000917c0000', 0x01114011, [14, 20, 0, 4, 14, 20, 20]],
  // Ether/IP(proto=4)/IP()/TCP()
  ['ipip', '02000000000102000000000208004500003c0001000040047cbb7f0000017f000001450000280001000040067ccd7f0000017f00000100140050000000000000000050022000917c0000', 0x01101011, [14, 20, 0, 0, 0, 20, 20]],
  // Ether/IP(proto=41)/IPv6()/UDP()
  ['ip6ip', '0200000000010200000000020800450000440001000040297c8e7f0000017f00000160000000000811400000000000000000000000000000000100000000000000000000000000000001003500350008ff72', 0x02301011, [14, 20, 0, 0, 0, 40, 8]],
  // Ether/IPv6(nh=41)/IPv6()/UDP()
  ['ip6ip6', '02000000000102000000000286dd6000000000302940000000000000000000000000000000010000000000000000000000000000000160000000000811400000000000000000000000000000000100000000000000000000000000000001003500350008ff72', 0x02301041, [14, 40, 0, 0, 0, 40, 8]],
  // Ether/IPv6(nh=4)/IP()/ICMP()
  ['ip6ip4', '02000000000102000000000286dd60000000001c044000000000000000000000000000000001000000000000000000000000000000014500001c0001000040017cde7f0000017f0000010800f7ff00000000', 0x00101041, [14, 40, 0, 0, 0, 20, 0]],
  // Ether/IPv6()/GREther/IP()/UDP()
  ['ip6_gre', '02000000000102000000000286dd6000000000202f400000000000000000000000000000000100000000000000000000000000000001000008004500001c0001000040117cce7f0000017f0000010035003500080172', 0x02102041, [14, 40, 0, 4, 0, 20, 8]],
  // Ether/IP()/UDP(sport=5000, dport=4789)/VXLAN(vni=42)/Ether()/IP()/TCP()
  ['vxlan', '02000000000102000000000208004500005a0001000040117c907f0000017f000001138812b500469b3c0c00000300002a00ffffffffffff0000000000000800450000280001000040067ccd7f0000017f00000100140050000000000000000050022000917c0000', 0x00000211, [14, 20, 8, 0, 0, 0, 0]],
  // Ether/IPv6()/UDP(sport=5000, dport=4789)/VXLAN(vni=42)/Ether()/Dot1Q(vlan=3)/IPv6()/UDP()
  ['vxlan_inner_vlan6', '02000000000102000000000286dd60000000005211400000000000000000000000000000000100000000000000000000000000000001138812b5005229f80c00000300002a00ffffffffffff0000000000008100000386dd60000000000811400000000000000000000000000000000100000000000000000000000000000001003500350008ff72', 0x00000241, [14, 40, 8, 0, 0, 0, 0]],
  // Ether/IP()/UDP(dport=4789)/VXLAN(vni=1)/Ether()/IP(flags='MF')/UDP()
  ['vxlan_inner_frag', '02000000000102000000000208004500004e0001000040117c9c7f0000017f00000112b512b5003ac5260c00000300000100ffffffffffff00000000000008004500001c0001200040115cce7f0000017f0000010035003500080172', 0x00000211, [14, 20, 8, 0, 0, 0, 0]],
  // Ether/IP()/UDP(sport=4789, dport=5000)/VXLAN(vni=42)/Ether()/IP()/TCP()
  ['vxlan_sport', '02000000000102000000000208004500005a0001000040117c907f0000017f00000112b5138800469b3c0c00000300002a00ffffffffffff0000000000000800450000280001000040067ccd7f0000017f00000100140050000000000000000050022000917c0000', 0x00000211, [14, 20, 8, 0, 0, 0, 0]],
  // Ether/IP()/UDP(sport=2152, dport=2152)/Raw(b'\x30\xff\x00\x1c\x00\x00\x00\x01')/IP()/UDP()
  ['gtpu', '0200000000010200000000020800450000400001000040117caa7f0000017f00000108680868002cbdc330ff001c000000014500001c0001000040117cce7f0000017f0000010035003500080172', 0x00000211, [14, 20, 8, 0, 0, 0, 0]],
  // Ether/IP()/UDP(dport=6081)/Raw(b'\x00\x00\x65\x58\x00\x00\x01\x00')/Ether()/IP()/UDP()
  ['geneve', '02000000000102000000000208004500004e0001000040117c9c7f0000017f000001003517c1003a79450000655800000100ffffffffffff00000000000008004500001c0001000040117cce7f0000017f0000010035003500080172', 0x00000211, [14, 20, 8, 0, 0, 0, 0]],
  // Ether(type=0x8847)/MPLS(label=3, s=1)/IP()/UDP()
  ['mpls', '0200000000010200000000028847000031004500001c0001000040117cce7f0000017f0000010035003500080172', 0x00000001, [14, 0, 0, 0, 0, 0, 0]],
  // Ether/Dot1Q(vlan=1)/ARP()
  ['vlan_arp', '020000000001020000000002810000010806000108000604000102fc00000001c000020200000000000000000000', 0x00000006, [18, 0, 0, 0, 0, 0, 0]],
  // Ether/Dot1Q(vlan=1)/IPv6()/TCP()
  ['vlan_ip6', '0200000000010200000000028100000186dd60000000001406400000000000000000000000000000000100000000000000000000000000000001001400500000000000000000500220008f7d0000', 0x00000146, [18, 40, 20, 0, 0, 0, 0]],
  // Ether(type=0x88a8)/Dot1Q(vlan=1)/Dot1Q(vlan=2)/IPv6()/UDP()
  ['qinq_ip6', 'ffffffffffff00000000000088a800018100000286dd60000000000811400000000000000000000000000000000100000000000000000000000000000001003500350008ff72', 0x00000247, [22, 40, 8, 0, 0, 0, 0]],
  // Ether(type=0x1234)/Raw(b'\x00'*46)
  ['unknown_et', '020000000001020000000002123400000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000', 0x00000001, [14, 0, 0, 0, 0, 0, 0]],
  // Ether(type=0x0800)/IPv6()/UDP()
  ['ip6_in_4et', '020000000001020000000002080060000000000811400000000000000000000000000000000100000000000000000000000000000001003500350008ff72', 0x00000301, [14, 0, 0, 0, 0, 0, 0]],
  // Ether(type=0x86dd)/IP()/UDP()
  ['ip4_in_6et', '02000000000102000000000286dd4500001c0001000040117cce7f0000017f0000010035003500080172', 0x00000001, [14, 0, 0, 0, 0, 0, 0]],
  // Ether/IP()/GREther/IP(flags='MF')/TCP()
  ['gre_inner_ipv4_frag', '02000000000102000000000208004500004000010000402f7c8c7f0000017f00000100000800450000280001200040065ccd7f0000017f00000100140050000000000000000050022000917c0000', 0x03102011, [14, 20, 0, 4, 0, 20, 0]],
  // Ether/IP()/GREther/IPv6()/IPv6ExtHdrHopByHop()/IPv6ExtHdrFragment(m=1)/UDP()
  ['gre_inner_ip6_ext', '02000000000102000000000208004500005800010000402f7c747f0000017f000001000086dd600000000018004000000000000000000000000000000001000000000000000000000000000000012c000104000000001100000100000000003500350008ff72', 0x03502011, [14, 20, 0, 4, 0, 56, 0]],
  // Ether/IP()/GREther/IPv6()/SCTP()
  ['gre_inner_sctp6', '02000000000102000000000208004500004c00010000402f7c807f0000017f000001000086dd60000000000c8440000000000000000000000000000000010000000000000000000000000000000100000000000000005db5602b', 0x04302011, [14, 20, 0, 4, 0, 40, 12]],
  // Ether/IP()/GREther(proto=0x6558)/Ether(type=0x88a8)/Dot1Q(vlan=1)/Dot1Q(vlan=2)/IP()/UDP()
  ['gre_inner_qinq', '02000000000102000000000208004500004a00010000402f7c827f0000017f00000100006558ffffffffffff00000000000088a800018100000208004500001c0001000040117cce7f0000017f0000010035003500080172', 0x02134011, [14, 20, 0, 4, 22, 20, 8]],
  // Ether/IP()/GREther/IP(options=[IPOption_RR()])/ICMP()
  ['gre_inner_ipopt', '02000000000102000000000208004500003800010000402f7c947f0000017f000001000008004600002000010000400170d77f0000017f000001070304000800f7ff00000000', 0x00202011, [14, 20, 0, 4, 0, 24, 0]],
  // Ether(type=0x800)/Raw(bytes.fromhex('65000028000000004011000001020304050607080000000000000000'))
  ['ip4_ver6', '020000000001020000000002080065000028000000004011000001020304050607080000000000000000', 0x00000201, [14, 20, 8, 0, 0, 0, 0]],
  // Ether(type=0x800)/Raw(bytes.fromhex('44000028000000004011000001020304050607080000000000000000'))
  ['ip4_ihl4', '020000000001020000000002080044000028000000004011000001020304050607080000000000000000', 0x00000201, [14, 16, 8, 0, 0, 0, 0]],
  // Ether(type=0x800)/Raw(bytes.fromhex('43000028000000004006000001020304050607080000000000000000'))
  ['ip4_ihl3_tcp', '020000000001020000000002080043000028000000004006000001020304050607080000000000000000', 0x00000001, [14, 12, 0, 0, 0, 0, 0]],
  // Ether/IP(proto=8)/IP()/UDP()
  ['proto8', '0200000000010200000000020800450000300001000040087cc37f0000017f0000014500001c0001000040117cce7f0000017f0000010035003500080172', 0x02100011, [14, 20, 0, 0, 0, 20, 8]],
  // Ether/IP(proto=129)/Raw(b'\x00\x05\x08\x00')/IP()/TCP()
  ['proto129', '0200000000010200000000020800450000400001000040817c3a7f0000017f00000100050800450000280001000040067ccd7f0000017f00000100140050000000000000000050022000917c0000', 0x01120011, [14, 20, 0, 0, 4, 20, 20]],
  // Ether/IPv6(nh=8)/IP()/UDP()
  ['ip6_proto8', '02000000000102000000000286dd60000000001c084000000000000000000000000000000001000000000000000000000000000000014500001c0001000040117cce7f0000017f0000010035003500080172', 0x02100041, [14, 40, 0, 0, 0, 20, 8]],
  // 13 bytes
  ['trunc_eth', '00000000000000000000000000', 0x00000000, [0, 0, 0, 0, 0, 0, 0]],
  // IPv4 header cut at 10 bytes
  ['trunc_ip4', '02000000000102000000000208004500001c000100004011', 0x00000001, [14, 0, 0, 0, 0, 0, 0]],
  // TCP header cut at 10 bytes
  ['trunc_tcp', '0200000000010200000000020800450000280001000040067ccd7f0000017f00000100140050000000000000', 0x00000011, [14, 20, 0, 0, 0, 0, 0]],
  // IPv6 header cut at 30 bytes
  ['trunc_ip6', '02000000000102000000000286dd6000000000003b4000000000000000000000000000000001000000000000', 0x00000001, [14, 0, 0, 0, 0, 0, 0]],
  // GRE header cut at 2 bytes
  ['trunc_gre', '02000000000102000000000208004500003400010000402f7c987f0000017f0000010000', 0x00000011, [14, 20, 0, 0, 0, 0, 0]],
  // GRE / IPv4 / TCP cut at 10 bytes of TCP
  ['trunc_inner_tcp', '02000000000102000000000208004500004000010000402f7c8c7f0000017f00000100000800450000280001000040067ccd7f0000017f00000100140050000000000000', 0x00100000, [14, 20, 0, 4, 0, 20, 0]],
  // Ether/IP()/TCP(dataofs=15)/Raw(b'\x00'*40)
  ['tcp_doff15', '0200000000010200000000020800450000500001000040067ca57f0000017f000001001400500000000000000000f0022000f153000000000000000000000000000000000000000000000000000000000000000000000000000000000000', 0x00000111, [14, 20, 60, 0, 0, 0, 0]],
  // Ether/IP()/TCP(dataofs=2)
  ['tcp_doff2', '0200000000010200000000020800450000280001000040067ccd7f0000017f00000100140050000000000000000020022000c17c0000', 0x00000111, [14, 20, 8, 0, 0, 0, 0]],
  // Ether/IP()/GREther(version=1)/IP()/UDP()
  ['gre_ver1', '02000000000102000000000208004500003400010000402f7c987f0000017f000001000108004500001c0001000040117cce7f0000017f0000010035003500080172', 0x02102011, [14, 20, 0, 4, 0, 20, 8]],
  // Ether/IP()/GREther(seqnum_present=1)/IP()/UDP()
  ['gre_flags_s', '02000000000102000000000208004500003800010000402f7c947f0000017f00000110000800000000004500001c0001000040117cce7f0000017f0000010035003500080172', 0x02102011, [14, 20, 0, 8, 0, 20, 8]],
  // VLAN tag cut after 2 bytes
  ['trunc_vlan', '02000000000102000000000281000064', 0x00000006, [14, 0, 0, 0, 0, 0, 0]],
];
const PKT = new Map(PTYPE_CASES.map(([n, h]) => [n, hex(h)]));
const pkt = (name: string): Uint8Array => {
  const p = PKT.get(name);
  assert.ok(p, name);
  return p.slice();
};

describe('Ethernet', () => {
  test('header fields of a real frame', () => {
    const u8 = pkt('udp4');
    assert.equal(net.etherFormatAddr(u8, net.ETHER_OFF_DST), '02:00:00:00:00:01');
    assert.equal(net.etherFormatAddr(u8, net.ETHER_OFF_SRC), '02:00:00:00:00:02');
    assert.equal(net.etherGetType(u8, 0), net.RTE_ETHER_TYPE_IPV4);
    net.etherSetType(u8, 0, net.RTE_ETHER_TYPE_IPV6);
    assert.equal(toHex(u8, 12, 2), '86dd');
  });
  test('copy, swap, compare without allocation', () => {
    const u8 = pkt('udp4');
    net.etherSwapAddrs(u8, 0);
    assert.equal(toHex(u8, 0, 12), '020000000002020000000001');
    net.etherAddrCopy(u8, 0, u8, 6);
    assert.ok(net.etherAddrEqual(u8, 0, u8, 6));
    const other = new Uint8Array(16);
    net.etherAddrCopy(u8, 0, other, 10);
    assert.equal(toHex(other, 10), '020000000002');
    assert.ok(net.etherAddrEqual(u8, 6, other, 10));
    other[15] = 3;
    assert.ok(!net.etherAddrEqual(u8, 6, other, 10));
    const m = net.etherGetAddr(hex('fedcba987654'), 0);
    assert.equal(m, 0xfedcba987654);
    net.etherSetAddr(other, 1, m);
    assert.equal(toHex(other, 1, 6), 'fedcba987654');
    net.etherSetAddr(other, 1, 0x020000000001);
    assert.equal(net.etherFormatAddr(other, 1), '02:00:00:00:00:01');
  });
  test('address classes', () => {
    const a = hex('ffffffffffff01005e000001000000000000020000000001001122334455');
    assert.ok(net.etherAddrIsBroadcast(a, 0) && net.etherAddrIsMulticast(a, 0));
    assert.ok(net.etherAddrIsMulticast(a, 6) && !net.etherAddrIsBroadcast(a, 6));
    assert.ok(net.etherAddrIsZero(a, 12) && !net.etherAddrIsValidAssigned(a, 12));
    assert.ok(net.etherAddrIsLocalAdmin(a, 18) && net.etherAddrIsValidAssigned(a, 18));
    assert.ok(net.etherAddrIsUniversal(a, 24) && net.etherAddrIsUnicast(a, 24));
    const r = new Uint8Array(8);
    for (let i = 0; i < 50; i++) {
      net.etherRandomAddr(r, 1);
      assert.ok(net.etherAddrIsLocalAdmin(r, 1) && net.etherAddrIsUnicast(r, 1));
    }
  });
  test('format and parse like rte_ether_format_addr / rte_ether_unformat_addr (verified against 22.11)', () => {
    const out = new Uint8Array(6);
    assert.ok(net.etherUnformatAddr('0a:BB:cc:dd:ee:ff', out));
    assert.equal(net.etherFormatAddr(out), '0A:BB:CC:DD:EE:FF');
    assert.ok(net.etherUnformatAddr('0abb:ccdd:eeff', out));
    assert.equal(net.etherFormatAddr(out), '0A:BB:CC:DD:EE:FF');
    for (const bad of ['2:0:0:0:0:1', '0abb.ccdd.eeff', '0a-bb-cc-dd-ee-ff', '0a:bb:cc:dd:ee', '0a:bb:cc:dd:ee:ff:00',
      '0a:bb:cc:dd:ee:fff', '0a:bb:cc:dd:ee:ff ', ' 0a:bb:cc:dd:ee:ff', 'abb:ccdd:eeff', '0a:bb:cc:dd:ee:g0', '', '0x0a:bb:cc:dd:ee:ff']) {
      assert.equal(net.etherUnformatAddr(bad, out), false, bad);
    }
    assert.equal(toHex(net.etherParseAddr('02:00:00:00:00:07')), '020000000007');
    rejects(() => net.etherParseAddr('02:00:00:00:00'), 'EINVAL', '02:00:00:00:00');
  });
  test('DPDK frame constants', () => {
    assert.deepEqual([net.RTE_ETHER_MIN_LEN, net.RTE_ETHER_MAX_LEN, net.RTE_ETHER_MTU, net.RTE_ETHER_CRC_LEN, net.RTE_ETHER_HDR_LEN],
      [64, 1518, 1500, 4, 14]);
  });
});

describe('VLAN / QinQ', () => {
  test('tag fields', () => {
    const u8 = pkt('vlan_udp4');
    assert.equal(net.vlanGetTci(u8, 14), 100);
    assert.equal(net.vlanGetProto(u8, 14), net.RTE_ETHER_TYPE_IPV4);
    const q = pkt('qinq_udp4');
    assert.equal(net.etherGetType(q, 0), net.RTE_ETHER_TYPE_QINQ);
    assert.equal(net.vlanGetTci(q, 14), 10);
    assert.equal(net.vlanGetProto(q, 14), net.RTE_ETHER_TYPE_VLAN);
    assert.equal(net.vlanGetTci(q, 18), 20);
    const tci = net.vlanTciMake(1234, 5, 1);
    assert.deepEqual([net.vlanTciId(tci), net.vlanTciPri(tci), net.vlanTciDei(tci)], [1234, 5, 1]);
    net.vlanSetTci(u8, 14, tci);
    net.vlanSetProto(u8, 14, 0x86dd);
    assert.equal(toHex(u8, 14, 4), 'b4d286dd');
  });
  test('software strip and insert', () => {
    const tagged = pkt('vlan_udp4');
    const buf = new Uint8Array(tagged.length + 8);
    buf.set(tagged, 8);
    assert.equal(net.vlanStrip(buf, 8, tagged.length), 100);
    assert.equal(toHex(buf, 12, 12), toHex(tagged, 0, 12));
    assert.equal(toHex(buf, 24), toHex(tagged, 16));
    assert.equal(net.vlanStrip(buf, 12, tagged.length - 4), -1);
    net.vlanInsert(buf, 12, 100);
    assert.equal(toHex(buf, 8), toHex(tagged));
  });
});

describe('ARP', () => {
  test('request fields and turning it into a reply', () => {
    const u8 = pkt('arp');
    const a = 14;
    assert.ok(net.arpIsEtherIpv4(u8, a));
    assert.equal(net.arpGetOpcode(u8, a), net.RTE_ARP_OP_REQUEST);
    assert.equal(net.ipv4FormatAddr(net.arpGetSip(u8, a)), '10.0.0.1');
    assert.equal(net.ipv4FormatAddr(net.arpGetTip(u8, a)), '10.0.0.2');
    net.arpSetOpcode(u8, a, net.RTE_ARP_OP_REPLY);
    const sip = net.arpGetSip(u8, a);
    net.arpSetSip(u8, a, net.arpGetTip(u8, a));
    net.arpSetTip(u8, a, sip);
    net.etherAddrCopy(u8, a + net.ARP_OFF_SHA, u8, a + net.ARP_OFF_THA);
    assert.equal(toHex(u8, a + 6, 2), '0002');
    assert.equal(toHex(u8, a + 14, 4), '0a000002');
    assert.equal(toHex(u8, a + 24, 4), '0a000001');
    assert.equal(toHex(u8, a + 18, 6), toHex(u8, a + 8, 6));
  });
});

describe('IPv4', () => {
  test('header fields', () => {
    const u8 = pkt('udp4');
    const ip = 14;
    assert.equal(net.ipv4GetVersion(u8, ip), 4);
    assert.equal(net.ipv4GetIhl(u8, ip), 5);
    assert.equal(net.ipv4HdrLen(u8, ip), 20);
    assert.equal(net.ipv4GetTotalLength(u8, ip), 33);
    assert.equal(net.ipv4GetPacketId(u8, ip), 1);
    assert.equal(net.ipv4GetTtl(u8, ip), 64);
    assert.equal(net.ipv4GetProto(u8, ip), net.IPPROTO_UDP);
    assert.equal(net.ipv4GetCksum(u8, ip), 0x66c9);
    assert.equal(net.ipv4GetSrc(u8, ip), 0x0a000001);
    assert.equal(net.ipv4GetDst(u8, ip), net.rteIpv4(10, 0, 0, 2));
    assert.equal(net.ipv4HdrLen(pkt('ipopt'), ip), 24);
    net.ipv4SwapAddrs(u8, ip);
    assert.equal(net.ipv4GetSrc(u8, ip), 0x0a000002);
    assert.equal(net.ipv4CksumVerify(u8, ip), 0, 'swapping addresses keeps the sum');
    net.ipv4SetTtl(u8, ip, 63);
    net.ipv4SetDst(u8, ip, 0xc0a80101);
    assert.equal(toHex(u8, ip + 8, 1), '3f');
    assert.equal(toHex(u8, ip + 16, 4), 'c0a80101');
  });
  test('fragments', () => {
    assert.ok(net.ipv4IsFragment(pkt('frag4_first'), 14));
    assert.ok(net.ipv4IsFragment(pkt('frag4_last'), 14));
    assert.ok(!net.ipv4IsFragment(pkt('frag4_df'), 14));
    assert.equal(net.ipv4GetFragmentOffset(pkt('frag4_df'), 14), net.RTE_IPV4_HDR_DF_FLAG);
  });
  test('text addresses (control path)', () => {
    assert.equal(net.ipv4ParseAddr('198.18.0.1'), 0xc6120001);
    assert.equal(net.ipv4FormatAddr(0xc6120002), '198.18.0.2');
    assert.ok(net.ipv4IsMcast(net.RTE_IPV4_ALLHOSTS_GROUP) && !net.ipv4IsMcast(0xc6120002));
    for (const bad of ['1.2.3', '256.1.1.1', '1.2.3.4.5', 'a.b.c.d', '']) rejects(() => net.ipv4ParseAddr(bad), 'EINVAL', `'${bad}'`);
  });
});

describe('IPv6', () => {
  test('header fields', () => {
    const u8 = pkt('udp6');
    const ip = 14;
    assert.equal(net.ipv6GetVersion(u8, ip), 6);
    assert.equal(net.ipv6GetPayloadLen(u8, ip), 10);
    assert.equal(net.ipv6GetProto(u8, ip), net.IPPROTO_UDP);
    assert.equal(net.ipv6GetHopLimits(u8, ip), 64);
    assert.equal(net.ipv6GetSrcWord(u8, ip, 0), 0x20010db8);
    assert.equal(net.ipv6GetDstWord(u8, ip, 3), 2);
    assert.equal(net.ipv6FormatAddr(u8, ip + net.IPV6_OFF_SRC), '2001:db8::1');
    net.ipv6SwapAddrs(u8, ip);
    assert.equal(net.ipv6FormatAddr(u8, ip + net.IPV6_OFF_SRC), '2001:db8::2');
  });
  test('text addresses (control path, RFC 5952 output)', () => {
    const a = new Uint8Array(16);
    for (const [inp, out] of [['::', '::'], ['::1', '::1'], ['fe80::1:2', 'fe80::1:2'], ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:DB8::0:1', '2001:db8::1'], ['::ffff:1.2.3.4', '::ffff:1.2.3.4'], ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'], ['1:0:3:4:5:6:7:8', '1:0:3:4:5:6:7:8']]) {
      net.ipv6ParseAddr(inp!, a);
      assert.equal(net.ipv6FormatAddr(a, 0), out, inp);
    }
    for (const bad of [':::', '1::2::3', 'g::', '1:2:3:4:5:6:7:8:9', '1:2:3', '12345::', '::1.2.3.256']) rejects(() => net.ipv6ParseAddr(bad, a), 'EINVAL', bad);
  });
  test('extension header walk (rte_net_skip_ip6_ext)', () => {
    const res = new Uint32Array(2);
    const u8 = pkt('ip6_hbh_rt_dst_tcp');
    assert.equal(net.ipv6SkipExt(u8, 54, u8.length, net.ipv6GetProto(u8, 14), res), net.IPPROTO_TCP);
    assert.deepEqual([...res], [54 + 24, 0]);
    const f = pkt('ip6_frag_udp');
    assert.equal(net.ipv6SkipExt(f, 54, f.length, net.IPPROTO_FRAGMENT, res), net.IPPROTO_UDP);
    assert.deepEqual([...res], [62, 1]);
    const ah = pkt('ip6_hbh_ah_tcp');
    assert.equal(net.ipv6SkipExt(ah, 54, ah.length, net.IPPROTO_HOPOPTS, res), net.IPPROTO_AH, 'DPDK stops at AH');
    assert.equal(res[0], 62);
    assert.equal(net.ipv6ExtLen(ah, 62, net.IPPROTO_AH), 24);
    assert.equal(net.ipv6SkipExt(ah, 54, ah.length, net.IPPROTO_HOPOPTS, res, true), net.IPPROTO_TCP);
    assert.equal(res[0], 86);
    assert.equal(net.ipv6SkipExt(pkt('ip6_hbh_none'), 54, 200, net.IPPROTO_HOPOPTS, res), 0, 'no next header');
    const six = pkt('ip6_6ext');
    assert.equal(net.ipv6SkipExt(six, 54, six.length, net.IPPROTO_DSTOPTS, res), -1, 'more than 5 headers');
    assert.equal(net.ipv6SkipExt(f, 54, 55, net.IPPROTO_FRAGMENT, res), -1, 'cut off');
    assert.equal(net.ipv6ExtLen(f, 54, net.IPPROTO_TCP), -1);
  });
});

describe('L4 and tunnel headers', () => {
  test('TCP', () => {
    const u8 = pkt('tcp4');
    const l4 = 34;
    assert.deepEqual([net.tcpGetSrcPort(u8, l4), net.tcpGetDstPort(u8, l4)], [1234, 80]);
    assert.equal(net.tcpHdrLen(u8, l4), 24);
    assert.equal(net.tcpGetFlags(u8, l4), net.RTE_TCP_SYN_FLAG);
    assert.equal(net.tcpGetRxWin(u8, l4), 8192);
    assert.equal(net.tcpGetCksum(u8, l4), 0x9a9c);
    net.l4SwapPorts(u8, l4);
    assert.deepEqual([net.tcpGetSrcPort(u8, l4), net.tcpGetDstPort(u8, l4)], [80, 1234]);
    net.tcpSetSentSeq(u8, l4, 0xdeadbeef);
    assert.equal(net.tcpGetSentSeq(u8, l4), 0xdeadbeef);
  });
  test('UDP, SCTP, ICMP', () => {
    const u = pkt('udp4');
    assert.deepEqual([net.udpGetSrcPort(u, 34), net.udpGetDstPort(u, 34), net.udpGetDgramLen(u, 34), net.udpGetCksum(u, 34)], [1234, 80, 13, 0xa2dd]);
    const s = pkt('sctp4');
    assert.deepEqual([net.sctpGetSrcPort(s, 34), net.sctpGetDstPort(s, 34), net.sctpGetTag(s, 34), net.sctpGetCksum(s, 34)], [1, 2, 0, 0xfd988051]);
    const i = pkt('icmp4');
    assert.deepEqual([net.icmpGetType(i, 34), net.icmpGetCode(i, 34), net.icmpGetCksum(i, 34), net.icmpGetIdent(i, 34), net.icmpGetSeqNb(i, 34)],
      [net.RTE_IP_ICMP_ECHO_REQUEST, 0, 0x192c, 1, 2]);
  });
  test('GRE options and VXLAN', () => {
    const g = pkt('gre_ck_key_seq');
    assert.equal(net.greGetFlags(g, 34) & 0xf000, net.GRE_FLAG_C | net.GRE_FLAG_K | net.GRE_FLAG_S);
    assert.equal(net.greHdrLen(g, 34), 16);
    assert.deepEqual([net.greGetKey(g, 34), net.greGetSeq(g, 34), net.greGetProto(g, 34)], [1, 2, 0x0800]);
    assert.equal(net.greHdrLen(pkt('gre_routing'), 34), 0);
    const n = pkt('nvgre');
    assert.deepEqual([net.greGetProto(n, 34), net.greGetKey(n, 34), net.greGetSeq(n, 34), net.greHdrLen(n, 34)], [net.RTE_ETHER_TYPE_TEB, 0x100, -1, 8]);
    const v = pkt('vxlan');
    assert.equal(net.udpGetDstPort(v, 34), net.RTE_VXLAN_DEFAULT_PORT);
    assert.equal(net.vxlanGetFlags(v, 42) & net.VXLAN_FLAG_I, net.VXLAN_FLAG_I);
    assert.equal(net.vxlanGetVni(v, 42), 42);
    net.vxlanSetVni(v, 42, 0xabcdef);
    assert.equal(net.vxlanGetVni(v, 42), 0xabcdef);
    assert.equal(toHex(v, 46, 4), 'abcdef00');
  });
});

// [ip version, l4, payload length, L4 offset, headers (payload follows: byte i = (i * 31 + 7) & 0xff),
//  DPDK rte_raw_cksum of the whole frame, IPv4 header checksum, phdr, phdr with TCP_SEG, L4 checksum]
// Header and L4 checksums are the ones scapy wrote into the frame; DPDK computed the same values.
const CKSUM_CASES: [number, string, number, number, string, number, number, number, number, number][] = [
  [4, 'udp', 0, 34, '02000000000102000000000208004500001c000000003f11a81e0a010201c0a807099c40003500088fb5', 0x3836, 0xa81e, 0xd3cc, 0xd3c4, 0x8fb5],
  [4, 'udp', 1, 34, '02000000000102000000000208004500001d000100003f11a81b0a010202c0a807099c410035000988b1', 0x3834, 0xa81b, 0xd3ce, 0xd3c5, 0x88b1],
  [4, 'udp', 63, 38, '02000000000102000000000208004600005f003f00003f119b5a0a010240c0a80709070304009c7f003500477f71', 0x37b8, 0x9b5a, 0xd44a, 0xd403, 0x7f71],
  [4, 'udp', 64, 34, '02000000000102000000000208004500005c004000003f11a75e0a010241c0a807099c80003500487ec5', 0x37b6, 0xa75e, 0xd44c, 0xd404, 0x7ec5],
  [4, 'udp', 65, 34, '02000000000102000000000208004500005d004100003f11a75b0a010242c0a807099c8100350049b7c0', 0x37b4, 0xa75b, 0xd44e, 0xd405, 0xb7c0],
  [4, 'udp', 1401, 38, '020000000001020000000002080046000599057900003f11908e0a010298c0a8070907030400a1b900350581433f', 0x3226, 0x908e, 0xd9dc, 0xd45b, 0x433f],
  [4, 'tcp', 0, 34, '020000000001020000000002080045000028000000003f06a81d0a010201c0a807099c400050123456780000000750182000b6d50000', 0x3835, 0xa81d, 0xd3cd, 0xd3b9, 0xb6d5],
  [4, 'tcp', 1, 34, '020000000001020000000002080045000029000100003f06a81a0a010202c0a807099c410050123456790000000750182000afd10000', 0x3833, 0xa81a, 0xd3cf, 0xd3ba, 0xafd1],
  [4, 'tcp', 63, 38, '02000000000102000000000208004600006b003f00003f069b590a010240c0a80709070304009c7f0050123456b70000000750182000a6910000', 0x37b7, 0x9b59, 0xd44b, 0xd3f8, 0xa691],
  [4, 'tcp', 64, 34, '020000000001020000000002080045000068004000003f06a75d0a010241c0a807099c800050123456b80000000750182000a5e50000', 0x37b5, 0xa75d, 0xd44d, 0xd3f9, 0xa5e5],
  [4, 'tcp', 65, 34, '020000000001020000000002080045000069004100003f06a75a0a010242c0a807099c810050123456b90000000750182000dee00000', 0x37b3, 0xa75a, 0xd44f, 0xd3fa, 0xdee0],
  [4, 'tcp', 1401, 38, '0200000000010200000000020800460005a5057900003f06908d0a010298c0a8070907030400a1b9005012345bf100000007501820006a5f0000', 0x3225, 0x908d, 0xd9dd, 0xd450, 0x6a5f],
  [6, 'udp', 0, 54, '02000000000102000000000286dd600000000008114020010db8000000000000000000000001fe8000000000000000000000000100029c4000350008372b', 0xfc0f, 0, 0x2c57, 0x2c4f, 0x372b],
  [6, 'udp', 1, 54, '02000000000102000000000286dd600000000009114020010db8000000000000000000000002fe8000000000000000000000000100029c41003500093027', 0xfc0f, 0, 0x2c59, 0x2c50, 0x3027],
  [6, 'udp', 63, 54, '02000000000102000000000286dd600000000047114020010db8000000000000000000000040fe8000000000000000000000000100029c7f0035004726e7', 0xfc0f, 0, 0x2cd5, 0x2c8e, 0x26e7],
  [6, 'udp', 64, 54, '02000000000102000000000286dd600000000048114020010db8000000000000000000000041fe8000000000000000000000000100029c8000350048263b', 0xfc0f, 0, 0x2cd7, 0x2c8f, 0x263b],
  [6, 'udp', 65, 54, '02000000000102000000000286dd600000000049114020010db8000000000000000000000042fe8000000000000000000000000100029c81003500495f36', 0xfc0f, 0, 0x2cd9, 0x2c90, 0x5f36],
  [6, 'udp', 1401, 54, '02000000000102000000000286dd600000000581114020010db800000000000000000000057afe800000000000000000000000010002a1b900350581e5d2', 0xfc0f, 0, 0x3749, 0x31c8, 0xe5d2],
  [6, 'tcp', 0, 54, '02000000000102000000000286dd600000000014064020010db8000000000000000000000001fe8000000000000000000000000100029c4000501234567800000007501820005e4b0000', 0xf11a, 0, 0x2c58, 0x2c44, 0x5e4b],
  [6, 'tcp', 1, 54, '02000000000102000000000286dd600000000015064020010db8000000000000000000000002fe8000000000000000000000000100029c41005012345679000000075018200057470000', 0xf11a, 0, 0x2c5a, 0x2c45, 0x5747],
  [6, 'tcp', 63, 54, '02000000000102000000000286dd600000000053064020010db8000000000000000000000040fe8000000000000000000000000100029c7f0050123456b700000007501820004e070000', 0xf11a, 0, 0x2cd6, 0x2c83, 0x4e07],
  [6, 'tcp', 64, 54, '02000000000102000000000286dd600000000054064020010db8000000000000000000000041fe8000000000000000000000000100029c800050123456b800000007501820004d5b0000', 0xf11a, 0, 0x2cd8, 0x2c84, 0x4d5b],
  [6, 'tcp', 65, 54, '02000000000102000000000286dd600000000055064020010db8000000000000000000000042fe8000000000000000000000000100029c810050123456b9000000075018200086560000', 0xf11a, 0, 0x2cda, 0x2c85, 0x8656],
  [6, 'tcp', 1401, 54, '02000000000102000000000286dd60000000058d064020010db800000000000000000000057afe800000000000000000000000010002a1b9005012345bf100000007501820000cf30000', 0xf11a, 0, 0x374a, 0x31bd, 0x0cf3],
];

function buildCksumFrame(hdr: string, n: number): Uint8Array {
  const h = hex(hdr);
  const u8 = new Uint8Array(h.length + n);
  u8.set(h);
  for (let i = 0; i < n; i++) u8[h.length + i] = (i * 31 + 7) & 0xff;
  return u8;
}

/** Reference one's complement sum (RFC 1071, big-endian words), byte by byte. */
function refSum(u8: Uint8Array, off: number, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += (i & 1) === 0 ? u8[off + i]! << 8 : u8[off + i]!;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

describe('checksums', () => {
  test('match DPDK and scapy on IPv4/IPv6 UDP/TCP frames at every alignment', () => {
    const sab = new SharedArrayBuffer(4096);
    for (const [v, l4, n, l4off, hdr, raw, ipck, phdr, phdrTso, l4ck] of CKSUM_CASES) {
      const frame = buildCksumFrame(hdr, n);
      const what = `IPv${v} ${l4} payload ${n}`;
      for (const viewOff of [0, 1, 2, 3]) for (const base of [0, 1, 2, 6]) {
        const u8 = new Uint8Array(sab, viewOff, 4000);
        u8.fill(0x5a);
        u8.set(frame, base);
        const l3 = base + 14, l4o = base + l4off, ckOff = l4o + (l4 === 'udp' ? 6 : 16);
        assert.equal(net.rawCksum(u8, base, frame.length), raw, what);
        if (v === 4) {
          assert.equal(net.ipv4CksumVerify(u8, l3), 0, what);
          assert.equal(net.ipv4UdptcpCksumVerify(u8, l3, l4o), 0, what);
          assert.equal(net.ipv4PhdrCksum(u8, l3), phdr, what);
          assert.equal(net.ipv4PhdrCksum(u8, l3, true), phdrTso, what);
          net.ipv4SetCksum(u8, l3, 0);
          assert.equal(net.ipv4Cksum(u8, l3), ipck, what);
          u8[ckOff] = 0; u8[ckOff + 1] = 0;
          assert.equal(net.ipv4UdptcpCksum(u8, l3, l4o), l4ck, what);
          assert.equal(net.ipv4UdptcpCksum(u8, l3, l4o, frame.length - l4off), l4ck, `${what} explicit l4len`);
          assert.equal(net.ipv4UdptcpCksumVerify(u8, l3, l4o), -1, what);
        } else {
          assert.equal(net.ipv6UdptcpCksumVerify(u8, l3, l4o), 0, what);
          assert.equal(net.ipv6PhdrCksum(u8, l3), phdr, what);
          assert.equal(net.ipv6PhdrCksum(u8, l3, true), phdrTso, what);
          u8[ckOff] = 0; u8[ckOff + 1] = 0;
          assert.equal(net.ipv6UdptcpCksum(u8, l3, l4o), l4ck, what);
          assert.equal(net.ipv6UdptcpCksumVerify(u8, l3, l4o), -1, what);
        }
      }
    }
  });
  test('rawCksum equals a byte-wise RFC 1071 sum for any offset, length and view', () => {
    const sab = new SharedArrayBuffer(8192);
    const all = new Uint8Array(sab);
    let x = 1;
    for (let i = 0; i < all.length; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; all[i] = x >>> 24; }
    for (let k = 0; k < 3000; k++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const viewOff = x & 7, off = (x >>> 3) & 1023, len = (x >>> 13) % 1700;
      const u8 = new Uint8Array(sab, viewOff, 8000);
      assert.equal(net.rawCksum(u8, off, len), refSum(u8, off, len), `view ${viewOff} off ${off} len ${len}`);
    }
    // all-ones words fold to 0xffff, never 0 (DPDK's representation)
    assert.equal(net.rawCksum(new Uint8Array(200).fill(0xff), 0, 200), 0xffff);
    assert.equal(net.rawCksum(new Uint8Array(200), 0, 200), 0);
    assert.equal(net.rawCksum(new Uint8Array(10).fill(1), 4, 100), refSum(new Uint8Array(6).fill(1), 0, 6), 'reads stop at the end of the view');
  });
  test('segments combine like rte_raw_cksum_mbuf', () => {
    const u8 = buildCksumFrame(CKSUM_CASES[5]![4], 1401);
    const whole = net.rawCksum(u8, 0, u8.length);
    for (const cut of [1, 2, 3, 77, 700, 1001]) {
      const s = net.cksumCombine(net.rawCksum(u8, 0, cut), net.rawCksum(u8, cut, u8.length - cut), cut);
      assert.equal(s, whole, `cut ${cut}`);
    }
    assert.equal(net.cksumAdd(0xffff, 1), 1);
    assert.equal(net.cksumAdd(0x8000, 0x8000), 1);
  });
  test('UDP zero rule: computed 0 is sent as 0xffff; 0 on receive means "none" for IPv4, invalid for IPv6', () => {
    // Ether/IP(src='1.2.3.4', dst='5.6.7.8')/UDP(sport=1000, dport=60382)/Raw(b'\0\0'): its checksum computes to 0
    const u8 = hex('02fc0000000502fc0000000108004500001e0001000040116abb010203040506070803e8ebde000affff0000');
    assert.equal(net.udpGetCksum(u8, 34), 0xffff);
    assert.equal(net.ipv4UdptcpCksumVerify(u8, 14, 34), 0);
    net.udpSetCksum(u8, 34, 0);
    assert.equal(net.ipv4UdptcpCksum(u8, 14, 34), 0xffff);
    assert.equal(net.ipv4UdpCksumVerify(u8, 14, 34), 0, 'not computed');
    assert.equal(net.ipv4UdptcpCksumVerify(u8, 14, 34), 0, '0 and 0xffff are both -0 to a plain verify');
    net.udpSetCksum(u8, 34, 0x1234);
    assert.equal(net.ipv4UdpCksumVerify(u8, 14, 34), -1);
    const v6 = pkt('udp6');
    assert.equal(net.ipv6UdpCksumVerify(v6, 14, 54), 0);
    net.udpSetCksum(v6, 54, 0);
    assert.equal(net.ipv6UdpCksumVerify(v6, 14, 54), -1);
  });
  test('IPv6 with extension headers: explicit protocol', () => {
    // TCP behind a hop-by-hop header: the pseudo-header takes TCP (6) and the L4 length only.
    const u8 = pkt('ip6_hbh_tcp');
    assert.equal(net.ipv6UdptcpCksumVerify(u8, 14, 62, -1, net.IPPROTO_TCP), 0);
    const stored = net.tcpGetCksum(u8, 62);
    net.tcpSetCksum(u8, 62, 0);
    assert.equal(net.ipv6UdptcpCksum(u8, 14, 62, 20, net.IPPROTO_TCP), stored);
  });
  test('incremental update (icmpecho request -> reply)', () => {
    const u8 = pkt('icmp4');
    const old = net.icmpGetCksum(u8, 34);
    net.icmpSetType(u8, 34, net.RTE_IP_ICMP_ECHO_REPLY);
    net.icmpSetCksum(u8, 34, net.cksumUpdate16(old, net.RTE_IP_ICMP_ECHO_REQUEST << 8, net.RTE_IP_ICMP_ECHO_REPLY << 8));
    assert.equal(net.rawCksum(u8, 34, u8.length - 34), 0xffff);
    net.icmpSetCksum(u8, 34, 0);
    assert.equal(~net.rawCksum(u8, 34, u8.length - 34) & 0xffff, net.cksumUpdate16(old, 0x0800, 0));
  });
  test('malformed lengths never throw or read past the view', () => {
    const u8 = pkt('udp4');
    net.ipv4SetTotalLength(u8, 14, 10);
    assert.equal(net.ipv4UdptcpCksum(u8, 14, 34), 0xffff, 'total length below header length: DPDK sums nothing');
    net.ipv4SetTotalLength(u8, 14, 60000);
    assert.equal(typeof net.ipv4UdptcpCksum(u8, 14, 34), 'number');
    assert.equal(net.ipv4UdptcpCksumVerify(u8, 14, 34), -1);
    assert.ok(Number.isInteger(net.ipv6UdptcpCksum(pkt('udp6'), 14, 54, 5000)));
  });
});

describe('packet type (rte_net_get_ptype)', () => {
  test('PTYPE_PARSE_DPDK is bit-for-bit DPDK 22.11, lengths included', () => {
    const lens = new Uint32Array(net.HDR_LENS_SIZE);
    for (const [name, h, ptype, exp] of PTYPE_CASES) {
      const p = hex(h);
      // Junk after the frame must not be parsed: len bounds the parse, not the view.
      const buf = new Uint8Array(p.length + 200).fill(0x45);
      buf.set(p, 100);
      lens.fill(0xee);
      const got = net.netGetPtype(buf, 100, p.length, net.RTE_PTYPE_ALL_MASK, lens);
      assert.equal(got.toString(16), ptype.toString(16), name);
      assert.deepEqual([...lens], exp, name);
      assert.equal(net.getPtype(buf, 100, p.length, net.RTE_PTYPE_ALL_MASK, lens, net.PTYPE_PARSE_DPDK), ptype, name);
    }
  });
  test('layer masks stop the parse like DPDK', () => {
    const lens = new Uint32Array(7);
    // [packet, layers, DPDK result, lengths] from the DPDK probe
    const cases: [string, number, number, number[]][] = [
      ['udp4', 0, 0, [14, 0, 0, 0, 0, 0, 0]],
      ['udp4', 0xf, 0x1, [14, 0, 0, 0, 0, 0, 0]],
      ['udp4', 0xff, 0x11, [14, 20, 0, 0, 0, 0, 0]],
      ['tcp4', 0xff, 0x11, [14, 20, 0, 0, 0, 0, 0]],
      ['ip6_hbh_tcp', 0xff, 0xc1, [14, 48, 0, 0, 0, 0, 0]],
      ['gre_ip4', 0xffff, 0x2011, [14, 20, 0, 4, 4, 0, 0]],
      ['gre_ip4', 0xfffff, 0x2011, [14, 20, 0, 4, 0, 0, 0]],
      ['nvgre_vlan', 0xfffff, 0x24011, [14, 20, 0, 8, 18, 0, 0]],
      ['nvgre_vlan', 0xffffff, 0x324011, [14, 20, 0, 8, 18, 40, 0]],
      ['ipip', 0xf0ff, 0x11, [14, 20, 0, 0, 0, 0, 0]],
    ];
    for (const [name, layers, ptype, exp] of cases) {
      const p = pkt(name);
      assert.equal(net.netGetPtype(p, 0, p.length, layers, lens), ptype, `${name} 0x${layers.toString(16)}`);
      assert.deepEqual([...lens], exp, `${name} 0x${layers.toString(16)}`);
    }
  });
  test('PTYPE_PARSE_FULL: the same except where it goes beyond 22.11', () => {
    const P = net;
    const E = P.RTE_PTYPE_L2_ETHER, V4 = P.RTE_PTYPE_L3_IPV4, V6 = P.RTE_PTYPE_L3_IPV6;
    // [packet, result, lengths]: L2 kinds, ICMP, IPv6 AH, VXLAN (DPDK >= 24.07 lengths), strict protocol handling
    const full: [string, number, number[]][] = [
      ['arp', P.RTE_PTYPE_L2_ETHER_ARP, [14, 0, 0, 0, 0, 0, 0]],
      ['lldp', P.RTE_PTYPE_L2_ETHER_LLDP, [14, 0, 0, 0, 0, 0, 0]],
      ['ptp', P.RTE_PTYPE_L2_ETHER_TIMESYNC, [14, 0, 0, 0, 0, 0, 0]],
      ['mpls', P.RTE_PTYPE_L2_ETHER_MPLS, [18, 0, 0, 0, 0, 0, 0]],
      ['vlan_arp', P.RTE_PTYPE_L2_ETHER_VLAN, [18, 0, 0, 0, 0, 0, 0]],
      ['icmp4', E | V4 | P.RTE_PTYPE_L4_ICMP, [14, 20, 0, 0, 0, 0, 0]],
      ['icmp6', E | V6 | P.RTE_PTYPE_L4_ICMP, [14, 40, 0, 0, 0, 0, 0]],
      ['ip6ip4', E | V6 | P.RTE_PTYPE_TUNNEL_IP | P.RTE_PTYPE_INNER_L3_IPV4 | P.RTE_PTYPE_INNER_L4_ICMP, [14, 40, 0, 0, 0, 20, 0]],
      ['gre_inner_ipopt', E | V4 | P.RTE_PTYPE_TUNNEL_GRE | P.RTE_PTYPE_INNER_L3_IPV4_EXT | P.RTE_PTYPE_INNER_L4_ICMP, [14, 20, 0, 4, 0, 24, 0]],
      ['ip6_ah_tcp', E | P.RTE_PTYPE_L3_IPV6_EXT | P.RTE_PTYPE_L4_TCP, [14, 64, 20, 0, 0, 0, 0]],
      ['ip6_hbh_ah_tcp', E | P.RTE_PTYPE_L3_IPV6_EXT | P.RTE_PTYPE_L4_TCP, [14, 72, 20, 0, 0, 0, 0]],
      ['vxlan', E | V4 | P.RTE_PTYPE_L4_UDP | P.RTE_PTYPE_TUNNEL_VXLAN | P.RTE_PTYPE_INNER_L2_ETHER | P.RTE_PTYPE_INNER_L3_IPV4 | P.RTE_PTYPE_INNER_L4_TCP,
        [14, 20, 8, 0, 30, 20, 20]],
      ['vxlan_inner_vlan6', E | V6 | P.RTE_PTYPE_L4_UDP | P.RTE_PTYPE_TUNNEL_VXLAN | P.RTE_PTYPE_INNER_L2_ETHER_VLAN | P.RTE_PTYPE_INNER_L3_IPV6 |
        P.RTE_PTYPE_INNER_L4_UDP, [14, 40, 8, 0, 34, 40, 8]],
      ['vxlan_inner_frag', E | V4 | P.RTE_PTYPE_L4_UDP | P.RTE_PTYPE_TUNNEL_VXLAN | P.RTE_PTYPE_INNER_L2_ETHER | P.RTE_PTYPE_INNER_L3_IPV4 |
        P.RTE_PTYPE_INNER_L4_FRAG, [14, 20, 8, 0, 30, 20, 0]],
      ['vxlan_sport', E | V4 | P.RTE_PTYPE_L4_UDP, [14, 20, 8, 0, 0, 0, 0]],
      ['proto8', E | V4, [14, 20, 0, 0, 0, 0, 0]],
      ['proto129', E | V4, [14, 20, 0, 0, 0, 0, 0]],
      ['ip6_proto8', E | V6, [14, 40, 0, 0, 0, 0, 0]],
      ['qinq8100', P.RTE_PTYPE_L2_ETHER_VLAN, [18, 0, 0, 0, 0, 0, 0]],
      ['ip4_ver6', E, [14, 0, 0, 0, 0, 0, 0]],
      ['ip4_ihl4', E, [14, 0, 0, 0, 0, 0, 0]],
      ['ip6_in_4et', E, [14, 0, 0, 0, 0, 0, 0]],
      ['trunc_inner_tcp', E | V4 | P.RTE_PTYPE_TUNNEL_GRE | P.RTE_PTYPE_INNER_L3_IPV4, [14, 20, 0, 4, 0, 20, 0]],
    ];
    const lens = new Uint32Array(7);
    const special = new Map(full.map(([n, pt, l]) => [n, [pt, l] as const]));
    for (const [name, h, ptype, exp] of PTYPE_CASES) {
      const p = hex(h);
      const got = net.getPtype(p, 0, p.length, net.RTE_PTYPE_ALL_MASK, lens);
      const s = special.get(name);
      const [ept, elens] = s ?? [ptype, name === 'ip4_ihl3_tcp' ? [14, 0, 0, 0, 0, 0, 0] : exp];
      assert.equal(net.ptypeName(got), net.ptypeName(ept), name);
      assert.deepEqual([...lens], elens, name);
    }
    for (const [name] of full) assert.ok(PKT.has(name), name);
    // VXLAN cut inside the inner frame: what could be recognised, no throw
    const v = pkt('vxlan');
    assert.equal(net.getPtype(v, 0, 14 + 20 + 8 + 8 + 10, net.RTE_PTYPE_ALL_MASK, lens), E | V4 | P.RTE_PTYPE_L4_UDP | P.RTE_PTYPE_TUNNEL_VXLAN);
    assert.deepEqual([...lens], [14, 20, 8, 0, 16, 0, 0]);
    assert.equal(net.getPtype(v, 0, v.length, 0xffff, lens), E | V4 | P.RTE_PTYPE_L4_UDP | P.RTE_PTYPE_TUNNEL_VXLAN);
    assert.equal(net.getPtype(v, 0, v.length, 0xfff, lens), E | V4 | P.RTE_PTYPE_L4_UDP);
  });
  test('truncated and malformed frames never throw and give a partial result', () => {
    const lens = new Uint32Array(7);
    const modes = [net.PTYPE_PARSE_DPDK, net.PTYPE_PARSE_FULL];
    for (const [name, h] of PTYPE_CASES) {
      const p = hex(h);
      for (let len = 0; len <= p.length; len++) {
        for (const mode of modes) {
          const pt = net.getPtype(p, 0, len, net.RTE_PTYPE_ALL_MASK, lens, mode);
          assert.ok(Number.isInteger(pt) && pt >= 0 && (pt & ~net.RTE_PTYPE_ALL_MASK) === 0, `${name} ${len}`);
          if (len < 14) assert.equal(pt, 0);
          // (DPDK itself drops the outer bits when an inner TCP header is cut off)
          else if (mode === net.PTYPE_PARSE_FULL) assert.notEqual(pt & net.RTE_PTYPE_L2_MASK, 0, `${name} cut at ${len} keeps its L2 type`);
        }
      }
      // len beyond the view is clamped to it
      assert.equal(net.getPtype(p, 0, p.length + 1000), net.getPtype(p, 0, p.length), name);
    }
    // random bytes behind each ethertype
    let x = 7;
    const buf = new Uint8Array(128);
    for (const et of [0x0800, 0x86dd, 0x8100, 0x88a8, 0x8847, 0x0806, 0x6558]) {
      for (let k = 0; k < 400; k++) {
        for (let i = 0; i < buf.length; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; buf[i] = x >>> 24; }
        net.etherSetType(buf, 0, et);
        if (et === 0x0800) buf[14] = 0x45 + (k % 11);
        for (const mode of modes) net.getPtype(buf, 0, 14 + (x % 115), net.RTE_PTYPE_ALL_MASK, lens, mode);
      }
    }
    assert.equal(net.getPtype(new Uint8Array(0), 0, 0), 0);
    assert.equal(net.getPtype(pkt('udp4'), 40, 100), net.RTE_PTYPE_UNKNOWN, 'offset past the data');
  });
  test('names print like rte_get_ptype_name', () => {
    const fields: [number, string, string[]][] = [
      [0, 'L2', ['L2_ETHER', 'L2_ETHER_TIMESYNC', 'L2_ETHER_ARP', 'L2_ETHER_LLDP', 'L2_ETHER_NSH', 'L2_ETHER_VLAN', 'L2_ETHER_QINQ', 'L2_ETHER_PPPOE', 'L2_ETHER_FCOE', 'L2_ETHER_MPLS']],
      [4, 'L3', ['L3_IPV4', '', 'L3_IPV4_EXT', 'L3_IPV6', '', '', '', '', 'L3_IPV4_EXT_UNKNOWN', '', '', 'L3_IPV6_EXT', '', 'L3_IPV6_EXT_UNKNOWN']],
      [8, 'L4', ['L4_TCP', 'L4_UDP', 'L4_FRAG', 'L4_SCTP', 'L4_ICMP', 'L4_NONFRAG', 'L4_IGMP']],
      [12, 'TUNNEL', ['TUNNEL_IP', 'TUNNEL_GRE', 'TUNNEL_VXLAN', 'TUNNEL_NVGRE', 'TUNNEL_GENEVE', 'TUNNEL_GRENAT', 'TUNNEL_GTPC', 'TUNNEL_GTPU', 'TUNNEL_ESP',
        'TUNNEL_L2TP', 'TUNNEL_VXLAN_GPE', 'TUNNEL_MPLS_IN_GRE', 'TUNNEL_MPLS_IN_UDP']],
      [16, 'INNER_L2', ['INNER_L2_ETHER', 'INNER_L2_ETHER_VLAN', 'INNER_L2_ETHER_QINQ']],
      [20, 'INNER_L3', ['INNER_L3_IPV4', 'INNER_L3_IPV4_EXT', 'INNER_L3_IPV6', 'INNER_L3_IPV4_EXT_UNKNOWN', 'INNER_L3_IPV6_EXT', 'INNER_L3_IPV6_EXT_UNKNOWN']],
      [24, 'INNER_L4', ['INNER_L4_TCP', 'INNER_L4_UDP', 'INNER_L4_FRAG', 'INNER_L4_SCTP', 'INNER_L4_ICMP', 'INNER_L4_NONFRAG']],
    ];
    for (const [shift, field, names] of fields) {
      for (let v = 1; v < 16; v++) assert.equal(net.ptypeName(v << shift), `${names[v - 1] || `${field}_UNKNOWN`} `, `${field} ${v}`);
    }
    assert.equal(net.ptypeName(0), 'UNKNOWN');
    assert.equal(net.ptypeName(0x10000000), 'UNKNOWN');
    assert.equal(net.ptypeName(0x10000001), 'L2_ETHER ');
    assert.equal(net.ptypeName(0x211), 'L2_ETHER L3_IPV4 L4_UDP ');
    assert.equal(net.ptypeName(0x02114011), 'L2_ETHER L3_IPV4 TUNNEL_NVGRE INNER_L2_ETHER INNER_L3_IPV4 INNER_L4_UDP ');
    assert.ok(net.ptypeIsIpv4(net.RTE_PTYPE_L3_IPV4_EXT) && net.ptypeIsIpv6(net.RTE_PTYPE_L3_IPV6_EXT) && !net.ptypeIsIpv4(net.RTE_PTYPE_L3_IPV6));
    assert.ok(net.ptypeIsTunnel(0x02114011) && !net.ptypeIsTunnel(0x211));
  });
});

// Microsoft RSS verification suite (82599 datasheet 7.1.2.8.3), as in DPDK app/test/test_thash.c:
// [dst, src, dst port, src port, hash without ports, hash with ports]
const THASH_V4: [string, string, number, number, number, number][] = [
  ['161.142.100.80', '66.9.149.187', 1766, 2794, 0x323e8fc2, 0x51ccc178],
  ['65.69.140.83', '199.92.111.2', 4739, 14230, 0xd718262a, 0xc626b0ea],
  ['12.22.207.184', '24.19.198.95', 38024, 12898, 0xd2d0a5de, 0x5c2b394a],
  ['209.142.163.6', '38.27.205.30', 2217, 48228, 0x82989176, 0xafc7327f],
  ['202.188.127.2', '153.39.163.191', 1303, 44251, 0x5d1809c5, 0x10e828a2],
];
const THASH_V6: [string, string, number, number, number, number][] = [
  ['3ffe:2501:200:3::1', '3ffe:2501:200:1fff::7', 1766, 2794, 0x2cc18cd5, 0x40207d3d],
  ['ff02::1', '3ffe:501:8::260:97ff:fe40:efab', 4739, 14230, 0x0f0c461c, 0xdde51bbf],
  ['fe80::200:f8ff:fe21:67cf', '3ffe:1900:4545:3:200:f8ff:fe21:67cf', 38024, 44251, 0x4b61e985, 0x02d1feef],
];

describe('RSS (Toeplitz)', () => {
  const key = net.defaultRssKey();
  const conv = net.convertRssKey(key);
  test('default key', () => {
    assert.equal(key.length, net.RSS_KEY_DEFAULT_LEN);
    assert.equal(toHex(key), '6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa');
    key[0] = 0;
    assert.equal(net.defaultRssKey()[0], 0x6d, 'a copy each time');
    key[0] = 0x6d;
    assert.equal(conv[0], 0x6d5a56da);
    assert.equal(conv.length, 10);
  });
  test('IPv4 verification vectors, from tuples and from a packet', () => {
    const tuple = new Uint32Array(net.RTE_THASH_TUPLE_MAX_LEN);
    const frame = pkt('tcp4');
    for (const [dst, src, dport, sport, h3, h4] of THASH_V4) {
      tuple[0] = net.ipv4ParseAddr(src);
      tuple[1] = net.ipv4ParseAddr(dst);
      tuple[2] = ((sport << 16) | dport) >>> 0;
      assert.equal(net.softrss(tuple, net.RTE_THASH_V4_L3_LEN, key), h3, `${src} ${dst}`);
      assert.equal(net.softrss(tuple, net.RTE_THASH_V4_L4_LEN, key), h4, `${src} ${dst} ports`);
      assert.equal(net.softrssBe(tuple, net.RTE_THASH_V4_L3_LEN, conv), h3);
      assert.equal(net.softrssBe(tuple, net.RTE_THASH_V4_L4_LEN, conv), h4);
      net.ipv4SetSrc(frame, 14, net.ipv4ParseAddr(src));
      net.ipv4SetDst(frame, 14, net.ipv4ParseAddr(dst));
      net.tcpSetSrcPort(frame, 34, sport);
      net.tcpSetDstPort(frame, 34, dport);
      tuple.fill(0);
      assert.equal(net.softrss(tuple, net.thashLoadIpv4(frame, 14, tuple), key), h3);
      assert.equal(net.softrss(tuple, net.thashLoadIpv4L4(frame, 14, 34, tuple), key), h4);
    }
  });
  test('IPv6 verification vectors, from a packet', () => {
    const tuple = new Uint32Array(net.RTE_THASH_TUPLE_MAX_LEN);
    const frame = pkt('udp6');
    for (const [dst, src, dport, sport, h3, h4] of THASH_V6) {
      net.ipv6ParseAddr(src, frame, 14 + net.IPV6_OFF_SRC);
      net.ipv6ParseAddr(dst, frame, 14 + net.IPV6_OFF_DST);
      net.udpSetSrcPort(frame, 54, sport);
      net.udpSetDstPort(frame, 54, dport);
      assert.equal(net.thashLoadIpv6(frame, 14, tuple), 8);
      assert.equal(net.softrss(tuple, 8, key), h3, src);
      assert.equal(net.softrssBe(tuple, 8, conv), h3, src);
      assert.equal(net.thashLoadIpv6L4(frame, 14, 54, tuple), 9);
      assert.equal(net.softrss(tuple, 9, key), h4, `${src} ports`);
      assert.equal(net.softrssBe(tuple, 9, conv), h4, `${src} ports`);
    }
  });
  test('RETA', () => {
    const reta = net.retaFillDefault(new Uint16Array(128), 3);
    assert.deepEqual([...reta.subarray(0, 7)], [0, 1, 2, 0, 1, 2, 0]);
    assert.equal(net.retaLookup(reta, 0x51ccc178), reta[0x78]);
    assert.equal(net.retaLookup(reta, 0xffffffff), reta[127]);
    rejects(() => net.retaFillDefault(new Uint16Array(4), 0), 'EINVAL', '0');
    rejects(() => net.convertRssKey(key, new Uint32Array(2)), 'EINVAL');
  });
});
