// Verbose packet dumps (testpmd's util.c dump_pkt_burst): with `set verbose 1` every received burst is
// printed, with 2 every sent burst, with 3+ both. testpmd installs them as ethdev Rx/Tx callbacks; here the
// forwarding lcore installs them on the queues it polls (ethdev callbacks are per thread) whenever the
// shared verbose level changes. Debug output: it builds strings, like testpmd's printf.

import * as ethdev from '../../lib/ethdev/index.js';
import * as eal from '../../lib/eal/index.js';
import {
  check, dynfieldLookup, dynflagLookup, M_BUF_ADDR, M_DATA_LEN, M_DATA_OFF, M_HASH_RSS, M_NB_SEGS, M_NEXT, M_OL_FLAGS,
  M_PACKET_TYPE, M_PKT_LEN, M_POOL, M_VLAN_TCI, M_VLAN_TCI_OUTER, rxOlFlagList, txOlFlagList,
} from '../../lib/mbuf/index.js';
import { mempoolFromOffset } from '../../lib/mempool/index.js';
import {
  HDR_INNER_L2_LEN, HDR_INNER_L3_LEN, HDR_INNER_L4_LEN, HDR_L2_LEN, HDR_L3_LEN, HDR_L4_LEN, HDR_LENS_SIZE, HDR_TUNNEL_LEN,
  netGetPtype, ptypeName,
} from '../../lib/net/index.js';
import { formatMac } from './context.js';
import { out } from './io.js';

const scratch = new Uint8Array(512);
const lens = new Uint32Array(HDR_LENS_SIZE);

/** rte_pktmbuf_read of the first min(pkt_len, 512) bytes into the scratch buffer; returns the length. */
function linearize(w: eal.SharedWindow, m: number): number {
  const want = Math.min(w.u32[(m + M_PKT_LEN) >>> 2]!, scratch.length);
  let got = 0;
  for (let s = m; s !== 0 && got < want; s = w.u32[(s + M_NEXT) >>> 2]!) {
    const d = w.u32[(s + M_BUF_ADDR) >>> 2]! + w.u16[(s + M_DATA_OFF) >>> 1]!;
    const n = Math.min(w.u16[(s + M_DATA_LEN) >>> 1]!, want - got);
    scratch.set(w.u8.subarray(d, d + n), got);
    got += n;
  }
  return got;
}

let tsFlag = -2;
let tsField = -1;

function timestamp(w: eal.SharedWindow, m: number, olHi: number, olLo: number): string {
  if (tsFlag === -2) {
    tsFlag = dynflagLookup('rte_dynflag_rx_timestamp');
    tsField = dynfieldLookup('rte_dynfield_timestamp');
  }
  if (tsFlag < 0 || tsField < 0) return '';
  const set = tsFlag >= 32 ? (olHi >>> (tsFlag - 32)) & 1 : (olLo >>> tsFlag) & 1;
  if (!set) return '';
  return ` - timestamp ${w.dv.getBigUint64(m + tsField, true)} `;
}

