// DPDK-style logging. Behaviours marked (verified) were compared with Debian's DPDK 22.11.11
// (rte_log_dump / rte_log_register_type_and_pick_level from a probe, `--log-level help` output).
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  LogLevel, RTE_LOG_MAX, logLevelName, registerLogType, lookupLogType, setGlobalLevel, getGlobalLevel,
  setLevel, getLevel, applyLogLevels, canLog, log, logf, openLogStream, listLogTypes, dumpLogTypes,
  logLevelHelp, fnmatch, bregexToRegExp, setLevelPattern, setLevelRegexp, setSyslogFacility,
  getSyslogFacility, RTE_LOGTYPE_EAL, RTE_LOGTYPE_USER1, RTE_LOGTYPE_FIRST_EXT_ID, RTE_LOGTYPE_ETHDEV,
} from '../src/lib/eal/log.js';
import { parseEalArgs } from '../src/lib/eal/options.js';
import { TsdpdkError } from '../src/lib/eal/errors.js';

// The registry is process-global: restore what tests change.
afterEach(() => {
  setGlobalLevel(LogLevel.DEBUG);
  setLevel(RTE_LOGTYPE_EAL, LogLevel.INFO);
  openLogStream(null);
});

function capture(): { out: string[]; restore: () => void } {
  const out: string[] = [];
  openLogStream((s) => { out.push(s); });
  return { out, restore: () => openLogStream(null) };
}

describe('levels and default types', () => {
  test('LogLevel values and DPDK names', () => {
    assert.deepEqual([LogLevel.EMERG, LogLevel.ALERT, LogLevel.CRIT, LogLevel.ERR, LogLevel.WARNING, LogLevel.NOTICE,
      LogLevel.INFO, LogLevel.DEBUG], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(RTE_LOG_MAX, 8);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(logLevelName),
      ['disabled', 'emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug', 'unknown']);
  });
  test('legacy types have DPDK\'s fixed ids, at INFO (verified against rte_log_dump)', () => {
    const expect: [string, number][] = [['lib.eal', 0], ['lib.malloc', 1], ['lib.ring', 2], ['lib.mempool', 3],
      ['lib.timer', 4], ['pmd', 5], ['lib.hash', 6], ['lib.mbuf', 16], ['lib.gso', 20], ['user1', 24], ['user8', 31]];
    for (const [name, id] of expect) {
      assert.equal(lookupLogType(name), id, name);
      assert.equal(getLevel(id), LogLevel.INFO, name);
    }
    assert.equal(RTE_LOGTYPE_USER1, 24);
    assert.equal(lookupLogType('lib.pmd'), -1);
    assert.equal(getLevel(21), 0);       // unused legacy slot
    assert.ok(RTE_LOGTYPE_ETHDEV >= RTE_LOGTYPE_FIRST_EXT_ID);
    assert.equal(lookupLogType('lib.ethdev'), RTE_LOGTYPE_ETHDEV);
  });
  test('global level defaults to debug', () => {
    assert.equal(getGlobalLevel(), LogLevel.DEBUG);
  });
});

describe('registration', () => {
  test('new types get ids from 32, idempotent by name, default INFO or given', () => {
    const a = registerLogType('t.reg.a');
    assert.ok(a >= RTE_LOGTYPE_FIRST_EXT_ID);
    assert.equal(registerLogType('t.reg.a', LogLevel.DEBUG), a);
    assert.equal(getLevel(a), LogLevel.INFO);
    const b = registerLogType('t.reg.b', LogLevel.NOTICE);
    assert.equal(b, a + 1);
    assert.equal(getLevel(b), LogLevel.NOTICE);
    assert.equal(registerLogType('lib.eal'), 0);
    assert.throws(() => registerLogType(''), TsdpdkError);
  });
  test('setLevel / getLevel validation like rte_log_set_level', () => {
    const t = registerLogType('t.set');
    setLevel(t, LogLevel.ERR);
    assert.equal(getLevel(t), 4);
    setLevel(t, 0);
    assert.equal(getLevel(t), 0);
    assert.throws(() => setLevel(t, 9), (e: unknown) => e instanceof TsdpdkError && e.code === 'EINVAL');
    assert.throws(() => setLevel(99999, 1), (e: unknown) => e instanceof TsdpdkError && e.code === 'EINVAL');
    assert.equal(getLevel(99999), -1);
    assert.throws(() => setGlobalLevel(9), TsdpdkError);
  });
});

