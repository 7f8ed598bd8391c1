// Telemetry v2: Debian's dpdk-telemetry.py against the server thread, a raw SEQPACKET client for bad
// requests, and DPDK's JSON rules (number printing, key validity, dropped entries past 16384 bytes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, unlinkSync } from 'node:fs';
import * as eal from '../src/lib/eal/index.js';
import * as ethdev from '../src/lib/ethdev/index.js';
import * as mbuf from '../src/lib/mbuf/index.js';
import { Ring, RING_F_SP_ENQ } from '../src/lib/ring/index.js';
import {
  processRequest, registerCommand, registerCommandModule, socketAddon, socketAddonError, startTelemetry, stopTelemetry,
  TelData, telemetryReady, E2BIG,
} from '../src/lib/telemetry/index.js';
import { skipOrFail } from './helpers.js';
import '../src/drivers/net/index.js';

const CLIENT = '/usr/bin/dpdk-telemetry.py';
const prefix = `ttel${process.pid}`;
let path: string | null = null;
let rxCount = 0;

function havePython(): boolean {
  return spawnSync('python3', ['--version'], { timeout: 5000 }).status === 0;
}

const req = (s: string): string => processRequest(Buffer.from(s)).toString();

/** Runs dpdk-telemetry.py with commands on stdin (non-interactive: one JSON line per command). */
function runClient(cmds: string[], extra: string[] = []): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const p = spawn('python3', [CLIENT, '-f', prefix, ...extra], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`client timed out: ${out}${err}`)); }, 10000);
    p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    p.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`dpdk-telemetry.py exited ${code}: ${err}${out}`));
      try {
        resolve(out.trim().split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as unknown));
      } catch (e) {
        reject(new Error(`bad client output ${JSON.stringify(out)}: ${(e as Error).message}`));
      }
    });
    p.stdin.end(cmds.join('\n') + '\n');
  });
}

before(() => {
  eal.init(['--no-huge', '-m', '128', '-l', '0-1', '--file-prefix', prefix, '--vdev', 'net_null0', '--log-level', 'error', '--', '--app-flag', 'x'],
    'tel-test');
  const pool = mbuf.pktmbufPoolCreate('tel_pool', 1023, 32, 0, 2176, -1);
  Ring.create('tel_ring', 64, -1, RING_F_SP_ENQ);
  ethdev.configure(0, 1, 1);
  ethdev.rxQueueSetup(0, 0, 0, -1, null, pool);
  ethdev.txQueueSetup(0, 0, 0, -1, null);
  ethdev.start(0);
  const b = eal.burstArray(32);
  for (let i = 0; i < 3; i++) {
    const n = ethdev.rxBurst(0, 0, b, 32);
    rxCount += n;
    const sent = ethdev.txBurst(0, 0, b, n);
    for (let k = sent; k < n; k++) mbuf.free(b[k]!);
  }
});

after(async () => {
  await stopTelemetry();
  await eal.cleanup();
  if (path) assert.equal(existsSync(path), false, 'socket file removed');
});

