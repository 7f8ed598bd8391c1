// getopt_long as glibc does it (testpmd parses its options with it): GNU argument permutation, unique
// abbreviations of long options, and glibc's exact diagnostics, so errors read like dpdk-testpmd's.

export interface LongOption {
  name: string;
  /** 0 no argument, 1 required, 2 optional (only as --name=value). */
  hasArg: 0 | 1 | 2;
}

export type GetoptItem =
  | { kind: 'long'; name: string; arg: string | null }
  | { kind: 'short'; opt: string }
  /** An error glibc already reported; `arg` is argv[optind - 1], which testpmd prints as "Invalid option: ...". */
  | { kind: 'error'; message: string; arg: string };

export interface GetoptResult {
  items: GetoptItem[];
  /** Non-option arguments, in order (GNU getopt moves them after the options). */
  operands: string[];
}

/**
 * Walks argv (argv[0] is the program name, used in messages) and returns options in order. Parsing stops
 * at the first error like testpmd, which exits on it.
 */
export function getoptLong(argv: readonly string[], shortOpts: string, longOpts: readonly LongOption[]): GetoptResult {
  const prog = argv[0] ?? '';
  const items: GetoptItem[] = [];
  const operands: string[] = [];
  let i = 1;
  while (i < argv.length) {
    const a = argv[i]!;
    if (a === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      i++;
      const body = a.slice(2);
      const eq = body.indexOf('=');
      const name = eq >= 0 ? body.slice(0, eq) : body;
      let found: LongOption | undefined = longOpts.find((o) => o.name === name);
      if (found === undefined) {
        let first = -1;
        const ambig: number[] = [];
        longOpts.forEach((o, k) => {
          if (!o.name.startsWith(name)) return;
          if (first < 0) first = k;
          else if (longOpts[first]!.hasArg !== o.hasArg) {
            if (ambig.length === 0) ambig.push(first);
            ambig.push(k);
          }
        });
        if (ambig.length > 0) {
          const list = ambig.map((k) => ` '--${longOpts[k]!.name}'`).join('');
          items.push({ kind: 'error', message: `${prog}: option '--${body}' is ambiguous; possibilities:${list}\n`, arg: a });
          return { items, operands };
        }
        if (first >= 0) found = longOpts[first];
      }
      if (found === undefined) {
        items.push({ kind: 'error', message: `${prog}: unrecognized option '--${body}'\n`, arg: a });
        return { items, operands };
      }
      let arg: string | null = null;
      if (eq >= 0) {
        if (found.hasArg === 0) {
          items.push({ kind: 'error', message: `${prog}: option '--${found.name}' doesn't allow an argument\n`, arg: a });
          return { items, operands };
        }
        arg = body.slice(eq + 1);
      } else if (found.hasArg === 1) {
        if (i >= argv.length) {
          items.push({ kind: 'error', message: `${prog}: option '--${found.name}' requires an argument\n`, arg: a });
          return { items, operands };
        }
        arg = argv[i++]!;
      }
      items.push({ kind: 'long', name: found.name, arg });
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      i++;
      for (let k = 1; k < a.length; k++) {
        const c = a[k]!;
        if (c === ':' || !shortOpts.includes(c)) {
          // glibc moves optind past the element only when the bad letter was its last one.
          const cur = k === a.length - 1 ? a : argv[i - 2]!;
          items.push({ kind: 'error', message: `${prog}: invalid option -- '${c}'\n`, arg: cur });
          return { items, operands };
        }
        items.push({ kind: 'short', opt: c });
      }
      continue;
    }
    operands.push(a);
    i++;
  }
  return { items, operands };
}
