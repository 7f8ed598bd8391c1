// Shared test helpers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';

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
