// EAL command-line parsing with DPDK 22.11 semantics (lib/eal/common/eal_common_options.c,
// lib/eal/linux/eal.c). Written from DPDK's documented/observed behaviour; no DPDK code copied.
//
// How rte_eal_init reads argv (Linux, glibc):
// * It runs getopt_long twice over the same argv. Pass 1 (eal_log_level_parse) only acts on
//   --log-level and stops at the first getopt error or invalid log level. Then the arguments are
//   saved for telemetry (/eal/params = argv[0] + everything before the first "--",
//   /eal/app_params = everything after it). Pass 2 (eal_parse_args) handles all other options.
// * glibc getopt PERMUTES: non-option words among the EAL options are moved behind them, and
//   scanning ends at "--" (consumed) or at the end of argv. So `app -l 0 foo --no-huge -- bar`
//   is accepted and the application receives `foo bar`. With POSIXLY_CORRECT set, scanning stops
//   at the first non-option instead. rte_eal_init returns optind-1 (the count of consumed words
//   after argv[0]) and the app continues from argv[ret] (which EAL overwrites with argv[0]).
//   Verified with a probe linked against Debian's DPDK 22.11.11 (permutation, the telemetry view,
//   the return value).
// * getopt's state survives between the passes: if pass 1 stops on an invalid short option in
//   the middle of a cluster, pass 2 resumes after it, so DPDK accepts e.g. `-vxl0` (prints
//   "invalid option -- 'x'" once and uses -l0). Reproduced here; verified with the probe.
// * An invalid --log-level does NOT fail rte_eal_init: DPDK prints the problem and stops
//   applying further --log-level options (verified with dpdk-testpmd). We return such messages
//   as diagnostics instead of throwing.
// * Availability of CPUs ("lcore 2 unavailable") depends on the machine; it is checked only when
//   the caller passes `env.detectedCpus`.
// Other behaviours verified against Debian's dpdk-testpmd/probe are marked "(verified)".

import { TsdpdkError, fail } from './errors.js';
import { bregexToRegExp, fnmatch, logLevelName, RTE_LOG_MAX, LogLevel } from './log.js';

export const RTE_MAX_LCORE = 128;          // Debian's build (rte_build_config.h)
export const RTE_MAX_NUMA_NODES = 32;      // Debian's build
const CPU_SETSIZE = 1024;
const SOCKET_MEM_STRLEN = RTE_MAX_NUMA_NODES * 10;
const RTE_VECT_SIMD_DISABLED = 64;
const RTE_VECT_SIMD_MAX = 32768;           // INT16_MAX + 1: what "0 = no limit" stores
const RTE_PGSIZE_16M = 1n << 24n;

// rte_eal_init failure: DPDK's apps call rte_exit(EXIT_FAILURE, "Cannot init EAL: ...")
// (testpmd: "EAL: Error - exiting with code: 1 / Cause: Cannot init EAL: Invalid argument"), so
// the process exits with status 1 (verified with dpdk-testpmd). -h and --log-level help exit 0.
export const EAL_INIT_FAILURE_EXIT = 1;

export type LogLevelSetting =
  | { kind: 'global'; level: number }
  | { kind: 'glob'; pattern: string; level: number }
  | { kind: 'regex'; pattern: string; level: number };

export interface EalOptions {
  /** lcore id -> cpu set, in lcore-index order (rte_lcore_index); null = no -c/-l/--lcores. */
  lcores: Map<number, number[]> | null;
  lcoreOption: '-c' | '-l' | '--lcores' | null;
  /** --main-lcore, else the lowest enabled lcore when known; null when it cannot be known. */
  mainLcore: number | null;
  /** -s / -S, ascending; the default main lcore is taken out like EAL does (verified). */
  serviceCores: number[];
  /** -m, MB, as atoi() reads it (no size suffixes in 22.11: "1G" is 1). */
  memoryMb: number | null;
  socketMem: number[] | null;              // --socket-mem, MB per socket
  socketLimit: number[] | null;            // --socket-limit, MB per socket (0 = no limit)
  memoryChannels: number | null;
  memoryRanks: number | null;
  noHuge: boolean;
  inMemory: boolean;
  noShconf: boolean;
  hugeDir: string | null;
  hugeUnlink: 'existing' | 'always' | 'never';
  legacyMem: boolean;
  singleFileSegments: boolean;
  matchAllocations: boolean;
  filePrefix: string;
  procType: 'primary' | 'secondary' | 'auto';
  iovaMode: 'pa' | 'va' | null;
  /** Rounded up to 16 MB like DPDK stores it. */
  baseVirtaddr: bigint | null;
  vdevs: string[];
  allow: string[];
  block: string[];
  noPci: boolean;
  drivers: string[];
  logLevels: LogLevelSetting[];
  /** `--log-level help` was seen in pass 1: print logLevelHelp() and exit 0. */
  logLevelHelp: boolean;
  syslogFacility: string | null;
  telemetry: boolean;
  mbufPoolOpsName: string | null;
  /** Effective value: 0 on the command line is stored as 32768 (no limit), like DPDK. */
  forceMaxSimdBitwidth: number | null;
  help: boolean;
  version: boolean;
}

/** A message DPDK prints while parsing without failing. level 0 = plain stderr line (fprintf);
 *  otherwise an RTE_LOG on lib.eal: print with logf(level, RTE_LOGTYPE_EAL, 'EAL', message). */
export interface EalDiagnostic {
  level: number;
  message: string;
}

export interface ParsedEalArgs {
  options: EalOptions;
  /** argv[0] + EAL args before "--" after permutation: telemetry /eal/params. */
  ealArgs: string[];
  /** What the application parses (argv after rte_eal_init's return, without argv[0]):
   *  everything after "--", plus any non-option words getopt moved there. */
  appArgs: string[];
  /** Telemetry /eal/app_params: everything after the first "--". */
  appParams: string[];
  /** rte_eal_init's return value (optind - 1). */
  consumed: number;
  diagnostics: EalDiagnostic[];
}

export interface EalParseEnv {
  /** CPUs present (eal_cpu_detected). Omit to skip availability checks and auto-detection. */
  detectedCpus?: readonly number[];
  /** CPU affinity of the process: the default lcore set. Defaults to detectedCpus. */
  affinityCpus?: readonly number[];
  /** getopt stops at the first non-option. Default: POSIXLY_CORRECT is in the environment. */
  posixlyCorrect?: boolean;
}

// ---- C library number parsing ---------------------------------------------------------------

const isSpace = (c: string | undefined): boolean => c !== undefined && c.length === 1 && ' \t\n\v\f\r'.includes(c);
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9' && c.length === 1;
const isXDigit = (c: string | undefined): boolean => c !== undefined && c.length === 1 && /[0-9a-fA-F]/.test(c);
const U64_MAX = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;

