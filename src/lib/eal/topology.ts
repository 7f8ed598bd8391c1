// CPU and NUMA topology from sysfs; one socket when sysfs has no NUMA nodes.

import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export interface Topology {
  /** NUMA socket ids present, ascending. */
  sockets: number[];
  /** cpu id -> socket id */
  cpuSocket: Map<number, number>;
  /** CPUs the OS has online, ascending. */
  cpus: number[];
}

/** Parses a Linux cpu list such as "0-3,8,10-11". */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

let cached: Topology | null = null;

export function readTopology(sysRoot = '/sys'): Topology {
  if (cached && sysRoot === '/sys') return cached;
  const online = readText(`${sysRoot}/devices/system/cpu/online`);
  const cpus = online ? parseCpuList(online) : [...Array(availableParallelism()).keys()];
  const cpuSocket = new Map<number, number>();
  const sockets: number[] = [];
  let nodes: string[] = [];
  try {
    nodes = readdirSync(`${sysRoot}/devices/system/node`).filter((n) => /^node\d+$/.test(n));
  } catch {
    nodes = [];
  }
  for (const n of nodes.sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))) {
    const id = Number(n.slice(4));
    const list = readText(`${sysRoot}/devices/system/node/${n}/cpulist`);
    if (list === null) continue;
    sockets.push(id);
    for (const c of parseCpuList(list)) cpuSocket.set(c, id);
  }
  if (sockets.length === 0) sockets.push(0);
  for (const c of cpus) if (!cpuSocket.has(c)) cpuSocket.set(c, sockets[0]!);
  const t = { sockets, cpuSocket, cpus };
  if (sysRoot === '/sys') cached = t;
  return t;
}
