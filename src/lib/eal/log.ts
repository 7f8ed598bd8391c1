// DPDK-style logging (lib/eal/common/eal_common_log.c semantics, DPDK 22.11).
//
// Facts mirrored (checked against DPDK v22.11.11 source and, where noted, Debian's 22.11.11 binaries):
// * Levels 1..8 (EMERG..DEBUG); a message is emitted only if allowed by BOTH the global level
//   (default DEBUG) and its type's level (default INFO).
// * Legacy types have fixed ids 0..31 (21..23 unused); dynamically registered types start at 32.
// * Every level change of a type logs "EAL: <type> log level changed from <old> to <new>" at DEBUG
//   on lib.eal (visible with --log-level lib.eal:debug; verified with the binary).
// * --log-level glob/regex settings are remembered for types registered later. DPDK keeps them in
//   a list with the newest at the head and lets the last match of that walk win, so for a type
//   registered AFTER the settings the EARLIEST matching setting wins (verified with the binary:
//   `pmd.*:debug` then `pmd.net.x:error` leaves a later-registered pmd.net.x at debug). Types
//   already registered when a setting is applied see the usual "later wins".
// * Lines go to stderr exactly as formatted; RTE_LOG(l, EAL, ...) prefixes "EAL: ".
// * syslog: DPDK on Linux also copies every line to syslog(3). Node has no syslog API and its dgram
//   module has no AF_UNIX support, so the facility is recorded (getSyslogFacility) but nothing is
//   sent to syslog. This is a known, deliberate gap.

import { fail } from './errors.js';
import type { LogLevelSetting } from './options.js';

export enum LogLevel {
  EMERG = 1,
  ALERT = 2,
  CRIT = 3,
  ERR = 4,
  WARNING = 5,
  NOTICE = 6,
  INFO = 7,
  DEBUG = 8,
}

export const RTE_LOG_MAX = LogLevel.DEBUG;

// Legacy type ids (rte_log.h).
export const RTE_LOGTYPE_EAL = 0;
export const RTE_LOGTYPE_MALLOC = 1;
export const RTE_LOGTYPE_RING = 2;
export const RTE_LOGTYPE_MEMPOOL = 3;
export const RTE_LOGTYPE_TIMER = 4;
export const RTE_LOGTYPE_PMD = 5;
export const RTE_LOGTYPE_MBUF = 16;
export const RTE_LOGTYPE_USER1 = 24;
export const RTE_LOGTYPE_FIRST_EXT_ID = 32;

/** eal_log_level2str: 0 is "disabled", out-of-range is "unknown". */
export function logLevelName(level: number): string {
  switch (level) {
    case 0: return 'disabled';
    case LogLevel.EMERG: return 'emergency';
    case LogLevel.ALERT: return 'alert';
    case LogLevel.CRIT: return 'critical';
    case LogLevel.ERR: return 'error';
    case LogLevel.WARNING: return 'warning';
    case LogLevel.NOTICE: return 'notice';
    case LogLevel.INFO: return 'info';
    case LogLevel.DEBUG: return 'debug';
    default: return 'unknown';
  }
}

// ---- registry -------------------------------------------------------------------------------

// Parallel arrays indexed by type id; a null name is an unused legacy slot (level 0).
const names: (string | null)[] = [];
const levels: number[] = [];
let globalLevel: number = LogLevel.DEBUG;

interface SavedLevel { match: (name: string) => boolean; level: number }
// Newest first, like DPDK's TAILQ_INSERT_HEAD (see header comment for why order matters).
const saved: SavedLevel[] = [];

type Writer = (text: string) => void;
const stderrWriter: Writer = (text) => { process.stderr.write(text); };
let writer: Writer = stderrWriter;
let syslogFacility = 'daemon';

function lookup(name: string): number {
  for (let i = 0; i < names.length; i++) if (names[i] === name) return i;
  return -1;
}

// logtype_set_level: set, and announce the change at DEBUG on lib.eal like DPDK does.
function setTypeLevel(id: number, level: number): void {
  const current = levels[id];
  if (current === level) return;
  levels[id] = level;
  logf(LogLevel.DEBUG, RTE_LOGTYPE_EAL, 'EAL',
    `${names[id] ?? ''} log level changed from ${logLevelName(current)} to ${logLevelName(level)}`);
}

