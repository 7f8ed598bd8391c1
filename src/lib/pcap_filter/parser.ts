// pcap-filter(7) parser (the subset in docs/bpf.md). Builds predicates with resolved packet offsets for
// DLT_EN10MB. As in libpcap: `and`/`or` have equal precedence and associate left to right, `not` binds
// tightest, a bare id after and/or inherits the previous qualifiers, and each `vlan` moves the offsets
// of everything after it by 4 bytes.

import { fail } from '../eal/errors.js';
import { tokenize, type Token } from './lexer.js';
import { CONSTANTS, ETHER_PROTOS, IP_PROTOS, serviceByName } from './names.js';
import { and, cmp, not, or, type Arith, type BinOp, type Pred, type RelOp } from './pred.js';

const ETHERTYPE_IP = 0x0800, ETHERTYPE_IPV6 = 0x86dd, ETHERTYPE_ARP = 0x0806, ETHERTYPE_REVARP = 0x8035;
const PROTO_WORDS = new Set(['ether', 'link', 'ip', 'ip6', 'arp', 'rarp', 'tcp', 'udp', 'sctp', 'icmp', 'icmp6', 'igmp']);
const DIR_WORDS = new Set(['src', 'dst']);
const TYPE_WORDS = new Set(['host', 'net', 'port', 'portrange']);
const RELOPS: Record<string, RelOp> = { '=': 'eq', '==': 'eq', '!=': 'ne', '>': 'gt', '>=': 'ge', '<': 'lt', '<=': 'le' };
const UNSUPPORTED = new Set(['gateway', 'protochain', 'mpls', 'pppoed', 'pppoes', 'geneve', 'vxlan', 'atalk', 'decnet', 'iso', 'esis', 'isis',
  'clnp', 'stp', 'ipx', 'netbeui', 'llc', 'wlan', 'type', 'subtype', 'dir', 'ifname', 'on', 'rnr', 'rulenum', 'reason', 'rset',
  'srnr', 'subrulenum', 'action', 'inbound', 'outbound', 'ifindex', 'fddi', 'tr', 'ppp', 'slip', 'lat', 'moprc', 'mopdl', 'sca',
  'l1', 'l2', 'iih', 'lsp', 'snp', 'csnp', 'psnp', 'ah', 'esp', 'pim', 'vrrp', 'carp', 'radio', 'heartbeat']);

type Dir = 'src' | 'dst' | 'src or dst' | 'src and dst';
interface Quals { proto: string | null; dir: Dir | null; type: string | null }

const bad = (t: Token, why = 'syntax error'): never =>
  fail('EINVAL', `pcap filter: ${why} at '${t.kind === 'eof' ? 'end of expression' : t.text}' (offset ${t.pos})`);

export class Parser {
  private toks: Token[];
  private p = 0;
  /** offset of the ethertype field (12 + 4 per vlan seen) */
  private lt = 12;
  private last: Quals = { proto: null, dir: null, type: null };

  constructor(src: string) {
    this.toks = tokenize(src);
  }

  private get t(): Token { return this.toks[this.p]!; }
  private peek(n = 1): Token { return this.toks[Math.min(this.p + n, this.toks.length - 1)]!; }
  private isWord(w: string, t = this.t): boolean { return t.kind === 'word' && t.text === w; }
  private isOp(o: string, t = this.t): boolean { return t.kind === 'op' && t.text === o; }
  private next(): Token { return this.toks[this.p++]!; }
  private expectOp(o: string): void { if (!this.isOp(o)) bad(this.t, `expected '${o}'`); this.p++; }
  private get nl(): number { return this.lt + 2; }

  parse(): Pred {
    if (this.t.kind === 'eof') return { k: 'const', v: true };
    const e = this.expr();
    if (this.peek(0).kind !== 'eof') bad(this.t);
    return e;
  }

  private expr(): Pred {
    let left = this.unary();
    for (;;) {
      if (this.isWord('and') || this.isOp('&&')) { this.p++; left = { k: 'and', a: left, b: this.unary() }; }
      else if (this.isWord('or') || this.isOp('||')) { this.p++; left = { k: 'or', a: left, b: this.unary() }; }
      else return left;
    }
  }

