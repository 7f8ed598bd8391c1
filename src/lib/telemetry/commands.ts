// The standard commands of the EAL, ethdev, mempool and ring libraries, with DPDK's names, help texts
// and reply shapes: 22.11 for /eal/params, /eal/app_params, /eal/memzone_*, /eal/heap_*, /ethdev/*, /mempool/*; /eal/lcore/* from
// 23.03 and /ring/* from 23.11 (not in 22.11).

import { ealRuntime } from '../eal/eal.js';
import { memzoneList, memzoneLookup } from '../eal/memzone.js';
import { lcoreState } from '../eal/lcore.js';
import { mm } from '../eal/state.js';
import * as ethdev from '../ethdev/index.js';
import { PORT_FIELD as P } from '../ethdev/index.js';
import { Mempool, mempoolList, MEMPOOL_MZ_PREFIX } from '../mempool/index.js';
import { pktmbufDataRoomSize } from '../mbuf/pktmbuf.js';
import { QC_MEMPOOL, QC_STATE } from '../ethdev/port_data.js';
import { Ring, ringList, RING_MZ_PREFIX, RING_NAMESIZE } from '../ring/index.js';
import { TelData } from './data.js';
import { registerCommand } from './registry.js';

const MEMZONE_NAMESIZE = 32;
const MAX_LCORE = 128;
const enc = new TextEncoder();

/** eal_save_args' split: argv[0] + EAL args; everything after the first "--". */
function argLists(): { eal: string[]; app: string[] } {
  const rt = ealRuntime() as ReturnType<typeof ealRuntime> & { appParams?: string[] };
  return { eal: rt.ealArgs, app: rt.appParams ?? rt.appArgs };
}

function handleEalInfo(cmd: string, _p: string | null, d: TelData): number {
  const args = cmd === '/eal/params' ? argLists().eal : argLists().app;
  d.startArray('string');
  let used = 0;
  for (const a of args) used = d.addArrayString(a);
  return used;
}

registerCommand('/eal/params', handleEalInfo, 'Returns EAL commandline parameters used. Takes no parameters');
registerCommand('/eal/app_params', handleEalInfo, 'Returns app commandline parameters used. Takes no parameters');

// ---- memzones and heaps (22.11 eal_common_memory.c; key names and the "Head_id" spelling are DPDK's) ----

const MAX_MEMZONE = 2560;
const MAX_HEAPS = 32;

/** strtoul(params, NULL, 10) / atoi as DPDK's memory handlers use them: leading blanks, digits, rest ignored. */
function leadingDecimal(s: string): number | null {
  const m = /^[ \t\n\v\f\r]*(-?)([0-9]*)/.exec(s)!;
  if (m[1] === '-') return null; // DPDK indexes out of its arrays here and crashes; tsdpdk answers null
  return m[2] === '' ? 0 : Number(m[2]);
}

/** Address as the process sees it: its virtual address when the addon knows it, else the window offset. */
function addressOf(offset: number): bigint {
  const va = mm().virt2va(offset);
  return va === 0n ? BigInt(offset) : va;
}

registerCommand('/eal/memzone_list', (_c, _p, d) => {
  d.startArray('int');
  for (const z of memzoneList()) d.addArrayInt(z.id);
  return 0;
}, 'List of memzone index reserved. Takes no parameters');

registerCommand('/eal/memzone_info', (_c, params, d) => {
  if (params === null || params.length === 0) return -22;
  const id = leadingDecimal(params);
  if (id === null || id >= MAX_MEMZONE) return -22;
  const z = memzoneList().find((x) => x.id === id);
  if (!z) return -22;
  const ps = hugepageSz();
  const va = addressOf(z.offset);
  const base = va - (va % BigInt(ps));
  d.startDict();
  d.addDictInt('Zone', z.id);
  d.addDictString('Name', z.name);
  d.addDictU64('Length', z.length);
  d.addDictString('Address', '0x' + va.toString(16));
  d.addDictInt('Socket', z.socketId);
  d.addDictInt('Flags', z.flags);
  d.addDictU64('Hugepage_size', ps);
  d.addDictString('Hugepage_base', '0x' + base.toString(16));
  d.addDictU64('Hugepage_used', Math.ceil(Number(va - base + BigInt(z.length)) / ps));
  return 0;
}, 'Returns memzone info. Parameters: int mz_id');