describe('output', () => {
  test('canLog needs both the global and the type level', () => {
    const t = registerLogType('t.can', LogLevel.DEBUG);
    assert.equal(canLog(LogLevel.DEBUG, t), true);
    setGlobalLevel(LogLevel.INFO);
    assert.equal(canLog(LogLevel.DEBUG, t), false);
    assert.equal(canLog(LogLevel.INFO, t), true);
    setLevel(t, LogLevel.ERR);
    assert.equal(canLog(LogLevel.WARNING, t), false);
    assert.equal(canLog(LogLevel.ERR, t), true);
    assert.equal(canLog(LogLevel.EMERG, 99999), false);
  });
  test('log writes the message exactly; returns -1 / 0 / length', () => {
    const c = capture();
    const t = registerLogType('t.out');
    assert.equal(log(LogLevel.INFO, t, 'raw text\n'), 9);
    assert.equal(log(LogLevel.DEBUG, t, 'filtered\n'), 0);
    assert.equal(log(LogLevel.INFO, 99999, 'x'), -1);
    c.restore();
    assert.deepEqual(c.out, ['raw text\n']);
  });
  test('logf gives RTE_LOG lines: "EAL: msg"', () => {
    const c = capture();
    logf(LogLevel.ERR, RTE_LOGTYPE_EAL, 'EAL', 'Main lcore is not enabled for DPDK');
    logf(LogLevel.NOTICE, RTE_LOGTYPE_EAL, 'EAL', 'already terminated\n');
    logf(LogLevel.DEBUG, RTE_LOGTYPE_EAL, 'EAL', 'hidden');
    c.restore();
    assert.deepEqual(c.out, ['EAL: Main lcore is not enabled for DPDK\n', 'EAL: already terminated\n']);
  });
  test('level changes are announced at debug on lib.eal (verified)', () => {
    const t = registerLogType('t.announce');
    setLevel(RTE_LOGTYPE_EAL, LogLevel.DEBUG);
    const c = capture();
    setLevel(t, LogLevel.DEBUG);
    setLevel(t, LogLevel.DEBUG);          // no change, no line
    registerLogType('t.announce.new', LogLevel.ERR);
    c.restore();
    assert.deepEqual(c.out, ['EAL: t.announce log level changed from info to debug\n',
      'EAL: t.announce.new log level changed from disabled to error\n']);
  });
  test('syslog facility is only recorded', () => {
    assert.equal(getSyslogFacility(), 'daemon');
    setSyslogFacility('local3');
    assert.equal(getSyslogFacility(), 'local3');
    setSyslogFacility('daemon');
  });
});

