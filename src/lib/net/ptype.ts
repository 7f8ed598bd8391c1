// The packet type bits live with the mbuf (rte_mbuf_ptype.h); the parser here produces them.
export * from '../mbuf/ptype.js';
