// Compiles every AssemblyScript kernel (src/**/*.as.ts) into dist/ beside the compiled JS.
// Kernels import the process's shared Memory (env.memory) and keep no static data.
import { readdirSync, mkdirSync, statSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.as.ts')) out.push(p);
  }
  return out;
}

const kernels = walk(join(root, 'src'), []);
for (const src of kernels) {
  const rel = relative(root, src).replace(/\.as\.ts$/, '.wasm');
  const out = join(root, 'dist', rel);
  mkdirSync(dirname(out), { recursive: true });
  execFileSync(process.execPath, [asc, src, '-O3', '--runtime', 'stub', '--importMemory', '--sharedMemory',
    '--initialMemory', '1', '--maximumMemory', '65536', '--enable', 'threads', '--enable', 'simd', '--noExportMemory',
    '--noAssert', '--outFile', out], { stdio: 'inherit', cwd: root });
}
console.log(`build-wasm: ${kernels.length} kernel(s)`);
