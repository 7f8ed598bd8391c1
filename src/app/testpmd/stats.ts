// testpmd's statistics output, byte for byte: `show port stats` (NIC statistics with rates since the last
// show), the forward statistics of `stop` / `show fwd stats all`, and the --stats-period screen.

import * as eal from '../../lib/eal/index.js';
import * as ethdev from '../../lib/ethdev/index.js';
import type { EthStats } from '../../lib/ethdev/index.js';
import { ctx } from './context.js';
import { err, out } from './io.js';
import {
  ST_BAD_IP, ST_BAD_L4, ST_BAD_OUTER_IP, ST_BAD_OUTER_L4, ST_COUNT, ST_DROPPED, ST_RX, ST_TX, streamStatIndex,
} from './shared.js';

/** %-Nu: left-justified in a field of width n. */
function l(v: number | bigint, n: number): string {
  return String(v).padEnd(n);
}
/** %Nu: right-justified. */
function r(v: number | bigint, n: number): string {
  return String(v).padStart(n);
}

/** uint64 difference as C computes it (wraps below zero). */
function sub64(a: number, b: number): bigint {
  return BigInt.asUintN(64, BigInt(Math.trunc(a)) - BigInt(Math.trunc(b)));
}

export function printValidPorts(): void {
  out(`The valid ports array is [${ethdev.ports().map((p) => ` ${p}`).join('')} ]\n`);
}

/** port_id_is_invalid(ENABLED_WARN) */
export function portIdIsInvalid(port: number, warn = true): boolean {
  if (ethdev.isValidPort(port)) return false;
  if (warn) err(`Invalid port ${port}\n`);
  return true;
}

interface Prev { rxPkts: number; txPkts: number; rxBytes: number; txBytes: number; ns: bigint }
const prev = new Map<number, Prev>();

/** nic_stats_display */
export function nicStatsDisplay(port: number): void {
  if (portIdIsInvalid(port)) {
    printValidPorts();
    return;
  }
  let s: EthStats;
  try {
    s = ethdev.statsGet(port);
  } catch (e) {
    err(`nic_stats_display: Error: failed to get stats (port ${port}): ${(e as Error).message}`);
    return;
  }
  const border = '########################';
  let o = `\n  ${border} NIC statistics for port ${l(port, 2)} ${border}\n`;
  o += `  RX-packets: ${l(s.ipackets, 10)} RX-missed: ${l(s.imissed, 10)} RX-bytes:  ${s.ibytes}\n`;
  o += `  RX-errors: ${s.ierrors}\n`;
  o += `  RX-nombuf:  ${l(s.rxNombuf, 10)}\n`;
  o += `  TX-packets: ${l(s.opackets, 10)} TX-errors: ${l(s.oerrors, 10)} TX-bytes:  ${s.obytes}\n`;
  const now = process.hrtime.bigint();
  const p = prev.get(port) ?? { rxPkts: 0, txPkts: 0, rxBytes: 0, txBytes: 0, ns: 0n };
  const diffNs = p.ns !== 0n ? Number(now - p.ns) : 0;
  const rate = (cur: number, old: number): number => {
    const d = cur > old ? cur - old : 0;
    return diffNs > 0 ? Math.trunc((d / diffNs) * 1e9) : 0;
  };
  const ppsRx = rate(s.ipackets, p.rxPkts);
  const ppsTx = rate(s.opackets, p.txPkts);
  const bpsRx = rate(s.ibytes, p.rxBytes);
  const bpsTx = rate(s.obytes, p.txBytes);
  prev.set(port, { rxPkts: s.ipackets, txPkts: s.opackets, rxBytes: s.ibytes, txBytes: s.obytes, ns: now });
  o += '\n  Throughput (since last show)\n';
  o += `  Rx-pps: ${r(ppsRx, 12)}          Rx-bps: ${r(bpsRx * 8, 12)}\n  Tx-pps: ${r(ppsTx, 12)}          Tx-bps: ${r(bpsTx * 8, 12)}\n`;
  o += `  ${border}############################${border}\n`;
  out(o);
}

/** nic_stats_clear */
export function nicStatsClear(port: number): void {
  if (portIdIsInvalid(port)) {
    printValidPorts();
    return;
  }
  try {
    ethdev.statsReset(port);
  } catch (e) {
    err(`nic_stats_clear: Error: failed to reset stats (port ${port}): ${(e as Error).message}`);
    return;
  }
  out(`\n  NIC statistics for port ${port} cleared\n`);
}

function streamCounters(i: number): Float64Array {
  const f64 = eal.sharedWindow().f64;
  const b = streamStatIndex(ctx.sharedBlock, i);
  return f64.slice(b, b + ST_COUNT);
}

