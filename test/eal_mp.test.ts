// The multi-process channel (rte_mp_*): wire format, primary <-> secondary messages, requests and
// replies, broadcasts, fd passing, malformed datagrams, a dead primary, and interop with dpdk-testpmd.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as eal from '../src/lib/eal/index.js';
import '../src/drivers/net/index.js';
import { loadNative } from '../src/lib/eal/native.js';
import { runtimeDirPath } from '../src/lib/eal/runtime_dir.js';
import { decodeMsg, encodeMsg, msgError, MpType, MP_WIRE_SIZE } from '../src/lib/eal/mp_wire.js';
import { mpAddon, secondarySocketPath } from '../src/lib/eal/mp_socket.js';
import { skipOrFail } from './helpers.js';
import { JsonChild } from './json_child.js';

const SECONDARY = fileURLToPath(new URL('./fixtures/mp_secondary.js', import.meta.url));
const PRIMARY = fileURLToPath(new URL('./fixtures/mp_primary.js', import.meta.url));
const children: ChildProcess[] = [];
const prefixes: string[] = [];
let seq = 0;
function prefix(tag: string): string {
  const p = `mp${tag}${process.pid}_${seq++}`;
  prefixes.push(p);
  return p;
}
const tmp = join('/tmp', `tsdpdk_mp_${process.pid}`);
mkdirSync(tmp, { recursive: true });

after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const p of prefixes) {
    rmSync(runtimeDirPath(p), { recursive: true, force: true });
    rmSync(join('/var/run/dpdk', p), { recursive: true, force: true });
    rmSync(`/dev/shm/${p}_tsdpdk_nohugemem`, { force: true });
  }
  rmSync(tmp, { recursive: true, force: true });
});

/** Fixture processes of this file (JSON lines on stdout), registered for the `after` cleanup. */
class Child extends JsonChild {
  constructor(script: string, args: string[]) {
    super(script, args, children);
  }
}

async function until(pred: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) return false;
    await new Promise((ok) => setTimeout(ok, 20));
  }
  return true;
}

const text = (u: Uint8Array): string => Buffer.from(u).toString('latin1');
const none = new Int32Array(8);

// Main-thread actions of the in-test primary (registrations outlive init/cleanup, like DPDK's list).
const received: { name: string; param: string; peer: string }[] = [];
eal.mp.actionRegister('mp_test_msg', (m, peer) => { received.push({ name: m.name, param: text(m.param), peer }); });
eal.mp.actionRegister('mp_test_echo', (m, peer) => {
  eal.mp.reply({ name: m.name, param: Buffer.from(`echo:${text(m.param)}`), fds: [] }, peer);
});
const replyFile = join(tmp, 'reply.txt');
eal.mp.actionRegister('mp_test_fd', (m, peer) => {
  const buf = Buffer.alloc(128);
  const n = readSync(m.fds[0]!, buf, 0, buf.length, 0);
  closeSync(m.fds[0]!);
  writeFileSync(replyFile, 'from the primary via SCM_RIGHTS');
  const fd = openSync(replyFile, 'r');
  eal.mp.reply({ name: m.name, param: Buffer.from(`read:${buf.toString('latin1', 0, n)}`), fds: [fd] }, peer);
  closeSync(fd);
});

function initPrimary(p: string, extra: string[] = []): void {
  eal.init(['--no-huge', '-m', '16', '-l', '0', '--file-prefix', p, '--log-level', 'lib.eal:error', '--no-telemetry', ...extra]);
}

