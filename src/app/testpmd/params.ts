// dpdk-testpmd's command line (the part after `--`): the same option table, parsed with glibc's getopt_long
// rules and applied with testpmd's checks and messages. Options tsdpdk-testpmd cannot honour are
// recognised (so abbreviations and errors behave like testpmd) and then rejected by name.

import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import {
  FWD_MODES, MAX_PKT_BURST, MAX_SEGS_BUFFER_SPLIT, MIN_TOTAL_NUM_MBUFS, RTE_MAX_ETHPORTS, RTE_MAX_SEGS_PER_PKT,
  SUPPORTED_FWD_MODES, TestpmdExit, type Config,
} from './context.js';
import { getoptLong, type LongOption } from './getopt.js';
import * as eal from '../../lib/eal/index.js';
import { err, out } from './io.js';

/** What option parsing needs to know about the EAL and the probed ports. */
export interface ParamEnv {
  prog: string;
  ports: number[];
  lcoreIsEnabled(id: number): boolean;
  mainLcore: number;
  /** Smallest max_rx_queues / max_tx_queues over the ports, and the port that has it. */
  maxRxq(): { max: number; port: number };
  maxTxq(): { max: number; port: number };
  /** Port 0's recommended Rx burst (dev_info.default_rxportconf.burst_size), null without port 0. */
  port0Burst(): number | null;
}

// testpmd 22.11's option table, in its order (the order decides abbreviation and ambiguity).
const OPTS: [string, 0 | 1 | 2][] = [
  ['help', 0], ['interactive', 0], ['cmdline-file', 1], ['auto-start', 0], ['eth-peers-configfile', 1], ['eth-peer', 1],
  ['tx-first', 0], ['stats-period', 1], ['display-xstats', 1], ['nb-cores', 1], ['nb-ports', 1], ['coremask', 1],
  ['portmask', 1], ['portlist', 1], ['numa', 0], ['no-numa', 0], ['mp-anon', 0], ['port-numa-config', 1],
  ['ring-numa-config', 1], ['socket-num', 1], ['mbuf-size', 1], ['total-num-mbufs', 1], ['max-pkt-len', 1],
  ['max-lro-pkt-size', 1], ['latencystats', 1], ['bitrate-stats', 1], ['disable-crc-strip', 0], ['enable-lro', 0],
  ['enable-rx-cksum', 0], ['enable-rx-timestamp', 0], ['enable-scatter', 0], ['enable-hw-vlan', 0],
  ['enable-hw-vlan-filter', 0], ['enable-hw-vlan-strip', 0], ['enable-hw-vlan-extend', 0], ['enable-hw-qinq-strip', 0],
  ['enable-drop-en', 0], ['disable-rss', 0], ['port-topology', 1], ['forward-mode', 1], ['rss-ip', 0], ['rss-udp', 0],
  ['rss-level-outer', 0], ['rss-level-inner', 0], ['rxq', 1], ['txq', 1], ['rxd', 1], ['txd', 1], ['hairpinq', 1],
  ['hairpin-mode', 1], ['burst', 1], ['flowgen-clones', 1], ['flowgen-flows', 1], ['mbcache', 1], ['txpt', 1],
  ['txht', 1], ['txwt', 1], ['txfreet', 1], ['txrst', 1], ['rxpt', 1], ['rxht', 1], ['rxwt', 1], ['rxfreet', 1],
  ['no-flush-rx', 0], ['flow-isolate-all', 0], ['rxoffs', 1], ['rxpkts', 1], ['rxhdrs', 1], ['txpkts', 1],
  ['multi-rx-mempool', 0], ['txonly-multi-flow', 0], ['rxq-share', 2], ['eth-link-speed', 1],
  ['disable-link-check', 0], ['disable-device-start', 0], ['no-lsc-interrupt', 0], ['no-rmv-interrupt', 0],
  ['print-event', 1], ['mask-event', 1], ['tx-offloads', 1], ['rx-offloads', 1], ['hot-plug', 0],
  ['vxlan-gpe-port', 1], ['geneve-parsed-port', 1], ['mlockall', 0], ['no-mlockall', 0], ['mp-alloc', 1],
  ['tx-ip', 1], ['tx-udp', 1], ['noisy-tx-sw-buffer-size', 1], ['noisy-tx-sw-buffer-flushtime', 1],
  ['noisy-lkup-memory', 1], ['noisy-lkup-num-writes', 1], ['noisy-lkup-num-reads', 1],
  ['noisy-lkup-num-reads-writes', 1], ['no-iova-contig', 0], ['rx-mq-mode', 1], ['record-core-cycles', 0],
  ['record-burst-stats', 0], ['num-procs', 1], ['proc-id', 1],
];
export const LONG_OPTIONS: LongOption[] = OPTS.map(([name, hasArg]) => ({ name, hasArg }));

