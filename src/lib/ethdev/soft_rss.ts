// RSS in software for PMDs without hardware: Toeplitz hash over the tuple that the port's rss_hf asks
// for (IPv4/IPv6 addresses, plus TCP/UDP/SCTP ports for the NONFRAG_*_TCP/UDP/SCTP types), the port's
// key and RETA; the hash goes into mbuf hash.rss with RTE_MBUF_F_RX_RSS_HASH. Allocation-free per packet.

import * as eal from '../eal/index.js';
import { convertRssKey, softrssBe, thashLoadIpv4, thashLoadIpv4L4, thashLoadIpv6, thashLoadIpv6L4 } from '../net/thash.js';
import { M_BUF_ADDR, M_DATA_LEN, M_DATA_OFF, M_HASH_RSS, M_OL_FLAGS } from '../mbuf/mbuf_layout.js';
import { RSS } from './constants.js';
import { P, type PortData } from './port_data.js';

const RX_RSS_HASH = 1 << 1;
const ETHER_TYPE_IPV4 = 0x0800;
const ETHER_TYPE_IPV6 = 0x86dd;
const ETHER_TYPE_VLAN = 0x8100;
const ETHER_TYPE_QINQ = 0x88a8;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPPROTO_SCTP = 132;

export class SoftRss {
  private readonly key = new Uint32Array(16);
  private readonly tuple = new Uint32Array(9);
  private readonly reta: Uint16Array;
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private v4 = false;
  private v4tcp = false;
  private v4udp = false;
  private v4sctp = false;
  private v6 = false;
  private v6tcp = false;
  private v6udp = false;
  private v6sctp = false;

  constructor(private readonly port: PortData) {
    const w = eal.sharedWindow();
    this.u8 = w.u8;
    this.u16 = w.u16;
    this.u32 = w.u32;
    this.reta = new Uint16Array(Math.max(1, port.u32(P.RETA_SIZE)));
    this.refresh();
  }

  /** Re-reads key, rss_hf and RETA from the port (after rssHashUpdate/retaUpdate). */
  refresh(): void {
    const d = this.port;
    const hf = d.u64(P.RSS_HF);
    const has = (b: bigint) => (hf & b) !== 0n;
    this.v4 = has(RSS.IPV4 | RSS.FRAG_IPV4 | RSS.NONFRAG_IPV4_OTHER);
    this.v4tcp = has(RSS.NONFRAG_IPV4_TCP);
    this.v4udp = has(RSS.NONFRAG_IPV4_UDP);
    this.v4sctp = has(RSS.NONFRAG_IPV4_SCTP);
    this.v6 = has(RSS.IPV6 | RSS.FRAG_IPV6 | RSS.NONFRAG_IPV6_OTHER | RSS.IPV6_EX);
    this.v6tcp = has(RSS.NONFRAG_IPV6_TCP | RSS.IPV6_TCP_EX);
    this.v6udp = has(RSS.NONFRAG_IPV6_UDP | RSS.IPV6_UDP_EX);
    this.v6sctp = has(RSS.NONFRAG_IPV6_SCTP);
    this.key.fill(0);
    const k = d.rssKey();
    if (k.length >= 4) convertRssKey(k, this.key, k.length & ~3);
    for (let i = 0; i < this.reta.length; i++) this.reta[i] = d.reta(i);
  }

  get enabled(): boolean {
    return this.v4 || this.v4tcp || this.v4udp || this.v4sctp || this.v6 || this.v6tcp || this.v6udp || this.v6sctp;
  }

  /**
   * Hashes the packet in mbuf m (first segment), sets hash.rss and the RSS flag when a configured type
   * matches, and returns the RETA queue for it (0 when nothing matched).
   */
  apply(m: number): number {
    const u8 = this.u8;
    const off = this.u32[(m + M_BUF_ADDR) >>> 2]! + this.u16[(m + M_DATA_OFF) >>> 1]!;
    const len = this.u16[(m + M_DATA_LEN) >>> 1]!;
    let l3 = off + 14;
    if (len < 14) return 0;
    let type = (u8[off + 12]! << 8) | u8[off + 13]!;
    while ((type === ETHER_TYPE_VLAN || type === ETHER_TYPE_QINQ) && l3 + 4 <= off + len) {
      type = (u8[l3 + 2]! << 8) | u8[l3 + 3]!;
      l3 += 4;
    }
    const end = off + len;
    let n = 0;
    if (type === ETHER_TYPE_IPV4 && l3 + 20 <= end) {
      const ihl = (u8[l3]! & 0x0f) * 4;
      const proto = u8[l3 + 9]!;
      const frag = (((u8[l3 + 6]! << 8) | u8[l3 + 7]!) & 0x3fff) !== 0;
      const l4 = l3 + ihl;
      const l4ok = !frag && l4 + 4 <= end;
      if (l4ok && ((proto === IPPROTO_TCP && this.v4tcp) || (proto === IPPROTO_UDP && this.v4udp) || (proto === IPPROTO_SCTP && this.v4sctp))) {
        n = thashLoadIpv4L4(u8, l3, l4, this.tuple);
      } else if (this.v4) {
        n = thashLoadIpv4(u8, l3, this.tuple);
      }
    } else if (type === ETHER_TYPE_IPV6 && l3 + 40 <= end) {
      const proto = u8[l3 + 6]!;
      const l4 = l3 + 40;
      if (l4 + 4 <= end && ((proto === IPPROTO_TCP && this.v6tcp) || (proto === IPPROTO_UDP && this.v6udp) || (proto === IPPROTO_SCTP && this.v6sctp))) {
        n = thashLoadIpv6L4(u8, l3, l4, this.tuple);
      } else if (this.v6) {
        n = thashLoadIpv6(u8, l3, this.tuple);
      }
    }
    if (n === 0) return 0;
    const h = softrssBe(this.tuple, n, this.key);
    this.u32[(m + M_HASH_RSS) >>> 2] = h;
    this.u32[(m + M_OL_FLAGS) >>> 2] |= RX_RSS_HASH;
    return this.reta[h % this.reta.length]!;
  }
}
