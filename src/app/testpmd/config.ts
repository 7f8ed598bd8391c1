// Forwarding configuration exactly like testpmd's config.c: streams per (forwarding port, Rx queue), the Tx
// port chosen by the topology, streams spread over the forwarding lcores, and the displays of `start`.

import * as eal from '../../lib/eal/index.js';
import { ctx, formatMac, type FwdConfig, type Stream } from './context.js';
import { err, out } from './io.js';

/** fwd_topology_tx_port_get: Tx port index (into the forwarding ports) for Rx port index rxp. */
function txPortIndex(rxp: number, nbFwdPorts: number): number {
  switch (ctx.cfg.topology) {
    case 'chained':
      return (rxp + 1) % nbFwdPorts;
    case 'loop':
      return rxp;
    default:
      if ((rxp & 1) === 0) {
        if (rxp + 1 < nbFwdPorts) return rxp + 1;
        if (!ctx.pairedWarningShown) {
          err('\nWarning! port-topology=paired and odd forward ports number, the last port will pair with itself.\n\n');
          ctx.pairedWarningShown = true;
        }
        return rxp;
      }
      return rxp - 1;
  }
}

/** setup_fwd_config_of_each_lcore: equal shares, the last lcores take one extra stream each. */
function spreadStreams(nbStreams: number, nbLcores: number): { idx: number; nb: number }[] {
  let per: number;
  let extra: number;
  if (nbStreams <= nbLcores) {
    per = 1;
    extra = 0;
  } else {
    per = Math.floor(nbStreams / nbLcores);
    extra = nbStreams % nbLcores;
  }
  const out: { idx: number; nb: number }[] = [];
  let sm = 0;
  for (let lc = 0; lc < nbLcores - extra; lc++) {
    out.push({ idx: sm, nb: per });
    sm += per;
  }
  for (let lc = 0; lc < extra; lc++) {
    out.push({ idx: sm, nb: per + 1 });
    sm += per + 1;
  }
  return out;
}

/** init_fwd_streams' checks: the queue counts must fit every port. Returns false (with testpmd's message) if not. */
export function checkFwdStreams(maxQueues: (port: number) => { rx: number; tx: number }): boolean {
  for (const p of ctx.ports.keys()) {
    const m = maxQueues(p);
    if (ctx.cfg.nbRxq > m.rx) {
      err(`Fail: nb_rxq(${ctx.cfg.nbRxq}) is greater than max_rx_queues(${m.rx})\n`);
      return false;
    }
    if (ctx.cfg.nbTxq > m.tx) {
      err(`Fail: nb_txq(${ctx.cfg.nbTxq}) is greater than max_tx_queues(${m.tx})\n`);
      return false;
    }
  }
  return true;
}

/** fwd_config_setup: recomputes ctx.fwd from the current configuration. */
export function fwdConfigSetup(): void {
  const cfg = ctx.cfg;
  const ports = cfg.fwdPorts.slice(0, cfg.nbFwdPorts);
  const nbPorts = ports.length;
  const streams: Stream[] = [];
  let nbLcores = cfg.nbFwdLcores;
  if (cfg.fwdMode === 'icmpecho') {
    // icmp_echo_config_setup: replies leave by the port they came in on.
    if (cfg.nbTxq * nbPorts < nbLcores) nbLcores = cfg.nbTxq * nbPorts;
    const nbStreams = cfg.nbRxq * nbPorts;
    if (nbStreams < nbLcores) nbLcores = nbStreams;
    const vb = cfg.verbose > 0;
    if (vb) out(`icmp_echo_config_setup fwd_cores=${nbLcores} fwd_ports=${nbPorts} fwd_streams=${nbStreams}\n`);
    const lcoreStreams = spreadStreams(nbStreams, nbLcores);
    let rxp = 0;
    let rxq = 0;
    for (let lc = 0; lc < nbLcores; lc++) {
      if (vb) out(`  core=${lc}: \n`);
      for (let k = 0; k < lcoreStreams[lc]!.nb; k++) {
        const p = ports[rxp]!;
        streams.push({ rxPort: p, rxQueue: rxq, txPort: p, txQueue: rxq, peerAddr: p });
        if (vb) out(`  stream=${k} port=${p} rxq=${rxq} txq=${rxq}\n`);
        if (++rxq === cfg.nbRxq) {
          rxq = 0;
          rxp++;
        }
      }
    }
    ctx.fwd = { engine: cfg.fwdMode, nbFwdPorts: nbPorts, nbFwdLcores: nbLcores, nbFwdStreams: nbStreams, streams, lcoreStreams };
    return;
  }
  let fwd: FwdConfig;
  if (cfg.nbRxq > 1 && cfg.nbTxq > 1) {
    // rss_fwd_config_setup: min(rxq, txq) queues on every port, port-major within a queue index.
    const nbQ = Math.min(cfg.nbRxq, cfg.nbTxq);
    const nbStreams = nbQ * nbPorts;
    if (nbStreams < nbLcores) nbLcores = nbStreams;
    let rxp = 0;
    let rxq = 0;
    for (let i = 0; i < nbStreams; i++) {
      const txp = txPortIndex(rxp, nbPorts);
      streams.push({ rxPort: ports[rxp]!, rxQueue: rxq, txPort: ports[txp]!, txQueue: rxq, peerAddr: ports[txp]! });
      if (++rxp < nbPorts) continue;
      rxp = 0;
      rxq++;
    }
    fwd = { engine: cfg.fwdMode, nbFwdPorts: nbPorts, nbFwdLcores: nbLcores, nbFwdStreams: nbStreams, streams, lcoreStreams: [] };
  } else {
    // simple_fwd_config_setup: queue 0 of every port, at most one lcore per port.
    if (nbLcores > nbPorts) nbLcores = nbPorts;
    for (let i = 0; i < nbPorts; i++) {
      const txp = ports[txPortIndex(i, nbPorts)]!;
      streams.push({ rxPort: ports[i]!, rxQueue: 0, txPort: txp, txQueue: 0, peerAddr: txp });
    }
    fwd = { engine: cfg.fwdMode, nbFwdPorts: nbPorts, nbFwdLcores: nbLcores, nbFwdStreams: nbPorts, streams, lcoreStreams: [] };
  }
  fwd.lcoreStreams = spreadStreams(fwd.nbFwdStreams, fwd.nbFwdLcores);
  ctx.fwd = fwd;
}

