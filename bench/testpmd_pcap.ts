// bench/testpmd_pcap (npm run bench -- testpmd_pcap): io forwarding of a 1,000,000-packet pcap file to a
// pcap file through net_pcap, tsdpdk-testpmd vs Debian's dpdk-testpmd with the same arguments, alternating
// BENCH_RUNS (3) times. Rate = packets / (time from "Press enter to exit" to the output file reaching its
// final size). Our output is checked record by record (lengths + data, timestamps ignored).
// Then a GC check (BENCH_GC_SECONDS, 60; 0 skips): tsdpdk-testpmd io between two net_null ports under
// node --trace-gc, GC lines counted after the first 5 s, and the pools must be full after closing ports.
// BENCH_CPU_PROF=DIR runs our pcap side under node --cpu-prof (profiles in DIR; figures then skewed).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median, result } from './harness.js';

const OURS = fileURLToPath(new URL('../src/app/testpmd/main.js', import.meta.url));
const N = 1_000_000;
const RUN_TIMEOUT_MS = 120_000; // hard limit per program run
const STALL_MS = 2000;
const EXIT_GRACE_MS = 20_000; // after closing stdin / SIGINT
const GC_SECONDS = Number(process.env.BENCH_GC_SECONDS ?? 60);
const GC_SKIP_MS = 5000;
const PROF_DIR = process.env.BENCH_CPU_PROF ?? '';
const RUNS = Number(process.env.BENCH_RUNS ?? 3); // not harness runs(): its default is 5

function dpdkTestpmd(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v dpdk-testpmd'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
}

/** Simple IMIX 7:4:1 of 64/594/1514-byte Ethernet/IPv4/UDP frames, shuffled by an LCG; µs timestamps. */
function writeInput(path: string): number {
  const fd = openSync(path, 'w');
  const buf = Buffer.alloc(8 << 20);
  buf.writeUInt32LE(0xa1b23c4d, 0); // ns magic, like net_pcap's tx_pcap
  buf.writeUInt16LE(2, 4);
  buf.writeUInt16LE(4, 6);
  buf.writeUInt32LE(65535, 16);
  buf.writeUInt32LE(1, 20);
  let pos = 24;
  let total = 24;
  const tpl = Buffer.alloc(1514);
  for (let i = 0; i < tpl.length; i++) tpl[i] = (i * 31 + 7) & 0xff;
  tpl.set([0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x00, 0x45, 0], 0);
  let seed = 12345;
  for (let i = 0; i < N; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const k = (seed >>> 16) % 12;
    const len = k < 7 ? 64 : k < 11 ? 594 : 1514;
    if (pos + 16 + len > buf.length) {
      writeSync(fd, buf, 0, pos);
      pos = 0;
    }
    const us = i * 3;
    buf.writeUInt32LE(1_700_000_000 + Math.floor(us / 1e6), pos);
    buf.writeUInt32LE((us % 1e6) * 1000, pos + 4);
    buf.writeUInt32LE(len, pos + 8);
    buf.writeUInt32LE(len, pos + 12);
    tpl.copy(buf, pos + 16, 0, len);
    const p = pos + 16;
    buf.writeUInt16BE(len - 14, p + 16); // IPv4 total length
    buf.writeUInt16BE(i & 0xffff, p + 18); // IP id
    buf.writeUInt16BE(len - 34, p + 38); // UDP length
    buf.writeUInt32BE(i, p + 42); // sequence number
    pos += 16 + len;
    total += 16 + len;
  }
  writeSync(fd, buf, 0, pos);
  fsyncSync(fd); // no writeback of the input during the runs
  closeSync(fd);
  return total;
}

/** Records and SHA-1 of (caplen, origlen, data) of every record of a little-endian classic pcap. */
function digest(path: string): { packets: number; hash: string; error: string } {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(16 << 20);
  const scratch = Buffer.alloc(4 << 20);
  const h = createHash('sha1');
  let have = 0;
  let sp = 0;
  let packets = 0;
  let error = '';
  let first = true;
  for (;;) {
    const n = readSync(fd, buf, have, buf.length - have, null);
    have += n;
    let p = 0;
    if (first) {
      if (have < 24) {
        error = 'short file header';
        break;
      }
      const magic = buf.readUInt32LE(0);
      if (magic !== 0xa1b23c4d && magic !== 0xa1b2c3d4) error = `magic 0x${magic.toString(16)}`;
      p = 24;
      first = false;
    }
    while (have - p >= 16) {
      const cap = buf.readUInt32LE(p + 8);
      if (have - p < 16 + cap) break;
      if (sp + 8 + cap > scratch.length) {
        h.update(scratch.subarray(0, sp));
        sp = 0;
      }
      buf.copy(scratch, sp, p + 8, p + 16 + cap);
      sp += 8 + cap;
      p += 16 + cap;
      packets++;
    }
    buf.copy(buf, 0, p, have);
    have -= p;
    if (n === 0) break;
  }
  closeSync(fd);
  h.update(scratch.subarray(0, sp));
  if (have !== 0 && error === '') error = `${have} trailing bytes`;
  return { packets, hash: h.digest('hex'), error };
}

