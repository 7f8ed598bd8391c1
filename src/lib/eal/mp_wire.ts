// Wire format of DPDK's multi-process channel (eal_common_proc.c, 22.11): one datagram per message,
// `struct mp_msg_internal` without the fds array: type i32 @0, name[64] @4, len_param i32 @68,
// num_fds i32 @72, param[256] @76 = 332 bytes; the fds travel as SCM_RIGHTS.

export const MP_MAX_NAME_LEN = 64; // RTE_MP_MAX_NAME_LEN
export const MP_MAX_PARAM_LEN = 256; // RTE_MP_MAX_PARAM_LEN
export const MP_MAX_FD_NUM = 8; // RTE_MP_MAX_FD_NUM
export const MP_WIRE_SIZE = 4 + MP_MAX_NAME_LEN + 4 + 4 + MP_MAX_PARAM_LEN; // 332

const OFF_NAME = 4;
const OFF_LEN_PARAM = 68;
const OFF_NUM_FDS = 72;
const OFF_PARAM = 76;

/** enum mp_type */
export const MpType = { MSG: 0, REQ: 1, REP: 2, IGN: 3 } as const;
export type MpTypeValue = (typeof MpType)[keyof typeof MpType];

/** struct rte_mp_msg: action name, up to 256 bytes of parameters, up to 8 file descriptors. */
export interface MpMsg {
  name: string;
  param: Uint8Array;
  fds: number[];
}

export interface MpWireMsg {
  type: MpTypeValue;
  msg: MpMsg;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Why `msg` cannot be sent (check_input in DPDK), or null. `code` is the errno DPDK sets. */
export function msgError(msg: MpMsg): { code: 'EINVAL' | 'E2BIG'; why: string } | null {
  if (typeof msg?.name !== 'string') return { code: 'EINVAL', why: 'Msg cannot be NULL (name must be a string)' };
  const n = enc.encode(msg.name).length;
  if (n === 0) return { code: 'EINVAL', why: 'Length of action name is zero' };
  if (n >= MP_MAX_NAME_LEN || msg.name.includes('\0')) return { code: 'E2BIG', why: `action name '${msg.name}' is longer than ${MP_MAX_NAME_LEN - 1} bytes` };
  if (!(msg.param instanceof Uint8Array)) return { code: 'EINVAL', why: `${msg.name}: param must be a Uint8Array` };
  if (msg.param.length > MP_MAX_PARAM_LEN) return { code: 'E2BIG', why: `${msg.name}: Message data is too long (${msg.param.length} > ${MP_MAX_PARAM_LEN})` };
  if (!Array.isArray(msg.fds) || msg.fds.some((f) => !Number.isInteger(f) || f < 0)) return { code: 'EINVAL', why: `${msg.name}: fds must be non-negative integers` };
  if (msg.fds.length > MP_MAX_FD_NUM) return { code: 'E2BIG', why: `${msg.name}: Cannot send more than ${MP_MAX_FD_NUM} FDs (${msg.fds.length})` };
  return null;
}

/** Writes the 332-byte datagram for (type, msg) into out (msg must pass msgError). */
export function encodeMsg(type: MpTypeValue, msg: MpMsg, out: Uint8Array = new Uint8Array(MP_WIRE_SIZE)): Uint8Array {
  out.fill(0, 0, MP_WIRE_SIZE);
  const dv = new DataView(out.buffer, out.byteOffset, MP_WIRE_SIZE);
  dv.setInt32(0, type, true);
  enc.encodeInto(msg.name, out.subarray(OFF_NAME, OFF_NAME + MP_MAX_NAME_LEN - 1));
  dv.setInt32(OFF_LEN_PARAM, msg.param.length, true);
  dv.setInt32(OFF_NUM_FDS, msg.fds.length, true);
  out.set(msg.param, OFF_PARAM);
  return out.subarray(0, MP_WIRE_SIZE);
}

/**
 * Parses a received datagram (read_msg's checks): exactly 332 bytes, not truncated, a known type,
 * 0 <= num_fds <= 8 and equal to the fds that came with it, 0 <= len_param <= 256, a NUL-terminated
 * name. Returns the message or the reason it is rejected (the caller closes the fds then).
 */
export function decodeMsg(buf: Uint8Array, len: number, truncated: boolean, fds: ArrayLike<number>, nfds: number): MpWireMsg | string {
  if (truncated || len !== MP_WIRE_SIZE || buf.length < MP_WIRE_SIZE) return `truncated msg (${len} bytes, expected ${MP_WIRE_SIZE})`;
  const dv = new DataView(buf.buffer, buf.byteOffset, MP_WIRE_SIZE);
  const type = dv.getInt32(0, true);
  const numFds = dv.getInt32(OFF_NUM_FDS, true);
  const lenParam = dv.getInt32(OFF_LEN_PARAM, true);
  if (numFds < 0 || numFds > MP_MAX_FD_NUM) return `invalid number of fd's received (${numFds})`;
  if (lenParam < 0 || lenParam > MP_MAX_PARAM_LEN) return `invalid received data length (${lenParam})`;
  if (type < MpType.MSG || type > MpType.IGN) return `invalid message type ${type}`;
  if (numFds !== nfds) return `num_fds ${numFds} but ${nfds} fds received`;
  const nameBytes = buf.subarray(OFF_NAME, OFF_NAME + MP_MAX_NAME_LEN);
  const end = nameBytes.indexOf(0);
  if (end < 0) return 'action name is not NUL-terminated';
  return {
    type: type as MpTypeValue,
    msg: {
      name: dec.decode(nameBytes.subarray(0, end)),
      param: buf.slice(OFF_PARAM, OFF_PARAM + lenParam),
      fds: Array.from({ length: nfds }, (_, i) => fds[i]!),
    },
  };
}