/** fwd_stats_display */
export function fwdStatsDisplay(): void {
  const fwd = ctx.fwd;
  const csum = fwd.engine === 'csum';
  const perPort = new Map<number, { txDropped: number; badIp: number; badL4: number; badOuterL4: number; badOuterIp: number }>();
  const pst = (p: number) => {
    let v = perPort.get(p);
    if (!v) perPort.set(p, (v = { txDropped: 0, badIp: 0, badL4: 0, badOuterL4: 0, badOuterIp: 0 }));
    return v;
  };
  let o = '';
  for (let i = 0; i < fwd.nbFwdStreams; i++) {
    const fs = fwd.streams[i]!;
    const c = streamCounters(i);
    if (fwd.nbFwdStreams > fwd.nbFwdPorts && !(c[ST_RX] === 0 && c[ST_TX] === 0 && c[ST_DROPPED] === 0)) {
      o += `\n  ------- Forward Stats for RX Port=${r(fs.rxPort, 2)}/Queue=${r(fs.rxQueue, 2)} -> TX Port=${r(fs.txPort, 2)}/Queue=${r(fs.txQueue, 2)} -------\n`;
      o += `  RX-packets: ${l(c[ST_RX]!, 14)} TX-packets: ${l(c[ST_TX]!, 14)} TX-dropped: ${l(c[ST_DROPPED]!, 14)}`;
      if (csum) {
        o += `  RX- bad IP checksum: ${l(c[ST_BAD_IP]!, 14)}  Rx- bad L4 checksum: ${l(c[ST_BAD_L4]!, 14)} Rx- bad outer L4 checksum: ${l(c[ST_BAD_OUTER_L4]!, 14)}\n`;
        o += ` RX- bad outer IP checksum: ${l(c[ST_BAD_OUTER_IP]!, 14)}\n`;
      } else {
        o += '\n';
      }
    }
    pst(fs.txPort).txDropped += c[ST_DROPPED]!;
    const rp = pst(fs.rxPort);
    rp.badIp += c[ST_BAD_IP]!;
    rp.badL4 += c[ST_BAD_L4]!;
    rp.badOuterL4 += c[ST_BAD_OUTER_L4]!;
    rp.badOuterIp += c[ST_BAD_OUTER_IP]!;
  }
  let totalRecv = 0n;
  let totalXmit = 0n;
  let totalRxDropped = 0n;
  let totalTxDropped = 0n;
  let totalRxNombuf = 0n;
  const border = '----------------------';
  for (let i = 0; i < fwd.nbFwdPorts; i++) {
    const pid = ctx.cfg.fwdPorts[i]!;
    let s: EthStats;
    try {
      s = ethdev.statsGet(pid);
    } catch (e) {
      err(`fwd_stats_display: Error: failed to get stats (port ${pid}): ${(e as Error).message}`);
      continue;
    }
    const b = ctx.ports.get(pid)?.statsBase;
    const ip = sub64(s.ipackets, b?.ipackets ?? 0);
    const op = sub64(s.opackets, b?.opackets ?? 0);
    const im = sub64(s.imissed, b?.imissed ?? 0);
    const oe = sub64(s.oerrors, b?.oerrors ?? 0);
    const nb = sub64(s.rxNombuf, b?.rxNombuf ?? 0);
    const ps = pst(pid);
    const txDropped = BigInt.asUintN(64, BigInt(ps.txDropped) + oe);
    totalRecv += ip;
    totalXmit += op;
    totalRxDropped += im;
    totalTxDropped += txDropped;
    totalRxNombuf += nb;
    o += `\n  ${border} Forward statistics for port ${l(pid, 2)} ${border}\n`;
    o += `  RX-packets: ${l(ip, 14)} RX-dropped: ${l(im, 14)}RX-total: ${BigInt.asUintN(64, ip + im)}\n`;
    if (csum) {
      o += `  Bad-ipcsum: ${l(ps.badIp, 14)} Bad-l4csum: ${l(ps.badL4, 14)}Bad-outer-l4csum: ${l(ps.badOuterL4, 14)}\n`;
      o += `  Bad-outer-ipcsum: ${l(ps.badOuterIp, 14)}\n`;
    }
    // (ierrors is not relative to the start: testpmd prints the raw counter)
    if (BigInt(Math.trunc(s.ierrors)) + nb > 0n) {
      o += `  RX-error: ${s.ierrors}\n`;
      o += `  RX-nombufs: ${l(nb, 14)}\n`;
    }
    o += `  TX-packets: ${l(op, 14)} TX-dropped: ${l(txDropped, 14)}TX-total: ${BigInt.asUintN(64, op + txDropped)}\n`;
    o += `  ${border}--------------------------------${border}\n`;
  }
  const acc = '+++++++++++++++';
  o += `\n  ${acc} Accumulated forward statistics for all ports${acc}\n`;
  o += `  RX-packets: ${l(totalRecv, 14)} RX-dropped: ${l(totalRxDropped, 14)}RX-total: ${totalRecv + totalRxDropped}\n`;
  o += `  TX-packets: ${l(totalXmit, 14)} TX-dropped: ${l(totalTxDropped, 14)}TX-total: ${totalXmit + totalTxDropped}\n`;
  if (totalRxNombuf > 0n) o += `  RX-nombufs: ${l(totalRxNombuf, 14)}\n`;
  o += `  ${acc}++++++++++++++++++++++++++++++++++++++++++++++${acc}\n`;
  out(o);
}

/** fwd_stats_reset: snapshot port counters, zero the stream counters. */
export function fwdStatsReset(): void {
  for (let i = 0; i < ctx.fwd.nbFwdPorts; i++) {
    const pid = ctx.cfg.fwdPorts[i]!;
    const p = ctx.ports.get(pid);
    if (!p) continue;
    try {
      p.statsBase = ethdev.statsGet(pid);
    } catch (e) {
      err(`fwd_stats_reset: Error: failed to clear stats (port ${pid}):${(e as Error).message}`);
    }
  }
  const f64 = eal.sharedWindow().f64;
  for (let i = 0; i < ctx.fwd.nbFwdStreams; i++) {
    const b = streamStatIndex(ctx.sharedBlock, i);
    f64.fill(0, b, b + ST_COUNT);
  }
}

/** print_stats: the --stats-period screen (clear, home, then each forwarding port's NIC stats). */
export function printStats(): void {
  out('\x1b[2J\x1b[1;1H');
  out('\nPort statistics ====================================');
  for (let i = 0; i < ctx.fwd.nbFwdPorts; i++) nicStatsDisplay(ctx.cfg.fwdPorts[i]!);
}