test('wire: 332-byte layout, round trip, input checks, malformed datagrams rejected', () => {
  const msg = { name: 'bus_vdev_mp', param: Uint8Array.from([1, 0, 0, 0, 2, 0, 0, 0]), fds: [5, 6] };
  const b = encodeMsg(MpType.REP, msg);
  assert.equal(b.length, 332);
  assert.equal(MP_WIRE_SIZE, 332);
  const dv = new DataView(b.buffer, b.byteOffset);
  assert.equal(dv.getInt32(0, true), 2); // type
  assert.equal(text(b.subarray(4, 15)), 'bus_vdev_mp');
  assert.equal(b[15], 0);
  assert.equal(dv.getInt32(68, true), 8); // len_param
  assert.equal(dv.getInt32(72, true), 2); // num_fds
  assert.deepEqual([...b.subarray(76, 84)], [1, 0, 0, 0, 2, 0, 0, 0]);
  assert.ok(b.subarray(84).every((x) => x === 0));
  const d = decodeMsg(b, 332, false, [7, 8], 2);
  assert.ok(typeof d !== 'string');
  assert.equal(d.type, MpType.REP);
  assert.deepEqual({ ...d.msg, param: [...d.msg.param] }, { name: 'bus_vdev_mp', param: [1, 0, 0, 0, 2, 0, 0, 0], fds: [7, 8] });

  assert.equal(msgError({ name: '', param: new Uint8Array(0), fds: [] })?.code, 'EINVAL');
  assert.equal(msgError({ name: 'x'.repeat(64), param: new Uint8Array(0), fds: [] })?.code, 'E2BIG');
  assert.equal(msgError({ name: 'x'.repeat(63), param: new Uint8Array(256), fds: [] }), null);
  assert.equal(msgError({ name: 'x', param: new Uint8Array(257), fds: [] })?.code, 'E2BIG');
  assert.equal(msgError({ name: 'x', param: new Uint8Array(0), fds: [1, 2, 3, 4, 5, 6, 7, 8, 9] })?.code, 'E2BIG');

  const bad = (f: (v: DataView) => void): Uint8Array => {
    const x = encodeMsg(MpType.REQ, { name: 'a', param: new Uint8Array(0), fds: [] }).slice();
    f(new DataView(x.buffer));
    return x;
  };
  assert.match(String(decodeMsg(b, 100, false, [], 0)), /truncated/);
  assert.match(String(decodeMsg(b, 332, true, [], 0)), /truncated/);
  assert.match(String(decodeMsg(new Uint8Array(400), 400, false, [], 0)), /truncated/);
  assert.match(String(decodeMsg(bad((v) => v.setInt32(72, 9, true)), 332, false, [], 0)), /invalid number of fd/);
  assert.match(String(decodeMsg(bad((v) => v.setInt32(72, -1, true)), 332, false, [], 0)), /invalid number of fd/);
  assert.match(String(decodeMsg(bad((v) => v.setInt32(68, 257, true)), 332, false, [], 0)), /invalid received data length/);
  assert.match(String(decodeMsg(bad((v) => v.setInt32(0, 4, true)), 332, false, [], 0)), /invalid message type/);
  assert.match(String(decodeMsg(bad((v) => v.setInt32(72, 1, true)), 332, false, [], 0)), /num_fds 1 but 0/);
  assert.match(String(decodeMsg(bad((v) => { for (let i = 4; i < 68; i++) v.setUint8(i, 0x41); }), 332, false, [], 0)), /NUL/);
});

test('API checks: names, EEXIST, ENOTSUP with --no-shconf, ENODEV before init', async (t) => {
  if (!loadNative()) return skipOrFail(t, 'native addon not built');
  assert.throws(() => eal.mp.actionRegister('mp_test_echo', () => {}), { code: 'EEXIST' });
  assert.throws(() => eal.mp.actionRegister('', () => {}), { code: 'EINVAL' });
  assert.throws(() => eal.mp.actionRegister('n'.repeat(64), () => {}), { code: 'E2BIG' });
  assert.throws(() => eal.mp.sendmsg({ name: 'x', param: new Uint8Array(0), fds: [] }), { code: 'ENODEV' });
  const p = prefix('mem');
  eal.init(['--no-shconf', '--no-huge', '-m', '16', '-l', '0', '--file-prefix', p, '--log-level', 'lib.eal:error', '--no-telemetry']);
  try {
    assert.equal(eal.mp.socketPath(), null);
    assert.equal(existsSync(join(runtimeDirPath(p), 'mp_socket')), false);
    assert.throws(() => eal.mp.sendmsg({ name: 'x', param: new Uint8Array(0), fds: [] }), { code: 'ENOTSUP' });
    assert.throws(() => eal.mp.requestSync({ name: 'x', param: new Uint8Array(0), fds: [] }, 10), { code: 'ENOTSUP' });
  } finally {
    await eal.cleanup();
  }
});