describe('applyLogLevels (verified)', () => {
  test('--log-level=lib.eal:debug-style settings from the parser', () => {
    const t1 = registerLogType('t1.net.a');
    const t2 = registerLogType('t1.net.b');
    const t3 = registerLogType('t1.other');
    const r = parseEalArgs(['app', '--log-level', 't1.net.*:debug', '--log-level', 't1\\.net\\.b,2', '--log-level', '6']);
    applyLogLevels(r.options.logLevels);
    assert.equal(getLevel(t1), LogLevel.DEBUG);
    assert.equal(getLevel(t2), LogLevel.ALERT);     // later wins for registered types
    assert.equal(getLevel(t3), LogLevel.INFO);
    assert.equal(getGlobalLevel(), LogLevel.NOTICE);
  });
  test('regex is a search, glob a full match', () => {
    const t = registerLogType('t2.pmd.net.null');
    applyLogLevels([{ kind: 'regex', pattern: 'net', level: LogLevel.ERR }]);
    assert.equal(getLevel(t), LogLevel.ERR);
    applyLogLevels([{ kind: 'glob', pattern: 'net', level: LogLevel.DEBUG }]);
    assert.equal(getLevel(t), LogLevel.ERR);
  });
  test('types registered later pick the level; the EARLIEST match wins for them', () => {
    applyLogLevels([
      { kind: 'glob', pattern: 't3.*', level: LogLevel.DEBUG },
      { kind: 'glob', pattern: 't3.nic.x', level: LogLevel.ERR },
      { kind: 'regex', pattern: '^t3\\.\\(a\\|b\\)$', level: LogLevel.CRIT },
    ]);
    assert.equal(getLevel(registerLogType('t3.nic.x')), LogLevel.DEBUG);
    assert.equal(getLevel(registerLogType('t3.a')), LogLevel.DEBUG);
    assert.equal(getLevel(registerLogType('t3.a', LogLevel.ERR)), LogLevel.DEBUG);   // already registered
    applyLogLevels([{ kind: 'regex', pattern: '^t4\\.b$', level: LogLevel.CRIT }]);
    assert.equal(getLevel(registerLogType('t4.b')), LogLevel.CRIT);
    assert.equal(getLevel(registerLogType('t4.c', LogLevel.NOTICE)), LogLevel.NOTICE);
  });
  test('a global setting is not remembered per type', () => {
    applyLogLevels([{ kind: 'global', level: LogLevel.WARNING }]);
    assert.equal(getGlobalLevel(), LogLevel.WARNING);
    assert.equal(getLevel(registerLogType('t5.x')), LogLevel.INFO);
  });
  test('invalid input throws EINVAL', () => {
    assert.throws(() => applyLogLevels([{ kind: 'regex', pattern: '\\(', level: 3 }]), TsdpdkError);
    assert.throws(() => applyLogLevels([{ kind: 'global', level: 0 }]), TsdpdkError);
  });
  test('setLevelPattern / setLevelRegexp apply without remembering', () => {
    const t = registerLogType('t6.a');
    setLevelPattern('t6.*', LogLevel.ERR);
    setLevelRegexp('^t6', LogLevel.CRIT);
    assert.equal(getLevel(t), LogLevel.CRIT);
    assert.equal(getLevel(registerLogType('t6.b')), LogLevel.INFO);
  });
});

describe('fnmatch (flags 0)', () => {
  test('wildcards, classes, escapes', () => {
    assert.equal(fnmatch('pmd.net.*', 'pmd.net.null'), true);
    assert.equal(fnmatch('pmd.net.*', 'xpmd.net.null'), false);   // whole-name match
    assert.equal(fnmatch('*', 'a/b.c'), true);                     // no FNM_PATHNAME/PERIOD
    assert.equal(fnmatch('lib.?al', 'lib.eal'), true);
    assert.equal(fnmatch('[!l]*', 'pmd'), true);
    assert.equal(fnmatch('[!l]*', 'lib.eal'), false);
    assert.equal(fnmatch('[^p]*', 'pmd'), false);
    assert.equal(fnmatch('[a-c]x', 'bx'), true);
    assert.equal(fnmatch('[]]', ']'), true);
    assert.equal(fnmatch('user[[:digit:]]', 'user7'), true);
    assert.equal(fnmatch('user[[:alpha:]]', 'user7'), false);
    assert.equal(fnmatch('a\\*', 'a*'), true);
    assert.equal(fnmatch('a\\*', 'ab'), false);
    assert.equal(fnmatch('a[b', 'a[b'), true);                     // unclosed '[' is literal
    assert.equal(fnmatch('xyz\\', 'xyz\\'), false);                // trailing '\' never matches (verified)
  });
});

