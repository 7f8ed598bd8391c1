// lib/kvargs tests. Expected tokenizations and device-string parses were produced by DPDK 22.11.11 itself
// (Debian libdpdk: a probe calling rte_kvargs_parse / rte_kvargs_parse_delim / rte_devargs_parse with the
// vdev (net_null, net_pcap, net_ring, net_tap linked) and pci buses registered).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseKvargs, parseKvargsDelim, parseDevargs, vdevBus, pciAddrCanonical, isPciAddr, PCI_BUS, RTE_KVARGS_MAX,
  type Devargs,
} from '../src/lib/kvargs/index.js';
import { TsdpdkError } from '../src/lib/eal/errors.js';

function rejects(fn: () => unknown, code: string, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TsdpdkError, `not a TsdpdkError: ${String(e)}`);
    assert.equal(e.code, code);
    for (const f of fragments) assert.ok(e.message.includes(f), `message "${e.message}" lacks "${f}"`);
    return true;
  });
}

const pairs = (args: string): [string, string | null][] => parseKvargs(args).pairs.map((p) => [p.key, p.value]);

describe('rte_kvargs tokenizer (verified against DPDK 22.11)', () => {
  test('key=value lists, key-only pairs, empty pairs', () => {
    const cases: [string, [string, string | null][]][] = [
      ['a=1,b=2', [['a', '1'], ['b', '2']]],
      ['a', [['a', null]]],
      ['a,b', [['a', null], ['b', null]]],
      ['a=1,,b=2', [['a', '1'], ['b', '2']]],
      [',a=1', [['a', '1']]],
      ['a=1,', [['a', '1']]],
      ['', []],
      [',', []],
      [',,', []],
      ['=v', [['', 'v']]],
      ['k=', [['k', '']]],
      ['=', [['', '']]],
      ['a,=', [['a', null], ['', '']]],
      ['a=1,=2', [['a', '1'], ['', '2']]],
      ['a=,b', [['a', ''], ['b', null]]],
      ['a= 1, b =2', [['a', ' 1'], [' b ', '2']]],
    ];
    for (const [args, exp] of cases) assert.deepEqual(pairs(args), exp, JSON.stringify(args));
  });
  test('a second = makes the text between the two = the key', () => {
    assert.deepEqual(pairs('a==b'), [['', 'b']]);
    assert.deepEqual(pairs('a=b=c'), [['b', 'c']]);
  });
  test('brackets keep commas in values (and keys); no nesting', () => {
    const cases: [string, [string, string | null][]][] = [
      ['a=[1,2],b=3', [['a', '[1,2]'], ['b', '3']]],
      ['list=x[0-1]y[1,3-5,9]z,c', [['list', 'x[0-1]y[1,3-5,9]z'], ['c', null]]],
      ['a=[1,2', [['a', '[1,2']]],
      ['a=1]2,b', [['a', '1]2'], ['b', null]]],
      ['[a,b]=1', [['[a,b]', '1']]],
      ['a=[[1,2],3],b', [['a', '[[1,2]'], ['3]', null], ['b', null]]],
      ['a],b', [['a]', null], ['b', null]]],
      ['a[,b],c', [['a[,b]', null], ['c', null]]],
      ['a=x[,b=1', [['x[,b', '1']]],
    ];
    for (const [args, exp] of cases) assert.deepEqual(pairs(args), exp, args);
  });
  test('at most 32 pairs; a trailing comma after 32 already fails, like DPDK', () => {
    const n = (k: number, f: (i: number) => string): string => Array.from({ length: k }, (_, i) => f(i)).join(',');
    assert.equal(parseKvargs(n(32, (i) => `k${i}=${i}`)).count(), RTE_KVARGS_MAX);
    rejects(() => parseKvargs(n(33, (i) => `k${i}=${i}`)), 'EINVAL', 'at most 32');
    rejects(() => parseKvargs(n(33, (i) => `k${i}`)), 'EINVAL');
    rejects(() => parseKvargs(n(32, (i) => `k${i}`) + ','), 'EINVAL');
    assert.equal(parseKvargs(n(31, (i) => `k${i}`) + ',').count(), 31);
  });
  test('valid keys', () => {
    assert.equal(parseKvargs('a=1,b=2', ['a', 'b']).count(), 2);
    assert.equal(parseKvargs('a', ['a', 'b']).count(), 1);
    assert.equal(parseKvargs('', ['a']).count(), 0);
    assert.equal(parseKvargs(',', ['a']).count(), 0);
    rejects(() => parseKvargs('a=1,c=2', ['a', 'b']), 'EINVAL', "'c'", 'a, b');
    rejects(() => parseKvargs('=1', ['a', 'b']), 'EINVAL', "''");
    rejects(() => parseKvargs('x=1', []), 'EINVAL', "'x'");
  });
  test('parse up to a delimiter (rte_kvargs_parse_delim)', () => {
    assert.deepEqual(parseKvargsDelim('a=1,b=2/c=3', undefined, '/').pairs.map((p) => p.key), ['a', 'b']);
    assert.deepEqual(parseKvargsDelim('a=1,b=2/c=3', undefined, '/,').pairs.map((p) => p.key), ['a']);
    assert.equal(parseKvargsDelim('xa=1', undefined, 'x').count(), 0);
    assert.equal(parseKvargsDelim('a=1,b=2', ['a', 'b']).count(), 2);
    rejects(() => parseKvargsDelim('a=1,z=2/q', ['a'], '/'), 'EINVAL', "'z'");
  });
  test('a NUL ends the string as in C', () => {
    assert.deepEqual(pairs('a=1\0,b=2'), [['a', '1']]);
  });
});

