#!/usr/bin/env node
// tsdpdk-dumpcap: dpdk-dumpcap's run. A secondary process: creates a capture ring and mempool in shared
// memory, enables pdump on the chosen ports (every queue, both directions), writes pcapng (or pcap with -P)
// until -c/-a or a signal, then disables the capture, writes one ISB per interface and frees its objects.
// A -f filter is compiled (pcap-filter -> classic BPF -> eBPF) into a memzone the primary runs per packet.

import '../../drivers/net/index.js';
import { basename } from 'node:path';
import { release, type as osType } from 'node:os';
import { bpfConvert, bpfDump, bpfLoad, bpfPrmStore } from '../../lib/bpf/index.js';
import * as eal from '../../lib/eal/index.js';
import * as ethdev from '../../lib/ethdev/index.js';
import * as mbuf from '../../lib/mbuf/index.js';
import type { Mempool } from '../../lib/mempool/index.js';
import { PcapngWriter, PcapWriter } from '../../lib/pcapng/index.js';
import * as pdump from '../../lib/pdump/index.js';
import { pcapCompile } from '../../lib/pcap_filter/index.js';
import { Ring } from '../../lib/ring/index.js';
import { parseArgs, usage, UsageError, type DumpcapOptions } from './args.js';

const VERSION = '1.0';
const BURST = 32;
const RSS_BIT = Number(mbuf.RTE_MBUF_F_RX_RSS_HASH);

function progName(): string {
  const b = basename(process.argv[1] ?? '');
  return b === '' || b.endsWith('.js') ? 'tsdpdk-dumpcap' : b;
}

function die(msg: string): never {
  process.stderr.write(`EAL: Error - exiting with code: 1\n  Cause: ${msg}\n`);
  process.exit(1);
}

interface Intf { port: number; name: string; ifIndex: number; filter: string | null }

function resolveInterfaces(o: DumpcapOptions): Intf[] {
  const all = ethdev.ports();
  if (all.length === 0) die('No Ethernet ports found');
  const wanted = o.interfaces.length > 0 ? o.interfaces : [String(all[0])];
  const out: Intf[] = [];
  for (const [k, w] of wanted.entries()) {
    let port: number;
    if (/^\d+$/.test(w)) {
      port = Number(w);
      if (!ethdev.isValidPort(port)) die(`Invalid port number ${w}`);
    } else {
      try {
        port = ethdev.getPortByName(w);
      } catch {
        die(`Specified port_number "${w}" is not a valid device name or port number`);
      }
    }
    if (!out.some((i) => i.port === port)) out.push({ port, name: ethdev.getNameByPort(port), ifIndex: out.length, filter: o.ifFilters[k] ?? o.filter });
  }
  return out;
}

function defaultOutput(o: DumpcapOptions, first: Intf): string {
  const d = new Date();
  const p2 = (n: number) => String(n).padStart(2, '0');
  const ts = `${d.getFullYear()}${p2(d.getMonth() + 1)}${p2(d.getDate())}${p2(d.getHours())}${p2(d.getMinutes())}${p2(d.getSeconds())}`;
  return `/tmp/tsdpdk-dumpcap_${first.port}_${ts}.${o.pcap ? 'pcap' : 'pcapng'}`;
}

const nowNs = (): bigint => {
  const ms = performance.timeOrigin + performance.now();
  return BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.floor((ms % 1) * 1e6));
};

/** dpdk-dumpcap's compile_filters: libpcap syntax -> classic BPF -> eBPF (rte_bpf_convert), validated. */
function compileFilter(expr: string, snaplen: number, ifname: string): ReturnType<typeof bpfConvert> {
  try {
    const prm = bpfConvert(pcapCompile(expr, snaplen));
    bpfLoad(prm);
    return prm;
  } catch (e) {
    process.stderr.write(`Invalid capture filter "${expr}": for interface '${ifname}'\n`);
    die(`\n${(e as Error).message}\n`);
  }
}

/** -d: both programs, as dpdk-dumpcap prints them. */
function dumpFilter(expr: string, snaplen: number): void {
  const c = pcapCompile(expr, snaplen);
  const prm = bpfConvert(c);
  process.stdout.write(`cBPF program (${c.length} insns)\n${c.dump()}\neBPF program (${prm.nbIns} insns)\n${bpfDump(prm)}`);
}