/** Recognised testpmd options whose feature tsdpdk-testpmd does not have. */
const UNSUPPORTED = new Set([
  'display-xstats', 'mp-anon', 'port-numa-config', 'ring-numa-config', 'socket-num', 'max-lro-pkt-size', 'latencystats',
  'bitrate-stats', 'enable-drop-en', 'rss-level-outer', 'rss-level-inner', 'hairpinq', 'hairpin-mode', 'txpt', 'txht',
  'txwt', 'txfreet', 'txrst', 'rxpt', 'rxht', 'rxwt', 'rxfreet', 'flow-isolate-all', 'rxoffs', 'rxpkts', 'rxhdrs',
  'multi-rx-mempool', 'rxq-share', 'eth-link-speed', 'print-event', 'mask-event', 'hot-plug', 'noisy-tx-sw-buffer-size',
  'noisy-tx-sw-buffer-flushtime', 'noisy-lkup-memory', 'noisy-lkup-num-writes', 'noisy-lkup-num-reads',
  'noisy-lkup-num-reads-writes', 'no-iova-contig', 'rx-mq-mode', 'record-core-cycles', 'record-burst-stats',
]);

export const RX_OFFLOAD_BITS = {
  VLAN_STRIP: 1n << 0n, IPV4_CKSUM: 1n << 1n, UDP_CKSUM: 1n << 2n, TCP_CKSUM: 1n << 3n, TCP_LRO: 1n << 4n,
  QINQ_STRIP: 1n << 5n, VLAN_FILTER: 1n << 9n, VLAN_EXTEND: 1n << 10n, SCATTER: 1n << 13n, TIMESTAMP: 1n << 14n,
  KEEP_CRC: 1n << 16n,
};
const RSS_IP = (1n << 2n) | (1n << 3n) | (1n << 7n) | (1n << 8n) | (1n << 9n) | (1n << 13n) | (1n << 15n);
const RSS_UDP = (1n << 5n) | (1n << 11n) | (1n << 17n);

const exit1 = (cause: string): never => {
  throw new TestpmdExit(1, cause);
};

function unsupported(what: string): never {
  return exit1(`${what} is not supported by tsdpdk-testpmd`);
}

// ---- C number parsing, with the same leniency (testpmd uses atoi/strtoul/strtoull) ----

/** strtoul/strtoull: value (as bigint, wrapped to 64 bits) and how many characters were used (0: none). */
export function strtoul(s: string, base: number): { value: bigint; end: number; overflow: boolean } {
  let i = 0;
  while (i < s.length && /\s/.test(s[i]!)) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  if ((base === 16 || base === 0) && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-f]/i.test(s[i + 2] ?? '')) {
    i += 2;
    base = 16;
  } else if (base === 0) {
    base = s[i] === '0' ? 8 : 10;
  }
  const start = i;
  let v = 0n;
  let overflow = false;
  for (; i < s.length; i++) {
    const d = parseInt(s[i]!, 36);
    if (Number.isNaN(d) || d >= base) break;
    v = v * BigInt(base) + BigInt(d);
    if (v > 0xffffffffffffffffn) overflow = true;
  }
  if (i === start) return { value: 0n, end: 0, overflow: false };
  if (overflow) v = 0xffffffffffffffffn;
  else if (neg) v = BigInt.asUintN(64, -v);
  return { value: v, end: i, overflow };
}

/** atoi: leading decimal integer, 0 when there is none, as a C int. */
export function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  if (!m) return 0;
  return Number(BigInt.asIntN(32, BigInt(m[1]!)));
}

