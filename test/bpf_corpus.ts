// Shared by the BPF and pcap-filter tests: a corpus of varied Ethernet frames, a private arena that lays
// frames out as (possibly multi-segment) mbufs, and libpcap's program for an expression (tcpdump -ddd).

import { spawnSync } from 'node:child_process';
import { bpfBindMemory } from '../src/lib/bpf/index.js';
import { M_BUF_ADDR, M_DATA_LEN, M_DATA_OFF, M_NB_SEGS, M_NEXT, M_PKT_LEN } from '../src/lib/mbuf/mbuf_layout.js';

const MAC_A = [0x02, 0, 0, 0, 0, 0x0a];
const MAC_B = [0x02, 0, 0, 0, 0, 0x0b];
const BCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const MCAST = [0x01, 0x00, 0x5e, 0x00, 0x00, 0x01];

const be16 = (v: number) => [(v >>> 8) & 0xff, v & 0xff];
const ip4 = (s: string) => s.split('.').map(Number);

function eth(dst: number[], src: number[], type: number, payload: number[], vlans: [number, number][] = []): number[] {
  const tags: number[] = [];
  for (const [tpid, tci] of vlans) tags.push(...be16(tpid), ...be16(tci));
  return [...dst, ...src, ...tags, ...be16(type), ...payload];
}

function l4(proto: number, sport: number, dport: number, flags: number, body = 12): number[] {
  const pay = Array.from({ length: body }, (_, i) => (i * 7 + sport) & 0xff);
  if (proto === 6) return [...be16(sport), ...be16(dport), 0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, ...be16(1024), 0, 0, 0, 0, ...pay];
  if (proto === 17) return [...be16(sport), ...be16(dport), ...be16(8 + body), 0, 0, ...pay];
  if (proto === 132) return [...be16(sport), ...be16(dport), 0, 0, 0, 1, 0, 0, 0, 0, ...pay];
  if (proto === 1 || proto === 58) return [[0, 8, 3, 11, 128, 129][sport % 6]!, 0, 0, 0, ...be16(dport), 0, 1, ...pay];
  return pay;
}

function ipv4(src: string, dst: string, proto: number, payload: number[], opts: { frag?: number; ihl?: number; ttl?: number } = {}): number[] {
  const ihl = opts.ihl ?? 5;
  const h = [0x40 | ihl, 0, ...be16(ihl * 4 + payload.length), 0x12, 0x34, ...be16(opts.frag ?? 0x4000), opts.ttl ?? 64, proto, 0, 0, ...ip4(src), ...ip4(dst)];
  for (let i = 20; i < ihl * 4; i++) h.push(1); // NOP options
  return [...h, ...payload];
}

function ipv6(src: number, dst: number, nxt: number, payload: number[], frag?: { nxt: number; off: number }): number[] {
  const a = (last: number) => (last === 4 ? [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] : [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last]);
  let pl = payload;
  let n = nxt;
  if (frag) { pl = [frag.nxt, 0, ...be16(frag.off), 0, 0, 0, 7, ...payload]; n = 44; }
  return [0x60, 0, 0, 0, ...be16(pl.length), n, 64, ...a(src), ...a(dst), ...pl];
}

function arp(op: number, spa: string, tpa: string): number[] {
  return [0, 1, 8, 0, 6, 4, ...be16(op), ...MAC_A, ...ip4(spa), ...MAC_B, ...ip4(tpa)];
}

