// Two queue pairs per port, two forwarding lcores (issue 5): testpmd in io mode between ns A and ns B on
// two net_af_packet ports with qpairs=2 (one AF_PACKET socket per queue in a PACKET_FANOUT_HASH group),
// --rxq=2 --txq=2 --nb-cores=2. 64 UDP flows from A: every frame arrives in B (a multiset: the queues
// interleave, but each flow keeps its order), both Rx queues of port 0 carry flows, the per-stream and
// per-port counts add up, every mbuf returns to the pool. Then malformed and oversized frames through
// tsdpdk-testpmd and dpdk-testpmd (one queue each): the same bytes come out of both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { skipOrFail } from './helpers.js';
import { dpdkTestpmd, ether, filePrefix, ipv4, OURS, removeRuntimeDirs, udp4 } from './testpmd_util.js';
import {
  assertSameFrames, hex, killChildren, malformedFrames, netnsUnavailable, peerCapture, peerSend, sh, sleep, startNode, Topology, waitOperUp,
  type Child,
} from './fwd_util.js';
import { spawn } from 'node:child_process';

const pid = process.pid;
const NSA = `tsdpdk_qa_${pid}`;
const NSB = `tsdpdk_qb_${pid}`;
const A0 = `fqa0${pid}`;
const A1 = `fqa1${pid}`;
const B0 = `fqb0${pid}`;
const B1 = `fqb1${pid}`;
const FLOWS = 64;
const PER_FLOW = 4;
const topo = new Topology();
let skipReason: string | null = null;

// Three lcores (main + two forwarding); on a 2-CPU machine the main lcore (it sleeps in read(0) while
// forwarding runs) shares CPU 0 with the first forwarding lcore (DPDK's --lcores syntax).
const LCORES = availableParallelism() >= 3 ? ['-l', '0-2'] : ['--lcores', '0@0,1@0,2@1'];
const vdevs = (): string[] => ['--vdev', `net_af_packet0,iface=${A1},qpairs=2`, '--vdev', `net_af_packet1,iface=${B1},qpairs=2`];
const APP = ['--rxq=2', '--txq=2', '--nb-cores=2', '--forward-mode=io', '--total-num-mbufs=8192'];

before(async () => {
  skipReason = netnsUnavailable();
  if (skipReason) return;
  try {
    topo.addNs(NSA);
    topo.addNs(NSB);
    topo.veth(A1, A0, NSA);
    topo.veth(B1, B0, NSB);
    await waitOperUp([A1, B1]);
  } catch (e) {
    skipReason = `namespace setup failed: ${(e as Error).message}`;
  }
});

after(() => {
  killChildren();
  topo.cleanup();
  removeRuntimeDirs(); // dpdk-testpmd leaves its runtime directory behind
});

/** PER_FLOW packets of each of FLOWS UDP flows (source port 20000 + flow), interleaved flow by flow. */
function flows(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let k = 0; k < PER_FLOW; k++) {
    for (let f = 0; f < FLOWS; f++) {
      const payload = Array.from({ length: 32 }, (_, i) => (i * 11 + f * 3 + k) & 0xff);
      const l4 = udp4('10.9.0.1', '10.9.0.2', 20000 + f, 4789, payload);
      out.push(Uint8Array.from(ether('02:00:00:00:00:bb', '02:00:00:00:00:aa', 0x0800, ipv4({ src: '10.9.0.1', dst: '10.9.0.2', proto: 17, id: k }, l4))));
    }
  }
  return out;
}

const sport = (h: string): number => parseInt(h.slice(68, 72), 16);

interface FwdStats {
  /** "rxPort/rxQueue" -> [rx, tx, txDropped] */
  streams: Map<string, [number, number, number]>;
  /** port -> [rx, rxDropped, tx, txDropped] */
  ports: Map<number, [number, number, number, number]>;
}