test('secondary -> primary: MSG, sync and async REQ/REP, fd passing, vdev scan, timeout without a handler', async (t) => {
  if (!loadNative()) return skipOrFail(t, 'native addon not built');
  const p = prefix('cli');
  // A stale secondary socket from a dead process: the primary removes it at start (like DPDK).
  mkdirSync(runtimeDirPath(p), { recursive: true });
  writeFileSync(join(runtimeDirPath(p), 'mp_socket_1_dead'), '');
  initPrimary(p, ['--vdev', 'net_null0', '--vdev', 'net_null1']);
  try {
    assert.equal(eal.mp.socketPath(), join(runtimeDirPath(p), 'mp_socket'));
    assert.equal(existsSync(join(runtimeDirPath(p), 'mp_socket_1_dead')), false);
    assert.equal(eal.primaryProcAlive(), true);
    // Asking about our own config by path must not open it (that would release our lock).
    assert.equal(eal.primaryProcAlive(join(runtimeDirPath(p), 'config')), true);
    assert.equal(eal.primaryProcAlive(join(runtimeDirPath(p), 'config')), true);
    const passed = join(tmp, 'passed.txt');
    writeFileSync(passed, 'secondary file contents');
    const c = new Child(SECONDARY, [p, 'client', passed]);
    const r = await c.next();
    assert.equal(r.error, undefined, `${String(r.error)}\n${c.stderr}`);
    assert.match(String(r.socket), new RegExp(`^${runtimeDirPath(p)}/mp_socket_${c.proc.pid}_[0-9a-f]+$`));
    assert.deepEqual(received, [{ name: 'mp_test_msg', param: 'hello primary', peer: r.socket }]);
    assert.deepEqual(r.sync, { nbSent: 1, nbReceived: 1, name: 'mp_test_echo', param: 'echo:sync' });
    assert.deepEqual(r.async, { nbSent: 1, nbReceived: 1, param: 'echo:async' });
    assert.deepEqual(r.fd, { reply: 'read:secondary file contents', nfds: 1, content: 'from the primary via SCM_RIGHTS' });
    assert.equal((r.silent as { code: string }).code, 'ETIMEDOUT');
    assert.match(String((r.silent as { error: string }).error), /Fail to recv reply for request .*mp_socket:mp_test_silent/);
    assert.deepEqual(r.vdev, { nbReceived: 1, type: 3, num: 2, names: ['net_null0', 'net_null1'] });
    assert.equal(r.alive, true);
    assert.equal(await c.end(), 0);
    assert.equal(existsSync(String(r.socket)), false, 'the secondary unlinks its socket at cleanup');
    const s = eal.mp.stats();
    assert.equal(s.unknownAction, 1, 'mp_test_silent has no action here');
    assert.equal(s.rejected, 0);
    assert.ok(s.received >= 6, `received ${s.received}`);
  } finally {
    await eal.cleanup();
  }
  assert.equal(existsSync(join(runtimeDirPath(p), 'mp_socket')), false, 'the primary unlinks mp_socket at cleanup');
});

test('primary -> every secondary: broadcast requests, timeouts, dead secondary sockets dropped', async (t) => {
  if (!loadNative()) return skipOrFail(t, 'native addon not built');
  const p = prefix('bc');
  initPrimary(p);
  const kids: Child[] = [];
  try {
    kids.push(new Child(SECONDARY, [p, 'serve']), new Child(SECONDARY, [p, 'serve']));
    const pids = [];
    for (const k of kids) pids.push((await k.next()).pid as number);
    const req = { name: 'mp_test_pid', param: Buffer.from('abc'), fds: [] };
    const s = eal.mp.requestSync(req, 5000);
    assert.equal(s.nbSent, 2);
    assert.equal(s.nbReceived, 2);
    const got = s.msgs.map((m) => ({ pid: new DataView(m.param.buffer, m.param.byteOffset).getUint32(0, true), rest: text(m.param.subarray(4)) }));
    assert.deepEqual(got.map((g) => g.pid).sort(), pids.sort());
    assert.deepEqual(got.map((g) => g.rest), ['cba', 'cba']);
    const a = await eal.mp.requestAsync(req, 5000);
    assert.deepEqual([a.nbSent, a.nbReceived], [2, 2]);
    // Nobody handles this one: sync throws ETIMEDOUT, async reports the silence.
    const silent = { name: 'mp_test_nobody', param: new Uint8Array(0), fds: [] };
    assert.throws(() => eal.mp.requestSync(silent, 300), { code: 'ETIMEDOUT' });
    const asyncSilent = eal.mp.requestAsync(silent, 300);
    // Same action, same peers, still pending: refused like DPDK ("A pending request").
    await assert.rejects(eal.mp.requestAsync(silent, 300), { code: 'EEXIST' });
    const as = await asyncSilent;
    assert.deepEqual([as.nbSent, as.nbReceived, as.msgs.length], [2, 0, 0]);
    // A socket file nobody is bound to (a secondary that was SIGKILLed): not counted, and removed.
    const addon = mpAddon();
    const dead = secondarySocketPath(runtimeDirPath(p), 999999);
    addon.mpClose(addon.mpBind(dead));
    assert.equal(existsSync(dead), true);
    const s2 = eal.mp.requestSync(req, 5000);
    assert.deepEqual([s2.nbSent, s2.nbReceived], [2, 2]);
    assert.equal(existsSync(dead), false);
    for (const k of kids) assert.equal(await k.end(), 0);
    const s3 = eal.mp.requestSync(req, 1000);
    assert.deepEqual([s3.nbSent, s3.nbReceived], [0, 0], 'no secondaries left');
    assert.deepEqual(readdirSync(runtimeDirPath(p)).filter((n) => n.startsWith('mp_socket_')), []);
  } finally {
    for (const k of kids) k.proc.kill('SIGKILL');
    await eal.cleanup();
  }
});

