// Helpers for the testpmd tests: run tsdpdk-testpmd / dpdk-testpmd as child processes, a small classic
// pcap reader/writer, and packet builders with real checksums.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OURS = fileURLToPath(new URL('../src/app/testpmd/main.js', import.meta.url));

let prefixSeq = 0;
const usedPrefixes: string[] = [];
export function filePrefix(tag: string): string {
  const p = `tp${tag}_${process.pid}_${prefixSeq++}`;
  usedPrefixes.push(p);
  return p;
}

/** Removes the runtime directories (/var/run/dpdk/<prefix> and the like) both testpmds leave behind. */
export function removeRuntimeDirs(): void {
  const bases = ['/var/run/dpdk', join(process.env.XDG_RUNTIME_DIR ?? '/tmp', 'dpdk'), '/tmp/dpdk'];
  for (const p of usedPrefixes) for (const b of bases) rmSync(join(b, p), { recursive: true, force: true });
}

export function dpdkTestpmd(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v dpdk-testpmd'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
}

/** Whether tsdpdk registers its net_pcap PMD (src/drivers/net/index.ts imports it). */
export function oursHasPcap(): boolean {
  const idx = fileURLToPath(new URL('../src/drivers/net/index.js', import.meta.url));
  return existsSync(idx) && /pcap/.test(readFileSync(idx, 'utf8'));
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Lines written to stdin (each followed by a wait), then stdin is closed; null: stdin is /dev/null. */
  input?: { text: string; delayMs?: number }[] | null;
  /** Write "\n" to stdin once this is true (polled), or 5 s before the timeout. */
  pressEnterWhen?: () => boolean;
  /** Send this signal once stdout shows `afterText`. */
  signal?: { name: NodeJS.Signals; afterText: string; delayMs?: number };
  timeoutMs?: number;
}