/** dump_pkt_burst */
export function dumpBurst(port: number, queue: number, pkts: Uint32Array, n: number, isRx: boolean): void {
  if (n === 0) return;
  const w = eal.sharedWindow();
  let buf = `port ${port}/queue ${queue}: ${isRx ? 'received' : 'sent'} ${n} packets\n`;
  for (let i = 0; i < n; i++) {
    const m = pkts[i]!;
    const len = linearize(w, m);
    const type = len >= 14 ? (scratch[12]! << 8) | scratch[13]! : 0;
    const olLo = w.u32[(m + M_OL_FLAGS) >>> 2]!;
    const olHi = w.u32[(m + M_OL_FLAGS + 4) >>> 2]!;
    const ol = (BigInt(olHi) << 32n) | BigInt(olLo);
    buf += `  src=${formatMac(scratch.subarray(6, 12))} - dst=${formatMac(scratch.subarray(0, 6))}`;
    buf += ` - pool=${mempoolFromOffset(w.u32[(m + M_POOL) >>> 2]!).name} - type=0x${type.toString(16).padStart(4, '0')}`;
    buf += ` - length=${w.u32[(m + M_PKT_LEN) >>> 2]} - nb_segs=${w.u16[(m + M_NB_SEGS) >>> 1]}`;
    if (olLo & (1 << 1)) buf += ` - RSS hash=0x${w.u32[(m + M_HASH_RSS) >>> 2]!.toString(16)} - RSS queue=0x${queue.toString(16)}`;
    buf += timestamp(w, m, olHi, olLo);
    if (olLo & (1 << 20)) {
      buf += ` - QinQ VLAN tci=0x${w.u16[(m + M_VLAN_TCI) >>> 1]!.toString(16)}, VLAN tci outer=0x${w.u16[(m + M_VLAN_TCI_OUTER) >>> 1]!.toString(16)}`;
    } else if (olLo & 1) {
      buf += ` - VLAN tci=0x${w.u16[(m + M_VLAN_TCI) >>> 1]!.toString(16)}`;
    }
    const hw = w.u32[(m + M_PACKET_TYPE) >>> 2]!;
    if (hw !== 0) buf += ` - hw ptype: ${ptypeName(hw)}`;
    lens.fill(0);
    const sw = netGetPtype(scratch, 0, len, 0x0fffffff, lens);
    buf += ` - sw ptype: ${ptypeName(sw)}`;
    if (sw & 0xf) buf += ` - l2_len=${lens[HDR_L2_LEN]}`;
    if (sw & 0xf0) buf += ` - l3_len=${lens[HDR_L3_LEN]}`;
    if (sw & 0xf00) buf += ` - l4_len=${lens[HDR_L4_LEN]}`;
    if (sw & 0xf000) buf += ` - tunnel_len=${lens[HDR_TUNNEL_LEN]}`;
    if (sw & 0xf0000) buf += ` - inner_l2_len=${lens[HDR_INNER_L2_LEN]}`;
    if (sw & 0xf00000) buf += ` - inner_l3_len=${lens[HDR_INNER_L3_LEN]}`;
    if (sw & 0xf000000) buf += ` - inner_l4_len=${lens[HDR_INNER_L4_LEN]}`;
    if (hw & 0xf000) {
      // testpmd's VXLAN line for hardware-detected tunnels (IPv4 options not supported, like testpmd).
      const l3 = 14;
      const v4 = (hw & 0x10) !== 0;
      const l3Len = v4 ? 20 : 40;
      const proto = v4 ? scratch[l3 + 9]! : scratch[l3 + 6]!;
      if (proto === 17) {
        const udp = l3 + l3Len;
        const vni = ((scratch[udp + 12]! << 24) | (scratch[udp + 13]! << 16) | (scratch[udp + 14]! << 8) | scratch[udp + 15]!) >>> 0;
        buf += ` - VXLAN packet: packet type =${hw}, Destination UDP port =${(scratch[udp + 2]! << 8) | scratch[udp + 3]!}, VNI = ${vni >>> 8}, last_rsvd = ${vni & 0xff}`;
      }
    }
    buf += ` - ${isRx ? 'Receive' : 'Send'} queue=0x${queue.toString(16)}\n`;
    buf += `  ol_flags: ${isRx ? rxOlFlagList(ol) : txOlFlagList(ol)}\n`;
    const bad = check(m, true);
    if (bad !== null) buf += `INVALID mbuf: ${bad}\n`;
    out(buf);
    buf = '';
  }
}

interface Installed { port: number; queue: number; id: number; rx: boolean }
let installed: Installed[] = [];

/**
 * configure_rxtx_dump_callbacks for this lcore's queues: Rx dumps at verbose 1 and > 2, Tx dumps at >= 2.
 */
export function configureDumps(verbose: number, rxq: [number, number][], txq: [number, number][]): void {
  removeDumps();
  if (verbose === 1 || verbose > 2) {
    for (const [port, queue] of rxq) {
      const id = ethdev.addRxCallback(port, queue, (p, q, mbufs, nb) => {
        dumpBurst(p, q, mbufs, nb, true);
        return nb;
      });
      installed.push({ port, queue, id, rx: true });
    }
  }
  if (verbose >= 2) {
    for (const [port, queue] of txq) {
      const id = ethdev.addTxCallback(port, queue, (p, q, mbufs, nb) => {
        dumpBurst(p, q, mbufs, nb, false);
        return nb;
      });
      installed.push({ port, queue, id, rx: false });
    }
  }
}

export function removeDumps(): void {
  for (const c of installed) {
    if (c.rx) ethdev.removeRxCallback(c.port, c.queue, c.id);
    else ethdev.removeTxCallback(c.port, c.queue, c.id);
  }
  installed = [];
}