  private unary(): Pred {
    if (this.isWord('not') || this.isOp('!')) { this.p++; return not(this.unary()); }
    // An arithmetic relation, or else a primitive / parenthesized expression.
    const save = this.p, lt = this.lt;
    const rel = this.tryRelation();
    if (rel !== null) return rel;
    this.p = save;
    this.lt = lt;
    if (this.isOp('(')) {
      this.p++;
      const e = this.expr();
      this.expectOp(')');
      return e;
    }
    return this.primitive();
  }

  // ---- arithmetic relations ----

  private tryRelation(): Pred | null {
    const t = this.t;
    const arithStart = t.kind === 'num' || this.isOp('(') || this.isOp('-') || this.isWord('len') ||
      (t.kind === 'word' && (CONSTANTS[t.text] !== undefined || (PROTO_WORDS.has(t.text) && this.isOp('[', this.peek()))));
    if (!arithStart) return null;
    const guards: Pred[] = [];
    // `proto[` or `len` can only start arithmetic: report its errors; `(` or a number may be something else.
    const definite = this.isWord('len') || (t.kind === 'word' && PROTO_WORDS.has(t.text));
    let a: Arith;
    try {
      a = this.arith(guards);
    } catch (e) {
      if (definite) throw e;
      return null;
    }
    const op = this.t.kind === 'op' ? RELOPS[this.t.text] : undefined;
    if (op === undefined) {
      // `80` after `port 53 or` is an id, not arithmetic.
      if (a.k === 'num') return null;
      bad(this.t, 'expected a comparison');
    }
    this.p++;
    const b = this.arith(guards);
    const r: Pred = { k: 'rel', a, op: op!, b };
    return guards.length === 0 ? r : and(...guards, r);
  }

