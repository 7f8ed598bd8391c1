// rte_pktmbuf: packet buffers from a mempool. An mbuf is a number, the window offset of its struct
// rte_mbuf (mbuf_layout.ts); every call here reads and writes the shared window, so an mbuf can move
// between lcores and processes as that number. Data-path calls allocate nothing and return DPDK's
// codes (0 / -1 for NULL pointers, negative errno); control-path calls throw TsdpdkError.

import { ealRuntime, fail, SOCKET_ID_ANY } from '../eal/index.js';
import { Mempool, mempoolFromOffset } from '../mempool/index.js';
import {
  DYNFIELD1_SIZE, M_BUF_ADDR, M_BUF_IOVA, M_BUF_LEN, M_DATA_LEN, M_DATA_OFF, M_DYNFIELD1, M_HASH, M_HASH_FDIR_HI,
  M_HASH_RSS, M_NB_SEGS, M_NEXT, M_OL_FLAGS, M_PACKET_TYPE, M_PKT_LEN, M_POOL, M_PORT, M_PRIV_SIZE, M_REFCNT, M_SHINFO,
  M_TIMESYNC, M_TX_OFFLOAD, M_VLAN_TCI, M_VLAN_TCI_OUTER, MBUF_MAX_NB_SEGS, MBUF_PORT_INVALID, MBUF_PRIV_ALIGN,
  MBUF_SIZE, PKTMBUF_HEADROOM, PKTMBUF_POOL_F_PINNED_EXT_BUF, PKTMBUF_POOL_PRIVATE_SIZE, PP_DATA_ROOM, PP_FLAGS,
  PP_PRIV_SIZE, SH_FREE_CB, SH_OPAQUE, SH_REFCNT, SHINFO_SIZE,
} from './mbuf_layout.js';
import { BASE, DV, FREE_PENDING_SZ, K_PREFREE, K_RESET, K_RESET1, mbufBind, PENDING, PENDING_ABS, U16, U32, U8, W } from './mbuf_views.js';
import { EXTERNAL_HI, INDIRECT_HI, rxOlFlagList, txOlFlagList } from './ol_flags.js';
import { extbufFreeCallbackInvoke } from './mbuf_extbuf.js';

const EOVERFLOW = 75;
/** Returned by read() when the bytes were copied into the caller's buffer. */
export const MBUF_READ_BUF = -2;
/** RTE_MBUF_DEFAULT_MEMPOOL_OPS */
export const MBUF_DEFAULT_MEMPOOL_OPS = 'ring_mp_mc';
/** Objhdr iova field offset (rte_mempool_objhdr.iova, see mempool_layout.ts). */
const OH_IOVA = 16;

function bindPool(mp: Mempool): void {
  if (mp.w !== W) mbufBind(mp.w);
}

// ---- pools ----

/** rte_mbuf_best_mempool_ops: --mbuf-pool-ops-name, else ring_mp_mc. */
export function bestMempoolOps(): string {
  return ealRuntime().options.mbufPoolOpsName ?? MBUF_DEFAULT_MEMPOOL_OPS;
}

/** rte_pktmbuf_data_room_size */
export function pktmbufDataRoomSize(mp: Mempool): number {
  bindPool(mp);
  return U16[(mp.privateDataOffset + PP_DATA_ROOM) >>> 1]!;
}

/** rte_pktmbuf_priv_size */
export function pktmbufPrivSize(mp: Mempool): number {
  bindPool(mp);
  return U16[(mp.privateDataOffset + PP_PRIV_SIZE) >>> 1]!;
}

/** rte_pktmbuf_priv_flags */
export function pktmbufPrivFlags(mp: Mempool): number {
  bindPool(mp);
  return U32[(mp.privateDataOffset + PP_FLAGS) >>> 2]!;
}

/** rte_pktmbuf_pool_init: stores data room and private size in the pool's private area. */
export function pktmbufPoolInit(mp: Mempool, dataRoomSize?: number, privSize = 0): void {
  bindPool(mp);
  if (mp.privateDataSize < PKTMBUF_POOL_PRIVATE_SIZE) fail('EINVAL', `mempool '${mp.name}' has ${mp.privateDataSize} bytes of private data, a pktmbuf pool needs ${PKTMBUF_POOL_PRIVATE_SIZE}`);
  const room = dataRoomSize ?? (mp.eltSize > MBUF_SIZE ? mp.eltSize - MBUF_SIZE : 0);
  if (mp.eltSize < MBUF_SIZE + room + privSize) fail('EINVAL', `mempool '${mp.name}': elements of ${mp.eltSize} bytes cannot hold an mbuf with ${privSize} private and ${room} data room bytes`);
  const p = mp.privateDataOffset;
  U16[(p + PP_DATA_ROOM) >>> 1] = room;
  U16[(p + PP_PRIV_SIZE) >>> 1] = privSize;
  U32[(p + PP_FLAGS) >>> 2] = 0;
}

/** rte_pktmbuf_init for one object of the pool: the constant fields of a fresh mbuf. */
export function pktmbufInit(mp: Mempool, m: number): void {
  bindPool(mp);
  const p = mp.privateDataOffset;
  const priv = U16[(p + PP_PRIV_SIZE) >>> 1]!;
  const mbufSize = MBUF_SIZE + priv;
  const bufLen = U16[(p + PP_DATA_ROOM) >>> 1]!;
  U8.fill(0, m, m + mbufSize);
  U16[(m + M_PRIV_SIZE) >>> 1] = priv;
  U32[(m + M_BUF_ADDR) >>> 2] = m + mbufSize;
  DV.setBigUint64(m + M_BUF_IOVA, mp.virt2iova(m) + BigInt(mbufSize), true);
  U16[(m + M_BUF_LEN) >>> 1] = bufLen;
  U16[(m + M_DATA_OFF) >>> 1] = Math.min(PKTMBUF_HEADROOM, bufLen);
  U32[(m + M_POOL) >>> 2] = mp.offset;
  U16[(m + M_NB_SEGS) >>> 1] = 1;
  U16[(m + M_PORT) >>> 1] = MBUF_PORT_INVALID;
  U16[(m + M_REFCNT) >>> 1] = 1;
}

/**
 * rte_pktmbuf_pool_create_by_ops: a pool of n mbufs whose elements are 128 + privSize + dataRoomSize
 * bytes; opsName null = bestMempoolOps(). Throws TsdpdkError (EINVAL: privSize not a multiple of 8, sizes
 * out of range; plus the mempool's errors).
 */
