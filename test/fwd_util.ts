// Shared by the end-to-end forwarding tests (l2fwd_tap, forward_qpairs): namespaces joined to the root
// namespace by veth pairs, bounded child processes with their output, and the python3 peer that sends
// frames into a namespace and captures what arrives there.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FWD_PEER_PY } from './fixtures/fwd_peer.js';

export function run(cmd: string, args: string[], timeout = 10000): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

export function sh(cmd: string, args: string[]): string {
  const r = run(cmd, args);
  if (!r.ok) throw new Error(`${cmd} ${args.join(' ')}: ${r.out.trim()}`);
  return r.out;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Why namespaces cannot be used here, or null. */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, veth, CAP_NET_RAW)';
  if (!run('python3', ['-c', 'import socket']).ok) return 'python3 is not available';
  return null;
}

/** Namespaces and root-side links this test file created, removed by cleanup(). */
export class Topology {
  private readonly nss: string[] = [];
  private readonly links: string[] = [];
  private readonly files: string[] = [];

  addNs(ns: string): void {
    sh('ip', ['netns', 'add', ns]);
    this.nss.push(ns);
    sh('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
  }

  /** A veth pair: `outer` in the root namespace (up, no IPv6), `inner` in ns (up, no IPv6, optional address). */
  veth(outer: string, inner: string, ns: string, o: { mtu?: number; addr?: string } = {}): void {
    sh('ip', ['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner, 'netns', ns]);
    this.links.push(outer);
    noIpv6Root(outer);
    noIpv6In(ns, inner);
    if (o.mtu !== undefined) {
      sh('ip', ['link', 'set', outer, 'mtu', String(o.mtu)]);
      sh('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', inner, 'mtu', String(o.mtu)]);
    }
    if (o.addr !== undefined) sh('ip', ['netns', 'exec', ns, 'ip', 'addr', 'add', o.addr, 'dev', inner]);
    sh('ip', ['link', 'set', outer, 'up']);
    sh('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', inner, 'up']);
  }

  file(name: string): string {
    const f = join(tmpdir(), `tsdpdk_${name}_${process.pid}`);
    this.files.push(f);
    return f;
  }

  cleanup(): void {
    for (const l of this.links) run('ip', ['link', 'del', l]);
    for (const n of this.nss) run('ip', ['netns', 'del', n]);
    for (const f of this.files) rmSync(f, { force: true });
  }
}

export function noIpv6Root(i: string): void {
  const p = `/proc/sys/net/ipv6/conf/${i}/disable_ipv6`;
  if (existsSync(p)) writeFileSync(p, '1');
}

export function noIpv6In(ns: string, i: string): void {
  run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `net.ipv6.conf.${i}.disable_ipv6=1`]);
}

/** Waits (bounded) until the root-namespace interfaces report operstate up. */
export async function waitOperUp(ifaces: string[], ms = 3000): Promise<void> {
  const up = (i: string): boolean => readFileSync(`/sys/class/net/${i}/operstate`, 'utf8').trim() === 'up';
  const end = Date.now() + ms;
  while (!ifaces.every(up) && Date.now() < end) await sleep(20);
}

export function macOf(i: string, ns?: string): string {
  const out = ns === undefined ? readFileSync(`/sys/class/net/${i}/address`, 'utf8') : sh('ip', ['netns', 'exec', ns, 'cat', `/sys/class/net/${i}/address`]);
  return out.trim().replaceAll(':', '');
}

