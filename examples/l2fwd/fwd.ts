// l2fwd_main_loop on a worker lcore: Rx bursts from its ports, optional MAC rewrite, buffered Tx to the
// paired port, drained every ~100 µs. Set-up happens before the loop; the loop allocates nothing.

import '../../src/drivers/net/index.js';
import * as eal from '../../src/lib/eal/index.js';
import * as ethdev from '../../src/lib/ethdev/index.js';
import { free as freePkt, mbufBind, mtod } from '../../src/lib/mbuf/index.js';

export const MAX_PKT_BURST = 32;
export const BURST_TX_DRAIN_US = 100;
/** Shared block: f64 [tx, rx, dropped] per port, then one i32 stop word. */
export const ST_TX = 0;
export const ST_RX = 1;
export const ST_DROPPED = 2;
export const STATS_BYTES = 32 * 3 * 8;
export const STOP_OFF = STATS_BYTES;
export const BLOCK_BYTES = STATS_BYTES + 64;

export interface LcoreConf {
  block: number;
  rxPorts: number[];
  /** l2fwd_dst_ports (32 entries). */
  dst: number[];
  macUpdating: boolean;
  /** MAC of every port (32 × 6 bytes; zeros for unused ports). */
  macs: number[];
}

export function l2fwdMainLoop(c: LcoreConf): number {
  mbufBind();
  const logType = eal.log.registerLogType('user1.l2fwd', eal.log.LogLevel.INFO);
  const lcore = eal.lcoreId();
  const w = eal.sharedWindow();
  const f64 = w.f64;
  const i32 = w.i32;
  const stStats = c.block >>> 3;
  const stop = (c.block + STOP_OFF) >>> 2;
  const nRx = c.rxPorts.length;
  if (nRx === 0) {
    eal.log.logf(eal.log.LogLevel.INFO, logType, 'L2FWD', `lcore ${lcore} has nothing to do`);
    return 0;
  }
  eal.log.logf(eal.log.LogLevel.INFO, logType, 'L2FWD', `entering main loop on lcore ${lcore}`);
  for (const p of c.rxPorts) eal.log.logf(eal.log.LogLevel.INFO, logType, 'L2FWD', ` -- lcoreid=${lcore} portid=${p}`);

  const rxPorts = Int32Array.from(c.rxPorts);
  const dst = Int32Array.from(c.dst);
  const macs = Uint8Array.from(c.macs);
  const macUpdating = c.macUpdating;
  // One Tx buffer per destination port this lcore feeds.
  const txPorts = Int32Array.from([...new Set(c.rxPorts.map((p) => c.dst[p]!))]);
  const txBuf: Uint32Array[] = [];
  for (let p = 0; p < 32; p++) txBuf.push(txPorts.includes(p) ? eal.burstArray(MAX_PKT_BURST) : new Uint32Array(0));
  const txLen = new Int32Array(32);
  const pkts = eal.burstArray(MAX_PKT_BURST);
  const u8 = w.u8;
  const drainTicks = (eal.getTscHz() / 1e6) * BURST_TX_DRAIN_US;

  const sendBurst = (port: number, n: number): void => {
    const tb = txBuf[port]!;
    const sent = ethdev.txBurst(port, 0, tb, n);
    f64[stStats + port * 3 + ST_TX] += sent;
    if (sent < n) {
      f64[stStats + port * 3 + ST_DROPPED] += n - sent;
      for (let k = sent; k < n; k++) freePkt(tb[k]!);
    }
    txLen[port] = 0;
  };
  const drain = (): void => {
    for (let k = 0; k < txPorts.length; k++) {
      const p = txPorts[k]!;
      if (txLen[p]! > 0) sendBurst(p, txLen[p]!);
    }
  };

  let prev = 0;
  do {
    const cur = eal.getTscCycles();
    if (cur - prev > drainTicks) {
      drain();
      prev = cur;
    }
    for (let r = 0; r < nRx; r++) {
      const port = rxPorts[r]!;
      const nb = ethdev.rxBurst(port, 0, pkts, MAX_PKT_BURST);
      if (nb === 0) continue;
      f64[stStats + port * 3 + ST_RX] += nb;
      const d = dst[port]!;
      const tb = txBuf[d]!;
      for (let j = 0; j < nb; j++) {
        const m = pkts[j]!;
        if (macUpdating) {
          const e = mtod(m);
          // dst 02:00:00:00:00:<dst port>, src = the Tx port's MAC
          u8[e] = 0x02;
          u8[e + 1] = 0;
          u8[e + 2] = 0;
          u8[e + 3] = 0;
          u8[e + 4] = 0;
          u8[e + 5] = d & 0xff;
          const s = d * 6;
          for (let b = 0; b < 6; b++) u8[e + 6 + b] = macs[s + b]!;
        }
        const len = txLen[d]!;
        tb[len] = m;
        if (len + 1 === MAX_PKT_BURST) sendBurst(d, MAX_PKT_BURST);
        else txLen[d] = len + 1;
      }
    }
  } while (Atomics.load(i32, stop) === 0);
  drain();
  return 0;
}
