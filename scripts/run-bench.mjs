// npm run bench -- NAME [args]: runs dist/bench/NAME.js (or NAME_perf.js).
import { existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'dist', 'bench');
const [name, ...rest] = process.argv.slice(2);
const available = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'harness.js').map((f) => f.replace(/\.js$/, '')) : [];
if (!name) {
  console.error(`usage: npm run bench -- NAME   (available: ${available.join(', ') || 'none; run npm run build'})`);
  process.exit(2);
}
const file = [join(dir, `${name}.js`), join(dir, `${name}_perf.js`)].find((f) => existsSync(f));
if (!file) {
  console.error(`no benchmark '${name}' (available: ${available.join(', ')})`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--expose-gc', file, ...rest], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
