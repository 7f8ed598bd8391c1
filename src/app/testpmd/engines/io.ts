// io: received packets go out unchanged (the payload is never read).

import * as ethdev from '../../../lib/ethdev/index.js';
import { ST_RX } from '../shared.js';
import { sendBurst, type EngineEnv, type PacketFwd, type StreamRt } from './common.js';

export function createIo(env: EngineEnv): PacketFwd {
  const f64 = env.f64;
  const burst = env.burst;
  return (s: StreamRt): void => {
    const nbRx = ethdev.rxBurst(s.rxPort, s.rxQueue, s.pkts, burst);
    if (nbRx === 0) return;
    f64[s.st + ST_RX] += nbRx;
    sendBurst(env, s, nbRx);
  };
}
