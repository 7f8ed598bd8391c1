// Public face of the mempool library (rte_mempool.h).

export {
  Mempool, mempoolList, mempoolWalk, mempoolListDump, mempoolCalcObjSize, mempoolFromOffset,
  type MempoolMemChunk, type MempoolObjSize, type MempoolObjCb,
} from './mempool.js';
export {
  MEMPOOL_F_NO_SPREAD, MEMPOOL_F_NO_CACHE_ALIGN, MEMPOOL_F_SP_PUT, MEMPOOL_F_SC_GET, MEMPOOL_F_POOL_CREATED,
  MEMPOOL_F_NO_IOVA_CONTIG, MEMPOOL_F_NON_IO, MEMPOOL_F_DEBUG, MEMPOOL_VALID_USER_FLAGS, MEMPOOL_NAMESIZE,
  CACHE_MAX_SIZE as MEMPOOL_CACHE_MAX_SIZE, MEMPOOL_MZ_PREFIX,
} from './mempool_layout.js';
export { registerOps as mempoolRegisterOps, opsNames as mempoolOpsNames, type MempoolOps, type MempoolBackend } from './mempool_ops.js';