export function pktmbufPoolCreateByOps(name: string, n: number, cacheSize: number, privSize: number, dataRoomSize: number,
  socketId: number, opsName: string | null): Mempool {
  if (!Number.isInteger(privSize) || privSize < 0 || privSize > 0xffff || privSize % MBUF_PRIV_ALIGN !== 0) {
    fail('EINVAL', `pktmbuf_pool_create '${name}': mbuf priv_size=${privSize} is not aligned to ${MBUF_PRIV_ALIGN} (or not a u16)`);
  }
  if (!Number.isInteger(dataRoomSize) || dataRoomSize < 0 || dataRoomSize > 0xffff) {
    fail('EINVAL', `pktmbuf_pool_create '${name}': data room size ${dataRoomSize} is not a u16`);
  }
  const mp = Mempool.createEmpty(name, n, MBUF_SIZE + privSize + dataRoomSize, cacheSize, PKTMBUF_POOL_PRIVATE_SIZE, socketId, 0);
  try {
    mp.setOpsByName(opsName ?? bestMempoolOps());
    pktmbufPoolInit(mp, dataRoomSize, privSize);
    mp.populateDefault();
    mp.objIter((pool, m) => pktmbufInit(pool, m));
  } catch (e) {
    mp.free();
    throw e;
  }
  return mp;
}

/** rte_pktmbuf_pool_create */
export function pktmbufPoolCreate(name: string, n: number, cacheSize: number, privSize: number, dataRoomSize: number, socketId = SOCKET_ID_ANY): Mempool {
  return pktmbufPoolCreateByOps(name, n, cacheSize, privSize, dataRoomSize, socketId, null);
}

// ---- fields ----

export function bufAddr(m: number): number {
  return U32[(m + M_BUF_ADDR) >>> 2]!;
}
/** buf_iova as a bigint (control path). */
export function bufIova(m: number): bigint {
  return DV.getBigUint64(m + M_BUF_IOVA, true);
}
export function bufLen(m: number): number {
  return U16[(m + M_BUF_LEN) >>> 1]!;
}
export function dataOff(m: number): number {
  return U16[(m + M_DATA_OFF) >>> 1]!;
}
export function setDataOff(m: number, v: number): void {
  U16[(m + M_DATA_OFF) >>> 1] = v;
}
export function refcnt(m: number): number {
  return Atomics.load(U16, (m + M_REFCNT) >>> 1);
}
/** rte_mbuf_refcnt_set */
export function refcntSet(m: number, v: number): void {
  Atomics.store(U16, (m + M_REFCNT) >>> 1, v);
}
export function nbSegs(m: number): number {
  return U16[(m + M_NB_SEGS) >>> 1]!;
}
export function setNbSegs(m: number, v: number): void {
  U16[(m + M_NB_SEGS) >>> 1] = v;
}
export function port(m: number): number {
  return U16[(m + M_PORT) >>> 1]!;
}
export function setPort(m: number, v: number): void {
  U16[(m + M_PORT) >>> 1] = v;
}
/** ol_flags bits 0..31 */
export function olFlagsLo(m: number): number {
  return U32[(m + M_OL_FLAGS) >>> 2]!;
}
/** ol_flags bits 32..63 (bit n of ol_flags is bit n - 32 here) */
export function olFlagsHi(m: number): number {
  return U32[(m + M_OL_FLAGS + 4) >>> 2]!;
}
export function setOlFlagsLo(m: number, v: number): void {
  U32[(m + M_OL_FLAGS) >>> 2] = v;
}
export function setOlFlagsHi(m: number, v: number): void {
  U32[(m + M_OL_FLAGS + 4) >>> 2] = v;
}
/** Whether ol_flags bit `bit` (0..63, e.g. OLF.RX_VLAN) is set. */
export function olFlagTest(m: number, bit: number): boolean {
  return bit < 32 ? (U32[(m + M_OL_FLAGS) >>> 2]! & (1 << bit)) !== 0 : (U32[(m + M_OL_FLAGS + 4) >>> 2]! & (1 << (bit - 32))) !== 0;
}
export function olFlagSet(m: number, bit: number): void {
  if (bit < 32) U32[(m + M_OL_FLAGS) >>> 2] |= 1 << bit;
  else U32[(m + M_OL_FLAGS + 4) >>> 2] |= 1 << (bit - 32);
}
export function olFlagClear(m: number, bit: number): void {
  if (bit < 32) U32[(m + M_OL_FLAGS) >>> 2] &= ~(1 << bit);
  else U32[(m + M_OL_FLAGS + 4) >>> 2] &= ~(1 << (bit - 32));
}
/** ol_flags as a bigint (control path). */
export function olFlags(m: number): bigint {
  return DV.getBigUint64(m + M_OL_FLAGS, true);
}
export function setOlFlags(m: number, v: bigint): void {
  DV.setBigUint64(m + M_OL_FLAGS, v, true);
}
export function packetType(m: number): number {
  return U32[(m + M_PACKET_TYPE) >>> 2]!;
}
export function setPacketType(m: number, v: number): void {
  U32[(m + M_PACKET_TYPE) >>> 2] = v;
}
export function pktLen(m: number): number {
  return U32[(m + M_PKT_LEN) >>> 2]!;
}
export function setPktLen(m: number, v: number): void {
  U32[(m + M_PKT_LEN) >>> 2] = v;
}
export function dataLen(m: number): number {
  return U16[(m + M_DATA_LEN) >>> 1]!;
}
export function setDataLen(m: number, v: number): void {
  U16[(m + M_DATA_LEN) >>> 1] = v;
}
export function vlanTci(m: number): number {
  return U16[(m + M_VLAN_TCI) >>> 1]!;
}
export function setVlanTci(m: number, v: number): void {
  U16[(m + M_VLAN_TCI) >>> 1] = v;
}
export function vlanTciOuter(m: number): number {
  return U16[(m + M_VLAN_TCI_OUTER) >>> 1]!;
}
export function setVlanTciOuter(m: number, v: number): void {
  U16[(m + M_VLAN_TCI_OUTER) >>> 1] = v;
}
/** hash.rss */
export function hashRss(m: number): number {
  return U32[(m + M_HASH_RSS) >>> 2]!;
}
export function setHashRss(m: number, v: number): void {
  U32[(m + M_HASH_RSS) >>> 2] = v;
}
/** hash.fdir.hi */
export function hashFdirHi(m: number): number {
  return U32[(m + M_HASH_FDIR_HI) >>> 2]!;
}
export function setHashFdirHi(m: number, v: number): void {
  U32[(m + M_HASH_FDIR_HI) >>> 2] = v;
}
/** Window offset of the owning mempool header (m->pool). */
export function poolOf(m: number): number {
  return U32[(m + M_POOL) >>> 2]!;
}
/** The owning mempool's handle. */
export function mbufPool(m: number): Mempool {
  return mempoolFromOffset(U32[(m + M_POOL) >>> 2]!);
}
/** Next segment, 0 = none. */
export function next(m: number): number {
  return U32[(m + M_NEXT) >>> 2]!;
}
export function setNext(m: number, v: number): void {
  U32[(m + M_NEXT) >>> 2] = v;
}
export function privSize(m: number): number {
  return U16[(m + M_PRIV_SIZE) >>> 1]!;
}
export function timesync(m: number): number {
  return U16[(m + M_TIMESYNC) >>> 1]!;
}
export function setTimesync(m: number, v: number): void {
  U16[(m + M_TIMESYNC) >>> 1] = v;
}
/** Window offset of the external buffer's shared info (m->shinfo). */
export function shinfo(m: number): number {
  return U32[(m + M_SHINFO) >>> 2]!;
}
/** Window offset of the private area after the struct (rte_mbuf_to_priv). */
export function mbufToPriv(m: number): number {
  return m + MBUF_SIZE;
}