test('JSON rules: numbers, keys, nesting, limits', () => {
  const d = new TelData();
  d.startDict();
  assert.equal(d.addDictInt('i', 2 ** 31), 0); // C int wraps
  assert.equal(d.addDictU64('u', -1), 0); // uint64_t wraps
  assert.equal(d.addDictU64('big', 2n ** 63n), 0);
  assert.equal(d.addDictString('bad key', 'x'), -22);
  assert.equal(d.addDictString('s', 'a"b\\c\n\x01'), 0);
  assert.equal(d.addDictString('long', 'y'.repeat(200)), E2BIG);
  const inner = new TelData();
  inner.startArray('int');
  inner.addArrayInt(-5);
  assert.equal(d.addDictContainer('arr', inner), 0);
  const cont = new TelData();
  cont.startArray('container');
  assert.equal(d.addDictContainer('c', cont), -22); // arrays of containers cannot nest
  assert.equal(inner.addArrayString('x'), -22); // wrong element type
  registerCommand('/test/json', (_c, _p, out) => { Object.assign(out, d); return 0; }, 'test');
  const r = req('/test/json');
  assert.equal(r, `{"/test/json":{"i":-2147483648,"u":18446744073709551615,"big":9223372036854775808,"s":"a\\"b\\\\c\\n",`
    + `"long":"${'y'.repeat(127)}","arr":[-5]}}`);
  // Past 16384 bytes DPDK drops the entries that do not fit: valid JSON, under the limit.
  registerCommand('/test/big', (_c, _p, out) => {
    out.startArray('string');
    for (let i = 0; i < 512; i++) out.addArrayString('z'.repeat(100));
    assert.equal(out.addArrayString('one too many'), -28); // ENOSPC: 512 entries at most
    return 0;
  }, 'test');
  const big = processRequest(Buffer.from('/test/big'));
  assert.ok(big.length < 16384, `${big.length}`);
  const arr = (JSON.parse(big.toString()) as Record<string, string[]>)['/test/big']!;
  // Buffer after the prefix: 16384 - 13 - 1 bytes incl. NUL; k strings take 1 + 103k bytes.
  assert.equal(arr.length, 158);
  assert.equal(big.length, 13 + 1 + 103 * 158 + 1);
  assert.throws(() => registerCommand('no/slash', () => 0, ''), { code: 'EINVAL' });
  assert.throws(() => registerCommand('/bad-char', () => 0, ''), { code: 'EINVAL' });
  assert.throws(() => registerCommand('/' + 'a'.repeat(55), () => 0, ''), { code: 'EINVAL' });
  assert.throws(() => registerCommand('/h', () => 0, 'h'.repeat(128)), { code: 'EINVAL' });
  // Request parsing like strtok: leading commas skipped, empty parameter is none.
  assert.equal(req(',,/help,/info'), '{"/help":{"/info":"Returns DPDK Telemetry information. Takes no parameters"}}');
  assert.equal(req('/help'), '{"/help":"Returns help text for a command. Parameters: string command"}');
  assert.equal(req('/ethdev/stats,'), '{"/ethdev/stats":null}');
  assert.equal(req(',,,'), '{"(null)":null}');
});

