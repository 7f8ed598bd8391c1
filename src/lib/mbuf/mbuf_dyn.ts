// Dynamic mbuf fields and flags (rte_mbuf_dyn.h). The registry lives in memzone "rte_mbuf_dyn" so
// every lcore and secondary process sees the same offsets and bits. As in DPDK, a field takes free bytes
// of dynfield1 (offsets 92..127 of the mbuf) and a flag takes a free ol_flags bit (23..40); only the
// primary process registers new names, secondaries look them up (or re-register identical ones).

import {
  fail, memzoneLookup, memzoneReserve, processType, sharedWindow, spinLock, spinUnlock, TsdpdkError, type SharedWindow,
} from '../eal/index.js';
import { DYNFIELD1_SIZE, M_DYNFIELD1, MBUF_SIZE } from './mbuf_layout.js';
import { OLF } from './ol_flags.js';

export const MBUF_DYN_NAMESIZE = 64;
const MZ_NAME = 'rte_mbuf_dyn';
const MAX_FIELDS = 64;
const MAX_FLAGS = 64;

// Registry layout.
const R_LOCK = 0;
const R_MAGIC = 4;
const R_NFIELDS = 8;
const R_NFLAGS = 12;
const R_FREE_FLAGS_LO = 16;
const R_FREE_FLAGS_HI = 20;
const R_FREE_SPACE = 64; // u8[128]: per mbuf byte, 0 = taken, else the largest aligned size that fits there
const R_FIELDS = R_FREE_SPACE + MBUF_SIZE; // entries: name[64], size u32, align u32, flags u32, offset u32
const FIELD_SIZE = 80;
const R_FLAGS = R_FIELDS + MAX_FIELDS * FIELD_SIZE; // entries: name[64], flags u32, bitnum u32
const FLAG_SIZE = 72;
const R_SIZE = R_FLAGS + MAX_FLAGS * FLAG_SIZE;
const MAGIC = 0x4e59444d; // 'MDYN'

export interface MbufDynfield {
  name: string;
  /** Bytes to reserve. */
  size: number;
  /** Alignment (power of two). */
  align: number;
  /** Reserved, must be 0. */
  flags?: number;
}

