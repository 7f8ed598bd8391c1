// tsdpdk-pdump against a tsdpdk-testpmd primary: rx-dev/tx-dev pcap files hold what port 0 received and
// what port 1 transmitted (io forwarding, so the same bytes), written like net_pcap's tx_pcap.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { filePrefix, readPcap } from './testpmd_util.js';
import { CaptureFixture } from './capture_util.js';
import { skipOrFail } from './helpers.js';
import { hex, netnsUnavailable, peerCapture, Topology, waitOperUp } from './fwd_util.js';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, PDUMP_OP_ENABLE } from '../src/lib/pdump/index.js';
import { PDUMP_V2 } from '../src/lib/pdump/pdump_request.js';

const PDUMP = fileURLToPath(new URL('../src/app/pdump/main.js', import.meta.url));
const N = 25;
const fx = new CaptureFixture('pdump', N, 64, 61, 5, 11);
const { dir, packets } = fx;
after(() => fx.cleanup());

test('pdump --pdump bad arguments fail clearly', () => {
  // Argument errors are found after EAL init, so a missing primary is what a lone run reports.
  const r = spawnSync(process.execPath, [PDUMP, '--file-prefix', `nopdump_${process.pid}`, '--', '--pdump', 'port=0,queue=*,rx-dev=/tmp/x'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /No primary DPDK process is running/);
});

test('pdump writes rx-dev and tx-dev pcap files', { timeout: 30000 }, async () => {
  const prefix = filePrefix('pd');
  const tp = fx.primary(prefix, false);
  await tp.waitFor(/testpmd> /);
  const bad = spawnSync(process.execPath, [PDUMP, '--file-prefix', prefix, '--', '--pdump', 'port=0,rx-dev=/tmp/x'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /queue= is required/);
  const rxFile = join(dir, 'rx.pcap');
  const txFile = join(dir, 'tx.pcap');
  const pd = fx.launch([PDUMP, '--file-prefix', prefix, '--', '--pdump', `port=0,queue=*,rx-dev=${rxFile}`,
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
  assert.equal((await pd.exited).code, 0, pd.out());
  assert.match(pd.out(), new RegExp(`packets dequeued:\\s+${2 * N}\\n`));
  for (const f of [rxFile, txFile]) {
    const h = readFileSync(f);
    assert.equal(h.readUInt32LE(0), 0xa1b23c4d, 'ns pcap magic like net_pcap');
    assert.equal(h.readUInt32LE(16), 65535);
    assert.deepEqual(readPcap(f).map((p) => Buffer.from(p).toString('hex')), packets.map((p) => Buffer.from(p).toString('hex')), f);
  }
  tp.child.stdin!.write('stop\nquit\n');
  assert.equal((await tp.exited).code, 0, tp.out());
  assert.match(tp.out(), /mbuf pool <mb_pool_0>: 8192 of 8192 mbufs available after closing ports/);
});

test('mp_pdump messages: struct pdump_request/response layout, malformed requests named', () => {
  const req = { ver: PDUMP_V2, op: PDUMP_OP_ENABLE, flags: 3, device: 'net_pcap0', queue: 0xffff, ring: 0x12340, mempool: 0x56780, filter: 0x9a00, snaplen: 96 };
  const b = encodeRequest(req);
  assert.equal(b.length, 112);
  const v = new DataView(b.buffer);
  assert.equal(v.getUint16(0, true), 2);
  assert.equal(v.getUint16(2, true), 2);
  assert.equal(v.getUint32(4, true), 3);
  assert.equal(Buffer.from(b.subarray(8, 17)).toString(), 'net_pcap0');
  assert.equal(b[17], 0);
  assert.equal(v.getUint16(72, true), 0xffff);
  assert.equal(v.getBigUint64(80, true), 0x12340n);
  assert.equal(v.getBigUint64(88, true), 0x56780n);
  assert.equal(v.getBigUint64(96, true), 0x9a00n);
  assert.equal(v.getUint32(104, true), 96);
  assert.deepEqual(decodeRequest(b), req);
  assert.match(decodeRequest(b.subarray(0, 100)) as string, /100 bytes/);
  const bad = b.slice();
  new DataView(bad.buffer).setUint16(2, 7, true);
  assert.match(decodeRequest(bad) as string, /unknown operation 7/);
  const far = b.slice();
  new DataView(far.buffer).setBigUint64(80, 0x7f0000000000n, true); // a DPDK pointer, not a window offset
  assert.match(decodeRequest(far) as string, /beyond the shared window/);
  const noNul = b.slice();
  noNul.fill(0x41, 8, 72);
  assert.match(decodeRequest(noNul) as string, /NUL/);
  const resp = encodeResponse({ ver: 2, op: PDUMP_OP_ENABLE, err: -19 });
  assert.deepEqual([...resp], [2, 0, 2, 0, 0xed, 0xff, 0xff, 0xff]);
  assert.deepEqual(decodeResponse(resp), { ver: 2, op: 2, err: -19 });
});

test('pdump rx-dev=<interface> sends the copies out of that interface (dpdk-pdump\'s IFACE stream)', { timeout: 40000 }, async (t) => {
  const why = netnsUnavailable();
  if (why !== null) return skipOrFail(t, why);
  const topo = new Topology();
  const ns = `tsdpdk_pdi_${process.pid}`;
  const outer = `pdi0${process.pid % 100000}`;
  const inner = `pdi1${process.pid % 100000}`;
  try {
    topo.addNs(ns);
    topo.veth(outer, inner, ns, { mtu: 9000 }); // the stream has frames above 1514 bytes
    await waitOperUp([outer]);
    const prefix = filePrefix('pdi');
    const tp = fx.primary(prefix, false);
    await tp.waitFor(/testpmd> /);
    const cap = await peerCapture(ns, inner, N, 15);
    const pd = fx.launch([PDUMP, '--file-prefix', prefix, '--', '--pdump', `port=0,queue=*,rx-dev=${outer}`], false);
    await pd.waitFor(new RegExp(`queue \\* rx to ${outer}`));
    tp.child.stdin!.write('start\n');
    const got = await cap.done;
    pd.child.kill('SIGINT');
    assert.equal((await pd.exited).code, 0, pd.out());
    assert.equal(got.length, N, `frames seen on ${inner}: ${got.length}\n${pd.out()}\n${tp.out()}`);
    assert.deepEqual(got, packets.map(hex), 'the interface carried the received stream, in order, byte for byte');
    assert.match(pd.out(), new RegExp(`packets transmitted to vdev:\\s+${N}\\n`));
    tp.child.stdin!.write('stop\nquit\n');
    assert.equal((await tp.exited).code, 0, tp.out());
    assert.match(tp.out(), /mbuf pool <mb_pool_0>: 8192 of 8192 mbufs available after closing ports/);
  } finally {
    topo.cleanup();
  }
});