function parseFwdStats(out: string): FwdStats {
  const streams = new Map<string, [number, number, number]>();
  for (const m of out.matchAll(/Forward Stats for RX Port= ?(\d+)\/Queue= ?(\d+) -> TX Port= ?\d+\/Queue= ?\d+ -+\n {2}RX-packets: (\d+) +TX-packets: (\d+) +TX-dropped: (\d+)/g)) {
    streams.set(`${m[1]}/${m[2]}`, [Number(m[3]), Number(m[4]), Number(m[5])]);
  }
  const ports = new Map<number, [number, number, number, number]>();
  for (const m of out.matchAll(/Forward statistics for port (\d+) +-+\n {2}RX-packets: (\d+) +RX-dropped: (\d+) +RX-total: \d+\n {2}TX-packets: (\d+) +TX-dropped: (\d+)/g)) {
    ports.set(Number(m[1]), [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])]);
  }
  return { streams, ports };
}

/** What arrived in B: all of the sent frames, as a multiset, and each flow in its sending order. */
function assertArrivals(got: string[], sent: Uint8Array[]): void {
  const want = sent.map(hex);
  assertSameFrames(got, want, 'frames in ns B');
  for (let f = 0; f < FLOWS; f++) {
    const of = (l: string[]): string[] => l.filter((h) => sport(h) === 20000 + f);
    assert.deepEqual(of(got), of(want), `flow ${f} reordered`);
  }
}

/** Both Rx queues of port 0 carried traffic; per stream Tx = Rx, nothing dropped; the ports agree. */
function assertSpread(st: FwdStats, n: number): void {
  const q0 = st.streams.get('0/0')?.[0] ?? 0;
  const q1 = st.streams.get('0/1')?.[0] ?? 0;
  assert.ok(q0 > 0 && q1 > 0, `one queue carried everything: queue 0 ${q0}, queue 1 ${q1}`);
  for (const [k, [rx, tx, dr]] of st.streams) assert.deepEqual([tx, dr], [rx, 0], `stream ${k}`);
  assert.equal(q0 + q1, n);
  // [rx, rx dropped, tx, tx dropped]: all n in on port 0, out on port 1; ns B sends nothing.
  assert.deepEqual(st.ports.get(0), [n, 0, 0, 0]);
  assert.deepEqual(st.ports.get(1), [0, 0, n, 0]);
}

test('tsdpdk-testpmd io, qpairs=2, --rxq=2 --txq=2 --nb-cores=2: 64 flows spread over both queues, all arrive', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const eal = [...LCORES, '--no-huge', '-m', '512', '--file-prefix', filePrefix('fq'), '--log-level=testpmd.mbuf:debug', ...vdevs()];
  const c: Child = startNode(OURS, [...eal, '--', ...APP], 50000, true);
  try {
    await c.waitFor(/Press enter to exit/, 20000);
    assert.match(c.out(), /io packet forwarding - ports=2 - cores=2 - streams=4/);
    const sent = flows();
    const cap = await peerCapture(NSB, B0, sent.length, 15);
    peerSend(topo, NSA, A0, sent);
    assertArrivals(await cap.done, sent);
  } finally {
    const ex = await c.stop(15000, true);
    assert.deepEqual(ex, { code: 0, signal: null }, `${c.out()}\n${c.err()}`);
  }
  assert.match(c.out(), /Bye\.\.\.\n$/);
  const st = parseFwdStats(c.out());
  assertSpread(st, FLOWS * PER_FLOW);
  const m = /mbuf pool <mb_pool_0>: (\d+) of (\d+) mbufs available after closing ports/.exec(c.err() + c.out());
  assert.ok(m, `no mbuf pool line:\n${c.err()}`);
  assert.equal(m[1], m[2], 'mbufs leaked');
});

/** Runs dpdk-testpmd until body() is done (stdin EOF then); resolves with its output. */
async function withDpdkTestpmd(bin: string, args: string[], body: () => Promise<void>): Promise<string> {
  const p = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  p.stderr.on('data', (b: Buffer) => { out += b.toString(); });
  const killer = setTimeout(() => p.kill('SIGKILL'), 50000);
  const exited = new Promise<number | null>((res) => p.on('close', (code) => { clearTimeout(killer); res(code); }));
  try {
    // Its stdout is block-buffered in a pipe: forwarding has started once a probe frame crosses.
    let seen = false;
    for (let i = 0; i < 100 && !seen && p.exitCode === null; i++) {
      const cap = await peerCapture(NSB, B0, 1, 0.3, PROBE_ET);
      peerSend(topo, NSA, A0, [PROBE]);
      seen = (await cap.done).length > 0;
    }
    assert.ok(seen, `dpdk-testpmd never forwarded:\n${out}`);
    await sleep(400); // late probes land before the test's own capture
    await body();
  } finally {
    p.stdin.end('\n');
    const t2 = setTimeout(() => p.kill('SIGKILL'), 15000);
    await exited;
    clearTimeout(t2);
  }
  assert.match(out, /Bye\.\.\./);
  return out;
}

