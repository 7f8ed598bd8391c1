// mp action for bench/mp.ts (loaded by the primary's mp thread): replies with the request's param.
import * as eal from '../src/lib/eal/index.js';

export function echo(msg: eal.mp.MpMsg, peer: string): number {
  eal.mp.reply({ name: msg.name, param: msg.param, fds: [] }, peer);
  return 0;
}