interface CNum { value: bigint; end: number; erange: boolean }

// strtoul/strtoull (64-bit): whitespace, sign (negation wraps), base 0/10/16 prefixes.
// No digits -> value 0 and end = start, as in C.
function strtoul(s: string, start: number, base: 0 | 10 | 16): CNum {
  let i = start;
  while (isSpace(s[i])) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') { neg = s[i] === '-'; i++; }
  let b: number = base;
  const hexPrefix = (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && isXDigit(s[i + 2]));
  if ((b === 0 || b === 16) && hexPrefix) { b = 16; i += 2; }
  else if (b === 0) b = s[i] === '0' ? 8 : 10;
  let mag = 0n;
  let any = false;
  let over = false;
  for (;; i++) {
    const c = s[i];
    if (c === undefined) break;
    const d = isDigit(c) ? c.charCodeAt(0) - 48 : /[a-zA-Z]/.test(c) ? (c.toLowerCase().charCodeAt(0) - 87) : 99;
    if (d >= b) break;
    any = true;
    mag = mag * BigInt(b) + BigInt(d);
    if (mag > U64_MAX) over = true;
  }
  if (!any) return { value: 0n, end: start, erange: false };
  if (over) return { value: U64_MAX, end: i, erange: true };
  return { value: neg ? BigInt.asUintN(64, -mag) : mag, end: i, erange: false };
}

// strtol (64-bit long): like strtoul but clamps to the signed range.
function strtol(s: string, start: number, base: 0 | 10 | 16): CNum {
  let i = start;
  while (isSpace(s[i])) i++;
  const neg = s[i] === '-';
  const u = strtoul(s, start, base);
  if (u.end === start) return u;
  // Recompute the magnitude from the unsigned result.
  let mag = neg ? BigInt.asUintN(64, -u.value) : u.value;
  if (u.erange) mag = U64_MAX;
  if (!neg && (u.erange || mag > I64_MAX)) return { value: I64_MAX, end: u.end, erange: true };
  if (neg && (u.erange || mag > I64_MAX + 1n)) return { value: -I64_MAX - 1n, end: u.end, erange: true };
  return { value: neg ? -mag : mag, end: u.end, erange: false };
}

// atoi: (int)strtol(s, NULL, 10), never an error.
function atoi(s: string): number {
  return Number(BigInt.asIntN(32, strtol(s, 0, 10).value));
}

// ---- getopt_long (glibc semantics) ----------------------------------------------------------

interface LongOpt { name: string; hasArg: 0 | 1 | 2; key: string }

const SHORT_OPTS = 'a:b:c:s:d:hl:S:m:n:r:v';

// DPDK 22.11 eal_long_options, in its table order (the order of "ambiguous" listings).
const LONG_OPTS: LongOpt[] = ([
  ['base-virtaddr', 1], ['create-uio-dev', 0], ['file-prefix', 1], ['help', 0, 'h'],
  ['huge-dir', 1], ['huge-unlink', 2], ['iova-mode', 1], ['lcores', 1], ['log-level', 1],
  ['trace', 1], ['trace-dir', 1], ['trace-bufsz', 1], ['trace-mode', 1], ['main-lcore', 1],
  ['mbuf-pool-ops-name', 1], ['no-hpet', 0], ['no-huge', 0], ['no-pci', 0], ['no-shconf', 0],
  ['in-memory', 0], ['block', 1, 'b'], ['allow', 1, 'a'], ['proc-type', 1], ['socket-mem', 1],
  ['socket-limit', 1], ['syslog', 1], ['vdev', 1], ['vfio-intr', 1], ['vfio-vf-token', 1],
  ['vmware-tsc-map', 0], ['legacy-mem', 0], ['single-file-segments', 0], ['match-allocations', 0],
  ['telemetry', 0], ['no-telemetry', 0], ['force-max-simd-bitwidth', 1], ['huge-worker-stack', 2],
] as [string, 0 | 1 | 2, string?][]).map(([name, hasArg, short]) => ({ name, hasArg, key: short ?? `--${name}` }));

type OptEvent = { key: string; arg: string | null } | { error: string };

class Getopt {
  optind = 1;
  private nextchar = '';          // rest of the current short-option cluster ('' = none)
  private firstNonopt = 1;
  private lastNonopt = 1;

  constructor(private readonly argv: string[], private readonly requireOrder: boolean) {}

  /** What DPDK does between its passes: optind = 1 (glibc keeps nextchar). */
  restart(): void { this.optind = 1; }

  private isNonoption(i: number): boolean {
    const a = this.argv[i];
    return a[0] !== '-' || a.length === 1;
  }

  // Move the skipped non-options [firstNonopt, lastNonopt) behind the options [lastNonopt, optind).
  private exchange(): void {
    const { argv, firstNonopt: f, lastNonopt: l, optind: o } = this;
    const moved = [...argv.slice(l, o), ...argv.slice(f, l)];
    argv.splice(f, o - f, ...moved);
    this.firstNonopt += o - l;
    this.lastNonopt = o;
  }

  /** Next option, or null at the end (optind then points at the first app argument). */
  next(): OptEvent | null {
    const argv = this.argv;
    const argc = argv.length;
    if (this.nextchar === '') {
      if (this.lastNonopt > this.optind) this.lastNonopt = this.optind;
      if (this.firstNonopt > this.optind) this.firstNonopt = this.optind;
      if (!this.requireOrder) {
        if (this.firstNonopt !== this.lastNonopt && this.lastNonopt !== this.optind) this.exchange();
        else if (this.lastNonopt !== this.optind) this.firstNonopt = this.optind;
        while (this.optind < argc && this.isNonoption(this.optind)) this.optind++;
        this.lastNonopt = this.optind;
      }
      if (this.optind !== argc && argv[this.optind] === '--') {
        this.optind++;
        if (this.firstNonopt !== this.lastNonopt && this.lastNonopt !== this.optind) this.exchange();
        else if (this.firstNonopt === this.lastNonopt) this.firstNonopt = this.optind;
        this.lastNonopt = argc;
        this.optind = argc;
      }
      if (this.optind === argc) {
        if (this.firstNonopt !== this.lastNonopt) this.optind = this.firstNonopt;
        return null;
      }
      if (this.isNonoption(this.optind)) return null;   // only reachable in require-order mode
      if (argv[this.optind][1] === '-') return this.longOption(argv[this.optind].slice(2));
      this.nextchar = argv[this.optind].slice(1);
    }
    const c = this.nextchar[0];
    this.nextchar = this.nextchar.slice(1);
    if (this.nextchar === '') this.optind++;
    const at = c === ':' ? -1 : SHORT_OPTS.indexOf(c);
    if (at < 0) return { error: `invalid option -- '${c}'` };
    if (SHORT_OPTS[at + 1] !== ':') return { key: c, arg: null };
    let arg: string | null = null;
    if (this.nextchar !== '') { arg = this.nextchar; this.optind++; }
    else if (this.optind === argc) { this.nextchar = ''; return { error: `option requires an argument -- '${c}'` }; }
    else arg = argv[this.optind++];
    this.nextchar = '';
    return { key: c, arg };
  }

