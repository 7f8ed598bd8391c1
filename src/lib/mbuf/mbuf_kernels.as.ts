// Per-burst mbuf work (AssemblyScript, compiled to mbuf_kernels.wasm): the field stores of
// rte_pktmbuf_reset and the common case of rte_pktmbuf_free_bulk, one call per burst instead of a dozen
// typed-array stores per mbuf in JS. `base` is the Memory address of window offset 0; mbufs and burst
// entries are window offsets; `arr`/`out` are Memory addresses of u32 arrays. Offsets mirror
// mbuf_layout.ts.

const EXTERNAL_HI: u32 = 1 << 29;
const INDIRECT_HI: u32 = 1 << 30;
const HEADROOM: u32 = 128;

/** rte_pktmbuf_reset on arr[0..n). */
export function resetBulk(base: u32, arr: u32, n: u32): void {
  for (let k: u32 = 0; k < n; k++) reset(base + load<u32>(arr + (k << 2)));
}

/** rte_pktmbuf_reset of the mbuf at window offset mo. */
export function reset1(base: u32, mo: u32): void {
  reset(base + mo);
}

@inline function reset(m: u32): void {
  store<u64>(m, 0, 64); // next
  store<u32>(m, 0, 36); // pkt_len
  store<u64>(m, 0, 72); // tx_offload
  store<u32>(m, 0, 40); // data_len, vlan_tci
  store<u16>(m, 0, 52); // vlan_tci_outer
  store<u32>(m, 0xffff0001, 20); // nb_segs 1, port RTE_MBUF_PORT_INVALID
  store<u32>(m, 0, 24); // ol_flags &= RTE_MBUF_F_EXTERNAL
  store<u32>(m, load<u32>(m, 28) & EXTERNAL_HI, 28);
  store<u32>(m, 0, 32); // packet_type
  const bl = load<u16>(m, 54);
  store<u16>(m, bl < HEADROOM ? bl : HEADROOM, 16); // data_off
}

/**
 * The plain part of rte_pktmbuf_free_bulk: takes arr[0..n) in order while each entry is a direct,
 * single-segment mbuf with refcnt 1 of the same pool as the first, copying it to out[] (at most max).
 * Returns how many were taken; the caller puts out[] back to that pool and handles the entry that
 * stopped the scan (NULL, chained, shared, indirect/external, other pool) the general way.
 */
export function prefreeBulk(base: u32, arr: u32, n: u32, out: u32, max: u32): u32 {
  if (n > max) n = max;
  let pool: u32 = 0;
  let k: u32 = 0;
  for (; k < n; k++) {
    const mo = load<u32>(arr + (k << 2));
    if (mo == 0) break;
    const m = base + mo;
    if (load<u16>(m, 18) != 1) break; // refcnt
    if ((load<u32>(m, 28) & (EXTERNAL_HI | INDIRECT_HI)) != 0) break;
    if (load<u32>(m, 64) != 0) break; // next: a chain takes the general path
    const p = load<u32>(m, 56);
    if (k == 0) pool = p;
    else if (p != pool) break;
    if (load<u16>(m, 20) != 1) store<u16>(m, 1, 20);
    store<u32>(out + (k << 2), mo);
  }
  return k;
}
