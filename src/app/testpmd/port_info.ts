// `show port info|summary|xstats` (port_infos_display, port_summary_display, nic_xstats_display) in
// testpmd's layout, from what ethdev reports. Fields tsdpdk's ethdev does not model print the values
// DPDK's ethdev gives a software PMD by default (no firmware version, 65535 segments, no capabilities).

import * as ethdev from '../../lib/ethdev/index.js';
import { ctx, formatMac } from './context.js';
import { err, out } from './io.js';
import { portIdIsInvalid, printValidPorts } from './stats.js';
import { strerror } from './strerror.js';

// rss_type_table's single-bit names, by bit number.
const RSS_NAMES: Record<number, string> = {
  2: 'ipv4', 3: 'ipv4-frag', 4: 'ipv4-tcp', 5: 'ipv4-udp', 6: 'ipv4-sctp', 7: 'ipv4-other', 8: 'ipv6', 9: 'ipv6-frag',
  10: 'ipv6-tcp', 11: 'ipv6-udp', 12: 'ipv6-sctp', 13: 'ipv6-other', 14: 'l2-payload', 15: 'ipv6-ex', 16: 'ipv6-tcp-ex',
  17: 'ipv6-udp-ex', 18: 'port', 19: 'vxlan', 20: 'geneve', 21: 'nvgre', 23: 'gtpu', 24: 'eth', 25: 's-vlan', 26: 'c-vlan',
  27: 'esp', 28: 'ah', 29: 'l2tpv3', 30: 'pfcp', 31: 'pppoe', 32: 'ecpri', 33: 'mpls', 34: 'ipv4-chksum', 35: 'l4-chksum',
  36: 'l2tpv2', 52: 'l3-pre96', 53: 'l3-pre64', 54: 'l3-pre56', 55: 'l3-pre48', 56: 'l3-pre40', 57: 'l3-pre32',
  58: 'l2-dst-only', 59: 'l2-src-only', 60: 'l4-dst-only', 61: 'l4-src-only', 62: 'l3-dst-only', 63: 'l3-src-only',
};

/** rss_offload_types_display with 64 characters per line. */
function rssTypes(types: bigint): string {
  let s = '';
  let total = 0;
  for (let i = 0; i < 64; i++) {
    if (((types >> BigInt(i)) & 1n) === 0n) continue;
    const name = RSS_NAMES[i] ?? `user-defined-${i}`;
    const len = name.length + 2;
    if (total + len >= 64) {
      total = 0;
      s += '\n';
    }
    s += `  ${name}`;
    total += len;
  }
  return s + '\n';
}

/** rte_eth_link_speed_to_str */
function speedStr(speed: number): string {
  switch (speed) {
    case 0: return 'None';
    case 10: return '10 Mbps';
    case 100: return '100 Mbps';
    case 1000: return '1 Gbps';
    case 2500: return '2.5 Gbps';
    case 5000: return '5 Gbps';
    case 10000: return '10 Gbps';
    case 20000: return '20 Gbps';
    case 25000: return '25 Gbps';
    case 40000: return '40 Gbps';
    case 50000: return '50 Gbps';
    case 56000: return '56 Gbps';
    case 100000: return '100 Gbps';
    case 200000: return '200 Gbps';
    case 0xffffffff: return 'Unknown';
    default: return 'Invalid';
  }
}

