// The pcap-filter expressions of the differential tests (pcap_filter.test.ts, bpf.test.ts).

export const EXPRESSIONS = [
  '', 'ip', 'ip6', 'arp', 'rarp', 'tcp', 'udp', 'icmp', 'icmp6', 'sctp', 'not ip', 'vlan', 'vlan 100', 'vlan 100 and ip',
  'vlan and udp', 'vlan 200 or vlan 100', 'vlan and vlan 100', 'port 53', 'udp port 53', 'tcp port 80 or 443', 'udp port 53 or 67',
  'src port 80', 'dst port 22', 'tcp src portrange 0-1023', 'portrange 1000-6000', 'port domain', 'port http',
  'host 1.2.3.4', 'src host 10.0.0.1', 'dst host 10.0.0.1 or src port 80', 'ip host 1.2.3.4 and 10.0.0.1', 'arp host 10.0.0.1',
  'src or dst host 1.2.3.4', 'src and dst net 10.0.0.0/8', 'net 10.0.0.0/8', 'src net 10', 'dst net 192.168.1.0 mask 255.255.255.0',
  'host 2001:db8::1', 'net 2001:db8::/32', 'ip6 multicast', 'ip multicast', 'ether broadcast', 'ether multicast',
  'ether host 02:00:00:00:00:0a', 'ether src 02:00:00:00:00:0b', 'ether dst ff:ff:ff:ff:ff:ff', 'ip proto 17', 'proto 17', 'ip6 proto 44',
  'ip6 and tcp', 'ip and not tcp and not udp', '(tcp or udp) and port 53', 'not (port 22 or port 80)', 'udp dst port 53 and not src host 10.0.0.1',
  'len > 100', 'greater 100', 'less 60', 'len - 14 >= ip[2:2]', 'ip[9] = 6', 'ip[2:2] / 4 > 20', 'ip[0] & 0xf > 5', 'ip[6:2] & 0x1fff != 0',
  'tcp[13] & 2 != 0', 'tcp[13]&2!=0 and ip src net 10.0.0.0/8', 'tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn', 'icmp[icmptype] = icmp-echo',
  'udp[8:2] = 0', 'ether[0] & 1 = 1', 'ether[12:2] = 0x8100', 'ip[ip[0]&0xf] = 0', 'tcp[tcp[12]>>4] > 0', 'ip6[6] = 17', 'ip[8] * 2 - 1 > 100',
  'ip[1] | 1 = 1', 'ip[2:2] % 7 = 3', 'ip[3] ^ 0x55 > 0x20', 'ip[1] << 2 > 10', 'arp[7] = 2', 'udp[0:2] < udp[2:2]',
  'ip or arp and not vlan', 'icmp or ether broadcast and arp',
  // long enough for branches over 255 instructions (ja trampolines)
  Array.from({ length: 40 }, (_, i) => `host 10.0.0.${i + 1}`).join(' or ') + ' or port 53',
  Array.from({ length: 30 }, (_, i) => `tcp port ${1001 + i}`).join(' or ') + ' or ip[0] = 0x46',
  `not (${Array.from({ length: 30 }, (_, i) => `net 10.${i + 1}.0.0/16`).join(' or ')} or udp)`,
];
