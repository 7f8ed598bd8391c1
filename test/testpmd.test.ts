// tsdpdk-testpmd, run as a child process like a user would: options and their errors, non-interactive and
// interactive runs, statistics layouts, packet bytes of every engine through pcap files, and the same pcap
// input through Debian's dpdk-testpmd, compared packet by packet.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipOrFail } from './helpers.js';
import {
  arp, bytes, dpdkTestpmd, ether, filePrefix, hex, icmpEcho, ipv4, ipv4CksumOk, ipv4L4CksumOk, ipv6, oursHasPcap, readPcap, removeRuntimeDirs, runTestpmd,
  tcp4, tcp6, udp4, udp6, v6addr, writePcap, type RunResult,
} from './testpmd_util.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdpdk-testpmd-'));
process.on('exit', () => {
  rmSync(dir, { recursive: true, force: true });
  removeRuntimeDirs();
});

const eal = (tag: string, ...vdevs: string[]): string[] => [
  '--no-huge', '-m', '256', '--no-pci', '-l', '0-1', '--file-prefix', filePrefix(tag), ...vdevs.flatMap((v) => ['--vdev', v]),
];
const NULL2 = ['net_null0', 'net_null1'];
const MBUFS = '--total-num-mbufs=4096';

function fwdStats(out: string): { port: number; rx: number; tx: number; rxDrop: number; txDrop: number }[] {
  const re = /Forward statistics for port (\d+)\s+-+\n {2}RX-packets: (\d+) +RX-dropped: (\d+) +RX-total: \d+\n {2}TX-packets: (\d+) +TX-dropped: (\d+)/g;
  return [...out.matchAll(re)].map((m) => ({ port: +m[1]!, rx: +m[2]!, rxDrop: +m[3]!, tx: +m[4]!, txDrop: +m[5]! }));
}

function assertNoLeak(r: RunResult): void {
  const m = /mbuf pool <mb_pool_0>: (\d+) of (\d+) mbufs available after closing ports/.exec(r.stderr);
  assert.ok(m, `no mbuf pool report in stderr:\n${r.stderr}`);
  assert.equal(m[1], m[2], 'every mbuf is back in the pool');
}

// ---------------------------------------------------------------------------------------------------
// Options

test('bad options exit 1 with testpmd\'s messages', async () => {
  const bogus = await runTestpmd('ours', eal('opt', 'net_null0'), ['--bogus']);
  assert.equal(bogus.code, 1);
  assert.match(bogus.stderr, /^tsdpdk-testpmd: unrecognized option '--bogus'$/m);
  assert.match(bogus.stderr, /^Invalid option: --bogus$/m);
  assert.match(bogus.stderr, /EAL: Error - exiting with code: 1\n {2}Cause: Command line is incomplete or incorrect\n/);
  assert.match(bogus.stdout, /Usage: tsdpdk-testpmd \[EAL options\] -- \[testpmd options\]/);

  const noArg = await runTestpmd('ours', eal('opt', 'net_null0'), ['--forward-mode']);
  assert.equal(noArg.code, 1);
  assert.match(noArg.stderr, /option '--forward-mode' requires an argument/);

  const ambiguous = await runTestpmd('ours', eal('opt', 'net_null0'), ['--no']);
  assert.equal(ambiguous.code, 1);
  assert.match(ambiguous.stderr, /option '--no' is ambiguous; possibilities: '--no-numa' '--noisy-tx-sw-buffer-size'/);

  const cores = await runTestpmd('ours', eal('opt', 'net_null0'), ['--nb-cores=5']);
  assert.equal(cores.code, 1);
  assert.match(cores.stderr, /Cause: nb-cores should be > 0 and <= 1\n/);

  const unsupported = await runTestpmd('ours', eal('opt', 'net_null0'), ['--rxpt=4']);
  assert.equal(unsupported.code, 1);
  assert.match(unsupported.stderr, /Cause: option --rxpt is not supported by tsdpdk-testpmd/);

  const noisy = await runTestpmd('ours', eal('opt', 'net_null0'), ['--forward-mode=noisy']);
  assert.equal(noisy.code, 1);
  assert.match(noisy.stderr, /forwarding mode noisy is not supported/);

  const extra = await runTestpmd('ours', eal('opt', 'net_null0'), ['extra']);
  assert.equal(extra.code, 1);
  assert.match(extra.stderr, /Invalid parameter: extra\n[^]*Cause: Command line is incorrect/);
});

