#!/usr/bin/env node
// tsdpdk-pdump: dpdk-pdump's run. A secondary process; each --pdump names a port (port= or device_id=),
// a queue (or *) and rx-dev/tx-dev: a pcap file, written as net_pcap's tx_pcap writes them (classic pcap,
// ns timestamps, snaplen 65535), or a live interface, sent through a net_pcap tx_iface vdev (dpdk-pdump's
// rule: a name the kernel knows as an interface is one). Runs until SIGINT/SIGTERM.

import '../../drivers/net/index.js';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import * as eal from '../../lib/eal/index.js';
import * as ethdev from '../../lib/ethdev/index.js';
import * as mbuf from '../../lib/mbuf/index.js';
import type { Mempool } from '../../lib/mempool/index.js';
import { PcapWriter } from '../../lib/pcapng/index.js';
import * as pdump from '../../lib/pdump/index.js';
import { Ring } from '../../lib/ring/index.js';
import { vdevCreate, vdevRemove } from '../../drivers/bus/vdev/vdev.js';

const BURST = 32;

function progName(): string {
  const b = basename(process.argv[1] ?? '');
  return b === '' || b.endsWith('.js') ? 'tsdpdk-pdump' : b;
}

class UsageError extends Error {}

function usage(prog: string): string {
  return `${prog} [EAL options] -- --[multi]\n` +
    '                  --pdump \'(port=<port id> | device_id=<pci id or vdev name>),\n' +
    '                  (queue=<queue_id>),\n' +
    '                  (rx-dev=<iface or pcap file> |\n' +
    '                  tx-dev=<iface or pcap file>,\n' +
    '                  [ring-size=<ring size>default:16384],\n' +
    '                  [mbuf-size=<mbuf data size>default:2176],\n' +
    '                  [total-num-mbufs=<number of mbufs>default:65535]\'\n';
}

interface PdumpSpec {
  port: number | null;
  device: string | null;
  queue: number;
  rxDev: string | null;
  txDev: string | null;
  ringSize: number;
  mbufSize: number;
  totalMbufs: number;
}

