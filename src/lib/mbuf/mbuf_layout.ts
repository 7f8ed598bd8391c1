// struct rte_mbuf (128 bytes, two cache lines) exactly as DPDK 22.11 lays it out on x86-64 with
// RTE_IOVA_AS_PA. An mbuf is the window offset of this struct; pointer fields (buf_addr, pool, next,
// shinfo) hold window offsets in their low 32 bits (high 32 bits 0), since the Memory base differs per
// process.

export const M_BUF_ADDR = 0; // u64: window offset of the buffer start
export const M_BUF_IOVA = 8; // u64
export const M_DATA_OFF = 16; // u16
export const M_REFCNT = 18; // u16, atomic
export const M_NB_SEGS = 20; // u16
export const M_PORT = 22; // u16
export const M_OL_FLAGS = 24; // u64: low half @24, high half @28
export const M_PACKET_TYPE = 32; // u32
export const M_PKT_LEN = 36; // u32
export const M_DATA_LEN = 40; // u16
export const M_VLAN_TCI = 42; // u16
export const M_HASH = 44; // 8 bytes: rss (u32 @44) / fdir.{hash,id} (@44), fdir.hi (@48)
export const M_HASH_RSS = 44;
export const M_HASH_FDIR_HI = 48;
export const M_VLAN_TCI_OUTER = 52; // u16
export const M_BUF_LEN = 54; // u16
export const M_POOL = 56; // u64: window offset of the mempool header
export const M_NEXT = 64; // u64: next segment, 0 = NULL
export const M_TX_OFFLOAD = 72; // u64 bitfields, see tx_offload accessors
export const M_SHINFO = 80; // u64: window offset of the external buffer's shared info
export const M_PRIV_SIZE = 88; // u16
export const M_TIMESYNC = 90; // u16
export const M_DYNFIELD1 = 92; // u32[9]
export const DYNFIELD1_SIZE = 36;
/** sizeof(struct rte_mbuf) */
export const MBUF_SIZE = 128;

export const PKTMBUF_HEADROOM = 128;
export const MBUF_DEFAULT_DATAROOM = 2048;
export const MBUF_DEFAULT_BUF_SIZE = MBUF_DEFAULT_DATAROOM + PKTMBUF_HEADROOM;
export const MBUF_MAX_NB_SEGS = 0xffff;
export const MBUF_PORT_INVALID = 0xffff;
export const MBUF_PRIV_ALIGN = 8;

// struct rte_pktmbuf_pool_private, in the pool's private data area.
export const PP_DATA_ROOM = 0; // u16
export const PP_PRIV_SIZE = 2; // u16
export const PP_FLAGS = 4; // u32
export const PKTMBUF_POOL_PRIVATE_SIZE = 8;
export const PKTMBUF_POOL_F_PINNED_EXT_BUF = 1;

// struct rte_mbuf_ext_shared_info (24 bytes): free_cb (a registered callback id), fcb_opaque, refcnt.
export const SH_FREE_CB = 0; // u32 callback id (8-byte slot)
export const SH_OPAQUE = 8; // u32 opaque value (8-byte slot)
export const SH_REFCNT = 16; // u16, atomic
export const SHINFO_SIZE = 24;
