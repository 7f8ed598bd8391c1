#!/usr/bin/env node
// tsdpdk-proc-info: dpdk-proc-info's run. Always a secondary process: attaches to the primary of the same
// --file-prefix and prints port statistics, xstats, port info, rings, mempools or the memory layout.

import '../../drivers/net/index.js';
import { basename } from 'node:path';
import * as eal from '../../lib/eal/index.js';
import * as ethdev from '../../lib/ethdev/index.js';
import { parseArgs, usage, UsageError, type ProcInfoOptions } from './args.js';
import * as show from './display.js';

function progName(): string {
  const b = basename(process.argv[1] ?? '');
  return b === '' || b.endsWith('.js') ? 'tsdpdk-proc-info' : b;
}

/** rte_exit's report. */
function die(cause: string): never {
  process.stderr.write(`EAL: Error - exiting with code: 1\n  Cause: ${cause}\n`);
  process.exit(1);
}

/** EAL options plus what dpdk-proc-info adds (one lcore, secondary), unless given. */
function ealArgs(args: string[]): string[] {
  const dd = args.indexOf('--');
  const eargs = dd < 0 ? args : args.slice(0, dd);
  const extra: string[] = [];
  if (!eargs.some((a) => /^(-l|-c|--lcores)/.test(a))) extra.push('-l', '0');
  if (!eargs.some((a) => a.startsWith('--proc-type'))) extra.push('--proc-type=secondary');
  return [...extra, ...args];
}

function run(o: ProcInfoOptions): string {
  if (o.memInfo) return show.memInfo();
  const all = ethdev.ports();
  if (ethdev.countAvail() === 0) die('No Ethernet ports - bye');
  const mask = o.portMask !== 0n ? o.portMask : all.reduce((m, p) => m | (1n << BigInt(p)), 0n);
  const sel = all.filter((p) => (mask >> BigInt(p)) & 1n);
  let out = '';
  for (const p of sel) {
    if (o.stats) out += show.nicStats(p);
    else if (o.xstats) out += show.nicXstats(p);
    else if (o.statsReset) out += show.nicStatsClear(p);
    else if (o.xstatsReset) out += show.nicXstatsClear(p);
    else if (o.xstatsName !== null) out += show.nicXstatsByName(p, o.xstatsName);
  }
  if (o.showPort) out += show.showPort(sel);
  if (o.showRing) out += show.showRing(o.ringName);
  if (o.showMempool) out += show.showMempool(o.mempoolName);
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let appArgs: string[];
  try {
    appArgs = eal.init(ealArgs(args), progName());
  } catch (e) {
    const err = e as { code?: string; message: string };
    process.stderr.write(`EAL: ${err.message}\n`);
    if (err.code === 'ENOENT') die('No primary DPDK process is running.');
    die('Cannot init EAL');
  }
  let opts: ProcInfoOptions;
  try {
    opts = parseArgs(appArgs);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${progName()}: ${e.message}\n`);
    process.stdout.write(usage(progName()));
    await eal.cleanup();
    die('Invalid argument');
  }
  try {
    process.stdout.write(run(opts));
  } catch (e) {
    process.stderr.write(`${progName()}: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
  // A secondary leaves the ports alone (no close): they belong to the primary.
  await eal.cleanup();
  process.exit(process.exitCode ?? 0);
}

await main();
