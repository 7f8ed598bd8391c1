// EAL command-line parsing. Cases marked (verified) were run through Debian's DPDK 22.11.11
// (dpdk-testpmd, or a probe program calling rte_eal_init) and gave the same accept/reject,
// lcore map, main lcore, service cores, consumed count and application arguments.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseEalArgs, parseLogLevelOption, parseCoremask, parseCorelist, parseLcoresMap, formatCpuList,
  ealUsage, EAL_INIT_FAILURE_EXIT, RTE_MAX_LCORE, type ParsedEalArgs, type EalParseEnv,
} from '../src/lib/eal/options.js';
import { TsdpdkError } from '../src/lib/eal/errors.js';

const CPUS8: EalParseEnv = { detectedCpus: [0, 1, 2, 3, 4, 5, 6, 7], posixlyCorrect: false };
const parse = (...args: string[]): ParsedEalArgs => parseEalArgs(['app', ...args], CPUS8);
const lcores = (r: ParsedEalArgs): [number, number[]][] => [...(r.options.lcores ?? new Map())];

/** Expect EINVAL whose message contains every fragment (the bad value, the option...). */
function rejects(args: string[], ...fragments: string[]): void {
  assert.throws(() => parseEalArgs(['app', ...args], CPUS8), (e: unknown) => {
    assert.ok(e instanceof TsdpdkError, `not a TsdpdkError: ${String(e)}`);
    assert.equal(e.code, 'EINVAL');
    assert.equal(e.errno, 22);
    for (const f of fragments) assert.ok(e.message.includes(f), `message "${e.message}" lacks "${f}"`);
    return true;
  });
}

describe('coremask -c', () => {
  test('hex with 0x prefix (verified)', () => {
    const r = parse('-c', '0x3');
    assert.deepEqual(lcores(r), [[0, [0]], [1, [1]]]);
    assert.equal(r.options.lcoreOption, '-c');
    assert.equal(r.options.mainLcore, 0);
  });
  test('0X prefix and uppercase digits', () => {
    assert.deepEqual(lcores(parse('-c', '0X3')), [[0, [0]], [1, [1]]]);
    assert.deepEqual(lcores(parse('-c', 'A')), [[1, [1]], [3, [3]]]);
    assert.deepEqual(lcores(parse('-c', '0xaC')).map(([l]) => l), [2, 3, 5, 7]);
  });
  test('no prefix, surrounding blanks (verified)', () => {
    assert.deepEqual(lcores(parse('-c', 'f0')).map(([l]) => l), [4, 5, 6, 7]);
    assert.deepEqual(lcores(parse('-c', ' 0x02 ')), [[1, [1]]]);
    assert.equal(parse('-c', ' 0x02 ').options.mainLcore, 1);
  });
  test('bad masks (verified)', () => {
    rejects(['-c', '0xg'], "invalid coremask '0xg'", 'invalid characters');
    rejects(['-c', '0x'], "'0x'", 'no lcores');
    rejects(['-c', '0x0'], "'0x0'", 'no lcores');
    rejects(['-c', '1' + '0'.repeat(32)], 'lcore 128 >= RTE_MAX_LCORE (128)');
  });
  test('cpu availability is checked against env.detectedCpus (verified message)', () => {
    assert.throws(() => parseEalArgs(['app', '-c', '0x4'], { detectedCpus: [0, 1] }),
      /invalid coremask '0x4': lcore 2 unavailable, please check specified cores are part of 0-1/);
    // Without env nothing is machine-dependent.
    assert.deepEqual([...parseEalArgs(['app', '-c', '0x4']).options.lcores!.keys()], [2]);
  });
  test('parseCoremask helper', () => {
    assert.deepEqual(parseCoremask('0x11'), [0, 4]);
  });
});

