// Public face of the multi-process channel (rte_eal.h rte_mp_*), exported as `eal.mp`.

export {
  actionRegister, actionRegisterModule, actionUnregister, actionList, sendmsg, reply, requestSync, requestAsync, stats,
  socketPath, MpType, MP_MAX_FD_NUM, MP_MAX_NAME_LEN, MP_MAX_PARAM_LEN, MP_WIRE_SIZE,
  type MpMsg, type MpAction, type MpReply, type MpStats,
} from './mp_channel.js';
export { encodeMsg, decodeMsg, msgError, type MpWireMsg, type MpTypeValue } from './mp_wire.js';
export { requestFds, fdChunk, closeFds, type FdReply } from './mp_fds.js';
