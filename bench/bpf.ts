// bench/bpf: per-packet cost of capture filters over a burst of 32 mbufs (a mix of UDP/TCP/ARP/IPv6
// frames). The same classic program (libpcap's, from tcpdump -ddd) is converted and run by ours
// (interpreter, JS "JIT") and by DPDK C (bench/c/bpf_perf.c: rte_bpf_convert, rte_bpf_exec_burst, the
// x86-64 JIT from rte_bpf_get_jit). Also our own compiler's (unoptimized) program on our JIT. Mpps.
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as B from '../src/lib/bpf/index.js';
import * as eal from '../src/lib/eal/index.js';
import * as mbuf from '../src/lib/mbuf/index.js';
import { pcapCompile } from '../src/lib/pcap_filter/index.js';
import { buildDpdkC, countGc, cSource, median, result, runs } from './harness.js';

const SECS = Number(process.env.BENCH_CASE_SECONDS ?? 0.3);
const BURST = 32;
const PROGRAMS: [string, string][] = [
  ['udp_port_53', 'udp port 53'],
  // tcp[12:2] & 2 (SYN in the low byte) rather than tcp[13] & 2: DPDK's rte_bpf_convert indexes byte
  // loads after the header length with the wrong register (see docs/bpf.md), so its program would differ.
  ['tcp_syn_net10', 'tcp[12:2] & 2 != 0 and ip src net 10.0.0.0/8'],
  ['vlan_host', 'vlan 100 and host 10.0.0.2'],
];

/** 32 frames: UDP/53 and other UDP, TCP SYN/ACK from 10/8 and elsewhere, ARP, IPv6 UDP, VLAN IPv4. */
function frames(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < BURST; i++) {
    const kind = i % 8;
    const f = new Uint8Array(kind === 5 ? 78 : 64 + (i % 4) * 100);
    const dv = new DataView(f.buffer);
    f.set([2, 0, 0, 0, 0, 0xb, 2, 0, 0, 0, 0, 0xa]);
    let l3 = 14;
    if (kind === 7) { dv.setUint16(12, 0x8100); dv.setUint16(14, 100); l3 = 18; }
    if (kind === 4) { dv.setUint16(12, 0x0806); dv.setUint16(14, 1); continue_arp(f); out.push(f); continue; }
    if (kind === 5) {
      dv.setUint16(12, 0x86dd); f[14] = 0x60; dv.setUint16(18, 24); f[20] = 17; f[21] = 64;
      dv.setUint16(54, 5353); dv.setUint16(56, 53);
      out.push(f);
      continue;
    }
    dv.setUint16(l3 - 2, 0x0800);
    const proto = kind === 0 || kind === 1 ? 17 : 6;
    f.set([0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, proto], l3);
    dv.setUint16(l3 + 2, f.length - l3);
    dv.setUint32(l3 + 12, kind === 2 || kind === 3 ? 0x0a000001 + i : 0xc0a80101);
    dv.setUint32(l3 + 16, 0x0a000002);
    dv.setUint16(l3 + 20, 1000 + i);
    dv.setUint16(l3 + 22, kind === 0 ? 53 : 80);
    if (proto === 6) f[l3 + 33] = kind === 2 || kind === 6 ? 0x02 : 0x10;
    out.push(f);
  }
  return out;
}

function continue_arp(f: Uint8Array): void {
  f.set([0, 1, 8, 0, 6, 4, 0, 1], 14);
  f.set([192, 168, 1, 1], 28);
  f.set([10, 0, 0, 2], 38);
}

function loop(jit: boolean, bpf: B.Bpf, ctx: Uint32Array, rc: Uint32Array, iters: number): number {
  const t0 = performance.now();
  if (jit) for (let i = 0; i < iters; i++) B.jitExecBurst(bpf, ctx, rc, BURST);
  else for (let i = 0; i < iters; i++) B.bpfExecBurst(bpf, ctx, rc, BURST);
  return (performance.now() - t0) / 1000;
}

function measure(fn: boolean, bpf: B.Bpf, ctx: Uint32Array, rc: Uint32Array): number {
  const probe = 2000 / loop(fn, bpf, ctx, rc, 2000);
  const iters = Math.ceil(probe * SECS);
  return (iters * BURST) / loop(fn, bpf, ctx, rc, iters);
}