// tx_offload (u64 @72): l2_len:7 l3_len:9 l4_len:8 tso_segsz:16 outer_l3_len:9 outer_l2_len:7, LSB first.
const TXO = M_TX_OFFLOAD >>> 2;
export function l2Len(m: number): number {
  return U32[(m >>> 2) + TXO]! & 0x7f;
}
export function setL2Len(m: number, v: number): void {
  const i = (m >>> 2) + TXO;
  U32[i] = (U32[i]! & ~0x7f) | (v & 0x7f);
}
export function l3Len(m: number): number {
  return (U32[(m >>> 2) + TXO]! >>> 7) & 0x1ff;
}
export function setL3Len(m: number, v: number): void {
  const i = (m >>> 2) + TXO;
  U32[i] = (U32[i]! & ~(0x1ff << 7)) | ((v & 0x1ff) << 7);
}
export function l4Len(m: number): number {
  return (U32[(m >>> 2) + TXO]! >>> 16) & 0xff;
}
export function setL4Len(m: number, v: number): void {
  const i = (m >>> 2) + TXO;
  U32[i] = (U32[i]! & ~(0xff << 16)) | ((v & 0xff) << 16);
}
export function tsoSegsz(m: number): number {
  const i = (m >>> 2) + TXO;
  return (U32[i]! >>> 24) | ((U32[i + 1]! & 0xff) << 8);
}
export function setTsoSegsz(m: number, v: number): void {
  const i = (m >>> 2) + TXO;
  U32[i] = (U32[i]! & 0x00ffffff) | ((v & 0xff) << 24);
  U32[i + 1] = (U32[i + 1]! & ~0xff) | ((v >>> 8) & 0xff);
}
export function outerL3Len(m: number): number {
  return (U32[(m >>> 2) + TXO + 1]! >>> 8) & 0x1ff;
}
export function setOuterL3Len(m: number, v: number): void {
  const i = (m >>> 2) + TXO + 1;
  U32[i] = (U32[i]! & ~(0x1ff << 8)) | ((v & 0x1ff) << 8);
}
export function outerL2Len(m: number): number {
  return (U32[(m >>> 2) + TXO + 1]! >>> 17) & 0x7f;
}
export function setOuterL2Len(m: number, v: number): void {
  const i = (m >>> 2) + TXO + 1;
  U32[i] = (U32[i]! & ~(0x7f << 17)) | ((v & 0x7f) << 17);
}
/** rte_mbuf_tx_offload: sets all six fields at once. */
export function setTxOffload(m: number, l2: number, l3: number, l4: number, tso: number, ol3: number, ol2: number): void {
  const i = (m >>> 2) + TXO;
  U32[i] = ((l2 & 0x7f) | ((l3 & 0x1ff) << 7) | ((l4 & 0xff) << 16) | ((tso & 0xff) << 24)) >>> 0;
  U32[i + 1] = (((tso >>> 8) & 0xff) | ((ol3 & 0x1ff) << 8) | ((ol2 & 0x7f) << 17)) >>> 0;
}

// ---- geometry ----

/** rte_pktmbuf_mtod: window offset of the packet data. */
export function mtod(m: number): number {
  return U32[(m + M_BUF_ADDR) >>> 2]! + U16[(m + M_DATA_OFF) >>> 1]!;
}
/** rte_pktmbuf_mtod_offset */
export function mtodOffset(m: number, off: number): number {
  return U32[(m + M_BUF_ADDR) >>> 2]! + U16[(m + M_DATA_OFF) >>> 1]! + off;
}
/** rte_pktmbuf_iova (bigint, control path) */
export function dataIova(m: number): bigint {
  return DV.getBigUint64(m + M_BUF_IOVA, true) + BigInt(U16[(m + M_DATA_OFF) >>> 1]!);
}
/** rte_pktmbuf_headroom */
export function headroom(m: number): number {
  return U16[(m + M_DATA_OFF) >>> 1]!;
}
/** rte_pktmbuf_tailroom */
export function tailroom(m: number): number {
  return U16[(m + M_BUF_LEN) >>> 1]! - U16[(m + M_DATA_OFF) >>> 1]! - U16[(m + M_DATA_LEN) >>> 1]!;
}
/** rte_pktmbuf_lastseg */
export function lastSeg(m: number): number {
  let n = U32[(m + M_NEXT) >>> 2]!;
  while (n !== 0) {
    m = n;
    n = U32[(m + M_NEXT) >>> 2]!;
  }
  return m;
}
/** rte_pktmbuf_is_contiguous */
export function isContiguous(m: number): boolean {
  return U16[(m + M_NB_SEGS) >>> 1] === 1;
}
/** RTE_MBUF_DIRECT: neither indirect nor external. */
export function isDirect(m: number): boolean {
  return (U32[(m + M_OL_FLAGS + 4) >>> 2]! & (INDIRECT_HI | EXTERNAL_HI)) === 0;
}
/** RTE_MBUF_CLONED (indirect) */
export function isIndirect(m: number): boolean {
  return (U32[(m + M_OL_FLAGS + 4) >>> 2]! & INDIRECT_HI) !== 0;
}
/** RTE_MBUF_HAS_EXTBUF */
export function hasExtbuf(m: number): boolean {
  return (U32[(m + M_OL_FLAGS + 4) >>> 2]! & EXTERNAL_HI) !== 0;
}
/** rte_mbuf_from_indirect: the mbuf whose buffer `mi` points to. */
export function mbufFromIndirect(mi: number): number {
  return U32[(mi + M_BUF_ADDR) >>> 2]! - MBUF_SIZE - U16[(mi + M_PRIV_SIZE) >>> 1]!;
}
/** rte_mbuf_data_addr_default: where a fresh mbuf's data starts. */
export function dataAddrDefault(m: number): number {
  return m + MBUF_SIZE + U16[(m + M_PRIV_SIZE) >>> 1]! + Math.min(PKTMBUF_HEADROOM, U16[(m + M_BUF_LEN) >>> 1]!);
}

