// l2fwd's command line after `--` (DPDK 22.11 examples/l2fwd): parsing and checks, no EAL state needed.

export const MAX_PORTS = 32; // RTE_MAX_ETHPORTS
export const MAX_RX_QUEUE_PER_LCORE = 16;
export const MAX_TIMER_PERIOD = 86400;

export interface L2fwdArgs {
  portmask: number;
  promiscuous: boolean;
  nq: number;
  /** Statistics period in seconds; 0 disables. */
  period: number;
  macUpdating: boolean;
  /** --portmap pairs, or null for alternate pairs. */
  portmap: [number, number][] | null;
}

export function usage(prog: string): string {
  return `${prog} [EAL options] -- -p PORTMASK [-P] [-q NQ]\n` +
    '  -p PORTMASK: hexadecimal bitmask of ports to configure\n' +
    '  -P : Enable promiscuous mode\n' +
    '  -q NQ: number of queue (=ports) per lcore (default is 1)\n' +
    '  -T PERIOD: statistics will be refreshed each PERIOD seconds (0 to disable, 10 default, 86400 maximum)\n' +
    '  --no-mac-updating: Disable MAC addresses updating (enabled by default)\n' +
    '      When enabled:\n' +
    '       - The source MAC address is replaced by the TX port MAC address\n' +
    '       - The destination MAC address is replaced by 02:00:00:00:00:TX_PORT_ID\n' +
    '  --portmap: Configure forwarding port pair mapping\n' +
    '\t      Default: alternate port pairs\n\n';
}

/** strtoul(s, &end, 16) accepting the whole string, 0 when invalid (as l2fwd_parse_portmask). */
export function parsePortmask(s: string): number {
  if (!/^\s*\+?(0[xX])?[0-9a-fA-F]+$/.test(s)) return 0;
  const v = parseInt(s.trim().replace(/^\+/, ''), 16);
  return v > 0xffffffff ? 0 : v >>> 0;
}

/** l2fwd_parse_nqueue: decimal in 1..15, else 0. */
export function parseNqueue(s: string): number {
  if (!/^\s*\+?[0-9]+$/.test(s)) return 0;
  const n = parseInt(s, 10);
  return n === 0 || n >= MAX_RX_QUEUE_PER_LCORE ? 0 : n;
}

/** l2fwd_parse_timer_period: decimal below 86400, else -1. */
export function parseTimerPeriod(s: string): number {
  if (!/^\s*[+-]?[0-9]+$/.test(s)) return -1;
  const n = parseInt(s, 10);
  return n >= MAX_TIMER_PERIOD ? -1 : n;
}

/** l2fwd_parse_port_pair_config: "(a,b),(c,d)", ports below 32, at most 16 pairs; null when invalid. */
export function parsePortmap(s: string): [number, number][] | null {
  const pairs: [number, number][] = [];
  let rest = s;
  for (;;) {
    const open = rest.indexOf('(');
    if (open < 0) break;
    const close = rest.indexOf(')', open);
    if (close < 0) return null;
    const f = rest.slice(open + 1, close).split(',');
    if (f.length !== 2) return null;
    const v = f.map((x) => (/^\s*[0-9]+\s*$/.test(x) ? Number(x) : -1));
    if (v.some((x) => x < 0 || x >= MAX_PORTS)) return null;
    if (pairs.length >= MAX_PORTS / 2) return null;
    pairs.push([v[0]!, v[1]!]);
    rest = rest.slice(close + 1);
  }
  return pairs.length > 0 ? pairs : null;
}

export type ParseResult = { ok: true; args: L2fwdArgs } | { ok: false; out: string };

const LONG = ['mac-updating', 'no-mac-updating', 'portmap'] as const;

