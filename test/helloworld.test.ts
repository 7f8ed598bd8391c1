// The README's main job: helloworld with exactly `-l 0-1 --no-huge --`: a worker lcore allocates from the
// shared heap and the main lcore reads what it wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../examples/helloworld/main.js', import.meta.url));

test('helloworld -l 0-1 --no-huge --', () => {
  const r = spawnSync(process.execPath, [main, '-l', '0-1', '--no-huge', '--'], { encoding: 'utf8', timeout: 30000 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').sort();
  assert.deepEqual(lines.filter((l) => l.startsWith('hello')), ['hello from core 0', 'hello from core 1']);
  assert.match(r.stdout, /main lcore read from the shared heap at 0x[0-9a-f]+: "lcore 1 on socket 0 was here"/);
  assert.match(r.stderr, /EAL: Detected CPU lcores: \d+/);
  assert.match(r.stderr, /EAL: Selected IOVA mode 'VA'/);
});

test('a bad EAL option exits 1 with the cause, like rte_exit', () => {
  const r = spawnSync(process.execPath, [main, '-l', '0-1', '--no-such-option', '--'], { encoding: 'utf8', timeout: 30000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Cause: Cannot init EAL: .*--no-such-option/);
});

test('-h prints the EAL usage and exits 0', () => {
  const r = spawnSync(process.execPath, [main, '-h'], { encoding: 'utf8', timeout: 30000 });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /--lcores/);
  assert.match(r.stdout, /--file-prefix/);
});
