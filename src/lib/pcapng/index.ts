// Public face of the capture-file layer: DPDK's rte_pcapng plus the classic pcap files net_pcap
// reads (rx_pcap=) and writes (tx_pcap=). Used by the net_pcap PMD, tsdpdk-dumpcap and tsdpdk-pdump.

export {
  CaptureReader, READ_EOF, READ_ERROR, type ReaderOptions,
} from './capture_reader.js';
export { PcapReader } from './pcap_reader.js';
export {
  PcapngReader, type PcapngInterface, type PcapngSection, type PcapngStats,
} from './pcapng_reader.js';
export { PcapWriter, type PcapWriterOptions } from './pcap_writer.js';
export {
  PcapngWriter, type PcapngInterfaceOptions, type PcapngStatsOptions, type PcapngWriterOptions,
} from './pcapng_writer.js';
export { openCaptureReader, detectCaptureFormat, type CaptureFormat } from './open.js';
export type { BufferOptions, OutputOptions } from './file_io.js';
export { WallClock, TsResolution, toBigNs } from './timestamp.js';
export {
  DIRECTION_UNKNOWN, DIRECTION_IN, DIRECTION_OUT, EPB_FLAGS_DIRECTION_MASK, LINKTYPE_ETHERNET, NET_PCAP_SNAPLEN,
  DUMPCAP_DEFAULT_SNAPLEN, MAX_SNAPLEN, PCAP_MAGIC_US, PCAP_MAGIC_NS, DEFAULT_IO_BUFFER,
} from './constants.js';