describe('core list -l', () => {
  test('ranges and singles; -l0-1 and -l 0-1 (verified)', () => {
    assert.deepEqual(lcores(parse('-l', '0-3,6')).map(([l]) => l), [0, 1, 2, 3, 6]);
    assert.deepEqual(lcores(parse('-l0-1')), [[0, [0]], [1, [1]]]);
    assert.deepEqual(lcores(parse('-l', '0-1')), [[0, [0]], [1, [1]]]);
    assert.equal(parse('-l', '0-1').options.lcoreOption, '-l');
  });
  test('map order is lcore-index order; main defaults to the lowest id (verified)', () => {
    const r = parse('-l', '3,1');
    assert.deepEqual([...r.options.lcores!.keys()], [3, 1]);
    assert.equal(r.options.mainLcore, 1);
  });
  test('duplicates collapse; DPDK quirks: empty element reads as 0, "+1" is 1 (verified)', () => {
    assert.deepEqual(parseCorelist('1,1-2'), [1, 2]);
    assert.deepEqual(parseCorelist('0,,1'), [0, 1]);
    assert.deepEqual(parseCorelist(',1'), [0, 1]);
    assert.deepEqual(parseCorelist('+1'), [1]);
    assert.deepEqual(parseCorelist('0 ,1'), [0, 1]);
  });
  test('bad lists (verified)', () => {
    rejects(['-l', '1-0'], "invalid core list '1-0'");
    rejects(['-l', '0x1'], "'0x1'");
    rejects(['-l', '-1'], "'-1'");
    rejects(['-l', '1-'], "'1-'");
    rejects(['-l', '200'], "'200'", 'lcore 200 >= RTE_MAX_LCORE (128)', '--lcores 0@200');
    rejects(['-l', '0-200'], 'too many lcores');
    assert.equal(RTE_MAX_LCORE, 128);
  });
});

describe('--lcores', () => {
  test('groups, @ forms, omitted @ (verified)', () => {
    const r = parse('--lcores', '1,2@3,(4-6)@(0-2),7@(5,6)');
    assert.deepEqual(lcores(r), [[1, [1]], [2, [3]], [4, [0, 1, 2]], [5, [0, 1, 2]], [6, [0, 1, 2]], [7, [5, 6]]]);
    assert.equal(r.options.lcoreOption, '--lcores');
    assert.equal(r.options.mainLcore, 1);
  });
  test('range without @: own cpu each; group without @: whole group each (verified)', () => {
    assert.deepEqual([...parseLcoresMap('0-2')], [[0, [0]], [1, [1]], [2, [2]]]);
    assert.deepEqual([...parseLcoresMap('(0,1)')], [[0, [0, 1]], [1, [0, 1]]]);
    assert.deepEqual([...parseLcoresMap('5@0-1')], [[5, [0, 1]]]);
    assert.deepEqual([...parseLcoresMap('3-1')], [[1, [1]], [2, [2]], [3, [3]]]);
  });
  test('an lcore given twice keeps its index and takes the later cpu set (verified)', () => {
    assert.deepEqual([...parseLcoresMap('1@0,1@1')], [[1, [1]]]);
    assert.deepEqual([...parseLcoresMap('(0-1)@1,1@0')], [[0, [1]], [1, [0]]]);
  });
  test('blanks are allowed around numbers (verified)', () => {
    assert.deepEqual([...parseLcoresMap(' 5 @ ( 0 , 1 ) ')], [[5, [0, 1]]]);
    assert.deepEqual([...parseLcoresMap('1@0, 2@1')], [[1, [0]], [2, [1]]]);
  });
  test('main lcore defaults to the lowest lcore id, not the first listed', () => {
    assert.equal(parse('--lcores', '3@0,1@1').options.mainLcore, 1);
  });
  test('bad maps (verified)', () => {
    for (const bad of ['1-3@0', '5@(0-1', '(0,1)@0,', '1@2@0', '(1-2-3)@0', '()@0', '(1,)@0', '1@(0']) {
      rejects(['--lcores', bad], 'invalid parameter for --lcores', `'${bad}'`);
    }
    rejects(['--lcores', '130@0'], "'130@0'", 'RTE_MAX_LCORE');
    assert.throws(() => parseEalArgs(['app', '--lcores', '1@2'], { detectedCpus: [0, 1] }), /core 2 unavailable/);
  });
});