export async function run(): Promise<void> {
  const prefix = `bench_bpf_${process.pid}`;
  const ealArgs = ['--no-huge', '-m', '256', '-l', '0', '--no-pci', '--log-level=error'];
  eal.init([...ealArgs, '--file-prefix', prefix]);
  const w = eal.sharedWindow();
  B.bpfBindMemory(w.u8, w.u16, w.u32);
  const mp = mbuf.pktmbufPoolCreate('perf_bpf', 255, 0, 0, mbuf.MBUF_DEFAULT_BUF_SIZE);
  const fr = frames();
  const ctx = eal.burstArray(BURST);
  if (mbuf.allocBulk(mp, ctx, BURST) !== 0) throw new Error('alloc failed');
  fr.forEach((f, k) => {
    const m = ctx[k]!;
    const p = mbuf.append(m, f.length);
    w.u8.set(f, p);
  });
  const rc = new Uint32Array(BURST);
  const file = join(tmpdir(), `${prefix}.frames`);
  writeFileSync(file, Buffer.concat(fr.flatMap((f) => [Buffer.from([f.length & 0xff, f.length >>> 8]), Buffer.from(f)])));
  const progs = PROGRAMS.map(([name, expr]) => {
    const text = execFileSync('tcpdump', ['-ddd', '-y', 'EN10MB', '-s', '2176', expr], { encoding: 'utf8' });
    const lib = B.bpfLoad(B.bpfConvert(B.CbpfProgram.parseDecimal(text)), { jit: true });
    const ours = B.bpfLoad(B.bpfConvert(pcapCompile(expr, 2176)), { jit: true });
    const kept = B.bpfExecBurst(lib, ctx, rc, BURST);
    if (B.bpfExecBurst(ours, ctx, rc, BURST) !== kept) throw new Error(`${expr}: our compiler disagrees with libpcap`);
    console.log(`# ${name}: '${expr}' keeps ${kept}/${BURST}; libpcap ${lib.n} eBPF insns, ours ${ours.n}`);
    return { name, text, lib, ours };
  });
  const c = buildDpdkC(cSource('bpf_perf.c'));
  if (!c.bin) console.log(`# DPDK C side unavailable: ${c.reason}`);
  const ours = new Map<string, number[]>();
  const dpdk = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, v: number) => m.set(k, [...(m.get(k) ?? []), v]);
  const crashed = new Set<string>();
  for (let r = 0; r < runs(); r++) {
    for (const p of progs) {
      push(ours, `${p.name}_interp`, measure(false, p.lib, ctx, rc));
      push(ours, `${p.name}_jit`, measure(true, p.lib, ctx, rc));
      push(ours, `${p.name}_jit_ourcompiler`, measure(true, p.ours, ctx, rc));
    }
    if (c.bin) {
      // One process per program: a DPDK crash (seen: SIGSEGV in its x86 JIT) loses only that case.
      for (const p of progs) {
        const args = [...ealArgs, '--file-prefix', `${prefix}_c`, '--', String(SECS), file, p.name, p.text.trim().split('\n').join(',')];
        const r = spawnSync(c.bin, args, { encoding: 'utf8', timeout: 120000 });
        for (const line of (r.stdout ?? '').split('\n')) {
          const f = line.trim().split(/\s+/);
          if (f.length === 2 && Number.isFinite(Number(f[1]))) push(dpdk, f[0]!, Number(f[1]));
        }
        if (r.status !== 0 && !crashed.has(p.name)) {
          crashed.add(p.name);
          console.log(`# DPDK C side for ${p.name}: exit ${r.status ?? r.signal} after: ${(r.stdout ?? '').trim().split('\n').join('; ') || 'nothing'}`);
        }
      }
    }
  }
  const gc = await countGc(() => {
    let t = 0;
    while (t < 2) t += loop(true, progs[1]!.lib, ctx, rc, 100000) + loop(false, progs[1]!.lib, ctx, rc, 20000);
    return t;
  });
  mbuf.freeBulk(ctx, BURST);
  mp.free();
  rmSync(file, { force: true });
  await eal.cleanup();
  for (const [k, v] of ours) {
    const dk = k.endsWith('_ourcompiler') ? k.replace('_ourcompiler', '') : k;
    const d = dpdk.get(dk);
    result(`bpf_${k}`, median(v) / 1e6, d ? median(d) / 1e6 : NaN, 'Mpps');
  }
  result(`bpf_gc_events_${gc.value.toFixed(1)}s`, gc.gcCount, NaN, 'events');
}

if (process.argv[1]?.endsWith('bpf.js')) await run();