function checkLevel(level: number): void {
  if (!Number.isInteger(level) || level < 0 || level > RTE_LOG_MAX) fail('EINVAL', `invalid log level ${level}`);
}

/**
 * rte_log_register_type_and_pick_level: idempotent by name (returns the existing id); a new type
 * takes `defaultLevel` unless a remembered --log-level glob/regex matches it.
 */
export function registerLogType(name: string, defaultLevel: number = LogLevel.INFO): number {
  if (typeof name !== 'string' || name.length === 0) fail('EINVAL', 'log type name must be a non-empty string');
  checkLevel(defaultLevel);
  const existing = lookup(name);
  if (existing >= 0) return existing;
  let level = defaultLevel;
  for (const s of saved) if (s.match(name)) level = s.level;
  const id = names.length;
  names.push(name);
  levels.push(0);
  setTypeLevel(id, level);
  return id;
}

/** Id of a registered type, or -1. */
export function lookupLogType(name: string): number {
  return lookup(name);
}

export function setGlobalLevel(level: number): void {
  checkLevel(level);
  globalLevel = level;
}

export function getGlobalLevel(): number {
  return globalLevel;
}

/** rte_log_set_level: EINVAL for an unknown type or a level > 8 (0 = disabled is allowed). */
export function setLevel(typeId: number, level: number): void {
  if (!Number.isInteger(typeId) || typeId < 0 || typeId >= names.length) fail('EINVAL', `invalid log type ${typeId}`);
  checkLevel(level);
  setTypeLevel(typeId, level);
}

/** rte_log_get_level: -1 for an unknown type. */
export function getLevel(typeId: number): number {
  if (typeId < 0 || typeId >= levels.length) return -1;
  return levels[typeId];
}

/** rte_log_set_level_pattern: fnmatch over registered names (not remembered for later types). */
export function setLevelPattern(pattern: string, level: number): void {
  checkLevel(level);
  const re = globToRegExp(pattern);
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    if (n !== null && re.test(n)) setTypeLevel(i, level);
  }
}

/** rte_log_set_level_regexp: POSIX BRE search over registered names (not remembered). */
export function setLevelRegexp(regex: string, level: number): void {
  checkLevel(level);
  const re = bregexToRegExp(regex);
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    if (n !== null && re.test(n)) setTypeLevel(i, level);
  }
}

/**
 * Apply --log-level settings left to right the way EAL does while parsing: global -> global level;
 * glob/regex -> set matching registered types now and remember the setting for later types.
 * An invalid regex throws EINVAL (DPDK stops applying further settings there too).
 */
export function applyLogLevels(settings: readonly LogLevelSetting[]): void {
  for (const s of settings) {
    checkLevel(s.level);
    if (s.level === 0) fail('EINVAL', 'log level 0 is not valid in a --log-level setting');
    if (s.kind === 'global') {
      setGlobalLevel(s.level);
    } else if (s.kind === 'glob') {
      const re = globToRegExp(s.pattern);
      setLevelPattern(s.pattern, s.level);
      saved.unshift({ match: (n) => re.test(n), level: s.level });
    } else {
      const re = bregexToRegExp(s.pattern);
      setLevelRegexp(s.pattern, s.level);
      saved.unshift({ match: (n) => re.test(n), level: s.level });
    }
  }
}

/** rte_log_can_log: allowed by the global level and by the type's level. Allocation-free. */
export function canLog(level: number, typeId: number): boolean {
  if (level > globalLevel) return false;
  if (typeId < 0 || typeId >= levels.length) return false;
  return level <= levels[typeId];
}

/**
 * rte_log: write `message` exactly as given (no prefix, no newline added) if allowed.
 * Returns -1 for an unknown type, 0 if filtered, else the number of characters written.
 */
export function log(level: number, typeId: number, message: string): number {
  if (typeId < 0 || typeId >= levels.length) return -1;
  if (!canLog(level, typeId)) return 0;
  writer(message);
  return message.length;
}

/**
 * RTE_LOG(level, PREFIX, ...): writes "PREFIX: message". DPDK callers end their format with "\n";
 * we add it when missing so output stays line-based.
 */
export function logf(level: number, typeId: number, prefix: string, message: string): number {
  if (!canLog(level, typeId)) return typeId < 0 || typeId >= levels.length ? -1 : 0;
  const line = message.endsWith('\n') ? `${prefix}: ${message}` : `${prefix}: ${message}\n`;
  writer(line);
  return line.length;
}

