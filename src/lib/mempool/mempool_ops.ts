// Mempool drivers (struct rte_mempool_ops): where objects live when they are not in an lcore cache.
// The table is the same, in the same order, in every thread and process, so a pool's ops_index in
// shared memory selects the same driver everywhere (as DPDK keeps an index for secondaries).

import { fail } from '../eal/index.js';

/** A pool's backend bound to this thread. Addresses are absolute Memory addresses of u32 arrays. */
export interface MempoolBackend {
  /** All n or nothing: 0, or -ENOBUFS (-105) when it does not fit. */
  enqueue(addr: number, n: number): number;
  /** All n or nothing: 0, or -ENOENT (-2). */
  dequeue(addr: number, n: number): number;
  /** Objects held (rte_mempool_ops_get_count). */
  count(): number;
}

export interface MempoolOps {
  readonly name: string;
  /** Creates the shared backend for a pool of `size` objects; returns its window offset. */
  alloc(poolName: string, size: number, socketId: number, poolFlags: number): number;
  /** Binds the backend at `offset` to this thread. */
  attach(offset: number): MempoolBackend;
  /** Releases the shared backend of pool `poolName`. */
  free(offset: number, poolName: string): void;
}

const table: MempoolOps[] = [];

/** rte_mempool_register_ops: returns the index. Register in the same order in every process. */
export function registerOps(ops: MempoolOps): number {
  const i = table.findIndex((o) => o.name === ops.name);
  if (i >= 0) fail('EEXIST', `mempool ops '${ops.name}' are already registered (index ${i})`);
  if (table.length >= 16) fail('ENOSPC', `cannot register mempool ops '${ops.name}': RTE_MEMPOOL_MAX_OPS_IDX is 16`);
  table.push(ops);
  return table.length - 1;
}

export function opsIndex(name: string): number {
  return table.findIndex((o) => o.name === name);
}

export function opsByIndex(i: number): MempoolOps {
  const o = table[i];
  if (o === undefined) fail('EINVAL', `mempool ops index ${i} is not registered in this process (registered: ${table.map((x) => x.name).join(', ')})`);
  return o;
}

export function opsNames(): string[] {
  return table.map((o) => o.name);
}