// ---- refcounts ----

/** rte_mbuf_refcnt_update: adds v (may be negative) and returns the new value. */
export function mbufRefcntUpdate(m: number, v: number): number {
  const i = (m + M_REFCNT) >>> 1;
  if (U16[i] === 1) {
    // Sole owner: no atomic needed (DPDK does the same).
    const nv = (1 + v) & 0xffff;
    U16[i] = nv;
    return nv;
  }
  return (Atomics.add(U16, i, v & 0xffff) + v) & 0xffff;
}

/** rte_pktmbuf_refcnt_update: every segment of the packet. */
export function refcntUpdate(m: number, v: number): void {
  do {
    mbufRefcntUpdate(m, v);
    m = U32[(m + M_NEXT) >>> 2]!;
  } while (m !== 0);
}

/** rte_mbuf_ext_refcnt_read */
export function extRefcnt(sh: number): number {
  return Atomics.load(U16, (sh + SH_REFCNT) >>> 1);
}
/** rte_mbuf_ext_refcnt_set */
export function extRefcntSet(sh: number, v: number): void {
  Atomics.store(U16, (sh + SH_REFCNT) >>> 1, v);
}
/** rte_mbuf_ext_refcnt_update */
export function extRefcntUpdate(sh: number, v: number): number {
  const i = (sh + SH_REFCNT) >>> 1;
  if (U16[i] === 1) {
    const nv = (1 + v) & 0xffff;
    U16[i] = nv;
    return nv;
  }
  return (Atomics.add(U16, i, v & 0xffff) + v) & 0xffff;
}

// ---- alloc / free ----

/** rte_pktmbuf_reset_headroom */
export function resetHeadroom(m: number): void {
  const bl = U16[(m + M_BUF_LEN) >>> 1]!;
  U16[(m + M_DATA_OFF) >>> 1] = bl < PKTMBUF_HEADROOM ? bl : PKTMBUF_HEADROOM;
}

/** rte_pktmbuf_reset: next NULL, lengths 0, nb_segs 1, port invalid, ol_flags &= EXTERNAL, headroom reset. */
export function reset(m: number): void {
  // Locals: each access to an imported binding reloads and re-checks it.
  const u32 = U32;
  const u16 = U16;
  const i = m >>> 2;
  u32[i + 16] = 0; // next
  u32[i + 17] = 0;
  u32[i + 9] = 0; // pkt_len
  u32[i + 18] = 0; // tx_offload
  u32[i + 19] = 0;
  u32[i + 10] = 0; // data_len + vlan_tci
  u16[(m + M_VLAN_TCI_OUTER) >>> 1] = 0;
  u32[i + 5] = 0xffff0001; // nb_segs 1, port RTE_MBUF_PORT_INVALID
  u32[i + 6] = 0; // ol_flags &= EXTERNAL
  u32[i + 7] &= EXTERNAL_HI;
  u32[i + 8] = 0; // packet_type
  const bl = u16[(m + M_BUF_LEN) >>> 1]!;
  u16[(m + M_DATA_OFF) >>> 1] = bl < PKTMBUF_HEADROOM ? bl : PKTMBUF_HEADROOM;
}

/** rte_mbuf_raw_alloc: an mbuf as it sits in the pool (refcnt 1, not reset), or 0. */
export function rawAlloc(mp: Mempool): number {
  bindPool(mp);
  return mp.get();
}

/** rte_mbuf_raw_free: back to its pool as is (refcnt 1, next NULL, nb_segs 1 expected). */
export function rawFree(m: number): void {
  mempoolFromOffset(U32[(m + M_POOL) >>> 2]!).put(m);
}

/** rte_pktmbuf_alloc: a reset mbuf, or 0 when the pool is empty. */
export function alloc(mp: Mempool): number {
  bindPool(mp);
  const m = mp.get();
  if (m !== 0) K_RESET1(BASE, m);
  return m;
}

// Last burst array seen by allocBulk / freeBulk: its Memory address (-1: not over the Memory) and
// length, learnt once per array (.buffer/.byteOffset/.length of such views are slow in V8).
let aArr: Uint32Array | null = null;
let aAddr = -1;
let fArr: Uint32Array | null = null;
let fAddr = -1;
let fLen = 0;

/** rte_pktmbuf_alloc_bulk: n reset mbufs into arr[0..n), all or nothing: 0 or -ENOENT. */
export function allocBulk(mp: Mempool, arr: Uint32Array, n: number): number {
  bindPool(mp);
  const rc = mp.getBulk(arr, n);
  if (rc !== 0) return rc;
  if (arr !== aArr) {
    aArr = arr;
    aAddr = arr.buffer === W!.buffer ? arr.byteOffset : -1;
  }
  if (aAddr >= 0) K_RESET(BASE, aAddr, n);
  else for (let k = 0; k < n; k++) reset(arr[k]!);
  return 0;
}

/**
 * rte_pktmbuf_prefree_seg: drops one reference; returns m when it should go back to its pool (detached,
 * next NULL, nb_segs 1, refcnt 1), else 0.
 */
export function prefreeSeg(m: number): number {
  const ri = (m + M_REFCNT) >>> 1;
  if (U16[ri] !== 1 && ((Atomics.sub(U16, ri, 1) - 1) & 0xffff) !== 0) return 0;
  if ((U32[(m + M_OL_FLAGS + 4) >>> 2]! & (INDIRECT_HI | EXTERNAL_HI)) !== 0) detach(m);
  const ni = (m + M_NEXT) >>> 2;
  if (U32[ni] !== 0) U32[ni] = 0;
  const si = (m + M_NB_SEGS) >>> 1;
  if (U16[si] !== 1) U16[si] = 1;
  U16[ri] = 1;
  return m;
}

