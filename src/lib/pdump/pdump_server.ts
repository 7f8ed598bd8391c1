// The primary's side of `mp_pdump` (DPDK's pdump_server): runs in the mp thread, registered by pdumpInit.
// Enables or disables capture for the requesting capture tool, answers with struct pdump_response, and
// once a second releases what dead capture tools left enabled and allocated.

import { closeSync } from 'node:fs';
import * as eal from '../eal/index.js';
import { TsdpdkError } from '../eal/errors.js';
import { getPortByName } from '../ethdev/ethdev.js';
import { disableLocal, enableFor, pdumpReclaimDead } from './pdump.js';
import { decodeRequest, encodeResponse, PDUMP_MP, PDUMP_OP_ENABLE, PDUMP_V2 } from './pdump_request.js';

const LOG_PDUMP = eal.log.registerLogType('lib.pdump');
const RECLAIM_MS = 1000;

/** A secondary's socket is mp_socket_<pid>_<hex>: its pid owns the capture. */
function peerPid(peer: string): number {
  const m = /mp_socket_(\d+)_[0-9a-f]+$/.exec(peer);
  return m ? Number(m[1]) : 0;
}

export function handlePdumpRequest(msg: eal.mp.MpMsg, peer: string): void {
  for (const fd of msg.fds) closeSync(fd); // pdump requests carry none; the receiver owns what came
  pdumpReclaimDead();
  const req = decodeRequest(msg.param);
  let err = 0;
  let ver = PDUMP_V2;
  let op = 0;
  if (typeof req === 'string') {
    eal.log.log(eal.log.LogLevel.ERR, LOG_PDUMP, `PDUMP: bad ${PDUMP_MP} request from ${peer}: ${req}\n`);
    err = -eal.Errno.EINVAL;
  } else {
    ver = req.ver;
    op = req.op;
    try {
      const owner = peerPid(peer);
      if (owner === 0) throw new TsdpdkError('EPERM', `pdump: requests come from secondary processes (got ${peer})`);
      const port = getPortByName(req.device);
      if (req.op === PDUMP_OP_ENABLE) enableFor(owner, port, req.queue, req.flags, req.ring, req.mempool, req.snaplen, req.filter);
      else disableLocal(port, req.queue, req.flags);
    } catch (e) {
      const te = e as TsdpdkError;
      err = -(te.errno ?? eal.Errno.EINVAL);
      eal.log.log(eal.log.LogLevel.ERR, LOG_PDUMP, `PDUMP: ${te.message}\n`);
    }
  }
  eal.mp.reply({ name: PDUMP_MP, param: encodeResponse({ ver, op, err }), fds: [] }, peer);
}

setInterval(() => {
  try {
    pdumpReclaimDead();
  } catch (e) {
    eal.log.log(eal.log.LogLevel.ERR, LOG_PDUMP, `PDUMP: reclaim failed: ${(e as Error).message}\n`);
  }
}, RECLAIM_MS).unref();
