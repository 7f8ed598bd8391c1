// tsdpdk-dumpcap against a tsdpdk-testpmd primary: shared-memory pdump captures what the forwarding lcore
// receives, files are pcapng (or pcap with -P) with the known packet bytes, and a killed dumpcap leaves
// the primary forwarding without leaking its mbufs.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DIRECTION_IN, PcapngReader, PcapReader, type CaptureReader } from '../src/lib/pcapng/index.js';
import { skipOrFail } from './helpers.js';
import { filePrefix } from './testpmd_util.js';
import { CaptureFixture, type Proc } from './capture_util.js';
import { buildCorpus } from './bpf_corpus.js';
import { parseArgs } from '../src/app/dumpcap/args.js';

const DUMPCAP = fileURLToPath(new URL('../src/app/dumpcap/main.js', import.meta.url));
const PROC_INFO = fileURLToPath(new URL('../src/app/proc_info/main.js', import.meta.url));
const N = 40;
const fx = new CaptureFixture('dumpcap', N, 60, 37, 13, 7);
const { dir, packets } = fx;
after(() => fx.cleanup());
const launch = (args: string[], stdin: boolean): Proc => fx.launch(args, stdin);
const primary = (prefix: string, infinite: boolean): Proc => fx.primary(prefix, infinite);

function dumpcap(prefix: string, args: string[]): Proc {
  return launch([DUMPCAP, `--file-prefix=${prefix}`, ...args], false);
}

function send(p: Proc, line: string): void {
  p.child.stdin!.write(line + '\n');
}

async function withTimeout<T>(pr: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const to = new Promise<never>((_, rej) => { t = setTimeout(() => rej(new Error(`${what}: timed out after ${ms} ms`)), ms); });
  try {
    return await Promise.race([pr, to]);
  } finally {
    clearTimeout(t);
  }
}

function readAll(r: CaptureReader): { data: Uint8Array; orig: number; flags: number; ifId: number }[] {
  const out = [];
  for (let n; (n = r.next()) >= 0;) {
    const data = new Uint8Array(n);
    r.copyData(data, 0, 0, n);
    out.push({ data, orig: r.origLen, flags: r.flags, ifId: r.interfaceId });
  }
  return out;
}

async function quit(p: Proc): Promise<void> {
  send(p, 'quit');
  const r = await withTimeout(p.exited, 10000, 'testpmd quit');
  assert.equal(r.code, 0, p.out());
  assert.match(p.out(), /mbuf pool <mb_pool_0>: 8192 of 8192 mbufs available after closing ports/);
}