  private longOption(text: string): OptEvent {
    const eq = text.indexOf('=');
    const name = eq < 0 ? text : text.slice(0, eq);
    let found = LONG_OPTS.find((o) => o.name === name);
    if (!found) {
      const candidates = LONG_OPTS.filter((o) => o.name.startsWith(name));
      if (candidates.length > 1) {
        this.optind++;
        return { error: `option '--${text}' is ambiguous; possibilities:${candidates.map((o) => ` '--${o.name}'`).join('')}` };
      }
      found = candidates[0];
    }
    if (!found) {
      this.optind++;
      return { error: `unrecognized option '--${text}'` };
    }
    this.optind++;
    if (eq >= 0) {
      if (found.hasArg === 0) return { error: `option '--${found.name}' doesn't allow an argument` };
      return { key: found.key, arg: text.slice(eq + 1) };
    }
    if (found.hasArg === 1) {
      if (this.optind < this.argv.length) return { key: found.key, arg: this.argv[this.optind++] };
      return { error: `option '--${found.name}' requires an argument` };
    }
    return { key: found.key, arg: null };
  }
}

// ---- lcore syntaxes -------------------------------------------------------------------------

const einval = (message: string): TsdpdkError => new TsdpdkError('EINVAL', message);

/** "0-3,6" style text for a cpu list (available_cores() formatting). */
export function formatCpuList(cpus: readonly number[]): string {
  const s = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    parts.push(j > i ? `${s[i]}-${s[j]}` : `${s[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}

// check_core_list: every lcore id must be < RTE_MAX_LCORE.
function checkCoreList(what: string, value: string, lcores: number[]): void {
  const big = lcores.find((l) => l >= RTE_MAX_LCORE);
  if (big === undefined) return;
  const hint = lcores.map((cpu, i) => `${i}@${cpu}`).join(',');
  throw einval(`invalid ${what} '${value}': lcore ${big} >= RTE_MAX_LCORE (${RTE_MAX_LCORE}); ` +
    `to use high physical core ids, map them with --lcores, e.g. --lcores ${hint}`);
}

/** -c: hex mask (optional 0x/0X, surrounding blanks) -> lcores in index order. */
export function parseCoremask(mask: string): number[] {
  let s = mask;
  let a = 0;
  while (isBlank(s[a])) a++;
  if (s[a] === '0' && (s[a + 1] === 'x' || s[a + 1] === 'X')) a += 2;
  let z = s.length;
  while (z > a && isBlank(s[z - 1])) z--;
  s = s.slice(a, z);
  if (s.length === 0) throw einval(`invalid coremask '${mask}': no lcores in coremask`);
  const lcores: number[] = [];
  let idx = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    if (!isXDigit(s[i])) throw einval(`invalid coremask '${mask}': invalid characters in coremask`);
    const val = parseInt(s[i], 16);
    for (let j = 0; j < 4; j++, idx++) {
      if (val & (1 << j)) {
        if (lcores.length >= RTE_MAX_LCORE) {
          throw einval(`invalid coremask '${mask}': too many lcores provided, cannot exceed RTE_MAX_LCORE (${RTE_MAX_LCORE})`);
        }
        lcores.push(idx);
      }
    }
  }
  if (lcores.length === 0) throw einval(`invalid coremask '${mask}': no lcores in coremask`);
  checkCoreList('coremask', mask, lcores);
  return lcores;
}

/** -l: "a[-b][,c[-d]...]" -> lcores in index (first appearance) order. */
export function parseCorelist(list: string): number[] {
  const bad = (): TsdpdkError => einval(`invalid core list '${list}': invalid core list syntax`);
  const lcores: number[] = [];
  let p = 0;
  while (isBlank(list[p])) p++;
  let min = -1;
  let end: number;
  do {
    while (isBlank(list[p])) p++;
    if (p >= list.length) throw bad();
    const r = strtol(list, p, 10);
    if (r.erange) throw bad();
    const idx = Number(BigInt.asIntN(32, r.value));   // stored in an int, as in DPDK
    if (idx < 0) throw bad();
    end = r.end;
    while (isBlank(list[end])) end++;
    if (list[end] === '-') {
      min = idx;
    } else if (list[end] === ',' || end >= list.length) {
      if (min === -1) min = idx;
      for (let i = min; i <= idx; i++) {
        if (lcores.includes(i)) continue;
        if (lcores.length >= RTE_MAX_LCORE) {
          throw einval(`invalid core list '${list}': too many lcores provided, cannot exceed RTE_MAX_LCORE (${RTE_MAX_LCORE})`);
        }
        lcores.push(i);
      }
      min = -1;
    } else {
      throw bad();
    }
    p = end + 1;
  } while (end < list.length);
  if (lcores.length === 0) throw bad();
  checkCoreList('core list', list, lcores);
  return lcores;
}

// eal_parse_set: a number, a range "a-b" or a group "(a,b-c)"; returns the set and the offset
// just past it (group: past ')' and trailing blanks), or null when invalid.
function parseCpuSet(s: string, start: number): { set: Set<number>; end: number } | null {
  const set = new Set<number>();
  const addRange = (a: number, b: number): void => { for (let i = Math.min(a, b); i <= Math.max(a, b); i++) set.add(i); };
  const num = (at: number): { v: number; end: number } | null => {
    const r = strtoul(s, at, 10);
    const v = Number(BigInt.asUintN(32, r.value));   // stored in an unsigned int
    if (r.erange || v >= CPU_SETSIZE) return null;
    return { v, end: r.end };
  };
  let p = start;
  while (isBlank(s[p])) p++;
  if (p >= s.length || (!isDigit(s[p]) && s[p] !== '(')) return null;
  if (s[p] !== '(') {
    const first = num(p);
    if (!first) return null;
    let end = first.end;
    while (isBlank(s[end])) end++;
    let max = first.v;
    if (s[end] === '-') {
      end++;
      while (isBlank(s[end])) end++;
      if (!isDigit(s[end])) return null;
      const second = num(end);
      if (!second) return null;
      max = second.v;
      end = second.end;
      while (isBlank(s[end])) end++;
      if (s[end] !== ',' && end < s.length) return null;   // so "1-3@0" is invalid (verified)
    }
    if (s[end] !== ',' && s[end] !== '@' && end < s.length) return null;
    addRange(first.v, max);
    return { set, end };
  }
  p++;
  while (isBlank(s[p])) p++;
  if (p >= s.length) return null;
  // DPDK uses RTE_MAX_LCORE as the "no range start" sentinel; kept for identical results.
  let min = RTE_MAX_LCORE;
  let end: number;
  do {
    while (isBlank(s[p])) p++;
    if (!isDigit(s[p])) return null;
    const n = num(p);
    if (!n) return null;
    end = n.end;
    while (isBlank(s[end])) end++;
    if (s[end] === '-') {
      if (min !== RTE_MAX_LCORE) return null;
      min = n.v;
    } else if (s[end] === ',' || s[end] === ')') {
      if (min === RTE_MAX_LCORE) min = n.v;
      addRange(min, n.v);
      min = RTE_MAX_LCORE;
    } else {
      return null;
    }
    p = end + 1;
  } while (end < s.length && s[end] !== ')');
  while (isBlank(s[p])) p++;
  return { set, end: p };
}

/**
 * --lcores '<lcores[@cpus]>[,...]' (eal_parse_lcores): every lcore of a group gets the whole cpu
 * set; without '@' a range "a-b" maps each lcore to its own cpu and a group "(..)" gives each lcore
 * the group as cpu set. An lcore listed twice keeps its first index and takes the later cpu set
 * (DPDK accepts "1@0,1@1"; verified). Returns lcore -> sorted cpus, in lcore-index order.
 */
export function parseLcoresMap(text: string, detected?: ReadonlySet<number>): Map<number, number[]> {
  const bad = (detail?: string): TsdpdkError =>
    einval(`invalid parameter for --lcores '${text}'${detail ? `: ${detail}` : ''}`);
  const map = new Map<number, number[]>();
  let p = 0;
  while (isBlank(text[p])) p++;
  let end: number;
  do {
    while (isBlank(text[p])) p++;
    if (p >= text.length) throw bad();
    const lcoreStart = p;
    let q = p;
    if (text[q] === '(') {
      while (q < text.length && text[q] !== ')') q++;
      if (q >= text.length) throw bad();
      q++;
    }
    while (q < text.length && text[q] !== '@' && text[q] !== ',') q++;
    let cpuset: Set<number> | null = null;
    let perLcore = false;
    if (text[q] === '@') {
      const r = parseCpuSet(text, q + 1);
      if (!r) throw bad();
      cpuset = r.set;
      end = r.end;
    } else {
      end = q;
      // "a-b" without '@' and without a group: each lcore runs on its own cpu.
      let off = lcoreStart;
      while (off < text.length && text[off] !== '(' && text[off] !== '-') off++;
      if (off < end && text[off] !== '(') perLcore = true;
    }
    if (text[end] !== ',' && end < text.length) throw bad();
    const lset = parseCpuSet(text, lcoreStart);
    if (!lset) throw bad();
    const lcores = [...lset.set].sort((a, b) => a - b);
    if (lcores.some((l) => l >= RTE_MAX_LCORE)) throw bad(`lcore ids must be < RTE_MAX_LCORE (${RTE_MAX_LCORE})`);
    for (const l of lcores) {
      const cpus = perLcore ? [l] : [...(cpuset ?? lset.set)].sort((a, b) => a - b);
      if (detected) {
        const missing = cpus.find((c) => !detected.has(c));
        if (missing !== undefined) throw bad(`core ${missing} unavailable`);
      }
      map.set(l, cpus);
    }
    p = end + 1;
  } while (end < text.length);
  if (map.size === 0) throw bad();
  return map;
}

// ---- --log-level ----------------------------------------------------------------------------

// eal_parse_log_priority: a prefix of a level name (first match in 1..8), else strtoul base 0;
// returns the int the C function returns (values >= 2^31 come back negative).
function parseLogPriority(text: string): number {
  if (text.length === 0) return -1;
  for (let l = 1; l <= RTE_LOG_MAX; l++) if (logLevelName(l).startsWith(text)) return l;
  const r = strtoul(text, 0, 0);
  if (r.erange || r.end !== text.length || r.end === 0 || r.value >= 0xffffffffn) return -1;
  return Number(BigInt.asIntN(32, r.value));
}

interface LogLevelParse { setting: LogLevelSetting; clampedFrom: number | null }
// A rejected value: `message` for the thrown error, `line` = what DPDK prints (fprintf to stderr).
interface LogLevelReject { message: string; line: string }

/** One --log-level value: "help" | level | glob:level | regex,level (a ',' makes it a regex,
 *  checked before ':'). Throws EINVAL where DPDK rejects the value; levels > 8 are clamped. */
export function parseLogLevelOption(arg: string): LogLevelSetting | 'help' {
  const r = parseLogLevelInternal(arg);
  if (r === 'help') return r;
  if ('line' in r) throw einval(r.message);
  return r.setting;
}

function parseLogLevelInternal(arg: string): LogLevelParse | LogLevelReject | 'help' {
  if (arg === 'help') return 'help';
  let kind: 'global' | 'glob' | 'regex' = 'global';
  let pattern = '';
  let levelText = arg;
  const comma = arg.indexOf(',');
  const colon = arg.indexOf(':');
  if (comma >= 0) { kind = 'regex'; pattern = arg.slice(0, comma); levelText = arg.slice(comma + 1); }
  else if (colon >= 0) { kind = 'glob'; pattern = arg.slice(0, colon); levelText = arg.slice(colon + 1); }
  let level = parseLogPriority(levelText);
  if (level <= 0) {
    return { message: `invalid log level '${levelText}' in --log-level '${arg}'`, line: `Invalid log level: ${levelText}` };
  }
  let clampedFrom: number | null = null;
  if (level > RTE_LOG_MAX) { clampedFrom = level; level = RTE_LOG_MAX; }
  if (kind === 'regex') {
    try {
      bregexToRegExp(pattern);
    } catch {
      return {
        message: `invalid regular expression '${pattern}' in --log-level '${arg}'`,
        line: `cannot set log level ${pattern},${level}`,
      };
    }
    return { setting: { kind, pattern, level }, clampedFrom };
  }
  if (kind === 'glob') return { setting: { kind, pattern, level }, clampedFrom };
  return { setting: { kind, level }, clampedFrom };
}

// ---- option state ---------------------------------------------------------------------------

const SYSLOG_FACILITIES = ['auth', 'cron', 'daemon', 'ftp', 'kern', 'lpr', 'mail', 'news', 'syslog',
  'user', 'uucp', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'];

function defaultOptions(): EalOptions {
  return {
    lcores: null, lcoreOption: null, mainLcore: null, serviceCores: [], memoryMb: null,
    socketMem: null, socketLimit: null, memoryChannels: null, memoryRanks: null, noHuge: false,
    inMemory: false, noShconf: false, hugeDir: null, hugeUnlink: 'existing', legacyMem: false,
    singleFileSegments: false, matchAllocations: false, filePrefix: 'rte', procType: 'primary',
    iovaMode: null, baseVirtaddr: null, vdevs: [], allow: [], block: [], noPci: false, drivers: [],
    logLevels: [], logLevelHelp: false, syslogFacility: null, telemetry: true, mbufPoolOpsName: null,
    forceMaxSimdBitwidth: null, help: false, version: false,
  };
}

class EalParser {
  readonly o = defaultOptions();
  readonly diags: EalDiagnostic[] = [];
  private mainParsed = false;
  private readonly service = new Set<number>();
  private memParsed = false;
  private socketMem: number[] | null = null;
  private socketLimit: number[] | null = null;
  private unlinkBeforeMapping = false;
  private unlinkExisting = true;
  private hugeWorkerStack = false;
  private procTypeText: string | null = null;
  private filePrefixSet = false;
  private simdForced = false;
  private legacyFromNoHuge = false;
  private readonly detected: ReadonlySet<number> | undefined;

  constructor(private readonly env: EalParseEnv) {
    this.detected = env.detectedCpus ? new Set(env.detectedCpus) : undefined;
  }

  private warn(message: string): void { this.diags.push({ level: LogLevel.WARNING, message }); }

  // update_lcore_config: every lcore must be a detected cpu (only checkable with env).
  private setCoreList(opt: '-c' | '-l', value: string, lcores: number[]): void {
    const what = opt === '-c' ? 'coremask' : 'core list';
    if (this.detected) {
      const missing = lcores.filter((l) => !this.detected!.has(l));
      if (missing.length > 0) {
        throw einval(`invalid ${what} '${value}': lcore ${missing.join(', ')} unavailable, ` +
          `please check specified cores are part of ${formatCpuList([...this.detected])}`);
      }
    }
    this.claimCoreOption(opt, new Map(lcores.map((l) => [l, [l]])));
  }

  private claimCoreOption(opt: '-c' | '-l' | '--lcores', map: Map<number, number[]>): void {
    if (this.o.lcoreOption !== null) {
      throw einval(`option ${opt} cannot be used with ${this.o.lcoreOption}: only one of -c, -l and --lcores may be given`);
    }
    this.o.lcores = map;
    this.o.lcoreOption = opt;
  }

  private serviceBeforeCores(opt: string): void {
    if (this.service.size > 0) {
      this.warn(`Service cores parsed before dataplane cores. Please ensure ${opt} is before -s or -S`);
    }
  }

  private isCoreEnabled(l: number): boolean {
    // Before any core option every detected cpu has the EAL role (rte_eal_cpu_init).
    if (this.o.lcores) return this.o.lcores.has(l);
    return this.detected ? this.detected.has(l) : true;
  }

  private addService(list: number[], value: string, opt: '-s' | '-S'): void {
    let taken = 0;
    for (const l of list) {
      if (this.mainParsed && this.o.mainLcore === l) {
        throw einval(`invalid service ${opt === '-s' ? 'coremask' : 'core list'} '${value}': lcore ${l} is main lcore, cannot use as service core`);
      }
      if (this.isCoreEnabled(l)) taken++;
    }
    for (const l of list) this.service.add(l);
    if (this.o.lcoreOption !== null && taken !== list.length) {
      this.warn(opt === '-s'
        ? 'Not all service cores are in the coremask. Please ensure -c or -l includes service cores'
        : 'Not all service cores were in the coremask. Please ensure -c or -l includes service cores');
    }
  }

  private serviceCoremask(value: string): void {
    const bad = (detail?: string): TsdpdkError => einval(`invalid service coremask '${value}'${detail ? `: ${detail}` : ''}`);
    let a = 0;
    while (isBlank(value[a])) a++;
    if (value[a] === '0' && (value[a + 1] === 'x' || value[a + 1] === 'X')) a += 2;
    let z = value.length;
    while (z > a && isBlank(value[z - 1])) z--;
    const s = value.slice(a, z);
    if (s.length === 0) throw bad();
    const list: number[] = [];
    let idx = 0;
    let i = s.length - 1;
    for (; i >= 0 && idx < RTE_MAX_LCORE; i--) {
      if (!isXDigit(s[i])) throw bad('invalid characters');
      const val = parseInt(s[i], 16);
      for (let j = 0; j < 4 && idx < RTE_MAX_LCORE; j++, idx++) {
        if (!(val & (1 << j))) continue;
        if (this.mainParsed && this.o.mainLcore === idx) throw bad(`lcore ${idx} is main lcore, cannot use as service core`);
        if (this.detected && !this.detected.has(idx)) throw bad(`lcore ${idx} unavailable`);
        list.push(idx);
      }
    }
    for (; i >= 0; i--) if (s[i] !== '0') throw bad(`lcore ids must be < RTE_MAX_LCORE (${RTE_MAX_LCORE})`);
    if (list.length === 0) throw bad('no lcores in coremask');
    this.addService(list, value, '-s');
  }

  private serviceCorelist(value: string): void {
    const bad = (): TsdpdkError => einval(`invalid service core list '${value}'`);
    const list: number[] = [];
    let p = 0;
    let min = RTE_MAX_LCORE;
    let end: number;
    do {
      while (isBlank(value[p])) p++;
      if (p >= value.length) throw bad();
      const r = strtoul(value, p, 10);
      if (r.erange) throw bad();
      const idx = Number(BigInt.asUintN(32, r.value));
      if (idx >= RTE_MAX_LCORE) throw bad();
      end = r.end;
      while (isBlank(value[end])) end++;
      if (value[end] === '-') {
        min = idx;
      } else if (value[end] === ',' || end >= value.length) {
        if (min === RTE_MAX_LCORE) min = idx;
        for (let l = min; l <= idx; l++) list.push(l);
        min = RTE_MAX_LCORE;
      } else {
        throw bad();
      }
      p = end + 1;
    } while (end < value.length);
    if (list.length === 0) throw bad();
    this.addService(list, value, '-S');
  }

  // eal_parse_socket_arg: comma-separated MB values; overwrites the first entries in place.
  private socketArg(opt: string, value: string, into: number[]): number[] {
    const bad = (): TsdpdkError => einval(`invalid parameters for ${opt} '${value}'`);
    if (value.length >= SOCKET_MEM_STRLEN) throw einval(`${opt} is too long ('${value}')`);
    if (!isDigit(value[value.length - 1])) throw bad();
    // rte_strsplit: at most RTE_MAX_NUMA_NODES tokens; anything past the last one is dropped.
    const tokens = value.split(',').slice(0, RTE_MAX_NUMA_NODES);
    const out = into.slice();
    tokens.forEach((t, i) => {
      const r = strtoul(t, 0, 10);
      if (r.erange || t.length === 0 || r.end !== t.length) throw bad();
      out[i] = Number(BigInt.asUintN(44, r.value));   // DPDK keeps (value << 20) in a uint64
    });
    return out;
  }

  /** Pass 2: one option. Returns true when parsing must stop (-h). */
  handle(key: string, arg: string | null): boolean {
    const o = this.o;
    const v = arg ?? '';
    switch (key) {
      case 'a':
        if (o.block.length > 0) throw einval(`options allow (-a) and block (-b) can't be used at the same time (-a '${v}')`);
        o.allow.push(v);
        break;
      case 'b':
        if (o.allow.length > 0) throw einval(`options allow (-a) and block (-b) can't be used at the same time (-b '${v}')`);
        o.block.push(v);
        break;
      case 'c':
        this.serviceBeforeCores('-c');
        this.setCoreList('-c', v, parseCoremask(v));
        break;
      case 'l':
        this.serviceBeforeCores('-l');
        this.setCoreList('-l', v, parseCorelist(v));
        break;
      case '--lcores':
        this.claimCoreOption('--lcores', parseLcoresMap(v, this.detected));
        break;
      case 's': this.serviceCoremask(v); break;
      case 'S': this.serviceCorelist(v); break;
      case 'm':
        o.memoryMb = atoi(v);
        this.memParsed = true;
        break;
      case 'n': {
        const n = atoi(v) >>> 0;                 // unsigned field: "-1" is accepted (verified)
        if (n === 0) throw einval(`invalid channel number '${v}'`);
        o.memoryChannels = n;
        break;
      }
      case 'r': {
        const n = atoi(v) >>> 0;
        if (n === 0 || n > 16) throw einval(`invalid rank number '${v}'`);
        o.memoryRanks = n;
        break;
      }
      case 'd': o.drivers.push(v); break;
      case 'v': o.version = true; break;
      case 'h': o.help = true; return true;
      case '--huge-unlink':
        if (arg === null || arg === 'always') this.unlinkBeforeMapping = true;
        else if (arg === 'never') {
          this.diags.push({ level: LogLevel.WARNING, message: 'Using --huge-unlink=never may create data leaks.' });
          this.unlinkExisting = false;
        } else if (arg !== 'existing') throw einval(`invalid --huge-unlink option '${arg}'`);
        break;
      case '--no-huge': o.noHuge = true; o.legacyMem = true; this.legacyFromNoHuge = true; break;
      case '--no-pci': o.noPci = true; break;
      case '--no-shconf': o.noShconf = true; break;
      case '--in-memory':
        o.inMemory = true;
        o.noShconf = true;
        this.unlinkBeforeMapping = true;
        break;
      case '--proc-type': {
        const t = v.replace(/[A-Z]/g, (c) => c.toLowerCase());   // strncasecmp, C locale
        this.procTypeText = t === 'primary' || t === 'secondary' || t === 'auto' ? null : v;
        if (this.procTypeText === null) o.procType = t as EalOptions['procType'];
        break;
      }
      case '--main-lcore': {
        const r = strtol(v, 0, 0);
        const id = Number(BigInt.asUintN(32, r.value));
        if (r.erange || r.end !== v.length || id >= RTE_MAX_LCORE) throw einval(`invalid parameter for --main-lcore '${v}'`);
        if (this.service.has(id)) throw einval(`invalid parameter for --main-lcore '${v}': main lcore ${id} is used as a service core`);
        o.mainLcore = id;
        this.mainParsed = true;
        break;
      }
      case '--vdev': o.vdevs.push(v); break;
      case '--syslog':
        if (!SYSLOG_FACILITIES.includes(v)) throw einval(`invalid parameters for --syslog '${v}'`);
        o.syslogFacility = v;
        break;
      case '--log-level': break;              // handled in pass 1
      case '--trace': break;
      case '--trace-dir': break;
      case '--trace-bufsz': {
        let p = 0;
        while (isSpace(v[p])) p++;
        const r = strtoul(v, p, 0);
        let size = v[p] === '-' || r.erange ? 0n : r.value;
        let e = r.end;
        if (v[e] === ' ') e++;
        const mult = ({ g: 3n, m: 2n, k: 1n } as Record<string, bigint>)[(v[e] ?? '').toLowerCase()] ?? 0n;
        size = BigInt.asUintN(64, size * (1n << (10n * mult)));
        if (size === 0n) throw einval(`invalid parameters for --trace-bufsz '${v}': buffer size cannot be zero`);
        break;
      }
      case '--trace-mode':
        if (v.length === 0 || !(fnmatch(`${v}*`, 'overwrite') || fnmatch(`${v}*`, 'discard'))) {
          throw einval(`invalid parameters for --trace-mode '${v}'`);
        }
        break;
      case '--legacy-mem': o.legacyMem = true; break;
      case '--single-file-segments': o.singleFileSegments = true; break;
      case '--iova-mode':
        if (v !== 'pa' && v !== 'va') throw einval(`invalid parameters for --iova-mode '${v}'`);
        o.iovaMode = v;
        break;
      case '--base-virtaddr': {
        const r = strtoul(v, 0, 16);
        if (r.erange || v.length === 0 || r.end !== v.length) throw einval(`invalid parameter for --base-virtaddr '${v}'`);
        o.baseVirtaddr = BigInt.asUintN(64, (r.value + RTE_PGSIZE_16M - 1n) & ~(RTE_PGSIZE_16M - 1n));
        break;
      }
      case '--telemetry': break;
      case '--no-telemetry': o.telemetry = false; break;
      case '--force-max-simd-bitwidth': {
        const r = strtoul(v, 0, 0);
        const bad = (d?: string): TsdpdkError => einval(`invalid parameter for --force-max-simd-bitwidth '${v}'${d ? `: ${d}` : ''}`);
        if (v.length === 0 || r.erange || r.end !== v.length || r.value > BigInt(RTE_VECT_SIMD_MAX)) throw bad();
        const bits = r.value === 0n ? RTE_VECT_SIMD_MAX : Number(r.value);
        if (this.simdForced) throw bad('cannot set max SIMD bitwidth - user runtime override enabled');
        if (bits < RTE_VECT_SIMD_DISABLED || (bits & (bits - 1)) !== 0) throw bad('invalid bitwidth value');
        o.forceMaxSimdBitwidth = bits;
        this.simdForced = true;
        break;
      }
      // Linux-only options (the "default:" branch of eal_parse_args).
      case '--huge-dir': o.hugeDir = v; break;
      case '--file-prefix': o.filePrefix = v; this.filePrefixSet = true; break;
      case '--socket-mem':
        this.socketMem = this.socketArg('--socket-mem', v, this.socketMem ?? []);
        break;
      case '--socket-limit':
        this.socketLimit = this.socketArg('--socket-limit', v, this.socketLimit ?? []);
        break;
      case '--vfio-intr':
        if (!['legacy', 'msi', 'msix'].includes(v)) throw einval(`invalid parameters for --vfio-intr '${v}'`);
        break;
      case '--vfio-vf-token':
        if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v)) {
          throw einval(`invalid parameters for --vfio-vf-token '${v}'`);
        }
        break;
      case '--create-uio-dev': break;
      case '--no-hpet': break;
      case '--vmware-tsc-map': break;
      case '--mbuf-pool-ops-name': o.mbufPoolOpsName = v; break;
      case '--match-allocations': o.matchAllocations = true; break;
      case '--huge-worker-stack':
        if (arg !== null && arg !== '') {
          const r = strtoul(arg, 0, 10);
          // No trailing-junk check in DPDK: "12abc" is 12 KB.
          if (r.erange || r.value === 0n || r.value >= U64_MAX / 1024n) throw einval(`invalid parameter for --huge-worker-stack '${arg}'`);
        }
        this.hugeWorkerStack = true;
        break;
      default:
        throw einval(`option ${key} is not supported on Linux`);
    }
    return false;
  }

  /** eal_adjust_config + eal_check_common_options, in DPDK's order. */
  finish(): void {
    const o = this.o;
    const env = this.env;
    // Default lcore set (auto-detect): detected cpus that are in the affinity set.
    let enabled: number[] | null = null;
    if (o.lcores) enabled = [...o.lcores.keys()];
    else if (env.detectedCpus) {
      const aff = new Set(env.affinityCpus ?? env.detectedCpus);
      enabled = [...new Set(env.detectedCpus)].filter((c) => c < RTE_MAX_LCORE && aff.has(c)).sort((a, b) => a - b);
      if (enabled.length === 0) throw einval('no detected lcore is enabled, please check the core list');
    }
    if (!this.mainParsed && enabled) {
      o.mainLcore = Math.min(...enabled);
      this.service.delete(o.mainLcore);       // EAL gives the default main lcore the RTE role back
    }
    o.serviceCores = [...this.service].sort((a, b) => a - b);
    o.socketMem = this.socketMem;
    o.socketLimit = this.socketLimit;
    o.hugeUnlink = this.unlinkBeforeMapping ? 'always' : this.unlinkExisting ? 'existing' : 'never';

    if (enabled && o.mainLcore !== null && !enabled.includes(o.mainLcore)) {
      throw einval(`main lcore ${o.mainLcore} is not enabled for DPDK (enabled: ${formatCpuList(enabled)})`);
    }
    if (this.procTypeText !== null) throw einval(`invalid process type '${this.procTypeText}' for --proc-type`);
    if (this.filePrefixSet && o.filePrefix.length === 0) throw einval(`invalid length of --file-prefix option ''`);
    if (o.hugeDir !== null && o.hugeDir.length === 0) throw einval(`invalid length of --huge-dir option ''`);
    if (o.mbufPoolOpsName !== null && o.mbufPoolOpsName.length === 0) throw einval(`invalid length of --mbuf-pool-ops-name option ''`);
    if (o.filePrefix.includes('%')) throw einval(`invalid char, '%', in --file-prefix option '${o.filePrefix}'`);
    if (this.memParsed && this.socketMem) {
      throw einval(`options -m and --socket-mem cannot be specified at the same time (-m ${o.memoryMb}, --socket-mem ${this.socketMem.join(',')})`);
    }
    if (o.noHuge && this.socketMem) throw einval(`option --socket-mem cannot be used with --no-huge (--socket-mem ${this.socketMem.join(',')})`);
    if (o.noHuge && this.unlinkBeforeMapping && !o.inMemory) throw einval('option --huge-unlink cannot be used with --no-huge');
    if (o.noHuge && this.hugeWorkerStack) throw einval('option --huge-worker-stack cannot be used with --no-huge');
    if (this.socketLimit && o.legacyMem) {
      // Logged as an error by DPDK but not treated as one (verified).
      this.diags.push({ level: LogLevel.ERR, message: 'Option --socket-limit is only supported in non-legacy memory mode' });
    }
    if (o.singleFileSegments && this.unlinkBeforeMapping && !o.inMemory) {
      throw einval('option --single-file-segments is not compatible with --huge-unlink');
    }
    if (!this.unlinkExisting && o.inMemory) throw einval('option --in-memory is not compatible with --huge-unlink=never');
    const legacyWhy = this.legacyFromNoHuge ? ' (implied by --no-huge)' : '';
    if (o.legacyMem && o.inMemory) throw einval(`option --legacy-mem${legacyWhy} is not compatible with --in-memory`);
    if (o.legacyMem && o.matchAllocations) throw einval(`option --legacy-mem${legacyWhy} is not compatible with --match-allocations`);
    if (o.noHuge && o.matchAllocations) throw einval('option --no-huge is not compatible with --match-allocations');
    const memory = (o.memoryMb ?? 0) + (this.socketMem ?? []).reduce((a, b) => a + b, 0);
    if (o.legacyMem && memory === 0) {
      this.diags.push({ level: LogLevel.NOTICE, message: 'Static memory layout is selected, amount of reserved memory can be adjusted with -m or --socket-mem' });
    }
  }
}

