// What every engine shares on a forwarding lcore: the stream it runs, the window views it reads packets
// through, the transmit-with-retry-then-drop step, and the mbuf metadata resets testpmd performs.
// Everything here is set up once per launch; the per-burst functions allocate nothing.

import * as eal from '../../../lib/eal/index.js';
import * as ethdev from '../../../lib/ethdev/index.js';
import { M_BUF_ADDR, M_DATA_OFF, M_OL_FLAGS, M_TX_OFFLOAD, M_VLAN_TCI, M_VLAN_TCI_OUTER } from '../../../lib/mbuf/mbuf_layout.js';
import { ST_DROPPED, ST_TX } from '../shared.js';
import { free as freePkt } from '../../../lib/mbuf/index.js';

/** ol_flags high word bits (ol_flags bit - 32). */
export const OL_HI_TX_MACSEC = 1 << 12; // bit 44
export const OL_HI_TX_QINQ = 1 << 17; // bit 49
export const OL_HI_TX_VLAN = 1 << 25; // bit 57
export const OL_HI_EXTERNAL = 1 << 29; // bit 61
export const OL_HI_INDIRECT = 1 << 30; // bit 62

/** The settings a forwarding lcore receives (structured-cloneable). */
export interface LaunchConfig {
  engine: string;
  /** Index of this lcore in the forwarding configuration (its stop word). */
  lcoreIndex: number;
  sharedBlock: number;
  burst: number;
  retry: boolean;
  /** Mbuf pool for packets this lcore creates (txonly, flowgen, clones). */
  pool: number;
  /** One txonly burst per stream, then return (start tx_first). */
  txFirstOnly: boolean;
  streams: {
    rxPort: number; rxQueue: number; txPort: number; txQueue: number;
    /** Peer MAC of the stream (peer_eth_addrs[peer_addr]) and the Tx port's MAC. */
    peer: number[]; txMac: number[];
    /** ol_flags bits from the Tx port's Tx offloads (VLAN/QinQ/MACsec insert), and its Tx offloads. */
    olHi: number; txOffloads: string;
    /** csum mac-swap state of the Tx port. */
    macSwap: boolean;
    statIndex: number;
  }[];
  txonly: {
    segLengths: number[]; pktLength: number; multiFlow: boolean;
    ipSrc: number; ipDst: number; udpSrc: number; udpDst: number;
  };
  flowgen: { flows: number; clones: number };
}

/** A stream as the engines see it. */
export interface StreamRt {
  rxPort: number;
  rxQueue: number;
  txPort: number;
  txQueue: number;
  peer: Uint8Array;
  txMac: Uint8Array;
  olHi: number;
  txOffloads: bigint;
  macSwap: boolean;
  /** f64 index of the stream's counters (shared.ts ST_*). */
  st: number;
  /** Burst array (MAX_PKT_BURST entries), reused for every burst. */
  pkts: Uint32Array;
  /** txonly's Ethernet header: peer, Tx port MAC, IPv4. */
  txHdr: Uint8Array;
  /** peer and txMac as putMac16 words. */
  peer16: Uint16Array;
  txMac16: Uint16Array;
}

export interface EngineEnv {
  w: eal.SharedWindow;
  u8: Uint8Array;
  u16: Uint16Array;
  u32: Uint32Array;
  f64: Float64Array;
  i32: Int32Array;
  burst: number;
  retry: boolean;
  pool: number;
  lcoreId: number;
  /** i32 index of testpmd's verbose level (shared.ts SB_VERBOSE): engines read it once per burst. */
  verboseIdx: number;
  cfg: LaunchConfig;
}

// Burst arrays live in the process-private area, which is never given back: each forwarding lcore keeps
// its own and reuses them on every launch.
const scratch = new Map<string, Uint32Array>();

/** This lcore's burst array `name` of at least n entries (allocated on first use). */
export function lcoreBurstArray(name: string, n: number): Uint32Array {
  let a = scratch.get(name);
  if (a === undefined || a.length < n) {
    a = eal.burstArray(n);
    scratch.set(name, a);
  }
  return a;
}

export type PacketFwd = (s: StreamRt) => void;

/** Window offset of the first data byte (rte_pktmbuf_mtod). */
export function mtod(u32: Uint32Array, u16: Uint16Array, m: number): number {
  return u32[(m + M_BUF_ADDR) >>> 2]! + u16[(m + M_DATA_OFF) >>> 1]!;
}

/**
 * mbuf_field_set / the mac engine's reset: ol_flags keeps only INDIRECT|EXTERNAL plus the Tx port's
 * insert flags; l2_len = 14, l3_len = 20 (the other tx_offload fields stay).
 */