describe('Kvargs queries', () => {
  const kv = parseKvargs('rx_pcap=a.pcap,tx_pcap=b.pcap,rx_pcap=c.pcap,flag,iface=[eth0,eth1]');
  test('get / getAll / count / has / getWithValue', () => {
    assert.equal(kv.get('rx_pcap'), 'a.pcap', 'first match');
    assert.deepEqual(kv.getAll('rx_pcap'), ['a.pcap', 'c.pcap']);
    assert.equal(kv.count('rx_pcap'), 2);
    assert.equal(kv.count(), 5);
    assert.equal(kv.count('none'), 0);
    assert.ok(kv.has('flag') && !kv.has('none'));
    assert.equal(kv.get('flag'), undefined, 'key without value');
    assert.deepEqual(kv.getAll('flag'), [null]);
    assert.equal(kv.get('iface'), '[eth0,eth1]');
    assert.equal(kv.getWithValue('rx_pcap', 'c.pcap'), 'c.pcap');
    assert.equal(kv.getWithValue(null, 'b.pcap'), 'b.pcap');
    assert.equal(kv.getWithValue('tx_pcap', 'a.pcap'), undefined);
  });
  test('process calls the handler per matching pair, in order', () => {
    const seen: string[] = [];
    kv.process('rx_pcap', (v, k) => { seen.push(`${k}=${v}`); });
    assert.deepEqual(seen, ['rx_pcap=a.pcap', 'rx_pcap=c.pcap']);
    kv.process('none', () => { throw new Error('not called'); });
  });
  test('process errors name the key (and value)', () => {
    rejects(() => kv.process(null, () => 0), 'EINVAL', "'flag'", 'needs a value');
    rejects(() => kv.process('tx_pcap', (v) => (v.endsWith('.pcapng') ? 0 : -1)), 'EINVAL', "'tx_pcap'", "'b.pcap'");
    assert.throws(() => kv.process('tx_pcap', () => { throw new RangeError('mine'); }), RangeError);
  });
  test('processOpt passes key-only pairs as null', () => {
    const seen: (string | null)[] = [];
    kv.processOpt(null, (v) => { seen.push(v); });
    assert.deepEqual(seen, ['a.pcap', 'b.pcap', 'c.pcap', null, '[eth0,eth1]']);
    rejects(() => kv.processOpt('flag', () => -1), 'EINVAL', "'flag'");
  });
  test('getUint', () => {
    const n = parseKvargs('size=64,hex=0x10,bad=12x,neg=-1,big=99999999999999999999,dup=1,dup=2,nov');
    assert.equal(n.getUint('size', 0), 64);
    assert.equal(n.getUint('hex', 0), 16);
    assert.equal(n.getUint('absent', 7), 7);
    assert.equal(n.getUint('size', 0, 64, 64), 64);
    rejects(() => n.getUint('bad', 0), 'EINVAL', "'bad'", "'12x'");
    rejects(() => n.getUint('neg', 0), 'EINVAL', "'neg'");
    rejects(() => n.getUint('big', 0), 'EINVAL', "'big'");
    rejects(() => n.getUint('size', 0, 0, 63), 'EINVAL', "'size'", '[0, 63]');
    rejects(() => n.getUint('dup', 0), 'EINVAL', "'dup'", '2 times');
    rejects(() => n.getUint('nov', 0), 'EINVAL', "'nov'");
  });
});

