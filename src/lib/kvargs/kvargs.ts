// rte_kvargs: "key=value,key=value,..." device arguments, tokenized exactly like DPDK 22.11
// (rte_kvargs_tokenize): a ',' inside [...] belongs to the value, a pair without '=' is a key with no
// value, empty pairs are skipped, a second '=' in a pair makes the text between the two '=' the key, at
// most RTE_KVARGS_MAX pairs.
import { TsdpdkError } from '../eal/errors.js';

export const RTE_KVARGS_MAX = 32;
export const RTE_KVARGS_PAIRS_DELIM = ',';
export const RTE_KVARGS_KV_DELIM = '=';

export interface KvPair {
  readonly key: string;
  /** null for a key given without '=' ("only key"). */
  readonly value: string | null;
}

/** Handler result: a negative number rejects the value (like a negative arg_handler_t return). */
export type KvHandler = (value: string, key: string) => number | void;
export type KvOptHandler = (value: string | null, key: string) => number | void;

/** Splits args into pairs; null when more than RTE_KVARGS_MAX pairs would be stored. */
function tokenize(args: string): KvPair[] | null {
  const nul = args.indexOf('\0'); // C strings end there
  if (nul >= 0) args = args.slice(0, nul);
  const pairs: KvPair[] = [];
  let inList = false;
  let endKey = false;
  let key = '';
  let value: string | null = null;
  let start = 0;
  for (let i = 0; ; i++) {
    const atEnd = i >= args.length;
    const c = atEnd ? '' : args[i];
    let save = false;
    let endValue = false;
    let endPair = false;
    if (atEnd) {
      if (endKey) endValue = true;
      else endKey = true;
      save = true;
      endPair = true;
    } else if (c === '=') {
      endKey = true;
      save = true;
    } else if (c === ',') {
      if (!inList) {
        if (endKey) endValue = true;
        else endKey = true;
        save = true;
        endPair = true;
      }
    } else if (c === '[') {
      inList = true;
    } else if (c === ']') {
      inList = false;
    }
    if (!save) continue;
    // DPDK checks the limit at every boundary, so 32 pairs plus a trailing ',' already fail.
    if (pairs.length >= RTE_KVARGS_MAX) return null;
    const tok = args.slice(start, i);
    if (endValue) value = tok;
    else if (endKey) key = tok;
    if (endPair) {
      if (endValue || i !== start) pairs.push({ key, value });
      value = null;
      endKey = false;
    }
    if (atEnd) break;
    start = i + 1;
  }
  return pairs;
}

/** Parsed key/value list (struct rte_kvargs). Keys may repeat; order is kept. */
export class Kvargs {
  /** The string that was parsed. */
  readonly args: string;
  readonly pairs: readonly KvPair[];

  constructor(args: string, pairs: readonly KvPair[]) {
    this.args = args;
    this.pairs = pairs;
  }

  /** Pairs with this key (all pairs when key is omitted), like rte_kvargs_count. */
  count(key?: string | null): number {
    if (key === undefined || key === null) return this.pairs.length;
    let n = 0;
    for (const p of this.pairs) if (p.key === key) n++;
    return n;
  }

  has(key: string): boolean {
    return this.pairs.some((p) => p.key === key);
  }

  /** Value of the first pair with this key (rte_kvargs_get); undefined when absent or given without a value. */
  get(key: string): string | undefined {
    for (const p of this.pairs) if (p.key === key) return p.value ?? undefined;
    return undefined;
  }

  /** First pair matching key and value, either of which may be null for "any" (rte_kvargs_get_with_value). */
  getWithValue(key: string | null, value: string | null): string | undefined {
    for (const p of this.pairs) {
      if (key !== null && p.key !== key) continue;
      if (value !== null && p.value !== value) continue;
      return p.value ?? undefined;
    }
    return undefined;
  }