export interface Child {
  p: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits for re in stdout (or stderr); fails when the child exits first or after ms. */
  waitFor: (re: RegExp, ms: number, from?: 'stdout' | 'stderr') => Promise<void>;
  /** SIGINT (or EOF on stdin with `eof`), then SIGKILL after ms. */
  stop: (ms?: number, eof?: boolean) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

/** A node child (script + args) killed after limitMs whatever happens. */
export function startNode(script: string, args: string[], limitMs = 50000, stdin = false): Child {
  const p = spawn(process.execPath, [script, ...args], { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  children.add(p);
  let o = '';
  let e = '';
  p.stdout!.on('data', (c: Buffer) => { o += c.toString(); });
  p.stderr!.on('data', (c: Buffer) => { e += c.toString(); });
  const limit = setTimeout(() => p.kill('SIGKILL'), limitMs);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => p.on('exit', (code, signal) => {
    clearTimeout(limit);
    children.delete(p);
    res({ code, signal });
  }));
  let done = false;
  void exited.then(() => { done = true; });
  const waitFor = async (re: RegExp, ms: number, from: 'stdout' | 'stderr' = 'stdout'): Promise<void> => {
    const end = Date.now() + ms;
    while (!re.test(from === 'stdout' ? o : e)) {
      if (done) throw new Error(`child exited before ${re}:\n${o}\n${e}`);
      if (Date.now() > end) throw new Error(`timeout waiting for ${re}:\n${o}\n${e}`);
      await sleep(20);
    }
  };
  const stop = async (ms = 10000, eof = false): Promise<{ code: number | null; signal: NodeJS.Signals | null }> => {
    if (!done) {
      if (eof) p.stdin!.end('\n');
      else p.kill('SIGINT');
    }
    const t = setTimeout(() => p.kill('SIGKILL'), ms);
    const r = await exited;
    clearTimeout(t);
    return r;
  };
  return { p, out: () => o, err: () => e, exited, waitFor, stop };
}

/** Kills whatever startNode child is still running (for `after`). */
export function killChildren(): void {
  for (const c of children) c.kill('SIGKILL');
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Sends frames from `iface` in `ns` (python3 peer; frames go through a file, not argv). */
export function peerSend(topo: Topology, ns: string, iface: string, frames: Uint8Array[]): void {
  const f = topo.file(`frames_${ns}_${iface}`);
  writeFileSync(f, frames.map(hex).join('\n') + '\n');
  const r = run('ip', ['netns', 'exec', ns, 'python3', '-c', FWD_PEER_PY, 'send', iface, f], 20000);
  assert.ok(r.ok, `peer send failed: ${r.out}`);
  assert.match(r.out, new RegExp(`sent ${frames.length}\\n`));
}

/** Starts a capture of up to count incoming frames (of ethertype et if given) on iface in ns; resolves once it listens. */
export async function peerCapture(ns: string, iface: string, count: number, timeoutS: number, et?: number): Promise<{ done: Promise<string[]> }> {
  const extra = et === undefined ? [] : [et.toString(16)];
  const p = spawn('ip', ['netns', 'exec', ns, 'python3', '-c', FWD_PEER_PY, 'capture', iface, String(count), String(timeoutS), ...extra]);
  const kill = setTimeout(() => p.kill('SIGKILL'), (timeoutS + 5) * 1000);
  let out = '';
  let err = '';
  p.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const closed = new Promise<void>((res) => p.on('close', () => { clearTimeout(kill); res(); }));
  await new Promise<void>((res, rej) => {
    p.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.startsWith('ready\n')) res();
    });
    void closed.then(() => rej(new Error(`capture exited early: ${out}${err}`)));
  });
  return {
    done: closed.then(() => {
      assert.match(out, /\nend\n$/, `capture did not finish: ${err}`);
      return out.split('\n').slice(1, -2);
    }),
  };
}

/** Equal as multisets of hex strings (order lost across queues), with a readable diff on failure. */
export function assertSameFrames(got: string[], want: string[], what: string): void {
  const g = [...got].sort();
  const w = [...want].sort();
  if (g.length === w.length && g.every((x, i) => x === w[i])) return;
  const count = (a: string[]): Map<string, number> => a.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const gc = count(g);
  const wc = count(w);
  const missing = [...wc].filter(([k, n]) => (gc.get(k) ?? 0) < n).map(([k]) => k.slice(0, 80));
  const extra = [...gc].filter(([k, n]) => (wc.get(k) ?? 0) < n).map(([k]) => k.slice(0, 80));
  assert.fail(`${what}: got ${g.length} frames, want ${w.length}; missing ${missing.length}: ${missing.slice(0, 5).join(' ')}; extra ${extra.length}: ${extra.slice(0, 5).join(' ')}`);
}

/** The last complete tsdpdk-l2fwd statistics screen: per port [sent, received, dropped]. */
export function l2fwdStats(out: string): Map<number, [number, number, number]> {
  const blocks = out.split('Port statistics ====').slice(1).filter((b) => /Aggregate statistics[^]*\n=+\n/.test(b));
  const m = new Map<number, [number, number, number]>();
  if (blocks.length === 0) return m;
  const re = /Statistics for port (\d+) -+\nPackets sent: +(\d+)\nPackets received: +(\d+)\nPackets dropped: +(\d+)/g;
  for (const x of blocks.at(-1)!.matchAll(re)) m.set(Number(x[1]), [Number(x[2]), Number(x[3]), Number(x[4])]);
  return m;
}

/** Waits until a statistics screen shows pred true (screens come every -T s); returns that screen. */
export async function waitL2fwdStats(c: Child, pred: (s: Map<number, [number, number, number]>) => boolean, ms = 8000): Promise<Map<number, [number, number, number]>> {
  const end = Date.now() + ms;
  for (;;) {
    const s = l2fwdStats(c.out());
    if (s.size > 0 && pred(s)) return s;
    if (Date.now() > end) assert.fail(`statistics never matched; last screen: ${JSON.stringify([...s])}\n${c.err()}`);
    await sleep(50);
  }
}

