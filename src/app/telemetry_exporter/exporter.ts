// Telemetry v2 client and Prometheus text rendering for tsdpdk-telemetry-exporter.

import { join } from 'node:path';
import { runtimeBase } from '../../lib/eal/runtime_dir.js';
import { socketAddon, socketAddonError } from '../../lib/telemetry/socket.js';

export const SOCKET_NAME = 'dpdk_telemetry.v2';
const REPLY_BUF = 64 * 1024;

export function socketPathFor(prefix: string): string {
  return join(runtimeBase(), 'dpdk', prefix, SOCKET_NAME);
}

/** One connection to a telemetry v2 socket; every call blocks for at most timeoutMs. */
export class TelemetryClient {
  private readonly buf = new Uint8Array(REPLY_BUF);
  private fd: number;
  readonly info: Record<string, unknown>;

  constructor(readonly path: string, timeoutMs: number) {
    const sock = socketAddon();
    if (sock === null) throw new Error(socketAddonError());
    this.fd = sock.sockConnect(path);
    try {
      sock.sockSetTimeout(this.fd, timeoutMs);
      this.info = this.read() as Record<string, unknown>;
    } catch (e) {
      this.close();
      throw e;
    }
  }

  private read(): unknown {
    const n = socketAddon()!.sockRecv(this.fd, this.buf);
    if (n <= 0) throw new Error('telemetry socket closed by the server');
    return JSON.parse(Buffer.from(this.buf.subarray(0, n)).toString('utf8')) as unknown;
  }

  /** Sends "cmd[,param]" and returns the reply's value (null for unknown commands or bad params). */
  query(cmd: string, param?: string | number): unknown {
    const req = param === undefined ? cmd : `${cmd},${param}`;
    socketAddon()!.sockSend(this.fd, Buffer.from(req));
    const r = this.read() as Record<string, unknown> | null;
    return r === null || typeof r !== 'object' ? null : (r[cmd] ?? null);
  }

  close(): void {
    if (this.fd < 0) return;
    try { socketAddon()!.sockClose(this.fd); } catch { /* already closed */ }
    this.fd = -1;
  }
}

export interface ScrapeOptions {
  xstats: boolean;
  timeoutMs: number;
}

/** rte_eth_stats field -> metric name (all counters). */
export const ETHDEV_STATS: readonly [string, string, string][] = [
  ['ipackets', 'dpdk_ethdev_rx_packets_total', 'Packets received successfully.'],
  ['opackets', 'dpdk_ethdev_tx_packets_total', 'Packets transmitted successfully.'],
  ['ibytes', 'dpdk_ethdev_rx_bytes_total', 'Bytes received successfully.'],
  ['obytes', 'dpdk_ethdev_tx_bytes_total', 'Bytes transmitted successfully.'],
  ['imissed', 'dpdk_ethdev_rx_missed_total', 'Rx packets dropped by the hardware (Rx queues full).'],
  ['ierrors', 'dpdk_ethdev_rx_errors_total', 'Erroneous received packets.'],
  ['oerrors', 'dpdk_ethdev_tx_errors_total', 'Failed transmitted packets.'],
  ['rx_nombuf', 'dpdk_ethdev_rx_nombuf_total', 'Rx mbuf allocation failures.'],
];

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(l: Record<string, string>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function num(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** Collects samples per metric so each family is printed once with its HELP/TYPE. */
class Families {
  private readonly fams = new Map<string, { help: string; type: string; lines: string[] }>();

  add(name: string, type: string, help: string, l: Record<string, string>, value: string | null): void {
    if (value === null) return;
    let f = this.fams.get(name);
    if (!f) {
      f = { help, type, lines: [] };
      this.fams.set(name, f);
    }
    f.lines.push(`${name}${labels(l)} ${value}`);
  }

  render(): string {
    let out = '';
    for (const [name, f] of this.fams) {
      out += `# HELP ${name} ${f.help}\n# TYPE ${name} ${f.type}\n${f.lines.join('\n')}\n`;
    }
    return out;
  }
}

export function upMetric(up: 0 | 1): string {
  return `# HELP dpdk_up Whether the DPDK telemetry socket answered.\n# TYPE dpdk_up gauge\ndpdk_up ${up}\n`;
}

/** One scrape: a fresh connection, the queries, Prometheus text. Throws when telemetry is unreachable. */
export function scrape(path: string, o: ScrapeOptions): string {
  const c = new TelemetryClient(path, o.timeoutMs);
  const f = new Families();
  try {
    const ports = c.query('/ethdev/list');
    for (const p of Array.isArray(ports) ? ports : []) {
      if (typeof p !== 'number') continue;
      const info = c.query('/ethdev/info', p) as Record<string, unknown> | null;
      const name = typeof info?.name === 'string' ? info.name : '';
      const l = { port: String(p), name };
      f.add('dpdk_ethdev_info', 'gauge', 'Ethernet port (value 1) with its MAC address.', { ...l, mac: String(info?.mac_addr ?? '') }, '1');
      f.add('dpdk_ethdev_started', 'gauge', 'Whether the port is started.', l, num(info?.dev_started));
      const st = c.query('/ethdev/stats', p) as Record<string, unknown> | null;
      for (const [key, metric, help] of ETHDEV_STATS) f.add(metric, 'counter', help, l, num(st?.[key]));
      if (o.xstats) {
        const xs = c.query('/ethdev/xstats', p) as Record<string, unknown> | null;
        for (const [k, v] of Object.entries(xs ?? {})) {
          f.add('dpdk_ethdev_xstat', 'untyped', 'Extended port statistic (rte_eth_xstats_get).', { ...l, xstat: k }, num(v));
        }
      }
    }
    const rings = c.query('/ring/list');
    const ringNames = new Set(Array.isArray(rings) ? rings.filter((r): r is string => typeof r === 'string') : []);
    const pools = c.query('/mempool/list');
    for (const name of Array.isArray(pools) ? pools : []) {
      if (typeof name !== 'string') continue;
      const mi = c.query('/mempool/info', name) as Record<string, unknown> | null;
      if (mi === null || mi.name !== name) continue;
      const l = { pool: name };
      f.add('dpdk_mempool_size', 'gauge', 'Objects in the pool (size).', l, num(mi.size));
      f.add('dpdk_mempool_populated', 'gauge', 'Objects populated.', l, num(mi.populated_size));
      f.add('dpdk_mempool_cache_size', 'gauge', 'Per-lcore cache size.', l, num(mi.cache_size));
      // Telemetry has no avail count: a ring-backed pool's ring (MP_<name>) holds its free objects,
      // objects in per-lcore caches excepted (they count as in use here).
      const ringName = `MP_${name}`;
      if (!ringNames.has(ringName)) continue;
      const ri = c.query('/ring/info', ringName) as Record<string, unknown> | null;
      const avail = typeof ri?.used_count === 'number' ? ri.used_count : null;
      const populated = typeof mi.populated_size === 'number' ? mi.populated_size : null;
      if (avail === null || populated === null) continue;
      f.add('dpdk_mempool_avail', 'gauge', 'Free objects in the pool\'s ring (per-lcore caches excluded).', l, String(avail));
      f.add('dpdk_mempool_in_use', 'gauge', 'Populated objects not in the pool\'s ring.', l, String(Math.max(0, populated - avail)));
    }
  } finally {
    c.close();
  }
  return upMetric(1) + f.render();
}
