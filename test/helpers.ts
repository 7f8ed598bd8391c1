// Shared test helpers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import * as eal from '../src/lib/eal/index.js';
import * as mbuf from '../src/lib/mbuf/index.js';
import type { Mempool } from '../src/lib/mempool/index.js';

/** Skips with a loud reason, except under CI=true where a missing peer is a failure. */
export function skipOrFail(t: TestContext, reason: string): void {
  if (process.env.CI === 'true') assert.fail(`required for CI but unavailable: ${reason}`);
  process.stderr.write(`SKIP ${t.name}: ${reason}\n`);
  t.skip(reason);
}

export function hugepagesFree(): number {
  try {
    const m = /HugePages_Free:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export function hugetlbfsMounted(dir = '/dev/hugepages'): boolean {
  try {
    return readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === dir && l.split(' ')[2] === 'hugetlbfs');
  } catch {
    return false;
  }
}

/** The bytes of a (possibly chained) mbuf. */
export function mbufBytes(m: number): Uint8Array {
  const u8 = eal.sharedWindow().u8;
  const parts: number[] = [];
  for (let s = m; s !== 0; s = mbuf.next(s)) {
    const d = mbuf.mtod(s);
    for (let i = 0; i < mbuf.dataLen(s); i++) parts.push(u8[d + i]!);
  }
  return Uint8Array.from(parts);
}

/** An mbuf from `pool` holding data split into segments of at most segLen bytes. */
export function mbufFrom(pool: Mempool, data: Uint8Array, segLen = 2048): number {
  const u8 = eal.sharedWindow().u8;
  let head = 0;
  for (let off = 0; off < data.length; off += segLen) {
    const m = mbuf.alloc(pool);
    assert.notEqual(m, 0);
    const part = data.subarray(off, Math.min(off + segLen, data.length));
    u8.set(part, mbuf.append(m, part.length));
    if (head === 0) head = m;
    else assert.equal(mbuf.chain(head, m), 0);
  }
  return head;
}
