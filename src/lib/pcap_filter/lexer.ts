// pcap-filter(7) tokens: words (keywords, names), numbers, IPv4/IPv6/MAC addresses, operators.

import { fail } from '../eal/errors.js';

export type TokKind = 'word' | 'num' | 'ipv4' | 'ipv6' | 'mac' | 'op' | 'eof';

export interface Token {
  kind: TokKind;
  text: string;
  /** numeric value for 'num' */
  value: number;
  pos: number;
}

const OPS = ['&&', '||', '==', '!=', '<=', '>=', '<<', '>>', '(', ')', '[', ']', ':', '!', '=', '<', '>', '+', '-', '*', '/', '%', '&', '|', '^'];

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    // A run of address/word characters; then classify.
    const m = /^\\?[A-Za-z0-9_.:-]+/.exec(src.slice(i));
    if (m && !(m[0].startsWith('-') || m[0].startsWith(':'))) {
      let text = m[0];
      // "-" is an operator unless inside a word/MAC ("tcp-syn", "00-11-..."), ":" unless inside an address.
      const isMac = /^[0-9A-Fa-f]{1,2}([:.-][0-9A-Fa-f]{1,2}){5}$/.test(text);
      const isV6 = text.includes('::') || /^[0-9A-Fa-f]{1,4}(:[0-9A-Fa-f]{1,4}){7}$/.test(text) || /^[0-9A-Fa-f:]+:\d+\.\d+\.\d+\.\d+$/.test(text);
      if (!isMac && !isV6) {
        // Cut at the first ':' (slice index) and at '-' that does not join letters (a-b arithmetic).
        const colon = text.indexOf(':');
        if (colon > 0) text = text.slice(0, colon);
        if (/^\d/.test(text)) {
          const dash = text.indexOf('-');
          if (dash > 0) text = text.slice(0, dash);
        } else {
          // words may contain '-' (tcp-syn, icmp-echo) but not end with it
          text = text.replace(/-+$/, '');
        }
      }
      i += text.length;
      if (isMac) out.push({ kind: 'mac', text, value: 0, pos: start });
      else if (isV6) out.push({ kind: 'ipv6', text, value: 0, pos: start });
      else if (/^\d+(\.\d+){1,3}$/.test(text)) out.push({ kind: 'ipv4', text, value: 0, pos: start });
      else if (/^(0[xX][0-9A-Fa-f]+|\d+)$/.test(text)) {
        const v = /^0[0-7]+$/.test(text) ? parseInt(text, 8) : Number(text);
        if (v > 0xffffffff) fail('EINVAL', `pcap filter: number '${text}' too large`);
        out.push({ kind: 'num', text, value: v, pos: start });
      } else if (/^\\?[A-Za-z_][A-Za-z0-9_.-]*$/.test(text)) out.push({ kind: 'word', text, value: 0, pos: start });
      else fail('EINVAL', `pcap filter: unexpected token '${text}' at ${start}`);
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op === undefined) fail('EINVAL', `pcap filter: unexpected character '${c}' at ${i}`);
    out.push({ kind: 'op', text: op, value: 0, pos: i });
    i += op.length;
  }
  out.push({ kind: 'eof', text: '', value: 0, pos: src.length });
  return out;
}