/** rte_openlog_stream: redirect log output (null restores stderr). */
export function openLogStream(w: Writer | null): void {
  writer = w ?? stderrWriter;
}

/** --syslog facility; recorded only (see header comment: no syslog output from Node). */
export function setSyslogFacility(facility: string): void {
  syslogFacility = facility;
}

export function getSyslogFacility(): string {
  return syslogFacility;
}

/** Registered types by id. */
export function listLogTypes(): { id: number; name: string; level: number }[] {
  const out: { id: number; name: string; level: number }[] = [];
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    if (n !== null) out.push({ id: i, name: n, level: levels[i] });
  }
  return out;
}

/** rte_log_dump text. */
export function dumpLogTypes(): string {
  let s = `global log level is ${logLevelName(globalLevel)}\n`;
  for (const t of listLogTypes()) s += `id ${t.id}: ${t.name}, level is ${logLevelName(t.level)}\n`;
  return s;
}

/** What DPDK 22.11 prints for `--log-level help` (eal_log_usage) before exiting 0. */
export function logLevelHelp(): string {
  const sorted = listLogTypes().map((t) => t.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let s = 'Log type is a pattern matching items of this list (plugins may be missing):\n';
  for (const n of sorted) s += `\t${n}\n`;
  s += '\n';
  s += 'Syntax using globbing pattern:     --log-level pattern:level\n';
  s += 'Syntax using regular expression:   --log-level regexp,level\n';
  s += 'Syntax for the global level:       --log-level level\n';
  s += 'Logs are emitted if allowed by both global and specific levels.\n';
  s += '\n';
  s += 'Log level can be a number or the first letters of its name:\n';
  for (let l = 1; l <= RTE_LOG_MAX; l++) s += `\t${l}   ${logLevelName(l)}\n`;
  return s;
}

// ---- pattern matching -----------------------------------------------------------------------
// Both matchers work on UTF-16 code units; DPDK runs them in the C locale on bytes. Log type
// names are ASCII, where the two agree.

// POSIX classes in the C locale, as JS character-class bodies.
const POSIX_CLASSES: Record<string, string> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: '0-9A-Za-z', upper: 'A-Z', lower: 'a-z',
  space: ' \\t\\n\\v\\f\\r', blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', print: ' -~', graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f', xdigit: '0-9A-Fa-f',
};

function escClassChar(c: string): string {
  return /[\\\]\[^-]/.test(c) ? `\\${c}` : c;
}

function escLiteral(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

type BracketResult = { cls: string; end: number } | 'unterminated' | 'invalid';

// Parse a bracket expression starting at p[start] === '['. In globs (fnmatch without
// FNM_NOESCAPE) '!' also negates and '\' escapes; in a BRE '\' is an ordinary character.
function parseBracket(p: string, start: number, glob: boolean): BracketResult {
  let i = start + 1;
  let neg = false;
  if (p[i] === '^' || (glob && p[i] === '!')) { neg = true; i++; }
  let body = '';
  let first = true;
  // Reads one bracket element (char, [.c.], [=c=]); returns null at end of input.
  const readChar = (): string | null | 'invalid' => {
    if (i >= p.length) return null;
    if (p[i] === '[' && (p[i + 1] === '.' || p[i + 1] === '=')) {
      const kind = p[i + 1];
      const close = p.indexOf(`${kind}]`, i + 2);
      if (close < 0) return null;
      const sym = p.slice(i + 2, close);
      i = close + 2;
      return sym.length === 1 ? sym : 'invalid';
    }
    if (glob && p[i] === '\\' && i + 1 < p.length) { i += 2; return p[i - 1]; }
    i++;
    return p[i - 1];
  };
  for (;;) {
    if (i >= p.length) return 'unterminated';
    if (p[i] === ']' && !first) { i++; break; }
    first = false;
    if (p[i] === '[' && p[i + 1] === ':') {
      const close = p.indexOf(':]', i + 2);
      if (close < 0) return 'unterminated';
      const cls = POSIX_CLASSES[p.slice(i + 2, close)];
      if (cls === undefined) return 'invalid';
      body += cls;
      i = close + 2;
      continue;
    }
    const lo = readChar();
    if (lo === null) return 'unterminated';
    if (lo === 'invalid') return 'invalid';
    if (p[i] === '-' && i + 1 < p.length && p[i + 1] !== ']') {
      i++;
      const hi = readChar();
      if (hi === null) return 'unterminated';
      if (hi === 'invalid' || hi < lo) return 'invalid';
      body += `${escClassChar(lo)}-${escClassChar(hi)}`;
    } else {
      body += escClassChar(lo);
    }
  }
  return { cls: `[${neg ? '^' : ''}${body}]`, end: i };
}

const globCache = new Map<string, RegExp>();

/** Shell glob (fnmatch(3) with flags 0) compiled to an anchored RegExp. */
export function globToRegExp(pattern: string): RegExp {
  const cached = globCache.get(pattern);
  if (cached) return cached;
  let out = '';
  let never = false;
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i];
    if (c === '*') { out += '[\\s\\S]*'; i++; }
    else if (c === '?') { out += '[\\s\\S]'; i++; }
    else if (c === '\\') {
      // glibc: a trailing backslash makes the pattern match nothing.
      if (i + 1 >= pattern.length) { never = true; break; }
      out += escLiteral(pattern[i + 1]);
      i += 2;
    } else if (c === '[') {
      const r = parseBracket(pattern, i, true);
      if (r === 'unterminated') { out += '\\['; i++; }  // an unclosed '[' matches itself
      else if (r === 'invalid') { never = true; break; }
      else { out += r.cls; i = r.end; }
    } else { out += escLiteral(c); i++; }
  }
  const re = never ? /(?!)/ : new RegExp(`^(?:${out})$`);
  globCache.set(pattern, re);
  return re;
}

