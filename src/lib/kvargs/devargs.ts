// Device strings (rte_devargs_parse, DPDK 22.11): the legacy form "[bus:]name[,args]" (--vdev, -a/-b)
// and the layered form "bus=vdev,name=x/class=eth/driver=y,k=v".
import { TsdpdkError } from '../eal/errors.js';
import { parseKvargs, type Kvargs } from './kvargs.js';

export const RTE_DEV_NAME_MAX_LEN = 64;
export const RTE_DEVARGS_KEY_BUS = 'bus';
export const RTE_DEVARGS_KEY_CLASS = 'class';
export const RTE_DEVARGS_KEY_DRIVER = 'driver';

/** What rte_devargs_parse needs from a bus. */
export interface DevargsBus {
  readonly name: string;
  /** Recognises a device name of this bus (struct rte_bus .parse). */
  parse(devName: string): boolean;
  /** Device name from the bus layer of the layered form; default: its `name` key ('' if absent). */
  devargsName?(busArgs: Kvargs): string;
}

export interface Devargs {
  /** Bus name; null when the layered form names only a class. */
  readonly bus: string | null;
  /** Class of the layered form ('eth'), else null. */
  readonly cls: string | null;
  /** Device name ('' when the layered form does not give one). */
  readonly name: string;
  /** Driver arguments: after the first ',' in the legacy form; the driver layer ("driver=...") in the layered form; '' if none. */
  readonly args: string;
  /** Layer strings of the layered form (null when absent or legacy form). */
  readonly busStr: string | null;
  readonly clsStr: string | null;
  readonly drvStr: string | null;
}

export interface DevargsOptions {
  /** Buses in registration order (rte_bus_find order); default DEFAULT_DEVARGS_BUSES. */
  readonly buses?: readonly DevargsBus[];
  /** Known device classes; default ['eth']. */
  readonly classes?: readonly string[];
}

const DBDF = /^[0-9a-fA-F]{1,8}:[0-9a-fA-F]{1,2}:[0-9a-fA-F]{1,2}\.[0-9a-fA-F]{1,2}$/;
const BDF = /^[0-9a-fA-F]{1,2}:[0-9a-fA-F]{1,2}\.[0-9a-fA-F]{1,2}$/;

/** PCI address syntax accepted by rte_pci_addr_parse: domain:bus:devid.function or bus:devid.function (hex). */
export function isPciAddr(s: string): boolean {
  return DBDF.test(s) || BDF.test(s);
}

/** Canonical DBDF ("0000:01:00.0") of a PCI address in either syntax; null if it is not one. */
export function pciAddrCanonical(s: string): string | null {
  if (!isPciAddr(s)) return null;
  const parts = s.split(/[:.]/).map((x) => parseInt(x, 16));
  const [dom, bus, dev, fn] = parts.length === 4 ? parts : [0, ...parts];
  const h = (v: number, w: number): string => v.toString(16).padStart(w, '0');
  return `${h(dom!, 4)}:${h(bus!, 2)}:${h(dev!, 2)}.${h(fn!, 1)}`;
}

/** Driver-name prefixes the default vdev bus recognises (DPDK's vdev bus accepts names starting with a registered driver name or alias). */
export const DEFAULT_VDEV_PREFIXES: readonly string[] = ['net_', 'eth_', 'crypto_', 'event_', 'baseband_', 'dma_', 'raw_', 'compress_', 'regex_'];

/** A vdev bus whose parse accepts names starting with one of prefixes (pass the registered driver names and aliases). */
export function vdevBus(prefixes: readonly string[] = DEFAULT_VDEV_PREFIXES): DevargsBus {
  return { name: 'vdev', parse: (n) => prefixes.some((p) => n.startsWith(p)) };
}

/** The PCI bus: PCI addresses; the layered form names the device with addr= (canonicalised like DPDK). */
export const PCI_BUS: DevargsBus = {
  name: 'pci',
  parse: isPciAddr,
  devargsName: (kv) => pciAddrCanonical(kv.get('addr') ?? '') ?? '',
};

/** PCI first, then vdev: the order the buses are linked in DPDK's shared build. */
export const DEFAULT_DEVARGS_BUSES: readonly DevargsBus[] = [PCI_BUS, vdevBus()];

