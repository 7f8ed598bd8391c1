// tsdpdk-l2fwd: the command line (in-process), its errors (child process, net_null), and forwarding
// between two network namespaces through two net_af_packet ports: ping across it, l2fwd's statistics
// screen, SIGINT, and the MAC rewrite of --mac-updating seen by a raw socket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pairPorts, parseArgs, parsePortmap } from '../examples/l2fwd/args.js';
import { PEER_PY } from './fixtures/af_packet_peer.js';
import { PING_PY } from './fixtures/l2fwd_ping.js';
import { skipOrFail } from './helpers.js';

const BIN = fileURLToPath(new URL('../examples/l2fwd/main.js', import.meta.url));
const pid = process.pid;
const NSA = `tsdpdk_l2a_${pid}`;
const NSB = `tsdpdk_l2b_${pid}`;
const A0 = `l2a0${pid}`; // in NSA
const A1 = `l2a1${pid}`; // root namespace, port 0
const B0 = `l2b0${pid}`; // in NSB
const B1 = `l2b1${pid}`; // root namespace, port 1
const EAL = ['-l', '0-1', '--no-huge', '-m', '512', '--file-prefix', `tl2f${pid}`];
let skipReason: string | null = null;

function run(cmd: string, args: string[], timeout = 10000): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

