// tsdpdk-pdump against a tsdpdk-testpmd primary: rx-dev/tx-dev pcap files hold what port 0 received and
// what port 1 transmitted (io forwarding, so the same bytes), written like net_pcap's tx_pcap.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { filePrefix, OURS, readPcap, removeRuntimeDirs, writePcap } from './testpmd_util.js';

const PDUMP = fileURLToPath(new URL('../src/app/pdump/main.js', import.meta.url));
const N = 25;
let dir = '';
let inPcap = '';
const packets: Uint8Array[] = [];
const children: ChildProcess[] = [];
const prefixes: string[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdpdk-pdump-'));
  inPcap = join(dir, 'in.pcap');
  for (let i = 0; i < N; i++) {
    const b = new Uint8Array(64 + i * 61);
    for (let k = 0; k < b.length; k++) b[k] = (k * 5 + i * 11) & 0xff;
    b.set([0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x00]);
    packets.push(b);
  }
  writePcap(inPcap, packets);
});

after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  removeRuntimeDirs();
  // A primary killed on a failure leaves its --no-huge shm file.
  for (const p of prefixes) rmSync(`/dev/shm/${p}_tsdpdk_nohugemem`, { force: true });
  rmSync(dir, { recursive: true, force: true });
});

function launch(args: string[], stdin: boolean) {
  const child = spawn(process.execPath, args, { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  children.push(child);
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { buf += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { buf += d; });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const waitFor = async (re: RegExp, ms = 10000, from = 0): Promise<void> => {
    const end = Date.now() + ms;
    while (!re.test(buf.slice(from))) {
      if (Date.now() > end || child.exitCode !== null) assert.fail(`timed out waiting for ${re}; output:\n${buf}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, out: () => buf, exited, waitFor };
}

test('pdump --pdump bad arguments fail clearly', () => {
  // Argument errors are found after EAL init, so a missing primary is what a lone run reports.
  const r = spawnSync(process.execPath, [PDUMP, '--file-prefix', `nopdump_${process.pid}`, '--', '--pdump', 'port=0,queue=*,rx-dev=/tmp/x'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /No primary DPDK process is running/);
});

test('pdump writes rx-dev and tx-dev pcap files', { timeout: 30000 }, async () => {
  const prefix = filePrefix('pd');
  prefixes.push(prefix);
  const tp = launch([OURS, '-l', '0-1', '--no-huge', '-m', '512', '--file-prefix', prefix,
    '--vdev', `net_pcap0,rx_pcap=${inPcap},infinite_rx=0`, '--vdev', 'net_null0,no-rx=1',
    '--log-level=testpmd.mbuf:debug', '--', '-i', '--total-num-mbufs=8192', '--no-flush-rx'], true);
  await tp.waitFor(/testpmd> /);
  const bad = spawnSync(process.execPath, [PDUMP, '--file-prefix', prefix, '--', '--pdump', 'port=0,rx-dev=/tmp/x'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /queue= is required/);
  const rxFile = join(dir, 'rx.pcap');
  const txFile = join(dir, 'tx.pcap');
  const pd = launch([PDUMP, '--file-prefix', prefix, '--', '--pdump', `port=0,queue=*,rx-dev=${rxFile}`,
    '--pdump', `device_id=net_null0,queue=0,tx-dev=${txFile},ring-size=1024,total-num-mbufs=2048`], false);
  await pd.waitFor(/queue 0 tx to /);
  tp.child.stdin!.write('start\n');
  const end = Date.now() + 10000;
  for (;;) {
    const from = tp.out().length;
    tp.child.stdin!.write('show port stats 1\n');
    await tp.waitFor(/TX-packets: *\d+[\s\S]*testpmd> $/, 5000, from);
    const m = /TX-packets: *(\d+)/.exec(tp.out().slice(from));
    if (m && Number(m[1]) >= N) break;
    assert.ok(Date.now() < end, `port 1 never transmitted the stream:\n${tp.out()}\n${pd.out()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 200));
  pd.child.kill('SIGINT');
  assert.equal(await pd.exited, 0, pd.out());
  assert.match(pd.out(), new RegExp(`packets dequeued:\\s+${2 * N}\\n`));
  for (const f of [rxFile, txFile]) {
    const h = readFileSync(f);
    assert.equal(h.readUInt32LE(0), 0xa1b23c4d, 'ns pcap magic like net_pcap');
    assert.equal(h.readUInt32LE(16), 65535);
    assert.deepEqual(readPcap(f).map((p) => Buffer.from(p).toString('hex')), packets.map((p) => Buffer.from(p).toString('hex')), f);
  }
  tp.child.stdin!.write('stop\nquit\n');
  assert.equal(await tp.exited, 0, tp.out());
  assert.match(tp.out(), /mbuf pool <mb_pool_0>: 8192 of 8192 mbufs available after closing ports/);
});