test('malformed datagrams are dropped and counted; the channel keeps working', async (t) => {
  if (!loadNative()) return skipOrFail(t, 'native addon not built');
  const p = prefix('bad');
  initPrimary(p);
  const addon = mpAddon();
  const dir = runtimeDirPath(p);
  const raw = join(dir, `raw_${process.pid}`);
  const fd = addon.mpBind(raw);
  try {
    const to = join(dir, 'mp_socket');
    const good = (type: number, name: string): Uint8Array => encodeMsg(type as 0, { name, param: Buffer.from('x'), fds: [] }).slice();
    const patch = (off: number, v: number): Uint8Array => {
      const b = good(MpType.REQ, 'mp_test_echo');
      new DataView(b.buffer).setInt32(off, v, true);
      return b;
    };
    const pipeFile = join(tmp, 'fdleak.txt');
    writeFileSync(pipeFile, 'x');
    const f = openSync(pipeFile, 'r');
    addon.mpSend(fd, to, new Uint8Array(100), none, 0); // short
    addon.mpSend(fd, to, new Uint8Array(400), none, 0); // long
    addon.mpSend(fd, to, patch(72, 9), none, 0); // num_fds > 8
    addon.mpSend(fd, to, patch(68, 300), none, 0); // len_param > 256
    addon.mpSend(fd, to, patch(0, 9), none, 0); // type
    addon.mpSend(fd, to, patch(72, 2), Int32Array.of(f, 0, 0, 0, 0, 0, 0, 0), 1); // num_fds says 2, 1 came
    closeSync(f);
    assert.ok(await until(() => eal.mp.stats().rejected === 6), `rejected ${eal.mp.stats().rejected}`);
    // Unknown action: logged and counted, no reply.
    addon.mpSend(fd, to, good(MpType.REQ, 'mp_test_unknown'), none, 0);
    assert.ok(await until(() => eal.mp.stats().unknownAction === 1));
    // Unregistered: unknown again.
    eal.mp.actionUnregister('mp_test_msg');
    addon.mpSend(fd, to, good(MpType.MSG, 'mp_test_msg'), none, 0);
    assert.ok(await until(() => eal.mp.stats().unknownAction === 2));
    eal.mp.actionRegister('mp_test_msg', (m, peer) => { received.push({ name: m.name, param: text(m.param), peer }); });
    // A reply nobody asked for is dropped.
    addon.mpSend(fd, to, good(MpType.REP, 'mp_test_echo'), none, 0);
    // Still serving: a well-formed request gets its reply at the sender's path.
    addon.mpSend(fd, to, good(MpType.REQ, 'mp_test_echo'), none, 0);
    const buf = new Uint8Array(400);
    const fds = new Int32Array(8);
    let got: ReturnType<typeof addon.mpRecv> = null;
    const end = Date.now() + 5000;
    while (got === null && Date.now() < end) {
      got = addon.mpRecv(fd, buf, fds, 50);
      if (got === null) await new Promise((ok) => setTimeout(ok, 10)); // the handler runs on this event loop
    }
    assert.ok(got !== null, 'a reply arrives');
    assert.equal(got.path, to);
    const m = decodeMsg(buf, got.len, got.truncated, fds, got.nfds);
    assert.ok(typeof m !== 'string', String(m));
    assert.deepEqual([m.type, m.msg.name, text(m.msg.param)], [MpType.REP, 'mp_test_echo', 'echo:x']);
    const st = eal.mp.stats();
    assert.equal(st.rejected, 6);
    assert.equal(st.received, 10);
  } finally {
    addon.mpClose(fd);
    rmSync(raw, { force: true });
    await eal.cleanup();
  }
});

