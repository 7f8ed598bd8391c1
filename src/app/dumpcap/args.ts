// dpdk-dumpcap's options (the subset tsdpdk supports; the others fail with a clear message).

export interface DumpcapOptions {
  interfaces: string[];
  /** capture filter of each interface (-f after its -i), null = the global one */
  ifFilters: (string | null)[];
  /** -f before any -i */
  filter: string | null;
  /** -d: print the compiled filter and exit */
  dumpBpf: boolean;
  output: string | null;
  pcap: boolean;
  count: number;
  durationS: number;
  filesizeKB: number;
  snaplen: number;
  quiet: boolean;
  list: boolean;
  noPromisc: boolean;
  ringSize: number;
  filePrefix: string | null;
  comment: string | null;
  eal: string[];
}

export class UsageError extends Error {}

export const DEFAULT_SNAPLEN = 2176;
export const DEFAULT_RING_SIZE = 2048;

export function usage(prog: string): string {
  return `Usage: ${prog} [options] ...\n` +
    'Capture interface:\n' +
    '  -i <interface>, --interface <interface>\n' +
    '                           name or port index of interface (repeatable)\n' +
    '  -f <capture filter>      packet filter in libpcap filter syntax\n' +
    '  -s <snaplen>, --snapshot-length <snaplen>\n' +
    `                           packet snapshot length (def: ${DEFAULT_SNAPLEN})\n` +
    '  -p, --no-promiscuous-mode\n' +
    '                           accepted; tsdpdk-dumpcap never changes promiscuous mode\n' +
    '  -D, --list-interfaces    print list of interfaces and exit\n' +
    '  -d                       print generated BPF code for capture filter\n' +
    'Stop conditions:\n' +
    '  -c <packet count>        stop after n packets (def: infinite)\n' +
    '  -a <autostop cond.> ..., --autostop <autostop cond.> ...\n' +
    '                           duration:NUM - stop after NUM seconds\n' +
    '                           filesize:NUM - stop this file after NUM kB\n' +
    '                           packets:NUM - stop after NUM packets\n' +
    'Output (files):\n' +
    '  -w <filename>            name of file to save (def: tempfile, - = stdout)\n' +
    '  -n                       use pcapng format (default)\n' +
    '  -P                       use libpcap format instead of pcapng\n' +
    '  --capture-comment <comment>\n' +
    '                           add a capture comment to the output file\n' +
    'Miscellaneous:\n' +
    '  --file-prefix=<prefix>   prefix to use for multi-process\n' +
    '  --ring-size <size>       capture ring size (tsdpdk option)\n' +
    `                           (def: ${DEFAULT_RING_SIZE})\n` +
    '  -q                       don\'t report packet capture counts\n' +
    '  -v, --version            print version information and exit\n' +
    '  -h, --help               display this help and exit\n' +
    '  -- <EAL options>         extra EAL options (e.g. --log-level)\n';
}

function num(s: string, what: string, min = 0): number {
  if (!/^\d+$/.test(s)) throw new UsageError(`invalid ${what} '${s}'`);
  const v = Number(s);
  if (v < min) throw new UsageError(`invalid ${what} '${s}'`);
  return v;
}

export function parseArgs(argv: string[]): DumpcapOptions | 'help' | 'version' {
  const o: DumpcapOptions = {
    interfaces: [], ifFilters: [], filter: null, dumpBpf: false, output: null, pcap: false, count: 0, durationS: 0, filesizeKB: 0, snaplen: DEFAULT_SNAPLEN,
    quiet: false, list: false, noPromisc: false, ringSize: DEFAULT_RING_SIZE, filePrefix: null, comment: null, eal: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      o.eal = argv.slice(i + 1);
      break;
    }
    let key = a;
    let inline: string | null = null;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        key = a.slice(0, eq);
        inline = a.slice(eq + 1);
      }
    } else if (a.length > 2 && a.startsWith('-')) {
      key = a.slice(0, 2);
      inline = a.slice(2);
    }
    const val = (): string => {
      if (inline !== null) return inline;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`option '${key}' requires an argument`);
      return v;
    };
    switch (key) {
      case '-i': case '--interface': o.interfaces.push(val()); o.ifFilters.push(null); break;
      case '-w': case '--output-file': o.output = val(); break;
      case '-P': o.pcap = true; break;
      case '-n': o.pcap = false; break;
      case '-c': o.count = num(val(), 'packet count', 1); break;
      case '-s': case '--snapshot-length': o.snaplen = num(val(), 'snaplen', 1); break;
      case '-q': o.quiet = true; break;
      case '-D': case '--list-interfaces': o.list = true; break;
      case '-p': case '--no-promiscuous-mode': o.noPromisc = true; break;
      case '--ring-size': o.ringSize = num(val(), 'ring size', 2); break;
      case '-b': case '--ring-buffer':
        throw new UsageError('-b (switching output files) is not supported yet');
      case '--file-prefix': o.filePrefix = val(); break;
      case '--capture-comment': o.comment = val(); break;
      case '-a': case '--autostop': {
        const v = val();
        const m = /^(duration|filesize|packets):(\d+)$/.exec(v);
        if (!m) throw new UsageError(`invalid autostop condition '${v}' (duration:NUM, filesize:NUM or packets:NUM)`);
        const n = num(m[2]!, m[1]!, 1);
        if (m[1] === 'duration') o.durationS = n;
        else if (m[1] === 'filesize') o.filesizeKB = n;
        else o.count = n;
        break;
      }
      case '-f': {
        const f = val();
        if (o.interfaces.length === 0) o.filter = f;
        else o.ifFilters[o.interfaces.length - 1] = f;
        break;
      }
      case '-d': o.dumpBpf = true; break;
      case '-h': case '--help': return 'help';
      case '-v': case '--version': return 'version';
      default:
        throw new UsageError(`invalid option '${a}'`);
    }
  }
  return o;
}
