// Entry of a worker lcore thread: attach to the process's EAL (same Memory), pin, then run launches.

import { parentPort, workerData } from 'node:worker_threads';
import { attachWorkerThread, type WorkerBoot } from './eal.js';
import { lcoreState, workerRunLaunch, workerSignalReady } from './lcore.js';

const boot = workerData as WorkerBoot;

interface LaunchMessage {
  kind: 'launch';
  url: string;
  exportName: string;
  arg: unknown;
}

try {
  attachWorkerThread(boot);
  parentPort!.on('message', (m: LaunchMessage) => {
    if (m.kind === 'launch') void workerRunLaunch(boot.lcoreId, m.url, m.exportName, m.arg);
  });
  workerSignalReady(boot.lcoreId);
} catch (e) {
  if (lcoreState.memI32 === null) {
    lcoreState.table = boot.table;
    lcoreState.memI32 = new Int32Array(boot.desc.memory.buffer);
    lcoreState.memU8 = new Uint8Array(boot.desc.memory.buffer);
  }
  workerSignalReady(boot.lcoreId, e instanceof Error ? e.message : String(e));
}
