// dpdk-proc-info's application options (after `--`).

export interface ProcInfoOptions {
  portMask: bigint;
  stats: boolean;
  statsReset: boolean;
  xstats: boolean;
  xstatsName: string | null;
  xstatsReset: boolean;
  showPort: boolean;
  showMempool: boolean;
  mempoolName: string | null;
  showRing: boolean;
  ringName: string | null;
  memInfo: boolean;
}

export class UsageError extends Error {}

export function usage(prog: string): string {
  return `${prog} [EAL options] -- -p PORTMASK\n` +
    '  -m to display DPDK memory zones, segments and TAILQ information\n' +
    '  -p PORTMASK: hexadecimal bitmask of ports to retrieve stats for\n' +
    '  --stats: to display port statistics, enabled by default\n' +
    '  --xstats: to display extended port statistics, disabled by default\n' +
    '  --xstats-name NAME: to display single xstat id by NAME\n' +
    '  --stats-reset: to reset port statistics\n' +
    '  --xstats-reset: to reset port extended statistics\n' +
    '  --show-port: to display ports information\n' +
    '  --show-ring[=name]: to display ring information\n' +
    '  --show-mempool[=name]: to display mempool information\n';
}

/** Hexadecimal port mask like strtoul(.., 16); 0 or garbage is an error. */
function parsePortMask(s: string): bigint {
  const t = s.trim().replace(/^0x/i, '');
  if (!/^[0-9a-f]+$/i.test(t)) throw new UsageError(`invalid portmask '${s}'`);
  const m = BigInt('0x' + t);
  if (m === 0n) throw new UsageError(`invalid portmask '${s}'`);
  return m;
}

export function parseArgs(argv: string[]): ProcInfoOptions {
  const o: ProcInfoOptions = {
    portMask: 0n, stats: false, statsReset: false, xstats: false, xstatsName: null, xstatsReset: false,
    showPort: false, showMempool: false, mempoolName: null, showRing: false, ringName: null, memInfo: false,
  };
  if (argv.length === 0) throw new UsageError('no option given');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const key = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : null;
    const required = (): string => {
      if (inline !== null) return inline;
      const v = argv[i + 1];
      if (v === undefined) throw new UsageError(`option '${key}' requires an argument`);
      i++;
      return v;
    };
    // --show-ring/--show-mempool take an optional name: `=NAME`, or a following word without a dash.
    const optional = (): string | null => {
      if (inline !== null) return inline === '' ? null : inline;
      const v = argv[i + 1];
      if (v !== undefined && !v.startsWith('-')) {
        i++;
        return v;
      }
      return null;
    };
    const noArg = (): void => {
      if (inline !== null) throw new UsageError(`option '${key}' doesn't allow an argument`);
    };
    switch (key) {
      case '-p': o.portMask = parsePortMask(required()); break;
      case '-m': o.memInfo = true; break;
      case '--stats': noArg(); o.stats = true; break;
      case '--stats-reset': noArg(); o.statsReset = true; break;
      case '--xstats': noArg(); o.xstats = true; break;
      case '--xstats-reset': noArg(); o.xstatsReset = true; break;
      case '--xstats-name': o.xstatsName = required(); break;
      case '--show-port': noArg(); o.showPort = true; break;
      case '--show-mempool': o.showMempool = true; o.mempoolName = optional(); break;
      case '--show-ring': o.showRing = true; o.ringName = optional(); break;
      default:
        if (/^-p[0-9a-fx]+$/i.test(a)) {
          o.portMask = parsePortMask(a.slice(2));
          break;
        }
        throw new UsageError(a.startsWith('--') ? `unrecognized option '${a}'` : `invalid option -- '${a.replace(/^-/, '')}'`);
    }
  }
  return o;
}
