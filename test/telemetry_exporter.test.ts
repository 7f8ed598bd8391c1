// tsdpdk-telemetry-exporter against this process's telemetry: counters match ethdev stats, pool gauges
// match the pool, and a scrape after telemetry stops is a 503 with dpdk_up 0.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import * as eal from '../src/lib/eal/index.js';
import * as ethdev from '../src/lib/ethdev/index.js';
import * as mbuf from '../src/lib/mbuf/index.js';
import type { Mempool } from '../src/lib/mempool/index.js';
import { socketAddon, socketAddonError, startTelemetry, stopTelemetry, telemetryReady } from '../src/lib/telemetry/index.js';
import { socketPathFor } from '../src/app/telemetry_exporter/exporter.js';
import { skipOrFail } from './helpers.js';
import '../src/drivers/net/index.js';

const MAIN = fileURLToPath(new URL('../src/app/telemetry_exporter/main.js', import.meta.url));
const prefix = `ttelexp${process.pid}`;
let child: ChildProcess | null = null;
let pool: Mempool;
const held: number[] = [];

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    r.on('timeout', () => r.destroy(new Error(`GET ${path} timed out`)));
    r.on('error', reject);
    r.end();
  });
}

/** Starts the exporter on an ephemeral port; resolves with that port. */
function startExporter(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [MAIN, ...args, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = p;
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`exporter did not start: ${out}${err}`)), 5000);
    p.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
    p.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    p.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exporter exited ${code}: ${out}${err}`));
    });
  });
}

/** name{labels} value -> value, from Prometheus text. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

before(() => {
  eal.init(['--no-huge', '-m', '128', '-l', '0-1', '--file-prefix', prefix, '--vdev', 'net_null0', '--log-level', 'error'], 'telexp-test');
  pool = mbuf.pktmbufPoolCreate('exp_pool', 511, 0, 0, 2176, -1); // no cache: the ring count is the avail count
  ethdev.configure(0, 1, 1);
  ethdev.rxQueueSetup(0, 0, 0, -1, null, pool);
  ethdev.txQueueSetup(0, 0, 0, -1, null);
  ethdev.start(0);
  const b = eal.burstArray(32);
  for (let i = 0; i < 4; i++) {
    const n = ethdev.rxBurst(0, 0, b, 32);
    const sent = ethdev.txBurst(0, 0, b, n);
    for (let k = sent; k < n; k++) mbuf.free(b[k]!);
  }
  for (let i = 0; i < 7; i++) held.push(mbuf.alloc(pool)); // in use while scraped
});

after(async () => {
  if (child !== null && child.exitCode === null) {
    const c = child;
    const gone = new Promise<void>((ok) => c.once('exit', () => ok()));
    c.kill('SIGKILL');
    await gone;
  }
  for (const m of held) mbuf.free(m);
  await stopTelemetry();
  await eal.cleanup();
});

test('exporter serves ethdev and mempool metrics, then 503 when telemetry is gone', { timeout: 15000 }, async (t) => {
  if (socketAddon() === null) return skipOrFail(t, socketAddonError());
  await stopTelemetry(); // eal.init may have started it: restart and wait until it serves
  const path = startTelemetry();
  assert.equal(path, socketPathFor(prefix));
  await telemetryReady();
  const port = await startExporter(['--file-prefix', prefix, '--xstats']);

  const r = await get(port, '/metrics');
  assert.equal(r.status, 200, r.body);
  const st = ethdev.statsGet(0);
  assert.ok(st.ipackets > 0);
  const l = `{port="0",name="${ethdev.getNameByPort(0)}"}`;
  assert.equal(sample(r.body, 'dpdk_up'), 1);
  assert.equal(sample(r.body, `dpdk_ethdev_rx_packets_total${l}`), st.ipackets);
  assert.equal(sample(r.body, `dpdk_ethdev_tx_packets_total${l}`), st.opackets);
  assert.equal(sample(r.body, `dpdk_ethdev_rx_bytes_total${l}`), st.ibytes);
  assert.equal(sample(r.body, `dpdk_ethdev_tx_bytes_total${l}`), st.obytes);
  assert.equal(sample(r.body, `dpdk_ethdev_rx_missed_total${l}`), st.imissed);
  assert.equal(sample(r.body, `dpdk_ethdev_rx_nombuf_total${l}`), st.rxNombuf);
  assert.equal(sample(r.body, `dpdk_ethdev_xstat{port="0",name="${ethdev.getNameByPort(0)}",xstat="rx_good_packets"}`), st.ipackets);
  assert.match(r.body, /^# HELP dpdk_ethdev_rx_packets_total .+\n# TYPE dpdk_ethdev_rx_packets_total counter$/m);
  assert.match(r.body, /^# TYPE dpdk_mempool_avail gauge$/m);
  assert.equal(sample(r.body, 'dpdk_mempool_size{pool="exp_pool"}'), 511);
  assert.equal(sample(r.body, 'dpdk_mempool_avail{pool="exp_pool"}'), pool.availCount());
  assert.equal(sample(r.body, 'dpdk_mempool_in_use{pool="exp_pool"}'), pool.inUseCount());
  assert.equal(pool.inUseCount(), held.length);
  // Each family's HELP/TYPE appears once.
  const types = r.body.split('\n').filter((x) => x.startsWith('# TYPE '));
  assert.equal(new Set(types).size, types.length);

  // Counters move between scrapes.
  const b = eal.burstArray(32);
  const n = ethdev.rxBurst(0, 0, b, 32);
  const sent = ethdev.txBurst(0, 0, b, n);
  for (let k = sent; k < n; k++) mbuf.free(b[k]!);
  const r2 = await get(port, '/metrics');
  assert.equal(sample(r2.body, `dpdk_ethdev_rx_packets_total${l}`), ethdev.statsGet(0).ipackets);

  assert.equal((await get(port, '/nope')).status, 404);

  await stopTelemetry();
  const down = await get(port, '/metrics');
  assert.equal(down.status, 503);
  assert.match(down.body.split('\n')[0]!, /^# telemetry .+ unavailable: /);
  assert.equal(sample(down.body, 'dpdk_up'), 0);
  assert.equal(child!.exitCode, null, 'exporter still running');
});