describe('only one of -c/-l/--lcores (verified)', () => {
  test('conflicts name both options', () => {
    rejects(['-l', '0', '-c', '1'], 'option -c cannot be used with -l');
    rejects(['-l', '0', '-l', '1'], 'option -l cannot be used with -l');
    rejects(['--lcores', '1', '-l', '0'], 'option -l cannot be used with --lcores');
  });
  test('the second option is syntax-checked first, like DPDK', () => {
    rejects(['-l', '0', '--lcores', 'bad'], "invalid parameter for --lcores 'bad'");
  });
});

describe('--main-lcore', () => {
  test('explicit value, base prefixes (verified)', () => {
    assert.equal(parse('-l', '0-1', '--main-lcore', '1').options.mainLcore, 1);
    assert.equal(parse('-l', '0-1', '--main-lcore', '0x1').options.mainLcore, 1);
    assert.equal(parse('--main-lcore', '1', '-l', '0-1').options.mainLcore, 1);
  });
  test('must be enabled (verified)', () => {
    rejects(['-l', '0-1', '--main-lcore', '3'], 'main lcore 3 is not enabled');
    rejects(['-l', '0', '--main-lcore', '1x'], "invalid parameter for --main-lcore '1x'");
    rejects(['-l', '0', '--main-lcore', '128'], "'128'");
    rejects(['-l', '0', '--main-lcore', '-1'], "'-1'");
  });
  test('without a core option the default set comes from env (affinity)', () => {
    assert.equal(parseEalArgs(['app']).options.mainLcore, null);
    assert.equal(parseEalArgs(['app']).options.lcores, null);
    const env = { detectedCpus: [0, 1, 2, 3], affinityCpus: [2, 3] };
    assert.equal(parseEalArgs(['app'], env).options.mainLcore, 2);
    assert.throws(() => parseEalArgs(['app', '--main-lcore', '0'], env), /main lcore 0 is not enabled/);
  });
});

describe('service cores -s/-S (verified)', () => {
  test('mask and list', () => {
    assert.deepEqual(parse('-l', '0-3', '-s', '0xc').options.serviceCores, [2, 3]);
    assert.deepEqual(parse('-l', '0-3', '-S', '1,3').options.serviceCores, [1, 3]);
    assert.deepEqual(parse('-l', '0-3', '-S', '1-2').options.serviceCores, [1, 2]);
  });
  test('the default main lcore takes its lcore back from the services', () => {
    const r = parse('-l', '0-1', '-S', '0');
    assert.equal(r.options.mainLcore, 0);
    assert.deepEqual(r.options.serviceCores, []);
  });
  test('conflicts with an explicit main lcore, in either order', () => {
    rejects(['-l', '0-1', '--main-lcore', '1', '-S', '1'], "invalid service core list '1'", 'lcore 1 is main lcore');
    rejects(['-l', '0-1', '-S', '1', '--main-lcore', '1'], "--main-lcore '1'", 'service core');
    rejects(['--main-lcore', '1', '-s', '2'], "invalid service coremask '2'");
  });
  test('warnings DPDK prints but accepts', () => {
    const a = parse('-S', '1', '-l', '0');
    assert.ok(a.diagnostics.some((d) => d.message.startsWith('Service cores parsed before dataplane cores')));
    const b = parse('-l', '0', '-S', '5');
    assert.deepEqual(b.options.serviceCores, [5]);
    assert.ok(b.diagnostics.some((d) => d.message.startsWith('Not all service cores were in the coremask')));
  });
  test('bad values', () => {
    rejects(['-l', '0-1', '-S', '1,'], "'1,'");
    rejects(['-l', '0-1', '-s', '0x0'], "'0x0'");
    rejects(['-l', '0-1', '-S', '1-0'], "'1-0'");
  });
});

