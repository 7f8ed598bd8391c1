// rte_tel_data: what a telemetry handler fills in, and DPDK 22.11's JSON rendering of it
// (lib/telemetry/telemetry_data.c, telemetry_json.h, output_json in telemetry.c).

export const TEL_MAX_STRING_LEN = 128; // RTE_TEL_MAX_STRING_LEN
export const TEL_MAX_SINGLE_STRING_LEN = 8192; // RTE_TEL_MAX_SINGLE_STRING_LEN
export const TEL_MAX_DICT_ENTRIES = 256;
export const TEL_MAX_ARRAY_ENTRIES = 512;

// DPDK's return codes: 0, E2BIG (positive: stored truncated), -EINVAL, -ENOSPC.
export const E2BIG = 7;
const EINVAL = 22;
const ENOSPC = 28;

export type TelValueType = 'string' | 'int' | 'u64' | 'container';
export type TelDataType = 'null' | 'string' | 'dict' | 'array_string' | 'array_int' | 'array_u64' | 'array_container';

type Entry =
  | { kind: 'string'; name: string; v: string }
  | { kind: 'int'; name: string; v: number }
  | { kind: 'u64'; name: string; v: bigint }
  | { kind: 'container'; name: string; v: TelData };

const enc = new TextEncoder();
const dec = new TextDecoder();

/** strlcpy(dst, s, size): at most size-1 bytes (cut back to a whole UTF-8 character). */
function clip(s: string, size: number): { s: string; truncated: boolean } {
  const b = enc.encode(s);
  if (b.length < size) return { s, truncated: false };
  let n = size - 1;
  while (n > 0 && (b[n]! & 0xc0) === 0x80) n--;
  return { s: dec.decode(b.subarray(0, n)), truncated: true };
}

/** valid_name: [0-9A-Za-z_/] only. */
export function validName(name: string): boolean {
  return /^[0-9A-Za-z_/]*$/.test(name);
}

/** C int (32-bit, wraps). */
function cInt(x: number): number {
  return Number.isFinite(x) ? Math.trunc(x) | 0 : 0;
}

/** uint64_t (wraps like a C conversion of an integer). */
function u64(x: number | bigint): bigint {
  if (typeof x === 'bigint') return BigInt.asUintN(64, x);
  return Number.isFinite(x) ? BigInt.asUintN(64, BigInt(Math.trunc(x))) : 0n;
}

export class TelData {
  type: TelDataType = 'null';
  /** Dict entries. */
  readonly dict: Entry[] = [];
  /** Array values (string, int, bigint or TelData by type). */
  readonly array: (string | number | bigint | TelData)[] = [];
  str = '';

  private reset(t: TelDataType): number {
    this.type = t;
    this.dict.length = 0;
    this.array.length = 0;
    this.str = '';
    return 0;
  }

  /** rte_tel_data_start_array */
  startArray(t: TelValueType): number {
    return this.reset(`array_${t}` as TelDataType);
  }

  /** rte_tel_data_start_dict */
  startDict(): number {
    return this.reset('dict');
  }

  /** rte_tel_data_string: the whole reply is one string (at most 8191 bytes). */
  string(s: string): number {
    this.reset('string');
    const c = clip(s, TEL_MAX_SINGLE_STRING_LEN);
    this.str = c.s;
    return c.truncated ? E2BIG : 0;
  }

  private arrayAdd(t: TelDataType, v: string | number | bigint | TelData): number {
    if (this.type !== t) return -EINVAL;
    if (this.array.length >= TEL_MAX_ARRAY_ENTRIES) return -ENOSPC;
    if (typeof v === 'string') {
      const c = clip(v, TEL_MAX_STRING_LEN);
      this.array.push(c.s);
      return c.truncated ? E2BIG : 0;
    }
    this.array.push(v);
    return 0;
  }

  addArrayString(s: string): number {
    return this.arrayAdd('array_string', String(s));
  }

  addArrayInt(x: number): number {
    return this.arrayAdd('array_int', cInt(x));
  }

  addArrayU64(x: number | bigint): number {
    return this.arrayAdd('array_u64', u64(x));
  }

  /** Only arrays of string/int/u64 may be array elements (DPDK 22.11). */
  addArrayContainer(v: TelData): number {
    if (this.type === 'array_container' && !['array_u64', 'array_int', 'array_string'].includes(v.type)) return -EINVAL;
    return this.arrayAdd('array_container', v);
  }

  private dictAdd(e: Entry): number {
    if (this.type !== 'dict') return -EINVAL;
    if (this.dict.length >= TEL_MAX_DICT_ENTRIES) return -ENOSPC;
    if (!validName(e.name)) return -EINVAL;
    const n = clip(e.name, TEL_MAX_STRING_LEN);
    e.name = n.s;
    let truncated = n.truncated;
    if (e.kind === 'string') {
      const c = clip(e.v, TEL_MAX_STRING_LEN);
      e.v = c.s;
      truncated ||= c.truncated;
    }
    this.dict.push(e);
    return truncated ? E2BIG : 0;
  }