function sh(cmd: string, args: string[]): void {
  const r = run(cmd, args);
  if (!r.ok) throw new Error(`${cmd} ${args.join(' ')}: ${r.out.trim()}`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Child {
  p: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor: (re: RegExp, ms: number, from?: 'stdout' | 'stderr') => Promise<void>;
}

function startL2fwd(args: string[]): Child {
  const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let o = '';
  let e = '';
  p.stdout!.on('data', (c: Buffer) => { o += c.toString(); });
  p.stderr!.on('data', (c: Buffer) => { e += c.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => p.on('exit', (code, signal) => res({ code, signal })));
  let done = false;
  void exited.then(() => { done = true; });
  const waitFor = async (re: RegExp, ms: number, from: 'stdout' | 'stderr' = 'stdout'): Promise<void> => {
    const end = Date.now() + ms;
    while (!re.test(from === 'stdout' ? o : e)) {
      if (done) throw new Error(`l2fwd exited before ${re}: ${o}\n${e}`);
      if (Date.now() > end) throw new Error(`timeout waiting for ${re}: ${o}\n${e}`);
      await sleep(20);
    }
  };
  return { p, stdout: () => o, stderr: () => e, exited, waitFor };
}

/** Ends the child: SIGINT (unless `signal` is false), then SIGKILL after ms. */
async function stopChild(c: Child, ms = 8000, signal = true): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (signal && c.p.exitCode === null && c.p.signalCode === null) c.p.kill('SIGINT');
  const t = setTimeout(() => c.p.kill('SIGKILL'), ms);
  const r = await c.exited;
  clearTimeout(t);
  return r;
}

/** The last complete statistics screen: per port [sent, received, dropped]. */
function lastStats(out: string): Map<number, [number, number, number]> {
  const blocks = out.split('Port statistics ====').slice(1).filter((b) => /\n=+\n/.test(b));
  assert.ok(blocks.length > 0, `no statistics screen in:\n${out}`);
  const m = new Map<number, [number, number, number]>();
  const re = /Statistics for port (\d+) -+\nPackets sent: +(\d+)\nPackets received: +(\d+)\nPackets dropped: +(\d+)/g;
  for (const x of blocks.at(-1)!.matchAll(re)) m.set(Number(x[1]), [Number(x[2]), Number(x[3]), Number(x[4])]);
  const agg = /Total packets sent: +(\d+)\nTotal packets received: +(\d+)\nTotal packets dropped: +(\d+)/.exec(blocks.at(-1)!);
  assert.ok(agg, 'aggregate statistics');
  const sum = (k: number): number => [...m.values()].reduce((a, v) => a + v[k]!, 0);
  assert.deepEqual([Number(agg[1]), Number(agg[2]), Number(agg[3])], [sum(0), sum(1), sum(2)]);
  return m;
}

test('command line: options, l2fwd errors, port pairs', () => {
  const ok = parseArgs('l2fwd', ['-p', '0x3', '-q', '2', '-T', '0', '--no-mac-updating', '-P', '--portmap=(0,1),(2,3)']);
  assert.ok(ok.ok);
  assert.deepEqual(ok.args, { portmask: 3, promiscuous: true, nq: 2, period: 0, macUpdating: false, portmap: [[0, 1], [2, 3]] });
  const d = parseArgs('l2fwd', ['-pf', '--no-mac', '--mac-updating']);
  assert.ok(d.ok);
  assert.equal(d.args.portmask, 15);
  assert.equal(d.args.period, 10);
  assert.equal(d.args.macUpdating, true);
  const bad: [string[], RegExp][] = [
    [['-p', '0'], /^invalid portmask\n/],
    [['-p', 'xyz'], /^invalid portmask\n/],
    [['-p', '3', '-q', '16'], /^invalid queue number\n/],
    [['-p', '3', '-T', '86400'], /^invalid timer period\n/],
    [['-p', '3', '-T', '-1'], /^invalid timer period\n/],
    [['-p', '3', '--portmap', '(0,1'], /^Invalid config\n/],
    [['-p', '3', '-x'], /^l2fwd: invalid option -- 'x'\n/],
    [['-p', '3', '--bogus'], /^l2fwd: unrecognized option '--bogus'\n/],
    [['-p'], /^l2fwd: option requires an argument -- 'p'\n/],
  ];
  for (const [argv, re] of bad) {
    const r = parseArgs('l2fwd', argv);
    assert.ok(!r.ok, argv.join(' '));
    assert.match(r.out, re);
    assert.match(r.out, /l2fwd \[EAL options\] -- -p PORTMASK \[-P\] \[-q NQ\]\n {2}-p PORTMASK: hexadecimal bitmask/);
  }
  assert.deepEqual(parsePortmap('(3,1),(0,2)'), [[3, 1], [0, 2]]);
  assert.equal(parsePortmap('(0,32)'), null);
  const all = (): boolean => true;
  const p = pairPorts({ portmask: 0x7, promiscuous: false, nq: 1, period: 10, macUpdating: true, portmap: null }, all);
  assert.ok(!('error' in p));
  assert.deepEqual(p.dst.slice(0, 3), [1, 0, 2]);
  assert.match(p.notice, /odd number of ports/);
  const m = pairPorts({ portmask: 0xf, promiscuous: false, nq: 1, period: 10, macUpdating: true, portmap: [[0, 3], [1, 2]] }, all);
  assert.ok(!('error' in m));
  assert.deepEqual(m.dst.slice(0, 4), [3, 2, 1, 0]);
  const u = pairPorts({ portmask: 0x3, promiscuous: false, nq: 1, period: 10, macUpdating: true, portmap: [[0, 2]] }, all);
  assert.ok('error' in u && /port 2 is not enabled in port mask/.test(u.out));
  const dup = pairPorts({ portmask: 0x7, promiscuous: false, nq: 1, period: 10, macUpdating: true, portmap: [[0, 1], [1, 2]] }, all);
  assert.ok('error' in dup && /used in other port pairs/.test(dup.out));
});

test('invalid portmask: usage and exit 1; ports beyond the probed ones are refused', async () => {
  const nul = [...EAL, '--vdev', 'net_null0', '--vdev', 'net_null1', '--'];
  for (const [args, outRe, cause] of [
    [['-p', 'zz'], /invalid portmask\n.*-p PORTMASK: hexadecimal bitmask/s, /Cause: Invalid L2FWD arguments/],
    [['-p', '0x4'], /^/, /Cause: Invalid portmask; possible \(0x3\)/],
    [['-T', '1'], /Skipping disabled port 0/, /Cause: All available ports are disabled\. Please set portmask\./],
  ] as [string[], RegExp, RegExp][]) {
    const c = startL2fwd([...nul, ...args]);
    const ex = await stopChild(c, 15000, false);
    assert.equal(ex.code, 1, `${args.join(' ')}: ${c.stdout()}${c.stderr()}`);
    assert.match(c.stdout(), outRe);
    assert.match(c.stderr(), cause);
  }
});

test('mbuf pool sized as l2fwd does (all available ports, lcores with Rx ports); every mbuf back at exit', async () => {
  // 4 ports, 2 enabled, one forwarding lcore: max(4 * (1024 + 1024 + 32 + 1 * 256), 8192) = 9344.
  const nul = [...EAL, '--log-level=user1.l2fwd:debug', ...[0, 1, 2, 3].flatMap((i) => ['--vdev', `net_null${i}`]), '--'];
  const c = startL2fwd([...nul, '-p', '0x3', '-T', '0']);
  try {
    await c.waitFor(/L2FWD: entering main loop on lcore 1/, 15000, 'stderr');
    await sleep(300); // some forwarding between the two net_null ports
  } finally {
    const ex = await stopChild(c);
    assert.equal(ex.code, 0, `${c.stdout()}\n${c.stderr()}`);
  }
  assert.match(c.stdout(), /Skipping disabled port 2\nSkipping disabled port 3\n/);
  assert.match(c.stderr(), /mbuf pool <mbuf_pool>: 9344 of 9344 mbufs available after closing ports/);
});

before(() => {
  if (process.getuid?.() !== 0) {
    skipReason = 'needs root (network namespaces, veth, CAP_NET_RAW)';
    return;
  }
  if (!run('python3', ['-c', 'import socket']).ok) {
    skipReason = 'python3 is not available';
    return;
  }
  const r = run('ip', ['netns', 'add', NSA]);
  if (!r.ok) {
    skipReason = `ip netns add failed: ${r.out.trim()}`;
    return;
  }
  try {
    sh('ip', ['netns', 'add', NSB]);
    sh('ip', ['link', 'add', A1, 'type', 'veth', 'peer', 'name', A0, 'netns', NSA]);
    sh('ip', ['link', 'add', B1, 'type', 'veth', 'peer', 'name', B0, 'netns', NSB]);
    // Only the test's traffic: no IPv6 autoconfiguration on either side.
    for (const i of [A1, B1]) {
      const v6 = `/proc/sys/net/ipv6/conf/${i}/disable_ipv6`;
      if (existsSync(v6)) writeFileSync(v6, '1');
      sh('ip', ['link', 'set', i, 'up']);
    }
    for (const [ns, i, ip] of [[NSA, A0, '10.77.0.1/24'], [NSB, B0, '10.77.0.2/24']] as const) {
      run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `net.ipv6.conf.${i}.disable_ipv6=1`]);
      sh('ip', ['netns', 'exec', ns, 'ip', 'addr', 'add', ip, 'dev', i]);
      sh('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', i, 'up']);
    }
    const end = Date.now() + 3000;
    const up = (i: string): boolean => readFileSync(`/sys/class/net/${i}/operstate`, 'utf8').trim() === 'up';
    while (!(up(A1) && up(B1)) && Date.now() < end) spawnSync('sleep', ['0.05']);
  } catch (e) {
    skipReason = `veth setup failed: ${(e as Error).message}`;
  }
});

