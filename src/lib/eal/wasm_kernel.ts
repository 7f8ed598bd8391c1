// Loads an AssemblyScript kernel (compiled next to its .js as <name>.wasm) over this process's shared
// Memory. Compiled once per thread; the instance imports the Memory, so kernels take Memory addresses.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fail } from './errors.js';

const modules = new Map<string, WebAssembly.Module>();
const instances = new Map<string, WebAssembly.Instance>();

export function loadKernel<T extends WebAssembly.Exports>(url: URL, memory: WebAssembly.Memory): T {
  const key = url.href;
  let inst = instances.get(key);
  if (inst && (inst as unknown as { __mem: WebAssembly.Memory }).__mem === memory) return inst.exports as T;
  let mod = modules.get(key);
  if (!mod) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(fileURLToPath(url));
    } catch (e) {
      fail('ENOENT', `Wasm kernel ${fileURLToPath(url)} is missing (run \`npm run build\`): ${(e as Error).message}`);
    }
    mod = new WebAssembly.Module(bytes);
    modules.set(key, mod);
  }
  inst = new WebAssembly.Instance(mod, {
    env: {
      memory,
      abort: () => {
        throw new Error(`Wasm kernel ${key} aborted`);
      },
    },
  });
  (inst as unknown as { __mem: WebAssembly.Memory }).__mem = memory;
  instances.set(key, inst);
  return inst.exports as T;
}
