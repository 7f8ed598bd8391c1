// Command registry and request handling (rte_telemetry_register_cmd, client_handler, perform_command).
// Per thread: the server thread's registry is the one clients reach.

import { fail } from '../eal/errors.js';
import { VERSION } from '../eal/eal.js';
import { MAX_CMD_LEN, MAX_OUTPUT_LEN, nullReply, outputJson, TEL_MAX_STRING_LEN, TelData } from './data.js';

/** telemetry_cb: fill `d`; a negative return (or a throw) gives the `{"<cmd>":null}` reply. */
export type TelemetryCb = (cmd: string, params: string | null, d: TelData) => number | void;

interface Callback {
  cmd: string;
  fn: TelemetryCb;
  help: string;
}

const callbacks: Callback[] = [];
const enc = new TextEncoder();
const dec = new TextDecoder();

/** The version /info and the greeting report (rte_version()); read late so eal.ts may import telemetry. */
function version(): string {
  return VERSION;
}

/** Why rte_telemetry_register_cmd would return -EINVAL, or null. */
export function commandNameError(cmd: string, help: string): string | null {
  if (typeof cmd !== 'string' || !cmd.startsWith('/')) return `telemetry command '${cmd}' must start with '/'`;
  if (enc.encode(cmd).length >= MAX_CMD_LEN) return `telemetry command '${cmd}' is longer than ${MAX_CMD_LEN - 1} bytes`;
  if (!/^[0-9A-Za-z_/]+$/.test(cmd)) return `telemetry command '${cmd}' may only contain letters, digits, '_' and '/'`;
  if (enc.encode(help).length >= TEL_MAX_STRING_LEN) return `help text of '${cmd}' is longer than ${TEL_MAX_STRING_LEN - 1} bytes`;
  return null;
}

/**
 * rte_telemetry_register_cmd in this thread. Throws TsdpdkError('EINVAL') where DPDK returns -EINVAL.
 * Kept sorted; registering a name again puts the new handler first (DPDK's insertion), so it wins.
 */
export function registerCommand(cmd: string, fn: TelemetryCb, help: string): void {
  const why = commandNameError(cmd, help);
  if (why !== null) fail('EINVAL', why);
  if (typeof fn !== 'function') fail('EINVAL', `telemetry command '${cmd}': handler must be a function`);
  let i = 0;
  while (i < callbacks.length && cmd > callbacks[i]!.cmd) i++;
  callbacks.splice(i, 0, { cmd, fn, help });
}

/** Registered command names, sorted (the `/` reply). */
export function commandList(): string[] {
  return callbacks.map((c) => c.cmd);
}

function find(cmd: string): Callback | undefined {
  return callbacks.find((c) => c.cmd === cmd);
}

/** The greeting sent on connect. */
export function greeting(): Buffer {
  return Buffer.from(`{"version":"${version()}","pid":${process.pid},"max_output_len":${MAX_OUTPUT_LEN}}`);
}

/** Errors from handlers go here (the server thread logs them). */
export let onHandlerError: (cmd: string, e: unknown) => void = () => {};
export function setHandlerErrorSink(f: (cmd: string, e: unknown) => void): void {
  onHandlerError = f;
}

/**
 * One request packet -> one reply packet, as client_handler does: the bytes up to the first NUL, split
 * by strtok at ',' (leading commas skipped; the rest after the first comma is the parameter, null when
 * empty); commands of 56+ bytes or unknown give `{"<cmd>":null}`.
 */
export function processRequest(req: Uint8Array): Buffer {
  let n = req.indexOf(0);
  if (n < 0) n = req.length;
  let s = 0;
  while (s < n && req[s] === 0x2c) s++;
  if (s >= n) return outputJson(enc.encode('(null)'), new TelData());
  let e = s;
  while (e < n && req[e] !== 0x2c) e++;
  const cmdBytes = req.subarray(s, e);
  const param = e + 1 < n ? dec.decode(req.subarray(e + 1, n)) : null;
  const cmd = dec.decode(cmdBytes);
  const cb = cmdBytes.length < MAX_CMD_LEN ? find(cmd) : undefined;
  const d = new TelData();
  if (!cb) return outputJson(cmdBytes, d);
  let ret: unknown;
  try {
    ret = cb.fn(cmd, param, d);
  } catch (err) {
    onHandlerError(cmd, err);
    return nullReply(cmdBytes);
  }
  if (ret instanceof Promise) {
    ret.catch(() => {});
    onHandlerError(cmd, new Error('telemetry handlers must be synchronous (returned a Promise)'));
    return nullReply(cmdBytes);
  }
  if (typeof ret === 'number' && ret < 0) return nullReply(cmdBytes);
  return outputJson(cmdBytes, d);
}

// ---- the three commands telemetry itself registers ----

registerCommand('/', (_c, _p, d) => {
  d.startArray('string');
  for (const c of callbacks) d.addArrayString(c.cmd);
  return 0;
}, 'Returns list of available commands, Takes no parameters');

registerCommand('/info', (_c, _p, d) => {
  d.startDict();
  d.addDictString('version', version());
  d.addDictInt('pid', process.pid);
  d.addDictInt('max_output_len', MAX_OUTPUT_LEN);
  return 0;
}, 'Returns DPDK Telemetry information. Takes no parameters');

registerCommand('/help', (cmd, params, d) => {
  const lookup = params ?? cmd;
  d.startDict();
  const cb = find(lookup);
  if (!cb) return -1;
  if (params === null) d.string(cb.help);
  else d.addDictString(params, cb.help);
  return 0;
}, 'Returns help text for a command. Parameters: string command');
