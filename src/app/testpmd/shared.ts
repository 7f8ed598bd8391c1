// The run block in shared memory (eal.zmalloc): what the main lcore and the forwarding lcores both see.
// Stop flags are i32 words (Atomics); per-stream counters are f64, written only by the stream's lcore and
// read by the main lcore for the statistics.

/** One stop word per forwarding lcore (index in the forwarding configuration). */
export const SB_STOP = 0;
export const SB_MAX_LCORES = 128;
/** testpmd's verbose_level, read by the engines that print per packet. */
export const SB_VERBOSE = SB_STOP + 4 * SB_MAX_LCORES;
export const SB_STREAMS = 1024;
/** f64 counters per stream. */
export const ST_RX = 0;
export const ST_TX = 1;
export const ST_DROPPED = 2;
export const ST_BAD_IP = 3;
export const ST_BAD_L4 = 4;
export const ST_BAD_OUTER_L4 = 5;
export const ST_BAD_OUTER_IP = 6;
export const ST_COUNT = 8;
export const SB_MAX_STREAMS = 32 * 64;
export const SB_SIZE = SB_STREAMS + SB_MAX_STREAMS * ST_COUNT * 8;

/** f64 index (in the window's Float64Array) of stream `s`'s counters. */
export function streamStatIndex(block: number, s: number): number {
  return (block + SB_STREAMS) / 8 + s * ST_COUNT;
}