/**
 * Parse a DPDK 22.11 EAL command line. argv[0] is the program name. Throws TsdpdkError('EINVAL')
 * for everything that makes rte_eal_init fail while parsing. When options.help or
 * options.logLevelHelp is set, parsing stopped there (DPDK prints usage and exits 0): the rest of
 * the result is partial.
 */
export function parseEalArgs(argv: readonly string[], env: EalParseEnv = {}): ParsedEalArgs {
  if (!Array.isArray(argv) || argv.length < 1) fail('EINVAL', 'argv must start with the program name');
  const args = argv.map(String);
  const prog = args[0];
  const parser = new EalParser(env);
  const o = parser.o;
  const getopt = new Getopt(args, env.posixlyCorrect ?? process.env.POSIXLY_CORRECT !== undefined);

  const result = (): ParsedEalArgs => {
    const dd = args.indexOf('--');
    return {
      options: o,
      ealArgs: dd < 0 ? args.slice() : args.slice(0, dd),
      appArgs: args.slice(getopt.optind),
      appParams: dd < 0 ? [] : args.slice(dd + 1),
      consumed: getopt.optind - 1,
      diagnostics: parser.diags,
    };
  };

  // Pass 1: --log-level only; stops at the first getopt error or bad level.
  for (let ev = getopt.next(); ev !== null; ev = getopt.next()) {
    if ('error' in ev) { parser.diags.push({ level: 0, message: `${prog}: ${ev.error}` }); break; }
    if (ev.key !== '--log-level') continue;
    const r = parseLogLevelInternal(ev.arg ?? '');
    if (r === 'help') { o.logLevelHelp = true; return result(); }
    if ('line' in r) {
      parser.diags.push({ level: 0, message: r.line });
      parser.diags.push({ level: LogLevel.ERR, message: 'invalid parameters for --log-level' });
      break;
    }
    if (r.clampedFrom !== null) {
      parser.diags.push({ level: 0, message: `Log level ${r.clampedFrom} higher than maximum (${RTE_LOG_MAX})` });
    }
    o.logLevels.push(r.setting);
  }
  const saved = result();   // telemetry view is taken between the passes

  // Pass 2: everything else.
  getopt.restart();
  for (let ev = getopt.next(); ev !== null; ev = getopt.next()) {
    if ('error' in ev) throw einval(ev.error);
    if (parser.handle(ev.key, ev.arg)) {
      const r = result();
      return { ...r, ealArgs: saved.ealArgs, appParams: saved.appParams };
    }
  }
  parser.finish();
  const r = result();
  return { ...r, ealArgs: saved.ealArgs, appParams: saved.appParams };
}

