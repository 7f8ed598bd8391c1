// The vdev bus's multi-process action `bus_vdev_mp` (DPDK drivers/bus/vdev/vdev.c). Runs in the mp
// thread. Param is struct vdev_param { int type; int num; char name[64]; } (72 bytes, little-endian).
// A secondary's SCAN_REQ makes the primary broadcast one SCAN_ONE message per device to every
// secondary, then reply SCAN_REP with the count. Our secondaries see ports in shared memory already, so
// they accept SCAN_ONE without creating anything.

import * as eal from '../../../lib/eal/index.js';
import { getNameByPort, ports } from '../../../lib/ethdev/ethdev.js';

export const VDEV_MP_KEY = 'bus_vdev_mp';
export const VdevMsgType = { SCAN_REQ: 1, SCAN_ONE: 2, SCAN_REP: 3 } as const;
export const VDEV_PARAM_SIZE = 72;
const NAME_MAX = 64; // RTE_DEV_NAME_MAX_LEN

const LOG = eal.log.registerLogType('bus.vdev');

export function encodeVdevParam(type: number, num: number, name: string): Uint8Array {
  const p = new Uint8Array(VDEV_PARAM_SIZE);
  const dv = new DataView(p.buffer);
  dv.setInt32(0, type, true);
  dv.setInt32(4, num, true);
  new TextEncoder().encodeInto(name, p.subarray(8, 8 + NAME_MAX - 1));
  return p;
}

export function decodeVdevParam(p: Uint8Array): { type: number; num: number; name: string } | null {
  if (p.length < VDEV_PARAM_SIZE) return null;
  const dv = new DataView(p.buffer, p.byteOffset, p.length);
  const raw = p.subarray(8, 8 + NAME_MAX);
  const end = raw.indexOf(0);
  return { type: dv.getInt32(0, true), num: dv.getInt32(4, true), name: new TextDecoder().decode(raw.subarray(0, end < 0 ? NAME_MAX : end)) };
}

function info(msg: string): void {
  eal.log.log(eal.log.LogLevel.INFO, LOG, `VDEV: ${msg}\n`);
}

/** vdev_action */
export function vdevMpAction(msg: eal.mp.MpMsg, peer: string): number {
  const inp = decodeVdevParam(msg.param);
  if (inp === null) {
    eal.log.log(eal.log.LogLevel.ERR, LOG, `VDEV: ${VDEV_MP_KEY}: param of ${msg.param.length} bytes, expected ${VDEV_PARAM_SIZE}\n`);
    return -1;
  }
  if (inp.type === VdevMsgType.SCAN_REQ) {
    let num = 0;
    let last = '';
    for (const port of ports()) {
      const name = getNameByPort(port);
      if (name.length === 0) continue;
      info(`send vdev, ${name}`);
      last = name;
      try {
        eal.mp.sendmsg({ name: VDEV_MP_KEY, param: encodeVdevParam(VdevMsgType.SCAN_ONE, 1, name), fds: [] });
      } catch (e) {
        eal.log.log(eal.log.LogLevel.ERR, LOG, `VDEV: send vdev, ${name}, failed, ${(e as Error).message}\n`);
      }
      num++;
    }
    try {
      eal.mp.reply({ name: VDEV_MP_KEY, param: encodeVdevParam(VdevMsgType.SCAN_REP, num, last), fds: [] }, peer);
    } catch (e) {
      eal.log.log(eal.log.LogLevel.ERR, LOG, `VDEV: Failed to reply a scan request: ${(e as Error).message}\n`);
      return -1;
    }
    return 0;
  }
  if (inp.type === VdevMsgType.SCAN_ONE) {
    info(`receive vdev, ${inp.name}`);
    return 0;
  }
  eal.log.log(eal.log.LogLevel.ERR, LOG, `VDEV: vdev cannot recognize this message\n`);
  return 0; // like DPDK: logged, not a handler failure
}