/** A few hundred frames: IPv4/IPv6/ARP/RARP/VLAN/QinQ, fragments, TCP/UDP/ICMP/SCTP/IGMP, odd ethertypes, truncations. */
export function buildCorpus(): Uint8Array[] {
  const out: number[][] = [];
  const addrs = ['10.0.0.1', '10.1.2.3', '192.168.1.1', '1.2.3.4', '172.16.5.4', '224.0.0.1', '255.255.255.255', '11.0.0.1'];
  const ports = [53, 80, 443, 22, 1024, 5000, 8080, 67, 123, 65535];
  const tcpFlags = [0x02, 0x12, 0x10, 0x11, 0x04, 0x18];
  let r = 1;
  const rnd = (n: number) => { r = (r * 1103515245 + 12345) & 0x7fffffff; return (r >>> 12) % n; };
  for (let i = 0; i < 120; i++) {
    const proto = [6, 17, 1, 132, 2, 6, 17][i % 7]!;
    const src = addrs[rnd(addrs.length)]!, dst = addrs[rnd(addrs.length)]!;
    const sp = ports[rnd(ports.length)]!, dp = ports[rnd(ports.length)]!;
    const frag = i % 11 === 5 ? 0x2000 | 0 : i % 13 === 6 ? 0x0010 : 0x4000;
    const ihl = i % 9 === 4 ? 6 + (i % 3) : 5;
    const body = rnd(3) === 0 ? 60 + rnd(200) : rnd(40);
    const dmac = i % 17 === 3 ? BCAST : i % 19 === 4 ? MCAST : MAC_B;
    const p = ipv4(src, dst, proto, l4(proto, sp, dp, tcpFlags[rnd(tcpFlags.length)]!, body), { frag, ihl });
    const vl: [number, number][] = i % 10 === 7 ? [[0x8100, 100 + (i % 3) * 100]] : i % 23 === 8 ? [[0x88a8, 300], [0x8100, 100]] : [];
    out.push(eth(dmac, i % 5 === 2 ? MAC_B : MAC_A, 0x0800, p, vl));
  }
  for (let i = 0; i < 50; i++) {
    const nxt = [6, 17, 58, 132, 6, 17][i % 6]!;
    const sp = ports[rnd(ports.length)]!, dp = ports[rnd(ports.length)]!;
    const fr = i % 7 === 3 ? { nxt, off: i % 2 ? 0x0001 : 0x0008 } : undefined;
    const p = ipv6(1 + (i % 4), 2 + (i % 3) + (i % 5 === 1 ? 2 - (i % 3) : 0), nxt, l4(nxt, sp, dp, tcpFlags[i % tcpFlags.length]!, rnd(30)), fr);
    const vl: [number, number][] = i % 8 === 5 ? [[0x8100, 100]] : [];
    out.push(eth(i % 9 === 2 ? MCAST : MAC_B, MAC_A, 0x86dd, p, vl));
  }
  for (let i = 0; i < 30; i++) {
    const type = i % 5 === 4 ? 0x8035 : 0x0806;
    const p = arp(1 + (i % 2), addrs[rnd(addrs.length)]!, addrs[rnd(addrs.length)]!);
    out.push(eth(i % 2 ? BCAST : MAC_B, MAC_A, type, p, i % 6 === 1 ? [[0x8100, 200]] : []));
  }
  for (const type of [0x88cc, 0x88f7, 0x0101, 0x002e, 0x9000, 0x8847]) {
    out.push(eth(MAC_B, MAC_A, type, Array.from({ length: 46 }, (_, k) => k)));
  }
  const whole = out.slice();
  // Truncated copies of some frames (cut inside headers).
  for (let i = 0; i < whole.length; i += 4) {
    const f = whole[i]!;
    const cut = [10, 13, 14, 16, 20, 24, 30, 34, 36, 38, 40, 42, 54, 56, 58][rnd(15)]!;
    if (cut < f.length) out.push(f.slice(0, cut));
  }
  out.push([]);
  return out.map((f) => Uint8Array.from(f));
}

/** Frames as mbufs in a private buffer; every third frame of more than 20 bytes is split into 3 segments. */
export class MbufArena {
  readonly u8: Uint8Array;
  readonly mbufs: Uint32Array;
  private top = 64;

  constructor(frames: Uint8Array[], segment = true) {
    this.u8 = new Uint8Array(frames.reduce((s, f) => s + f.length + 3 * 512, 4096));
    const dv = new DataView(this.u8.buffer);
    this.mbufs = new Uint32Array(frames.length);
    frames.forEach((f, i) => {
      const cuts = segment && i % 3 === 1 && f.length > 20 ? [0, 7 + (i % 11), 7 + (i % 11) + (i % 5), f.length] : [0, f.length]; // i % 5 = 0: an empty middle segment
      let prev = 0;
      for (let s = 0; s + 1 < cuts.length; s++) {
        const m = this.top;
        const data = f.subarray(cuts[s]!, cuts[s + 1]!);
        this.top += 128 + 64 + ((data.length + 63) & ~63);
        dv.setUint32(m + M_BUF_ADDR, m + 128, true);
        dv.setUint16(m + M_DATA_OFF, 64, true);
        dv.setUint16(m + M_DATA_LEN, data.length, true);
        dv.setUint32(m + M_PKT_LEN, s === 0 ? f.length : 0, true);
        dv.setUint16(m + M_NB_SEGS, s === 0 ? cuts.length - 1 : 1, true);
        this.u8.set(data, m + 128 + 64);
        if (s === 0) this.mbufs[i] = m;
        else dv.setUint32(prev + M_NEXT, m, true);
        prev = m;
      }
    });
  }

  bind(): void {
    bpfBindMemory(this.u8);
  }
}

/** libpcap's classic program for `expr` (tcpdump -ddd -y EN10MB, -O without the optimizer), or null when tcpdump is missing. */
export function libpcapProgram(expr: string, snaplen = 262144, optimize = true): string | null {
  const r = spawnSync('tcpdump', ['-ddd', ...(optimize ? [] : ['-O']), '-y', 'EN10MB', '-s', String(snaplen), expr], { encoding: 'utf8', timeout: 10000 });
  if (r.error) return null;
  if (r.status !== 0) throw new Error(`tcpdump -ddd '${expr}': ${r.stderr}`);
  return r.stdout;
}

export function haveTcpdump(): boolean {
  return spawnSync('sh', ['-c', 'command -v tcpdump'], { stdio: 'ignore' }).status === 0;
}