/** `-h` text in DPDK's layout (descriptions are tsdpdk's own wording). */
export function ealUsage(prog: string): string {
  const L = (opt: string, ...desc: string[]): string => {
    const pad = 22;
    const lines: string[] = [];
    const head = `  ${opt}`;
    if (head.length < pad) lines.push(head.padEnd(pad) + (desc[0] ?? ''));
    else { lines.push(head); if (desc[0] !== undefined) lines.push(' '.repeat(pad) + desc[0]); }
    for (const d of desc.slice(1)) lines.push(' '.repeat(pad) + d);
    return lines.join('\n') + '\n';
  };
  return `\nUsage: ${prog} [options]\n\n` +
    'EAL common options:\n' +
    L('-c COREMASK', 'Hex mask of the lcores to use') +
    L('-l CORELIST', 'List of lcores to use: <c1>[-c2][,c3[-c4],...]',
      `with core indexes from 0 to ${RTE_MAX_LCORE - 1}`) +
    L('--lcores COREMAP', "Map lcores to cpu sets: '<lcores[@cpus]>[<,lcores[@cpus]>...]'",
      "Group several numbers with '(' and ')'; inside a group '-' gives a",
      "range and ',' separates numbers. Omit '@cpus' when cpus == lcores") +
    L('-s SERVICE COREMASK', 'Hex mask of the lcores that run services') +
    L('-S SERVICE CORELIST', 'List of the lcores that run services') +
    L('--main-lcore ID', 'Lcore that runs main() (default: lowest enabled lcore)') +
    L('--mbuf-pool-ops-name', 'Mempool driver used for mbuf pools') +
    L('-n CHANNELS', 'Number of memory channels') +
    L('-m MB', 'Memory to preallocate in MB (see also --socket-mem)') +
    L('-r RANKS', 'Number of memory ranks (skip detection)') +
    L('-b, --block', 'Block a device: EAL will not use it',
      'PCI address format: <domain:bus:devid.func>') +
    L('-a, --allow', 'Allow a device: only allowed devices are used',
      'PCI address format: <[domain:]bus:devid.func>; repeatable',
      '[NOTE: allow cannot be used together with block]') +
    L('--vdev', 'Create a virtual device: <driver><id>[,key=val,...]',
      '(e.g. --vdev=net_null0)') +
    L('--iova-mode', "Force the IOVA mode: 'pa' or 'va'") +
    L('-d LIB.so|DIR', 'Load a driver object or every driver in a directory',
      '(repeatable)') +
    L('--vmware-tsc-map', 'Read the TSC through the VMware map') +
    L('--proc-type', 'Process type: primary|secondary|auto') +
    L('--syslog', 'syslog facility (recorded; tsdpdk logs to stderr only)') +
    L('--log-level=<level>', 'Global log level') +
    L('--log-level=<type-match>:<level>', 'Level of the log types matching a glob') +
    L('--log-level=<type-regex>,<level>', 'Level of the log types matching a regex') +
    L('--log-level=help', 'List log types and levels') +
    L('--trace=<regex-match>', 'Enable the trace points matching a regex') +
    L('--trace-dir=<directory path>', 'Where trace output goes') +
    L('--trace-bufsz=<int>', 'Per-thread trace buffer size, unit B|K|M') +
    L('--trace-mode=<o[verwrite] | d[iscard]>', 'What a full trace buffer does') +
    L('-v', 'Print the version at start-up') +
    L('-h, --help', 'Show this help') +
    L('--in-memory', 'Keep everything in memory: no shared files, no secondaries') +
    L('--base-virtaddr', 'Preferred base virtual address') +
    L('--telemetry', 'Enable telemetry (default)') +
    L('--no-telemetry', 'Disable telemetry') +
    L('--force-max-simd-bitwidth', 'Cap the SIMD width used by data paths (0 = no cap)') +
    '\nEAL options for DEBUG use only:\n' +
    L('--huge-unlink[=existing|always|never]', 'When to remove hugepage files',
      "('existing' by default; without a value: 'always')") +
    L('--no-huge', 'Use anonymous memory instead of hugetlbfs') +
    L('--no-pci', 'Disable the PCI bus') +
    L('--no-hpet', 'Do not use the HPET') +
    L('--no-shconf', 'No shared configuration files') +
    '\nEAL Linux options:\n' +
    L('--socket-mem', 'Memory to preallocate per socket, MB (comma separated)') +
    L('--socket-limit', 'Memory cap per socket, MB (comma separated, 0 = none)') +
    L('--huge-dir', 'hugetlbfs mount (or directory in it) to use') +
    L('--file-prefix', 'Prefix of the runtime directory and hugepage files') +
    L('--create-uio-dev', 'Create /dev/uioX') +
    L('--vfio-intr', 'VFIO interrupt mode (legacy|msi|msix)') +
    L('--vfio-vf-token', 'VF token (UUID) shared by SR-IOV PF and VFs') +
    L('--legacy-mem', 'Static memory layout (no dynamic allocation)') +
    L('--single-file-segments', 'One hugepage file per memory segment list') +
    L('--match-allocations', 'Free hugepages exactly as they were allocated') +
    L('--huge-worker-stack[=size]', 'Worker thread stacks from hugepage memory',
      '(size in KB; default: the system thread stack size)') +
    '\n';
}
