// Two queue pairs per port, two forwarding lcores (issue 5): testpmd in io mode between ns A and ns B on
// two net_af_packet ports with qpairs=2 (one AF_PACKET socket per queue in a PACKET_FANOUT_HASH group),
// --rxq=2 --txq=2 --nb-cores=2. 64 UDP flows from A: every frame arrives in B (a multiset: the queues
// interleave, but each flow keeps its order), both Rx queues of port 0 carry flows, the per-stream and
// per-port counts add up, every mbuf returns to the pool. The same run with DPDK's dpdk-testpmd shows
// the reference spreading and forwarding the same way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { skipOrFail } from './helpers.js';
import { dpdkTestpmd, ether, ipv4, OURS, udp4 } from './testpmd_util.js';
import {
  assertSameFrames, hex, killChildren, netnsUnavailable, peerCapture, peerSend, sleep, startNode, Topology, waitOperUp, type Child,
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
let prefixSeq = 0;

// Three lcores (main + two forwarding); on a 2-CPU machine they share the CPUs (DPDK's --lcores syntax).
const LCORES = availableParallelism() >= 3 ? ['-l', '0-2'] : ['--lcores', '0@0,1@1,2@1'];
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
function assertSpread(st: FwdStats, n: number, exact: boolean): void {
  const q0 = st.streams.get('0/0')?.[0] ?? 0;
  const q1 = st.streams.get('0/1')?.[0] ?? 0;
  assert.ok(q0 > 0 && q1 > 0, `one queue carried everything: queue 0 ${q0}, queue 1 ${q1}`);
  for (const [k, [rx, tx, dr]] of st.streams) assert.deepEqual([tx, dr], [rx, 0], `stream ${k}`);
  const p0 = st.ports.get(0)!;
  const p1 = st.ports.get(1)!;
  assert.equal(q0 + q1, p0[0]);
  assert.equal(p1[2], p0[0]);
  assert.equal(p0[1] + p1[1] + p0[3] + p1[3], 0);
  if (exact) {
    assert.equal(p0[0], n);
    assert.equal(p1[0], 0); // ns B sends nothing
  } else {
    assert.ok(p0[0] >= n, `port 0 received ${p0[0]} < ${n}`);
  }
}

test('tsdpdk-testpmd io, qpairs=2, --rxq=2 --txq=2 --nb-cores=2: 64 flows spread over both queues, all arrive', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const eal = [...LCORES, '--no-huge', '-m', '512', '--file-prefix', `tfq${pid}_${prefixSeq++}`, '--log-level=testpmd.mbuf:debug', ...vdevs()];
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
  assertSpread(st, FLOWS * PER_FLOW, true);
  const m = /mbuf pool <mb_pool_0>: (\d+) of (\d+) mbufs available after closing ports/.exec(c.err() + c.out());
  assert.ok(m, `no mbuf pool line:\n${c.err()}`);
  assert.equal(m[1], m[2], 'mbufs leaked');
});

test('dpdk-testpmd (the reference) on the same path: the same frames arrive, both queues used', async (t) => {
  if (skipReason) return skipOrFail(t, skipReason);
  const bin = dpdkTestpmd();
  if (bin === null) return skipOrFail(t, 'dpdk-testpmd is not installed');
  const args = [...LCORES, '--no-huge', '-m', '512', '--no-pci', '--file-prefix', `tfqd${pid}_${prefixSeq++}`, ...vdevs(), '--', ...APP];
  const p = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  p.stderr.on('data', (b: Buffer) => { out += b.toString(); });
  const killer = setTimeout(() => p.kill('SIGKILL'), 50000);
  const exited = new Promise<number | null>((res) => p.on('close', (code) => { clearTimeout(killer); res(code); }));
  try {
    // Its stdout is block-buffered in a pipe: forwarding has started once a probe frame crosses.
    const probe = Uint8Array.from(ether('02:00:00:00:00:bb', '02:00:00:00:00:aa', 0x88b5, Array.from({ length: 46 }, (_, i) => i)));
    let seen = false;
    for (let i = 0; i < 100 && !seen && p.exitCode === null; i++) {
      const cap = await peerCapture(NSB, B0, 1, 0.3);
      peerSend(topo, NSA, A0, [probe]);
      seen = (await cap.done).length > 0;
    }
    assert.ok(seen, `dpdk-testpmd never forwarded:\n${out}`);
    await sleep(400); // late probes land before the capture
    const sent = flows();
    const cap = await peerCapture(NSB, B0, sent.length, 15);
    peerSend(topo, NSA, A0, sent);
    assertArrivals((await cap.done).filter((h) => h !== hex(probe)), sent);
  } finally {
    p.stdin.end('\n');
    const t2 = setTimeout(() => p.kill('SIGKILL'), 15000);
    await exited;
    clearTimeout(t2);
  }
  assert.match(out, /Bye\.\.\./);
  assertSpread(parseFwdStats(out), FLOWS * PER_FLOW, false);
});