let seq = 0;
const prefixes: string[] = [];
const children = new Set<ChildProcess>();

function ealArgs(extra: string[]): string[] {
  const prefix = `tpcap_${process.pid}_${seq++}`;
  prefixes.push(prefix);
  return ['--no-huge', '-m', '1024', '--no-pci', '-l', '0-1', '--file-prefix', prefix, ...extra];
}

interface PcapRun {
  seconds: number; // NaN when the output did not complete
  size: number;
  code: number | null;
  log: string;
}

/** One file-to-file run; resolves when the program has exited (or been killed). */
function runPcap(which: string, inPath: string, outPath: string, expect: number): Promise<PcapRun> {
  const args = [
    ...ealArgs(['--vdev', `net_pcap0,rx_pcap=${inPath},tx_pcap=${outPath}`]), '--',
    '--forward-mode=io', '--port-topology=loop', '--no-flush-rx', '--total-num-mbufs=16384',
  ];
  const prof = PROF_DIR !== '' ? ['--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`] : [];
  // dpdk-testpmd's piped stdout is block-buffered: stdbuf -oL delivers "Press enter to exit" when printed.
  const child = which === 'ours' ? spawn(process.execPath, [...prof, OURS, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn('stdbuf', ['-oL', which, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let log = '';
  let t0 = -1;
  let seconds = NaN;
  let size = 0;
  let poll: NodeJS.Timeout | null = null;
  let grace: NodeJS.Timeout | null = null;
  let lastGrow = 0;
  const finish = (): void => {
    if (poll) clearTimeout(poll);
    poll = null;
    child.stdin.end(); // end of input: testpmd stops forwarding and exits
    grace ??= setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
  };
  const tick = (): void => {
    const now = performance.now();
    const s = statSync(outPath, { throwIfNoEntry: false })?.size ?? 0;
    if (s !== size) {
      size = s;
      lastGrow = now;
    }
    if (size >= expect) {
      seconds = (now - t0) / 1000;
      finish();
    } else if (now - lastGrow > STALL_MS) {
      finish();
    } else {
      poll = setTimeout(tick, 1);
    }
  };
  child.stdin.on('error', () => {}); // EPIPE if it died
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => (log += d));
  child.stdout.on('data', (d: string) => {
    log += d;
    if (t0 < 0 && log.includes('Press enter to exit')) {
      t0 = performance.now();
      lastGrow = t0;
      tick();
    }
  });
  const hard = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      children.delete(child);
      clearTimeout(hard);
      if (poll) clearTimeout(poll);
      if (grace) clearTimeout(grace);
      resolve({ seconds, size, code, log });
    });
  });
}

async function pcapBench(dir: string): Promise<void> {
  const inPath = join(dir, 'in.pcap');
  let t = performance.now();
  const expect = writeInput(inPath);
  const ref = digest(inPath);
  process.stderr.write(`input: ${N} packets, ${expect} bytes (${((performance.now() - t) / 1000).toFixed(1)} s to write and hash)\n`);
  if (ref.packets !== N || ref.error) throw new Error(`bad input: ${ref.packets} packets ${ref.error}`);
  const dpdk = dpdkTestpmd();
  if (dpdk === null) process.stderr.write('dpdk-testpmd not installed (apt-get install dpdk): dpdk column is n/a\n');
  const rates: Record<string, number[]> = { ours: [], dpdk: [] };
  for (let r = 0; r < RUNS; r++) {
    for (const which of dpdk === null ? ['ours'] : ['ours', dpdk]) {
      const side = which === 'ours' ? 'ours' : 'dpdk';
      const outPath = join(dir, `out_${side}_${r}.pcap`);
      t = performance.now();
      const run = await runPcap(which, inPath, outPath, expect);
      const wall = (performance.now() - t) / 1000;
      let check = '';
      if (Number.isFinite(run.seconds)) {
        // Ours must reproduce every record; DPDK's is checked too, for information.
        const d = digest(outPath);
        const same = d.packets === N && d.hash === ref.hash && d.error === '';
        check = same ? 'output verified' : `OUTPUT DIFFERS: ${d.packets} packets ${d.error}`;
        if (same || side === 'dpdk') rates[side]!.push(N / run.seconds / 1e6);
      } else {
        check = `INCOMPLETE: ${run.size} of ${expect} bytes (short ${expect - run.size})`;
      }
      process.stderr.write(`${side} run ${r + 1}: ${run.seconds.toFixed(3)} s forwarding, ${wall.toFixed(1)} s total, exit ${run.code}, ${check}\n`);
      if (run.code !== 0 || !check.startsWith('output verified')) process.stderr.write(`${run.log.slice(-1500)}\n`);
      rmSync(outPath, { force: true });
    }
  }
  const m = (xs: number[]): number => (xs.length === 0 ? NaN : median(xs));
  result('pcap_io_1M', m(rates.ours!), m(rates.dpdk!), 'Mpps');
}

