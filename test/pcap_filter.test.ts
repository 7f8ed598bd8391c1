// pcap-filter expressions: our compiler against libpcap's (tcpdump -ddd) on a corpus of frames, both
// converted to eBPF and run by our interpreter and JIT; verdicts must agree frame by frame. Also a
// cross-check with `tcpdump -r` and the errors for unsupported syntax.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as B from '../src/lib/bpf/index.js';
import { pcapCompile } from '../src/lib/pcap_filter/index.js';
import { buildCorpus, haveTcpdump, libpcapProgram, MbufArena } from './bpf_corpus.js';
import { skipOrFail } from './helpers.js';
import { writePcap } from './testpmd_util.js';
import { EXPRESSIONS } from './pcap_filter_exprs.js';


const dir = mkdtempSync(join(tmpdir(), 'tsdpdk-pcapf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test(`our compiler and libpcap agree on ${EXPRESSIONS.length} expressions over the frame corpus`, { timeout: 60000 }, (t) => {
  if (!haveTcpdump()) return skipOrFail(t, 'tcpdump is not installed');
  const frames = buildCorpus();
  assert.ok(frames.length >= 250);
  let checks = 0;
  for (const segmented of [true, false]) {
    const arena = new MbufArena(frames, segmented);
    arena.bind();
    const n = frames.length;
    const rLib = new Uint32Array(n), rOurs = new Uint32Array(n), rJit = new Uint32Array(n);
    for (const expr of EXPRESSIONS) {
      const lib = B.bpfLoad(B.bpfConvert(B.CbpfProgram.parseDecimal(libpcapProgram(expr)!)));
      const ours = B.bpfLoad(B.bpfConvert(pcapCompile(expr)), { jit: true });
      const kLib = B.bpfExecBurst(lib, arena.mbufs, rLib, n);
      B.bpfExecBurst(ours, arena.mbufs, rOurs, n);
      B.jitExecBurst(ours, arena.mbufs, rJit, n);
      for (let i = 0; i < n; i++) {
        assert.equal(rOurs[i] !== 0, rLib[i] !== 0, `'${expr}' frame ${i} (${frames[i]!.length} bytes): ours ${rOurs[i]} libpcap ${rLib[i]}`);
        assert.equal(rJit[i], rOurs[i], `'${expr}' frame ${i}: jit ${rJit[i]} interpreter ${rOurs[i]}`);
        if (rLib[i] !== 0) assert.equal(rOurs[i], 262144);
        checks++;
      }
      if (!segmented && expr !== '') assert.ok(kLib < n, `'${expr}' rejects something`);
    }
  }
  assert.equal(checks, 2 * EXPRESSIONS.length * frames.length);
});

test('tcpdump -r selects the same frames as our compiled filters', (t) => {
  if (!haveTcpdump()) return skipOrFail(t, 'tcpdump is not installed');
  const frames = buildCorpus().filter((f) => f.length > 0);
  const file = join(dir, 'corpus.pcap');
  writePcap(file, frames);
  const arena = new MbufArena(frames);
  arena.bind();
  const rc = new Uint32Array(frames.length);
  for (const expr of ['udp port 53', 'tcp[13]&2!=0 and ip src net 10.0.0.0/8', 'vlan 100 and ip', 'host 2001:db8::1 or arp']) {
    const r = spawnSync('tcpdump', ['-r', file, '-n', '-q', '-tt', expr], { encoding: 'utf8', timeout: 10000 });
    assert.equal(r.status, 0, r.stderr);
    const got = r.stdout.split('\n').filter((l) => l !== '').length;
    const ours = B.bpfLoad(B.bpfConvert(pcapCompile(expr)));
    assert.equal(B.bpfExecBurst(ours, arena.mbufs, rc, frames.length), got, expr);
    assert.ok(got > 0, `${expr} matches some frames`);
  }
});

