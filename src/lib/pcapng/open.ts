// openCaptureReader: pcap or pcapng by the file's first four bytes, as libpcap's pcap_open_offline
// (and so net_pcap's rx_pcap=) accepts either.

import { closeSync, openSync, readSync } from 'node:fs';
import { TsdpdkError } from '../eal/errors.js';
import type { CaptureReader, ReaderOptions } from './capture_reader.js';
import { PCAP_MAGIC_NS, PCAP_MAGIC_US, PCAPNG_BLOCK_SHB } from './constants.js';
import { sysError } from './file_io.js';
import { PcapReader } from './pcap_reader.js';
import { PcapngReader } from './pcapng_reader.js';

export type CaptureFormat = 'pcap' | 'pcapng';

const swap32 = (x: number) => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;

/** The format of `path` from its magic, or null when it is neither (or shorter than 4 bytes). */
export function detectCaptureFormat(path: string): CaptureFormat | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw sysError(e, path, 'cannot open capture file');
  }
  const b = Buffer.alloc(4);
  let n: number;
  try {
    n = readSync(fd, b, 0, 4, 0);
  } catch (e) {
    throw sysError(e, path, 'read failed');
  } finally {
    closeSync(fd);
  }
  if (n < 4) return null;
  const m = b.readUInt32LE(0);
  if (m === PCAPNG_BLOCK_SHB) return 'pcapng';
  for (const x of [m, swap32(m)]) if (x === PCAP_MAGIC_US || x === PCAP_MAGIC_NS) return 'pcap';
  return null;
}

/** Opens a pcap or pcapng file for reading. Unknown or too short: TsdpdkError('EINVAL'). */
export function openCaptureReader(path: string, opts: ReaderOptions = {}): CaptureReader {
  const f = detectCaptureFormat(path);
  if (f === 'pcapng') return PcapngReader.open(path, opts);
  if (f === 'pcap') return PcapReader.open(path, opts);
  // Let the pcap reader produce libpcap's wording ("truncated dump file ..." / "unknown file format").
  PcapReader.open(path, opts).close();
  throw new TsdpdkError('EINVAL', `${path}: unknown file format`);
}