/** port_infos_display */
export function portInfosDisplay(pid: number): void {
  if (portIdIsInvalid(pid)) {
    printValidPorts();
    return;
  }
  let link: ethdev.Link;
  let info: ethdev.DevInfo;
  try {
    link = ethdev.linkGetNowait(pid);
    info = ethdev.infoGet(pid);
  } catch (e) {
    err(`Error: cannot get information of port ${pid}: ${strerror(e)}\n`);
    return;
  }
  const b = '*********************';
  const socket = ctx.ports.get(pid)?.socketId ?? ethdev.socketIdOf(pid);
  const devargs = ethdev.devargsOf(pid);
  const rxOff = ctx.ports.get(pid)?.conf.rxmode?.offloads ?? 0n;
  const on = (bit: bigint): string => ((rxOff & bit) !== 0n ? 'on' : 'off');
  let o = `\n${b} Infos for port ${String(pid).padEnd(2)} ${b}\n`;
  o += `MAC address: ${formatMac(ethdev.macAddrGet(pid))}`;
  o += `\nDevice name: ${ethdev.getNameByPort(pid)}`;
  o += `\nDriver name: ${info.driverName}`;
  o += '\nFirmware-version: not available';
  o += `\nDevargs: ${devargs}`;
  o += `\nConnect to socket: ${socket}`;
  o += `\nmemory allocation on the socket: ${socket}`;
  o += `\nLink status: ${link.status ? 'up' : 'down'}\n`;
  o += `Link speed: ${speedStr(link.speed)}\n`;
  o += `Link duplex: ${link.duplex ? 'full-duplex' : 'half-duplex'}\n`;
  o += `Autoneg status: ${link.autoneg ? 'On' : 'Off'}\n`;
  o += `MTU: ${ethdev.mtuGet(pid)}\n`;
  o += `Promiscuous mode: ${ethdev.promiscuousGet(pid) ? 'enabled' : 'disabled'}\n`;
  o += `Allmulticast mode: ${ethdev.allmulticastGet(pid) ? 'enabled' : 'disabled'}\n`;
  o += `Maximum number of MAC addresses: ${info.maxMacAddrs}\n`;
  o += 'Maximum number of MAC addresses of hash filtering: 0\n';
  o += 'VLAN offload: \n';
  o += `  strip ${on(1n << 0n)}, filter ${on(1n << 9n)}, extend ${on(1n << 10n)}, qinq strip ${on(1n << 5n)}\n`;
  if (info.hashKeySize > 0) o += `Hash key size in bytes: ${info.hashKeySize}\n`;
  if (info.retaSize > 0) o += `Redirection table size: ${info.retaSize}\n`;
  if (info.flowTypeRssOffloads === 0n) o += 'No RSS offload flow type is supported.\n';
  else o += 'Supported RSS offload flow types:\n' + rssTypes(info.flowTypeRssOffloads);
  o += `Minimum size of RX buffer: ${info.minRxBufSize}\n`;
  o += `Maximum configurable length of RX packet: ${info.maxRxPktLen}\n`;
  o += 'Maximum configurable size of LRO aggregated packet: 0\n';
  o += `Current number of RX queues: ${ethdev.nbRxQueues(pid)}\n`;
  o += `Max possible RX queues: ${info.maxRxQueues}\n`;
  o += `Max possible number of RXDs per queue: ${info.rxDescLim.nbMax}\n`;
  o += `Min possible number of RXDs per queue: ${info.rxDescLim.nbMin}\n`;
  o += `RXDs number alignment: ${info.rxDescLim.nbAlign}\n`;
  o += `Current number of TX queues: ${ethdev.nbTxQueues(pid)}\n`;
  o += `Max possible TX queues: ${info.maxTxQueues}\n`;
  o += `Max possible number of TXDs per queue: ${info.txDescLim.nbMax}\n`;
  o += `Min possible number of TXDs per queue: ${info.txDescLim.nbMin}\n`;
  o += `TXDs number alignment: ${info.txDescLim.nbAlign}\n`;
  o += 'Max segment number per packet: 65535\n';
  o += 'Max segment number per MTU/TSO: 65535\n';
  o += 'Device capabilities: 0x0( )\n';
  o += 'Device error handling mode: none\n';
  out(o);
}

export function portSummaryHeader(): void {
  out(`Number of available ports: ${ethdev.countAvail()}\n`);
  out(`${'Port'.padEnd(4)} ${'MAC Address'.padEnd(17)} ${'Name'.padEnd(12)} ${'Driver'.padEnd(14)} ${'Status'.padEnd(8)} Link\n`);
}

/** port_summary_display */
export function portSummaryDisplay(pid: number): void {
  if (portIdIsInvalid(pid)) {
    printValidPorts();
    return;
  }
  const link = ethdev.linkGetNowait(pid);
  const info = ethdev.infoGet(pid);
  out(`${String(pid).padEnd(4)} ${formatMac(ethdev.macAddrGet(pid))} ${ethdev.getNameByPort(pid).padEnd(12)} ${info.driverName.padEnd(14)} ${(link.status ? 'up' : 'down').padEnd(8)} ${speedStr(link.speed)}\n`);
}

/** nic_xstats_display */
export function nicXstatsDisplay(pid: number): void {
  if (portIdIsInvalid(pid)) {
    printValidPorts();
    return;
  }
  let o = `###### NIC extended statistics for port ${String(pid).padEnd(2)}\n`;
  for (const x of ethdev.xstatsGet(pid)) o += `${x.name}: ${x.value}\n`;
  out(o);
}

/** nic_xstats_clear */
export function nicXstatsClear(pid: number): void {
  if (portIdIsInvalid(pid)) {
    printValidPorts();
    return;
  }
  try {
    ethdev.xstatsReset(pid);
  } catch (e) {
    err(`nic_xstats_clear: Error: failed to reset xstats (port ${pid}): ${strerror(e)}\n`);
    return;
  }
  const p = ctx.ports.get(pid);
  if (p) p.statsBase = ethdev.statsGet(pid);
}
