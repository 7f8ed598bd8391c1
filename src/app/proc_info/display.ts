// dpdk-proc-info's output blocks: NIC stats/xstats, resets, --show-port, rings, mempools, -m.

import * as eal from '../../lib/eal/index.js';
import * as ethdev from '../../lib/ethdev/index.js';
import { Mempool, mempoolList } from '../../lib/mempool/index.js';
import { Ring, ringList } from '../../lib/ring/index.js';

/** %-Nu */
function l(v: number | bigint | string, n: number): string {
  return String(v).padEnd(n);
}

const hex = (v: number | bigint): string => '0x' + v.toString(16);

/** STATS_BDR_STR(n, " text "): n '=' either side. */
function bdr(n: number, text: string): string {
  return '='.repeat(n) + text + '='.repeat(n) + '\n';
}

export function nicStats(port: number): string {
  const s = ethdev.statsGet(port);
  const b = '########################';
  let o = `\n  ${b} NIC statistics for port ${l(port, 2)} ${b}\n`;
  o += `  RX-packets: ${l(s.ipackets, 10)}  RX-errors:  ${l(s.ierrors, 10)}  RX-bytes:  ${l(s.ibytes, 10)}\n`;
  o += `  RX-nombuf:  ${l(s.rxNombuf, 10)}\n`;
  o += `  TX-packets: ${l(s.opackets, 10)}  TX-errors:  ${l(s.oerrors, 10)}  TX-bytes:  ${l(s.obytes, 10)}\n\n`;
  for (let q = 0; q < 16; q++) {
    o += `  Stats reg ${String(q).padStart(2)} RX-packets: ${l(s.qIpackets[q] ?? 0, 10)}  RX-errors: ${l(s.qErrors[q] ?? 0, 10)}  RX-bytes: ${l(s.qIbytes[q] ?? 0, 10)}\n`;
  }
  o += '\n';
  for (let q = 0; q < 16; q++) {
    o += `  Stats reg ${String(q).padStart(2)} TX-packets: ${l(s.qOpackets[q] ?? 0, 10)}  TX-bytes: ${l(s.qObytes[q] ?? 0, 10)}\n`;
  }
  o += `  ${b}############################${b}\n`;
  return o;
}

export function nicXstats(port: number): string {
  let o = `###### NIC extended statistics for port ${l(port, 2)} #########\n`;
  o += '#'.repeat(52) + '\n';
  for (const x of ethdev.xstatsGet(port)) o += `${x.name}: ${x.value}\n`;
  return o + '#'.repeat(52) + '\n';
}

export function nicXstatsByName(port: number, name: string): string {
  let o = `###### NIC statistics for port ${l(port, 2)}, statistic name '${name}':\n`;
  const x = ethdev.xstatsGet(port).find((e) => e.name === name);
  o += x ? `${x.name}: ${x.value}\n` : `Statistic not found...\n`;
  return o;
}

export function nicStatsClear(port: number): string {
  ethdev.statsReset(port);
  return `\n Clearing NIC stats for port ${port}\n\n  NIC statistics for port ${port} cleared\n`;
}

export function nicXstatsClear(port: number): string {
  ethdev.xstatsReset(port);
  return `\n Clearing NIC xstats for port ${port}\n\n  NIC extended statistics for port ${port} cleared\n`;
}

export function showPort(portList: number[]): string {
  let o = bdr(10, ' show - Port PMD ');
  for (const p of portList) {
    const info = ethdev.infoGet(p);
    o += bdr(5, ` Port ${p} `);
    o += '  - generic config\n';
    o += `\t  -- driver ${info.driverName} device ${ethdev.getNameByPort(p)} socket ${ethdev.socketIdOf(p)}\n`;
    o += `\t${ethdev.linkToString(ethdev.linkGetNowait(p))}\n`;
    o += `\t  -- mac ${ethdev.formatMac(ethdev.macAddrGet(p))}\n`;
    o += `\t  -- promiscuous mode ${ethdev.promiscuousGet(p) ? 'enabled' : 'disabled'}\n`;
    o += `\t  -- all multicast mode ${ethdev.allmulticastGet(p) ? 'enabled' : 'disabled'}\n`;
    o += `\t  -- mtu (${ethdev.mtuGet(p)})\n`;
    let rss: { rssKey: Uint8Array; rssHf: bigint } | null = null;
    try {
      rss = ethdev.rssHashConfGet(p);
    } catch {
      rss = null; // like rte_eth_dev_rss_hash_conf_get failing: no RSS block
    }
    if (rss) {
      o += '  - RSS info\n';
      o += `\t  -- key len : ${info.hashKeySize}\n`;
      o += `\t  -- key (hex) : ${Array.from(rss.rssKey.subarray(0, info.hashKeySize), (b) => b.toString(16).padStart(2, '0')).join('')}\n`;
      o += `\t  -- hash function : ${hex(rss.rssHf)}\n`;
    }
  }
  return o;
}

export function showRing(name: string | null): string {
  let o = bdr(10, ' show - RING ');
  if (name !== null) {
    try {
      return o + Ring.lookup(name).dump();
    } catch {
      return o + `Failed to find ring '${name}'\n`;
    }
  }
  for (const r of ringList()) o += Ring.attach(r.offset).dump();
  return o;
}

export function showMempool(name: string | null): string {
  let o = bdr(10, ' show - MEMPOOL ');
  if (name !== null) {
    const mp = Mempool.lookup(name);
    return o + (mp ? mp.dump() : `Failed to find mempool '${name}'\n`);
  }
  for (const mp of mempoolList()) o += mp.dump();
  return o;
}

/** -m: segments, memzones and the tailqs this library keeps (rings, mempools). */
export function memInfo(): string {
  let o = '----------- MEMORY_SEGMENTS -----------\n';
  for (const s of eal.memsegList()) {
    o += `Segment 0-${s.index}: IOVA:${hex(s.iova)}, len:${s.length}, virt:${hex(s.offset)}, socket_id:${s.socket}, ` +
      `hugepage_sz:${s.length}, nchannel:0, nrank:0\n`;
  }
  o += '--------- END_MEMORY_SEGMENTS ---------\n';
  o += '------------ MEMORY_ZONES -------------\n';
  o += eal.memzoneDump();
  o += '---------- END_MEMORY_ZONES -----------\n';
  o += '------------- TAIL_QUEUES -------------\n';
  const queues: [string, number[]][] = [
    ['RTE_RING', ringList().map((r) => r.offset)],
    ['RTE_MEMPOOL', mempoolList().map((m) => m.offset)],
  ];
  queues.forEach(([q, offs], i) => {
    const f = offs.length ? hex(offs[0]!) : '(nil)';
    const t = offs.length ? hex(offs[offs.length - 1]!) : '(nil)';
    o += `Tailq ${i}: qname:<${q}>, tqh_first:${f}, tqh_last:${t}\n`;
  });
  o += '---------- END_TAIL_QUEUES ------------\n';
  return o;
}
