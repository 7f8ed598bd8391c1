#!/usr/bin/env node
// DPDK's helloworld: every lcore says hello. Here each worker lcore also allocates from the shared
// heap and writes into it, and the main lcore reads what the workers wrote.
//   node dist/examples/helloworld/main.js -l 0-1 --no-huge --

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import * as eal from '../../src/lib/eal/index.js';

/** Runs on each worker lcore (launched by module URL + export name). */
export function lcoreHello(slotOffset: number): number {
  const id = eal.lcoreId();
  console.log(`hello from core ${id}`);
  const w = eal.sharedWindow();
  // Allocate on this lcore's socket and leave a note for the main lcore.
  const buf = eal.zmalloc('hello', 64);
  const text = new TextEncoder().encode(`lcore ${id} on socket ${eal.socketId()} was here`);
  w.u8.set(text, buf);
  Atomics.store(w.u32, (slotOffset >>> 2) + id, buf);
  return 0;
}

async function main(): Promise<void> {
  let appArgs: string[];
  try {
    appArgs = eal.init(process.argv.slice(2), 'helloworld');
  } catch (e) {
    eal.exit(1, `Cannot init EAL: ${(e as Error).message}`);
  }
  void appArgs;
  const slots = eal.zmalloc('hello_slots', 128 * 4);
  for (const id of eal.workerLcores()) eal.remoteLaunch(id, import.meta.url, 'lcoreHello', slots);
  console.log(`hello from core ${eal.lcoreId()}`);
  eal.mpWaitLcore();
  const w = eal.sharedWindow();
  for (const id of eal.workerLcores()) {
    const buf = Atomics.load(w.u32, (slots >>> 2) + id);
    if (buf === 0) {
      console.log(`lcore ${id} left nothing (${eal.lcoreLastError(id) ?? 'no error'})`);
      continue;
    }
    const end = w.u8.indexOf(0, buf);
    console.log(`main lcore read from the shared heap at 0x${buf.toString(16)}: "${new TextDecoder().decode(w.u8.slice(buf, end))}"`);
    eal.free(buf);
  }
  eal.free(slots);
  await eal.cleanup();
}

// Worker lcores import this module too (for lcoreHello); only the main thread runs main().
if (isMainThread && process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