test('a peer answering IGN ("ignore me", still initialising) is not counted in nbSent; a full peer gives EAGAIN', async (t) => {
  if (!loadNative()) return skipOrFail(t, 'native addon not built');
  const p = prefix('ign');
  initPrimary(p);
  const addon = mpAddon();
  const dir = runtimeDirPath(p);
  // Two hand-made "secondaries": one says IGN, one replies REP.
  const ign = addon.mpBind(secondarySocketPath(dir, 1001));
  const rep = addon.mpBind(secondarySocketPath(dir, 1002));
  try {
    const pending = eal.mp.requestAsync({ name: 'mp_test_init', param: Buffer.from('q'), fds: [] }, 5000);
    const buf = new Uint8Array(400);
    const fds = new Int32Array(8);
    const answer = async (fd: number, type: number): Promise<void> => {
      let g: ReturnType<typeof addon.mpRecv> = null;
      for (let i = 0; i < 100 && g === null; i++) {
        g = addon.mpRecv(fd, buf, fds, 20);
        if (g === null) await new Promise((ok) => setTimeout(ok, 10));
      }
      assert.ok(g !== null, 'the primary sent the request');
      const m = decodeMsg(buf, g.len, g.truncated, fds, g.nfds);
      assert.ok(typeof m !== 'string');
      assert.deepEqual([m.type, m.msg.name, text(m.msg.param)], [MpType.REQ, 'mp_test_init', 'q']);
      addon.mpSend(fd, g.path, encodeMsg(type as 2, { name: 'mp_test_init', param: Buffer.from('r'), fds: [] }), none, 0);
    };
    await answer(ign, MpType.IGN);
    await answer(rep, MpType.REP);
    const r = await pending;
    assert.deepEqual([r.nbSent, r.nbReceived, r.msgs.map((m) => text(m.param))], [1, 1, ['r']]);
    // Peers that stop reading: sends fail with EAGAIN once their queue is full, they never block us.
    let err: unknown = null;
    for (let i = 0; i < 100000 && err === null; i++) {
      try {
        eal.mp.sendmsg({ name: 'mp_test_flood', param: new Uint8Array(8), fds: [] });
      } catch (e) {
        err = e;
      }
    }
    assert.equal((err as eal.TsdpdkError | null)?.code, 'EAGAIN');
    assert.match(String((err as Error).message), /queue is full/);
  } finally {
    addon.mpClose(ign);
    addon.mpClose(rep);
    await eal.cleanup();
  }
});

test('primary mp-thread action relays to the secondaries; a dead primary: pending and new requests fail fast (ECONNREFUSED), primaryProcAlive() false', async (t) => {
  if (!loadNative()) return skipOrFail(t, 'native addon not built');
  const p = prefix('dead');
  const pri = new Child(PRIMARY, [p]);
  const pr = await pri.next();
  assert.equal(pr.ready, true);
  const sec = new Child(SECONDARY, [p, 'wait']);
  try {
    assert.deepEqual(await sec.next(), { ready: true, pid: sec.proc.pid, alive: true });
    sec.proc.stdin!.write('mp_test_pid 3000\n');
    const ok = await sec.next();
    assert.deepEqual([ok.ok, ok.nbReceived, ok.alive], [true, 1, true]);
    // The primary's mp thread handles this by asking every secondary (us) itself, then replying.
    sec.proc.stdin!.write('mp_test_relay 5000\n');
    const relay = await sec.next();
    assert.equal(relay.ok, true, JSON.stringify(relay));
    const rp = Buffer.from(String(relay.param), 'hex');
    assert.deepEqual([rp.readInt32LE(0), rp.readInt32LE(4), rp.readUInt32LE(8), rp.length], [1, 1, sec.proc.pid, 12]);
    // The primary never answers mp_test_silent; it dies while the secondary waits (timeout 20 s).
    sec.proc.stdin!.write('mp_test_silent 20000\n');
    await new Promise((r) => setTimeout(r, 300));
    pri.proc.kill('SIGKILL');
    const pending = await sec.next(15000);
    assert.equal(pending.code, 'ECONNREFUSED', JSON.stringify(pending));
    assert.match(String(pending.error), /primary process is not running/);
    assert.equal(pending.alive, false);
    sec.proc.stdin!.write('mp_test_pid 20000\n');
    const after = await sec.next(15000);
    assert.equal(after.code, 'ECONNREFUSED', JSON.stringify(after));
    assert.match(String(after.error), /primary process is not running/);
    assert.equal(after.alive, false);
    assert.equal(await sec.end(), 0);
  } finally {
    pri.proc.kill('SIGKILL');
    sec.proc.kill('SIGKILL');
  }
});