test('dumpcap -d prints the classic and eBPF programs; a bad filter is refused naming the token', () => {
  const r = spawnSync(process.execPath, [DUMPCAP, '-d', '-f', 'udp port 9'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, /^cBPF program \(\d+ insns\)$/);
  assert.equal(lines[1], '(000) ldh      [12]');
  const e = lines.indexOf('eBPF program (' + /eBPF program \((\d+) insns\)/.exec(r.stdout)![1] + ' insns)');
  assert.ok(e > 0);
  assert.deepEqual(lines.slice(e + 1, e + 4), [' L0:\txor r0, r0', ' L1:\txor r7, r7', ' L2:\tmov r6, r1']);
  assert.ok(r.stdout.includes('mov32 r0, #0x880'), 'accept returns the snaplen 2176');
  const bad = spawnSync(process.execPath, [DUMPCAP, '-d', '-f', 'udp prot 9'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /Invalid capture filter "udp prot 9"/);
  assert.match(bad.stderr, /'prot'/);
});

test('dumpcap -f before any -i is the default filter, after an -i it is that interface\'s (DPDK\'s rule)', () => {
  const o = parseArgs(['-f', 'udp', '-i', '0', '-i', 'net_null0', '-f', 'tcp port 80', '-d']);
  assert.ok(typeof o === 'object');
  assert.equal(o.filter, 'udp');
  assert.deepEqual(o.interfaces, ['0', 'net_null0']);
  assert.deepEqual(o.ifFilters, [null, 'tcp port 80']);
  assert.equal(o.dumpBpf, true);
  const none = spawnSync(process.execPath, [DUMPCAP, '-d'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /-d needs a capture filter \(-f\)/);
});

// A mixed stream (IPv4/IPv6/ARP/VLAN, TCP/UDP/ICMP, fragments, truncated frames) for the filter test.
const mixed = buildCorpus().filter((f) => f.length >= 14);
const fxf = new CaptureFixture('dumpcapf', 0, 0, 0, 0, 0, mixed);
after(() => fxf.cleanup());

async function portStat(tp: Proc, port: number, field: string): Promise<number> {
  const from = tp.out().length;
  send(tp, `show port stats ${port}`);
  const re = new RegExp(`${field}: *(\\d+)`);
  await tp.waitFor(re, 5000, from);
  return Number(re.exec(tp.out().slice(from))![1]);
}

test('dumpcap -f keeps exactly what libpcap selects, counts the rest as received, forwarding unchanged', { timeout: 60000 }, async (t) => {
  if (spawnSync('sh', ['-c', 'command -v tcpdump'], { stdio: 'ignore' }).status !== 0) return skipOrFail(t, 'tcpdump is not installed');
  for (const expr of ['udp port 53', 'tcp[13] & 2 != 0 or vlan 100 and ip']) {
    // The oracle: tcpdump (libpcap) reading the input with the same filter.
    const want = join(fxf.dir, 'want.pcap');
    const td = spawnSync('tcpdump', ['-r', fxf.inPcap, '-w', want, expr], { encoding: 'utf8', timeout: 10000 });
    assert.equal(td.status, 0, td.stderr);
    const wr = PcapReader.open(want);
    const expected = readAll(wr).map((g) => g.data);
    wr.close();
    assert.ok(expected.length > 0 && expected.length < mixed.length);
    const prefix = filePrefix('dcf');
    const tp = fxf.primary(prefix, false);
    await tp.waitFor('testpmd> ');
    const file = join(fxf.dir, 'filtered.pcapng');
    const dc = fxf.launch([DUMPCAP, `--file-prefix=${prefix}`, '-i', '0', '-f', expr, '-w', file], false);
    await dc.waitFor("Capturing on 'net_pcap0'");
    send(tp, 'start');
    const end = Date.now() + 15000;
    while (await portStat(tp, 0, 'RX-packets') < mixed.length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300)); // the capture ring drains
    dc.child.kill('SIGINT');
    const r = await withTimeout(dc.exited, 10000, 'dumpcap');
    assert.equal(r.code, 0, dc.out());
    assert.match(dc.out(), new RegExp(`Packets captured: ${expected.length}\\n`));
    assert.match(dc.out(), new RegExp(`Packets received/dropped on interface 'net_pcap0': ${mixed.length}/0`));
    // forwarding is not affected by the filter: every frame went out of port 1
    assert.equal(await portStat(tp, 1, 'TX-packets'), mixed.length);
    send(tp, 'stop');
    await tp.waitFor('Done.');
    await quit(tp);
    const rd = PcapngReader.open(file);
    const got = readAll(rd);
    assert.equal(rd.interfaces[0]!.stats[0]!.ifRecv, BigInt(mixed.length));
    rd.close();
    assert.equal(got.length, expected.length, expr);
    got.forEach((g, i) => assert.deepEqual(g.data, expected[i], `${expr}: packet ${i}`));
  }
});

test('dumpcap captures the forwarded stream: pcapng and -P pcap with -s', { timeout: 30000 }, async (t) => {
  for (const mode of ['pcapng', 'pcap'] as const) {
    const prefix = filePrefix('dc');
    const tp = primary(prefix, false);
    await tp.waitFor('testpmd> ');
    const file = join(dir, `out.${mode}`);
    const dc = dumpcap(prefix, mode === 'pcapng' ? ['-i', 'net_pcap0', '-w', file, '-c', String(N)] : ['-i', '0', '-P', '-s', '100', '-w', file, '-c', String(N)]);
    await dc.waitFor("Capturing on 'net_pcap0'");
    send(tp, 'start');
    const r = await withTimeout(dc.exited, 10000, 'dumpcap');
    assert.equal(r.code, 0, dc.out());
    assert.match(dc.out(), new RegExp(`Packets captured: ${N}\\n`));
    assert.match(dc.out(), new RegExp(`Packets received/dropped on interface 'net_pcap0': ${N}/0`));
    send(tp, 'stop');
    await tp.waitFor('Done.');
    await quit(tp);
    if (mode === 'pcapng') {
      const rd = PcapngReader.open(file);
      const got = readAll(rd);
      assert.equal(got.length, N);
      got.forEach((g, i) => {
        assert.deepEqual(g.data, packets[i], `packet ${i}`);
        assert.equal(g.orig, packets[i]!.length);
        assert.equal(g.flags & 3, DIRECTION_IN);
        assert.equal(g.ifId, 0);
      });
      assert.equal(rd.interfaces.length, 1);
      assert.equal(rd.interfaces[0]!.name, 'dpdk:0');
      assert.equal(rd.interfaces[0]!.macAddr, '02:70:63:61:70:00');
      assert.equal(rd.interfaces[0]!.stats.length, 1);
      assert.equal(rd.interfaces[0]!.stats[0]!.ifRecv, BigInt(N));
      assert.equal(rd.interfaces[0]!.stats[0]!.ifDrop, 0n);
      rd.close();
      if (spawnSync('sh', ['-c', 'command -v tshark'], { stdio: 'ignore' }).status !== 0) {
        skipOrFail(t, 'tshark is not installed');
        continue;
      }
      const ts = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.len', '-e', 'frame.interface_name'], { encoding: 'utf8', timeout: 20000 });
      assert.equal(ts.status, 0, ts.stderr);
      assert.deepEqual(ts.stdout.trim().split('\n'), packets.map((p) => `${p.length}\tdpdk:0`));
    } else {
      const rd = PcapReader.open(file);
      assert.equal(rd.snaplen, 100);
      const got = readAll(rd);
      rd.close();
      assert.equal(got.length, N);
      got.forEach((g, i) => {
        assert.deepEqual(g.data, packets[i]!.subarray(0, 100), `packet ${i}`);
        assert.equal(g.orig, packets[i]!.length);
      });
    }
  }
});

test('killing dumpcap mid-run leaves the primary forwarding and its mbufs intact', { timeout: 30000 }, async () => {
  const prefix = filePrefix('dck');
  const tp = primary(prefix, true);
  await tp.waitFor('testpmd> ');
  const list = spawnSync(process.execPath, [DUMPCAP, `--file-prefix=${prefix}`, '-D'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(list.status, 0, list.stderr);
  assert.equal(list.stdout, '0. net_pcap0\n1. net_null0\n');
  const dc = dumpcap(prefix, ['-i', '0', '-w', join(dir, 'killed.pcapng')]);
  await dc.waitFor('Capturing on');
  send(tp, 'start');
  await new Promise((r) => setTimeout(r, 700));
  const deadPid = dc.child.pid!;
  const zones = (): string => {
    const r = spawnSync(process.execPath, [PROC_INFO, `--file-prefix=${prefix}`, '--log-level', 'error', '--', '-m'], { encoding: 'utf8', timeout: 10000 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const captureZones = [`RG_dumpcap-${deadPid}`, `MP_capture_${deadPid}`];
  const before = zones();
  for (const z of captureZones) assert.ok(before.includes(`<${z}>`), `${z} exists while dumpcap runs`);
  dc.child.kill('SIGKILL');
  await withTimeout(dc.exited, 5000, 'killed dumpcap');
  // The primary's mp thread notices the dead owner (checked once a second) and frees its ring and pool.
  let left = captureZones;
  for (const end = Date.now() + 10000; left.length > 0 && Date.now() < end;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = zones();
    left = captureZones.filter((z) => now.includes(`<${z}>`));
  }
  assert.deepEqual(left, [], 'the dead dumpcap\'s ring and mempool were released by the primary');
  // The notice comes from the primary's mp thread after the frees; its stderr may trail the memzone check.
  await tp.waitFor(new RegExp(`capture tool ${deadPid} died without disabling`), 5000);
  // Forwarding goes on: RX-packets of port 0 keeps growing.
  const rx = async (): Promise<number> => {
    const from = tp.out().length;
    send(tp, 'show port stats 0');
    await tp.waitFor(/RX-packets: *\d+/, 5000, from);
    return Number(/RX-packets: *(\d+)/.exec(tp.out().slice(from))![1]);
  };
  const a = await rx();
  await new Promise((r) => setTimeout(r, 300));
  const b = await rx();
  assert.ok(b > a, `port 0 stopped receiving after dumpcap was killed (${a} -> ${b})`);
  // A new dumpcap takes over the queues the dead one left enabled.
  const file = join(dir, 'after.pcapng');
  const dc2 = dumpcap(prefix, ['-i', '0', '-w', file, '-c', '10', '-q']);
  const r2 = await withTimeout(dc2.exited, 10000, 'second dumpcap');
  assert.equal(r2.code, 0, dc2.out());
  const rd = PcapngReader.open(file);
  const got = readAll(rd);
  rd.close();
  assert.equal(got.length, 10);
  for (const g of got) assert.ok(packets.some((p) => p.length === g.data.length && Buffer.compare(Buffer.from(p), Buffer.from(g.data)) === 0));
  send(tp, 'stop');
  await tp.waitFor('Done.');
  await quit(tp);
});

test('a second dumpcap on a captured port gets the primary\'s EEXIST over mp_pdump', { timeout: 30000 }, async () => {
  const prefix = filePrefix('dcx');
  const tp = primary(prefix, false);
  await tp.waitFor('testpmd> ');
  const first = dumpcap(prefix, ['-i', '0', '-w', join(dir, 'first.pcapng')]);
  await first.waitFor('Capturing on');
  const second = spawnSync(process.execPath, [DUMPCAP, `--file-prefix=${prefix}`, '-i', '0', '-w', join(dir, 'second.pcapng')], { encoding: 'utf8', timeout: 15000 });
  assert.notEqual(second.status, 0);
  assert.match(second.stderr, /refused to enable capture on net_pcap0: EEXIST/);
  first.child.kill('SIGINT');
  const r = await withTimeout(first.exited, 10000, 'first dumpcap');
  assert.equal(r.code, 0, first.out());
  await quit(tp);
});