/** Waits for the next complete l2fwd statistics screen that starts after this call; returns it. */
export async function nextL2fwdScreen(c: Child, ms = 5000): Promise<Map<number, [number, number, number]>> {
  const from = c.out().length;
  const end = Date.now() + ms;
  for (;;) {
    const tail = c.out().slice(from);
    if (/Port statistics ====[^]*Aggregate statistics[^]*\n=+\n/.test(tail)) return l2fwdStats(tail);
    if (c.p.exitCode !== null || c.p.signalCode !== null) assert.fail(`l2fwd exited:\n${c.out()}\n${c.err()}`);
    if (Date.now() > end) assert.fail(`no statistics screen within ${ms} ms:\n${c.err()}`);
    await sleep(50);
  }
}

/**
 * Frames DPDK's l2fwd and testpmd's io mode forward as they are (they never look past the MAC
 * addresses): bad L3 under IPv4/IPv6/ARP ethertypes, unknown and 802.3 types, VLAN/QinQ, broadcast and
 * multicast, a bare header; then IPv4 frames of 2048 (the mbuf data room), 2049, 3500 and `maxLen` bytes.
 */
export function malformedFrames(maxLen: number): Uint8Array[] {
  const eth = (type: number, payload: number[], dst = [0x02, 0, 0, 0, 0, 0xbb]): Uint8Array =>
    Uint8Array.from([...dst, 0x02, 0, 0, 0, 0, 0xaa, type >> 8, type & 0xff, ...payload]);
  const junk = (n: number, s: number): number[] => Array.from({ length: n }, (_, i) => (i * 31 + s) & 0xff);
  const big = (len: number, s: number): Uint8Array =>
    eth(0x0800, [0x45, 0, (len - 14) >> 8, (len - 14) & 0xff, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, ...junk(len - 34, s)]);
  return [
    eth(0x0800, junk(6, 1)), // IPv4 ethertype, 6 bytes: no room for a header
    eth(0x0800, [0x4f, 0, 0, 40, ...junk(16, 2)]), // IHL 15 (60 bytes) in a 20-byte header
    eth(0x0800, [0x45, 0, 0x05, 0xdc, ...junk(42, 3)]), // total length 1500 in a 60-byte frame
    eth(0x0800, [0x65, 0, 0, 20, ...junk(16, 4)]), // version 6 under the IPv4 ethertype
    eth(0x86dd, junk(10, 5)), // truncated IPv6 header
    eth(0x0806, junk(7, 6)), // truncated ARP
    eth(0xffff, junk(46, 7)), // unknown ethertype
    eth(0x0000, junk(46, 8)), // 802.3 length 0
    eth(0x05dc, junk(30, 9)), // 802.3 length 1500 in a short frame
    eth(0x88b5, []), // header only, no payload
    eth(0x8100, [0x00, 0x64, 0x88, 0xb5, ...junk(44, 10)]), // 802.1Q VID 100
    eth(0x88a8, [0x00, 0x0a, 0x81, 0x00, 0x00, 0x14, 0x08, 0x00, ...junk(10, 11)]), // QinQ over a truncated IPv4
    eth(0x0800, junk(50, 12), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // broadcast garbage
    eth(0x88b5, junk(50, 13), [0x01, 0x00, 0x5e, 0x00, 0x00, 0x01]), // multicast
    big(2048, 14), // exactly the mbuf data room: one segment
    big(2049, 15), // one byte more: two segments
    big(3500, 16),
    big(maxLen, 17),
  ];
}

/** Ethernet + IPv4 + UDP from sip:sport to dip:dport, len bytes, payload from seed. */
export function udp(len: number, sip: number, dip: number, sport: number, dport: number, seed: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 42; i < len; i++) b[i] = (i * 13 + seed) & 0xff;
  b.set([0x02, 0, 0, 0, 0, 0xbb, 0x02, 0, 0, 0, 0, 0xaa, 0x08, 0x00]);
  const ipLen = len - 14;
  b.set([0x45, 0, ipLen >> 8, ipLen & 0xff, 0, seed & 0xff, 0, 0, 64, 17, 0, 0, 10, 0, 0, sip, 10, 0, 0, dip], 14);
  let sum = 0;
  for (let i = 14; i < 34; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  b[24] = (~sum >> 8) & 0xff;
  b[25] = ~sum & 0xff;
  const uLen = len - 34;
  b.set([sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, uLen >> 8, uLen & 0xff, 0, 0], 34);
  return b;
}