function socketOf(port: number): number {
  return ctx.ports.get(port)?.socketId ?? 0;
}

/** pkt_fwd_config_display (printed by `start` and `show config fwd`). */
export function pktFwdConfigDisplay(): void {
  const f = ctx.fwd;
  const cfg = ctx.cfg;
  let s = `${f.engine} packet forwarding${cfg.retry ? ' with retry' : ''} - ports=${f.nbFwdPorts} - cores=${f.nbFwdLcores} - streams=${f.nbFwdStreams} - NUMA support ${cfg.numa ? 'enabled' : 'disabled'}, MP allocation mode: native\n`;
  if (cfg.retry) s += `TX retry num: 64, delay between TX retries: 1us\n`;
  for (let lc = 0; lc < f.nbFwdLcores; lc++) {
    const id = cfg.fwdLcores[lc]!;
    const ls = f.lcoreStreams[lc]!;
    s += `Logical Core ${id} (socket ${eal.lcoreToSocketId(id)}) forwards packets on ${ls.nb} streams:`;
    for (let k = 0; k < ls.nb; k++) {
      const st = f.streams[ls.idx + k]!;
      s += `\n  RX P=${st.rxPort}/Q=${st.rxQueue} (socket ${socketOf(st.rxPort)}) -> TX P=${st.txPort}/Q=${st.txQueue} (socket ${socketOf(st.txPort)}) peer=${formatMac(cfg.peers[st.peerAddr]!)}`;
    }
    s += '\n';
  }
  s += '\n';
  out(s);
}

/** rxtx_config_display (printed by `start` after the Rx flush). */
export function rxtxConfigDisplay(): void {
  const cfg = ctx.cfg;
  let s = `  ${cfg.fwdMode} packet forwarding${cfg.retry ? ' with retry' : ''} packets/burst=${cfg.burst}\n`;
  if (cfg.fwdMode === 'txonly' || cfg.fwdMode === 'flowgen') {
    s += `  packet len=${cfg.txPktLength} - nb packet segments=${cfg.txSegLengths.length}\n`;
  }
  s += `  nb forwarding cores=${cfg.nbFwdLcores} - nb forwarding ports=${cfg.nbFwdPorts}\n`;
  for (const [pid, p] of ctx.ports) {
    const rxOff = p.conf.rxmode?.offloads ?? 0n;
    const txOff = p.conf.txmode?.offloads ?? 0n;
    s += `  port ${pid}: RX queue number: ${cfg.nbRxq} Tx queue number: ${cfg.nbTxq}\n`;
    s += `    Rx offloads=0x${rxOff.toString(16)} Tx offloads=0x${txOff.toString(16)}\n`;
    s += `    RX queue: 0\n`;
    s += `      RX desc=${p.nbRxDesc} - RX free threshold=0\n`;
    s += `      RX threshold registers: pthresh=0 hthresh=0  wthresh=0\n`;
    s += `      RX Offloads=0x${rxOff.toString(16)}\n`;
    s += `    TX queue: 0\n`;
    s += `      TX desc=${p.nbTxDesc} - TX free threshold=0\n`;
    s += `      TX threshold registers: pthresh=0 hthresh=0  wthresh=0\n`;
    s += `      TX offloads=0x${txOff.toString(16)} - TX RS bit threshold=0\n`;
  }
  out(s);
}