function dpdkTestpmd(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v dpdk-testpmd'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
}

test('interop: dpdk-testpmd primary answers our bus_vdev_mp scan; unknown action logged; keeps running', async (t) => {
  if (!loadNative()) return skipOrFail(t, 'native addon not built');
  const bin = dpdkTestpmd();
  if (bin === null) return skipOrFail(t, 'dpdk-testpmd is not installed');
  if (process.getuid?.() !== 0) return skipOrFail(t, 'dpdk-testpmd needs root for /var/run/dpdk');
  const p = prefix('tp');
  const dir = join('/var/run/dpdk', p);
  // -l 0-1: this process pinned itself to one cpu in eal.init, and children inherit that affinity.
  const tp = spawn(bin, ['--no-huge', '-m', '256', '--no-pci', '-l', '0-1', '--file-prefix', p, '--vdev', 'net_null0', '--vdev', 'net_null1',
    '--', '--total-num-mbufs=2048', '--stats-period', '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(tp);
  let log = '';
  tp.stdout.setEncoding('utf8').on('data', (d: string) => { log += d; });
  tp.stderr.setEncoding('utf8').on('data', (d: string) => { log += d; });
  const killer = setTimeout(() => tp.kill('SIGKILL'), 30000);
  const addon = mpAddon();
  let fd = -1;
  let self = '';
  try {
    // (testpmd's own printf output is block-buffered in a pipe; EAL logs are flushed.)
    assert.ok(await until(() => existsSync(join(dir, 'mp_socket')) && eal.primaryProcAlive(join(dir, 'config')), 20000), `testpmd did not start:\n${log}`);
    assert.equal(eal.primaryProcAlive(join(dir, 'config')), true, 'testpmd holds its config lock');
    self = secondarySocketPath(dir);
    fd = addon.mpBind(self);
    const to = join(dir, 'mp_socket');
    const buf = new Uint8Array(400);
    const fds = new Int32Array(8);
    const recv = (ms: number) => {
      const g = addon.mpRecv(fd, buf, fds, ms);
      if (g === null) return null;
      const m = decodeMsg(buf, g.len, g.truncated, fds, g.nfds);
      assert.ok(typeof m !== 'string', `DPDK sent a datagram we reject: ${m}`);
      return { ...m, path: g.path };
    };
    const scan = async (waitMs = 5000): Promise<{ ones: string[]; rep: { type: number; num: number } } | null> => {
      const req = new Uint8Array(72);
      req[0] = 1; // VDEV_SCAN_REQ
      addon.mpSend(fd, to, encodeMsg(MpType.REQ, { name: 'bus_vdev_mp', param: req, fds: [] }), none, 0);
      const ones: string[] = [];
      const end = Date.now() + waitMs;
      while (Date.now() < end) {
        const m = recv(100);
        if (m === null) { await new Promise((ok) => setImmediate(ok)); continue; }
        assert.equal(m.path, to);
        assert.equal(m.msg.name, 'bus_vdev_mp');
        assert.equal(m.msg.param.length, 72);
        const dv = new DataView(m.msg.param.buffer, m.msg.param.byteOffset);
        if (m.type === MpType.MSG) {
          assert.equal(dv.getInt32(0, true), 2); // VDEV_SCAN_ONE
          ones.push(text(m.msg.param.subarray(8)).replace(/\0.*$/s, ''));
        } else if (m.type === MpType.IGN) {
          // Still initialising (no vdev action yet): "ignore me". Ask again.
          await new Promise((ok) => setTimeout(ok, 200));
          addon.mpSend(fd, to, encodeMsg(MpType.REQ, { name: 'bus_vdev_mp', param: req, fds: [] }), none, 0);
          ones.length = 0;
        } else {
          assert.equal(m.type, MpType.REP);
          return { ones, rep: { type: dv.getInt32(0, true), num: dv.getInt32(4, true) } };
        }
      }
      return null;
    };
    const first = await scan();
    assert.ok(first !== null, `no reply from dpdk-testpmd:\n${log}`);
    assert.deepEqual(first, { ones: ['net_null0', 'net_null1'], rep: { type: 3, num: 2 } });
    // Unknown action: DPDK logs it (checked below: its stdout is block-buffered in a pipe) and sends nothing back.
    // While rte_eal_init is still running it answers IGN ("ignore me") instead.
    let answer: ReturnType<typeof recv> | undefined;
    for (let i = 0; i < 25 && answer !== null; i++) {
      addon.mpSend(fd, to, encodeMsg(MpType.REQ, { name: 'tsdpdk_no_such_action', param: new Uint8Array(0), fds: [] }), none, 0);
      answer = recv(300);
      if (answer !== null) {
        assert.deepEqual([answer.type, answer.msg.name, answer.msg.param.length], [MpType.IGN, 'tsdpdk_no_such_action', 0]);
        await new Promise((ok) => setTimeout(ok, 200));
      }
    }
    assert.equal(answer, null, 'once initialised, DPDK does not answer an unknown action');
    assert.deepEqual(await scan(), first, 'still serving after the unknown action');
    // A short datagram: DPDK 22.11 logs "truncated msg" and its mp thread stops reading (mp_handle leaves
    // its loop); the process keeps running. (Ours drops such datagrams and goes on.)
    addon.mpSend(fd, to, new Uint8Array(100), none, 0);
    assert.equal(await scan(1000), null);
    assert.equal(tp.exitCode, null, 'dpdk-testpmd still running');
  } finally {
    if (fd >= 0) addon.mpClose(fd);
    if (self !== '') rmSync(self, { force: true });
    tp.kill('SIGINT');
    await new Promise<void>((ok) => { if (tp.exitCode !== null || tp.signalCode !== null) ok(); else tp.once('close', () => ok()); });
    clearTimeout(killer);
  }
  assert.match(log, /Cannot find action: tsdpdk_no_such_action/);
  assert.match(log, /truncated msg/);
  assert.equal(existsSync(join(dir, 'mp_socket')), false, 'DPDK unlinks mp_socket at exit');
  assert.equal(eal.primaryProcAlive(join(dir, 'config')), false);
});

test('interop: dpdk-testpmd hotplug asks our socket-level secondary and obeys its REP; a dead secondary socket is unlinked', async (t) => {
  if (!loadNative()) return skipOrFail(t, 'native addon not built');
  const bin = dpdkTestpmd();
  if (bin === null) return skipOrFail(t, 'dpdk-testpmd is not installed');
  if (process.getuid?.() !== 0) return skipOrFail(t, 'dpdk-testpmd needs root for /var/run/dpdk');
  const p = prefix('hp');
  const dir = join('/var/run/dpdk', p);
  const tp = spawn(bin, ['--no-huge', '-m', '256', '--no-pci', '-l', '0-1', '--file-prefix', p, '--vdev', 'net_null0',
    '--', '-i', '--total-num-mbufs=2048'], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(tp);
  let log = '';
  tp.stdout!.setEncoding('utf8').on('data', (d: string) => { log += d; });
  tp.stderr!.setEncoding('utf8').on('data', (d: string) => { log += d; });
  const killer = setTimeout(() => tp.kill('SIGKILL'), 40000);
  const addon = mpAddon();
  let fd = -1;
  const self = secondarySocketPath(dir);
  try {
    assert.ok(await until(() => existsSync(join(dir, 'mp_socket')) && eal.primaryProcAlive(join(dir, 'config')), 20000), `testpmd did not start:\n${log}`);
    fd = addon.mpBind(self);
    const buf = new Uint8Array(400);
    const fds = new Int32Array(8);
    // struct eal_dev_mp_req { int t; char devargs[128]; int result; }: t 0 ATTACH, 2 ATTACH_ROLLBACK.
    const answer = async (result: number): Promise<{ t: number; devargs: string; result: number }> => {
      let g: ReturnType<typeof addon.mpRecv> = null;
      const end = Date.now() + 10000;
      while (g === null && Date.now() < end) {
        g = addon.mpRecv(fd, buf, fds, 50);
        if (g === null) await new Promise((ok) => setTimeout(ok, 10));
      }
      assert.ok(g !== null, `no hotplug request from dpdk-testpmd:\n${log}`);
      const m = decodeMsg(buf, g.len, g.truncated, fds, g.nfds);
      assert.ok(typeof m !== 'string', String(m));
      assert.deepEqual([m.type, m.msg.name, m.msg.param.length, g.path], [MpType.REQ, 'eal_dev_mp_request', 136, join(dir, 'mp_socket')]);
      const dv = new DataView(m.msg.param.buffer, m.msg.param.byteOffset);
      const req = { t: dv.getInt32(0, true), devargs: text(m.msg.param.subarray(4, 132)).replace(/\0.*$/s, ''), result: dv.getInt32(132, true) };
      const rep = m.msg.param.slice();
      new DataView(rep.buffer).setInt32(132, result, true);
      addon.mpSend(fd, g.path, encodeMsg(MpType.REP, { name: m.msg.name, param: rep, fds: [] }), none, 0);
      return req;
    };
    // Attach accepted by the secondary.
    tp.stdin!.write('port attach net_null2\n');
    assert.deepEqual(await answer(0), { t: 0, devargs: 'net_null2', result: 0 });
    // Attach refused (-ENODEV): DPDK rolls back and tells us, carrying our result.
    tp.stdin!.write('port attach net_null3\n');
    assert.deepEqual(await answer(-19), { t: 0, devargs: 'net_null3', result: 0 });
    assert.deepEqual(await answer(0), { t: 2, devargs: 'net_null3', result: -19 });
    // Our secondary "dies" (socket closed, file left): DPDK's next broadcast gets ECONNREFUSED and unlinks it.
    addon.mpClose(fd);
    fd = -1;
    assert.equal(existsSync(self), true);
    tp.stdin!.end('quit\n');
    await new Promise<void>((ok) => { if (tp.exitCode !== null) ok(); else tp.once('close', () => ok()); });
  } finally {
    if (fd >= 0) addon.mpClose(fd);
    tp.kill('SIGKILL');
    clearTimeout(killer);
  }
  assert.match(log, /Port 1 is attached/);
  assert.match(log, /Failed to attach device on secondary process/);
  assert.match(log, /Failed to attach port net_null3/);
  assert.equal(existsSync(self), false, 'dpdk-testpmd unlinked the dead secondary socket');
  rmSync(self, { force: true });
});

test('the mp thread starts under node --expose-gc / --trace-gc and under --input-type=module -e (npm run bench uses --expose-gc)', (t) => {
  if (process.getuid?.() !== 0) return skipOrFail(t, 'needs root for /var/run/dpdk');
  const eal = fileURLToPath(new URL('../src/lib/eal/index.js', import.meta.url));
  const script = `import * as eal from ${JSON.stringify(eal)};
eal.init(['--no-huge', '-m', '16', '-l', '0', '--file-prefix', 'mpgc' + process.pid, '--log-level', 'error', '--no-telemetry']);
const r = eal.mp.requestSync({ name: 'mp_none', param: new Uint8Array(0), fds: [] }, 100); // primary: no secondaries
console.log(JSON.stringify({ socket: eal.mp.socketPath(), sent: r.nbSent }));
await eal.cleanup();`;
  for (const flags of [['--expose-gc'], ['--expose-gc', '--trace-gc'], []]) {
    const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 0, `${flags.join(' ')}: ${r.stderr}`);
    const line = r.stdout.split('\n').find((l) => l.startsWith('{'))!;
    const o = JSON.parse(line) as { socket: string; sent: number };
    assert.match(o.socket, /\/mp_socket$/);
    assert.equal(o.sent, 0);
  }
  const file = join(tmpdir(), `tsdpdk_mpgc_${process.pid}.mjs`);
  writeFileSync(file, script);
  try {
    const r = spawnSync(process.execPath, ['--expose-gc', file], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /"socket":".*\/mp_socket"/);
  } finally {
    rmSync(file, { force: true });
  }
});