/** 60 s of io between two net_null ports under --trace-gc; counts GC lines after the first 5 s. */
function gcBench(): Promise<void> {
  const args = [
    ...ealArgs(['--log-level=testpmd.mbuf:debug', '--vdev', 'net_null0', '--vdev', 'net_null1']), '--',
    '--forward-mode=io', '--stats-period=10', '--total-num-mbufs=16384',
  ];
  const child = spawn(process.execPath, ['--trace-gc', OURS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const t0 = performance.now();
  let stopAt = Infinity;
  let log = '';
  let pending = '';
  const events: string[] = []; // steady-state GC lines, with arrival time
  const onData = (d: string): void => {
    log += d;
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    const now = performance.now() - t0;
    for (const l of lines) {
      if (!/Scavenge|Mark-Compact/.test(l)) continue;
      if (now >= GC_SKIP_MS && now < stopAt) events.push(`+${(now / 1000).toFixed(1)}s ${l.trim().slice(0, 110)}`);
    }
  };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const stop = setTimeout(() => {
    stopAt = performance.now() - t0;
    child.kill('SIGINT');
  }, GC_SECONDS * 1000);
  const hard = setTimeout(() => child.kill('SIGKILL'), GC_SECONDS * 1000 + EXIT_GRACE_MS + 30_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      children.delete(child);
      clearTimeout(stop);
      clearTimeout(hard);
      onData('\n');
      const pools = [...log.matchAll(/mbuf pool <([^>]+)>: (\d+) of (\d+) mbufs available after closing ports/g)];
      const full = pools.length > 0 && pools.every((p) => p[2] === p[3]);
      const pps = [...log.matchAll(/Rx-pps: +(\d+)/g)].map((x) => Number(x[1])).filter((x) => x > 0);
      process.stderr.write(`gc run: ${GC_SECONDS} s, exit ${code}, Rx-pps per port (median of screens) ${pps.length ? (median(pps) / 1e6).toFixed(2) : 'n/a'} M\n`);
      process.stderr.write(`gc events after ${GC_SKIP_MS / 1000} s, before SIGINT: ${events.length}\n${events.map((e) => `  ${e}\n`).join('')}`);
      process.stderr.write(`pools after closing ports: ${pools.map((p) => `${p[1]} ${p[2]}/${p[3]}`).join(', ') || 'no debug line'} -> ${full ? 'full' : 'NOT FULL'}\n`);
      if (code !== 0) process.stderr.write(`${log.slice(-1500)}\n`);
      result('io_null_gc_events_steady', code === 0 ? events.length : NaN, NaN, 'events');
      console.log(`# ${GC_SECONDS} s run, GC lines counted from ${GC_SKIP_MS / 1000} s; mbuf pools after closing ports: ${full ? 'full' : 'NOT FULL'}`);
      resolve();
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'tsdpdk-bench-tpcap-'));
process.on('SIGINT', () => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  process.exit(130);
});
try {
  await pcapBench(dir);
  if (GC_SECONDS > 0) await gcBench();
} finally {
  rmSync(dir, { recursive: true, force: true });
  // Runtime dirs of both; our /dev/shm memory file stays behind only after a SIGKILL.
  for (const p of prefixes) {
    for (const b of ['/var/run/dpdk', '/tmp/dpdk']) rmSync(`${b}/${p}`, { recursive: true, force: true });
    rmSync(`/dev/shm/${p}_tsdpdk_nohugemem`, { force: true });
  }
}