/** fnmatch(pattern, name, 0) === 0 */
export function fnmatch(pattern: string, name: string): boolean {
  return globToRegExp(pattern).test(name);
}

/**
 * POSIX basic regular expression (regcomp flags 0: BRE, case-sensitive, '.' matches newline)
 * converted to an unanchored JS RegExp, so .test() behaves like regexec() == 0 (a search).
 * Supported: literals, '.', '*', bracket expressions (ranges, [:class:], [.c.], [=c=], negation),
 * '^' (at the start / after \( or \|) and '$' (at the end / before \) or \|) anchors (literal
 * elsewhere), \( \) groups, \{m\} \{m,\} \{m,n\} intervals, \1-\9 back-references (to a completed
 * group), and the GNU extensions \+ \? \| \w \W \s \S \b \B \< \> \` \'.
 * Not reproduced: POSIX leftmost-longest matching (irrelevant to a yes/no match except with
 * back-references), locale collation. Errors (what regcomp rejects) throw EINVAL.
 */
export function bregexToRegExp(bre: string): RegExp {
  const bad = (why: string): never => fail('EINVAL', `invalid regular expression '${bre}': ${why}`);
  let out = '';
  let exprStart = true;           // at RE start, after \( or \| : '^' anchors and '*' is literal
  let lastAtom = -1;              // index in `out` where the last quantifiable atom starts
  let lastWasQuant = false;
  const groupStarts: number[] = [];
  const groupNums: number[] = [];
  let groupsOpened = 0;
  const completed = new Set<number>();

  const atom = (s: string): void => {
    lastAtom = out.length;
    out += s;
    lastWasQuant = false;
    exprStart = false;
  };
  const nonAtom = (s: string): void => {
    out += s;
    lastAtom = -1;
    lastWasQuant = false;
  };
  const quantify = (q: string): void => {
    // Stacked quantifiers (a**, a*\{2\}) are legal in POSIX; JS needs the atom grouped.
    if (lastWasQuant) out = `${out.slice(0, lastAtom)}(?:${out.slice(lastAtom)})`;
    out += q;
    lastWasQuant = true;
  };

  for (let i = 0; i < bre.length;) {
    const c = bre[i];
    if (c === '\\') {
      if (i + 1 >= bre.length) bad('trailing backslash');
      const d = bre[i + 1];
      i += 2;
      switch (d) {
        case '(':
          groupStarts.push(out.length);
          groupNums.push(++groupsOpened);
          out += '(';
          exprStart = true;
          lastAtom = -1;
          lastWasQuant = false;
          break;
        case ')': {
          const start = groupStarts.pop();
          const num = groupNums.pop();
          if (start === undefined || num === undefined) bad('unmatched \\)');
          out += ')';
          completed.add(num as number);
          lastAtom = start as number;
          lastWasQuant = false;
          exprStart = false;
          break;
        }
        case '|':
          out += '|';
          exprStart = true;
          lastAtom = -1;
          lastWasQuant = false;
          break;
        case '{': {
          const close = bre.indexOf('\\}', i);
          if (close < 0) bad('unmatched \\{');
          const m = /^(\d+)(,(\d*))?$/.exec(bre.slice(i, close));
          if (!m) bad('invalid content of \\{\\}');
          const lo = Number(m![1]);
          const hi = m![3] === undefined ? lo : m![3] === '' ? Infinity : Number(m![3]);
          if (lo > hi || lo > 0x7fff || (hi !== Infinity && hi > 0x7fff)) bad('invalid content of \\{\\}');
          if (lastAtom < 0) bad('invalid preceding regular expression');
          quantify(m![2] === undefined ? `{${lo}}` : m![3] === '' ? `{${lo},}` : `{${lo},${hi}}`);
          i = close + 2;
          break;
        }
        case '+': case '?':
          if (lastAtom < 0) atom(escLiteral(d)); else quantify(d);
          break;
        case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
          if (!completed.has(Number(d))) bad('invalid back reference');
          atom(`\\${d}`);
          break;
        case 'w': case 'W': case 's': case 'S':
          atom(`\\${d}`);
          break;
        case 'b': case 'B':
          nonAtom(`\\${d}`);
          break;
        case '<': nonAtom('\\b(?=\\w)'); break;
        case '>': nonAtom('\\b(?<=\\w)'); break;
        case '`': nonAtom('^'); break;
        case "'": nonAtom('$'); break;
        default:
          atom(escLiteral(d));
      }
      continue;
    }
    if (c === '^' && exprStart) {
      nonAtom('^');
      i++;
      continue;
    }
    if (c === '$' && (i + 1 === bre.length || bre.startsWith('\\)', i + 1) || bre.startsWith('\\|', i + 1))) {
      nonAtom('$');
      i++;
      continue;
    }
    if (c === '*') {
      if (lastAtom < 0) atom('\\*'); else quantify('*');
      i++;
      continue;
    }
    if (c === '.') { atom('[\\s\\S]'); i++; continue; }
    if (c === '[') {
      const r = parseBracket(bre, i, false);
      if (r === 'unterminated') bad('unmatched [');
      if (r === 'invalid') bad('invalid bracket expression');
      const b = r as { cls: string; end: number };
      atom(b.cls);
      i = b.end;
      continue;
    }
    atom(escLiteral(c));
    i++;
  }
  if (groupStarts.length > 0) bad('unmatched \\(');
  try {
    return new RegExp(out);
  } catch (e) {
    return bad((e as Error).message);
  }
}

