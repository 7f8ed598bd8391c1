// Byte copy inside the shared Memory, for moving packet data between a capture file's chunk buffer
// and mbufs. Wasm memory.copy is a plain memmove at any alignment; a JS copyWithin on a
// SharedArrayBuffer falls back to byte-wise copying when source and destination are not 8-byte
// co-aligned (pcapng packet data sits at block offset 28), about 6x slower for 1 KiB.

// Up to 64 bytes as a u64 loop: memory.copy is a runtime call with a fixed cost of a few ns.
export function copy(dst: usize, src: usize, n: u32): void {
  if (n <= 64) {
    let i: u32 = 0;
    for (; i + 8 <= n; i += 8) store<u64>(dst + i, load<u64>(src + i));
    for (; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
  } else {
    memory.copy(dst, src, n);
  }
}
