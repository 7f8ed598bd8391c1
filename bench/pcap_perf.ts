// bench/pcap: write and read+copy rates of 1,000,000-packet pcap and pcapng files (npm run bench -- pcap).
// The I/O buffers and the packet memory share one shared WebAssembly.Memory, as in a tsdpdk process,
// so copies are Wasm memory.copy ("shared"); "private" reads into a private Buffer and copies with
// Buffer.copy. No DPDK side here: the net_pcap PMD vs dpdk-testpmd comparison belongs to the PMD's
// benchmark. BENCH_PACKETS overrides the count.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openCaptureReader, PcapngWriter, PcapWriter } from '../src/lib/pcapng/index.js';
import { countGc, median, result, runs } from './harness.js';

const N = Number(process.env.BENCH_PACKETS ?? 1_000_000);
const memory = new WebAssembly.Memory({ initial: 128, maximum: 128, shared: true });
const sab = memory.buffer;
const wio = new Uint8Array(sab, 0, 1 << 20);
const rio = new Uint8Array(sab, 1 << 20, 1 << 20);
const pkts = new Uint8Array(sab, 2 << 20, 1 << 20);
const mbufs = new Uint8Array(sab, 4 << 20, 4 << 20);
for (let i = 0; i < pkts.length; i++) pkts[i] = (i * 13) & 0xff;

function writePcap(path: string, size: number): number {
  const t0 = performance.now();
  const w = PcapWriter.open(path, { ioBuffer: wio, memory });
  for (let i = 0; i < N; i++) w.writePacket(1_700_000_000 + (i >>> 16), i, pkts, (i & 511) << 11, size, size);
  w.close();
  return N / ((performance.now() - t0) / 1000);
}

function writePcapng(path: string, size: number): number {
  const t0 = performance.now();
  const w = PcapngWriter.open(path, { ioBuffer: wio, memory, userAppl: 'tsdpdk bench' });
  w.addInterface({ name: 'bench0' });
  for (let i = 0; i < N; i++) w.writePacket(0, 1_700_000_000 + (i >>> 16), i, pkts, (i & 511) << 11, size, size, 1, 0);
  w.writeStats(0, { ifRecv: N, ifDrop: 0 });
  w.close();
  return N / ((performance.now() - t0) / 1000);
}

function readCopy(path: string, shared: boolean): number {
  const dst = shared ? mbufs : new Uint8Array(4 << 20);
  const t0 = performance.now();
  const r = openCaptureReader(path, shared ? { ioBuffer: rio, memory } : {});
  let n: number;
  let off = 0;
  let count = 0;
  while ((n = r.next()) >= 0) {
    r.copyData(dst, off, 0, n);
    off = (off + 2048) & 0x3fffff;
    count++;
  }
  r.close();
  if (count !== N || r.error) throw new Error(`read ${count} of ${N}: ${r.error}`);
  return N / ((performance.now() - t0) / 1000);
}

const dir = mkdtempSync(join(tmpdir(), 'tsdpdk-bench-pcap-'));
try {
  for (const size of [64, 1024]) {
    const res = new Map<string, number[]>();
    const push = (k: string, v: number) => res.set(k, [...(res.get(k) ?? []), v]);
    const pcap = join(dir, 'b.pcap');
    const ng = join(dir, 'b.pcapng');
    let gcs = 0;
    for (let r = 0; r < runs(); r++) {
      push(`pcap_write_${size}B`, writePcap(pcap, size));
      push(`pcapng_write_${size}B`, writePcapng(ng, size));
      const g = await countGc(() => readCopy(pcap, true));
      gcs += g.gcCount;
      push(`pcap_read_copy_shared_${size}B`, g.value);
      push(`pcap_read_copy_private_${size}B`, readCopy(pcap, false));
      push(`pcapng_read_copy_shared_${size}B`, readCopy(ng, true));
    }
    console.log(`# ${size}B: pcap ${(statSync(pcap).size / 1e6).toFixed(0)} MB, pcapng ${(statSync(ng).size / 1e6).toFixed(0)} MB, ${gcs} GCs during shared-buffer pcap reads`);
    for (const [k, v] of res) result(k, median(v) / 1e6, NaN, 'Mpps');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
