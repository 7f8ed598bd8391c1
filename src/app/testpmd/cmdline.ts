// The testpmd> command line: commands matched token by token like DPDK's cmdline library ("Command not
// found" when no command matches the first word, "Bad arguments" when one started to match), the stdin
// prompt (echoing piped input as cmdline does) and --cmdline-file (silent, like a file-based cmdline).

import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import * as ethdev from '../../lib/ethdev/index.js';
import { fwdConfigSetup, pktFwdConfigDisplay, rxtxConfigDisplay } from './config.js';
import { ctx, FWD_MODES, MAX_PKT_BURST, RTE_MAX_SEGS_PER_PKT, RTE_PORT_ALL, SUPPORTED_FWD_MODES, TestpmdExit } from './context.js';
import { setVerbose, startPacketForwarding, stopPacketForwarding } from './forwarding.js';
import { err, out } from './io.js';
import {
  parseItemList, parsePortList, setFwdLcoresList, setFwdMode, setFwdPortsList, setFwdPortsMask, setTxPktSegments,
  strtoul, unformatMac, type ParamEnv,
} from './params.js';
import { closePort, ethdevLog, setPromisc, startPort, stopPort } from './ports.js';
import { fwdStatsDisplay, fwdStatsReset, nicStatsClear, nicStatsDisplay } from './stats.js';
import { portInfosDisplay, portSummaryDisplay, portSummaryHeader, nicXstatsClear, nicXstatsDisplay } from './port_info.js';
import { strerror } from './strerror.js';

let env: ParamEnv | null = null;

export function initCmdline(e: ParamEnv): void {
  env = e;
}

// ---- token matching (cmdline_parse) ----

type Tok = string | 'u8' | 'u16' | 'u32' | '*';
interface Inst {
  tokens: Tok[][];
  run: (a: string[]) => void;
}

function parseNum(s: string, max: number): number | null {
  const r = strtoul(s, 0);
  if (r.end !== s.length || s.startsWith('-') || s.startsWith('+') || r.value > BigInt(max)) return null;
  return Number(r.value);
}

function tokMatch(spec: Tok[], word: string): boolean {
  for (const t of spec) {
    if (t === 'u8' ? parseNum(word, 0xff) !== null
      : t === 'u16' ? parseNum(word, 0xffff) !== null
        : t === 'u32' ? parseNum(word, 0xffffffff) !== null
          : t === '*' ? true
            : t === word) return true;
  }
  return false;
}

const c = (s: string): Tok[] => s.split('#');

function portSel(w: string): number {
  return w === 'all' ? RTE_PORT_ALL : Number(strtoul(w, 0).value);
}

const INSTS: Inst[] = [
  { tokens: [c('start')], run: () => startPacketForwarding(0) },
  { tokens: [c('start'), c('tx_first')], run: () => startPacketForwarding(1) },
  { tokens: [c('start'), c('tx_first'), ['u32']], run: (a) => startPacketForwarding(Number(strtoul(a[2]!, 0).value)) },
  { tokens: [c('stop')], run: () => stopPacketForwarding() },
  { tokens: [c('quit')], run: () => { ctx.quit = true; } },
  { tokens: [c('show#clear'), c('port'), c('info#summary#stats#xstats#fdir#dcb_tc'), c('all')], run: (a) => showPort(a[0]!, a[2]!, ethdev.ports()) },
  { tokens: [c('show#clear'), c('port'), c('info#summary#stats#xstats#fdir#dcb_tc'), ['u16']], run: (a) => showPort(a[0]!, a[2]!, [portSel(a[3]!)]) },
  { tokens: [c('show#clear'), c('fwd'), c('stats'), c('all')], run: (a) => (a[0] === 'show' ? fwdStatsDisplay() : fwdStatsReset()) },
  { tokens: [c('show'), c('config'), c('rxtx#cores#fwd#rxoffs#rxpkts#rxhdrs#txpkts#txtimes')], run: (a) => showConfig(a[2]!) },
  { tokens: [c('set'), c('fwd'), [...FWD_MODES]], run: (a) => setFwd(a[2]!, false) },
  { tokens: [c('set'), c('fwd'), [...FWD_MODES], c('retry')], run: (a) => setFwd(a[2]!, true) },
  { tokens: [c('set'), c('promisc'), c('all'), c('on#off')], run: (a) => { for (const p of ethdev.ports()) setPromisc(p, a[3] === 'on'); } },
  { tokens: [c('set'), c('promisc'), ['u16'], c('on#off')], run: (a) => setPromisc(portSel(a[2]!), a[3] === 'on') },
  { tokens: [c('set'), c('allmulti'), c('all'), c('on#off')], run: (a) => { for (const p of ethdev.ports()) setAllmulti(p, a[3] === 'on'); } },
  { tokens: [c('set'), c('allmulti'), ['u16'], c('on#off')], run: (a) => setAllmulti(portSel(a[2]!), a[3] === 'on') },
  { tokens: [c('set'), c('nbport#nbcore#burst#verbose'), ['u16']], run: (a) => setNumber(a[1]!, Number(strtoul(a[2]!, 0).value)) },
  { tokens: [c('set'), c('flush_rx'), c('on#off')], run: (a) => { ctx.cfg.noFlushRx = a[2] !== 'on'; } },
  { tokens: [c('set'), c('eth-peer'), ['u16'], ['*']], run: (a) => setEthPeer(portSel(a[2]!), a[3]!) },
  { tokens: [c('set'), c('txpkts'), ['*']], run: (a) => setTxpkts(a[2]!) },
  { tokens: [c('set'), c('corelist'), ['*']], run: (a) => setCorelist(a[2]!) },
  { tokens: [c('set'), c('portlist'), ['*']], run: (a) => setPortlist(a[2]!) },
  { tokens: [c('set'), c('coremask#portmask'), ['*']], run: (a) => setMask(a[1]!, a[2]!) },
  { tokens: [c('port'), c('start#stop#close#reset'), c('all')], run: (a) => operatePort(a[1]!, RTE_PORT_ALL) },
  { tokens: [c('port'), c('start#stop#close#reset'), ['u8']], run: (a) => operatePort(a[1]!, portSel(a[2]!)) },
  { tokens: [c('help')], run: () => help() },
];

