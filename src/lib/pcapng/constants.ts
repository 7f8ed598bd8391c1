// Magic numbers, block types, option codes and limits of classic pcap (pcap-savefile(5)) and pcapng
// (IETF pcapng draft; DPDK copies them in lib/pcapng/pcapng_proto.h).

/** Classic pcap magic, microsecond timestamps (as read in the writer's byte order). */
export const PCAP_MAGIC_US = 0xa1b2c3d4;
/** Classic pcap magic, nanosecond timestamps. */
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;
export const PCAP_FILE_HEADER_LEN = 24;
export const PCAP_RECORD_HEADER_LEN = 16;

/** LINKTYPE_ETHERNET (DLT_EN10MB). */
export const LINKTYPE_ETHERNET = 1;

/** net_pcap's RTE_ETH_PCAP_SNAPSHOT_LEN: the snaplen of the files its tx_pcap writes. */
export const NET_PCAP_SNAPLEN = 65535;
/** dpdk-dumpcap's default -s (RTE_MBUF_DEFAULT_BUF_SIZE). */
export const DUMPCAP_DEFAULT_SNAPLEN = 2176;
/**
 * libpcap's MAXIMUM_SNAPLEN (max_snaplen_for_dlt for Ethernet): a record claiming more captured bytes
 * is treated as a damaged file, and a header snaplen of 0 or above it reads as this value.
 */
export const MAX_SNAPLEN = 262144;

export const PCAPNG_BLOCK_SHB = 0x0a0d0d0a;
export const PCAPNG_BLOCK_IDB = 1;
export const PCAPNG_BLOCK_PB = 2;
export const PCAPNG_BLOCK_SPB = 3;
export const PCAPNG_BLOCK_NRB = 4;
export const PCAPNG_BLOCK_ISB = 5;
export const PCAPNG_BLOCK_EPB = 6;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const PCAPNG_MAJOR_VERSION = 1;
export const PCAPNG_MINOR_VERSION = 0;
/** libpcap's initial limit on a pcapng block (sf-pcapng.c MAX_BLOCKSIZE): larger is a damaged file. */
export const PCAPNG_MAX_BLOCK = 16 * 1024 * 1024;

export const OPT_ENDOFOPT = 0;
export const OPT_COMMENT = 1;

export const SHB_HARDWARE = 2;
export const SHB_OS = 3;
export const SHB_USERAPPL = 4;

export const IF_NAME = 2;
export const IF_DESCRIPTION = 3;
export const IF_IPV4ADDR = 4;
export const IF_IPV6ADDR = 5;
export const IF_MACADDR = 6;
export const IF_EUIADDR = 7;
export const IF_SPEED = 8;
export const IF_TSRESOL = 9;
export const IF_TZONE = 10;
export const IF_FILTER = 11;
export const IF_OS = 12;
export const IF_FCSLEN = 13;
export const IF_TSOFFSET = 14;
export const IF_HARDWARE = 15;

export const EPB_FLAGS = 2;
export const EPB_HASH = 3;
export const EPB_DROPCOUNT = 4;
export const EPB_PACKETID = 5;
export const EPB_QUEUE = 6;
export const EPB_VERDICT = 7;

/** epb_hash algorithm byte for a Toeplitz (RSS) hash. */
export const HASH_TOEPLITZ = 5;

export const ISB_STARTTIME = 2;
export const ISB_ENDTIME = 3;
export const ISB_IFRECV = 4;
export const ISB_IFDROP = 5;
export const ISB_FILTERACCEPT = 6;
export const ISB_OSDROP = 7;
export const ISB_USRDELIV = 8;

/** enum rte_pcapng_direction; also the epb_flags direction bits (bits 0-1) written for it. */
export const DIRECTION_UNKNOWN = 0;
export const DIRECTION_IN = 1;
export const DIRECTION_OUT = 2;
/** Mask of the direction bits in epb_flags. */
export const EPB_FLAGS_DIRECTION_MASK = 0x3;

/** Default I/O chunk: big enough that fs syscalls cost little per packet. */
export const DEFAULT_IO_BUFFER = 1 << 20;
