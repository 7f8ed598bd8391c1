// tsdpdk's package entry: each library's public face as a namespace (`import { eal, ethdev } from 'tsdpdk'`),
// and the net PMDs registered with the vdev bus. Deep imports (`tsdpdk/lib/ring/index`) work too.
import './drivers/net/index.js';

export * as eal from './lib/eal/index.js';
export * as ring from './lib/ring/index.js';
export * as mempool from './lib/mempool/index.js';
export * as mbuf from './lib/mbuf/index.js';
export * as ethdev from './lib/ethdev/index.js';
export * as net from './lib/net/index.js';
export * as kvargs from './lib/kvargs/index.js';
export * as pcapng from './lib/pcapng/index.js';
export * as pdump from './lib/pdump/index.js';
export * as telemetry from './lib/telemetry/index.js';
export * as bpf from './lib/bpf/index.js';
export * as pcapFilter from './lib/pcap_filter/index.js';
export * as vdev from './drivers/bus/vdev/vdev.js';
