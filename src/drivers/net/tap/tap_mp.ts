// net_tap's multi-process action `tap_mp_sync_queues` (DPDK drivers/net/tap/rte_eth_tap.c): a secondary
// asks the primary for the port's queue fds, which come back as SCM_RIGHTS. Param is DPDK's
// struct ipc_queues { int rxq_count; int txq_count; char port_name[64]; } (72 bytes) plus two i32 of ours:
// `first` @72 (index of the first fd carried, in the list rx 0..n-1 then tx 0..m-1) and `result` @76
// (0 or -errno). DPDK sends all fds in one reply and refuses more than RTE_MP_MAX_FD_NUM (8); we send
// at most 8 per reply and the secondary asks again from `first` until it has them all (16 queue pairs =
// 32 fds = 4 requests). A DPDK-shaped request (72 bytes, first 0) gets DPDK's reply for up to 8 fds.
// The action runs in the primary's mp thread; the request is sent by the secondary's main thread.

import * as eal from '../../../lib/eal/index.js';
import { Errno, TsdpdkError, type ErrnoCode } from '../../../lib/eal/errors.js';
import { getPortByName, portDataOf } from '../../../lib/ethdev/ethdev.js';
import { P } from '../../../lib/ethdev/port_data.js';
import { tapPrimaryQueueFds } from './tap_ethdev.js';

export const TAP_MP_KEY = 'tap_mp_sync_queues';
/** struct ipc_queues (72 bytes) + first + result. */
export const TAP_MP_PARAM_SIZE = 80;
const DPDK_PARAM_SIZE = 72;
const NAME_MAX = 64; // RTE_DEV_NAME_MAX_LEN
const O_RXQ = 0;
const O_TXQ = 4;
const O_NAME = 8;
const O_FIRST = 72;
const O_RESULT = 76;
const O_WHY = 80; // ours: the reason of a refusal, NUL-terminated
/** Per request; DPDK waits 1 s, a loaded 2-vCPU machine needs a margin. */
export const TAP_MP_TIMEOUT_MS = 2000;

const LOG = eal.log.registerLogType('pmd.net.tap');


export interface TapMpParam {
  rxqCount: number;
  txqCount: number;
  portName: string;
  first: number;
  result: number;
  why?: string;
}

export function encodeTapMpParam(p: TapMpParam): Uint8Array {
  const why = p.why === undefined ? null : new TextEncoder().encode(p.why).subarray(0, eal.mp.MP_MAX_PARAM_LEN - O_WHY - 1);
  const b = new Uint8Array(why === null ? TAP_MP_PARAM_SIZE : O_WHY + why.length + 1);
  if (why !== null) b.set(why, O_WHY);
  const dv = new DataView(b.buffer);
  dv.setInt32(O_RXQ, p.rxqCount, true);
  dv.setInt32(O_TXQ, p.txqCount, true);
  new TextEncoder().encodeInto(p.portName, b.subarray(O_NAME, O_NAME + NAME_MAX - 1));
  dv.setInt32(O_FIRST, p.first, true);
  dv.setInt32(O_RESULT, p.result, true);
  return b;
}

/** Decodes a request or reply; a 72-byte (DPDK) param reads first = result = 0. Null when too short. */
export function decodeTapMpParam(b: Uint8Array): TapMpParam | null {
  if (b.length < DPDK_PARAM_SIZE) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const raw = b.subarray(O_NAME, O_NAME + NAME_MAX);
  const end = raw.indexOf(0);
  const ext = b.length >= TAP_MP_PARAM_SIZE;
  return {
    rxqCount: dv.getInt32(O_RXQ, true), txqCount: dv.getInt32(O_TXQ, true),
    portName: new TextDecoder().decode(raw.subarray(0, end < 0 ? NAME_MAX : end)),
    first: ext ? dv.getInt32(O_FIRST, true) : 0, result: ext ? dv.getInt32(O_RESULT, true) : 0,
    why: b.length > O_WHY ? new TextDecoder().decode(b.subarray(O_WHY, b.indexOf(0, O_WHY) < 0 ? b.length : b.indexOf(0, O_WHY))) : undefined,
  };
}

function err(msg: string): void {
  eal.log.log(eal.log.LogLevel.ERR, LOG, `TAP: ${msg}\n`);
}

/** The primary's side (mp thread): replies with up to 8 fds from `first`, or result -errno. */
export function tapMpSyncQueues(msg: eal.mp.MpMsg, peer: string): number {
  eal.mp.closeFds(msg.fds); // a request carries none
  const req = decodeTapMpParam(msg.param);
  if (req === null) {
    err(`${TAP_MP_KEY}: param of ${msg.param.length} bytes, expected ${DPDK_PARAM_SIZE} or ${TAP_MP_PARAM_SIZE}`);
    return -1;
  }
  const answer = (p: TapMpParam, fds: number[]): number => {
    try {
      eal.mp.reply({ name: TAP_MP_KEY, param: encodeTapMpParam(p), fds }, peer);
      return 0;
    } catch (e) {
      err(`Failed to reply an IPC request to sync queues: ${(e as Error).message}`);
      return -1;
    }
  };
  const refuse = (code: ErrnoCode, why: string): number => {
    err(`${req.portName}: ${why}`);
    return answer({ rxqCount: 0, txqCount: 0, portName: req.portName, first: req.first, result: -Errno[code], why }, []);
  };
  let port: number;
  try {
    port = getPortByName(req.portName);
  } catch {
    return refuse('ENODEV', `no port named ${req.portName} in the primary`);
  }
  let q: { rx: number[]; tx: number[] };
  try {
    q = tapPrimaryQueueFds(portDataOf(port));
  } catch (e) {
    const c = e instanceof TsdpdkError ? e.code : 'EINVAL';
    return refuse(c, (e as Error).message);
  }
  const all = [...q.rx, ...q.tx];
  const chunk = eal.mp.fdChunk(all, req.first);
  if (chunk === null) return refuse('ERANGE', `first fd ${req.first} out of ${all.length}`);
  return answer({ rxqCount: q.rx.length, txqCount: q.tx.length, portName: req.portName, first: req.first, result: 0 }, chunk);
}

/**
 * The secondary's side: the rx and tx queue fds of `portName`, duplicated into this process. Throws a
 * TsdpdkError when the primary is gone (ECONNREFUSED), silent (ETIMEDOUT) or refuses (its errno).
 */
export function tapMpAttachQueues(portName: string): { rx: number[]; tx: number[] } {
  let rxq = 0;
  const decode = (b: Uint8Array): eal.mp.FdReply | null => {
    const p = decodeTapMpParam(b);
    if (p === null || p.portName !== portName) return null;
    rxq = p.rxqCount;
    return { total: p.rxqCount + p.txqCount, first: p.first, result: p.result, why: p.why, shape: `${p.rxqCount}/${p.txqCount}` };
  };
  const { fds } = eal.mp.requestFds(TAP_MP_KEY, `net_tap ${portName}`,
    { requestFailed: 'Failed to request queues from primary', refused: 'the primary refused to share its queues' },
    (first) => encodeTapMpParam({ rxqCount: 0, txqCount: 0, portName, first, result: 0 }), decode, TAP_MP_TIMEOUT_MS);
  return { rx: fds.slice(0, rxq), tx: fds.slice(rxq) };
}