/** rte_pktmbuf_free_seg: one segment (its next is not followed). */
export function freeSeg(m: number): void {
  if (prefreeSeg(m) !== 0) rawFree(m);
}

/** rte_pktmbuf_free: every segment of the packet; 0 is ignored. */
export function free(m: number): void {
  while (m !== 0) {
    const n = U32[(m + M_NEXT) >>> 2]!;
    if (prefreeSeg(m) !== 0) rawFree(m);
    m = n;
  }
}

let pendingBusy = false;

/**
 * rte_pktmbuf_free_bulk: frees the packets arr[0..n) (0 entries skipped), putting segments back to
 * their pools in bulks of up to 64 per pool. Runs of plain mbufs (direct, one segment, refcnt 1, same
 * pool) go through one kernel scan and one put; anything else takes the general path.
 */
export function freeBulk(arr: Uint32Array, n: number): void {
  if (arr !== fArr) {
    fArr = arr;
    const mem = W !== null && arr.buffer === W.buffer;
    fAddr = mem ? arr.byteOffset : -1;
    fLen = mem ? arr.length : 0;
  }
  if (fAddr < 0 || n > fLen || pendingBusy) {
    freeBulkGeneric(arr, n);
    return;
  }
  let i = 0;
  while (i < n) {
    const c = K_PREFREE(BASE, fAddr + i * 4, n - i, PENDING_ABS, FREE_PENDING_SZ);
    if (c > 0) {
      mempoolFromOffset(U32[(PENDING[0]! + M_POOL) >>> 2]!).putAt(PENDING_ABS, c);
      i += c;
    } else {
      free(arr[i]!);
      i++;
    }
  }
}

/** DPDK's loop: every segment through prefreeSeg, collected per pool in the pending array. */
function freeBulkGeneric(arr: Uint32Array, n: number): void {
  if (pendingBusy) {
    // Re-entered from an external-buffer free callback: the pending array is in use.
    for (let k = 0; k < n; k++) free(arr[k]!);
    return;
  }
  pendingBusy = true;
  try {
    let cnt = 0;
    let pOff = 0;
    const pend = PENDING;
    for (let k = 0; k < n; k++) {
      let m = arr[k]!;
      while (m !== 0) {
        const nx = U32[(m + M_NEXT) >>> 2]!;
        if (prefreeSeg(m) !== 0) {
          const po = U32[(m + M_POOL) >>> 2]!;
          if (cnt === FREE_PENDING_SZ || (cnt > 0 && po !== pOff)) {
            mempoolFromOffset(pOff).putAt(PENDING_ABS, cnt);
            cnt = 0;
          }
          pOff = po;
          pend[cnt++] = m;
        }
        m = nx;
      }
    }
    if (cnt > 0) mempoolFromOffset(pOff).putAt(PENDING_ABS, cnt);
  } finally {
    pendingBusy = false;
  }
}

// ---- data operations (DPDK returns NULL -> -1 here) ----

/** rte_pktmbuf_prepend: the new data start (window offset), or -1 if headroom < len. */
export function prepend(m: number, len: number): number {
  const oi = (m + M_DATA_OFF) >>> 1;
  const off = U16[oi]!;
  if (len > off || len < 0) return -1;
  U16[oi] = off - len;
  U16[(m + M_DATA_LEN) >>> 1] += len;
  U32[(m + M_PKT_LEN) >>> 2] += len;
  return U32[(m + M_BUF_ADDR) >>> 2]! + off - len;
}

/** rte_pktmbuf_append: the old tail of the last segment (window offset), or -1 if its tailroom < len. */
export function append(m: number, len: number): number {
  const last = lastSeg(m);
  const dl = U16[(last + M_DATA_LEN) >>> 1]!;
  const off = U16[(last + M_DATA_OFF) >>> 1]!;
  if (len > U16[(last + M_BUF_LEN) >>> 1]! - off - dl || len < 0) return -1;
  U16[(last + M_DATA_LEN) >>> 1] = dl + len;
  U32[(m + M_PKT_LEN) >>> 2] += len;
  return U32[(last + M_BUF_ADDR) >>> 2]! + off + dl;
}

/** rte_pktmbuf_adj: strips len bytes from the front of the first segment; new data start, or -1. */
export function adj(m: number, len: number): number {
  const li = (m + M_DATA_LEN) >>> 1;
  const dl = U16[li]!;
  if (len > dl || len < 0) return -1;
  U16[li] = dl - len;
  const oi = (m + M_DATA_OFF) >>> 1;
  const off = U16[oi]! + len;
  U16[oi] = off;
  U32[(m + M_PKT_LEN) >>> 2] -= len;
  return U32[(m + M_BUF_ADDR) >>> 2]! + off;
}

/** rte_pktmbuf_trim: strips len bytes from the end of the last segment; 0, or -1 if it holds fewer. */
export function trim(m: number, len: number): number {
  const last = lastSeg(m);
  const li = (last + M_DATA_LEN) >>> 1;
  const dl = U16[li]!;
  if (len > dl || len < 0) return -1;
  U16[li] = dl - len;
  U32[(m + M_PKT_LEN) >>> 2] -= len;
  return 0;
}

/** rte_pktmbuf_chain: appends tail's segments to head; 0, or -EOVERFLOW past 65535 segments. */
export function chain(head: number, tail: number): number {
  const hs = U16[(head + M_NB_SEGS) >>> 1]!;
  const ts = U16[(tail + M_NB_SEGS) >>> 1]!;
  if (hs + ts > MBUF_MAX_NB_SEGS) return -EOVERFLOW;
  U32[(lastSeg(head) + M_NEXT) >>> 2] = tail;
  U16[(head + M_NB_SEGS) >>> 1] = hs + ts;
  U32[(head + M_PKT_LEN) >>> 2] += U32[(tail + M_PKT_LEN) >>> 2]!;
  U32[(tail + M_PKT_LEN) >>> 2] = U16[(tail + M_DATA_LEN) >>> 1]!;
  return 0;
}

