// A fixture process that prints one JSON object per line (and may take commands on stdin), for the
// multi-process tests. Every wait is bounded; `register` lets the test file kill leftovers in `after`.
import { spawn, type ChildProcess } from 'node:child_process';

export class JsonChild {
  readonly proc: ChildProcess;
  private lines: Record<string, unknown>[] = [];
  private waiters: (() => void)[] = [];
  stderr = '';
  readonly closed: Promise<number | null>;

  constructor(script: string, args: string[], register: ChildProcess[]) {
    this.proc = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    register.push(this.proc);
    let buf = '';
    this.proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try { this.lines.push(JSON.parse(line) as Record<string, unknown>); } catch { /* not ours */ }
        this.waiters.splice(0).forEach((w) => w());
      }
    });
    this.proc.stderr!.setEncoding('utf8').on('data', (d: string) => { this.stderr += d; });
    this.closed = new Promise((ok) => this.proc.on('close', (code) => { this.waiters.splice(0).forEach((w) => w()); ok(code); }));
  }

  /** The next JSON line (throws when none comes in time or the child exited). */
  async next(timeoutMs = 15000): Promise<Record<string, unknown>> {
    const end = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (Date.now() > end || this.proc.exitCode !== null) throw new Error(`no output from child (exit ${this.proc.exitCode}); stderr:\n${this.stderr}`);
      await new Promise<void>((ok) => { this.waiters.push(ok); setTimeout(ok, 100); });
    }
    return this.lines.shift()!;
  }

  /** Sends a command line, returns the answer line. */
  cmd(line: string, timeoutMs = 15000): Promise<Record<string, unknown>> {
    this.proc.stdin!.write(`${line}\n`);
    return this.next(timeoutMs);
  }

  /** Closes stdin (the fixtures' signal to clean up and exit), SIGKILL after timeoutMs; the exit code. */
  async end(timeoutMs = 10000): Promise<number | null> {
    this.proc.stdin!.end();
    const t = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    const code = await this.closed;
    clearTimeout(t);
    return code;
  }

  async kill(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    await this.closed;
  }
}
