// Public face of the mbuf library (rte_mbuf.h, rte_mbuf_core.h, rte_mbuf_ptype.h, rte_mbuf_dyn.h).
// The hot API works on numbers: an mbuf is the window offset of its struct rte_mbuf.

export * from './mbuf_layout.js';
export * from './ol_flags.js';
export * from './ptype.js';
export * from './pktmbuf.js';
export { mbufBind, mbufU8, mbufDV, FREE_PENDING_SZ } from './mbuf_views.js';
export {
  dynfieldRegister, dynfieldRegisterOffset, dynfieldLookup, dynflagRegister, dynflagRegisterBitnum, dynflagLookup,
  mbufDynDump, MBUF_DYN_NAMESIZE, type MbufDynfield, type MbufDynflag,
} from './mbuf_dyn.js';
export { extbufFreeCallbackRegister, type ExtbufFreeCallback } from './mbuf_extbuf.js';
export { Packet } from './packet.js';