/** rte_pktmbuf_linearize: copies every segment into the first (freeing the rest); 0, or -1 without room. */
export function linearize(m: number): number {
  if (U16[(m + M_NB_SEGS) >>> 1] === 1) return 0;
  const pl = U32[(m + M_PKT_LEN) >>> 2]!;
  const dl = U16[(m + M_DATA_LEN) >>> 1]!;
  if (pl - dl > tailroom(m)) return -1;
  let dst = mtod(m) + dl;
  U16[(m + M_DATA_LEN) >>> 1] = pl;
  let s = U32[(m + M_NEXT) >>> 2]!;
  while (s !== 0) {
    const nx = U32[(s + M_NEXT) >>> 2]!;
    const len = U16[(s + M_DATA_LEN) >>> 1]!;
    const src = mtod(s);
    U8.copyWithin(dst, src, src + len);
    dst += len;
    freeSeg(s);
    s = nx;
  }
  U32[(m + M_NEXT) >>> 2] = 0;
  U16[(m + M_NB_SEGS) >>> 1] = 1;
  return 0;
}

/**
 * rte_pktmbuf_read: bytes [off, off+len) of the packet. Returns their window offset when they are
 * contiguous in one segment; otherwise copies them into buf[0..len) and returns MBUF_READ_BUF (-2);
 * -1 when off + len > pkt_len.
 */
export function read(m: number, off: number, len: number, buf: Uint8Array): number {
  if (off + len > U32[(m + M_PKT_LEN) >>> 2]! || off < 0 || len < 0) return -1;
  let s = m;
  while (off >= U16[(s + M_DATA_LEN) >>> 1]!) {
    off -= U16[(s + M_DATA_LEN) >>> 1]!;
    s = U32[(s + M_NEXT) >>> 2]!;
  }
  if (off + len <= U16[(s + M_DATA_LEN) >>> 1]!) return mtod(s) + off;
  if (buf.length < len) return -1;
  copyOut(s, off, len, buf);
  return MBUF_READ_BUF;
}

function copyOut(s: number, off: number, len: number, buf: Uint8Array): void {
  let b = 0;
  while (len > 0) {
    let c = U16[(s + M_DATA_LEN) >>> 1]! - off;
    if (c > len) c = len;
    const src = mtod(s) + off;
    for (let i = 0; i < c; i++) buf[b + i] = U8[src + i]!;
    b += c;
    len -= c;
    off = 0;
    s = U32[(s + M_NEXT) >>> 2]!;
  }
}

/** Copies bytes [off, off+len) of the packet into buf[0..len) whatever the segmentation; len, or -1. */
export function readBytes(m: number, off: number, len: number, buf: Uint8Array): number {
  if (off + len > U32[(m + M_PKT_LEN) >>> 2]! || off < 0 || len < 0 || buf.length < len) return -1;
  let s = m;
  while (off >= U16[(s + M_DATA_LEN) >>> 1]! && len > 0) {
    off -= U16[(s + M_DATA_LEN) >>> 1]!;
    s = U32[(s + M_NEXT) >>> 2]!;
  }
  copyOut(s, off, len, buf);
  return len;
}

// ---- indirect mbufs and external buffers ----

/** __rte_pktmbuf_copy_hdr: port, vlans, tx_offload, hash, packet_type, dynamic fields. */
function copyHdr(d: number, s: number): void {
  U16[(d + M_PORT) >>> 1] = U16[(s + M_PORT) >>> 1]!;
  U16[(d + M_VLAN_TCI) >>> 1] = U16[(s + M_VLAN_TCI) >>> 1]!;
  U16[(d + M_VLAN_TCI_OUTER) >>> 1] = U16[(s + M_VLAN_TCI_OUTER) >>> 1]!;
  U32[(d + M_TX_OFFLOAD) >>> 2] = U32[(s + M_TX_OFFLOAD) >>> 2]!;
  U32[(d + M_TX_OFFLOAD + 4) >>> 2] = U32[(s + M_TX_OFFLOAD + 4) >>> 2]!;
  U32[(d + M_HASH) >>> 2] = U32[(s + M_HASH) >>> 2]!;
  U32[(d + M_HASH + 4) >>> 2] = U32[(s + M_HASH + 4) >>> 2]!;
  U32[(d + M_PACKET_TYPE) >>> 2] = U32[(s + M_PACKET_TYPE) >>> 2]!;
  const di = (d + M_DYNFIELD1) >>> 2;
  const si = (s + M_DYNFIELD1) >>> 2;
  for (let k = 0; k < DYNFIELD1_SIZE >>> 2; k++) U32[di + k] = U32[si + k]!;
}

/**
 * rte_pktmbuf_attach: mi (direct, refcnt 1) becomes an indirect mbuf sharing m's data; the buffer's
 * owner (m, or m's own owner if m is indirect; or the external buffer) gains a reference.
 */
export function attach(mi: number, m: number): void {
  const hi = U32[(m + M_OL_FLAGS + 4) >>> 2]!;
  if (hi & EXTERNAL_HI) {
    const sh = U32[(m + M_SHINFO) >>> 2]!;
    extRefcntUpdate(sh, 1);
    U32[(mi + M_OL_FLAGS) >>> 2] = U32[(m + M_OL_FLAGS) >>> 2]!;
    U32[(mi + M_OL_FLAGS + 4) >>> 2] = hi;
    U32[(mi + M_SHINFO) >>> 2] = sh;
  } else {
    mbufRefcntUpdate(mbufFromIndirect(m), 1);
    U16[(mi + M_PRIV_SIZE) >>> 1] = U16[(m + M_PRIV_SIZE) >>> 1]!;
    U32[(mi + M_OL_FLAGS) >>> 2] = U32[(m + M_OL_FLAGS) >>> 2]!;
    U32[(mi + M_OL_FLAGS + 4) >>> 2] = (hi | INDIRECT_HI) >>> 0;
  }
  copyHdr(mi, m);
  U16[(mi + M_DATA_OFF) >>> 1] = U16[(m + M_DATA_OFF) >>> 1]!;
  const dl = U16[(m + M_DATA_LEN) >>> 1]!;
  U16[(mi + M_DATA_LEN) >>> 1] = dl;
  U32[(mi + M_BUF_IOVA) >>> 2] = U32[(m + M_BUF_IOVA) >>> 2]!;
  U32[(mi + M_BUF_IOVA + 4) >>> 2] = U32[(m + M_BUF_IOVA + 4) >>> 2]!;
  U32[(mi + M_BUF_ADDR) >>> 2] = U32[(m + M_BUF_ADDR) >>> 2]!;
  U16[(mi + M_BUF_LEN) >>> 1] = U16[(m + M_BUF_LEN) >>> 1]!;
  U32[(mi + M_NEXT) >>> 2] = 0;
  U32[(mi + M_PKT_LEN) >>> 2] = dl;
  U16[(mi + M_NB_SEGS) >>> 1] = 1;
}