/** l2fwd_parse_args: getopt_long "p:Pq:T:" and the long options; errors carry l2fwd's text and the usage. */
export function parseArgs(prog: string, argv: readonly string[]): ParseResult {
  const a: L2fwdArgs = { portmask: 0, promiscuous: false, nq: 1, period: 10, macUpdating: true, portmap: null };
  const bad = (msg: string): ParseResult => ({ ok: false, out: msg + usage(prog) });
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]!;
    if (t === '--') break;
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      const name = t.slice(2, eq < 0 ? undefined : eq);
      const hits = LONG.filter((l) => l === name || l.startsWith(name));
      const opt = LONG.find((l) => l === name) ?? (hits.length === 1 ? hits[0] : undefined);
      if (name === '' || opt === undefined) {
        const why = hits.length > 1 ? `option '${t}' is ambiguous` : `unrecognized option '${t}'`;
        return bad(`${prog}: ${why}\n`);
      }
      if (opt === 'portmap') {
        let v: string | undefined;
        if (eq >= 0) v = t.slice(eq + 1);
        else v = argv[++i];
        if (v === undefined) return bad(`${prog}: option '--portmap' requires an argument\n`);
        const pm = parsePortmap(v);
        if (pm === null) return bad('Invalid config\n');
        a.portmap = pm;
      } else {
        if (eq >= 0) return bad(`${prog}: option '--${opt}' doesn't allow an argument\n`);
        a.macUpdating = opt === 'mac-updating';
      }
      continue;
    }
    if (!t.startsWith('-') || t.length < 2) continue; // operands are ignored, as getopt leaves them
    for (let k = 1; k < t.length; k++) {
      const c = t[k]!;
      if (c === 'P') {
        a.promiscuous = true;
        continue;
      }
      if (c !== 'p' && c !== 'q' && c !== 'T') return bad(`${prog}: invalid option -- '${c}'\n`);
      let v: string | undefined = t.slice(k + 1);
      if (v === '') v = argv[++i];
      if (v === undefined) return bad(`${prog}: option requires an argument -- '${c}'\n`);
      if (c === 'p') {
        a.portmask = parsePortmask(v);
        if (a.portmask === 0) return bad('invalid portmask\n');
      } else if (c === 'q') {
        a.nq = parseNqueue(v);
        if (a.nq === 0) return bad('invalid queue number\n');
      } else {
        a.period = parseTimerPeriod(v);
        if (a.period < 0) return bad('invalid timer period\n');
      }
      break;
    }
  }
  return { ok: true, args: a };
}

/**
 * Destination port of every port (l2fwd_dst_ports), from the portmap or alternate pairs over `avail`
 * (the enabled, present ports). Returns the pairing and the mask actually used, or an error text.
 */
export function pairPorts(a: L2fwdArgs, present: (p: number) => boolean): { dst: number[]; mask: number; notice: string } | { error: string; out: string } {
  const dst = new Array<number>(MAX_PORTS).fill(0);
  let mask = a.portmask;
  let notice = '';
  if (a.portmap !== null) {
    let used = 0;
    for (const pair of a.portmap) {
      let pm = 0;
      for (const p of pair) {
        if ((mask & (1 << p)) === 0) return { error: 'Invalid port pair config', out: `port ${p} is not enabled in port mask\n` };
        if (!present(p)) return { error: 'Invalid port pair config', out: `port ${p} is not present on the board\n` };
        pm |= 1 << p;
      }
      if ((used & pm) !== 0) return { error: 'Invalid port pair config', out: `port ${pair[1]} is used in other port pairs\n` };
      used |= pm;
      dst[pair[0]] = pair[1];
      dst[pair[1]] = pair[0];
    }
    mask &= used;
    return { dst, mask: mask >>> 0, notice };
  }
  let last = -1;
  let n = 0;
  for (let p = 0; p < MAX_PORTS; p++) {
    if ((mask & (1 << p)) === 0 || !present(p)) continue;
    if (n % 2 === 1) {
      dst[p] = last;
      dst[last] = p;
    } else {
      last = p;
    }
    n++;
  }
  if (n % 2 === 1) {
    notice = 'Notice: odd number of ports in portmask.\n';
    dst[last] = last;
  }
  return { dst, mask: mask >>> 0, notice };
}
