// A spinlock in shared memory that works across lcores (threads) and processes. Atomics.wait does
// not cross processes, so waiters spin, then back off with short sleeps. The lock word holds the
// owner's token (pid << 8 | thread slot) so a lock held by a dead process can be recovered.

import { log, registerLogType, LogLevel } from './log.js';

const LOG_EAL = registerLogType('lib.eal');

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const pid = process.pid;
let token = ((pid & 0x3fffff) << 8) | 0;

export function setLockThreadSlot(slot: number): void {
  token = ((pid & 0x3fffff) << 8) | (slot & 0xff);
}

export function lockToken(): number {
  return token;
}

function ownerAlive(token: number): boolean {
  const pid = token >>> 8;
  if (pid === (process.pid & 0x3fffff)) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock at i32 index `idx` of `view`. */
export function spinLock(view: Int32Array, idx: number): void {
  const me = lockToken();
  let spins = 0;
  for (;;) {
    const cur = Atomics.compareExchange(view, idx, 0, me);
    if (cur === 0) return;
    spins++;
    if (spins > 200) {
      if ((spins & 1023) === 0 && !ownerAlive(cur)) {
        if (Atomics.compareExchange(view, idx, cur, me) === cur) {
          log(LogLevel.WARNING, LOG_EAL, `EAL: recovered a shared lock held by dead process ${cur >>> 8}\n`);
          return;
        }
      }
      Atomics.wait(sleeper, 0, 0, spins > 5000 ? 1 : 0.05);
    }
  }
}

export function spinTryLock(view: Int32Array, idx: number): boolean {
  return Atomics.compareExchange(view, idx, 0, lockToken()) === 0;
}

export function spinUnlock(view: Int32Array, idx: number): void {
  Atomics.store(view, idx, 0);
}