const PROBE_ET = 0x88b6;
const PROBE = Uint8Array.from(ether('02:00:00:00:00:bb', '02:00:00:00:00:aa', PROBE_ET, Array.from({ length: 46 }, (_, i) => i)));
const notProbe = (h: string): boolean => h.slice(24, 28) !== PROBE_ET.toString(16);

test('malformed and oversized frames, default ring frames: tsdpdk-testpmd forwards exactly what dpdk-testpmd forwards', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const bin = dpdkTestpmd();
  if (bin === null) return skipOrFail(t, 'dpdk-testpmd is not installed');
  for (const i of [A1, B1]) sh('ip', ['link', 'set', i, 'mtu', '4000']);
  for (const [ns, i] of [[NSA, A0], [NSB, B0]]) sh('ip', ['netns', 'exec', ns!, 'ip', 'link', 'set', i!, 'mtu', '4000']);
  const frames = malformedFrames(4014);
  const one = (): string[] => ['--vdev', `net_af_packet0,iface=${A1}`, '--vdev', `net_af_packet1,iface=${B1}`];
  const app = ['--forward-mode=io', '--total-num-mbufs=8192'];
  const eal = (tag: string): string[] => ['-l', '0-1', '--no-huge', '-m', '512', '--file-prefix', filePrefix(`fq${tag}`)];

  let ours: string[] = [];
  const c: Child = startNode(OURS, [...eal('o'), '--log-level=testpmd.mbuf:debug', ...one(), '--', ...app], 50000, true);
  try {
    await c.waitFor(/Press enter to exit/, 20000);
    const cap = await peerCapture(NSB, B0, frames.length, 10);
    peerSend(topo, NSA, A0, frames);
    ours = await cap.done;
  } finally {
    const ex = await c.stop(15000, true);
    assert.deepEqual(ex, { code: 0, signal: null }, `${c.out()}\n${c.err()}`);
  }
  const m = /mbuf pool <mb_pool_0>: (\d+) of (\d+) mbufs available after closing ports/.exec(c.err() + c.out());
  assert.ok(m && m[1] === m[2], `mbufs leaked or no pool line:\n${c.err()}`);
  const st = parseFwdStats(c.out());
  assert.deepEqual(st.ports.get(0), [frames.length, 0, 0, 0]);
  assert.deepEqual(st.ports.get(1), [0, 0, frames.length, 0]);

  let theirs: string[] = [];
  await withDpdkTestpmd(bin, [...eal('d'), '--no-pci', ...one(), '--', ...app], async () => {
    const cap = await peerCapture(NSB, B0, frames.length, 10);
    peerSend(topo, NSA, A0, frames);
    theirs = (await cap.done).filter(notProbe);
  });
  // One queue: order kept. Every frame is forwarded; a 2048-byte ring frame holds 1982 bytes of data,
  // so longer frames leave cut to what the kernel put in the ring (tp_snaplen), in both. One difference:
  // the kernel hands the outer tag of the QinQ frame over as metadata (tp_vlan_tci/tp_vlan_tpid) and
  // DPDK puts it back with rte_vlan_insert, always as 0x8100; tsdpdk puts back the 0x88a8 it came with.
  const qinq = frames.findIndex((f) => f[12] === 0x88 && f[13] === 0xa8);
  assert.equal(theirs[qinq], `${hex(frames[qinq]!).slice(0, 24)}8100${hex(frames[qinq]!).slice(28)}`);
  assert.deepEqual(ours.filter((_, k) => k !== qinq), theirs.filter((_, k) => k !== qinq));
  assert.equal(ours.length, frames.length);
  ours.forEach((h, k) => {
    const want = hex(frames[k]!);
    if (want.length / 2 <= 1982) assert.equal(h, want, `frame ${k}`);
    else assert.ok(want.startsWith(h) && h.length > 0, `frame ${k}: not a prefix of what was sent`);
  });
});