/** Runs a testpmd (ours: node OURS; DPDK: the binary) with EAL args, `--`, app args. */
export function runTestpmd(which: 'ours' | string, eal: string[], app: string[], o: RunOptions = {}): Promise<RunResult> {
  const args = [...eal, '--', ...app];
  const cmd = which === 'ours' ? process.execPath : which;
  const argv = which === 'ours' ? [OURS, ...args] : args;
  const interactiveInput = o.input !== undefined && o.input !== null;
  const needStdin = interactiveInput || o.pressEnterWhen !== undefined;
  const child = spawn(cmd, argv, { stdio: [needStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  let signalled = false;
  child.stdout!.on('data', (d: string) => {
    stdout += d;
    if (o.signal && !signalled && stdout.includes(o.signal.afterText)) {
      signalled = true;
      setTimeout(() => child.kill(o.signal!.name), o.signal.delayMs ?? 0);
    }
  });
  child.stderr!.on('data', (d: string) => {
    stderr += d;
  });
  const timeout = o.timeoutMs ?? 30000;
  const killer = setTimeout(() => child.kill('SIGKILL'), timeout);
  if (interactiveInput) {
    void (async () => {
      for (const step of o.input!) {
        child.stdin!.write(step.text);
        await new Promise((r) => setTimeout(r, step.delayMs ?? 0));
      }
      child.stdin!.end();
    })();
  } else if (o.pressEnterWhen) {
    const started = Date.now();
    // (dpdk-testpmd's stdout is block-buffered in a pipe: "Press enter to exit" may not show yet.)
    const poll = setInterval(() => {
      if (o.pressEnterWhen!() || Date.now() - started > timeout - 5000) {
        clearInterval(poll);
        child.stdin!.end('\n');
      }
    }, 20);
    child.on('exit', () => clearInterval(poll));
  }
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// ---- classic pcap ----

export function writePcap(file: string, packets: Uint8Array[]): void {
  const parts: Buffer[] = [];
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(65535, 16);
  h.writeUInt32LE(1, 20);
  parts.push(h);
  packets.forEach((p, i) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(1700000000, 0);
    r.writeUInt32LE(i, 4);
    r.writeUInt32LE(p.length, 8);
    r.writeUInt32LE(p.length, 12);
    parts.push(r, Buffer.from(p));
  });
  writeFileSync(file, Buffer.concat(parts));
}

/** Packet bytes of a classic pcap file (either resolution, either byte order); [] when absent/short. */
export function readPcap(file: string): Uint8Array[] {
  if (!existsSync(file)) return [];
  const b = readFileSync(file);
  if (b.length < 24) return [];
  const m = b.readUInt32LE(0);
  const le = m === 0xa1b2c3d4 || m === 0xa1b23c4d;
  if (!le && b.readUInt32BE(0) !== 0xa1b2c3d4 && b.readUInt32BE(0) !== 0xa1b23c4d) throw new Error(`${file}: not a pcap file`);
  const out: Uint8Array[] = [];
  let o = 24;
  while (o + 16 <= b.length) {
    const incl = le ? b.readUInt32LE(o + 8) : b.readUInt32BE(o + 8);
    if (o + 16 + incl > b.length) break;
    out.push(new Uint8Array(b.subarray(o + 16, o + 16 + incl)));
    o += 16 + incl;
  }
  return out;
}

export function hex(p: Uint8Array): string {
  return Buffer.from(p).toString('hex');
}

// ---- packets ----

export function mac(s: string): number[] {
  return s.split(':').map((x) => parseInt(x, 16));
}

function sum16(b: number[], start = 0, end = b.length, init = 0): number {
  let s = init;
  for (let i = start; i < end; i += 2) s += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

export function cksum(b: number[], init = 0): number {
  return ~sum16(b, 0, b.length, init) & 0xffff;
}

const be16 = (v: number): number[] => [(v >>> 8) & 0xff, v & 0xff];
const ip4 = (s: string): number[] => s.split('.').map(Number);

export function ether(dst: string, src: string, type: number, payload: number[], vlans: { tpid: number; tci: number }[] = []): number[] {
  const tags: number[] = [];
  for (const v of vlans) tags.push(...be16(v.tpid), ...be16(v.tci));
  return [...mac(dst), ...mac(src), ...tags, ...be16(type), ...payload];
}

export interface Ipv4Opts { src: string; dst: string; proto: number; ttl?: number; id?: number; options?: number[]; badCksum?: boolean }

export function ipv4(o: Ipv4Opts, payload: number[]): number[] {
  const opts = o.options ?? [];
  const ihl = 5 + opts.length / 4;
  const total = ihl * 4 + payload.length;
  const h = [0x40 | ihl, 0, ...be16(total), ...be16(o.id ?? 0x1234), 0x40, 0, o.ttl ?? 64, o.proto, 0, 0, ...ip4(o.src), ...ip4(o.dst), ...opts];
  let c = cksum(h);
  if (o.badCksum) c ^= 0x5a5a;
  h[10] = c >>> 8;
  h[11] = c & 0xff;
  return [...h, ...payload];
}

export function ipv6(src: number[], dst: number[], next: number, payload: number[]): number[] {
  return [0x60, 0, 0, 0, ...be16(payload.length), next, 64, ...src, ...dst, ...payload];
}

export function v6addr(last: number): number[] {
  return [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last];
}

type L4Ck = 'good' | 'bad' | 'zero';

function pseudo4(src: string, dst: string, proto: number, len: number): number {
  return sum16([...ip4(src), ...ip4(dst), 0, proto, ...be16(len)]);
}

function pseudo6(src: number[], dst: number[], proto: number, len: number): number {
  return sum16([...src, ...dst, 0, 0, ...be16(len), 0, 0, 0, proto]);
}

function l4(hdr: number[], payload: number[], ckOff: number, ps: number, mode: L4Ck, udp: boolean): number[] {
  const seg = [...hdr, ...payload];
  if (mode === 'zero') return seg;
  let c = cksum(seg, ps);
  if (udp && c === 0) c = 0xffff;
  if (mode === 'bad') c ^= 0x1111;
  seg[ckOff] = c >>> 8;
  seg[ckOff + 1] = c & 0xff;
  return seg;
}

export function udp4(src: string, dst: string, sport: number, dport: number, payload: number[], mode: L4Ck = 'good'): number[] {
  const len = 8 + payload.length;
  return l4([...be16(sport), ...be16(dport), ...be16(len), 0, 0], payload, 6, pseudo4(src, dst, 17, len), mode, true);
}

export function tcp4(src: string, dst: string, sport: number, dport: number, payload: number[], mode: L4Ck = 'good'): number[] {
  const hdr = [...be16(sport), ...be16(dport), 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0];
  return l4(hdr, payload, 16, pseudo4(src, dst, 6, hdr.length + payload.length), mode, false);
}

export function udp6(src: number[], dst: number[], sport: number, dport: number, payload: number[], mode: L4Ck = 'good'): number[] {
  const len = 8 + payload.length;
  return l4([...be16(sport), ...be16(dport), ...be16(len), 0, 0], payload, 6, pseudo6(src, dst, 17, len), mode, true);
}

export function tcp6(src: number[], dst: number[], sport: number, dport: number, payload: number[], mode: L4Ck = 'good'): number[] {
  const hdr = [...be16(sport), ...be16(dport), 0, 0, 0, 7, 0, 0, 0, 0, 0x60, 0x10, 0x10, 0x00, 0, 0, 0, 0, 2, 4, 5, 0xb4];
  return l4(hdr, payload, 16, pseudo6(src, dst, 6, hdr.length + payload.length), mode, false);
}

export function icmpEcho(type: number, id: number, seq: number, payload: number[], badCk = false): number[] {
  const m = [type, 0, 0, 0, ...be16(id), ...be16(seq), ...payload];
  let c = cksum(m);
  if (badCk) c ^= 0x0101;
  m[2] = c >>> 8;
  m[3] = c & 0xff;
  return m;
}

export function arp(op: number, sha: string, sip: string, tha: string, tip: string): number[] {
  return [0, 1, 8, 0, 6, 4, ...be16(op), ...mac(sha), ...ip4(sip), ...mac(tha), ...ip4(tip)];
}

export function bytes(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
}

/** Is this packet's IPv4 header checksum right (header at `off`)? */
export function ipv4CksumOk(p: Uint8Array, off: number): boolean {
  const ihl = (p[off]! & 0x0f) * 4;
  return sum16(Array.from(p.subarray(off, off + ihl))) === 0xffff;
}

/** Is the UDP/TCP checksum of this IPv4 packet right (IPv4 header at `off`)? */
export function ipv4L4CksumOk(p: Uint8Array, off: number): boolean {
  const ihl = (p[off]! & 0x0f) * 4;
  const total = (p[off + 2]! << 8) | p[off + 3]!;
  const len = total - ihl;
  const ps = sum16([...p.subarray(off + 12, off + 20), 0, p[off + 9]!, (len >>> 8) & 0xff, len & 0xff]);
  return sum16(Array.from(p.subarray(off + ihl, off + total)), 0, len, ps) === 0xffff;
}