async function capture(o: DumpcapOptions, intfs: Intf[]): Promise<void> {
  const say = (s: string) => { if (!o.quiet) process.stderr.write(s); };
  const filterZones = new Map<number, eal.Memzone>();
  for (const i of intfs) {
    if (i.filter === null) continue;
    const prm = compileFilter(i.filter, Math.min(o.snaplen, 0xffff), i.name);
    filterZones.set(i.port, bpfPrmStore(`dumpcap_bpf_${process.pid}_${i.port}`, prm));
  }
  let ringSize = 2;
  while (ringSize < o.ringSize) ringSize *= 2;
  const snaplen = Math.min(o.snaplen, 0xffff);
  const room = Math.min(snaplen + mbuf.PKTMBUF_HEADROOM, 0xffff);
  const ring = Ring.create(`dumpcap-${process.pid}`, ringSize, eal.SOCKET_ID_ANY, 0);
  let mp: Mempool;
  try {
    // No per-lcore cache: lcore ids of the primary and of this process overlap.
    mp = mbuf.pktmbufPoolCreateByOps(`capture_${process.pid}`, 2 * ringSize, 0, pdump.PDUMP_PRIV_SIZE, room, eal.SOCKET_ID_ANY, 'ring_mp_mc');
  } catch (e) {
    ring.free();
    throw e;
  }
  const toStdout = o.output === '-';
  const path = o.output ?? defaultOutput(o, intfs[0]!);
  const ifOf = new Map<number, number>();
  let ng: PcapngWriter | null = null;
  let pc: PcapWriter | null = null;
  const enabled: number[] = [];
  let stop = false;
  const onSig = () => { stop = true; };
  process.on('SIGINT', onSig);
  process.on('SIGTERM', onSig);
  process.on('SIGHUP', onSig);
  const startNs = nowNs();
  let captured = 0;
  try {
    if (o.pcap) {
      pc = toStdout ? PcapWriter.fdopen(1, { snaplen, nanosecond: true }, 'stdout') : PcapWriter.open(path, { snaplen, nanosecond: true });
    } else {
      const wopts = { os: `${osType()} ${release()}`, userAppl: `tsdpdk-dumpcap ${VERSION} (${eal.VERSION})`, ...(o.comment !== null ? { comment: o.comment } : {}) };
      ng = toStdout ? PcapngWriter.fdopen(1, wopts, 'stdout') : PcapngWriter.open(path, wopts);
      for (const i of intfs) {
        const pdata = ethdev.portDataOf(i.port);
        const speed = pdata.u32(ethdev.PORT_FIELD.LINK_SPEED);
        ng.addInterface({
          name: `dpdk:${i.port}`, description: i.name, macAddr: ethdev.macAddrGet(i.port), hardware: `vdev-${i.name}`,
          ...(speed !== 0 && speed !== 0xffffffff ? { speed: BigInt(speed) * 1_000_000n } : {}),
        });
      }
    }
    for (const i of intfs) ifOf.set(i.port, i.ifIndex);
    if (!toStdout) say(`File: ${path}\n`);
    for (const i of intfs) {
      pdump.pdumpEnable(i.port, pdump.RTE_PDUMP_ALL_QUEUES, pdump.RTE_PDUMP_FLAG_RXTX, ring, mp, snaplen, filterZones.get(i.port)?.offset ?? 0);
      enabled.push(i.port);
      say(`Capturing on '${i.name}'\n`);
    }
    const deadline = o.durationS > 0 ? Date.now() + o.durationS * 1000 : Infinity;
    const arr = eal.burstArray(BURST);
    const w = eal.sharedWindow();
    const U8 = w.u8;
    const U16 = w.u16;
    const U32 = w.u32;
    mbuf.mbufBind(w);
    while (!stop) {
      const n = ring.dequeueBurst(arr, BURST);
      for (let k = 0; k < n; k++) {
        const m = arr[k]!;
        if (!stop) {
          const p = mbuf.mbufToPriv(m);
          const sec = U32[(p + pdump.PRIV_TS_SEC) >>> 2]!;
          const nsec = U32[(p + pdump.PRIV_TS_NSEC) >>> 2]!;
          const orig = U32[(p + pdump.PRIV_ORIG_LEN) >>> 2]!;
          const queue = U16[(p + pdump.PRIV_QUEUE) >>> 1]!;
          const dir = U16[(p + pdump.PRIV_DIR) >>> 1]!;
          const len = mbuf.pktLen(m);
          if (pc !== null) {
            pc.beginPacket(sec, nsec, len, orig);
          } else {
            const rss = dir === pdump.RTE_PDUMP_FLAG_RX && (mbuf.olFlagsLo(m) & RSS_BIT) !== 0 ? mbuf.hashRss(m) : -1;
            ng!.beginPacket(ifOf.get(mbuf.port(m)) ?? 0, sec, nsec, len, orig, dir, queue, rss);
          }
          for (let s = m; s !== 0; s = mbuf.next(s)) {
            const dl = mbuf.dataLen(s);
            if (pc !== null) pc.appendData(U8, mbuf.mtod(s), dl);
            else ng!.appendData(U8, mbuf.mtod(s), dl);
          }
          if (pc !== null) pc.endPacket();
          else ng!.endPacket();
          captured++;
          if (o.count > 0 && captured >= o.count) stop = true;
          if (o.filesizeKB > 0 && (pc ?? ng)!.size >= o.filesizeKB * 1024) stop = true;
        }
      }
      if (n > 0) mbuf.freeBulk(arr, n);
      if (Date.now() >= deadline) stop = true;
      if (n === 0 && !stop) await new Promise((r) => setTimeout(r, 1));
      else if (n > 0) await new Promise((r) => setImmediate(r));
    }
  } finally {
    for (const p of enabled) pdump.pdumpDisable(p, pdump.RTE_PDUMP_ALL_QUEUES, pdump.RTE_PDUMP_FLAG_RXTX);
    const endNs = nowNs();
    const arr = eal.burstArray(BURST);
    for (let n; (n = ring.dequeueBurst(arr, BURST)) > 0;) mbuf.freeBulk(arr, n);
    say(`Packets captured: ${captured}\n`);
    for (const i of intfs) {
      if (!enabled.includes(i.port)) continue;
      const st = pdump.pdumpStats(i.port, pdump.RTE_PDUMP_ALL_QUEUES, pdump.RTE_PDUMP_FLAG_RXTX);
      const recv = st.accepted + st.filtered; // what Wiretap does, as dpdk-dumpcap
      const drop = st.nombuf + st.ringfull;
      ng?.writeStats(i.ifIndex, { startTimeNs: startNs, endTimeNs: endNs, ifRecv: recv, ifDrop: drop });
      const pct = recv + drop === 0 ? 100 : (100 * recv) / (recv + drop);
      say(`Packets received/dropped on interface '${i.name}': ${recv}/${drop} (${pct.toFixed(1)})\n`);
    }
    ng?.close();
    pc?.close();
    process.off('SIGINT', onSig);
    process.off('SIGTERM', onSig);
    process.off('SIGHUP', onSig);
    mp.free();
    ring.free();
    for (const z of filterZones.values()) eal.memzoneFree(z);
  }
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${progName()}: ${e.message}\n`);
    process.exit(1);
  }
  if (parsed === 'help') {
    process.stdout.write(usage(progName()));
    process.exit(0);
  }
  if (parsed === 'version') {
    process.stdout.write(`${progName()} ${VERSION} (${eal.VERSION})\n`);
    process.exit(0);
  }
  const o = parsed;
  if (o.dumpBpf) {
    // Needs no primary: the programs depend on the expression and snaplen only.
    const f = o.filter ?? o.ifFilters.find((x) => x !== null) ?? null;
    if (f === null) {
      process.stderr.write(`${progName()}: -d needs a capture filter (-f)\n`);
      process.exit(1);
    }
    try {
      dumpFilter(f, Math.min(o.snaplen, 0xffff));
    } catch (e) {
      process.stderr.write(`Invalid capture filter "${f}"\n${(e as Error).message}\n`);
      process.exit(1);
    }
    process.exit(0);
  }
  const eargs = ['-l', '0', '--proc-type=secondary', '--log-level', 'notice'];
  if (o.filePrefix !== null) eargs.push(`--file-prefix=${o.filePrefix}`);
  try {
    eal.init([...eargs, ...o.eal], progName());
  } catch (e) {
    const err = e as { code?: string; message: string };
    process.stderr.write(`EAL: ${err.message}\n`);
    if (err.code === 'ENOENT') die('No primary DPDK process is running.');
    die('EAL init failed: is primary process running?');
  }
  try {
    if (o.list) {
      for (const p of ethdev.ports()) process.stdout.write(`${p}. ${ethdev.getNameByPort(p)}\n`);
    } else {
      await capture(o, resolveInterfaces(o));
    }
  } catch (e) {
    process.stderr.write(`${progName()}: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
  await eal.cleanup();
  process.exit(process.exitCode ?? 0);
}

await main();
