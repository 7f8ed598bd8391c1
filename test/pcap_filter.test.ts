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

export const EXPRESSIONS = [
  '', 'ip', 'ip6', 'arp', 'rarp', 'tcp', 'udp', 'icmp', 'icmp6', 'sctp', 'not ip', 'vlan', 'vlan 100', 'vlan 100 and ip',
  'vlan and udp', 'vlan 200 or vlan 100', 'vlan and vlan 100', 'port 53', 'udp port 53', 'tcp port 80 or 443', 'udp port 53 or 67',
  'src port 80', 'dst port 22', 'tcp src portrange 0-1023', 'portrange 1000-6000', 'port domain', 'port http',
  'host 1.2.3.4', 'src host 10.0.0.1', 'dst host 10.0.0.1 or src port 80', 'ip host 1.2.3.4 and 10.0.0.1', 'arp host 10.0.0.1',
  'src or dst host 1.2.3.4', 'src and dst net 10.0.0.0/8', 'net 10.0.0.0/8', 'src net 10', 'dst net 192.168.1.0 mask 255.255.255.0',
  'host 2001:db8::1', 'net 2001:db8::/32', 'ip6 multicast', 'ip multicast', 'ether broadcast', 'ether multicast',
  'ether host 02:00:00:00:00:0a', 'ether src 02:00:00:00:00:0b', 'ether dst ff:ff:ff:ff:ff:ff', 'ip proto 17', 'proto 17', 'ip6 proto 44',
  'ip6 and tcp', 'ip and not tcp and not udp', '(tcp or udp) and port 53', 'not (port 22 or port 80)', 'udp dst port 53 and not src host 10.0.0.1',
  'len > 100', 'greater 100', 'less 60', 'len - 14 >= ip[2:2]', 'ip[9] = 6', 'ip[2:2] / 4 > 20', 'ip[0] & 0xf > 5', 'ip[6:2] & 0x1fff != 0',
  'tcp[13] & 2 != 0', 'tcp[13]&2!=0 and ip src net 10.0.0.0/8', 'tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn', 'icmp[icmptype] = icmp-echo',
  'udp[8:2] = 0', 'ether[0] & 1 = 1', 'ether[12:2] = 0x8100', 'ip[ip[0]&0xf] = 0', 'tcp[tcp[12]>>4] > 0', 'ip6[6] = 17', 'ip[8] * 2 - 1 > 100',
  'ip[1] | 1 = 1', 'ip[2:2] % 7 = 3', 'ip[3] ^ 0x55 > 0x20', 'ip[1] << 2 > 10', 'arp[7] = 2', 'udp[0:2] < udp[2:2]',
  'ip or arp and not vlan', 'icmp or ether broadcast and arp',
  // long enough for branches over 255 instructions (ja trampolines)
  Array.from({ length: 40 }, (_, i) => `host 10.0.0.${i + 1}`).join(' or ') + ' or port 53',
  Array.from({ length: 30 }, (_, i) => `tcp port ${1001 + i}`).join(' or ') + ' or ip[0] = 0x46',
  `not (${Array.from({ length: 30 }, (_, i) => `net 10.${i + 1}.0.0/16`).join(' or ')} or udp)`,
];

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