const LAYER_KEYS = ['bus=', 'class=', 'driver='];

// rte_devargs_layers_parse; null when the string is not (valid) layered syntax.
function parseLayers(dev: string, buses: readonly DevargsBus[], classes: readonly string[]): Devargs | null {
  // Layers are split at a '/' followed by a layer key; other '/' stay in the text.
  const layers: string[] = [];
  let start = 0;
  for (let i = 0; i < dev.length; i++) {
    if (dev[i] === '/' && LAYER_KEYS.some((k) => dev.startsWith(k, i + 1))) {
      layers.push(dev.slice(start, i));
      start = i + 1;
    }
  }
  layers.push(dev.slice(start));
  if (layers.length > 3) return null;
  let bus: DevargsBus | null = null, busKv: Kvargs | null = null;
  let cls: string | null = null;
  let busStr: string | null = null, clsStr: string | null = null, drvStr: string | null = null;
  for (const layer of layers) {
    let kv: Kvargs;
    try {
      kv = parseKvargs(layer);
    } catch {
      return null;
    }
    const first = kv.pairs[0];
    if (first === undefined) continue;
    if (first.key === RTE_DEVARGS_KEY_BUS) {
      bus = buses.find((b) => b.name === first.value) ?? null;
      if (bus === null) return null;
      busKv = kv;
      busStr = layer;
    } else if (first.key === RTE_DEVARGS_KEY_CLASS) {
      if (first.value === null || !classes.includes(first.value)) return null;
      cls = first.value;
      clsStr = layer;
    } else if (first.key === RTE_DEVARGS_KEY_DRIVER) {
      drvStr = layer;
    }
  }
  if (bus === null && cls === null) return null;
  let name = '';
  if (bus !== null && busKv !== null) {
    name = bus.devargsName ? bus.devargsName(busKv) : (busKv.get('name') ?? '');
    if (name.length >= RTE_DEV_NAME_MAX_LEN) return null;
  }
  return { bus: bus?.name ?? null, cls, name, args: drvStr ?? '', busStr, clsStr, drvStr };
}

// The first bus (in order) recognising name, like rte_bus_find_by_device_name.
function busOfDevice(buses: readonly DevargsBus[], name: string): DevargsBus | null {
  for (const b of buses) if (b.parse(name)) return b;
  return null;
}

/**
 * rte_devargs_parse: "net_pcap0,rx_pcap=in.pcap" -> { bus: 'vdev', name: 'net_pcap0', args: 'rx_pcap=in.pcap' }.
 * Legacy form: an optional bus prefix ("vdev:net_null0", "pci:0000:01:00.0"; DPDK skips any one separator
 * character after the bus name), the name up to the first ',', the rest as args; without a prefix the bus
 * is the first one that recognises the name. The layered form is tried first and used when it names a
 * known bus or class. Errors: EINVAL for a name of 64 characters or more, EFAULT when no bus recognises
 * the device (DPDK's errnos).
 */
export function parseDevargs(dev: string, opts: DevargsOptions = {}): Devargs {
  const buses = opts.buses ?? DEFAULT_DEVARGS_BUSES;
  const layered = parseLayers(dev, buses, opts.classes ?? ['eth']);
  if (layered !== null) return layered;

  let bus: DevargsBus | null = null;
  let devname = dev;
  for (const b of buses) {
    if (!dev.startsWith(b.name)) continue;
    const rest = dev.slice(b.name.length + 1);
    const comma = rest.indexOf(',');
    if (busOfDevice(buses, comma < 0 ? rest : rest.slice(0, comma)) === b) {
      bus = b;
      devname = rest;
      break;
    }
  }
  const comma = devname.indexOf(',');
  const name = comma < 0 ? devname : devname.slice(0, comma);
  if (name.length >= RTE_DEV_NAME_MAX_LEN) {
    throw new TsdpdkError('EINVAL', `Parsing "${dev}": device name should be shorter than ${RTE_DEV_NAME_MAX_LEN}`);
  }
  if (bus === null) bus = busOfDevice(buses, name);
  if (bus === null) throw new TsdpdkError('EFAULT', `failed to parse device "${name}"`);
  return { bus: bus.name, cls: null, name, args: comma < 0 ? '' : devname.slice(comma + 1), busStr: null, clsStr: null, drvStr: null };
}
