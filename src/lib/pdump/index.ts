// Public face of the packet capture framework (rte_pdump.h).
export {
  pdumpInit, pdumpUninit, pdumpEnable, pdumpDisable, pdumpReclaimDead, pdumpStats, pdumpRx, pdumpTx, type PdumpStats, PDUMP_MEMZONE, PDUMP_SLOT_FLAGS,
  RTE_PDUMP_FLAG_RX, RTE_PDUMP_FLAG_TX, RTE_PDUMP_FLAG_RXTX, RTE_PDUMP_ALL_QUEUES, PDUMP_PRIV_SIZE, PRIV_TS_SEC,
  PRIV_TS_NSEC, PRIV_ORIG_LEN, PRIV_QUEUE, PRIV_DIR,
} from './pdump.js';
export {
  PDUMP_MP, PDUMP_REQ_SIZE, PDUMP_RESP_SIZE, PDUMP_OP_ENABLE, PDUMP_OP_DISABLE, encodeRequest, decodeRequest, encodeResponse,
  decodeResponse, type PdumpRequest, type PdumpResponse,
} from './pdump_request.js';