describe('rte_devargs_parse (verified against DPDK 22.11)', () => {
  const brief = (d: Devargs): string => `${d.bus ?? 'NULL'}|${d.cls ?? 'NULL'}|${d.name}|${d.args}|${d.busStr ?? 'NULL'}|${d.clsStr ?? 'NULL'}|${d.drvStr ?? 'NULL'}`;
  test('legacy form: [bus:]name[,args]', () => {
    const cases: [string, string][] = [
      ['net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap', 'vdev|NULL|net_pcap0|rx_pcap=in.pcap,tx_pcap=out.pcap|NULL|NULL|NULL'],
      ['vdev:net_null0', 'vdev|NULL|net_null0||NULL|NULL|NULL'],
      ['vdev:net_null0,size=64', 'vdev|NULL|net_null0|size=64|NULL|NULL|NULL'],
      ['vdevXnet_null0', 'vdev|NULL|net_null0||NULL|NULL|NULL'],
      ['vdev,net_null0', 'vdev|NULL|net_null0||NULL|NULL|NULL'],
      ['net_null0,', 'vdev|NULL|net_null0||NULL|NULL|NULL'],
      ['net_null0,a,b=[1,2]', 'vdev|NULL|net_null0|a,b=[1,2]|NULL|NULL|NULL'],
      ['net_null0,a=[1,2', 'vdev|NULL|net_null0|a=[1,2|NULL|NULL|NULL'],
      ['net_null0/x=1', 'vdev|NULL|net_null0/x=1||NULL|NULL|NULL'],
      ['net_tap0,iface=x', 'vdev|NULL|net_tap0|iface=x|NULL|NULL|NULL'],
      ['net_null0,iface=/dev/x', 'vdev|NULL|net_null0|iface=/dev/x|NULL|NULL|NULL'],
      ['eth_ringXY', 'vdev|NULL|eth_ringXY||NULL|NULL|NULL'],
      ['0000:01:00.0,x=1', 'pci|NULL|0000:01:00.0|x=1|NULL|NULL|NULL'],
      ['pci:0000:01:00.0', 'pci|NULL|0000:01:00.0||NULL|NULL|NULL'],
      ['01:00.0', 'pci|NULL|01:00.0||NULL|NULL|NULL'],
      ['0:1:0.0', 'pci|NULL|0:1:0.0||NULL|NULL|NULL'],
      ['ABCD:EF:1F.7', 'pci|NULL|ABCD:EF:1F.7||NULL|NULL|NULL'],
      ['net_null' + '0'.repeat(55), `vdev|NULL|net_null${'0'.repeat(55)}||NULL|NULL|NULL`],
    ];
    for (const [s, exp] of cases) assert.equal(brief(parseDevargs(s)), exp, s);
  });
  test('layered form: bus=/class=/driver=', () => {
    const cases: [string, string][] = [
      ['bus=vdev,name=net_null0/class=eth/driver=null,size=1', 'vdev|eth|net_null0|driver=null,size=1|bus=vdev,name=net_null0|class=eth|driver=null,size=1'],
      ['bus=vdev,name=net_null0', 'vdev|NULL|net_null0||bus=vdev,name=net_null0|NULL|NULL'],
      ['bus=vdev,name=foo/x', 'vdev|NULL|foo/x||bus=vdev,name=foo/x|NULL|NULL'],
      ['bus=vdev,name=net_null0/foo=bar', 'vdev|NULL|||bus=vdev,name=net_null0/foo=bar|NULL|NULL'],
      ['bus=vdev,foo=1,name=z', 'vdev|NULL|z||bus=vdev,foo=1,name=z|NULL|NULL'],
      ['bus=vdev,name=n,name=m', 'vdev|NULL|n||bus=vdev,name=n,name=m|NULL|NULL'],
      ['bus=vdev', 'vdev|NULL|||bus=vdev|NULL|NULL'],
      ['bus=vdev/driver=x', 'vdev|NULL||driver=x|bus=vdev|NULL|driver=x'],
      ['driver=x/bus=vdev,name=net_null0', 'vdev|NULL|net_null0|driver=x|bus=vdev,name=net_null0|NULL|driver=x'],
      ['bus=vdev,name=net_null0/bus=pci', 'pci|NULL|||bus=pci|NULL|NULL'],
      ['bus=pci,addr=01:00.0', 'pci|NULL|0000:01:00.0||bus=pci,addr=01:00.0|NULL|NULL'],
      ['bus=pci,name=0000:01:00.0', 'pci|NULL|||bus=pci,name=0000:01:00.0|NULL|NULL'],
      ['bus=pci/class=eth/driver=x', 'pci|eth||driver=x|bus=pci|class=eth|driver=x'],
      ['class=eth,mac=00:11:22:33:44:55', 'NULL|eth|||NULL|class=eth,mac=00:11:22:33:44:55|NULL'],
      ['vdev:net_null0/class=eth', 'NULL|eth|||NULL|class=eth|NULL'],
      ['bus=vdev/class=eth/driver=x/y', 'vdev|eth||driver=x/y|bus=vdev|class=eth|driver=x/y'],
      ['bus=vdev,name=x/driver=a,b=[1/2]', 'vdev|NULL|x|driver=a,b=[1/2]|bus=vdev,name=x|NULL|driver=a,b=[1/2]'],
      ['/bus=vdev,name=x', 'vdev|NULL|x||bus=vdev,name=x|NULL|NULL'],
    ];
    for (const [s, exp] of cases) assert.equal(brief(parseDevargs(s)), exp, s);
  });
  test('unknown devices: EFAULT naming the device; long names: EINVAL', () => {
    for (const [s, name] of [['foo0', 'foo0'], ['vdev:foo', 'vdev:foo'], ['pci:net_null0', 'pci:net_null0'], ['vdev:0000:01:00.0', 'vdev:0000:01:00.0'],
      ['01:00.0x', '01:00.0x'], ['123456789:01:00.0', '123456789:01:00.0'], ['0000:100:00.0', '0000:100:00.0'], ['01:00', '01:00'],
      ['name=net_null0', 'name=net_null0'], ['bus=foo,name=x', 'bus=foo'], ['class=foo', 'class=foo'], ['driver=x', 'driver=x'],
      ['bus=vdev/class=eth/class=eth/driver=x', 'bus=vdev/class=eth/class=eth/driver=x'], ['bus=vdev,name=x/class=eth/', 'bus=vdev'],
      ['pcixyz', 'pcixyz']]) {
      rejects(() => parseDevargs(s!), 'EFAULT', `failed to parse device "${name}"`);
    }
    rejects(() => parseDevargs('net_null' + '0'.repeat(56)), 'EINVAL', 'shorter than 64');
    // DPDK 22.11 crashes on a "bus" key without a value; here it is just not a known bus.
    rejects(() => parseDevargs('bus,name=z'), 'EFAULT', '"bus"');
  });
  test('buses and classes are the caller\'s (registered drivers)', () => {
    const buses = [vdevBus(['net_pcap', 'net_null', 'eth_null'])];
    assert.equal(parseDevargs('net_pcap0,rx_pcap=x', { buses }).name, 'net_pcap0');
    rejects(() => parseDevargs('net_tap0', { buses }), 'EFAULT', 'net_tap0');
    rejects(() => parseDevargs('0000:01:00.0', { buses }), 'EFAULT');
    assert.equal(parseDevargs('class=crypto', { classes: ['eth', 'crypto'] }).cls, 'crypto');
    rejects(() => parseDevargs('class=crypto'), 'EFAULT');
    const custom = { name: 'auxiliary', parse: (n: string) => n.startsWith('mlx5_core.'), devargsName: () => 'fixed' };
    assert.equal(parseDevargs('auxiliary:mlx5_core.sf.1,a=1', { buses: [PCI_BUS, custom] }).bus, 'auxiliary');
    assert.equal(parseDevargs('bus=auxiliary,name=q', { buses: [custom] }).name, 'fixed');
  });
  test('PCI addresses', () => {
    assert.ok(isPciAddr('0000:01:00.0') && isPciAddr('1:2.3') && !isPciAddr('01:00') && !isPciAddr('net_null0'));
    assert.equal(pciAddrCanonical('1:2.3'), '0000:01:02.3');
    assert.equal(pciAddrCanonical('ABCD:EF:1F.7'), 'abcd:ef:1f.7');
    assert.equal(pciAddrCanonical('x'), null);
  });
});
