// tsdpdk-proc-info as a secondary process of an interactive tsdpdk-testpmd primary: stats, xstats, port
// info, mempools, rings and memory read from the primary's shared memory, resets written back to it.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNative } from '../src/lib/eal/native.js';
import { skipOrFail } from './helpers.js';

const TESTPMD = fileURLToPath(new URL('../src/app/testpmd/main.js', import.meta.url));
const PROC_INFO = fileURLToPath(new URL('../src/app/proc_info/main.js', import.meta.url));
const PREFIX = `procinfo${process.pid}`;
const NO_PRIMARY = `procinfo_none${process.pid}`;

interface Result { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Runs tsdpdk-proc-info; `onStderr` may kill it early. */
function procInfo(eal: string[], app: string[], onStderr?: (text: string, child: ChildProcess) => void): Promise<Result> {
  const child = spawn(process.execPath, [PROC_INFO, ...eal, '--', ...app], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    onStderr?.(stderr, child);
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 15000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** An interactive tsdpdk-testpmd primary driven through stdin. */
class Primary {
  readonly child: ChildProcess;
  out = '';
  exited = false;
  constructor(prefix: string) {
    this.child = spawn(process.execPath, [TESTPMD, '-l', '0-1', '--no-huge', '-m', '512', '--file-prefix', prefix,
      '--vdev', 'net_null0', '--vdev', 'net_null1', '--', '--total-num-mbufs=8192', '-i'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.out += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.out += d));
    this.child.on('exit', () => (this.exited = true));
  }

  /** Waits until the output after `from` matches `re`. */
  async waitFor(re: RegExp, from = 0, ms = 10000): Promise<string> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const s = this.out.slice(from);
      if (re.test(s)) return s;
      if (this.exited) throw new Error(`primary exited; output:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`timeout waiting for ${re}; output:\n${this.out.slice(from)}`);
  }

  /** Sends a command and returns its output up to the next prompt. */
  async cmd(line: string): Promise<string> {
    const from = this.out.length;
    this.child.stdin!.write(line + '\n');
    const s = await this.waitFor(/testpmd> $/, from);
    return s.replace(/testpmd> $/, '');
  }
}

/** Port -> [RX-packets, TX-packets] from an "NIC statistics for port N" listing (testpmd's or proc-info's). */
function packetsByPort(text: string): Map<number, [number, number]> {
  const m = new Map<number, [number, number]>();
  for (const block of text.split(/NIC statistics for port /).slice(1)) {
    const port = Number(/^(\d+)/.exec(block)![1]);
    const rx = Number(/RX-packets:\s+(\d+)/.exec(block)![1]);
    const tx = Number(/TX-packets:\s+(\d+)/.exec(block)![1]);
    m.set(port, [rx, tx]);
  }
  return m;
}

test('tsdpdk-proc-info without a primary fails with a clear error', async (t) => {
  if (!loadNative()) return skipOrFail(t, 'native addon not built (secondaries need it to map shared memory)');
  const r = await procInfo(['--file-prefix', NO_PRIMARY], ['--stats']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /No primary DPDK process is running/);
  assert.equal(r.stdout, '');
});

describe('tsdpdk-proc-info against a tsdpdk-testpmd primary', { timeout: 30000 }, () => {
  let pri: Primary | null = null;
  const native = loadNative() !== null;

  before(async () => {
    if (!native) return;
    pri = new Primary(PREFIX);
    await pri.waitFor(/testpmd> $/);
    await pri.cmd('start');
    await new Promise((r) => setTimeout(r, 300));
    await pri.cmd('stop');
  });

  after(async () => {
    if (pri && !pri.exited) {
      pri.child.kill('SIGKILL');
      await new Promise((r) => pri!.child.once('exit', r));
    }
    rmSync(`/dev/shm/${PREFIX}_tsdpdk_nohugemem`, { force: true });
    // A secondary that found no primary leaves its (empty) runtime directory, as DPDK's does.
    for (const b of ['/var/run/dpdk', join(process.env.XDG_RUNTIME_DIR ?? '/tmp', 'dpdk'), '/tmp/dpdk']) {
      rmSync(join(b, NO_PRIMARY), { recursive: true, force: true });
      rmSync(join(b, PREFIX), { recursive: true, force: true });
    }
  });

  const need = (t: TestContext): boolean => {
    if (native) return true;
    skipOrFail(t, 'native addon not built (secondaries need it to map shared memory)');
    return false;
  };

  test('--stats prints the primary\'s port statistics in dpdk-proc-info\'s layout', async (t) => {
    if (!need(t)) return;
    const shown = packetsByPort(await pri!.cmd('show port stats all'));
    assert.ok(shown.get(0)![0] > 0, 'forwarding moved packets');
    const r = await procInfo(['--file-prefix', PREFIX], ['--stats']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(packetsByPort(r.stdout), shown);
    assert.match(r.stdout, /\n {2}######################## NIC statistics for port 0 {2}########################\n {2}RX-packets: \d+ +RX-errors: {2}0 +RX-bytes: {2}\d+ +\n {2}RX-nombuf: {2}0 +\n {2}TX-packets: \d+/);
    assert.match(r.stdout, /\n {2}Stats reg 15 TX-packets: 0 +TX-bytes: 0 +\n {2}#{76}\n/);
    // -p selects ports by hexadecimal mask.
    const r1 = await procInfo(['--file-prefix', PREFIX], ['-p', '0x2', '--stats']);
    assert.deepEqual([...packetsByPort(r1.stdout).keys()], [1]);
  });

  test('--xstats and --xstats-name print the primary\'s extended statistics', async (t) => {
    if (!need(t)) return;
    const r = await procInfo(['--file-prefix', PREFIX], ['--xstats']);
    assert.equal(r.code, 0, r.stderr);
    const blocks = r.stdout.split(/###### NIC extended statistics for port /).slice(1);
    assert.equal(blocks.length, 2);
    const shown = packetsByPort(await pri!.cmd('show port stats all'));
    for (const [i, b] of blocks.entries()) {
      const kv = new Map([...b.matchAll(/^(\w+): (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
      assert.deepEqual([...kv.keys()].slice(0, 8), ['rx_good_packets', 'tx_good_packets', 'rx_good_bytes', 'tx_good_bytes',
        'rx_missed_errors', 'rx_errors', 'tx_errors', 'rx_mbuf_allocation_errors']);
      assert.equal(kv.get('rx_good_packets'), shown.get(i)![0]);
      assert.equal(kv.get('tx_good_packets'), shown.get(i)![1]);
      assert.equal(kv.get('rx_q0_packets'), shown.get(i)![0]);
    }
    const n = await procInfo(['--file-prefix', PREFIX], ['--xstats-name', 'tx_good_packets']);
    assert.equal(n.stdout, `###### NIC statistics for port 0 , statistic name 'tx_good_packets':\ntx_good_packets: ${shown.get(0)![1]}\n` +
      `###### NIC statistics for port 1 , statistic name 'tx_good_packets':\ntx_good_packets: ${shown.get(1)![1]}\n`);
  });

  test('--show-port, --show-mempool, --show-ring and -m describe the primary', async (t) => {
    if (!need(t)) return;
    const p = await procInfo(['--file-prefix', PREFIX], ['--show-port']);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /^========== show - Port PMD ==========\n===== Port 0 =====\n {2}- generic config\n\t {2}-- driver net_null device net_null0 socket 0\n\tLink up at 10 Gbps FDX Fixed\n\t {2}-- mac [0-9A-F:]{17}\n\t {2}-- promiscuous mode enabled\n/);
    const mac = /MAC address: ([0-9A-F:]{17})/.exec(await pri!.cmd('show port info 0'));
    assert.ok(mac && p.stdout.includes(`\t  -- mac ${mac[1]}\n`), 'the MAC testpmd shows');
    const mp = await procInfo(['--file-prefix', PREFIX], ['--show-mempool', 'mb_pool_0']);
    assert.equal(mp.code, 0, mp.stderr);
    assert.match(mp.stdout, /^========== show - MEMPOOL ==========\nmempool <mb_pool_0>@0x[0-9a-f]+\n {2}flags=\w+\n {2}socket_id=0\n/);
    assert.match(mp.stdout, /\n {2}size=8192\n {2}populated_size=8192\n/);
    assert.match(mp.stdout, /\n {2}common_pool_count=\d+\n {2}no statistics available\n$/);
    const rg = await procInfo(['--file-prefix', PREFIX], ['--show-ring=MP_mb_pool_0']);
    assert.match(rg.stdout, /^========== show - RING ==========\nring <MP_mb_pool_0>@0x[0-9a-f]+\n {2}flags=\w+\n {2}size=16384\n {2}capacity=16383\n/);
    const m = await procInfo(['--file-prefix', PREFIX], ['-m']);
    assert.equal(m.code, 0, m.stderr);
    assert.match(m.stdout, /^----------- MEMORY_SEGMENTS -----------\nSegment 0-0: IOVA:0x[0-9a-f]+, len:\d+, virt:/);
    assert.match(m.stdout, /------------ MEMORY_ZONES -------------\n(.|\n)*name:<MP_mb_pool_0>(.|\n)*---------- END_MEMORY_ZONES -----------\n/);
    assert.match(m.stdout, /Tailq 1: qname:<RTE_MEMPOOL>, tqh_first:0x[0-9a-f]+/);
  });