// Words dpdk-testpmd's command table knows (first and later tokens): a command built from them that is not
// in INSTS exists in testpmd but not here, and is refused by name rather than reported as a typo.
const TESTPMD_WORDS = new Set((
  'add ah all allmulti attach avail_thresh bpf-load bpf-unload burst clear close config corelist coremask cores csum dcb ' +
  'dcb_tc ddp del device devices dump_devargs dump_lcores dump_log_types dump_mempool dump_memzone dump_physmem dump_ring ' +
  'dump_socket_mem dump_struct_size eeprom eth-peer fdir fec fec_mode flow flow_ctrl flush_rx fwd gro gso help info ' +
  'link-down link-up link_check load mac_addr mcast_addr module_eeprom mtr nbcore nbport pfc_ctrl pfc_queue_ctrl port ' +
  'portlist portmask promisc ptype qinq_strip queue quit raw_decap raw_encap read record-burst-stats ' +
  'record-core-cycles reset reta retry rss-hash rss-hash-key rx_vlan rx_vxlan_port rxd rxhdrs rxoffs rxpkts rxq rxtx ' +
  'set show start stat_qmap stats stop summary tm tso tunnel_tso tx_first tx_metadata tx_vlan txd txpkts txq txsplit ' +
  'txtimes udp_tunnel_port vf vlan vxlan xstats xstats-hide-zero'
).split(' '));