export interface MbufDynflag {
  name: string;
  /** Reserved, must be 0. */
  flags?: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

let regWindow: SharedWindow | null = null;
let regOff = 0;

/** process_score: free_space[i] = the largest power-of-two aligned field that could start there. */
function processScore(w: SharedWindow, r: number): void {
  const fs = r + R_FREE_SPACE;
  for (let i = 0; i < MBUF_SIZE; i++) if (w.u8[fs + i]) w.u8[fs + i] = 1;
  let off = 0;
  while (off < MBUF_SIZE) {
    let size = 0;
    while (off + size < MBUF_SIZE && w.u8[fs + off + size]) size++;
    if (size === 0) {
      off++;
      continue;
    }
    let align = 1;
    while (off % (align << 1) === 0 && align << 1 <= size) align <<= 1;
    for (let i = off; i < off + align; i++) w.u8[fs + i] = Math.max(align, w.u8[fs + i]!);
    off += align;
  }
}

/** The registry (init_shared_mem); null in a secondary when the primary never made one. */
function registry(create: boolean): number | null {
  const w = sharedWindow();
  if (w === regWindow) return regOff;
  let z = memzoneLookup(MZ_NAME);
  if (z === null) {
    if (!create || processType() !== 'primary') return null;
    try {
      z = memzoneReserve(MZ_NAME, R_SIZE);
      const r = z.offset;
      w.u8.fill(0, r, r + R_SIZE);
      w.u8.fill(1, r + R_FREE_SPACE + M_DYNFIELD1, r + R_FREE_SPACE + M_DYNFIELD1 + DYNFIELD1_SIZE);
      // Free flags: bits 23 (RTE_MBUF_F_FIRST_FREE) .. 40 (LAST_FREE).
      w.u32[(r + R_FREE_FLAGS_LO) >>> 2] = 0xff800000; // bits 23..31
      w.u32[(r + R_FREE_FLAGS_HI) >>> 2] = 0x1ff; // bits 32..40
      processScore(w, r);
      Atomics.store(w.u32, (r + R_MAGIC) >>> 2, MAGIC);
    } catch (e) {
      if (!(e instanceof TsdpdkError) || e.code !== 'EEXIST') throw e;
      z = memzoneLookup(MZ_NAME)!;
    }
  }
  const deadline = Date.now() + 5000;
  while (Atomics.load(w.u32, (z.offset + R_MAGIC) >>> 2) !== MAGIC) {
    if (Date.now() > deadline) fail('ETIMEDOUT', `memzone ${MZ_NAME} was created but never initialised`);
  }
  regWindow = w;
  regOff = z.offset;
  return regOff;
}

function readName(w: SharedWindow, o: number): string {
  let e = o;
  while (e < o + MBUF_DYN_NAMESIZE && w.u8[e] !== 0) e++;
  return dec.decode(w.u8.slice(o, e));
}

function findField(w: SharedWindow, r: number, name: string): number {
  const n = w.u32[(r + R_NFIELDS) >>> 2]!;
  for (let i = 0; i < n; i++) {
    const e = r + R_FIELDS + i * FIELD_SIZE;
    if (readName(w, e) === name) return e;
  }
  return -1;
}

function findFlag(w: SharedWindow, r: number, name: string): number {
  const n = w.u32[(r + R_NFLAGS) >>> 2]!;
  for (let i = 0; i < n; i++) {
    const e = r + R_FLAGS + i * FLAG_SIZE;
    if (readName(w, e) === name) return e;
  }
  return -1;
}

function checkName(name: string, what: string): Uint8Array {
  const b = enc.encode(name);
  if (b.length === 0) fail('EINVAL', `${what}: empty name`);
  if (b.length >= MBUF_DYN_NAMESIZE) fail('ENAMETOOLONG', `${what}: name '${name}' is longer than ${MBUF_DYN_NAMESIZE - 1} bytes`);
  return b;
}

function withLock<T>(w: SharedWindow, r: number, fn: () => T): T {
  spinLock(w.i32, (r + R_LOCK) >>> 2);
  try {
    return fn();
  } finally {
    spinUnlock(w.i32, (r + R_LOCK) >>> 2);
  }
}

/**
 * rte_mbuf_dynfield_register_offset: reserves params.size bytes (aligned to params.align) in every mbuf;
 * returns the offset from the start of the mbuf (inside dynfield1, 92..127). req = -1 picks the place
 * like DPDK (the smallest free zone that fits, keeping big zones for big fields). The same name with the
 * same parameters returns the same offset. Throws EINVAL (bad size/align/flags), EEXIST (name taken with
 * other parameters or offset), EBUSY (req not free), ENOENT (no room), EPERM (new name in a secondary).
 */
export function dynfieldRegisterOffset(params: MbufDynfield, req = -1): number {
  const what = `mbuf_dynfield_register '${params.name}'`;
  const nb = checkName(params.name, what);
  const flags = params.flags ?? 0;
  if (!Number.isInteger(params.size) || params.size <= 0 || params.size >= MBUF_SIZE) fail('EINVAL', `${what}: invalid size ${params.size}`);
  if (!Number.isInteger(params.align) || params.align <= 0 || (params.align & (params.align - 1)) !== 0) fail('EINVAL', `${what}: alignment ${params.align} is not a power of two`);
  if (flags !== 0) fail('EINVAL', `${what}: flags must be 0 (got ${flags})`);
  const r = registry(true);
  if (r === null) fail('EPERM', `${what}: no dynamic field registry (the primary process has registered none)`);
  const w = sharedWindow();
  return withLock(w, r, () => {
    const e = findField(w, r, params.name);
    if (e >= 0) {
      const off = w.u32[(e + 76) >>> 2]!;
      if (req !== -1 && req !== off) fail('EEXIST', `${what}: already registered at offset ${off}, not ${req}`);
      if (w.u32[(e + 64) >>> 2] !== params.size || w.u32[(e + 68) >>> 2] !== params.align || w.u32[(e + 72) >>> 2] !== flags) {
        fail('EEXIST', `${what}: already registered with size ${w.u32[(e + 64) >>> 2]} align ${w.u32[(e + 68) >>> 2]}`);
      }
      return off;
    }
    if (processType() !== 'primary') fail('EPERM', `${what}: only the primary process registers new dynamic fields`);
    const fs = r + R_FREE_SPACE;
    const fits = (off: number): boolean => {
      if (off % params.align !== 0 || off + params.size > MBUF_SIZE) return false;
      for (let i = 0; i < params.size; i++) if (!w.u8[fs + off + i]) return false;
      return true;
    };
    let offset = -1;
    if (req === -1) {
      let best = Infinity;
      for (let off = 0; off < MBUF_SIZE; off++) {
        if (fits(off) && w.u8[fs + off]! < best) {
          best = w.u8[fs + off]!;
          offset = off;
        }
      }
      if (offset < 0) fail('ENOENT', `${what}: no free room for ${params.size} bytes aligned to ${params.align}`);
    } else {
      if (!fits(req)) fail('EBUSY', `${what}: offset ${req} is not free for ${params.size} bytes aligned to ${params.align}`);
      offset = req;
    }
    const n = w.u32[(r + R_NFIELDS) >>> 2]!;
    if (n >= MAX_FIELDS) fail('ENOSPC', `${what}: ${MAX_FIELDS} dynamic fields already registered`);
    const slot = r + R_FIELDS + n * FIELD_SIZE;
    w.u8.fill(0, slot, slot + FIELD_SIZE);
    w.u8.set(nb, slot);
    w.u32[(slot + 64) >>> 2] = params.size;
    w.u32[(slot + 68) >>> 2] = params.align;
    w.u32[(slot + 72) >>> 2] = flags;
    w.u32[(slot + 76) >>> 2] = offset;
    w.u32[(r + R_NFIELDS) >>> 2] = n + 1;
    w.u8.fill(0, fs + offset, fs + offset + params.size);
    processScore(w, r);
    return offset;
  });
}

/** rte_mbuf_dynfield_register */
export function dynfieldRegister(params: MbufDynfield): number {
  return dynfieldRegisterOffset(params, -1);
}

/** rte_mbuf_dynfield_lookup: the offset, or -1 when no field has this name. */
export function dynfieldLookup(name: string): number {
  const r = registry(false);
  if (r === null) return -1;
  const w = sharedWindow();
  return withLock(w, r, () => {
    const e = findField(w, r, name);
    return e < 0 ? -1 : w.u32[(e + 76) >>> 2]!;
  });
}

/**
 * rte_mbuf_dynflag_register_bitnum: an ol_flags bit for `params.name`; req = -1 takes the lowest free
 * bit of 23..40. Same errors as dynfieldRegisterOffset.
 */
export function dynflagRegisterBitnum(params: MbufDynflag, req = -1): number {
  const what = `mbuf_dynflag_register '${params.name}'`;
  const nb = checkName(params.name, what);
  const flags = params.flags ?? 0;
  if (flags !== 0) fail('EINVAL', `${what}: flags must be 0 (got ${flags})`);
  if (req !== -1 && (!Number.isInteger(req) || req < 0 || req >= 64)) fail('EINVAL', `${what}: bit ${req} is not 0..63`);
  const r = registry(true);
  if (r === null) fail('EPERM', `${what}: no dynamic flag registry (the primary process has registered none)`);
  const w = sharedWindow();
  return withLock(w, r, () => {
    const e = findFlag(w, r, params.name);
    if (e >= 0) {
      const bit = w.u32[(e + 68) >>> 2]!;
      if (req !== -1 && req !== bit) fail('EEXIST', `${what}: already registered as bit ${bit}, not ${req}`);
      if (w.u32[(e + 64) >>> 2] !== flags) fail('EEXIST', `${what}: already registered with other flags`);
      return bit;
    }
    if (processType() !== 'primary') fail('EPERM', `${what}: only the primary process registers new dynamic flags`);
    const lo = w.u32[(r + R_FREE_FLAGS_LO) >>> 2]!;
    const hi = w.u32[(r + R_FREE_FLAGS_HI) >>> 2]!;
    const isFree = (b: number): boolean => (b < 32 ? (lo >>> b) & 1 : (hi >>> (b - 32)) & 1) === 1;
    let bit = -1;
    if (req === -1) {
      for (let b = 0; b < 64 && bit < 0; b++) if (isFree(b)) bit = b;
      if (bit < 0) fail('ENOENT', `${what}: no free ol_flags bit (${OLF.FIRST_FREE}..${OLF.LAST_FREE} are all taken)`);
    } else {
      if (!isFree(req)) fail('EBUSY', `${what}: bit ${req} is not free`);
      bit = req;
    }
    const n = w.u32[(r + R_NFLAGS) >>> 2]!;
    if (n >= MAX_FLAGS) fail('ENOSPC', `${what}: ${MAX_FLAGS} dynamic flags already registered`);
    const slot = r + R_FLAGS + n * FLAG_SIZE;
    w.u8.fill(0, slot, slot + FLAG_SIZE);
    w.u8.set(nb, slot);
    w.u32[(slot + 64) >>> 2] = flags;
    w.u32[(slot + 68) >>> 2] = bit;
    w.u32[(r + R_NFLAGS) >>> 2] = n + 1;
    if (bit < 32) w.u32[(r + R_FREE_FLAGS_LO) >>> 2] = lo & ~(1 << bit);
    else w.u32[(r + R_FREE_FLAGS_HI) >>> 2] = hi & ~(1 << (bit - 32));
    return bit;
  });
}

/** rte_mbuf_dynflag_register */
export function dynflagRegister(params: MbufDynflag): number {
  return dynflagRegisterBitnum(params, -1);
}

/** rte_mbuf_dynflag_lookup: the bit number, or -1. */
export function dynflagLookup(name: string): number {
  const r = registry(false);
  if (r === null) return -1;
  const w = sharedWindow();
  return withLock(w, r, () => {
    const e = findFlag(w, r, name);
    return e < 0 ? -1 : w.u32[(e + 68) >>> 2]!;
  });
}

/** rte_mbuf_dyn_dump */
export function mbufDynDump(): string {
  const r = registry(false);
  const lines = ['Reserved fields:'];
  const w = sharedWindow();
  if (r !== null) {
    withLock(w, r, () => {
      for (let i = 0; i < w.u32[(r + R_NFIELDS) >>> 2]!; i++) {
        const e = r + R_FIELDS + i * FIELD_SIZE;
        lines.push(`  name=${readName(w, e)} offset=${w.u32[(e + 76) >>> 2]} size=${w.u32[(e + 64) >>> 2]} align=${w.u32[(e + 68) >>> 2]} flags=${w.u32[(e + 72) >>> 2]!.toString(16)}`);
      }
      lines.push('Reserved flags:');
      for (let i = 0; i < w.u32[(r + R_NFLAGS) >>> 2]!; i++) {
        const e = r + R_FLAGS + i * FLAG_SIZE;
        lines.push(`  name=${readName(w, e)} bitnum=${w.u32[(e + 68) >>> 2]} flags=${w.u32[(e + 64) >>> 2]!.toString(16)}`);
      }
      const fs = r + R_FREE_SPACE;
      lines.push('Free space in mbuf (0 = occupied, value = free zone alignment):');
      for (let i = 0; i < MBUF_SIZE; i += 16) {
        lines.push(`  ${i.toString(16).padStart(4, '0')}: ${Array.from(w.u8.subarray(fs + i, fs + i + 16), (b) => b.toString(16).padStart(2, '0')).join(' ')}`);
      }
      lines.push('Free bit in mbuf->ol_flags (0 = occupied, 1 = free):');
      const lo = w.u32[(r + R_FREE_FLAGS_LO) >>> 2]!;
      const hi = w.u32[(r + R_FREE_FLAGS_HI) >>> 2]!;
      for (let b = 0; b < 64; b += 16) {
        const bits = [];
        for (let k = b; k < b + 16; k++) bits.push(k < 32 ? (lo >>> k) & 1 : (hi >>> (k - 32)) & 1);
        lines.push(`  ${b.toString(16).padStart(4, '0')}: ${bits.join(' ')}`);
      }
    });
  } else {
    lines.push('Reserved flags:');
  }
  return lines.join('\n') + '\n';
}
