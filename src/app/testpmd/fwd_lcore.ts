// The forwarding loop of one lcore (run_pkt_fwd_on_lcore): runs the engine on each of its streams until
// the main lcore sets its stop word. Runs in a worker lcore thread (eal.remoteLaunch); everything it needs
// arrives in the structured-cloned LaunchConfig and is set up before the loop, which allocates nothing.

import '../../drivers/net/index.js';
import * as eal from '../../lib/eal/index.js';
import { mbufBind } from '../../lib/mbuf/index.js';
import { lcoreBurstArray, macWords, type EngineEnv, type LaunchConfig, type StreamRt } from './engines/common.js';
import { ENGINES } from './engines/index.js';
import { MAX_PKT_BURST } from './context.js';
import { SB_STOP, SB_VERBOSE } from './shared.js';
import { configureDumps, removeDumps } from './dump.js';

export function runFwdLcore(cfg: LaunchConfig): number {
  mbufBind();
  const w = eal.sharedWindow();
  const env: EngineEnv = {
    w, u8: w.u8, u16: w.u16, u32: w.u32, f64: w.f64, i32: w.i32, burst: cfg.burst, retry: cfg.retry, pool: cfg.pool,
    lcoreId: eal.lcoreId(), verboseIdx: (cfg.sharedBlock + SB_VERBOSE) >>> 2, cfg,
  };
  const streams: StreamRt[] = cfg.streams.map((c, i) => {
    const txHdr = new Uint8Array(14);
    txHdr.set(c.peer, 0);
    txHdr.set(c.txMac, 6);
    txHdr[12] = 0x08;
    return {
      rxPort: c.rxPort, rxQueue: c.rxQueue, txPort: c.txPort, txQueue: c.txQueue,
      peer: Uint8Array.from(c.peer), txMac: Uint8Array.from(c.txMac), olHi: c.olHi, txOffloads: BigInt(c.txOffloads),
      macSwap: c.macSwap, st: c.statIndex, pkts: lcoreBurstArray(`stream${i}`, MAX_PKT_BURST), txHdr,
      peer16: macWords(c.peer), txMac16: macWords(c.txMac),
    };
  });
  const engine = cfg.txFirstOnly ? 'txonly' : cfg.engine;
  const create = ENGINES[engine];
  if (create === undefined) throw new eal.TsdpdkError('EINVAL', `no forwarding engine '${engine}'`);
  const fwd = create(env);
  const stop = (cfg.sharedBlock + SB_STOP + 4 * cfg.lcoreIndex) >>> 2;
  const i32 = w.i32;
  const n = streams.length;
  // The queues this lcore polls, for the verbose dumps (installed when the shared level changes).
  const rxq: [number, number][] = streams.map((s) => [s.rxPort, s.rxQueue]);
  const txq: [number, number][] = [...new Map(streams.map((s) => [`${s.txPort}/${s.txQueue}`, [s.txPort, s.txQueue] as [number, number]])).values()];
  let verbose = 0;
  try {
    // do { every stream } while (!stopped): a tx_first launch (stop already set) runs exactly once.
    do {
      const v = i32[env.verboseIdx]!;
      if (v !== verbose) {
        verbose = v;
        configureDumps(v, rxq, txq);
      }
      for (let k = 0; k < n; k++) fwd(streams[k]!);
    } while (Atomics.load(i32, stop) === 0);
  } finally {
    removeDumps();
  }
  return 0;
}
