// rte_ethdev.h constants (values from DPDK 22.11's headers).

export const RTE_MAX_ETHPORTS = 32;
export const RTE_ETH_NAME_MAX_LEN = 64;
/** Queues per port that tsdpdk tracks (DPDK allows 1024; software PMDs never need that many). */
export const MAX_QUEUES_PER_PORT = 64;
export const RTE_ETHDEV_QUEUE_STAT_CNTRS = 16;
export const MAX_MAC_ADDRS = 16;
export const RETA_MAX = 512;
export const RSS_KEY_MAX = 64;

export const RTE_ETH_LINK_DOWN = 0;
export const RTE_ETH_LINK_UP = 1;
export const RTE_ETH_LINK_HALF_DUPLEX = 0;
export const RTE_ETH_LINK_FULL_DUPLEX = 1;
export const RTE_ETH_LINK_FIXED = 0;
export const RTE_ETH_LINK_AUTONEG = 1;
export const RTE_ETH_SPEED_NUM_NONE = 0;
export const RTE_ETH_SPEED_NUM_10G = 10000;
export const RTE_ETH_SPEED_NUM_UNKNOWN = 0xffffffff;

export const RTE_ETHER_MTU = 1500;
export const RTE_ETHER_MIN_MTU = 68;

// Rx/Tx multi-queue modes.
export const RTE_ETH_MQ_RX_NONE = 0;
export const RTE_ETH_MQ_RX_RSS = 1;
export const RTE_ETH_MQ_TX_NONE = 0;

// Rx offloads (RTE_ETH_RX_OFFLOAD_*).
export const RX_OFFLOAD = {
  VLAN_STRIP: 1n << 0n, IPV4_CKSUM: 1n << 1n, UDP_CKSUM: 1n << 2n, TCP_CKSUM: 1n << 3n, TCP_LRO: 1n << 4n,
  QINQ_STRIP: 1n << 5n, OUTER_IPV4_CKSUM: 1n << 6n, MACSEC_STRIP: 1n << 7n, VLAN_FILTER: 1n << 9n,
  VLAN_EXTEND: 1n << 10n, SCATTER: 1n << 13n, TIMESTAMP: 1n << 14n, SECURITY: 1n << 15n, KEEP_CRC: 1n << 16n,
  SCTP_CKSUM: 1n << 17n, OUTER_UDP_CKSUM: 1n << 18n, RSS_HASH: 1n << 19n, BUFFER_SPLIT: 1n << 20n,
} as const;

// Tx offloads (RTE_ETH_TX_OFFLOAD_*).
export const TX_OFFLOAD = {
  VLAN_INSERT: 1n << 0n, IPV4_CKSUM: 1n << 1n, UDP_CKSUM: 1n << 2n, TCP_CKSUM: 1n << 3n, SCTP_CKSUM: 1n << 4n,
  TCP_TSO: 1n << 5n, UDP_TSO: 1n << 6n, OUTER_IPV4_CKSUM: 1n << 7n, QINQ_INSERT: 1n << 8n,
  MULTI_SEGS: 1n << 15n, MBUF_FAST_FREE: 1n << 16n, OUTER_UDP_CKSUM: 1n << 20n,
} as const;

// RSS hash functions (RTE_ETH_RSS_*).
export const RSS = {
  IPV4: 1n << 2n, FRAG_IPV4: 1n << 3n, NONFRAG_IPV4_TCP: 1n << 4n, NONFRAG_IPV4_UDP: 1n << 5n,
  NONFRAG_IPV4_SCTP: 1n << 6n, NONFRAG_IPV4_OTHER: 1n << 7n, IPV6: 1n << 8n, FRAG_IPV6: 1n << 9n,
  NONFRAG_IPV6_TCP: 1n << 10n, NONFRAG_IPV6_UDP: 1n << 11n, NONFRAG_IPV6_SCTP: 1n << 12n,
  NONFRAG_IPV6_OTHER: 1n << 13n, L2_PAYLOAD: 1n << 14n, IPV6_EX: 1n << 15n, IPV6_TCP_EX: 1n << 16n,
  IPV6_UDP_EX: 1n << 17n,
} as const;
export const RSS_IP = RSS.IPV4 | RSS.FRAG_IPV4 | RSS.NONFRAG_IPV4_OTHER | RSS.IPV6 | RSS.FRAG_IPV6 | RSS.NONFRAG_IPV6_OTHER | RSS.IPV6_EX;
export const RSS_UDP = RSS.NONFRAG_IPV4_UDP | RSS.NONFRAG_IPV6_UDP | RSS.IPV6_UDP_EX;
export const RSS_TCP = RSS.NONFRAG_IPV4_TCP | RSS.NONFRAG_IPV6_TCP | RSS.IPV6_TCP_EX;
export const RSS_PROTO_MASK = RSS_IP | RSS_UDP | RSS_TCP | RSS.NONFRAG_IPV4_SCTP | RSS.NONFRAG_IPV6_SCTP | RSS.L2_PAYLOAD;

/** Device flags (RTE_ETH_DEV_*). */
export const DEV_FLAG = { INTR_LSC: 1 << 1, BONDING_MEMBER: 1 << 2, INTR_RMV: 1 << 3, REPRESENTOR: 1 << 4, NOLIVE_MAC_ADDR: 1 << 5 } as const;

export const RTE_ETH_DEV_NO_OWNER = 0n;