test('unsupported or bad syntax is EINVAL naming the token', () => {
  const cases: [string, RegExp][] = [
    ['gateway foo', /'gateway' is not supported/],
    ['tcp host 1.2.3.4', /'tcp' modifier applied to host/],
    ['host foo.example', /cannot resolve host name 'foo.example'|unknown name/],
    ['ip[1:3] = 0', /data size must be 1, 2, or 4/],
    ['port 99999', /port number out of range/],
    ['ip and', /at 'end of expression'/],
    ['ip ]', /syntax error at '\]'/],
    ['net 10.0.0.1/8', /non-network bits set in "10.0.0.1"/],
    ['vlan 5000', /VLAN tag 5000/],
    ['ether proto 100', /ether proto values <= 1500/],
    ['udp port 53 @', /unexpected character '@'/],
    ['ip[0] / 0 = 1', /division by zero|syntax error/],
  ];
  for (const [expr, re] of cases) {
    assert.throws(() => pcapCompile(expr), (e: Error & { code?: string }) => e.code === 'EINVAL' && re.test(e.message), `${expr}`);
  }
});

test('random combinations of primitives (and/or/not, parentheses, vlan shifts) agree with libpcap', { timeout: 90000 }, (t) => {
  if (!haveTcpdump()) return skipOrFail(t, 'tcpdump is not installed');
  const atoms = ['ip', 'ip6', 'arp', 'tcp', 'udp', 'icmp', 'vlan', 'vlan 100', 'port 53', 'src port 80', 'dst portrange 20-1100',
    'host 10.0.0.1', 'src net 10.0.0.0/8', 'dst host 1.2.3.4', 'ether multicast', 'ether broadcast', 'len > 90', 'less 64',
    'tcp[13] & 2 != 0', 'ip[9] = 17', 'udp[2:2] < 1000', 'ip6 proto 17', 'icmp[0] = 8', 'ip[6:2] & 0x3fff != 0', 'ether[6] = 2',
    'host 2001:db8::2', 'sctp', 'ip multicast', 'arp[7] = 1', 'ip[2:2] - ip[0] * 4 > 40'];
  let seed = 12345;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return (seed >>> 10) % n; };
  const gen = (depth: number): string => {
    if (depth === 0 || rnd(3) === 0) return (rnd(4) === 0 ? 'not ' : '') + atoms[rnd(atoms.length)]!;
    const a = gen(depth - 1), b = gen(depth - 1);
    const op = rnd(2) ? 'and' : 'or';
    return rnd(2) ? `(${a} ${op} ${b})` : `${rnd(5) === 0 ? 'not ' : ''}(${a}) ${op} ${b}`;
  };
  const frames = buildCorpus();
  const arena = new MbufArena(frames);
  arena.bind();
  const n = frames.length;
  const rLib = new Uint32Array(n), rOpt = new Uint32Array(n), rOurs = new Uint32Array(n);
  const exprs = Array.from({ length: 150 }, () => gen(3));
  let optDiff = 0;
  let refused = 0;
  for (const expr of exprs) {
    // libpcap's optimizer may drop loads of a tautology, so its optimized program can accept a frame
    // too short for them where the plain one aborts (returns 0). Ours matches the plain program on every
    // frame, and the optimized one on every frame that is not such a case.
    const lib = B.bpfLoad(B.bpfConvert(B.CbpfProgram.parseDecimal(libpcapProgram(expr, 262144, false)!)));
    let optText: string;
    try {
      optText = libpcapProgram(expr)!;
    } catch (e) {
      // libpcap's optimizer refuses a contradiction ("expression rejects all packets"); ours compiles it.
      assert.match((e as Error).message, /expression rejects all packets/);
      refused++;
      optText = '1\n6 0 0 0\n';
    }
    const opt = B.bpfLoad(B.bpfConvert(B.CbpfProgram.parseDecimal(optText)));
    const ours = B.bpfLoad(B.bpfConvert(pcapCompile(expr)), { jit: true });
    B.bpfExecBurst(lib, arena.mbufs, rLib, n);
    B.bpfExecBurst(opt, arena.mbufs, rOpt, n);
    B.jitExecBurst(ours, arena.mbufs, rOurs, n);
    for (let i = 0; i < n; i++) {
      assert.equal(rOurs[i] !== 0, rLib[i] !== 0, `'${expr}' frame ${i} (libpcap -O)`);
      if ((rOurs[i] !== 0) !== (rOpt[i] !== 0)) {
        assert.ok(rOpt[i] !== 0 && frames[i]!.length < 60, `'${expr}' frame ${i}: only a short frame the optimizer accepts may differ`);
        optDiff++;
      }
    }
  }
  console.log(`# ${exprs.length} random expressions x ${n} frames; ${optDiff} verdicts differ from libpcap's optimized program (short frames, dropped loads); ${refused} refused by its optimizer`);
});