test('--help prints the usage and exits 0', async () => {
  const r = await runTestpmd('ours', eal('help', 'net_null0'), ['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--forward-mode=N: .*io\|mac\|macswap\|flowgen\|rxonly\|txonly\|csum\|icmpecho\|5tswap/);
});

// ---------------------------------------------------------------------------------------------------
// Runs

test('io between two net_null ports: forward statistics RX == TX, every mbuf back in the pool', async () => {
  const r = await runTestpmd('ours', [...eal('io', ...NULL2), '--log-level=testpmd.mbuf:debug'], [MBUFS], { input: null });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Configuring Port 0 \(socket 0\)\nPort 0: ([0-9A-F]{2}:){5}[0-9A-F]{2}\nConfiguring Port 1 \(socket 0\)\nPort 1: /m);
  assert.match(r.stdout, /Checking link statuses...\nDone\nNo commandline core given, start packet forwarding\n/);
  assert.match(r.stdout, /io packet forwarding - ports=2 - cores=1 - streams=2 - NUMA support enabled, MP allocation mode: native\n/);
  assert.match(r.stdout, /Logical Core 1 \(socket 0\) forwards packets on 2 streams:\n {2}RX P=0\/Q=0 \(socket 0\) -> TX P=1\/Q=0 \(socket 0\) peer=02:00:00:00:00:01\n {2}RX P=1\/Q=0 \(socket 0\) -> TX P=0\/Q=0 \(socket 0\) peer=02:00:00:00:00:00\n/);
  assert.match(r.stdout, /Press enter to exit\nTelling cores to stop...\nWaiting for lcores to finish...\n/);
  const st = fwdStats(r.stdout);
  assert.equal(st.length, 2);
  for (const s of st) {
    assert.ok(s.rx > 0, 'packets were forwarded');
    assert.equal(s.rx, s.tx);
    assert.equal(s.txDrop, 0);
  }
  // Port 0's Rx goes out on port 1 and the other way round.
  assert.equal(st[0]!.rx + st[1]!.rx, st[0]!.tx + st[1]!.tx);
  const acc = /Accumulated forward statistics for all ports\+{15}\n {2}RX-packets: (\d+) +RX-dropped: 0 +RX-total: (\d+)\n {2}TX-packets: (\d+) +TX-dropped: 0 +TX-total: (\d+)\n/.exec(r.stdout);
  assert.ok(acc);
  assert.equal(acc[1], acc[3]);
  assert.match(r.stdout, /Done\.\n\nStopping port 0...\nStopping ports...\nDone\n\nStopping port 1...\nStopping ports...\nDone\n\nShutting down port 0...\nClosing ports...\nPort 0 is closed\nDone\n\nShutting down port 1...\nClosing ports...\nPort 1 is closed\nDone\n\nBye...\n$/);
  assert.match(r.stderr, /testpmd: create a new mbuf pool <mb_pool_0>: n=4096, size=2176, socket=0\ntestpmd: preferred mempool ops selected: ring_mp_mc\n/);
  assertNoLeak(r);
});

test('interactive commands on stdin', async () => {
  const cmds = [
    'show port stats 0', 'start', 'show fwd stats all', 'stop', 'stop', 'set fwd macswap', 'set fwd bogus', 'foo',
    'show config fwd', 'set nbcore 1', 'set verbose 0', 'clear port stats all', 'port stop 0', 'port close 0', 'show port stats 0',
    'set flow 1', 'quit', 'start',
  ];
  const input = cmds.map((c) => ({ text: c + '\n', delayMs: c === 'start' ? 300 : 20 }));
  const r = await runTestpmd('ours', [...eal('int', ...NULL2), '--log-level=testpmd.mbuf:debug'], ['-i', MBUFS], { input });
  assert.equal(r.code, 0, r.stderr);
  const o = r.stdout;
  assert.match(o, /^Interactive-mode selected\n/);
  assert.match(o, /testpmd> show port stats 0\r\n\n {2}#{24} NIC statistics for port 0 {2}#{24}\n {2}RX-packets: 0 {10}RX-missed: 0 {10}RX-bytes: {2}0\n {2}RX-errors: 0\n {2}RX-nombuf: {2}0 {9}\n {2}TX-packets: 0 {10}TX-errors: 0 {10}TX-bytes: {2}0\n\n {2}Throughput \(since last show\)\n {2}Rx-pps: {12}0 {10}Rx-bps: {12}0\n {2}Tx-pps: {12}0 {10}Tx-bps: {12}0\n {2}#{76}\n/);
  assert.match(o, /testpmd> start\r\nio packet forwarding - ports=2/);
  assert.match(o, /testpmd> show fwd stats all\r\n\n {2}-{22} Forward statistics for port 0 {2}-{22}\n/);
  const st = fwdStats(o.slice(o.indexOf('testpmd> stop\r\n')));
  assert.ok(st[0]!.rx > 0 && st[0]!.rx === st[1]!.tx && st[1]!.rx === st[0]!.tx, 'stop shows the forwarded packets');
  assert.match(o, /testpmd> stop\r\n(?!Telling)/);
  assert.match(r.stderr, /^Packet forwarding not started$/m);
  assert.match(o, /testpmd> set fwd macswap\r\nSet macswap packet forwarding mode\n/);
  assert.match(o, /testpmd> set fwd bogus\r\nBad arguments\n/);
  assert.match(o, /testpmd> foo\r\nCommand not found\n/);
  assert.match(o, /testpmd> show config fwd\r\nio packet forwarding - ports=2 - cores=1 - streams=2/);
  assert.match(o, /testpmd> set nbcore 1\r\nNumber of forwarding cores set to 1\n/);
  assert.match(o, /testpmd> set verbose 0\r\nChange verbose level from 0 to 0\n/);
  assert.match(o, /testpmd> clear port stats all\r\n\n {2}NIC statistics for port 0 cleared\n\n {2}NIC statistics for port 1 cleared\n/);
  assert.match(o, /testpmd> port stop 0\r\nStopping ports...\nChecking link statuses...\nDone\n/);
  assert.match(o, /testpmd> port close 0\r\nClosing ports...\nPort 0 is closed\nDone\n/);
  assert.match(o, /testpmd> show port stats 0\r\nThe valid ports array is \[ 1 \]\n/);
  assert.match(r.stderr, /^Invalid port 0$/m);
  assert.match(r.stderr, /set flow 1: this testpmd command is not supported by tsdpdk-testpmd/);
  // quit ends the prompt: the last "start" is never run; only port 1 is left to shut down.
  assert.match(o, /testpmd> quit\r\n\nStopping port 1...\nStopping ports...\nDone\n\nShutting down port 1...\nClosing ports...\nPort 1 is closed\nDone\n\nBye...\n$/);
  assertNoLeak(r);
});

test('--cmdline-file runs its commands silently before forwarding starts', async () => {
  const f = join(dir, 'cmds.txt');
  writeFileSync(f, 'set fwd mac\n# a comment\nbogus command\nset promisc all on\n');
  const r = await runTestpmd('ours', eal('cmdf', ...NULL2), [`--cmdline-file=${f}`, MBUFS], { input: null });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^CLI commands to be read from ${f}\n`));
  assert.match(r.stdout, new RegExp(`Set mac packet forwarding mode\nRead CLI commands from ${f}\nNo commandline core given, start packet forwarding\nmac packet forwarding - ports=2`));
  assert.doesNotMatch(r.stdout, /Command not found|testpmd> /);
});

test('--stats-period prints the port statistics screen; SIGINT stops forwarding and exits cleanly', async () => {
  const r = await runTestpmd('ours', [...eal('per', ...NULL2), '--log-level=testpmd.mbuf:debug'], ['--stats-period=1', MBUFS],
    { signal: { name: 'SIGINT', afterText: 'Port statistics', delayMs: 2200 } });
  assert.equal(r.code, 0, r.stderr);
  const screens = r.stdout.split('\x1b[2J\x1b[1;1H\nPort statistics ====================================\n').length - 1;
  assert.ok(screens >= 2, `at least two screens, got ${screens}`);
  assert.match(r.stdout, /Port statistics =+\n {2}#{24} NIC statistics for port 0 {2}#{24}\n/);
  assert.doesNotMatch(r.stdout, /Press enter to exit/);
  const st = fwdStats(r.stdout);
  assert.ok(st[0]!.rx > 1000, 'forwarding ran for about a second');
  assert.match(r.stdout, /Bye...\n$/);
  assertNoLeak(r);
});

test('stream configuration: topologies, queues and cores like testpmd', async () => {
  const four = ['net_null0', 'net_null1', 'net_null2', 'net_null3'];
  const chained = await runTestpmd('ours', eal('topo', ...four), ['--port-topology=chained', MBUFS], { input: null });
  assert.equal(chained.code, 0, chained.stderr);
  assert.match(chained.stdout, / {2}RX P=0\/Q=0 \(socket 0\) -> TX P=1\/Q=0 \(socket 0\) peer=02:00:00:00:00:01\n {2}RX P=1\/Q=0 \(socket 0\) -> TX P=2\/Q=0 \(socket 0\) peer=02:00:00:00:00:02\n {2}RX P=2\/Q=0 \(socket 0\) -> TX P=3\/Q=0 \(socket 0\) peer=02:00:00:00:00:03\n {2}RX P=3\/Q=0 \(socket 0\) -> TX P=0\/Q=0 \(socket 0\) peer=02:00:00:00:00:00\n/);
  const rss = await runTestpmd('ours', eal('topo', ...NULL2), ['--rxq=2', '--txq=2', '--portlist=1,0', '--eth-peer=1,02:aa:bb:cc:dd:ee', MBUFS], { input: null });
  assert.equal(rss.code, 0, rss.stderr);
  assert.match(rss.stdout, /io packet forwarding - ports=2 - cores=1 - streams=4 -/);
  assert.match(rss.stdout, /RX P=1\/Q=0 \(socket 0\) -> TX P=0\/Q=0 \(socket 0\) peer=02:00:00:00:00:00\n {2}RX P=0\/Q=0 \(socket 0\) -> TX P=1\/Q=0 \(socket 0\) peer=02:AA:BB:CC:DD:EE\n {2}RX P=1\/Q=1 \(socket 0\) -> TX P=0\/Q=1 \(socket 0\) peer=02:00:00:00:00:00\n {2}RX P=0\/Q=1 \(socket 0\) -> TX P=1\/Q=1 \(socket 0\) peer=02:AA:BB:CC:DD:EE\n/);
  // More streams than ports: per-stream blocks precede the port blocks.
  assert.match(rss.stdout, /\n {2}------- Forward Stats for RX Port= 1\/Queue= 0 -> TX Port= 0\/Queue= 0 -------\n {2}RX-packets: \d+ +TX-packets: \d+ +TX-dropped: 0 +\n/);
  // --tx-first: one txonly burst per stream before io, counted in the forward statistics.
  const txf = await runTestpmd('ours', eal('topo', ...NULL2), ['--tx-first', MBUFS], { input: null });
  assert.equal(txf.code, 0, txf.stderr);
  assert.match(txf.stdout, /^Ports to start sending a burst of packets first\n/);
  assert.match(txf.stderr, /Warning: lsc_interrupt needs to be off when using tx_first. Disabling.\n/);
  const ts = fwdStats(txf.stdout);
  assert.equal(ts[1]!.tx, ts[0]!.rx + 32);
  assert.equal(ts[0]!.tx, ts[1]!.rx + 32);
  const odd = await runTestpmd('ours', eal('topo', 'net_null0'), [MBUFS], { input: null });
  assert.match(odd.stderr, /\nWarning! port-topology=paired and odd forward ports number, the last port will pair with itself.\n\n/);
});

// ---------------------------------------------------------------------------------------------------
// Packet bytes through pcap files

const PORT_MAC = '02:70:63:61:70:00'; // net_pcap's MAC for the first pcap port (02:'p':'c':'a':'p':<index>)
const A = '198.51.100.1';
const B = '203.0.113.7';

/** The input mix: every engine has something to do and something to skip. */
function inputPackets(): number[][] {
  const m1 = 'aa:bb:cc:00:00:01';
  const m2 = 'aa:bb:cc:00:00:02';
  const pay = bytes(37, 3);
  return [
    ether(m1, m2, 0x0800, ipv4({ src: A, dst: B, proto: 17 }, udp4(A, B, 1234, 80, pay))),
    ether(m1, m2, 0x0800, ipv4({ src: A, dst: B, proto: 6 }, tcp4(A, B, 40000, 443, bytes(100, 9)))),
    ether(m1, m2, 0x0800, ipv4({ src: A, dst: B, proto: 17, badCksum: true }, udp4(A, B, 5, 6, pay, 'bad'))),
    ether(m1, m2, 0x0800, ipv4({ src: A, dst: B, proto: 6 }, tcp4(A, B, 1, 2, bytes(11, 1), 'bad'))),
    ether(m1, m2, 0x0800, ipv4({ src: A, dst: B, proto: 17 }, udp4(A, B, 7, 7, pay, 'zero'))),
    ether(m1, m2, 0x0800, ipv4({ src: A, dst: B, proto: 17, options: [0x94, 4, 0, 0] }, udp4(A, B, 53, 5353, bytes(20, 5)))),
    ether(m1, m2, 0x86dd, ipv6(v6addr(1), v6addr(2), 17, udp6(v6addr(1), v6addr(2), 999, 1000, bytes(33, 2), 'bad'))),
    ether(m1, m2, 0x86dd, ipv6(v6addr(3), v6addr(4), 6, tcp6(v6addr(3), v6addr(4), 22, 6000, bytes(64, 4)))),
    ether(m1, m2, 0x0800, ipv4({ src: A, dst: B, proto: 17 }, udp4(A, B, 11, 12, pay)), [{ tpid: 0x8100, tci: 100 }]),
    ether(m1, m2, 0x0800, ipv4({ src: A, dst: B, proto: 6 }, tcp4(A, B, 3, 4, pay, 'bad')), [{ tpid: 0x88a8, tci: 5 }, { tpid: 0x8100, tci: 6 }]),
    ether('ff:ff:ff:ff:ff:ff', m2, 0x0806, arp(1, m2, '10.0.0.2', '00:00:00:00:00:00', '10.0.0.1')),
    ether(m1, m2, 0x0806, arp(2, m2, '10.0.0.2', m1, '10.0.0.1')),
    ether(m1, m2, 0x0800, ipv4({ src: A, dst: B, proto: 1 }, icmpEcho(8, 0x77, 1, bytes(56, 8)))),
    ether(m1, m2, 0x0800, ipv4({ src: A, dst: '224.0.0.1', proto: 1 }, icmpEcho(8, 0x77, 2, bytes(16, 8)))),
    ether(m1, m2, 0x0800, ipv4({ src: A, dst: B, proto: 1 }, icmpEcho(0, 0x77, 3, bytes(8, 8)))),
    ether(m1, m2, 0x0800, ipv4({ src: A, dst: B, proto: 1 }, icmpEcho(8, 0x78, 4, bytes(20, 6))), [{ tpid: 0x8100, tci: 7 }]),
    ether(m1, m2, 0x0800, ipv4({ src: A, dst: B, proto: 132 }, [0, 1, 0, 2, 0, 0, 0, 9, 0xde, 0xad, 0xbe, 0xef, ...bytes(16, 1)])),
    ether('01:80:c2:00:00:0e', m2, 0x88cc, bytes(46, 0)),
    ether(m1, m2, 0x0800, ipv4({ src: A, dst: B, proto: 17 }, udp4(A, B, 9, 9, bytes(1400, 2)))),
  ];
}

interface PcapRun { r: RunResult; out: Uint8Array[] }

/** One port from a pcap file to a pcap file, `mode` forwarding, until `expect` packets went out. */
async function pcapRun(which: 'ours' | string, tag: string, mode: string, input: number[][], expect: number, extra: string[] = []): Promise<PcapRun> {
  const inFile = join(dir, `${tag}-in.pcap`);
  const outFile = join(dir, `${tag}-${which === 'ours' ? 'ours' : 'dpdk'}-out.pcap`);
  writePcap(inFile, input.map((p) => Uint8Array.from(p)));
  rmSync(outFile, { force: true });
  const ealArgs = [...eal(tag, `net_pcap0,rx_pcap=${inFile},tx_pcap=${outFile}`), ...(which === 'ours' ? ['--log-level=testpmd.mbuf:debug'] : [])];
  const r = await runTestpmd(which, ealArgs, [`--forward-mode=${mode}`, '--no-flush-rx', '--port-topology=loop', MBUFS, ...extra],
    { pressEnterWhen: () => readPcap(outFile).length >= expect });
  assert.equal(r.code, 0, `${which} ${mode}: ${r.stderr}`);
  const out = readPcap(outFile);
  assert.ok(out.length >= expect, `${which} ${mode}: ${out.length} of ${expect} packets out\n${r.stdout.slice(-3000)}\n${r.stderr}`);
  return { r, out };
}

function needPcap(t: TestContext): boolean {
  if (oursHasPcap()) return true;
  skipOrFail(t, 'tsdpdk has no net_pcap PMD registered (src/drivers/net/index.ts)');
  return false;
}

test('engine packet bytes through net_pcap (macswap, mac, 5tswap, icmpecho, csum, txonly)', async (t) => {
  if (!needPcap(t)) return;
  const input = inputPackets();
  const u8 = input.map((p) => Uint8Array.from(p));

  const sw = await pcapRun('ours', 'eng-macswap', 'macswap', input, input.length);
  assert.equal(sw.out.length, input.length);
  sw.out.forEach((p, i) => {
    const exp = Uint8Array.from(u8[i]!);
    exp.set(u8[i]!.subarray(6, 12), 0);
    exp.set(u8[i]!.subarray(0, 6), 6);
    assert.equal(hex(p), hex(exp), `macswap packet ${i}`);
  });
  assertNoLeak(sw.r);

  const mc = await pcapRun('ours', 'eng-mac', 'mac', input, input.length);
  mc.out.forEach((p, i) => {
    assert.equal(hex(p.subarray(0, 12)), '020000000000' + PORT_MAC.replaceAll(':', ''), `mac packet ${i}`);
    assert.equal(hex(p.subarray(12)), hex(u8[i]!.subarray(12)));
  });

  const ft = await pcapRun('ours', 'eng-5t', '5tswap', input, input.length);
  const udp0 = ft.out[0]!;
  assert.equal(hex(udp0.subarray(0, 6)), hex(u8[0]!.subarray(6, 12)));
  assert.equal(hex(udp0.subarray(26, 30)), hex(u8[0]!.subarray(30, 34)), 'IPv4 addresses swapped');
  assert.equal(hex(udp0.subarray(34, 36)), hex(u8[0]!.subarray(36, 38)), 'UDP ports swapped');
  const v6 = ft.out[7]!;
  assert.equal(hex(v6.subarray(22, 38)), hex(u8[7]!.subarray(38, 54)), 'IPv6 addresses swapped');
  assert.equal(hex(v6.subarray(54, 56)), hex(u8[7]!.subarray(56, 58)), 'TCP ports swapped');
  const qinq = ft.out[9]!;
  assert.equal(hex(qinq.subarray(34, 38)), hex(u8[9]!.subarray(38, 42)), 'walks both VLAN tags');
  assert.equal(hex(ft.out[17]!.subarray(12)), hex(u8[17]!.subarray(12)), 'LLDP: only the MACs change');

  const ic = await pcapRun('ours', 'eng-icmp', 'icmpecho', input, 4);
  assert.equal(ic.out.length, 4, 'ARP request, two echo requests, one tagged echo request');
  const arpReply = ic.out[0]!;
  assert.equal(hex(arpReply.subarray(0, 12)), 'aabbcc000002' + PORT_MAC.replaceAll(':', ''));
  assert.equal(hex(arpReply.subarray(20, 22)), '0002', 'ARP reply');
  assert.equal(hex(arpReply.subarray(22, 28)), PORT_MAC.replaceAll(':', ''), 'SHA = port MAC');
  assert.equal(hex(arpReply.subarray(28, 32)), '0a000001', 'SPA = old TPA');
  assert.equal(hex(arpReply.subarray(32, 38)), 'aabbcc000002', 'THA = old SHA');
  const echo = ic.out[1]!;
  assert.equal(echo[34], 0, 'ICMP echo reply');
  assert.equal(hex(echo.subarray(26, 30)), hex(u8[12]!.subarray(30, 34)));
  assert.ok(ipv4CksumOk(echo, 14));
  const mcast = ic.out[2]!;
  assert.equal(hex(mcast.subarray(26, 30)), 'c6336402', 'multicast echo: source = old source with low bits 01 -> 10');
  assert.ok(ipv4CksumOk(mcast, 14), 'IPv4 checksum recomputed');
  assert.equal(ic.out[3]![38], 0, 'tagged echo request answered');

  const cs = await pcapRun('ours', 'eng-csum', 'csum', input, input.length);
  cs.out.forEach((p, i) => assert.equal(hex(p.subarray(0, 12)), '020000000000' + PORT_MAC.replaceAll(':', ''), `csum packet ${i}`));
  assert.ok(ipv4CksumOk(cs.out[2]!, 14), 'bad IPv4 header checksum fixed');
  assert.equal(hex(cs.out[0]!), hex(Uint8Array.from([...cs.out[0]!.subarray(0, 12), ...u8[0]!.subarray(12)])), 'good packet unchanged past the MACs');
  assert.ok(ipv4L4CksumOk(cs.out[2]!, 14), 'bad UDP checksum recomputed');
  assert.ok(ipv4L4CksumOk(cs.out[3]!, 14), 'bad TCP checksum recomputed');
  assert.ok(ipv4L4CksumOk(cs.out[9]!, 22), 'TCP behind QinQ recomputed');
  assert.equal(hex(cs.out[4]!.subarray(40, 42)), '0000', 'UDP checksum 0 is left alone');
  assert.equal(hex(cs.out[16]!.subarray(42, 46)), '00000000', 'SCTP checksum zeroed (no software CRC32c, as testpmd)');
  assert.match(cs.r.stdout, /Bad-ipcsum: 0 +Bad-l4csum: 0 +Bad-outer-l4csum: 0 +\n {2}Bad-outer-ipcsum: 0 +\n/);

  const tx = await pcapRun('ours', 'eng-txonly', 'txonly', [], 64);
  assert.ok(tx.out.length >= 64);
  const exp = '020000000000' + PORT_MAC.replaceAll(':', '') + '0800' + '4500 0032 0000 0000 4011 ee93 c612 0001 c612 0002'.replaceAll(' ', '') +
    '0009 0009 001e 0000'.replaceAll(' ', '') + '00'.repeat(22);
  assert.equal(hex(tx.out[0]!), exp, 'testpmd\'s default txonly packet');
  assert.ok(tx.out.every((p) => hex(p) === exp));
  assertNoLeak(tx.r);
});

// ---------------------------------------------------------------------------------------------------
// Differential: the same pcap through dpdk-testpmd and tsdpdk-testpmd

test('same pcap through dpdk-testpmd and tsdpdk-testpmd: identical packets (io, mac, macswap, 5tswap, csum, icmpecho, txonly, flowgen)', async (t) => {
  const dpdk = dpdkTestpmd();
  if (dpdk === null) {
    skipOrFail(t, 'dpdk-testpmd is not installed (apt-get install dpdk)');
    return;
  }
  if (!needPcap(t)) return;
  const input = inputPackets();
  const cases: { mode: string; expect: number; extra?: string[]; take?: number }[] = [
    { mode: 'io', expect: input.length },
    { mode: 'mac', expect: input.length },
    { mode: 'macswap', expect: input.length },
    { mode: '5tswap', expect: input.length },
    { mode: 'csum', expect: input.length },
    { mode: 'icmpecho', expect: 4 },
    { mode: 'txonly', expect: 300, take: 300, extra: ['--txonly-multi-flow', '--txpkts=80'] },
    { mode: 'txonly', expect: 40, take: 40, extra: ['--txpkts=30,20,14', '--tx-ip=10.1.2.3,10.4.5.6', '--tx-udp=1000,2000'] },
    { mode: 'flowgen', expect: 200, take: 200, extra: ['--flowgen-flows=7'] },
  ];
  let k = 0;
  for (const c of cases) {
    const tag = `diff-${c.mode}-${k++}`;
    const [o, d]: PcapRun[] = await Promise.all([
      pcapRun('ours', tag, c.mode, c.mode === 'txonly' || c.mode === 'flowgen' ? [] : input, c.expect, c.extra),
      pcapRun(dpdk, tag, c.mode, c.mode === 'txonly' || c.mode === 'flowgen' ? [] : input, c.expect, c.extra),
    ]);
    const n = c.take ?? Math.max(o.out.length, d.out.length);
    assert.ok(o.out.length >= n && d.out.length >= n, `${c.mode}: ours ${o.out.length}, dpdk ${d.out.length} packets`);
    for (let i = 0; i < n; i++) assert.equal(hex(o.out[i]!), hex(d.out[i]!), `${c.mode} ${c.extra?.join(' ') ?? ''}: packet ${i}`);
    if (c.take === undefined) assert.equal(o.out.length, d.out.length, `${c.mode}: packet count`);
  }
});

test('set verbose 3: Rx/Tx burst dumps, icmpecho and csum traces read like dpdk-testpmd\'s', async (t) => {
  const dpdk = dpdkTestpmd();
  if (dpdk === null) {
    skipOrFail(t, 'dpdk-testpmd is not installed (apt-get install dpdk)');
    return;
  }
  if (!needPcap(t)) return;
  const cmds = join(dir, 'verbose.txt');
  writeFileSync(cmds, 'set verbose 3\n');
  const input = inputPackets().filter((p) => p[12] === 0x08 || p[12] === 0x81);
  const expect = input.filter((p) => {
    const type = p[12] === 0x81 ? (p[16]! << 8) | p[17]! : (p[12]! << 8) | p[13]!;
    const l3 = p[12] === 0x81 ? 18 : 14;
    return (type === 0x0806 && p[l3 + 7] === 1) || (type === 0x0800 && p[l3 + 9] === 1 && p[l3 + 20] === 8);
  }).length;
  const [o, d] = await Promise.all([
    pcapRun('ours', 'verbose', 'icmpecho', input, expect, [`--cmdline-file=${cmds}`]),
    pcapRun(dpdk, 'verbose', 'icmpecho', input, expect, [`--cmdline-file=${cmds}`]),
  ]);
  // The timestamp field is the PMD's Rx time stamp (its unit is net_pcap's business, not testpmd's).
  const dump = (s: string): string[] => s.split('\n')
    .filter((l) => /^(port \d+\/queue \d+: |  src=|  ol_flags: |Port \d+ pkt-len=|  ETH: |  ARP: |  IPV4: |  ICMP: | {8}[st]ha=|icmp_echo_config_setup|  core=|  stream=)/.test(l))
    .map((l) => l.replace(/ - timestamp \d+ /, ''));
  const ours = dump(o.r.stdout);
  assert.ok(ours.length > 20, ours.join('\n'));
  assert.deepEqual(ours, dump(d.r.stdout));

  // csum's per-packet trace (the mbuf address differs by nature).
  const all = inputPackets();
  const [oc, dc] = await Promise.all([
    pcapRun('ours', 'verbose-csum', 'csum', all, all.length, [`--cmdline-file=${cmds}`]),
    pcapRun(dpdk, 'verbose-csum', 'csum', all, all.length, [`--cmdline-file=${cmds}`]),
  ]);
  const trace = (s: string): string[] => s.split('\n')
    .filter((l) => /^(-{17}|port=\d+, mbuf=|rx: |tx: )/.test(l)).map((l) => l.replace(/mbuf=0x[0-9a-f]+/, 'mbuf=X'));
  const oursCsum = trace(oc.r.stdout);
  assert.equal(oursCsum.length, all.length * 4, oursCsum.join('\n'));
  assert.deepEqual(oursCsum, trace(dc.r.stdout));
});
