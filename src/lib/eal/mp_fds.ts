// Handing a set of fds to another process over the mp channel, more than RTE_MP_MAX_FD_NUM (8) of them:
// the requester asks from index `first`, the owner answers with up to 8 fds from there (SCM_RIGHTS) and
// the total, and the requester asks again until it has them all. Drivers (net_tap, net_af_packet) bring
// the message layout (their param codec); this is the loop, the chunking and the error rules.

import { closeSync } from 'node:fs';
import { Errno, fail, TsdpdkError, type ErrnoCode } from './errors.js';
import { MP_MAX_FD_NUM, requestSync, type MpReply } from './mp_channel.js';

/** What a reply says, decoded by the driver's codec. */
export interface FdReply {
  /** fds the owner has in all */
  total: number;
  /** index of the first fd this reply carries */
  first: number;
  /** 0, or -errno when the owner refuses */
  result: number;
  /** the owner's reason for a refusal */
  why?: string;
  /** anything that must not change between the replies of one transfer (e.g. "rx/tx" counts) */
  shape?: string;
}

const ERRNO_NAME = new Map<number, ErrnoCode>(Object.entries(Errno).map(([k, v]) => [v, k as ErrnoCode]));

/** Closes fds this process received, ignoring ones already closed. */
export function closeFds(fds: readonly number[]): void {
  for (const fd of fds) {
    try { closeSync(fd); } catch { /* already closed */ }
  }
}

/** The owner's side: the fds to send for a request from `first`, or null when `first` is out of range. */
export function fdChunk(all: readonly number[], first: number): number[] | null {
  if (!Number.isInteger(first) || first < 0 || (first >= all.length && all.length > 0)) return null;
  return all.slice(first, first + MP_MAX_FD_NUM);
}

/**
 * The requester's side: sends `request(first)` to `action` until every fd arrived; returns them with the
 * last decoded reply (`say` words the errors the driver's way). Throws a TsdpdkError naming `who` when the peer is gone (ECONNREFUSED), silent
 * (ETIMEDOUT), refuses (its errno) or answers inconsistently (EIO); fds received so far are closed then.
 */
export function requestFds<R extends FdReply>(
  action: string, who: string, say: { requestFailed: string; refused: string }, request: (first: number) => Uint8Array,
  decode: (param: Uint8Array) => R | null, timeoutMs: number,
): { fds: number[]; reply: R } {
  const got: number[] = [];
  let last: R | null = null;
  try {
    do {
      let r: MpReply;
      try {
        r = requestSync({ name: action, param: request(got.length), fds: [] }, timeoutMs);
      } catch (e) {
        throw new TsdpdkError(e instanceof TsdpdkError ? e.code : 'EIO', `${who}: ${say.requestFailed}: ${(e as Error).message}`);
      }
      const m = r.msgs[0];
      if (r.nbReceived !== 1 || m === undefined) fail('ETIMEDOUT', `${who}: ${say.requestFailed}: no reply (${r.nbReceived} of ${r.nbSent})`);
      got.push(...m.fds);
      const p = decode(m.param);
      if (p === null) fail('EIO', `${who}: malformed ${action} reply (${m.param.length} bytes)`);
      if (p.result < 0) fail(ERRNO_NAME.get(-p.result) ?? 'EIO', `${who}: ${say.refused}: ${p.why ?? `errno ${-p.result}`}`);
      if ((last !== null && (p.total !== last.total || p.shape !== last.shape)) || p.first !== got.length - m.fds.length) {
        fail('EIO', `${who}: the primary's answer changed while attaching`);
      }
      last = p;
      if (m.fds.length === 0 && got.length < p.total) fail('EIO', `${who}: unexpected number of fds received (${got.length} of ${p.total})`);
    } while (got.length < last.total);
    if (got.length !== last.total) fail('EIO', `${who}: unexpected number of fds received (${got.length}, expected ${last.total})`);
  } catch (e) {
    closeFds(got);
    throw e;
  }
  return { fds: got, reply: last };
}