/**
 * rte_pktmbuf_detach: drops mi's reference on the buffer it points to (the owner mbuf goes back to its
 * pool, or the external buffer's free callback runs, at zero) and restores mi's own buffer.
 */
export function detach(m: number): void {
  const mp = mempoolFromOffset(U32[(m + M_POOL) >>> 2]!);
  const pp = mp.privateDataOffset;
  if (U32[(m + M_OL_FLAGS + 4) >>> 2]! & EXTERNAL_HI) {
    // A pinned external buffer stays with its mbuf.
    if (U32[(pp + PP_FLAGS) >>> 2]! & PKTMBUF_POOL_F_PINNED_EXT_BUF) return;
    const sh = U32[(m + M_SHINFO) >>> 2]!;
    if (extRefcntUpdate(sh, -1) === 0) {
      extbufFreeCallbackInvoke(U32[(sh + SH_FREE_CB) >>> 2]!, U32[(m + M_BUF_ADDR) >>> 2]!, U32[(sh + SH_OPAQUE) >>> 2]!);
    }
  } else {
    const md = mbufFromIndirect(m);
    if (mbufRefcntUpdate(md, -1) === 0) {
      U32[(md + M_NEXT) >>> 2] = 0;
      U16[(md + M_NB_SEGS) >>> 1] = 1;
      U16[(md + M_REFCNT) >>> 1] = 1;
      rawFree(md);
    }
  }
  const priv = U16[(pp + PP_PRIV_SIZE) >>> 1]!;
  const mbufSize = MBUF_SIZE + priv;
  const bl = U16[(pp + PP_DATA_ROOM) >>> 1]!;
  U16[(m + M_PRIV_SIZE) >>> 1] = priv;
  U32[(m + M_BUF_ADDR) >>> 2] = m + mbufSize;
  // buf_iova = rte_mempool_virt2iova(m) + mbuf_size, in u32 halves with the carry.
  const h = mp.objHeader(m) + OH_IOVA;
  const lo = U32[h >>> 2]! + mbufSize;
  U32[(m + M_BUF_IOVA) >>> 2] = lo >>> 0;
  U32[(m + M_BUF_IOVA + 4) >>> 2] = (U32[(h + 4) >>> 2]! + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  U16[(m + M_BUF_LEN) >>> 1] = bl;
  U16[(m + M_DATA_OFF) >>> 1] = bl < PKTMBUF_HEADROOM ? bl : PKTMBUF_HEADROOM;
  U16[(m + M_DATA_LEN) >>> 1] = 0;
  U32[(m + M_OL_FLAGS) >>> 2] = 0;
  U32[(m + M_OL_FLAGS + 4) >>> 2] = 0;
}

/**
 * rte_pktmbuf_clone: an indirect copy (one indirect mbuf from mp per segment) sharing md's data; the
 * head keeps pkt_len and nb_segs. 0 when mp runs out.
 */
export function clone(md: number, mp: Mempool): number {
  const mc = alloc(mp);
  if (mc === 0) return 0;
  let mi = mc;
  let prev = 0;
  const pl = U32[(md + M_PKT_LEN) >>> 2]!;
  let nseg = 0;
  for (;;) {
    nseg++;
    attach(mi, md);
    if (prev !== 0) U32[(prev + M_NEXT) >>> 2] = mi;
    prev = mi;
    md = U32[(md + M_NEXT) >>> 2]!;
    if (md === 0) break;
    mi = alloc(mp);
    if (mi === 0) break;
  }
  U32[(prev + M_NEXT) >>> 2] = 0;
  U16[(mc + M_NB_SEGS) >>> 1] = nseg;
  U32[(mc + M_PKT_LEN) >>> 2] = pl;
  if (mi === 0) {
    free(mc);
    return 0;
  }
  return mc;
}

/**
 * rte_pktmbuf_ext_shinfo_init_helper: puts the shared info at the end of the external buffer
 * [bufAddr, bufAddr + bufLen) (8-aligned), with free callback id `freeCb` (extbufFreeCallbackRegister)
 * and `opaque`, refcnt 1. Returns its window offset (the usable buffer length becomes shinfo - bufAddr),
 * or 0 if the buffer is too small.
 */
export function extShinfoInitHelper(bufAddr: number, bufLen: number, freeCb: number, opaque: number): number {
  const sh = (bufAddr + bufLen - SHINFO_SIZE) & ~7;
  if (sh <= bufAddr) return 0;
  extShinfoInit(sh, freeCb, opaque);
  return sh;
}

/** Initialises a shinfo placed anywhere in shared memory (SHINFO_SIZE bytes). */
export function extShinfoInit(sh: number, freeCb: number, opaque: number): void {
  U32[(sh + SH_FREE_CB) >>> 2] = freeCb;
  U32[(sh + SH_FREE_CB + 4) >>> 2] = 0;
  U32[(sh + SH_OPAQUE) >>> 2] = opaque;
  U32[(sh + SH_OPAQUE + 4) >>> 2] = 0;
  U16[(sh + SH_REFCNT) >>> 1] = 1;
}

/**
 * rte_pktmbuf_attach_extbuf: m (direct, refcnt 1) uses the external buffer [bufAddr, bufAddr + bufLen)
 * (window offsets) whose shinfo counts references; data_off and data_len become 0.
 */
export function attachExtbuf(m: number, bufAddrOff: number, iova: bigint, len: number, sh: number): void {
  U32[(m + M_BUF_ADDR) >>> 2] = bufAddrOff;
  U32[(m + M_BUF_ADDR + 4) >>> 2] = 0;
  DV.setBigUint64(m + M_BUF_IOVA, iova, true);
  U16[(m + M_BUF_LEN) >>> 1] = len;
  U16[(m + M_DATA_LEN) >>> 1] = 0;
  U16[(m + M_DATA_OFF) >>> 1] = 0;
  U32[(m + M_OL_FLAGS + 4) >>> 2] |= EXTERNAL_HI;
  U32[(m + M_SHINFO) >>> 2] = sh;
  U32[(m + M_SHINFO + 4) >>> 2] = 0;
}

/** rte_pktmbuf_detach_extbuf */
export const detachExtbuf = detach;

// ---- copies ----

/** rte_pktmbuf_copy: a deep copy of packet bytes [off, off+len) into new mbufs from mp; 0 on failure. */
export function copy(m: number, mp: Mempool, off: number, len: number): number {
  if (off >= U32[(m + M_PKT_LEN) >>> 2]!) return 0;
  const mc = alloc(mp);
  if (mc === 0) return 0;
  const pl = U32[(m + M_PKT_LEN) >>> 2]!;
  if (len > pl - off) len = pl - off;
  copyHdr(mc, m);
  U32[(mc + M_OL_FLAGS) >>> 2] = U32[(m + M_OL_FLAGS) >>> 2]!;
  U32[(mc + M_OL_FLAGS + 4) >>> 2] = U32[(m + M_OL_FLAGS + 4) >>> 2]! & ~(INDIRECT_HI | EXTERNAL_HI);
  let last = mc;
  let seg = m;
  while (len > 0) {
    while (off >= U16[(seg + M_DATA_LEN) >>> 1]!) {
      off -= U16[(seg + M_DATA_LEN) >>> 1]!;
      seg = U32[(seg + M_NEXT) >>> 2]!;
    }
    if (tailroom(last) === 0) {
      const n = alloc(mp);
      if (n === 0) {
        free(mc);
        return 0;
      }
      U16[(mc + M_NB_SEGS) >>> 1] += 1;
      U32[(last + M_NEXT) >>> 2] = n;
      last = n;
    }
    let c = U16[(seg + M_DATA_LEN) >>> 1]! - off;
    if (c > len) c = len;
    const room = tailroom(last);
    if (c > room) c = room;
    const dl = U16[(last + M_DATA_LEN) >>> 1]!;
    const src = mtod(seg) + off;
    U8.copyWithin(mtod(last) + dl, src, src + c);
    U16[(last + M_DATA_LEN) >>> 1] = dl + c;
    U32[(mc + M_PKT_LEN) >>> 2] += c;
    off += c;
    len -= c;
  }
  return mc;
}

// ---- checks and dumps ----

/** rte_mbuf_check: null when sane, else the reason. */
export function check(m: number, isHeader: boolean): string | null {
  if (m === 0) return 'mbuf is NULL';
  if (U32[(m + M_POOL) >>> 2] === 0) return 'bad mbuf pool';
  if (U32[(m + M_BUF_IOVA) >>> 2] === 0 && U32[(m + M_BUF_IOVA + 4) >>> 2] === 0) return 'bad IO addr';
  if (U32[(m + M_BUF_ADDR) >>> 2] === 0) return 'bad virt addr';
  const cnt = Atomics.load(U16, (m + M_REFCNT) >>> 1);
  if (cnt === 0 || cnt === 0xffff) return 'bad ref cnt';
  if (!isHeader) return null;
  if (U16[(m + M_DATA_LEN) >>> 1]! > U32[(m + M_PKT_LEN) >>> 2]!) return 'bad data_len';
  let segs = U16[(m + M_NB_SEGS) >>> 1]!;
  let pl = U32[(m + M_PKT_LEN) >>> 2]!;
  let s = m;
  do {
    const off = U16[(s + M_DATA_OFF) >>> 1]!;
    const bl = U16[(s + M_BUF_LEN) >>> 1]!;
    if (off > bl) return 'data offset too big in mbuf segment';
    if (off + U16[(s + M_DATA_LEN) >>> 1]! > bl) return 'data length too big in mbuf segment';
    segs -= 1;
    pl -= U16[(s + M_DATA_LEN) >>> 1]!;
    s = U32[(s + M_NEXT) >>> 2]!;
  } while (s !== 0);
  if (segs !== 0) return 'bad nb_segs';
  if (pl !== 0) return 'bad pkt_len';
  return null;
}

/** rte_mbuf_sanity_check: throws TsdpdkError EINVAL with the reason (DPDK panics). */
export function sanityCheck(m: number, isHeader: boolean): void {
  const r = check(m, isHeader);
  if (r !== null) fail('EINVAL', `mbuf 0x${m.toString(16)}: ${r}`);
}

function hexdump(addr: number, len: number): string {
  const out = [`  Dump data at [0x${addr.toString(16)}], len=${len}`];
  for (let ofs = 0; ofs < len; ofs += 16) {
    let line = ofs.toString(16).toUpperCase().padStart(8, '0') + ':';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      if (ofs + i < len) {
        const c = U8[addr + ofs + i]!;
        line += ' ' + c.toString(16).toUpperCase().padStart(2, '0');
        ascii += c < 0x20 || c > 0x7e ? '.' : String.fromCharCode(c);
      } else {
        line += '   ';
      }
    }
    out.push(`${line} | ${ascii}`);
  }
  return out.join('\n') + '\n';
}

