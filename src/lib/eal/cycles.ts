// Data-path time: a cheap monotonic tick (nanoseconds as a double, no BigInt allocation) and its rate.
// DPDK's TSC becomes performance.now(), which V8 serves from the monotonic clock.

import { performance } from 'node:perf_hooks';

const NS_PER_MS = 1e6;

/** rte_get_tsc_cycles / rte_rdtsc: monotonic ticks (ns). */
export function getTscCycles(): number {
  return performance.now() * NS_PER_MS;
}

/** rte_get_tsc_hz: ticks per second. */
export function getTscHz(): number {
  return 1e9;
}

export const getTimerCycles = getTscCycles;
export const getTimerHz = getTscHz;

/** rte_delay_us_block: busy-waits, like DPDK's default delay. */
export function delayUs(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end) {
    /* spin */
  }
}

export function delayMs(ms: number): void {
  delayUs(ms * 1000);
}