after(() => {
  run('ip', ['link', 'del', A1]);
  run('ip', ['link', 'del', B1]);
  run('ip', ['netns', 'del', NSA]);
  run('ip', ['netns', 'del', NSB]);
});

const afpArgs = (): string[] => [...EAL, '--vdev', `net_af_packet0,iface=${A1}`, '--vdev', `net_af_packet1,iface=${B1}`, '--'];

/** `ping -c 3 -W 1` from NSA to NSB's address (python3 ICMP when iputils ping is missing). */
function ping(): Promise<{ ok: boolean; out: string }> {
  const hasPing = run('sh', ['-c', 'command -v ping']).ok;
  const args = hasPing ? ['netns', 'exec', NSA, 'ping', '-c', '3', '-W', '1', '10.77.0.2'] : ['netns', 'exec', NSA, 'python3', '-c', PING_PY, '10.77.0.2', '3'];
  return new Promise((res) => {
    const p = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let o = '';
    p.stdout.on('data', (c: Buffer) => { o += c.toString(); });
    p.stderr.on('data', (c: Buffer) => { o += c.toString(); });
    const t = setTimeout(() => p.kill('SIGKILL'), 10000);
    p.on('exit', (code) => {
      clearTimeout(t);
      res({ ok: code === 0, out: o });
    });
  });
}