export function olResetL2L3(u32: Uint32Array, m: number, olHi: number): void {
  const o = (m + M_OL_FLAGS) >>> 2;
  u32[o] = 0;
  u32[o + 1] = (u32[o + 1]! & (OL_HI_INDIRECT | OL_HI_EXTERNAL)) | olHi;
  const t = (m + M_TX_OFFLOAD) >>> 2;
  u32[t] = (u32[t]! & 0xffff0000) | 14 | (20 << 7);
}

/** vlan_qinq_set with testpmd's default tx_vlan_id / tx_vlan_id_outer (0; no "tx_vlan set" command here). */
export function vlanQinqSet(u16: Uint16Array, pkts: Uint32Array, n: number, olHi: number): void {
  if (olHi & OL_HI_TX_VLAN) for (let i = 0; i < n; i++) u16[(pkts[i]! + M_VLAN_TCI) >>> 1] = 0;
  if (olHi & OL_HI_TX_QINQ) for (let i = 0; i < n; i++) u16[(pkts[i]! + M_VLAN_TCI_OUTER) >>> 1] = 0;
}

/**
 * Writes an Ethernet address given as three little-endian 16-bit words (macWords) at an even window
 * offset: three stores instead of six.
 */
export function putMac16(u16: Uint16Array, off: number, w: Uint16Array): void {
  const i = off >>> 1;
  u16[i] = w[0]!;
  u16[i + 1] = w[1]!;
  u16[i + 2] = w[2]!;
}

/** The 16-bit words putMac16 stores (bytes in memory order on this little-endian host). */
export function macWords(mac: ArrayLike<number>): Uint16Array {
  return Uint16Array.of(mac[0]! | (mac[1]! << 8), mac[2]! | (mac[3]! << 8), mac[4]! | (mac[5]! << 8));
}

/** Copies 6 bytes (an Ethernet address) from a small array into the window. */
export function putMac(u8: Uint8Array, off: number, mac: Uint8Array): void {
  u8[off] = mac[0]!;
  u8[off + 1] = mac[1]!;
  u8[off + 2] = mac[2]!;
  u8[off + 3] = mac[3]!;
  u8[off + 4] = mac[4]!;
  u8[off + 5] = mac[5]!;
}

/** Swaps the Ethernet destination and source at `off` (even offsets: 16-bit moves). */
export function swapMacs16(u16: Uint16Array, off: number): void {
  const i = off >>> 1;
  const a = u16[i]!;
  const b = u16[i + 1]!;
  const c = u16[i + 2]!;
  u16[i] = u16[i + 3]!;
  u16[i + 1] = u16[i + 4]!;
  u16[i + 2] = u16[i + 5]!;
  u16[i + 3] = a;
  u16[i + 4] = b;
  u16[i + 5] = c;
}

/** Swaps the Ethernet destination and source at `off`. */
export function swapMacs(u8: Uint8Array, off: number): void {
  for (let i = 0; i < 6; i++) {
    const t = u8[off + i]!;
    u8[off + i] = u8[off + 6 + i]!;
    u8[off + 6 + i] = t;
  }
}

/**
 * rte_eth_tx_burst of pkts[0..n), then (with retry) up to 64 more tries 1 us apart; counts tx packets and
 * frees and counts what the driver did not take as fwd_dropped. Returns how many were sent.
 */
export function sendBurst(env: EngineEnv, s: StreamRt, n: number): number {
  const pkts = s.pkts;
  let nbTx = ethdev.txBurst(s.txPort, s.txQueue, pkts, n);
  if (nbTx < n && env.retry) {
    // Move the unsent ones to the front: the next try takes pkts[0..left) without a subarray.
    let left = n - nbTx;
    pkts.copyWithin(0, nbTx, n);
    for (let retry = 0; left > 0 && retry < 64; retry++) {
      eal.delayUs(1);
      const k = ethdev.txBurst(s.txPort, s.txQueue, pkts, left);
      if (k > 0) {
        pkts.copyWithin(0, k, left);
        left -= k;
        nbTx += k;
      }
    }
    env.f64[s.st + ST_TX] += nbTx;
    if (left > 0) {
      env.f64[s.st + ST_DROPPED] += left;
      for (let i = 0; i < left; i++) freePkt(pkts[i]!);
    }
    return nbTx;
  }
  env.f64[s.st + ST_TX] += nbTx;
  if (nbTx < n) {
    env.f64[s.st + ST_DROPPED] += n - nbTx;
    for (let i = nbTx; i < n; i++) freePkt(pkts[i]!);
  }
  return nbTx;
}