registerCommand('/eal/heap_list', (_c, _p, d) => {
  d.startArray('int');
  mm().sync();
  const heaps = mm().heaps;
  for (let i = 0; i < heaps.length && i < MAX_HEAPS; i++) if (heaps[i]!.stats().heapTotalBytes !== 0) d.addArrayInt(i);
  return 0;
}, 'List of heap index setup. Takes no parameters');

registerCommand('/eal/heap_info', (_c, params, d) => {
  if (params === null || params.length === 0) return -22;
  const id = leadingDecimal(params);
  if (id === null || id >= MAX_HEAPS) return -22;
  const m = mm();
  m.sync(); // segments another process or thread added
  const heap = m.heaps[id];
  const s = heap ? heap.stats() : null;
  d.startDict();
  d.addDictInt('Head_id', id);
  d.addDictString('Name', heap ? `socket_${m.plan.socketIds[id]}` : '');
  d.addDictU64('Heap_size', s?.heapTotalBytes ?? 0);
  d.addDictU64('Free_size', s?.heapFreeBytes ?? 0);
  d.addDictU64('Alloc_size', s?.heapAllocBytes ?? 0);
  d.addDictU64('Greatest_free_size', s?.greatestFreeSize ?? 0);
  d.addDictU64('Alloc_count', s?.allocCount ?? 0);
  d.addDictU64('Free_count', s?.freeCount ?? 0);
  return 0;
}, 'Returns malloc heap stats. Parameters: int heap_id');

// ---- lcores (rte_lcore_iterate: every lcore whose role is not OFF) ----

function lcores(): { id: number; socketId: number; cpus: number[]; role: string }[] {
  const t = lcoreState.table;
  return t === null ? [] : [...t.lcores].sort((a, b) => a.id - b.id);
}

registerCommand('/eal/lcore/list', (_c, _p, d) => {
  d.startArray('int');
  for (const l of lcores()) d.addArrayInt(l.id);
  return 0;
}, 'List of lcore ids. Takes no parameters');

registerCommand('/eal/lcore/info', (_c, params, d) => {
  if (params === null) return -22;
  if (!/^\d+$/.test(params)) return -22;
  const id = Number(params);
  if (id >= MAX_LCORE) return -22;
  const l = lcores().find((x) => x.id === id);
  if (!l) return 0; // not iterated: the reply is null
  d.startDict();
  d.addDictInt('lcore_id', l.id);
  d.addDictInt('socket', l.socketId);
  d.addDictString('role', l.role === 'service' ? 'SERVICE' : 'RTE');
  const cpus = new TelData();
  cpus.startArray('int');
  for (const c of [...l.cpus].sort((a, b) => a - b)) cpus.addArrayInt(c);
  d.addDictContainer('cpuset', cpus);
  return 0;
}, 'Returns lcore info. Parameters: int lcore_id');

// ---- ethdev ----

/** strtoul(params, &end, 0) as the port handlers use it, then the uint16_t port id. */
function strtoulPort(s: string): number {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return 0;
  let v: bigint;
  const t = m[1]!;
  if (/^0[xX]/.test(t)) v = BigInt(t);
  else if (t.length > 1 && t.startsWith('0')) v = BigInt('0o' + t.slice(1));
  else v = BigInt(t);
  if (v > 0xffffffffffffffffn) v = 0xffffffffffffffffn;
  return Number(v & 0xffffn);
}

/** atoi (base 10, clamped to long), then uint16_t. */
function atoiPort(s: string): number {
  const m = /^[0-9]+/.exec(s)!;
  let v = BigInt(m[0]);
  if (v > 0x7fffffffffffffffn) v = 0x7fffffffffffffffn;
  return Number(v & 0xffffn);
}

/** The port of a port handler's params (must start with a digit), or -1. */
function portParam(params: string | null, atoi = false): number {
  if (params === null || params.length === 0 || !/^[0-9]/.test(params)) return -1;
  const port = atoi ? atoiPort(params) : strtoulPort(params);
  return ethdev.isValidPort(port) ? port : -1;
}

registerCommand('/ethdev/list', (_c, _p, d) => {
  d.startArray('int');
  for (const p of ethdev.ports()) d.addArrayInt(p);
  return 0;
}, 'Returns list of available ethdev ports. Takes no parameters');

const QUEUE_STAT_CNTRS = 16; // RTE_ETHDEV_QUEUE_STAT_CNTRS

function queueStats(d: TelData, q: number[], name: string): void {
  const a = new TelData();
  a.startArray('u64');
  for (let i = 0; i < QUEUE_STAT_CNTRS; i++) a.addArrayU64(q[i] ?? 0);
  d.addDictContainer(name, a);
}