  addDictString(name: string, v: string): number {
    return this.dictAdd({ kind: 'string', name, v: String(v) });
  }

  addDictInt(name: string, v: number): number {
    return this.dictAdd({ kind: 'int', name, v: cInt(v) });
  }

  addDictU64(name: string, v: number | bigint): number {
    return this.dictAdd({ kind: 'u64', name, v: u64(v) });
  }

  /** Arrays of string/int/u64 or a dict. */
  addDictContainer(name: string, v: TelData): number {
    if (this.type !== 'dict' || !['array_u64', 'array_int', 'array_string', 'dict'].includes(v.type)) return -EINVAL;
    return this.dictAdd({ kind: 'container', name, v });
  }

  /** rte_tel_data_add_dict_uint_hex (DPDK 23.03+): "0x..." string, zero-padded to `bits` when non-zero. */
  addDictUintHex(name: string, v: number | bigint, bits = 0): number {
    const h = u64(v).toString(16);
    return this.addDictString(name, '0x' + (bits > 0 ? h.padStart(Math.ceil(bits / 4), '0') : h));
  }
}

// ---- JSON, with telemetry_json.h's rule: an element that does not fit in the buffer is dropped ----

/** JSON text and its length in bytes. */
interface Buf {
  s: string;
  n: number;
}

function blen(s: string): number {
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) { ascii = false; break; }
  return ascii ? s.length : enc.encode(s).length;
}

/** __json_format_str's escaping: \n \r \t escaped, other control characters dropped, " and \ escaped. */
export function jsonEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 0x20) {
      if (c === 10) out += '\\n';
      else if (c === 13) out += '\\r';
      else if (c === 9) out += '\\t';
    } else if (ch === '"' || ch === '\\') out += '\\' + ch;
    else out += ch;
  }
  return out;
}

/** Appends `item` to the array or object in b (whose last byte is the closing bracket) if it fits in len-1 bytes. */
function append(b: Buf, len: number, open: string, close: string, item: string): void {
  if (b.n <= 2) {
    const t = open + item + close;
    const n = blen(t);
    if (n < len) {
      b.s = t;
      b.n = n;
    }
    return;
  }
  const t = ',' + item + close;
  const n = blen(t);
  if (n < len - (b.n - 1)) {
    b.s = b.s.slice(0, -1) + t;
    b.n = b.n - 1 + n;
  }
}

function u64Item(v: bigint): string {
  return v.toString();
}

/** container_to_json / the body of output_json: the value's JSON within len (bytes incl. NUL). */
function toJson(d: TelData, len: number, top: boolean): Buf {
  const b: Buf = { s: '', n: 0 };
  if (d.type === 'null') return top ? { s: 'null', n: 4 } : { s: 'null', n: 4 };
  if (d.type === 'string') {
    if (!top) return { s: 'null', n: 4 };
    const t = '"' + jsonEscape(d.str) + '"';
    const n = blen(t);
    return n < len ? { s: t, n } : { s: 'null', n: 4 };
  }
  if (d.type === 'array_container' && !top) return { s: 'null', n: 4 };
  const isDict = d.type === 'dict';
  const open = isDict ? '{' : '[';
  const close = isDict ? '}' : ']';
  if (len > 2) {
    b.s = open + close;
    b.n = 2;
  }
  if (isDict) {
    for (const e of d.dict) {
      let item: string | null;
      switch (e.kind) {
        case 'string': item = `"${e.name}":"${jsonEscape(e.v)}"`; break;
        case 'int': item = `"${e.name}":${e.v}`; break;
        case 'u64': item = `"${e.name}":${u64Item(e.v)}`; break;
        case 'container': {
          const c = toJson(e.v, len, false);
          item = c.n !== 0 ? `"${e.name}":${c.s}` : null;
          break;
        }
      }
      if (item !== null) append(b, len, open, close, item);
    }
  } else {
    for (const v of d.array) {
      let item: string | null;
      if (v instanceof TelData) {
        const c = toJson(v, len, false);
        item = c.n !== 0 ? c.s : null;
      } else if (typeof v === 'string') item = `"${jsonEscape(v)}"`;
      else item = String(v);
      if (item !== null) append(b, len, open, close, item);
    }
  }
  return b;
}

export const MAX_OUTPUT_LEN = 16384;
export const MAX_CMD_LEN = 56;

/** output_json: `{"<cmd>":<value>}` limited to MAX_OUTPUT_LEN (the command is copied raw, at most 56 bytes). */
export function outputJson(cmd: Uint8Array, d: TelData): Buffer {
  const prefix = Buffer.concat([Buffer.from('{"'), Buffer.from(cmd.subarray(0, MAX_CMD_LEN)), Buffer.from('":')]);
  const bufLen = MAX_OUTPUT_LEN - prefix.length - 1;
  const body = toJson(d, bufLen, true);
  return Buffer.concat([prefix, Buffer.from(body.s), Buffer.from('}')]);
}

/** perform_command's error reply `{"<cmd>":null}`. */
export function nullReply(cmd: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from('{"'), Buffer.from(cmd.subarray(0, MAX_CMD_LEN)), Buffer.from('":null}')]);
}
