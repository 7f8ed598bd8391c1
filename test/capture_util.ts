// Shared by the capture-tool tests (dumpcap, pdump): a known packet stream in a pcap, child processes
// with their output, and the cleanup a killed primary needs.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OURS, removeRuntimeDirs, writePcap } from './testpmd_util.js';

export interface Proc {
  child: ChildProcess;
  out: () => string;
  waitFor: (text: string | RegExp, ms?: number, from?: number) => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export class CaptureFixture {
  readonly dir: string;
  readonly inPcap: string;
  readonly packets: Uint8Array[] = [];
  private readonly children: ChildProcess[] = [];
  private readonly prefixes: string[] = [];

  /**
   * n packets of base + i * step bytes, a pattern seeded per packet, behind a fixed Ethernet header; or,
   * when `given` is passed, exactly those frames.
   */
  constructor(tag: string, n: number, base: number, step: number, mulK: number, mulI: number, given?: Uint8Array[]) {
    this.dir = mkdtempSync(join(tmpdir(), `tsdpdk-${tag}-`));
    this.inPcap = join(this.dir, `${tag}_in.pcap`);
    if (given !== undefined) this.packets.push(...given);
    for (let i = 0; given === undefined && i < n; i++) {
      const b = new Uint8Array(base + i * step);
      for (let k = 0; k < b.length; k++) b[k] = (k * mulK + i * mulI) & 0xff;
      b.set([0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x00]);
      this.packets.push(b);
    }
    writePcap(this.inPcap, this.packets);
  }

  /** Remembers a primary's file prefix so cleanup() removes its shm file if it gets killed. */
  prefix(p: string): string {
    this.prefixes.push(p);
    return p;
  }

  launch(args: string[], stdin: boolean): Proc {
    const child = spawn(process.execPath, args, { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    let buf = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { buf += d; });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { buf += d; });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
    const waitFor = async (text: string | RegExp, ms = 10000, from = 0): Promise<void> => {
      const end = Date.now() + ms;
      const hit = () => (typeof text === 'string' ? buf.indexOf(text, from) >= 0 : text.test(buf.slice(from)));
      while (!hit()) {
        if (Date.now() > end || child.exitCode !== null) assert.fail(`timed out waiting for ${String(text)}; output:\n${buf}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    return { child, out: () => buf, waitFor, exited };
  }

  /** A tsdpdk-testpmd primary, interactive, port 0 reading the stream, port 1 a receive-nothing null port. */
  primary(prefix: string, infinite: boolean): Proc {
    return this.launch([OURS, '-l', '0-1', '--no-huge', '-m', '512', '--file-prefix', this.prefix(prefix),
      '--vdev', `net_pcap0,rx_pcap=${this.inPcap},infinite_rx=${infinite ? 1 : 0}`, '--vdev', 'net_null0,no-rx=1',
      '--log-level=testpmd.mbuf:debug', '--', '-i', '--total-num-mbufs=8192', '--no-flush-rx'], true);
  }

  cleanup(): void {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    removeRuntimeDirs();
    // A primary killed on a failure leaves its --no-huge shm file.
    for (const p of this.prefixes) rmSync(`/dev/shm/${p}_tsdpdk_nohugemem`, { force: true });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