registerCommand('/ethdev/stats', (_c, params, d) => {
  const port = portParam(params, true);
  if (port < 0) return -1;
  const s = ethdev.statsGet(port);
  d.startDict();
  d.addDictU64('ipackets', s.ipackets);
  d.addDictU64('opackets', s.opackets);
  d.addDictU64('ibytes', s.ibytes);
  d.addDictU64('obytes', s.obytes);
  d.addDictU64('imissed', s.imissed);
  d.addDictU64('ierrors', s.ierrors);
  d.addDictU64('oerrors', s.oerrors);
  d.addDictU64('rx_nombuf', s.rxNombuf);
  queueStats(d, s.qIpackets, 'q_ipackets');
  queueStats(d, s.qOpackets, 'q_opackets');
  queueStats(d, s.qIbytes, 'q_ibytes');
  queueStats(d, s.qObytes, 'q_obytes');
  queueStats(d, s.qErrors, 'q_errors');
  return 0;
}, 'Returns the common stats for a port. Parameters: int port_id');

registerCommand('/ethdev/xstats', (_c, params, d) => {
  const port = portParam(params);
  if (port < 0) return -1;
  const xs = ethdev.xstatsGet(port);
  d.startDict();
  for (const x of xs) d.addDictU64(x.name, x.value);
  return 0;
}, 'Returns the extended stats for a port. Parameters: int port_id');

registerCommand('/ethdev/link_status', (_c, params, d) => {
  const port = portParam(params);
  if (port < 0) return -1;
  const link = ethdev.linkGetNowait(port);
  d.startDict();
  if (!link.status) {
    d.addDictString('status', 'DOWN');
    return 0;
  }
  d.addDictString('status', 'UP');
  d.addDictU64('speed', link.speed);
  d.addDictString('duplex', link.duplex === ethdev.RTE_ETH_LINK_FULL_DUPLEX ? 'full-duplex' : 'half-duplex');
  return 0;
}, 'Returns the link status for a port. Parameters: int port_id');

registerCommand('/ethdev/info', (_c, params, d) => {
  const port = portParam(params);
  if (port < 0) return -22;
  const pd = ethdev.portDataOf(port);
  const nbRx = pd.u32(P.NB_RXQ);
  const nbTx = pd.u32(P.NB_TXQ);
  const offloads = pd.u64(P.RX_OFFLOADS);
  // min_rx_buf_size: smallest data room of the Rx queues' pools (UINT32_MAX before any queue setup).
  let minBuf = 0xffffffff;
  for (let q = 0; q < nbRx; q++) {
    if (pd.rxqConf(q, QC_STATE) !== 1) continue;
    try {
      minBuf = Math.min(minBuf, pktmbufDataRoomSize(Mempool.attach(pd.rxqConf(q, QC_MEMPOOL))));
    } catch { /* pool freed under the port */ }
  }
  // Queue state as DPDK's rx/tx_queue_state: 1 (started) while the port runs, else 0 (stopped).
  const qState = (set: boolean): number => (set && pd.started ? 1 : 0);
  d.startDict();
  d.addDictString('name', pd.name);
  d.addDictInt('state', pd.attached ? 1 : 0); // RTE_ETH_DEV_ATTACHED
  d.addDictInt('nb_rx_queues', nbRx);
  d.addDictInt('nb_tx_queues', nbTx);
  d.addDictInt('port_id', port);
  d.addDictInt('mtu', pd.u32(P.MTU));
  d.addDictU64('rx_mbuf_size_min', minBuf);
  d.addDictString('mac_addr', ethdev.formatMac(pd.macAddr(0)));
  d.addDictInt('promiscuous', pd.u32(P.PROMISC));
  d.addDictInt('scattered_rx', 0); // no PMD here receives into chained mbufs
  d.addDictInt('all_multicast', pd.u32(P.ALLMULTI));
  d.addDictInt('dev_started', pd.started ? 1 : 0);
  d.addDictInt('lro', (offloads & ethdev.RX_OFFLOAD.TCP_LRO) !== 0n ? 1 : 0);
  d.addDictInt('dev_configured', pd.u32(P.CONFIGURED));
  const rxq = new TelData();
  rxq.startArray('int');
  for (let q = 0; q < nbRx; q++) rxq.addArrayInt(qState(pd.rxqConf(q, QC_STATE) === 1));
  const txq = new TelData();
  txq.startArray('int');
  for (let q = 0; q < nbTx; q++) txq.addArrayInt(qState(pd.txqConf(q, QC_STATE) === 1));
  d.addDictContainer('rxq_state', rxq);
  d.addDictContainer('txq_state', txq);
  d.addDictInt('numa_node', pd.i32(P.SOCKET));
  d.addDictU64('dev_flags', pd.u32(P.DEV_FLAGS));
  d.addDictU64('rx_offloads', offloads);
  d.addDictU64('tx_offloads', pd.u64(P.TX_OFFLOADS));
  d.addDictU64('ethdev_rss_hf', pd.u64(P.RSS_HF));
  return 0;
}, 'Returns the device info for a port. Parameters: int port_id');