/** rte_ether_unformat_addr: XX:XX:XX:XX:XX:XX or XXXX:XXXX:XXXX, nothing else (not even a newline). */
export function unformatMac(s: string): Uint8Array | null {
  let m = /^([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$/i.exec(s);
  if (m) return Uint8Array.from(m.slice(1), (x) => parseInt(x, 16));
  m = /^([0-9a-f]{4}):([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(s);
  if (m) {
    const w = m.slice(1).map((x) => parseInt(x, 16));
    return Uint8Array.of(w[0]! >> 8, w[0]! & 0xff, w[1]! >> 8, w[1]! & 0xff, w[2]! >> 8, w[2]! & 0xff);
  }
  return null;
}

/** testpmd's parse_item_list: comma-separated decimals; prints its complaints; 0 on error. */
export function parseItemList(s: string, itemName: string, maxItems: number): number[] | null {
  const items: number[] = [];
  let value = 0;
  let ok = false;
  let n = 0;
  for (const c of s.slice(0, 256)) {
    if (c >= '0' && c <= '9') {
      value = (value * 10 + (c.charCodeAt(0) - 48)) >>> 0;
      ok = true;
      continue;
    }
    if (c !== ',') {
      err(`character ${c} is not a decimal digit\n`);
      return null;
    }
    if (!ok) {
      err('No valid value before comma\n');
      return null;
    }
    if (n < maxItems) {
      items.push(value);
      ok = false;
      value = 0;
    }
    n++;
  }
  if (n >= maxItems) {
    err(`Number of ${itemName} = ${n + 1} > ${maxItems} (maximum items)\n`);
    return null;
  }
  items.push(value);
  return items;
}

/** testpmd's parse_port_list: "1,3,5", "1-3", "1-2,5"; duplicates dropped; 0 entries on error. */
export function parsePortList(list: string, maxSize: number): number[] {
  const values: number[] = [];
  const marked = new Set<number>();
  let min = -1;
  let p = 0;
  for (;;) {
    while (list[p] === ' ' || list[p] === '\t') p++;
    if (p >= list.length) break;
    const m = /^[+-]?\d+/.exec(list.slice(p));
    if (!m) return [];
    const value = Number(m[0]);
    if (value < 0 || value >= maxSize) return [];
    let end = p + m[0].length;
    while (list[end] === ' ' || list[end] === '\t') end++;
    const c = list[end];
    if (c === '-' && min < 0) {
      min = value;
    } else if (c === ',' || c === undefined) {
      const lo = min < 0 ? value : min;
      for (let i = lo; i <= value; i++) {
        if (values.length < maxSize && !marked.has(i)) {
          values.push(i);
          marked.add(i);
        }
      }
      min = -1;
    } else {
      return [];
    }
    if (c === undefined) break;
    p = end + 1;
  }
  return values;
}

// ---- forwarding lcores and ports (shared with the "set" commands) ----

export function setFwdLcoresList(cfg: Config, env: ParamEnv, list: number[]): boolean {
  for (const l of list) {
    if (!env.lcoreIsEnabled(l)) {
      err(`lcore ${l} not enabled\n`);
      return false;
    }
    if (l === env.mainLcore) {
      err(`lcore ${l} cannot be masked on for running packet forwarding, which is the main lcore and reserved for command line parsing only\n`);
      return false;
    }
  }
  cfg.fwdLcores = list.slice();
  cfg.nbCfgLcores = list.length;
  if (cfg.nbFwdLcores !== list.length) {
    out(`previous number of forwarding cores ${cfg.nbFwdLcores} - changed to number of configured cores ${list.length}\n`);
    cfg.nbFwdLcores = list.length;
  }
  return true;
}

export function setFwdPortsList(cfg: Config, env: ParamEnv, list: number[]): void {
  for (const p of list) {
    if (!env.ports.includes(p)) {
      err(`Invalid port ${p}\n`);
      return;
    }
  }
  cfg.fwdPorts = list.slice();
  cfg.nbCfgPorts = list.length;
  if (cfg.nbFwdPorts !== list.length) {
    out(`previous number of forwarding ports ${cfg.nbFwdPorts} - changed to number of configured ports ${list.length}\n`);
    cfg.nbFwdPorts = list.length;
  }
}

export function setFwdPortsMask(cfg: Config, env: ParamEnv, mask: bigint): void {
  if (mask === 0n) {
    err('Invalid NULL mask of ports\n');
    return;
  }
  setFwdPortsList(cfg, env, env.ports.filter((p) => p < 64 && ((mask >> BigInt(p)) & 1n) === 1n));
}

/** set_tx_pkt_segments: validates like testpmd (messages, keep the old value on error). */
export function setTxPktSegments(cfg: Config, segs: number[]): void {
  if (segs.length > RTE_MAX_SEGS_PER_PKT) {
    err(`Tx segment size(${segs.length}) is bigger than max number of segment(${RTE_MAX_SEGS_PER_PKT})\n`);
    return;
  }
  let total = 0;
  for (let i = 0; i < segs.length; i++) {
    if (segs[i]! > cfg.mbufDataSize[0]!) {
      err(`length[${i}]=${segs[i]} > mbuf_data_size=${cfg.mbufDataSize[0]} - give up\n`);
      return;
    }
    total = (total + segs[i]!) & 0xffff;
  }
  if (total < 42) {
    err(`total packet length=${total} < 42 - give up\n`);
    return;
  }
  cfg.txSegLengths = segs.slice();
  cfg.txPktLength = total;
}

/**
 * set_pkt_forwarding_mode: "Set <mode> packet forwarding mode" or testpmd's complaint. Modes testpmd has but
 * tsdpdk-testpmd does not implement are refused with a clear message; returns whether the mode was set.
 */
export function setFwdMode(cfg: Config, mode: string): boolean {
  if (!(FWD_MODES as readonly string[]).includes(mode)) {
    err(`Invalid ${mode} packet forwarding mode\n`);
    return false;
  }
  if (!SUPPORTED_FWD_MODES.has(mode)) {
    err(`${mode} packet forwarding mode is not supported by tsdpdk-testpmd\n`);
    return false;
  }
  out(`Set ${mode} packet forwarding mode${cfg.retry ? ' with retry' : ''}\n`);
  cfg.fwdMode = mode;
  return true;
}

export function usage(prog: string): string {
  const o = (name: string, text: string): string => `  --${name}: ${text}\n`;
  return `\nUsage: ${prog} [EAL options] -- [testpmd options]\n\n` +
    o('interactive', 'run with the testpmd> prompt (also -i).') +
    o('cmdline-file', 'run the commands in a file before starting.') +
    o('auto-start', 'start forwarding at once in interactive mode (also -a); non-interactive runs always start.') +
    o('help', 'print this help and exit (also -h).') +
    o('tx-first', 'send one txonly burst on every stream before forwarding (non-interactive only).') +
    o('stats-period=PERIOD', 'print port statistics every PERIOD seconds (non-interactive only).') +
    o('nb-cores=N', 'number of forwarding lcores (the main lcore never forwards).') +
    o('nb-ports=N', 'number of forwarding ports.') +
    o('coremask=COREMASK', 'hexadecimal mask of forwarding lcores.') +
    o('portmask=PORTMASK', 'hexadecimal mask of forwarding ports.') +
    o('portlist=PORTLIST', 'forwarding ports, e.g. 0,2 or 0-3.') +
    o('numa / --no-numa', 'NUMA-aware allocation on (default) or off.') +
    o('mbuf-size=N[,N1..]', 'mbuf data room (headroom included); extra values create extra pools.') +
    o('total-num-mbufs=N', 'mbufs per pool (> 1024).') +
    o('mbcache=N', 'mbuf pool cache per lcore (0..512).') +
    o('max-pkt-len=N', 'largest frame accepted; sets the MTU.') +
    o('eth-peers-configfile=FILE', 'peer MAC addresses, one per line, port 0 first.') +
    o('eth-peer=X,M:M:M:M:M:M', 'peer MAC address of port X.') +
    o('disable-crc-strip, --enable-lro, --enable-scatter, --enable-rx-cksum, --enable-rx-timestamp', 'request the Rx offload.') +
    o('enable-hw-vlan, --enable-hw-vlan-filter, --enable-hw-vlan-strip, --enable-hw-vlan-extend, --enable-hw-qinq-strip', 'request the VLAN Rx offload.') +
    o('disable-rss / --rss-ip / --rss-udp', 'RSS hash functions used with several Rx queues (default IP).') +
    o('port-topology=<paired|chained|loop>', 'how Rx ports map to Tx ports (default paired).') +
    o('forward-mode=N', `forwarding engine (N: ${FWD_MODES.filter((m) => SUPPORTED_FWD_MODES.has(m)).join('|')}).`) +
    o('rxq=N / --txq=N', 'Rx / Tx queues per port.') +
    o('rxd=N / --txd=N', 'descriptors per Rx / Tx queue (0: the PMD default).') +
    o('burst=N', 'packets per burst, 1..512 (0: the PMD recommendation).') +
    o('flowgen-clones=N / --flowgen-flows=N', 'flowgen: sends of the same mbuf / number of flows.') +
    o('no-flush-rx', 'do not drain the Rx queues before forwarding.') +
    o('txpkts=X[,Y]*', 'txonly/flowgen packet length, or segment lengths.') +
    o('txonly-multi-flow', 'txonly: vary the IPv4 source address.') +
    o('tx-ip=src,dst / --tx-udp=src[,dst]', 'txonly addresses and UDP ports.') +
    o('disable-link-check', 'do not check link status when starting ports.') +
    o('disable-device-start', 'do not start the ports at start-up.') +
    o('no-lsc-interrupt / --no-rmv-interrupt', 'wait for links by polling / no removal events.') +
    o('rx-offloads=0xX / --tx-offloads=0xX', 'Rx / Tx offload bits requested on every port.') +
    o('vxlan-gpe-port=N / --geneve-parsed-port=N', 'UDP ports of VXLAN-GPE / GENEVE for csum tunnel parsing.') +
    o('mlockall / --no-mlockall', 'accepted; memory is not locked.') +
    o('mp-alloc=native', 'mempool allocation (only native).') +
    o('num-procs=1 / --proc-id=0', 'single-process run only.') +
    '  Other dpdk-testpmd options are recognised and refused as unsupported.\n';
}

/**
 * launch_args_parse: applies the options to cfg in order, printing what testpmd prints. Throws TestpmdExit
 * for every rte_exit/exit of testpmd (usage and --help included).
 */
export function parseParams(argv: string[], cfg: Config, env: ParamEnv): void {
  const prog = env.prog;
  const { items, operands } = getoptLong([prog, ...argv], 'iah', LONG_OPTIONS);
  let numProcs = 1;
  let procId = 0;
  for (const it of items) {
    if (it.kind === 'error') {
      err(it.message);
      out(usage(prog));
      err(`Invalid option: ${it.arg}\n`);
      throw new TestpmdExit(1, 'Command line is incomplete or incorrect');
    }
    if (it.kind === 'short') {
      if (it.opt === 'i') {
        out('Interactive-mode selected\n');
        cfg.interactive = true;
      } else if (it.opt === 'a') {
        out('Auto-start selected\n');
        cfg.autoStart = true;
      } else {
        out(usage(prog));
        throw new TestpmdExit(0, null);
      }
      continue;
    }
    const name = it.name;
    const arg = it.arg ?? '';
    if (UNSUPPORTED.has(name)) unsupported(`option --${name}`);
    switch (name) {
      case 'help':
        out(usage(prog));
        throw new TestpmdExit(0, null);
      case 'interactive':
        out('Interactive-mode selected\n');
        cfg.interactive = true;
        break;
      case 'cmdline-file':
        out(`CLI commands to be read from ${arg}\n`);
        cfg.cmdlineFile = arg;
        break;
      case 'auto-start':
        out('Auto-start selected\n');
        cfg.autoStart = true;
        break;
      case 'tx-first':
        out('Ports to start sending a burst of packets first\n');
        cfg.txFirst = true;
        break;
      case 'stats-period': {
        const r = strtoul(arg, 10);
        if (arg === '' || r.end !== arg.length) exit1('Invalid stats-period value');
        cfg.statsPeriod = Number(BigInt.asUintN(32, r.value));
        break;
      }
      case 'eth-peers-configfile':
        readPeersFile(cfg, arg);
        break;
      case 'eth-peer': {
        const r = strtoul(arg, 10);
        if (r.end === 0 || r.overflow || arg[r.end] !== ',') exit1(`Invalid eth-peer: ${arg}`);
        const n = Number(BigInt.asIntN(32, r.value));
        if (r.value >= BigInt(RTE_MAX_ETHPORTS)) exit1(`eth-peer: port ${n} >= RTE_MAX_ETHPORTS(${RTE_MAX_ETHPORTS})`);
        const mac = unformatMac(arg.slice(r.end + 1));
        if (mac === null) exit1(`Invalid ethernet address: ${arg.slice(r.end + 1)}`);
        cfg.peers[Number(r.value)] = mac!;
        break;
      }
      case 'tx-ip': {
        const c = arg.indexOf(',');
        if (c <= 0) exit1(`Invalid tx-ip: ${arg}`);
        const src = arg.slice(0, c);
        const dst = arg.slice(c + 1);
        if (!isIPv4(src)) exit1(`Invalid source IP address: ${src}`);
        cfg.txIpSrc = ipToU32(src);
        // testpmd prints the source text here too.
        if (!isIPv4(dst)) exit1(`Invalid destination IP address: ${src}`);
        cfg.txIpDst = ipToU32(dst);
        break;
      }
      case 'tx-udp': {
        const r = strtoul(arg, 10);
        const c = arg[r.end];
        if (r.end === 0 || r.overflow || r.value > 0xffffn || !(c === undefined || c === ',')) exit1(`Invalid UDP port: ${arg}`);
        cfg.txUdpSrc = Number(r.value);
        if (c === ',') {
          const dst = arg.slice(r.end + 1);
          const d = strtoul(dst, 10);
          if (d.end === 0 || d.overflow || d.value > 0xffffn || d.end !== dst.length) exit1(`Invalid destination UDP port: ${dst}`);
          cfg.txUdpDst = Number(d.value);
        } else {
          cfg.txUdpDst = Number(r.value);
        }
        break;
      }
      case 'nb-ports': {
        const n = atoi(arg);
        if (n > 0 && n <= env.ports.length) cfg.nbFwdPorts = n;
        else exit1(`Invalid port ${n}`);
        break;
      }
      case 'nb-cores': {
        const n = atoi(arg);
        if (n > 0 && n <= cfg.nbLcores) cfg.nbFwdLcores = n & 0xff;
        else exit1(`nb-cores should be > 0 and <= ${cfg.nbLcores}`);
        break;
      }
      case 'coremask': {
        const r = strtoul(arg, 16);
        if (arg === '' || r.end !== arg.length) exit1('Invalid fwd core mask');
        const list: number[] = [];
        for (let i = 0; i < 64; i++) if (((r.value >> BigInt(i)) & 1n) === 1n) list.push(i);
        if (r.value === 0n) err('Invalid NULL mask of cores\n');
        if (r.value === 0n || !setFwdLcoresList(cfg, env, list)) exit1('coremask is not valid');
        break;
      }
      case 'portmask': {
        const r = strtoul(arg, 16);
        if (arg === '' || r.end !== arg.length) exit1('Invalid fwd port mask');
        setFwdPortsMask(cfg, env, r.value);
        break;
      }
      case 'portlist': {
        const list = parsePortList(arg, RTE_MAX_ETHPORTS);
        if (list.length === 0) exit1('Invalid fwd port list');
        setFwdPortsList(cfg, env, list.filter((p) => env.ports.includes(p)));
        break;
      }
      case 'numa':
        cfg.numa = true;
        break;
      case 'no-numa':
        cfg.numa = false;
        break;
      case 'mbuf-size': {
        const list = parseItemList(arg, 'mbuf-size', MAX_SEGS_BUFFER_SPLIT);
        if (list === null) exit1('bad mbuf-size');
        for (const v of list!) if (v <= 0 || v > 0xffff) exit1('mbuf-size should be > 0 and < 65536');
        cfg.mbufDataSize = list!;
        break;
      }
      case 'total-num-mbufs': {
        const n = atoi(arg);
        if (n > MIN_TOTAL_NUM_MBUFS) cfg.totalNumMbufs = n;
        else exit1(`total-num-mbufs should be > ${MIN_TOTAL_NUM_MBUFS}`);
        break;
      }
      case 'max-pkt-len': {
        const n = atoi(arg);
        if (n >= 64) cfg.maxRxPktLen = n;
        else exit1(`Invalid max-pkt-len=${n} - should be > 64`);
        break;
      }
      case 'disable-crc-strip':
        cfg.rxOffloads |= RX_OFFLOAD_BITS.KEEP_CRC;
        break;
      case 'enable-lro':
        cfg.rxOffloads |= RX_OFFLOAD_BITS.TCP_LRO;
        break;
      case 'enable-scatter':
        cfg.rxOffloads |= RX_OFFLOAD_BITS.SCATTER;
        break;
      case 'enable-rx-cksum':
        cfg.rxOffloads |= RX_OFFLOAD_BITS.IPV4_CKSUM | RX_OFFLOAD_BITS.UDP_CKSUM | RX_OFFLOAD_BITS.TCP_CKSUM;
        break;
      case 'enable-rx-timestamp':
        cfg.rxOffloads |= RX_OFFLOAD_BITS.TIMESTAMP;
        break;
      case 'enable-hw-vlan':
        cfg.rxOffloads |= RX_OFFLOAD_BITS.VLAN_STRIP | RX_OFFLOAD_BITS.VLAN_FILTER | RX_OFFLOAD_BITS.VLAN_EXTEND | RX_OFFLOAD_BITS.QINQ_STRIP;
        break;
      case 'enable-hw-vlan-filter':
        cfg.rxOffloads |= RX_OFFLOAD_BITS.VLAN_FILTER;
        break;
      case 'enable-hw-vlan-strip':
        cfg.rxOffloads |= RX_OFFLOAD_BITS.VLAN_STRIP;
        break;
      case 'enable-hw-vlan-extend':
        cfg.rxOffloads |= RX_OFFLOAD_BITS.VLAN_EXTEND;
        break;
      case 'enable-hw-qinq-strip':
        cfg.rxOffloads |= RX_OFFLOAD_BITS.QINQ_STRIP;
        break;
      case 'disable-rss':
        cfg.rssHf = 0n;
        break;
      case 'rss-ip':
        cfg.rssHf = RSS_IP;
        break;
      case 'rss-udp':
        cfg.rssHf = RSS_UDP;
        break;
      case 'port-topology':
        if (arg === 'paired' || arg === 'chained' || arg === 'loop') cfg.topology = arg;
        else exit1(`port-topology ${arg} invalid - must be: paired, chained or loop`);
        break;
      case 'forward-mode':
        if ((FWD_MODES as readonly string[]).includes(arg) && !SUPPORTED_FWD_MODES.has(arg)) unsupported(`forwarding mode ${arg}`);
        setFwdMode(cfg, arg);
        break;
      case 'rxq': {
        const n = atoi(arg);
        if (n >= 0 && checkQueues(n, env.maxRxq(), 'rxq', 'max_rx_queues')) cfg.nbRxq = n & 0xffff;
        else exit1(`rxq ${n} invalid - must be >= 0 && <= ${env.maxRxq().max}`);
        break;
      }
      case 'txq': {
        const n = atoi(arg);
        if (n >= 0 && checkQueues(n, env.maxTxq(), 'txq', 'max_tx_queues')) cfg.nbTxq = n & 0xffff;
        else exit1(`txq ${n} invalid - must be >= 0 && <= ${env.maxTxq().max}`);
        break;
      }
      case 'rxd': {
        const n = atoi(arg);
        if (n > 0) cfg.nbRxd = n & 0xffff;
        else exit1(`rxd(${n}) invalid - must be > 0`);
        break;
      }
      case 'txd': {
        const n = atoi(arg);
        if (n > 0) cfg.nbTxd = n & 0xffff;
        else exit1('txd must be in > 0');
        break;
      }
      case 'burst': {
        const n = atoi(arg);
        if (n === 0) {
          const rec = env.port0Burst();
          if (rec === null) exit1(`Failed to get driver recommended burst size, please provide a value between 1 and ${MAX_PKT_BURST}`);
          if (rec === 0) exit1(`PMD does not recommend a burst size. Provided value must be between 1 and ${MAX_PKT_BURST}`);
          if (rec! > MAX_PKT_BURST) exit1(`PMD recommended burst size of ${rec} exceeds maximum value of ${MAX_PKT_BURST}`);
          out(`Using PMD-provided burst value of ${rec}\n`);
          cfg.burst = rec!;
        } else if (n > MAX_PKT_BURST || n < 0) {
          // (testpmd would take a negative value as a 16-bit burst above its own array size)
          exit1(`burst must be between1 and ${MAX_PKT_BURST}`);
        } else {
          cfg.burst = n;
        }
        break;
      }
      case 'flowgen-clones': {
        const n = atoi(arg);
        if (n >= 0) cfg.flowgenClones = n & 0xffff;
        else exit1('clones must be >= 0 and <= current burst');
        break;
      }
      case 'flowgen-flows': {
        const n = atoi(arg);
        if (n > 0) cfg.flowgenFlows = n;
        else exit1('flows must be >= 1');
        break;
      }
      case 'mbcache': {
        const n = atoi(arg);
        if (n >= 0 && n <= 512) cfg.mbcache = n;
        else exit1('mbcache must be >= 0 and <= 512');
        break;
      }
      case 'no-flush-rx':
        cfg.noFlushRx = true;
        break;
      case 'txpkts': {
        const list = parseItemList(arg, 'txpkt segments', RTE_MAX_SEGS_PER_PKT);
        if (list === null || list.length === 0) exit1('bad txpkts');
        if (list!.length > 1) {
          // testpmd checks the Tx ring sizes before any queue exists; ethdev complains for each.
          for (const p of env.ports) {
            for (let q = 0; q < cfg.nbTxq; q++) {
              eal.log.log(eal.log.LogLevel.ERR, eal.log.RTE_LOGTYPE_ETHDEV, `Tx queue ${q} of device with port_id=${p} has not been setup\n`);
            }
          }
        }
        setTxPktSegments(cfg, list!);
        break;
      }
      case 'txonly-multi-flow':
        cfg.txonlyMultiFlow = true;
        break;
      case 'disable-link-check':
        cfg.noLinkCheck = true;
        break;
      case 'disable-device-start':
        cfg.noDeviceStart = true;
        break;
      case 'no-lsc-interrupt':
        cfg.lscInterrupt = false;
        break;
      case 'no-rmv-interrupt':
        // Removal events do not exist for tsdpdk's virtual devices: nothing to turn off.
        break;
      case 'tx-offloads':
      case 'rx-offloads': {
        // testpmd stores strtoull's result in an int: bit 31 makes it negative and is refused.
        const n = Number(BigInt.asIntN(32, strtoul(arg, 16).value));
        if (n < 0) exit1(`${name} must be >= 0`);
        if (name === 'tx-offloads') cfg.txOffloads = BigInt(n);
        else cfg.rxOffloads = BigInt(n);
        break;
      }
      case 'vxlan-gpe-port':
      case 'geneve-parsed-port': {
        // Only used by csum's tunnel parsing ("csum parse-tunnel on"), which tsdpdk-testpmd does not offer.
        const n = atoi(arg);
        if (n < 0) exit1(`${name} must be >= 0`);
        break;
      }
      case 'mlockall':
      case 'no-mlockall':
        break;
      case 'mp-alloc':
        if (arg === 'native') break;
        if (['anon', 'xmem', 'xmemhuge', 'xbuf'].includes(arg)) unsupported(`--mp-alloc=${arg}`);
        exit1(`mp-alloc ${arg} invalid - must be: native, anon, xmem or xmemhuge`);
        break;
      case 'num-procs':
        numProcs = atoi(arg);
        if (numProcs !== 1) unsupported(`--num-procs=${numProcs} (multi-process forwarding)`);
        break;
      case 'proc-id':
        procId = atoi(arg);
        break;
      default:
        unsupported(`option --${name}`);
    }
    if (cfg.nbRxq === 0 && cfg.nbTxq === 0) exit1('Either rx or tx queues should be non-zero');
  }
  if (operands.length > 0) {
    out(usage(prog));
    err(`Invalid parameter: ${operands[0]}\n`);
    exit1('Command line is incorrect');
  }
  if (procId >= numProcs) exit1(`The multi-process option 'proc-id(${procId})' should be less than 'num-procs(${numProcs})'`);
  if (procId !== 0) unsupported(`--proc-id=${procId} (multi-process forwarding)`);
}

function checkQueues(n: number, lim: { max: number; port: number }, what: string, field: string): boolean {
  const q = n & 0xffff;
  if (q > lim.max) {
    err(`Fail: input ${what} (${q}) can't be greater than ${field} (${lim.max}) of port ${lim.port}\n`);
    return false;
  }
  return true;
}

function ipToU32(s: string): number {
  return s.split('.').reduce((a, b) => ((a << 8) | Number(b)) >>> 0, 0);
}

/**
 * init_peer_eth_addrs: one address per line, port 0 first. Like testpmd 22.11 the line is parsed as fgets
 * returns it, newline included, so only a last line without a newline is accepted.
 */
function readPeersFile(cfg: Config, file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch (e) {
    err(`Failed to open eth config file\n: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message}\n`);
    exit1('Cannot open logfile');
  }
  let pos = 0;
  for (let i = 0; i < RTE_MAX_ETHPORTS && pos < text!.length; i++) {
    // fgets with a 50-byte buffer: at most 49 characters, up to and including a newline.
    const nl = text!.indexOf('\n', pos);
    let end = nl < 0 ? text!.length : nl + 1;
    if (end - pos > 49) end = pos + 49;
    const line = text!.slice(pos, end);
    pos = end;
    const mac = unformatMac(line);
    if (mac === null) {
      err(`Bad MAC address format on line ${i + 1}\n`);
      exit1('Cannot open logfile');
    }
    cfg.peers[i] = mac!;
  }
}
