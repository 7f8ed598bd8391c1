// Console output. testpmd writes with printf (stdout) and fprintf(stderr); here both are synchronous so
// a command's output is complete before the next prompt and nothing is lost at exit.

import { writeSync } from 'node:fs';

function writeAll(fd: number, s: string): void {
  const b = Buffer.from(s, 'utf8');
  let off = 0;
  while (off < b.length) {
    try {
      off += writeSync(fd, b, off, b.length - off);
    } catch (e) {
      // A non-blocking pipe that is full: wait a little and retry, like a blocking write would.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

/** printf to stdout. */
export function out(s: string): void {
  if (s.length > 0) writeAll(1, s);
}

/** fprintf(stderr, ...). */
export function err(s: string): void {
  if (s.length > 0) writeAll(2, s);
}