  test('unknown options print the usage and exit 1', async (t) => {
    if (!need(t)) return;
    const r = await procInfo(['--file-prefix', PREFIX], ['--bogus']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /-p PORTMASK/);
    assert.match(r.stderr, /unrecognized option '--bogus'/);
  });

  test('--stats-reset zeroes the primary\'s counters', async (t) => {
    if (!need(t)) return;
    const r = await procInfo(['--file-prefix', PREFIX], ['--stats-reset']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '\n Clearing NIC stats for port 0\n\n  NIC statistics for port 0 cleared\n' +
      '\n Clearing NIC stats for port 1\n\n  NIC statistics for port 1 cleared\n');
    const shown = packetsByPort(await pri!.cmd('show port stats all'));
    assert.deepEqual(shown, new Map([[0, [0, 0]], [1, [0, 0]]]));
  });

  test('killing proc-info early leaves the primary working', async (t) => {
    if (!need(t)) return;
    const r = await procInfo(['--file-prefix', PREFIX], ['-m'], (text, child) => {
      if (/Attached to primary/.test(text)) child.kill('SIGKILL');
    });
    assert.equal(r.signal, 'SIGKILL');
    await pri!.cmd('start');
    await new Promise((res) => setTimeout(res, 200));
    await pri!.cmd('stop');
    const shown = packetsByPort(await pri!.cmd('show port stats all'));
    assert.ok(shown.get(0)![0] > 0, 'the primary still forwards');
    const s = await procInfo(['--file-prefix', PREFIX], ['--stats']);
    assert.deepEqual(packetsByPort(s.stdout), shown);
    const from = pri!.out.length;
    pri!.child.stdin!.write('quit\n');
    await pri!.waitFor(/Bye\.\.\./, from);
    const code = await new Promise((res) => (pri!.exited ? res(pri!.child.exitCode) : pri!.child.once('exit', (c) => res(c))));
    assert.equal(code, 0);
  });
});