test('dpdk-telemetry.py reads the standard commands', async (t) => {
  if (!existsSync(CLIENT)) return skipOrFail(t, `${CLIENT} is not installed (Debian package dpdk)`);
  if (!havePython()) return skipOrFail(t, 'python3 is not available');
  if (socketAddon() === null) return skipOrFail(t, socketAddonError());
  registerCommandModule('/test/module', new URL('./fixtures/telemetry_cmd.js', import.meta.url), 'handleHello', 'Test command from a module');
  await stopTelemetry(); // in case eal.init already started it: restart under the conditions below
  // A live server holds the plain name and a stale file holds ":1": DPDK's rules give ":1", rebound.
  const base = `${eal.ealRuntime().runtimeDir}/dpdk_telemetry.v2`;
  const sock = socketAddon()!;
  const live = sock.sockListen(base, 1);
  sock.sockClose(sock.sockListen(`${base}:1`, 1));
  assert.ok(existsSync(`${base}:1`));
  try {
    path = startTelemetry();
  } finally {
    sock.sockClose(live);
    unlinkSync(base);
  }
  assert.equal(path, `${base}:1`);
  await telemetryReady();
  const cmds = ['/', '/info', '/ethdev/list', '/ethdev/stats,0', '/ethdev/info,0', '/mempool/list', '/ring/list', '/eal/params',
    '/eal/app_params', '/ethdev/xstats,0', '/ethdev/link_status,0', '/mempool/info,tel_pool', '/ring/info,tel_ring',
    '/eal/lcore/list', '/eal/lcore/info,1', '/ethdev/stats,9', '/mempool/info,nope', '/help,/ethdev/stats', '/test/module,abc'];
  const out = await runClient(cmds, ['-i', '1']) as Record<string, unknown>[];
  assert.equal(out.length, cmds.length, JSON.stringify(out));
  const v = (i: number): any => out[i]![cmds[i]!.split(',')[0]!]; // eslint-disable-line @typescript-eslint/no-explicit-any
  const list = v(0) as string[];
  for (const c of ['/', '/info', '/help', '/ethdev/stats', '/ethdev/info', '/mempool/list', '/ring/list', '/eal/params', '/test/module']) {
    assert.ok(list.includes(c), c);
  }
  assert.deepEqual(list, [...list].sort());
  assert.deepEqual(v(1), { version: eal.VERSION, pid: process.pid, max_output_len: 16384 });
  assert.deepEqual(v(2), [0]);
  const st = ethdev.statsGet(0);
  assert.ok(rxCount > 0);
  assert.equal(v(3).ipackets, st.ipackets);
  assert.equal(v(3).ipackets, rxCount);
  assert.equal(v(3).opackets, st.opackets);
  assert.equal(v(3).ibytes, st.ibytes);
  assert.equal(v(3).q_ipackets.length, 16);
  assert.equal(v(3).q_ipackets[0], st.qIpackets[0]);
  assert.deepEqual(Object.keys(v(3)), ['ipackets', 'opackets', 'ibytes', 'obytes', 'imissed', 'ierrors', 'oerrors', 'rx_nombuf',
    'q_ipackets', 'q_opackets', 'q_ibytes', 'q_obytes', 'q_errors']);
  const info = v(4);
  assert.deepEqual(Object.keys(info), ['name', 'state', 'nb_rx_queues', 'nb_tx_queues', 'port_id', 'mtu', 'rx_mbuf_size_min',
    'mac_addr', 'promiscuous', 'scattered_rx', 'all_multicast', 'dev_started', 'lro', 'dev_configured', 'rxq_state', 'txq_state',
    'numa_node', 'dev_flags', 'rx_offloads', 'tx_offloads', 'ethdev_rss_hf']);
  assert.equal(info.name, ethdev.getNameByPort(0));
  assert.equal(info.mac_addr, ethdev.formatMac(ethdev.macAddrGet(0)));
  assert.equal(info.dev_started, 1);
  assert.equal(info.rx_mbuf_size_min, 2176);
  assert.deepEqual(info.rxq_state, [1]);
  assert.deepEqual(v(5), ['tel_pool']);
  assert.deepEqual(v(6), ['MP_tel_pool', 'tel_ring']); // the pool's ring backend is a ring, as in DPDK
  assert.deepEqual(v(7), ['tel-test', '--no-huge', '-m', '128', '-l', '0-1', '--file-prefix', prefix, '--vdev', 'net_null0', '--log-level', 'error']);
  assert.deepEqual(v(8), ['--app-flag', 'x']);
  assert.equal(v(9).rx_good_packets, st.ipackets);
  assert.deepEqual(ethdev.xstatsGet(0).map((x) => x.name), Object.keys(v(9)));
  assert.equal(v(10).status, 'UP');
  const mp = v(11);
  assert.equal(mp.name, 'tel_pool');
  assert.equal(mp.size, 1023);
  assert.equal(mp.cache_size, 32);
  assert.equal(mp.mz_name, 'MP_tel_pool');
  const ri = v(12);
  assert.equal(ri.producer_type, 'SP');
  assert.equal(ri.consumer_type, 'MC');
  assert.equal(ri.size, 64);
  assert.equal(ri.capacity, 63);
  assert.equal(ri.mask, '0x3f');
  assert.deepEqual(v(13), [0, 1]);
  assert.equal(v(14).lcore_id, 1);
  assert.deepEqual(v(14).cpuset, eal.lcoreCpuset(1));
  assert.equal(v(15), null);
  assert.deepEqual(v(16), {});
  assert.deepEqual(v(17), { '/ethdev/stats': 'Returns the common stats for a port. Parameters: int port_id' });
  assert.deepEqual(v(18), { hello: 'abc', port_count: 1 });
});

test('raw client: garbage, oversized and unknown requests; 10 clients at most', async (t) => {
  const sock = socketAddon();
  if (sock === null) return skipOrFail(t, socketAddonError());
  if (path === null) {
    path = startTelemetry();
    await telemetryReady();
  }
  const buf = new Uint8Array(16384);
  const open = (): number => {
    const fd = sock.sockConnect(path!);
    sock.sockSetTimeout(fd, 5000);
    return fd;
  };
  const ask = (fd: number, b: Uint8Array | string): string => {
    sock.sockSend(fd, typeof b === 'string' ? Buffer.from(b) : b);
    const n = sock.sockRecv(fd, buf);
    return Buffer.from(buf.subarray(0, n)).toString('latin1');
  };
  const fd = open();
  const n = sock.sockRecv(fd, buf);
  assert.deepEqual(JSON.parse(Buffer.from(buf.subarray(0, n)).toString()), { version: eal.VERSION, pid: process.pid, max_output_len: 16384 });
  assert.equal(ask(fd, 'garbage'), '{"garbage":null}');
  assert.equal(ask(fd, Buffer.from([0x01, 0xfe, 0x2f, 0x00, 0x41])), '{"\x01\xfe/":null}'); // raw bytes up to the NUL
  assert.equal(ask(fd, '/no/such/command,1'), '{"/no/such/command":null}');
  // 4000 bytes: read as 1023, the command (>= 56 bytes) is echoed cut to 56 and rejected.
  const long = '/' + 'a'.repeat(3999);
  assert.equal(ask(fd, long), `{"${long.slice(0, 56)}":null}`);
  assert.equal(ask(fd, '/ethdev/info,x'), '{"/ethdev/info":null}');
  assert.equal(ask(fd, '/ethdev/info,65536'), ask(fd, '/ethdev/info,0')); // port id is a uint16_t
  assert.match(ask(fd, '/ethdev/list'), /^\{"\/ethdev\/list":\[0\]\}$/);
  // 10 clients at most: the 11th is accepted and closed at once.
  const more = Array.from({ length: 9 }, open);
  for (const c of more) assert.ok(sock.sockRecv(c, buf) > 0);
  const extra = open();
  assert.equal(sock.sockRecv(extra, buf), 0);
  sock.sockClose(extra);
  for (const c of more) sock.sockClose(c);
  // The first client still works after all that.
  assert.match(ask(fd, '/info'), /"max_output_len":16384/);
  sock.sockClose(fd);
});