// ---- default types --------------------------------------------------------------------------

// DPDK 22.11 legacy log types (logtype_strings in eal_common_log.c), registered at INFO by
// its log_init constructor; ids are fixed, 21..23 unused.
const LEGACY_TYPES: [number, string][] = [
  [0, 'lib.eal'], [1, 'lib.malloc'], [2, 'lib.ring'], [3, 'lib.mempool'], [4, 'lib.timer'],
  [5, 'pmd'], [6, 'lib.hash'], [7, 'lib.lpm'], [8, 'lib.kni'], [9, 'lib.acl'], [10, 'lib.power'],
  [11, 'lib.meter'], [12, 'lib.sched'], [13, 'lib.port'], [14, 'lib.table'], [15, 'lib.pipeline'],
  [16, 'lib.mbuf'], [17, 'lib.cryptodev'], [18, 'lib.efd'], [19, 'lib.eventdev'], [20, 'lib.gso'],
  [24, 'user1'], [25, 'user2'], [26, 'user3'], [27, 'user4'], [28, 'user5'], [29, 'user6'],
  [30, 'user7'], [31, 'user8'],
];

for (let i = 0; i < RTE_LOGTYPE_FIRST_EXT_ID; i++) { names.push(null); levels.push(0); }
for (const [id, name] of LEGACY_TYPES) { names[id] = name; levels[id] = LogLevel.INFO; }
// ethdev registers a dynamic type (RTE_LOG_REGISTER_DEFAULT, INFO) in DPDK; tsdpdk's ethdev is
// part of the core, so register it up front (registration is idempotent by name).
export const RTE_LOGTYPE_ETHDEV = registerLogType('lib.ethdev', LogLevel.INFO);