describe('memory options', () => {
  test('-m is MB via atoi: no size suffixes in 22.11 (verified accepted)', () => {
    assert.equal(parse('-m', '512').options.memoryMb, 512);
    assert.equal(parse('-m', '1G').options.memoryMb, 1);
    assert.equal(parse('-m', '12abc').options.memoryMb, 12);
    assert.equal(parse().options.memoryMb, null);
  });
  test('--socket-mem / --socket-limit lists', () => {
    assert.deepEqual(parse('--socket-mem', '1024,2048').options.socketMem, [1024, 2048]);
    assert.deepEqual(parse('--socket-mem', '1,2', '--socket-mem', '3').options.socketMem, [3, 2]);
    assert.deepEqual(parse('--socket-limit=0,512').options.socketLimit, [0, 512]);
    assert.equal(parse().options.socketMem, null);
    rejects(['--socket-limit', '1,,2'], "--socket-limit '1,,2'");
    rejects(['--socket-mem', '1,'], "'1,'");
    rejects(['--socket-mem', ',1'], "',1'");
  });
  test('conflicts (verified)', () => {
    rejects(['-m', '64', '--socket-mem', '64'], '-m', '--socket-mem', 'same time');
    rejects(['--no-huge', '--socket-mem', '64'], 'option --socket-mem cannot be used with --no-huge');
    rejects(['--no-huge', '--huge-unlink'], 'option --huge-unlink cannot be used with --no-huge');
    rejects(['--no-huge', '--in-memory'], '--legacy-mem', '--in-memory');
    rejects(['--no-huge', '--match-allocations'], '--match-allocations');
    rejects(['--no-huge', '--huge-worker-stack'], '--huge-worker-stack', '--no-huge');
    rejects(['--single-file-segments', '--huge-unlink'], '--single-file-segments');
    rejects(['--in-memory', '--huge-unlink=never'], '--in-memory', 'never');
  });
  test('--socket-limit with legacy memory is only logged (verified)', () => {
    const r = parse('--socket-limit', '1', '--legacy-mem');
    assert.ok(r.diagnostics.some((d) => d.message.includes('--socket-limit is only supported in non-legacy')));
  });
  test('--no-huge implies legacy memory; --in-memory implies no-shconf and unlink', () => {
    const a = parse('--no-huge');
    assert.equal(a.options.noHuge, true);
    assert.equal(a.options.legacyMem, true);
    const b = parse('--in-memory');
    assert.equal(b.options.inMemory, true);
    assert.equal(b.options.noShconf, true);
    assert.equal(b.options.hugeUnlink, 'always');
  });
  test('--huge-unlink forms: optional argument only with = (verified)', () => {
    assert.equal(parse().options.hugeUnlink, 'existing');
    assert.equal(parse('--huge-unlink').options.hugeUnlink, 'always');
    assert.equal(parse('--huge-unlink=always').options.hugeUnlink, 'always');
    const n = parse('--huge-unlink=never');
    assert.equal(n.options.hugeUnlink, 'never');
    assert.ok(n.diagnostics.some((d) => d.message === 'Using --huge-unlink=never may create data leaks.'));
    assert.equal(parse('--no-huge', '--huge-unlink=existing').options.hugeUnlink, 'existing');
    const sep = parse('--huge-unlink', 'never');   // "never" is not its argument: it goes to the app
    assert.equal(sep.options.hugeUnlink, 'always');
    assert.deepEqual(sep.appArgs, ['never']);
    rejects(['--huge-unlink=foo'], "'foo'");
  });
  test('-n / -r (verified)', () => {
    assert.equal(parse('-n', '4').options.memoryChannels, 4);
    assert.equal(parse('-r', '2').options.memoryRanks, 2);
    rejects(['-n', '0'], "invalid channel number '0'");
    rejects(['-r', '17'], "invalid rank number '17'");
    rejects(['-r', '-1'], "'-1'");
  });
});

