// npm `install` hook: builds native/tsdpdk.node with node-gyp. A failed build must not fail
// the install (the pure-TypeScript subset still works), so this always exits 0 and leaves
// the reason in native/build-native.log for the loader's error message.
import { existsSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const logFile = join(nativeDir, 'build-native.log');
const WARNING = 'WARNING: tsdpdk native addon was not built; hugepages, secondary processes and CPU pinning '
  + 'will be unavailable (use --no-huge / --in-memory). ';

function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return null;
}

/** [command, args-prefix] for node-gyp, or null. */
function findNodeGyp() {
  // npm exports its bundled node-gyp here for lifecycle scripts.
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, [fromNpm]];
  const bin = onPath('node-gyp');
  if (bin) return [bin, []];
  // npm's bundled copy: beside the running npm (npm_execpath), the npm on PATH, or next to node.
  const candidates = [];
  if (process.env.npm_execpath) candidates.push(join(dirname(process.env.npm_execpath), '..'));
  const npm = onPath('npm');
  if (npm) {
    try { candidates.push(join(dirname(realpathSync(npm)), '..')); } catch { /* dangling link */ }
  }
  candidates.push(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'));
  for (const npmDir of candidates) {
    const js = join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(js)) return [process.execPath, [js]];
  }
  return null;
}

function run(cmd, args) {
  return new Promise((resolve) => {
    const out = [];
    const child = spawn(cmd, args, { cwd: nativeDir, stdio: ['ignore', 'pipe', 'pipe'] });
    const tee = (stream) => (chunk) => { stream.write(chunk); out.push(chunk); };
    child.stdout.on('data', tee(process.stdout));
    child.stderr.on('data', tee(process.stderr));
    child.on('error', (err) => resolve({ ok: false, output: `${Buffer.concat(out)}${err.message}\n` }));
    child.on('close', (code, signal) => resolve({
      ok: code === 0,
      output: `${Buffer.concat(out)}${code === 0 ? '' : `node-gyp exited with ${signal ?? code}\n`}`,
    }));
  });
}

function giveUp(reason, output = '') {
  // Keep the tail: node-gyp's real error is at the end of a long log.
  const tail = output.split('\n').slice(-40).join('\n');
  try { writeFileSync(logFile, `${reason}\n${tail}`); } catch { /* read-only tree: the warning still says it */ }
  console.warn(`${WARNING}Reason: ${reason}`);
  process.exit(0);
}

if (process.platform !== 'linux') giveUp(`the addon needs Linux (this is ${process.platform})`);
const gyp = findNodeGyp();
if (!gyp) giveUp('node-gyp not found (not in npm_config_node_gyp, PATH, or npm\'s bundled copy)');

const args = [...gyp[1], 'rebuild'];
// Without a nodedir node-gyp downloads headers; distro Node ships them in /usr/include/node.
if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) args.push('--nodedir=/usr');
const { ok, output } = await run(gyp[0], args);
if (!ok || !existsSync(join(nativeDir, 'build', 'Release', 'tsdpdk.node'))) {
  giveUp(`node-gyp rebuild failed (needs python3, make, g++); see ${logFile}`, output);
}
rmSync(logFile, { force: true });
console.log('build-native: native/build/Release/tsdpdk.node');
