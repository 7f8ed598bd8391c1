// What the parser builds: predicates over the packet and arithmetic values, with packet offsets already
// resolved (the `vlan` keyword shifts the offsets of everything after it, as in libpcap).

export type JOp = 'eq' | 'gt' | 'ge' | 'set';
export type RelOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type Pred =
  | { k: 'and' | 'or'; a: Pred; b: Pred }
  | { k: 'not'; a: Pred }
  | { k: 'const'; v: boolean }
  /** ld{size} [off] (or [x + off] after ldxb 4*([msh]&0xf) when msh >= 0); optional and #mask; j<op> #val */
  | { k: 'cmp'; size: 1 | 2 | 4; off: number; msh: number; mask: number | null; op: JOp; val: number }
  | { k: 'rel'; a: Arith; op: RelOp; b: Arith };

export type BinOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>';

export type Arith =
  | { k: 'num'; v: number }
  | { k: 'len' }
  /** packet bytes at base + index (index after the IPv4 header length at msh when msh >= 0) */
  | { k: 'load'; base: number; msh: number; index: Arith; size: 1 | 2 | 4 }
  | { k: 'bin'; op: BinOp; a: Arith; b: Arith }
  | { k: 'neg'; a: Arith };

export const and = (...ps: Pred[]): Pred => ps.reduce((a, b) => ({ k: 'and', a, b }));
export const or = (...ps: Pred[]): Pred => ps.reduce((a, b) => ({ k: 'or', a, b }));
export const not = (a: Pred): Pred => ({ k: 'not', a });
export const cmp = (size: 1 | 2 | 4, off: number, op: JOp, val: number, mask: number | null = null, msh = -1): Pred =>
  ({ k: 'cmp', size, off, msh, mask, op, val: val >>> 0 });