describe('other options', () => {
  test('file prefix and process type (verified)', () => {
    assert.equal(parse().options.filePrefix, 'rte');
    assert.equal(parse('--file-prefix', 'foo').options.filePrefix, 'foo');
    assert.equal(parse('--file-prefix', '-x').options.filePrefix, '-x');
    rejects(['--file-prefix', 'a%b'], "'%'", 'a%b');
    rejects(['--file-prefix='], '--file-prefix');
    assert.equal(parse().options.procType, 'primary');
    assert.equal(parse('--proc-type', 'secondary').options.procType, 'secondary');
    assert.equal(parse('--proc-type', 'AUTO').options.procType, 'auto');
    assert.equal(parse('--proc-type', 'foo', '--proc-type', 'primary').options.procType, 'primary');
    rejects(['--proc-type', 'prim'], "invalid process type 'prim'");
  });
  test('iova mode, base address, simd width', () => {
    assert.equal(parse('--iova-mode', 'va').options.iovaMode, 'va');
    assert.equal(parse().options.iovaMode, null);
    rejects(['--iova-mode', 'PA'], "'PA'");
    assert.equal(parse('--base-virtaddr', '0x100000001').options.baseVirtaddr, 0x101000000n);   // 16 MB aligned
    assert.equal(parse('--base-virtaddr', '200000000').options.baseVirtaddr, 0x200000000n);
    rejects(['--base-virtaddr', 'zz'], "'zz'");
    assert.equal(parse('--force-max-simd-bitwidth', '0').options.forceMaxSimdBitwidth, 32768);
    assert.equal(parse('--force-max-simd-bitwidth', '256').options.forceMaxSimdBitwidth, 256);
    assert.equal(parse('--force-max-simd-bitwidth', '1024').options.forceMaxSimdBitwidth, 1024);
    rejects(['--force-max-simd-bitwidth', '100'], "'100'");
    rejects(['--force-max-simd-bitwidth', '64', '--force-max-simd-bitwidth', '128'], "'128'", 'override');
  });
  test('devices and drivers', () => {
    const r = parse('--vdev', 'net_null0', '--vdev=net_pcap0,rx_pcap=in.pcap', '-a', '0000:01:00.0', '--allow', '02:00.0,x=1',
      '--no-pci', '-d', '/lib/a.so', '-d', '/lib/pmds');
    assert.deepEqual(r.options.vdevs, ['net_null0', 'net_pcap0,rx_pcap=in.pcap']);
    assert.deepEqual(r.options.allow, ['0000:01:00.0', '02:00.0,x=1']);
    assert.equal(r.options.noPci, true);
    assert.deepEqual(r.options.drivers, ['/lib/a.so', '/lib/pmds']);
    assert.deepEqual(parse('-b', '0000:01:00.0', '--block', '0000:02:00.0').options.block, ['0000:01:00.0', '0000:02:00.0']);
    rejects(['-a', '0000:00:01.0', '-b', '0000:00:02.0'], '-a', '-b', "'0000:00:02.0'");
    rejects(['-b', '0000:00:02.0', '--allow', '0000:00:01.0'], "'0000:00:01.0'");
  });
  test('syslog, telemetry, mbuf ops, flags', () => {
    assert.equal(parse('--syslog', 'local3').options.syslogFacility, 'local3');
    assert.equal(parse().options.syslogFacility, null);
    rejects(['--syslog', 'LOCAL3'], "'LOCAL3'");
    assert.equal(parse().options.telemetry, true);
    assert.equal(parse('--no-telemetry', '--telemetry').options.telemetry, false);
    assert.equal(parse('--mbuf-pool-ops-name', 'stack').options.mbufPoolOpsName, 'stack');
    rejects(['--mbuf-pool-ops-name='], '--mbuf-pool-ops-name');
    const f = parse('--no-shconf', '--legacy-mem', '--single-file-segments', '--huge-dir', '/mnt/huge');
    assert.equal(f.options.noShconf, true);
    assert.equal(f.options.legacyMem, true);
    assert.equal(f.options.singleFileSegments, true);
    assert.equal(f.options.hugeDir, '/mnt/huge');
    assert.equal(parse('--match-allocations').options.matchAllocations, true);
  });
  test('accepted and ignored options still get DPDK\'s value checks (verified)', () => {
    const r = parse('--huge-worker-stack=64', '--trace=lib.eal.*', '--trace-dir', '/tmp', '--trace-bufsz', '2M',
      '--trace-mode', 'd', '--vfio-intr', 'msix', '--vfio-vf-token', '12345678-1234-1234-1234-123456789abc',
      '--create-uio-dev', '--no-hpet', '--vmware-tsc-map', '--telemetry');
    assert.deepEqual(r.appArgs, []);
    rejects(['--trace-bufsz', '0'], "'0'");
    rejects(['--trace-mode', 'x'], "'x'");
    rejects(['--vfio-intr', 'foo'], "'foo'");
    rejects(['--vfio-vf-token', 'nope'], "'nope'");
    rejects(['--huge-worker-stack=0'], "'0'");
  });
  test('-v and -h', () => {
    assert.equal(parse('-v').options.version, true);
    assert.equal(parse('-h').options.help, true);
    assert.equal(parse('--help').options.help, true);
    // -h exits at once in DPDK: later errors are never seen, earlier ones are (verified).
    assert.equal(parse('-h', '--foo').options.help, true);
    rejects(['--foo', '-h'], "unrecognized option '--foo'");
  });
});