/** cmdline's handling of one line: 'ok', or why it was not run. */
function dispatch(line: string): 'ok' | 'empty' | 'notfound' | 'badargs' | 'unsupported' {
  const cut = line.search(/[#\r\n]/);
  const words = (cut >= 0 ? line.slice(0, cut) : line).trim().split(/[ \t]+/).filter((w) => w.length > 0);
  if (words.length === 0) return 'empty';
  let best = 0;
  for (const inst of INSTS) {
    let k = 0;
    while (k < inst.tokens.length && k < words.length && tokMatch(inst.tokens[k]!, words[k]!)) k++;
    if (k === inst.tokens.length && k === words.length) {
      inst.run(words);
      return 'ok';
    }
    if (k > best) best = k;
  }
  if (best === 0) return TESTPMD_WORDS.has(words[0]!) ? 'unsupported' : 'notfound';
  // A testpmd sub-command none of ours starts with ("set vlan ...", "show port 0 rss-hash" is ours: bad args).
  const second = words[1];
  if (second !== undefined && TESTPMD_WORDS.has(second) &&
    !INSTS.some((i) => tokMatch(i.tokens[0]!, words[0]!) && i.tokens[1] !== undefined && tokMatch(i.tokens[1], second))) {
    return 'unsupported';
  }
  return 'badargs';
}

/** Runs one command line; `messages` = print cmdline's own complaints (not for --cmdline-file). */
export function runCommand(line: string, messages: boolean): void {
  let r: ReturnType<typeof dispatch>;
  try {
    r = dispatch(line);
  } catch (e) {
    if (e instanceof TestpmdExit) throw e;
    ethdevLog(e);
    return;
  }
  if (r === 'unsupported') {
    err(`${line.trim()}: this testpmd command is not supported by tsdpdk-testpmd\n`);
  } else if (messages && r === 'notfound') {
    out('Command not found\n');
  } else if (messages && r === 'badargs') {
    out('Bad arguments\n');
  }
}

// ---- command implementations ----

function showPort(action: string, what: string, ports: number[]): void {
  if (what === 'fdir' || what === 'dcb_tc') {
    err(`${action} port ${what}: not supported by tsdpdk-testpmd\n`);
    return;
  }
  if (what === 'summary' && action === 'show') {
    portSummaryHeader();
    for (const p of ports) portSummaryDisplay(p);
    return;
  }
  for (const p of ports) {
    if (action === 'clear') {
      if (what === 'stats') nicStatsClear(p);
      else if (what === 'xstats') nicXstatsClear(p);
    } else if (what === 'info') {
      portInfosDisplay(p);
    } else if (what === 'stats') {
      nicStatsDisplay(p);
    } else if (what === 'xstats') {
      nicXstatsDisplay(p);
    }
  }
}

function showConfig(what: string): void {
  const cfg = ctx.cfg;
  switch (what) {
    case 'rxtx':
      rxtxConfigDisplay();
      break;
    case 'cores':
      out(`List of forwarding lcores:${cfg.fwdLcores.slice(0, cfg.nbCfgLcores).map((l) => ' ' + String(l).padStart(2)).join('')}\n`);
      break;
    case 'fwd':
      pktFwdConfigDisplay();
      break;
    case 'txpkts':
      out(`Number of segments: ${cfg.txSegLengths.length}\nSegment sizes: ${cfg.txSegLengths.join(',')}\nSplit packet: off\n`);
      break;
    default:
      err(`show config ${what}: not supported by tsdpdk-testpmd\n`);
  }
}

function setFwd(mode: string, retry: boolean): void {
  if (!SUPPORTED_FWD_MODES.has(mode)) {
    err(`${mode} packet forwarding mode is not supported by tsdpdk-testpmd\n`);
    return;
  }
  ctx.cfg.retry = retry;
  setFwdMode(ctx.cfg, mode);
}

function setAllmulti(pid: number, on: boolean): void {
  try {
    if (on) ethdev.allmulticastEnable(pid);
    else ethdev.allmulticastDisable(pid);
  } catch (e) {
    ethdevLog(e);
    err(`Error during ${on ? 'enabling' : 'disabling'} all-multicast mode for port ${pid}: ${strerror(e)}\n`);
  }
}

function setNumber(what: string, v: number): void {
  const cfg = ctx.cfg;
  if (what === 'nbport') {
    if (v > cfg.nbCfgPorts) err(`nb fwd ports ${v} > ${cfg.nbCfgPorts} (number of configured ports) - ignored\n`);
    else {
      cfg.nbFwdPorts = v;
      out(`Number of forwarding ports set to ${v}\n`);
    }
    fwdConfigSetup();
  } else if (what === 'nbcore') {
    if (!ctx.testDone) err('Please stop forwarding first\n');
    else if (v > cfg.nbCfgLcores) err(`nb fwd cores ${v} > ${cfg.nbCfgLcores} (max. number of configured lcores) - ignored\n`);
    else {
      cfg.nbFwdLcores = v;
      out(`Number of forwarding cores set to ${v}\n`);
    }
    fwdConfigSetup();
  } else if (what === 'burst') {
    if (v > MAX_PKT_BURST) err(`nb pkt per burst: ${v} > ${MAX_PKT_BURST} (maximum packet per burst)  ignored\n`);
    else {
      cfg.burst = v;
      out(`Number of packets per burst set to ${v}\n`);
    }
  } else {
    out(`Change verbose level from ${cfg.verbose} to ${v}\n`);
    setVerbose(v);
  }
}

function setEthPeer(pid: number, mac: string): void {
  if (!ethdev.isValidPort(pid)) {
    err(`Error: Invalid port number ${pid}\n`);
    return;
  }
  const m = unformatMac(mac);
  if (m === null) {
    err(`Error: Invalid ethernet address: ${mac}\n`);
    return;
  }
  ctx.cfg.peers[pid] = m;
  fwdConfigSetup();
}

function setTxpkts(list: string): void {
  const segs = parseItemList(list, 'txpkt segments', RTE_MAX_SEGS_PER_PKT);
  if (segs === null || segs.length === 0) return;
  setTxPktSegments(ctx.cfg, segs);
}

function setCorelist(list: string): void {
  const items = parseItemList(list, 'core', 128);
  if (items === null || items.length === 0 || env === null) return;
  if (new Set(items).size !== items.length) {
    err('duplicated core in list\n');
    return;
  }
  if (setFwdLcoresList(ctx.cfg, env, items)) fwdConfigSetup();
}

function setPortlist(list: string): void {
  if (env === null) return;
  const ports = parsePortList(list, 32);
  if (ports.length === 0) {
    err('Invalid fwd port list\n');
    return;
  }
  setFwdPortsList(ctx.cfg, env, ports.filter((p) => ethdev.isValidPort(p)));
  fwdConfigSetup();
}

function setMask(what: string, s: string): void {
  if (env === null) return;
  const r = strtoul(s, 16);
  if (r.end !== s.length || s === '') {
    out('Bad arguments\n');
    return;
  }
  if (what === 'coremask') {
    const list: number[] = [];
    for (let i = 0; i < 64; i++) if (((r.value >> BigInt(i)) & 1n) === 1n) list.push(i);
    if (list.length === 0) err('Invalid NULL mask of cores\n');
    else if (setFwdLcoresList(ctx.cfg, env, list)) fwdConfigSetup();
  } else {
    setFwdPortsMask(ctx.cfg, env, r.value);
    fwdConfigSetup();
  }
}

function operatePort(what: string, sel: number): void {
  if (what === 'start') startPort(sel);
  else if (what === 'stop') stopPort(sel);
  else if (what === 'close') closePort(sel);
  else err(`port reset: not supported by tsdpdk-testpmd\n`);
}

function help(): void {
  out(
    '\ntsdpdk-testpmd commands (a subset of dpdk-testpmd\'s):\n\n' +
    'start | start tx_first [n] | stop | quit\n' +
    'show|clear port info|summary|stats|xstats all|<port_id>\n' +
    'show|clear fwd stats all\n' +
    'show config rxtx|cores|fwd|txpkts\n' +
    `set fwd ${FWD_MODES.filter((m) => SUPPORTED_FWD_MODES.has(m)).join('|')} [retry]\n` +
    'set promisc|allmulti all|<port_id> on|off\n' +
    'set nbport|nbcore|burst|verbose <value>\n' +
    'set flush_rx on|off | set eth-peer <port_id> <mac> | set txpkts <len>[,<len>...]\n' +
    'set corelist|portlist <list> | set coremask|portmask <hex>\n' +
    'port start|stop|close all|<port_id>\n\n',
  );
}

// ---- input sources ----

/** cmdline_read_from_file: runs every line (no prompt, no echo), then "Read CLI commands from F". */
export function readCommandsFromFile(file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    err(`Failed to create file based cmdline context: ${file}\n`);
    return;
  }
  const lines = text.split('\n');
  // A last line without a newline is never submitted (cmdline waits for the end of line).
  if (lines.length > 0) lines.pop();
  for (const l of lines) {
    runCommand(l, false);
    if (ctx.quit) break;
  }
  ctx.quit = false;
  out(`Read CLI commands from ${file}\n`);
}

let closePrompt: (() => void) | null = null;

/** prompt_exit (SIGINT/SIGTERM): ends the interactive prompt. */
export function promptExit(): void {
  closePrompt?.();
}

/**
 * prompt: "testpmd> " on stdin until quit, EOF or a signal. Piped input is echoed back followed by
 * "\r\n" the way DPDK's cmdline echoes characters it reads.
 */
export function prompt(): Promise<void> {
  return new Promise((resolve) => {
    const tty = process.stdin.isTTY === true;
    const rl = createInterface({ input: process.stdin, output: tty ? process.stdout : undefined, terminal: tty, prompt: 'testpmd> ' });
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      closePrompt = null;
      rl.close();
      process.stdin.pause();
      resolve();
    };
    closePrompt = finish;
    const showPrompt = (): void => {
      if (tty) rl.prompt();
      else out('testpmd> ');
    };
    rl.on('line', (line) => {
      if (done) return;
      if (!tty) out(line + '\r\n');
      runCommand(line, true);
      if (ctx.quit) finish();
      else showPrompt();
    });
    rl.on('close', finish);
    rl.on('SIGINT', finish);
    showPrompt();
  });
}

