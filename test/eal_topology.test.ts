// NUMA topology from sysfs (a fake sysfs tree), and the one-socket fallback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCpuList, readTopology } from '../src/lib/eal/topology.js';

test('parseCpuList', () => {
  assert.deepEqual(parseCpuList('0-3,8,10-11\n'), [0, 1, 2, 3, 8, 10, 11]);
  assert.deepEqual(parseCpuList(''), []);
});

test('two NUMA nodes from sysfs', () => {
  const root = mkdtempSync(join(tmpdir(), 'sysfs'));
  try {
    mkdirSync(join(root, 'devices/system/cpu'), { recursive: true });
    writeFileSync(join(root, 'devices/system/cpu/online'), '0-3\n');
    for (const [n, list] of [['node0', '0-1'], ['node1', '2-3']] as const) {
      mkdirSync(join(root, 'devices/system/node', n), { recursive: true });
      writeFileSync(join(root, 'devices/system/node', n, 'cpulist'), list + '\n');
    }
    const t = readTopology(root);
    assert.deepEqual(t.sockets, [0, 1]);
    assert.deepEqual(t.cpus, [0, 1, 2, 3]);
    assert.deepEqual([...t.cpuSocket.entries()], [[0, 0], [1, 0], [2, 1], [3, 1]]);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('no NUMA nodes in sysfs: one socket', () => {
  const root = mkdtempSync(join(tmpdir(), 'sysfs'));
  try {
    mkdirSync(join(root, 'devices/system/cpu'), { recursive: true });
    writeFileSync(join(root, 'devices/system/cpu/online'), '0-1\n');
    const t = readTopology(root);
    assert.deepEqual(t.sockets, [0]);
    assert.equal(t.cpuSocket.get(1), 0);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('this machine', () => {
  const t = readTopology();
  assert.ok(t.sockets.length >= 1);
  assert.ok(t.cpus.length >= 1);
  for (const c of t.cpus) assert.ok(t.sockets.includes(t.cpuSocket.get(c)!));
});