describe('getopt behaviour', () => {
  test('"--" ends EAL options; ealArgs/appArgs/consumed (verified with telemetry)', () => {
    const r = parse('-l', '0', '--no-huge', '--', '-i', '--foo');
    assert.deepEqual(r.ealArgs, ['app', '-l', '0', '--no-huge']);
    assert.deepEqual(r.appArgs, ['-i', '--foo']);
    assert.deepEqual(r.appParams, ['-i', '--foo']);
    assert.equal(r.consumed, 4);
  });
  test('no "--"', () => {
    const r = parse('-l', '0');
    assert.deepEqual(r.ealArgs, ['app', '-l', '0']);
    assert.deepEqual(r.appArgs, []);
    assert.deepEqual(r.appParams, []);
    assert.equal(r.consumed, 2);
    assert.equal(parseEalArgs(['app']).consumed, 0);
  });
  test('non-options are permuted behind the EAL options (verified)', () => {
    const r = parse('-l', '0', 'foo', '--vdev', 'net_null0', 'bar', '--', 'baz');
    assert.deepEqual(r.options.vdevs, ['net_null0']);
    assert.deepEqual(r.appArgs, ['foo', 'bar', 'baz']);
    assert.deepEqual(r.ealArgs, ['app', '-l', '0', '--vdev', 'net_null0']);
    assert.equal(r.consumed, 5);
    const s = parse('-l', '0', 'foo', '--vdev', 'net_null0', 'bar');
    assert.deepEqual(s.appArgs, ['foo', 'bar']);
    assert.equal(s.consumed, 4);
    // Without "--" telemetry shows the moved words among the EAL params.
    assert.deepEqual(s.ealArgs, ['app', '-l', '0', '--vdev', 'net_null0', 'foo', 'bar']);
  });
  test('POSIXLY_CORRECT stops at the first non-option', () => {
    const r = parseEalArgs(['app', '-l', '0', 'foo', '--no-pci'], { posixlyCorrect: true });
    assert.deepEqual(r.appArgs, ['foo', '--no-pci']);
    assert.equal(r.options.noPci, false);
    assert.equal(r.consumed, 2);
  });
  test('clustered short options (verified)', () => {
    const a = parse('-vl0-1');
    assert.equal(a.options.version, true);
    assert.deepEqual(lcores(a), [[0, [0]], [1, [1]]]);
    const b = parse('-vl', '0-1');
    assert.equal(b.options.version, true);
    assert.deepEqual(lcores(b), [[0, [0]], [1, [1]]]);
  });
  test('DPDK quirk: an invalid option inside a cluster in argv[1] is skipped by pass 2 (verified)', () => {
    const r = parse('-vxl0', '--no-pci');
    assert.deepEqual(lcores(r), [[0, [0]]]);
    assert.equal(r.options.version, false);
    assert.equal(r.options.noPci, true);
    assert.ok(r.diagnostics.some((d) => d.level === 0 && d.message === "app: invalid option -- 'x'"));
    rejects(['--no-pci', '-vxl0'], "invalid option -- 'x'");
  });
  test('--opt=value and --opt value', () => {
    assert.deepEqual(lcores(parse('--lcores=0-1')), [[0, [0]], [1, [1]]]);
    assert.equal(parse('--file-prefix=x').options.filePrefix, 'x');
    assert.equal(parse('--file-prefix', 'x').options.filePrefix, 'x');
    assert.equal(parse('--vdev=').options.vdevs[0], '');
  });
  test('unambiguous long-option prefixes (verified)', () => {
    assert.equal(parse('--no-hu').options.noHuge, true);
    assert.deepEqual(lcores(parse('--lco', '0-1')), [[0, [0]], [1, [1]]]);
    assert.equal(parse('--hel').options.help, true);
    assert.equal(parse('--in-mem').options.inMemory, true);
  });
  test('getopt errors use glibc\'s messages (verified)', () => {
    rejects(['--h'], "option '--h' is ambiguous; possibilities: '--help' '--huge-dir' '--huge-unlink' '--huge-worker-stack'");
    rejects(['--l', '0'], "option '--l' is ambiguous");
    rejects(['--foo'], "unrecognized option '--foo'");
    rejects(['--foo=bar'], "unrecognized option '--foo=bar'");
    rejects(['-x'], "invalid option -- 'x'");
    rejects(['--no-huge=1'], "option '--no-huge' doesn't allow an argument");
    rejects(['--no-hu=1'], "option '--no-huge' doesn't allow an argument");
    rejects(['-l'], "option requires an argument -- 'l'");
    rejects(['--lcores'], "option '--lcores' requires an argument");
  });
  test('a required argument is taken even if it looks like an option (verified)', () => {
    rejects(['-l', '--', '0'], "invalid core list '--'");
    assert.deepEqual(parse('--vdev', '--no-pci').options.vdevs, ['--no-pci']);
  });
  test('lone "-" is a non-option (verified)', () => {
    assert.deepEqual(parse('-l', '0', '-', 'x').appArgs, ['-', 'x']);
  });
  test('argv must hold the program name', () => {
    assert.throws(() => parseEalArgs([]), (e: unknown) => e instanceof TsdpdkError && e.code === 'EINVAL');
  });
});