test('memzone and heap commands: 22.11 key names and order, values from the EAL', () => {
  const j = (s: string): any => (JSON.parse(req(s)) as Record<string, unknown>)[s.split(',')[0]!]; // eslint-disable-line @typescript-eslint/no-explicit-any
  const zones = eal.memzoneList();
  assert.ok(zones.length >= 3, 'port data, pool and ring memzones');
  assert.deepEqual(j('/eal/memzone_list'), zones.map((z) => z.id));
  const pool = zones.find((z) => z.name === 'MP_tel_pool')!;
  const info = j(`/eal/memzone_info,${pool.id}`);
  assert.deepEqual(Object.keys(info), ['Zone', 'Name', 'Length', 'Address', 'Socket', 'Flags', 'Hugepage_size', 'Hugepage_base', 'Hugepage_used']);
  assert.equal(info.Zone, pool.id);
  assert.equal(info.Name, 'MP_tel_pool');
  assert.equal(info.Length, pool.length);
  assert.equal(info.Socket, pool.socketId);
  const va = BigInt(info.Address);
  const ps = info.Hugepage_size as number;
  assert.equal(BigInt(info.Hugepage_base), va - (va % BigInt(ps)));
  assert.equal(info.Hugepage_used, Math.ceil(Number(va % BigInt(ps) + BigInt(pool.length)) / ps));
  // strtoul-style params as in DPDK: blanks skipped, trailing text ignored; a free or out-of-range index is null
  assert.equal(j(`/eal/memzone_info, ${pool.id}x`).Name, 'MP_tel_pool');
  assert.equal(j('/eal/memzone_info,2559'), null);
  assert.equal(j('/eal/memzone_info,2560'), null);
  assert.equal(j('/eal/memzone_info,-1'), null);
  assert.equal(j('/eal/memzone_info'), null);

  assert.deepEqual(j('/eal/heap_list'), [0]);
  const heap = j('/eal/heap_info,0');
  assert.deepEqual(Object.keys(heap), ['Head_id', 'Name', 'Heap_size', 'Free_size', 'Alloc_size', 'Greatest_free_size', 'Alloc_count', 'Free_count']);
  const s = eal.mallocGetSocketStats(0);
  assert.equal(heap.Name, 'socket_0');
  assert.equal(heap.Heap_size, s.heapTotalBytes);
  assert.equal(heap.Free_size, s.heapFreeBytes);
  assert.equal(heap.Alloc_size, s.heapAllocBytes);
  assert.equal(heap.Alloc_count, s.allocCount);
  assert.equal(heap.Heap_size, heap.Free_size + heap.Alloc_size);
  const p = eal.malloc('tel', 1 << 20);
  try {
    const after1 = j('/eal/heap_info,0');
    assert.equal(after1.Alloc_count, heap.Alloc_count + 1);
    assert.ok(after1.Alloc_size >= heap.Alloc_size + (1 << 20));
  } finally {
    eal.free(p);
  }
  assert.deepEqual(j('/eal/heap_info,31'), { Head_id: 31, Name: '', Heap_size: 0, Free_size: 0, Alloc_size: 0, Greatest_free_size: 0, Alloc_count: 0, Free_count: 0 });
  assert.equal(j('/eal/heap_info,abc').Head_id, 0); // atoi
  assert.equal(j('/eal/heap_info,32'), null);
  assert.equal(j('/eal/heap_info'), null);
});