/** rte_pktmbuf_dump: header fields and up to dumpLen data bytes, as DPDK prints them. */
export function dump(m: number, dumpLen = 0): string {
  sanityCheck(m, true);
  const flags = olFlags(m);
  let s = `dump mbuf at 0x${m.toString(16)}, iova=0x${bufIova(m).toString(16)}, buf_len=${bufLen(m)}\n`;
  s += `  pkt_len=${pktLen(m)}, ol_flags=0x${flags.toString(16)}, nb_segs=${nbSegs(m)}, port=${port(m)}`;
  if (flags & ((1n << 20n) | (1n << 49n))) s += `, vlan_tci_outer=${vlanTciOuter(m)}`;
  if (flags & ((1n << 0n) | (1n << 57n))) s += `, vlan_tci=${vlanTci(m)}`;
  s += `, ptype=0x${packetType(m).toString(16)}\n`;
  let segs = nbSegs(m);
  let seg = m;
  let left = dumpLen;
  while (seg !== 0 && segs !== 0) {
    sanityCheck(seg, false);
    s += `  segment at 0x${seg.toString(16)}, data=0x${mtod(seg).toString(16)}, len=${dataLen(seg)}, off=${dataOff(seg)}, refcnt=${refcnt(seg)}\n`;
    const len = Math.min(left, dataLen(seg));
    if (len !== 0) s += hexdump(mtod(seg), len);
    left -= len;
    seg = next(seg);
    segs--;
  }
  return s;
}

/** The RX and TX flag names set in m (rte_get_rx_ol_flag_list + rte_get_tx_ol_flag_list). */
export function olFlagNames(m: number): string {
  const f = olFlags(m);
  return (rxOlFlagList(f) + txOlFlagList(f)).trim();
}
