#!/usr/bin/env node
// tsdpdk-telemetry-exporter: serves a tsdpdk/DPDK process's telemetry v2 data as Prometheus metrics.
// Each scrape of /metrics opens the telemetry socket, queries it and closes it; 503 when it is gone.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { scrape, socketPathFor, upMetric } from './exporter.js';

interface Options {
  path: string;
  host: string;
  port: number;
  xstats: boolean;
  timeoutMs: number;
}

const USAGE = `Usage: tsdpdk-telemetry-exporter [--file-prefix P | --socket PATH] [--listen HOST:PORT] [--xstats] [--timeout MS]
  --file-prefix P    telemetry of the process started with --file-prefix P (default rte)
  --socket PATH      telemetry v2 socket path (overrides --file-prefix)
  --listen HOST:PORT HTTP address (default 127.0.0.1:9123; port 0 picks one)
  --xstats           also export /ethdev/xstats as dpdk_ethdev_xstat
  --timeout MS       per-request telemetry timeout (default 2000)
`;

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  let prefix = 'rte';
  let sock: string | null = null;
  let listen = '127.0.0.1:9123';
  let xstats = false;
  let timeoutMs = 2000;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const [k, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const val = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${k} needs a value`);
      return v;
    };
    switch (k) {
      case '--file-prefix': prefix = val(); break;
      case '--socket': sock = val(); break;
      case '--listen': listen = val(); break;
      case '--xstats': xstats = true; break;
      case '--timeout': {
        timeoutMs = Number(val());
        if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout needs a positive integer');
        break;
      }
      case '-h': case '--help': process.stdout.write(USAGE); process.exit(0); break; // eslint-disable-line no-fallthrough
      default: throw new UsageError(`unknown option ${a}`);
    }
  }
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen);
  if (!m) throw new UsageError(`--listen wants HOST:PORT, got ${listen}`);
  const port = Number(m[3]);
  if (port > 65535) throw new UsageError(`bad port in --listen ${listen}`);
  return { path: sock ?? socketPathFor(prefix), host: m[1] ?? m[2]!, port, xstats, timeoutMs };
}

function handle(o: Options, req: IncomingMessage, res: ServerResponse): void {
  const url = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'Content-Type': 'text/plain', Allow: 'GET, HEAD' }).end('method not allowed\n');
    return;
  }
  if (url === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html' })
      .end('<html><body><h1>tsdpdk telemetry exporter</h1><a href="/metrics">/metrics</a></body></html>\n');
    return;
  }
  if (url !== '/metrics') {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    return;
  }
  let body: string;
  let status = 200;
  try {
    body = scrape(o.path, { xstats: o.xstats, timeoutMs: o.timeoutMs });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = `telemetry ${o.path} unavailable: ${err.code ? `${err.code} ` : ''}${err.message}`.replace(/\s+/g, ' ');
    body = `# ${why}\n${upMetric(0)}`;
    status = 503;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function main(): void {
  let o: Options;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`tsdpdk-telemetry-exporter: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  const server = createServer((req, res) => {
    try {
      handle(o, req, res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`internal error: ${(e as Error).message}\n`);
    }
  });
  server.on('error', (e) => {
    process.stderr.write(`tsdpdk-telemetry-exporter: cannot listen on ${o.host}:${o.port}: ${e.message}\n`);
    process.exit(1);
  });
  server.listen(o.port, o.host, () => {
    const a = server.address();
    const port = a !== null && typeof a === 'object' ? a.port : o.port;
    process.stdout.write(`listening on ${o.host}:${port} (telemetry ${o.path})\n`);
  });
  const stop = (): void => { server.close(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main();
