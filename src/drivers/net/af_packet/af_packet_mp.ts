// net_af_packet's multi-process action `afp_mp_sync_queues` (a tsdpdk addition: DPDK 22.11's af_packet
// gives secondaries no data path). A secondary asks the primary for the AF_PACKET socket of each queue
// pair; the fds come back as SCM_RIGHTS, at most 8 per reply (RTE_MP_MAX_FD_NUM), so the secondary asks
// again from `first` until it has them all. The secondary then maps each socket's PACKET_MMAP ring at
// the window offset the primary recorded (af_packet_ethdev.ts), so both walk the same ring memory.
// Param: port_name[64] (RTE_DEV_NAME_MAX_LEN), i32 nb_queues @64, i32 first @68, i32 result @72 (0 or
// -errno), then the reason of a refusal, NUL-terminated. The action runs in the primary's mp thread.

import * as eal from '../../../lib/eal/index.js';
import { Errno, TsdpdkError, type ErrnoCode } from '../../../lib/eal/errors.js';
import { getPortByName, portDataOf } from '../../../lib/ethdev/ethdev.js';
import { afpPrimaryQueueFds } from './af_packet_ethdev.js';

export const AFP_MP_KEY = 'afp_mp_sync_queues';
export const AFP_MP_PARAM_SIZE = 76;
const NAME_MAX = 64;
const O_NBQ = 64;
const O_FIRST = 68;
const O_RESULT = 72;
const O_WHY = 76;
/** Per request: a loaded 2-vCPU machine needs a margin over DPDK's usual 1 s. */
export const AFP_MP_TIMEOUT_MS = 2000;

const LOG = eal.log.registerLogType('pmd.net.af_packet');

export interface AfpMpParam {
  portName: string;
  nbQueues: number;
  first: number;
  result: number;
  why?: string;
}

export function encodeAfpMpParam(p: AfpMpParam): Uint8Array {
  const why = p.why === undefined ? null : new TextEncoder().encode(p.why).subarray(0, eal.mp.MP_MAX_PARAM_LEN - O_WHY - 1);
  const b = new Uint8Array(why === null ? AFP_MP_PARAM_SIZE : O_WHY + why.length + 1);
  if (why !== null) b.set(why, O_WHY);
  new TextEncoder().encodeInto(p.portName, b.subarray(0, NAME_MAX - 1));
  const dv = new DataView(b.buffer);
  dv.setInt32(O_NBQ, p.nbQueues, true);
  dv.setInt32(O_FIRST, p.first, true);
  dv.setInt32(O_RESULT, p.result, true);
  return b;
}

/** Null when too short. */
export function decodeAfpMpParam(b: Uint8Array): AfpMpParam | null {
  if (b.length < AFP_MP_PARAM_SIZE) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const raw = b.subarray(0, NAME_MAX);
  const end = raw.indexOf(0);
  let whyEnd = b.indexOf(0, O_WHY);
  if (whyEnd < 0) whyEnd = b.length;
  return {
    portName: new TextDecoder().decode(raw.subarray(0, end < 0 ? NAME_MAX : end)),
    nbQueues: dv.getInt32(O_NBQ, true), first: dv.getInt32(O_FIRST, true), result: dv.getInt32(O_RESULT, true),
    why: b.length > O_WHY ? new TextDecoder().decode(b.subarray(O_WHY, whyEnd)) : undefined,
  };
}

function err(msg: string): void {
  eal.log.log(eal.log.LogLevel.ERR, LOG, `AFPACKET: ${msg}\n`);
}

/** The primary's side (mp thread): up to 8 socket fds from `first`, or result -errno with a reason. */
export function afpMpSyncQueues(msg: eal.mp.MpMsg, peer: string): number {
  eal.mp.closeFds(msg.fds); // a request carries none
  const req = decodeAfpMpParam(msg.param);
  if (req === null) {
    err(`${AFP_MP_KEY}: param of ${msg.param.length} bytes, expected at least ${AFP_MP_PARAM_SIZE}`);
    return -1;
  }
  const answer = (p: AfpMpParam, fds: number[]): number => {
    try {
      eal.mp.reply({ name: AFP_MP_KEY, param: encodeAfpMpParam(p), fds }, peer);
      return 0;
    } catch (e) {
      err(`Failed to reply an IPC request to sync queues: ${(e as Error).message}`);
      return -1;
    }
  };
  const refuse = (code: ErrnoCode, why: string): number => {
    err(`${req.portName}: ${why}`);
    return answer({ portName: req.portName, nbQueues: 0, first: req.first, result: -Errno[code], why }, []);
  };
  let fds: number[];
  try {
    fds = afpPrimaryQueueFds(portDataOf(getPortByName(req.portName)));
  } catch (e) {
    return refuse(e instanceof TsdpdkError ? e.code : 'EINVAL', (e as Error).message);
  }
  const chunk = eal.mp.fdChunk(fds, req.first);
  if (chunk === null) return refuse('ERANGE', `first fd ${req.first} out of ${fds.length}`);
  return answer({ portName: req.portName, nbQueues: fds.length, first: req.first, result: 0 }, chunk);
}

/**
 * The secondary's side: the socket fd of each queue pair of `portName`, duplicated into this process.
 * Throws a TsdpdkError when the primary is gone (ECONNREFUSED), silent (ETIMEDOUT) or refuses (its errno).
 */
export function afpMpAttachQueues(portName: string): number[] {
  const decode = (b: Uint8Array): eal.mp.FdReply | null => {
    const p = decodeAfpMpParam(b);
    return p === null || p.portName !== portName ? null : { total: p.nbQueues, first: p.first, result: p.result, why: p.why };
  };
  return eal.mp.requestFds(AFP_MP_KEY, `net_af_packet ${portName}`,
    { requestFailed: 'failed to request the queue sockets from the primary', refused: 'the primary refused to share its queue sockets' },
    (first) => encodeAfpMpParam({ portName, nbQueues: 0, first, result: 0 }), decode, AFP_MP_TIMEOUT_MS).fds;
}