  /** Values of every pair with this key, in order (null for key-only pairs). */
  getAll(key: string): (string | null)[] {
    const r: (string | null)[] = [];
    for (const p of this.pairs) if (p.key === key) r.push(p.value);
    return r;
  }

  /**
   * Calls handler for each pair with this key (every pair when key is null), like rte_kvargs_process of
   * DPDK >= 23.11: a pair without a value is an error, as is a negative handler result. Throws
   * TsdpdkError('EINVAL') naming the key; errors thrown by the handler propagate.
   */
  process(key: string | null, handler: KvHandler): void {
    for (const p of this.pairs) {
      if (key !== null && p.key !== key) continue;
      if (p.value === null) throw new TsdpdkError('EINVAL', `argument '${p.key}' needs a value ('${p.key}=...')`);
      const r = handler(p.value, p.key);
      if (typeof r === 'number' && r < 0) throw new TsdpdkError('EINVAL', `invalid value '${p.value}' for argument '${p.key}'`);
    }
  }

  /** As process, but key-only pairs reach the handler with value null (rte_kvargs_process_opt, DPDK 22.11's process). */
  processOpt(key: string | null, handler: KvOptHandler): void {
    for (const p of this.pairs) {
      if (key !== null && p.key !== key) continue;
      const r = handler(p.value, p.key);
      if (typeof r === 'number' && r < 0) {
        throw new TsdpdkError('EINVAL', p.value === null ? `invalid argument '${p.key}'` : `invalid value '${p.value}' for argument '${p.key}'`);
      }
    }
  }

  /**
   * Unsigned integer value of the (single) key: decimal or 0x-hex, whole string, within [min, max]; def
   * when the key is absent. EINVAL naming the key for anything else, or when the key is repeated.
   */
  getUint(key: string, def: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const n = this.count(key);
    if (n === 0) return def;
    if (n > 1) throw new TsdpdkError('EINVAL', `argument '${key}' given ${n} times`);
    const v = this.getAll(key)[0];
    if (v === null || v === undefined) throw new TsdpdkError('EINVAL', `argument '${key}' needs a value ('${key}=...')`);
    const x = /^0[xX][0-9a-fA-F]+$/.test(v) ? parseInt(v.slice(2), 16) : /^[0-9]+$/.test(v) ? parseInt(v, 10) : NaN;
    if (!Number.isSafeInteger(x) || x < min || x > max) {
      throw new TsdpdkError('EINVAL', `invalid value '${v}' for argument '${key}' (expected an integer in [${min}, ${max}])`);
    }
    return x;
  }
}

/**
 * rte_kvargs_parse: splits args into key/value pairs; when validKeys is given every key must be one of
 * them. Throws TsdpdkError('EINVAL') naming the offending key, or when there are more than 32 pairs.
 */
export function parseKvargs(args: string, validKeys?: readonly string[]): Kvargs {
  const pairs = tokenize(args);
  if (pairs === null) throw new TsdpdkError('EINVAL', `too many arguments in '${args}' (at most ${RTE_KVARGS_MAX} key=value pairs)`);
  if (validKeys !== undefined) {
    for (const p of pairs) {
      if (!validKeys.includes(p.key)) {
        const valid = validKeys.length > 0 ? ` (valid: ${validKeys.join(', ')})` : ' (no arguments accepted)';
        throw new TsdpdkError('EINVAL', `unknown argument '${p.key}' in '${args}'${valid}`);
      }
    }
  }
  return new Kvargs(args, pairs);
}

/** rte_kvargs_parse_delim: parses only up to the first character that is in validEnds. */
export function parseKvargsDelim(args: string, validKeys: readonly string[] | undefined, validEnds?: string): Kvargs {
  if (validEnds === undefined || validEnds === '') return parseKvargs(args, validKeys);
  let cut = args.length;
  for (let i = 0; i < args.length; i++) {
    if (validEnds.includes(args[i]!)) {
      cut = i;
      break;
    }
  }
  return parseKvargs(args.slice(0, cut), validKeys);
}
