// Names pcap-filter(7) accepts in place of numbers: IP protocols, ethertypes, services, header fields.

import { readFileSync } from 'node:fs';

export const IP_PROTOS: Record<string, number> = {
  icmp: 1, igmp: 2, tcp: 6, udp: 17, ipv6: 41, gre: 47, esp: 50, ah: 51, icmp6: 58, pim: 103, vrrp: 112, sctp: 132,
};

export const ETHER_PROTOS: Record<string, number> = {
  ip: 0x0800, ip6: 0x86dd, arp: 0x0806, rarp: 0x8035, atalk: 0x809b, aarp: 0x80f3, decnet: 0x6003, lat: 0x6004,
  sca: 0x6007, moprc: 0x6002, mopdl: 0x6001, loopback: 0x9000,
};

/** Constants of the arithmetic (tcpflags, tcp-syn, icmptype, icmp-echo, ...). */
export const CONSTANTS: Record<string, number> = {
  icmptype: 0, icmpcode: 1, tcpflags: 13,
  'icmp-echoreply': 0, 'icmp-unreach': 3, 'icmp-sourcequench': 4, 'icmp-redirect': 5, 'icmp-echo': 8,
  'icmp-routeradvert': 9, 'icmp-routersolicit': 10, 'icmp-timxceed': 11, 'icmp-paramprob': 12, 'icmp-tstamp': 13,
  'icmp-tstampreply': 14, 'icmp-ireq': 15, 'icmp-ireqreply': 16, 'icmp-maskreq': 17, 'icmp-maskreply': 18,
  'tcp-fin': 0x01, 'tcp-syn': 0x02, 'tcp-rst': 0x04, 'tcp-push': 0x08, 'tcp-ack': 0x10, 'tcp-urg': 0x20,
  'tcp-ece': 0x40, 'tcp-cwr': 0x80,
};

let services: Map<string, { port: number; tcp: boolean; udp: boolean }> | null = null;

/** A service name from /etc/services (what getservbyname answers): its port and which of tcp/udp have it. */
export function serviceByName(name: string): { port: number; tcp: boolean; udp: boolean } | null {
  if (services === null) {
    services = new Map();
    let text = '';
    try {
      text = readFileSync('/etc/services', 'utf8');
    } catch {
      // no services database: numbers only
    }
    for (const line of text.split('\n')) {
      const f = line.replace(/#.*/, '').trim().split(/\s+/);
      const m = /^(\d+)\/(tcp|udp)$/.exec(f[1] ?? '');
      if (!m) continue;
      for (const n of [f[0]!, ...f.slice(2)]) {
        const e = services.get(n) ?? { port: Number(m[1]), tcp: false, udp: false };
        if (e.port !== Number(m[1])) continue;
        if (m[2] === 'tcp') e.tcp = true;
        else e.udp = true;
        services.set(n, e);
      }
    }
  }
  return services.get(name) ?? null;
}