// ---- mempool ----

/** Memzone hugepage size as tsdpdk's memzone dump reports it. */
function hugepageSz(): number {
  return mm().plan.pageSize;
}

registerCommand('/mempool/list', (_c, _p, d) => {
  d.startArray('string');
  for (const mp of mempoolList()) d.addArrayString(mp.name);
  return 0;
}, 'Returns list of available mempool. Takes no parameters');

/** strlcpy(name, params, size) */
function clipName(s: string, size: number): string {
  const b = enc.encode(s);
  return b.length < size ? s : new TextDecoder().decode(b.subarray(0, size - 1));
}

registerCommand('/mempool/info', (_c, params, d) => {
  if (!params) return -22;
  const name = clipName(params, MEMZONE_NAMESIZE);
  d.startDict();
  for (const mp of mempoolList()) {
    if (mp.name !== name) continue;
    d.addDictString('name', mp.name);
    d.addDictU64('pool_id', 0); // software pools have no driver pool id
    d.addDictU64('flags', mp.flags);
    d.addDictInt('socket_id', mp.socketId);
    d.addDictU64('size', mp.size);
    d.addDictU64('cache_size', mp.cacheSize);
    d.addDictU64('elt_size', mp.eltSize);
    d.addDictU64('header_size', mp.headerSize);
    d.addDictU64('trailer_size', mp.trailerSize);
    d.addDictU64('private_data_size', mp.privateDataSize);
    d.addDictInt('ops_index', mp.opsIndex);
    d.addDictU64('populated_size', mp.populatedSize);
    const mz = memzoneLookup(MEMPOOL_MZ_PREFIX + mp.name);
    if (mz) {
      d.addDictString('mz_name', mz.name);
      d.addDictU64('mz_len', mz.length);
      d.addDictU64('mz_hugepage_sz', hugepageSz());
      d.addDictInt('mz_socket_id', mz.socketId);
      d.addDictU64('mz_flags', mz.flags);
    }
  }
  return 0;
}, 'Returns mempool info. Parameters: pool_name');

// ---- ring ----

registerCommand('/ring/list', (_c, _p, d) => {
  d.startArray('string');
  for (const r of ringList()) d.addArrayString(r.name);
  return 0;
}, 'Returns list of available rings. Takes no parameters');

const PROD_NAMES: Record<string, string> = { MT: 'MP', ST: 'SP', MT_RTS: 'MP_RTS', MT_HTS: 'MP_HTS' };
const CONS_NAMES: Record<string, string> = { MT: 'MC', ST: 'SC', MT_RTS: 'MC_RTS', MT_HTS: 'MC_HTS' };

registerCommand('/ring/info', (_c, params, d) => {
  if (!params || enc.encode(params).length >= RING_NAMESIZE) return -22;
  d.startDict();
  for (const rl of ringList()) {
    if (rl.name !== params) continue;
    const r = Ring.attach(rl.offset);
    const mz = memzoneLookup(RING_MZ_PREFIX + r.name);
    d.addDictString('name', r.name);
    d.addDictInt('socket', mz ? mz.socketId : -1);
    d.addDictInt('flags', r.flags);
    d.addDictString('producer_type', PROD_NAMES[r.prodSync] ?? 'Unknown');
    d.addDictString('consumer_type', CONS_NAMES[r.consSync] ?? 'Unknown');
    d.addDictU64('size', r.size);
    d.addDictUintHex('mask', r.mask);
    d.addDictU64('capacity', r.capacity);
    d.addDictU64('used_count', r.count());
    if (!mz) continue;
    d.addDictString('mz_name', mz.name);
    d.addDictU64('mz_len', mz.length);
    d.addDictU64('mz_hugepage_sz', hugepageSz());
    d.addDictInt('mz_socket_id', mz.socketId);
    d.addDictUintHex('mz_flags', mz.flags);
  }
  return 0;
}, 'Returns ring info. Parameters: ring_name.');
