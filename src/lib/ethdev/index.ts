// Public face of ethdev (rte_ethdev.h).
export * from './ethdev.js';
export * from './constants.js';
export { softDevInfo, type DevInfo, type EthDevOps, type RxQueue, type TxQueue, type VdevDriver, type XstatEntry, type RxQueueConf, type TxQueueConf, type DescLimits } from './driver.js';
export { PortData, P as PORT_FIELD, S_IMISSED, S_IERRORS, S_OERRORS, S_RX_NOMBUF, S_RXQ, S_TXQ } from './port_data.js';