describe('--log-level (verified)', () => {
  const levels = (...args: string[]) => parse(...args).options.logLevels;
  test('glob with a level name', () => {
    assert.deepEqual(levels('--log-level=lib.eal:debug'), [{ kind: 'glob', pattern: 'lib.eal', level: 8 }]);
    assert.deepEqual(levels('--log-level', 'pmd.net.*:info'), [{ kind: 'glob', pattern: 'pmd.net.*', level: 7 }]);
  });
  test('regex uses a comma; a comma wins over a colon', () => {
    assert.deepEqual(levels('--log-level', 'pmd\\.net\\..*,8'), [{ kind: 'regex', pattern: 'pmd\\.net\\..*', level: 8 }]);
    assert.deepEqual(levels('--log-level', 'a:b,3'), [{ kind: 'regex', pattern: 'a:b', level: 3 }]);
  });
  test('global level; names by prefix in 1..8 order; numbers with C bases', () => {
    assert.deepEqual(levels('--log-level', '7'), [{ kind: 'global', level: 7 }]);
    const g = (t: string): number => (parseLogLevelOption(t) as { level: number }).level;
    assert.equal(g('e'), 1);            // emergency, not error
    assert.equal(g('er'), 4);
    assert.equal(g('c'), 3);
    assert.equal(g('warn'), 5);
    assert.equal(g('n'), 6);
    assert.equal(g('d'), 8);
    assert.equal(g('0x3'), 3);
    assert.equal(g('010'), 8);
    assert.equal(g('x: 3'), 3);
  });
  test('in order, several settings', () => {
    assert.deepEqual(levels('--log-level', '5', '--log-level', 'a.*:e', '--log-level', 'b,2'), [
      { kind: 'global', level: 5 }, { kind: 'glob', pattern: 'a.*', level: 1 }, { kind: 'regex', pattern: 'b', level: 2 },
    ]);
  });
  test('0 is rejected: DPDK reports it, stops taking --log-level options, and init goes on', () => {
    const r = parse('--log-level', 'x:1', '--log-level', 'my.*:0', '--log-level', 'z:3', '-l', '0');
    assert.deepEqual(r.options.logLevels, [{ kind: 'glob', pattern: 'x', level: 1 }]);
    assert.deepEqual(r.diagnostics.slice(0, 2), [
      { level: 0, message: 'Invalid log level: 0' },
      { level: 4, message: 'invalid parameters for --log-level' },
    ]);
    assert.deepEqual(lcores(r), [[0, [0]]]);
    assert.throws(() => parseLogLevelOption('x:0'), (e: unknown) => e instanceof TsdpdkError && e.code === 'EINVAL' && e.message.includes("'0'"));
    for (const bad of ['x:', 'x:08', 'x:2147483648', '4294967295', '-1', 'lib.eal:debugx']) {
      assert.throws(() => parseLogLevelOption(bad), TsdpdkError, bad);
    }
  });
  test('9 is clamped to 8 with DPDK\'s message', () => {
    const r = parse('--log-level', '9');
    assert.deepEqual(r.options.logLevels, [{ kind: 'global', level: 8 }]);
    assert.deepEqual(r.diagnostics[0], { level: 0, message: 'Log level 9 higher than maximum (8)' });
  });
  test('an invalid regex is reported like regcomp failing', () => {
    const r = parse('--log-level', '\\(,4', '--log-level', 'x:1');
    assert.deepEqual(r.options.logLevels, []);
    assert.deepEqual(r.diagnostics[0], { level: 0, message: 'cannot set log level \\(,4' });
    assert.throws(() => parseLogLevelOption('\\(,4'), TsdpdkError);
  });
  test('help: seen in pass 1, wins over later errors, not over earlier getopt errors', () => {
    assert.equal(parseLogLevelOption('help'), 'help');
    assert.equal(parse('--log-level', 'help', '--foo').options.logLevelHelp, true);
    assert.equal(parse('-c', 'zz', '--log-level=help').options.logLevelHelp, true);
    rejects(['--foo', '--log-level', 'help'], "unrecognized option '--foo'");
  });
});

test('ealUsage has DPDK\'s sections and options', () => {
  const u = ealUsage('dpdk-app');
  assert.ok(u.startsWith('\nUsage: dpdk-app [options]\n\nEAL common options:\n'));
  for (const s of ['  -c COREMASK', '  -l CORELIST', '  --lcores COREMAP', '  --main-lcore ID', '  --vdev', '  --log-level=help',
    '  -h, --help', '\nEAL options for DEBUG use only:\n', '  --no-huge', '\nEAL Linux options:\n', '  --socket-mem',
    '  --file-prefix', '  --huge-worker-stack[=size]', `from 0 to ${RTE_MAX_LCORE - 1}`]) {
    assert.ok(u.includes(s), `usage lacks ${JSON.stringify(s)}`);
  }
});

test('EAL init failure exit code and cpu list formatting', () => {
  assert.equal(EAL_INIT_FAILURE_EXIT, 1);
  assert.equal(formatCpuList([3, 0, 1, 2, 6, 8, 9]), '0-3,6,8-9');
});
