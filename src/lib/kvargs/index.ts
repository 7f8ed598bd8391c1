// lib/kvargs: rte_kvargs key=value argument lists and rte_devargs device strings (control path).
export * from './kvargs.js';
export * from './devargs.js';