function parseSpec(s: string): PdumpSpec {
  const o: PdumpSpec = { port: null, device: null, queue: -1, rxDev: null, txDev: null, ringSize: 16384, mbufSize: 2176, totalMbufs: 65535 };
  const int = (k: string, v: string, min: number, max: number): number => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`invalid ${k} '${v}' in --pdump '${s}'`);
    return Number(v);
  };
  for (const kv of s.split(',')) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid --pdump argument '${kv}'`);
    const k = kv.slice(0, eq).trim();
    const v = kv.slice(eq + 1).trim();
    switch (k) {
      case 'port': o.port = int(k, v, 0, 0xffff); break;
      case 'device_id': o.device = v; break;
      case 'queue': o.queue = v === '*' ? pdump.RTE_PDUMP_ALL_QUEUES : int(k, v, 0, 0xfffe); break;
      case 'rx-dev': o.rxDev = v; break;
      case 'tx-dev': o.txDev = v; break;
      case 'ring-size': o.ringSize = int(k, v, 2, 1 << 28); break;
      case 'mbuf-size': o.mbufSize = int(k, v, 1, 0xffff - mbuf.PKTMBUF_HEADROOM); break;
      case 'total-num-mbufs': o.totalMbufs = int(k, v, 1025, 1 << 28); break;
      default: throw new UsageError(`unknown --pdump key '${k}'`);
    }
  }
  if ((o.port === null) === (o.device === null)) throw new UsageError(`--pdump '${s}': give exactly one of port= or device_id=`);
  if (o.queue < 0) throw new UsageError(`--pdump '${s}': queue= is required (a queue id or *)`);
  if (o.rxDev === null && o.txDev === null) throw new UsageError(`--pdump '${s}': rx-dev= and/or tx-dev= is required`);
  return o;
}

function parseApp(argv: string[]): PdumpSpec[] {
  const specs: PdumpSpec[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--multi') continue; // one thread does all the work here
    if (a === '--pdump' || a.startsWith('--pdump=')) {
      const v = a === '--pdump' ? argv[++i] : a.slice('--pdump='.length);
      if (v === undefined) throw new UsageError('option --pdump requires an argument');
      specs.push(parseSpec(v));
      continue;
    }
    throw new UsageError(`invalid option '${a}'`);
  }
  if (specs.length === 0) throw new UsageError('give at least one --pdump');
  return specs;
}

/** dpdk-pdump's rule: a name the kernel knows as an interface (if_nametoindex) is a live interface, else a pcap file. */
function isInterface(dev: string): boolean {
  return !dev.includes('/') && dev !== '.' && dev !== '..' && existsSync(`/sys/class/net/${dev}`);
}

/** Where copies go: a pcap file, or (like dpdk-pdump's net_pcap vdev with tx_iface=) a port sending on an interface. */
interface Output { writer: PcapWriter | null; port: number; vdev: string }

interface Capture { port: number; queue: number; flags: number; ring: Ring; out: Output }

/** A net_pcap vdev with tx_iface=dev, configured with one Tx queue and started (dpdk-pdump's IFACE stream). */
function openInterfaceOutput(dev: string, tag: string, idx: number): Output {
  const vdev = `net_pcap_${tag}_${process.pid}_${idx}`;
  const port = vdevCreate(`${vdev},tx_iface=${dev}`);
  try {
    // Owned, so the primary's RTE_ETH_FOREACH_DEV loops (testpmd's "all ports started") leave it alone.
    ethdev.ownerSet(port, ethdev.ownerNew(), 'tsdpdk-pdump');
    ethdev.configure(port, 0, 1);
    ethdev.txQueueSetup(port, 0, 512, eal.SOCKET_ID_ANY, null);
    ethdev.start(port);
  } catch (e) {
    vdevRemove(vdev);
    throw e;
  }
  return { writer: null, port, vdev };
}

async function run(specs: PdumpSpec[]): Promise<void> {
  const outputs = new Map<string, Output>();
  const caps: Capture[] = [];
  const pools: Mempool[] = [];
  const rings: Ring[] = [];
  let stop = false;
  const onSig = () => { stop = true; };
  process.on('SIGINT', onSig);
  process.on('SIGTERM', onSig);
  const stats = { dequeued: 0, written: 0 };
  try {
    specs.forEach((s, idx) => {
      const port = s.device !== null ? ethdev.getPortByName(s.device) : s.port!;
      if (!ethdev.isValidPort(port)) eal.fail('ENODEV', `invalid port ${port}`);
      let ringSize = 2;
      while (ringSize < s.ringSize) ringSize *= 2;
      const mp = mbuf.pktmbufPoolCreateByOps(`mp_pdump_${process.pid}_${idx}`, s.totalMbufs, 0, pdump.PDUMP_PRIV_SIZE,
        s.mbufSize + mbuf.PKTMBUF_HEADROOM, eal.SOCKET_ID_ANY, 'ring_mp_mc');
      pools.push(mp);
      const dirs: [string | null, number, string][] = [[s.rxDev, pdump.RTE_PDUMP_FLAG_RX, 'rx'], [s.txDev, pdump.RTE_PDUMP_FLAG_TX, 'tx']];
      for (const [dev, flag, tag] of dirs) {
        if (dev === null) continue;
        const ring = Ring.create(`${tag}_ring_pdump_${process.pid}_${idx}`, ringSize, eal.SOCKET_ID_ANY, 0);
        rings.push(ring);
        let out = outputs.get(dev);
        if (out === undefined) {
          out = isInterface(dev) ? openInterfaceOutput(dev, tag, idx) : { writer: PcapWriter.open(dev), port: -1, vdev: '' };
          outputs.set(dev, out);
        }
        pdump.pdumpEnable(port, s.queue, flag, ring, mp, 0);
        caps.push({ port, queue: s.queue, flags: flag, ring, out });
        const q = s.queue === pdump.RTE_PDUMP_ALL_QUEUES ? '*' : String(s.queue);
        process.stdout.write(`Capturing port ${port} (${ethdev.getNameByPort(port)}) queue ${q} ${tag} to ${dev}\n`);
      }
    });
    const arr = eal.burstArray(BURST);
    const w = eal.sharedWindow();
    const U8 = w.u8;
    const U32 = w.u32;
    mbuf.mbufBind(w);
    while (!stop) {
      let got = 0;
      for (const c of caps) {
        const n = c.ring.dequeueBurst(arr, BURST);
        got += n;
        stats.dequeued += n;
        if (n === 0) continue;
        if (c.out.writer === null) {
          // Live interface: the vdev sends them; what it does not take is freed (dpdk-pdump does the same).
          const sent = ethdev.txBurst(c.out.port, 0, arr, n);
          stats.written += sent;
          if (sent < n) {
            arr.copyWithin(0, sent, n);
            mbuf.freeBulk(arr, n - sent);
          }
          continue;
        }
        const wr = c.out.writer;
        for (let k = 0; k < n; k++) {
          const m = arr[k]!;
          const p = mbuf.mbufToPriv(m);
          wr.beginPacket(U32[(p + pdump.PRIV_TS_SEC) >>> 2]!, U32[(p + pdump.PRIV_TS_NSEC) >>> 2]!, mbuf.pktLen(m), U32[(p + pdump.PRIV_ORIG_LEN) >>> 2]!);
          for (let sg = m; sg !== 0; sg = mbuf.next(sg)) wr.appendData(U8, mbuf.mtod(sg), mbuf.dataLen(sg));
          wr.endPacket();
        }
        mbuf.freeBulk(arr, n);
        stats.written += n;
      }
      await new Promise((r) => (got === 0 ? setTimeout(r, 1) : setImmediate(r)));
    }
  } finally {
    for (const c of caps) pdump.pdumpDisable(c.port, c.queue, c.flags);
    const arr = eal.burstArray(BURST);
    for (const c of caps) {
      for (let n; (n = c.ring.dequeueBurst(arr, BURST)) > 0;) {
        mbuf.freeBulk(arr, n);
        stats.dequeued += n;
      }
    }
    for (const o of outputs.values()) {
      if (o.writer !== null) o.writer.close();
      else vdevRemove(o.vdev);
    }
    process.off('SIGINT', onSig);
    process.off('SIGTERM', onSig);
    for (const r of rings) r.free();
    for (const p of pools) p.free();
    process.stdout.write('##### PDUMP DEBUG STATS #####\n' +
      ` -packets dequeued:\t\t\t${stats.dequeued}\n` +
      ` -packets transmitted to vdev:\t\t${stats.written}\n` +
      ` -packets freed:\t\t\t${stats.dequeued - stats.written}\n`);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dd = args.indexOf('--');
  const eargs = dd < 0 ? args : args.slice(0, dd);
  const extra: string[] = [];
  if (!eargs.some((a) => /^(-l|-c|--lcores)/.test(a))) extra.push('-l', '0');
  if (!eargs.some((a) => a.startsWith('--proc-type'))) extra.push('--proc-type=secondary');
  let appArgs: string[];
  try {
    appArgs = eal.init([...extra, ...args], progName());
  } catch (e) {
    const err = e as { code?: string; message: string };
    process.stderr.write(`EAL: ${err.message}\n`);
    process.stderr.write(`EAL: Error - exiting with code: 1\n  Cause: ${err.code === 'ENOENT' ? 'No primary DPDK process is running.' : 'Cannot init EAL'}\n`);
    process.exit(1);
  }
  try {
    await run(parseApp(appArgs));
  } catch (e) {
    process.stderr.write(`${progName()}: ${(e as Error).message}\n`);
    if (e instanceof UsageError) process.stderr.write(usage(progName()));
    process.exitCode = 1;
  }
  await eal.cleanup();
  process.exit(process.exitCode ?? 0);
}

await main();