test('ping between two namespaces through tsdpdk-l2fwd on net_af_packet; statistics; SIGINT', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const c = startL2fwd([...afpArgs(), '-p', '0x3', '-T', '1', '--no-mac-updating']);
  try {
    await c.waitFor(/L2FWD: entering main loop on lcore 1/, 10000, 'stderr');
    assert.match(c.stdout(), /MAC updating disabled/);
    assert.match(c.stdout(), /Lcore 1: RX port 0 TX port 1\nLcore 1: RX port 1 TX port 0/);
    const r = await ping();
    assert.ok(r.ok, `ping failed: ${r.out}\n${c.stdout()}\n${c.stderr()}`);
    // A statistics screen printed after the ping ended.
    const n = c.stdout().split('Port statistics').length;
    await c.waitFor(new RegExp(`(Port statistics[^]*){${n}}\\n=+\\n`), 3000);
    const s = lastStats(c.stdout());
    const [tx0, rx0, dr0] = s.get(0)!;
    const [tx1, rx1, dr1] = s.get(1)!;
    // 3 echo requests + an ARP request from A, 3 replies + the ARP reply from B, at least.
    assert.ok(rx0 >= 4 && rx1 >= 4, `received ${rx0} / ${rx1}`);
    // Everything received on one port left through the other.
    assert.equal(tx1 + dr1, rx0);
    assert.equal(tx0 + dr0, rx1);
    assert.equal(dr0 + dr1, 0);
  } finally {
    const ex = await stopChild(c);
    assert.deepEqual(ex, { code: 0, signal: null }, `${c.stdout()}\n${c.stderr()}`);
  }
  assert.match(c.stdout(), /\n\nSignal 2 received, preparing to exit\.\.\.\nClosing port 0\.\.\. Done\nClosing port 1\.\.\. Done\nBye\.\.\.\n$/);
});

test('--mac-updating (default): dst 02:00:00:00:00:<tx port>, src = the Tx port MAC, payload unchanged', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const c = startL2fwd([...afpArgs(), '-p', '0x3', '-T', '0']);
  try {
    await c.waitFor(/L2FWD: entering main loop on lcore 1/, 10000, 'stderr');
    assert.match(c.stdout(), /MAC updating enabled/);
    const ET = '88b5';
    const payload = Buffer.from(Array.from({ length: 50 }, (_, i) => (i * 7 + 3) & 0xff)).toString('hex');
    const frame = `0200000000bb0200000000aa${ET}${payload}`;
    const cap = spawn('ip', ['netns', 'exec', NSB, 'python3', '-c', PEER_PY, 'recv', B0, '1', '3', ET]);
    let out = '';
    cap.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    const capDone = new Promise<void>((res) => cap.on('exit', () => res()));
    const end = Date.now() + 5000;
    while (!out.startsWith('ready\n') && Date.now() < end) await sleep(20);
    const snd = run('ip', ['netns', 'exec', NSA, 'python3', '-c', PEER_PY, 'send', A0, frame]);
    assert.ok(snd.ok, snd.out);
    await capDone;
    const got = out.split('\n').slice(1).filter((l) => l.length > 0);
    assert.equal(got.length, 1, `nothing forwarded: ${out}\n${c.stderr()}`);
    const b1mac = readFileSync(`/sys/class/net/${B1}/address`, 'utf8').trim().replaceAll(':', '');
    assert.equal(got[0], `020000000001${b1mac}${ET}${payload}`);
  } finally {
    const ex = await stopChild(c);
    assert.equal(ex.code, 0, `${c.stdout()}\n${c.stderr()}`);
  }
  assert.match(c.stdout(), /Bye\.\.\.\n$/);
});
