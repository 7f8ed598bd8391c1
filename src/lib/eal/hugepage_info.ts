// Finds hugetlbfs mounts and their page sizes, like DPDK's eal_hugepage_info.c.

import { readFileSync } from 'node:fs';
import { fail } from './errors.js';

export interface HugepageInfo {
  dir: string;
  pageSize: number;
  freePages: number;
  totalPages: number;
}

function parseSize(s: string): number {
  const m = /^(\d+)([kKmMgG]?)/.exec(s);
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  return n * (unit === 'k' ? 1024 : unit === 'm' ? 1 << 20 : unit === 'g' ? 1 << 30 : 1);
}

function defaultHugepageSize(): number {
  try {
    const m = /Hugepagesize:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
    return m ? Number(m[1]) * 1024 : 2 << 20;
  } catch {
    return 2 << 20;
  }
}

function pagesOf(size: number, what: 'free_hugepages' | 'nr_hugepages'): number {
  try {
    return Number(readFileSync(`/sys/kernel/mm/hugepages/hugepages-${size / 1024}kB/${what}`, 'utf8').trim());
  } catch {
    return 0;
  }
}

/** hugetlbfs mount points with their page size. */
export function hugetlbfsMounts(): { dir: string; pageSize: number }[] {
  let text = '';
  try {
    text = readFileSync('/proc/mounts', 'utf8');
  } catch {
    return [];
  }
  const out: { dir: string; pageSize: number }[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f[2] !== 'hugetlbfs') continue;
    const opt = /(?:^|,)pagesize=([^,]+)/.exec(f[3] ?? '');
    out.push({ dir: f[1]!.replace(/\\040/g, ' '), pageSize: opt ? parseSize(opt[1]!) : defaultHugepageSize() });
  }
  return out;
}

/** The hugetlbfs directory to use (--huge-dir or the first mount of the default page size). */
export function findHugepages(hugeDir: string | null): HugepageInfo {
  const mounts = hugetlbfsMounts();
  let chosen: { dir: string; pageSize: number } | undefined;
  if (hugeDir !== null) {
    const dir = hugeDir.replace(/\/+$/, '') || '/';
    chosen = mounts
      .filter((m) => dir === m.dir || dir.startsWith(m.dir.endsWith('/') ? m.dir : m.dir + '/'))
      .sort((a, b) => b.dir.length - a.dir.length)[0];
    if (!chosen) fail('ENOENT', `--huge-dir ${hugeDir} is not on a hugetlbfs mount`);
    chosen = { dir, pageSize: chosen.pageSize };
  } else {
    const def = defaultHugepageSize();
    chosen = mounts.find((m) => m.pageSize === def) ?? mounts[0];
    if (!chosen) {
      fail('ENOENT', 'no hugetlbfs mount found (mount -t hugetlbfs nodev /dev/hugepages, reserve pages in /proc/sys/vm/nr_hugepages), or run with --no-huge');
    }
  }
  return {
    dir: chosen.dir,
    pageSize: chosen.pageSize,
    freePages: pagesOf(chosen.pageSize, 'free_hugepages'),
    totalPages: pagesOf(chosen.pageSize, 'nr_hugepages'),
  };
}
