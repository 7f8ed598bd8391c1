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

const DUMPCAP = fileURLToPath(new URL('../src/app/dumpcap/main.js', import.meta.url));
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

test('dumpcap -f is refused clearly (no BPF library yet)', () => {
  const r = spawnSync(process.execPath, [DUMPCAP, '-f', 'udp'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /capture filters are not supported yet \(needs the BPF library\)/);
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
  dc.child.kill('SIGKILL');
  await withTimeout(dc.exited, 5000, 'killed dumpcap');
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
