// lib/net: packet header layouts, checksums, packet type parsing and RSS hashing (DPDK lib/net,
// rte_mbuf_ptype, rte_thash). Data-path helpers take (u8, off, ...) over the packet window and return
// numbers; nothing on the data path allocates or throws.
export * from './bytes.js';
export * from './ether.js';
export * from './vlan.js';
export * from './arp.js';
export * from './ipproto.js';
export * from './ipv4.js';
export * from './ipv6.js';
export * from './tcp.js';
export * from './udp.js';
export * from './sctp.js';
export * from './icmp.js';
export * from './gre.js';
export * from './vxlan.js';
export * from './cksum.js';
export * from './ptype.js';
export * from './get_ptype.js';
export * from './thash.js';