  private arith(g: Pred[], level = 0): Arith {
    const LEVELS: string[][] = [['|', '^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
    if (level === LEVELS.length) return this.arithUnary(g);
    let a = this.arith(g, level + 1);
    while (this.t.kind === 'op' && LEVELS[level]!.includes(this.t.text)) {
      const op = this.next().text as BinOp;
      const b = this.arith(g, level + 1);
      if ((op === '/' || op === '%') && b.k === 'num' && b.v === 0) fail('EINVAL', 'pcap filter: division by zero');
      a = { k: 'bin', op, a, b };
    }
    return a;
  }

  private arithUnary(g: Pred[]): Arith {
    const t = this.t;
    if (this.isOp('-')) { this.p++; return { k: 'neg', a: this.arithUnary(g) }; }
    if (this.isOp('(')) { this.p++; const a = this.arith(g); this.expectOp(')'); return a; }
    if (t.kind === 'num') { this.p++; return { k: 'num', v: t.value }; }
    if (this.isWord('len')) { this.p++; return { k: 'len' }; }
    if (t.kind === 'word' && CONSTANTS[t.text] !== undefined) { this.p++; return { k: 'num', v: CONSTANTS[t.text]! }; }
    if (t.kind === 'word' && PROTO_WORDS.has(t.text) && this.isOp('[', this.peek())) {
      this.p += 2;
      const index = this.arith(g);
      let size: 1 | 2 | 4 = 1;
      if (this.isOp(':')) {
        this.p++;
        const s = this.next();
        if (s.kind !== 'num' || ![1, 2, 4].includes(s.value)) bad(s, 'data size must be 1, 2, or 4');
        size = s.value as 1 | 2 | 4;
      }
      this.expectOp(']');
      return this.load(t, index, size, g);
    }
    return bad(t);
  }

  private load(t: Token, index: Arith, size: 1 | 2 | 4, g: Pred[]): Arith {
    const nl = this.nl;
    switch (t.text) {
      case 'ether': case 'link': return { k: 'load', base: 0, msh: -1, index, size };
      case 'ip': g.push(this.ethertype(ETHERTYPE_IP)); return { k: 'load', base: nl, msh: -1, index, size };
      case 'ip6': g.push(this.ethertype(ETHERTYPE_IPV6)); return { k: 'load', base: nl, msh: -1, index, size };
      case 'arp': g.push(this.ethertype(ETHERTYPE_ARP)); return { k: 'load', base: nl, msh: -1, index, size };
      case 'rarp': g.push(this.ethertype(ETHERTYPE_REVARP)); return { k: 'load', base: nl, msh: -1, index, size };
      case 'tcp': case 'udp': case 'sctp': case 'icmp': case 'igmp':
        g.push(and(this.ipProto(IP_PROTOS[t.text]!), this.notFrag()));
        return { k: 'load', base: nl, msh: nl, index, size };
      default: return bad(t, `'${t.text}[...]' is not supported`);
    }
  }

  // ---- primitives ----

  private ethertype(v: number): Pred { return cmp(2, this.lt, 'eq', v); }
  private ipProto(p: number): Pred { return and(this.ethertype(ETHERTYPE_IP), cmp(1, this.nl + 9, 'eq', p)); }
  private ip6Proto(p: number): Pred {
    const nl = this.nl;
    return and(this.ethertype(ETHERTYPE_IPV6), or(cmp(1, nl + 6, 'eq', p), and(cmp(1, nl + 6, 'eq', 44), cmp(1, nl + 40, 'eq', p))));
  }
  private notFrag(): Pred { return not(cmp(2, this.nl + 6, 'set', 0x1fff)); }

  private dirOp(dir: Dir | null, src: Pred, dst: Pred): Pred {
    if (dir === 'src') return src;
    if (dir === 'dst') return dst;
    if (dir === 'src and dst') return and(src, dst);
    return or(src, dst);
  }

  private primitive(): Pred {
    const t = this.t;
    if (t.kind === 'word' && UNSUPPORTED.has(t.text)) bad(t, `'${t.text}' is not supported`);
    if (this.isWord('vlan')) {
      this.p++;
      const lt = this.lt;
      let p = or(cmp(2, lt, 'eq', 0x8100), cmp(2, lt, 'eq', 0x88a8), cmp(2, lt, 'eq', 0x9100));
      if (this.t.kind === 'num') {
        const id = this.next().value;
        if (id > 4095) fail('EINVAL', `pcap filter: VLAN tag ${id} greater than maximum 4095`);
        p = and(p, cmp(2, lt + 2, 'eq', id, 0x0fff));
      }
      this.lt += 4;
      return p;
    }
    if (this.isWord('greater') || this.isWord('less')) {
      const w = this.next().text;
      const n = this.next();
      if (n.kind !== 'num') bad(n, `'${w}' needs a number`);
      return { k: 'rel', a: { k: 'len' }, op: w === 'greater' ? 'ge' : 'le', b: { k: 'num', v: n.value } };
    }
    if (this.isWord('broadcast') || this.isWord('multicast')) return this.castPred('ether', this.next());
    if (this.isWord('proto')) { this.p++; return this.protoPred(null); }
    const q: Quals = { proto: null, dir: null, type: null };
    let any = false;
    if (t.kind === 'word' && PROTO_WORDS.has(t.text)) {
      q.proto = t.text === 'link' ? 'ether' : t.text;
      this.p++;
      any = true;
      if (this.isWord('proto')) { this.p++; return this.protoPred(q.proto); }
      if (this.isWord('broadcast') || this.isWord('multicast')) return this.castPred(q.proto, this.next());
    }
    if (this.t.kind === 'word' && DIR_WORDS.has(this.t.text)) {
      const d = this.next().text;
      const o = this.t, d2 = this.peek();
      if ((this.isWord('or', o) || this.isWord('and', o)) && d2.kind === 'word' && DIR_WORDS.has(d2.text) && d2.text !== d) {
        this.p += 2;
        q.dir = this.isWord('or', o) ? 'src or dst' : 'src and dst';
      } else {
        q.dir = d as Dir;
      }
      any = true;
    }
    if (this.t.kind === 'word' && TYPE_WORDS.has(this.t.text)) {
      q.type = this.next().text;
      any = true;
    }
    if (q.proto !== null && q.dir === null && q.type === null) {
      // a protocol by itself: 'ip', 'tcp', ...
      return this.protoAlone(q.proto, t);
    }
    if (!any) {
      // bare id: inherit the previous qualifiers (libpcap), host by default
      if (!['num', 'ipv4', 'ipv6', 'mac'].includes(this.t.kind) && !(this.t.kind === 'word' && this.last.type !== null && this.last.type.startsWith('port'))) {
        bad(this.t, this.t.kind === 'word' ? `unknown name '${this.t.text}'` : 'syntax error');
      }
      q.proto = this.last.proto;
      q.dir = this.last.dir;
      q.type = this.last.type;
    }
    this.last = { ...q };
    return this.qualified(q);
  }

  private protoAlone(proto: string, t: Token): Pred {
    switch (proto) {
      case 'ip': return this.ethertype(ETHERTYPE_IP);
      case 'ip6': return this.ethertype(ETHERTYPE_IPV6);
      case 'arp': return this.ethertype(ETHERTYPE_ARP);
      case 'rarp': return this.ethertype(ETHERTYPE_REVARP);
      case 'tcp': case 'udp': case 'sctp': return or(this.ipProto(IP_PROTOS[proto]!), this.ip6Proto(IP_PROTOS[proto]!));
      case 'icmp': case 'igmp': return this.ipProto(IP_PROTOS[proto]!);
      case 'icmp6': return this.ip6Proto(58);
      default: return bad(t, `'${proto}' needs a qualifier`);
    }
  }

  private protoValue(table: Record<string, number>): number {
    const v = this.next();
    if (v.kind === 'num') return v.value;
    const name = v.text.startsWith('\\') ? v.text.slice(1) : v.text;
    if (v.kind === 'word' && table[name] !== undefined) return table[name]!;
    return bad(v, 'unknown protocol');
  }

  private protoPred(proto: string | null): Pred {
    if (proto === 'ether') {
      const v = this.protoValue(ETHER_PROTOS);
      if (v <= 1500) bad(this.toks[this.p - 1]!, 'ether proto values <= 1500 (802.2 LLC) are not supported');
      return this.ethertype(v);
    }
    const v = this.protoValue(IP_PROTOS);
    if (proto === 'ip') return this.ipProto(v);
    if (proto === 'ip6') return this.ip6Proto(v);
    if (proto === null) return or(this.ipProto(v), this.ip6Proto(v));
    return bad(this.toks[this.p - 2]!, `'${proto} proto' is not supported`);
  }

  private castPred(proto: string, w: Token): Pred {
    const multi = w.text === 'multicast';
    if (proto === 'ether') {
      return multi ? cmp(1, 0, 'set', 1) : and(cmp(4, 2, 'eq', 0xffffffff), cmp(2, 0, 'eq', 0xffff));
    }
    if (proto === 'ip' && multi) return and(this.ethertype(ETHERTYPE_IP), cmp(1, this.nl + 16, 'ge', 224));
    if (proto === 'ip6' && multi) return and(this.ethertype(ETHERTYPE_IPV6), cmp(1, this.nl + 24, 'eq', 255));
    return bad(w, `'${proto} ${w.text}' is not supported (needs the netmask)`);
  }

  private qualified(q: Quals): Pred {
    const type = q.type ?? 'host';
    const id = this.t;
    if (id.kind === 'eof' || (id.kind === 'op')) bad(id, `'${type}' needs a value`);
    if (type === 'port' || type === 'portrange') return this.portPred(q, type);
    if (q.proto !== null && !['ether', 'ip', 'ip6', 'arp', 'rarp'].includes(q.proto)) bad(id, `'${q.proto}' modifier applied to ${type}`);
    this.p++;
    if (id.kind === 'mac') {
      if (type !== 'host' || (q.proto !== null && q.proto !== 'ether')) bad(id, 'an Ethernet address needs \'ether host\'');
      return this.etherHost(id, q.dir);
    }
    if (q.proto === 'ether') bad(id, 'ether host needs an Ethernet address');
    if (id.kind === 'ipv6') return this.ip6HostNet(q, type, id);
    if (id.kind !== 'ipv4' && id.kind !== 'num') bad(id, id.kind === 'word' ? `cannot resolve host name '${id.text}' (addresses only)` : 'syntax error');
    if (q.proto === 'ip6') bad(id, 'an IPv4 address with \'ip6\'');
    // IPv4 host or net; a short net ("10", "10.1") has an implied mask.
    const parts = id.kind === 'num' ? [id.value] : id.text.split('.').map(Number);
    if (parts.some((x) => x > 255) && id.kind === 'ipv4') bad(id, 'invalid IPv4 address');
    let addr = 0, mask = 0xffffffff;
    if (type === 'net') {
      if (id.kind === 'num' && id.value > 255) { addr = id.value; } else {
        for (let i = 0; i < 4; i++) addr = (addr * 256 + (parts[i] ?? 0)) >>> 0;
        mask = parts.length >= 4 ? 0xffffffff : (0xffffffff << (32 - 8 * parts.length)) >>> 0;
      }
      if (this.isOp('/')) {
        this.p++;
        const n = this.next();
        if (n.kind !== 'num' || n.value > 32) bad(n, 'mask length must be <= 32');
        mask = n.value === 0 ? 0 : (0xffffffff << (32 - n.value)) >>> 0;
        addr = 0;
        for (let i = 0; i < 4; i++) addr = (addr * 256 + (parts[i] ?? 0)) >>> 0;
      } else if (this.isWord('mask')) {
        this.p++;
        const m = this.next();
        if (m.kind !== 'ipv4') bad(m, 'mask needs an IPv4 address');
        mask = m.text.split('.').map(Number).reduce((a, b) => (a * 256 + b) >>> 0, 0);
        if (m.text.split('.').length !== 4) bad(m, 'invalid netmask');
      }
      if (((addr & ~mask) >>> 0) !== 0) fail('EINVAL', `pcap filter: non-network bits set in "${id.text}"`);
    } else {
      if (id.kind === 'num' || parts.length !== 4) bad(id, 'a host needs a full IPv4 address');
      for (const x of parts) addr = (addr * 256 + x) >>> 0;
    }
    const nl = this.nl;
    const m = mask === 0xffffffff ? null : mask;
    const ipPart = () => and(this.ethertype(ETHERTYPE_IP), this.dirOp(q.dir, cmp(4, nl + 12, 'eq', addr, m), cmp(4, nl + 16, 'eq', addr, m)));
    const arpPart = (et: number) => and(this.ethertype(et), this.dirOp(q.dir, cmp(4, nl + 14, 'eq', addr, m), cmp(4, nl + 24, 'eq', addr, m)));
    switch (q.proto) {
      case 'ip': return ipPart();
      case 'arp': return arpPart(ETHERTYPE_ARP);
      case 'rarp': return arpPart(ETHERTYPE_REVARP);
      default: return or(ipPart(), arpPart(ETHERTYPE_ARP), arpPart(ETHERTYPE_REVARP));
    }
  }

  private etherHost(id: Token, dir: Dir | null): Pred {
    const b = id.text.split(/[:.-]/).map((x) => parseInt(x, 16));
    const hi = (b[0]! << 8) | b[1]!;
    const lo = ((b[2]! << 24) | (b[3]! << 16) | (b[4]! << 8) | b[5]!) >>> 0;
    const at = (off: number) => and(cmp(4, off + 2, 'eq', lo), cmp(2, off, 'eq', hi));
    return this.dirOp(dir, at(6), at(0));
  }

  private ip6HostNet(q: Quals, type: string, id: Token): Pred {
    if (q.proto !== null && q.proto !== 'ip6') bad(id, `an IPv6 address with '${q.proto}'`);
    const words = parseIPv6(id);
    let bits = 128;
    if (type === 'net' && this.isOp('/')) {
      this.p++;
      const n = this.next();
      if (n.kind !== 'num' || n.value > 128) bad(n, 'mask length must be <= 128');
      bits = n.value;
    } else if (type === 'net') bad(this.t, 'an IPv6 net needs /length');
    const masks = [0, 1, 2, 3].map((i) => { const b = Math.max(0, Math.min(32, bits - 32 * i)); return b === 0 ? 0 : (0xffffffff << (32 - b)) >>> 0; });
    masks.forEach((mk, i) => { if (((words[i]! & ~mk) >>> 0) !== 0) fail('EINVAL', `pcap filter: non-network bits set in "${id.text}/${bits}"`); });
    const nl = this.nl;
    const at = (off: number) => and(...[0, 1, 2, 3].filter((i) => masks[i] !== 0)
      .map((i) => cmp(4, off + 4 * i, 'eq', words[i]!, masks[i] === 0xffffffff ? null : masks[i]!)));
    const hasAny = masks.some((mk) => mk !== 0);
    return and(this.ethertype(ETHERTYPE_IPV6), ...(hasAny ? [this.dirOp(q.dir, at(nl + 8), at(nl + 24))] : []));
  }

  private portNumber(restrict: { tcp: boolean; udp: boolean }): number {
    const v = this.next();
    if (v.kind === 'num') {
      if (v.value > 65535) bad(v, 'port number out of range');
      return v.value;
    }
    if (v.kind === 'word') {
      const s = serviceByName(v.text.startsWith('\\') ? v.text.slice(1) : v.text);
      if (s !== null) {
        restrict.tcp = s.tcp;
        restrict.udp = s.udp;
        return s.port;
      }
      bad(v, `unknown port name '${v.text}'`);
    }
    return bad(v, 'expected a port');
  }

  private portPred(q: Quals, type: string): Pred {
    if (q.proto !== null && !['ip', 'ip6', 'tcp', 'udp', 'sctp'].includes(q.proto)) bad(this.t, `'${q.proto}' modifier applied to ${type}`);
    const named = { tcp: true, udp: true };
    const lo = this.portNumber(named);
    let hi = lo;
    if (type === 'portrange') {
      this.expectOp('-');
      const n2 = { tcp: true, udp: true };
      hi = this.portNumber(n2);
      named.tcp &&= n2.tcp;
      named.udp &&= n2.udp;
    }
    const a = Math.min(lo, hi), b = Math.max(lo, hi);
    let protos: number[];
    if (q.proto === 'tcp' || q.proto === 'udp' || q.proto === 'sctp') protos = [IP_PROTOS[q.proto]!];
    else if (named.tcp && !named.udp) protos = [6];
    else if (named.udp && !named.tcp) protos = [17];
    else protos = [6, 17, 132];
    const nl = this.nl;
    const test = (off: number, msh: number): Pred => type === 'port'
      ? cmp(2, off, 'eq', a, null, msh)
      : and(cmp(2, off, 'ge', a, null, msh), not(cmp(2, off, 'gt', b, null, msh)));
    const v4 = and(this.ethertype(ETHERTYPE_IP), or(...protos.map((p) => cmp(1, nl + 9, 'eq', p))), this.notFrag(),
      this.dirOp(q.dir, test(nl, nl), test(nl + 2, nl)));
    const v6 = and(this.ethertype(ETHERTYPE_IPV6), or(...protos.map((p) => cmp(1, nl + 6, 'eq', p))),
      this.dirOp(q.dir, test(nl + 40, -1), test(nl + 42, -1)));
    if (q.proto === 'ip') return v4;
    if (q.proto === 'ip6') return v6;
    return or(v4, v6);
  }
}

function parseIPv6(t: Token): number[] {
  let s = t.text;
  let tail: number[] = [];
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    tail = [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
    s = s.slice(0, v4.index + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) bad(t, 'invalid IPv6 address');
  const grp = (x: string) => (x === '' ? [] : x.split(':').map((g) => { if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) bad(t, 'invalid IPv6 address'); return parseInt(g, 16); }));
  const h = grp(halves[0]!);
  const tl = halves.length === 2 ? grp(halves[1]!) : [];
  const fill = 8 - h.length - tl.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) bad(t, 'invalid IPv6 address');
  const g16 = [...h, ...new Array(halves.length === 2 ? fill : 0).fill(0), ...tl];
  if (tail.length) { g16[6] = tail[0]!; g16[7] = tail[1]!; }
  return [0, 1, 2, 3].map((i) => ((g16[2 * i]! << 16) | g16[2 * i + 1]!) >>> 0);
}