describe('POSIX BRE -> RegExp', () => {
  const m = (re: string, s: string): boolean => bregexToRegExp(re).test(s);
  test('search semantics, anchors, literal specials', () => {
    assert.equal(m('pmd\\.net\\..*', 'pmd.net.null'), true);
    assert.equal(m('net', 'pmd.net.null'), true);
    assert.equal(m('^net', 'pmd.net.null'), false);
    assert.equal(m('null$', 'pmd.net.null'), true);
    assert.equal(m('a^b', 'a^b'), true);           // '^' not at the start is literal
    assert.equal(m('a$b', 'a$b'), true);
    assert.equal(m('*zz', 'zz'), false);           // leading '*' is literal (verified)
    assert.equal(m('*zz', '*zz'), true);
    assert.equal(m('a+', 'a'), false);             // '+' is literal in a BRE
    assert.equal(m('(a)', '(a)'), true);
    assert.equal(m('a{2}', 'a{2}'), true);
  });
  test('groups, intervals, alternation, back-references, classes', () => {
    assert.equal(m('^lib\\.\\(eal\\|ring\\)$', 'lib.ring'), true);
    assert.equal(m('^lib\\.\\(eal\\|ring\\)$', 'lib.mbuf'), false);
    assert.equal(m('z\\{2\\}', 'pmd.net.zz'), true);   // (verified)
    assert.equal(m('a\\{2\\}', 'abab'), false);
    assert.equal(m('^a\\{1,2\\}$', 'aaa'), false);
    assert.equal(m('x\\+', 'xyz'), true);
    assert.equal(m('\\(ab\\)\\1', 'abab'), true);
    assert.equal(m('[[:alpha:]]\\.[[:alpha:]]', 'zz.a'), true);
    assert.equal(m('a**', 'aaa'), true);
    assert.equal(m('[^a-c]', 'abc'), false);
  });
  test('what regcomp rejects throws EINVAL (verified for \\(, [z-a], \\1, a\\(b)', () => {
    for (const bad of ['\\(', 'a\\(b', '[z-a]', '\\1', '[abc', 'x\\', '\\)', '\\{1\\}', 'a\\{2,1\\}', '[[:nope:]]']) {
      assert.throws(() => bregexToRegExp(bad), (e: unknown) => e instanceof TsdpdkError && e.code === 'EINVAL', bad);
    }
  });
});

describe('dumps', () => {
  test('dumpLogTypes has rte_log_dump\'s format', () => {
    const d = dumpLogTypes();
    assert.ok(d.startsWith('global log level is debug\nid 0: lib.eal, level is info\nid 1: lib.malloc, level is info\n'));
    assert.ok(d.includes('id 24: user1, level is info\n'));
    assert.ok(!d.includes('id 21:'));
    assert.deepEqual(listLogTypes()[0], { id: 0, name: 'lib.eal', level: LogLevel.INFO });
  });
  test('logLevelHelp matches DPDK\'s --log-level help layout (verified)', () => {
    const h = logLevelHelp();
    assert.ok(h.startsWith('Log type is a pattern matching items of this list (plugins may be missing):\n'));
    const names = h.split('\n').filter((l) => l.startsWith('\t') && !/^\t\d/.test(l)).map((l) => l.slice(1));
    assert.deepEqual(names, [...names].sort());
    assert.ok(names.includes('lib.eal') && names.includes('pmd') && names.includes('user8'));
    assert.ok(h.endsWith('\nSyntax using globbing pattern:     --log-level pattern:level\n' +
      'Syntax using regular expression:   --log-level regexp,level\n' +
      'Syntax for the global level:       --log-level level\n' +
      'Logs are emitted if allowed by both global and specific levels.\n\n' +
      'Log level can be a number or the first letters of its name:\n' +
      '\t1   emergency\n\t2   alert\n\t3   critical\n\t4   error\n\t5   warning\n\t6   notice\n\t7   info\n\t8   debug\n'));
  });
});
