// Capture files (src/lib/pcapng): pcap and pcapng writers and readers, round trips, damaged files, a
// 1,000,000-packet pass, and interop with tcpdump/libpcap, tshark/capinfos/editcap/text2pcap/dumpcap.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import {
  CaptureReader, DIRECTION_IN, DIRECTION_OUT, DIRECTION_UNKNOWN, PcapngReader, PcapngWriter, PcapReader, PcapWriter,
  READ_EOF, READ_ERROR, WallClock, detectCaptureFormat, openCaptureReader,
} from '../src/lib/pcapng/index.js';
import { TsResolution, toUnits64, tsScratch } from '../src/lib/pcapng/timestamp.js';
import { TsdpdkError } from '../src/lib/eal/errors.js';
import { skipOrFail } from './helpers.js';
import {
  cat, ngBlock, ngEpb, ngIdb, ngOpt, ngPb, ngShb, ngSpb, pattern, pcapFile, u32, u64,
} from './fixtures/capture_files.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdpdk-pcapng-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});
const file = (name: string) => join(dir, name);

interface Rec {
  cap: number;
  orig: number;
  sec: number;
  nsec: number;
  frac: number;
  ifId: number;
  flags: number;
  queue: number;
  hash: number;
  data: Uint8Array;
}

function readAll(r: CaptureReader): Rec[] {
  const out: Rec[] = [];
  let n: number;
  while ((n = r.next()) >= 0) {
    const data = new Uint8Array(n);
    assert.equal(r.copyData(data, 0, 0, n), n);
    out.push({
      cap: n, orig: r.origLen, sec: r.tsSec, nsec: r.tsNsec, frac: r.tsFrac, ifId: r.interfaceId, flags: r.flags,
      queue: r.queue, hash: r.rssHash, data,
    });
  }
  return out;
}

function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** The tool, or a loud skip (a failure under CI=true). */
function need(t: TestContext, tool: string, pkg: string): boolean {
  if (hasTool(tool)) return true;
  skipOrFail(t, `${tool} not installed (apt-get install ${pkg})`);
  return false;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): { out: string; err: string; status: number | null } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** Packets of assorted lengths with recognisable bytes; timestamps across a second boundary. */
const SAMPLE = [60, 61, 62, 63, 64, 1514, 9000, 1].map((len, i) => ({
  sec: 1_700_000_000 + (i >> 1),
  nsec: [123_456_789, 999_999_999, 0, 1, 500_000_000, 42, 7_000, 999_000][i]!,
  data: pattern(i + 1, len),
}));

describe('classic pcap', () => {
  test('net_pcap tx_pcap layout: LE, ns magic, v2.4, snaplen 65535, linktype 1; round trip', () => {
    const p = file('ns.pcap');
    const w = PcapWriter.open(p);
    for (const s of SAMPLE) w.writePacket(s.sec, s.nsec, s.data, 0, s.data.length, s.data.length + 4);
    assert.equal(w.packets, SAMPLE.length);
    w.close();
    w.close();
    const bytes = readFileSync(p);
    assert.equal(bytes.subarray(0, 24).toString('hex'), '4d3cb2a1' + '02000400' + '00000000' + '00000000' + 'ffff0000' + '01000000');
    // First record header: sec, nsec, incl_len, orig_len, then data directly (no padding).
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    assert.deepEqual([v.getUint32(24, true), v.getUint32(28, true), v.getUint32(32, true), v.getUint32(36, true)], [1_700_000_000, 123_456_789, 60, 64]);
    assert.equal(bytes.length, 24 + SAMPLE.reduce((a, s) => a + 16 + s.data.length, 0));

    const r = openCaptureReader(p);
    assert.ok(r instanceof PcapReader);
    assert.equal(r.format, 'pcap');
    assert.equal(r.nanosecond, true);
    assert.equal(r.littleEndian, true);
    assert.equal(r.snaplen, 65535);
    assert.equal(r.linktype, 1);
    const recs = readAll(r);
    assert.equal(recs.length, SAMPLE.length);
    recs.forEach((x, i) => {
      const s = SAMPLE[i]!;
      assert.equal(x.cap, s.data.length);
      assert.equal(x.orig, s.data.length + 4);
      assert.equal(x.sec, s.sec);
      assert.equal(x.nsec, s.nsec);
      assert.equal(x.frac, s.nsec);
      assert.equal(hex(x.data), hex(s.data));
    });
    assert.equal(r.next(), READ_EOF);
    assert.equal(r.error, null);
    assert.equal(r.packets, SAMPLE.length);
    r.close();
  });

  test('microsecond files: magic d4c3b2a1, ns truncated to µs, tsFrac in µs, tsUs exact', () => {
    const p = file('us.pcap');
    const w = PcapWriter.open(p, { nanosecond: false, snaplen: 2176 });
    for (const s of SAMPLE) w.writePacket(s.sec, s.nsec, s.data, 0, s.data.length);
    w.close();
    const bytes = readFileSync(p);
    assert.equal(bytes.subarray(0, 4).toString('hex'), 'd4c3b2a1');
    const r = PcapReader.open(p);
    assert.equal(r.nanosecond, false);
    assert.equal(r.snaplen, 2176);
    const recs: Rec[] = [];
    let n: number;
    while ((n = r.next()) >= 0) {
      const s = SAMPLE[recs.length]!;
      assert.equal(r.tsUs, s.sec * 1e6 + Math.floor(s.nsec / 1000));
      recs.push({ cap: n, orig: r.origLen, sec: r.tsSec, nsec: r.tsNsec, frac: r.tsFrac, ifId: 0, flags: 0, queue: -1, hash: -1, data: new Uint8Array(0) });
    }
    recs.forEach((x, i) => {
      const s = SAMPLE[i]!;
      assert.equal(x.frac, Math.floor(s.nsec / 1000));
      assert.equal(x.nsec, Math.floor(s.nsec / 1000) * 1000);
      // The 9000-byte packet is cut to snaplen 2176; orig keeps the wire length.
      assert.equal(x.cap, Math.min(s.data.length, 2176));
      assert.equal(x.orig, s.data.length);
    });
  });

  test('big-endian files, µs and ns, built by hand and by the writer', () => {
    for (const ns of [false, true]) {
      const p = file(`be-${ns}.pcap`);
      const recs = SAMPLE.slice(0, 4).map((s) => ({ sec: s.sec, frac: ns ? s.nsec : Math.floor(s.nsec / 1000), data: s.data, origLen: s.data.length + 100 }));
      writeFileSync(p, pcapFile({ le: false, ns, snaplen: 1000, linktype: 1, records: recs }));
      assert.equal(readFileSync(p).subarray(0, 4).toString('hex'), ns ? 'a1b23c4d' : 'a1b2c3d4');
      const r = PcapReader.open(p);
      assert.equal(r.littleEndian, false);
      assert.equal(r.nanosecond, ns);
      assert.equal(r.snaplen, 1000);
      const got = readAll(r);
      assert.equal(got.length, 4);
      got.forEach((x, i) => {
        assert.equal(x.sec, recs[i]!.sec);
        assert.equal(x.frac, recs[i]!.frac);
        assert.equal(x.orig, recs[i]!.origLen);
        assert.equal(hex(x.data), hex(recs[i]!.data));
      });
    }
    const p = file('be-writer.pcap');
    const w = PcapWriter.open(p, { bigEndian: true });
    for (const s of SAMPLE) w.writePacket(s.sec, s.nsec, s.data, 0, s.data.length);
    w.close();
    assert.equal(readFileSync(p).subarray(0, 8).toString('hex'), 'a1b23c4d00020004');
    const got = readAll(PcapReader.open(p));
    assert.deepEqual(got.map((x) => [x.sec, x.nsec, hex(x.data)]), SAMPLE.map((s) => [s.sec, s.nsec, hex(s.data)]));
  });

  test('old versions: 2.2 has caplen/len swapped, 2.3 swapped only when caplen > len', () => {
    const d = pattern(3, 40);
    for (const [minor, swapped] of [[2, true], [3, true], [3, false]] as const) {
      const p = file(`v2${minor}.pcap`);
      // Stored order for a swapped file: the first length field holds the wire length.
      const rec = swapped ? { sec: 1, frac: 2, data: d, capLen: 100, origLen: 40 } : { sec: 1, frac: 2, data: d, capLen: 40, origLen: 100 };
      writeFileSync(p, pcapFile({ le: true, ns: false, versionMinor: minor, records: [rec] }));
      const r = PcapReader.open(p);
      assert.equal(r.next(), 40, `2.${minor} swapped=${swapped}`);
      assert.equal(r.origLen, 100);
    }
  });

  test('multi-segment gather writes; bytes beyond snaplen dropped; short packet zero-filled + EINVAL', () => {
    const p = file('gather.pcap');
    const w = PcapWriter.open(p, { snaplen: 100 });
    const segs = [pattern(1, 30), pattern(2, 50), pattern(3, 20)];
    w.beginPacket(10, 20, 100, 100);
    for (const s of segs) w.appendData(s, 0, s.length);
    w.endPacket();
    // 150 bytes announced, snaplen 100: the tail is dropped, origLen stays 150.
    w.beginPacket(11, 21, 150);
    w.appendData(pattern(4, 120), 0, 120);
    w.appendData(pattern(5, 30), 0, 30);
    w.endPacket();
    // Pieces from the middle of bigger buffers.
    const big = pattern(6, 4000);
    w.beginPacket(12, 22, 64);
    w.appendData(big, 1000, 32);
    w.appendData(big, 3000, 32);
    w.endPacket();
    assert.throws(() => w.appendData(big, 0, 1), (e: unknown) => e instanceof TsdpdkError && e.code === 'EINVAL');
    w.beginPacket(13, 23, 10);
    w.appendData(big, 0, 4);
    assert.throws(() => w.appendData(big, 0, 7), /exceeds the 6 announced/);
    assert.throws(() => w.writePacket(0, 0, big, 0, 1), (e: unknown) => e instanceof TsdpdkError && e.code === 'EBUSY');
    assert.throws(() => w.endPacket(), /6 bytes short/);
    w.writePacket(14, 24, big, 0, 200);
    w.close();
    const got = readAll(PcapReader.open(p));
    assert.equal(got.length, 5);
    assert.equal(hex(got[0]!.data), hex(cat(segs)));
    assert.equal(got[1]!.cap, 100);
    assert.equal(got[1]!.orig, 150);
    assert.equal(hex(got[1]!.data), hex(pattern(4, 100)));
    assert.equal(hex(got[2]!.data), hex(cat([big.subarray(1000, 1032), big.subarray(3000, 3032)])));
    assert.equal(hex(got[3]!.data), hex(cat([big.subarray(0, 4), new Uint8Array(6)])));
    assert.equal(got[4]!.cap, 100);
    assert.equal(got[4]!.orig, 200);
  });

  test('packets larger than the I/O buffer bypass it; copyData clamps and offsets', () => {
    const p = file('large.pcap');
    const w = PcapWriter.open(p, { ioBuffer: new Uint8Array(4096), snaplen: 262144 });
    const big = pattern(9, 200_000);
    w.writePacket(1, 0, big, 0, big.length);
    w.writePacket(2, 0, big, 5, 100);
    w.beginPacket(3, 0, 150_000);
    w.appendData(big, 0, 100_000);
    w.appendData(big, 100_000, 50_000);
    w.endPacket();
    w.close();
    const r = PcapReader.open(p, { ioBuffer: new Uint8Array(8192) });
    assert.equal(r.next(), 200_000);
    const dst = new Uint8Array(300_000);
    assert.equal(r.copyData(dst, 0, 0, 1e9), 200_000);
    assert.equal(hex(dst.subarray(0, 200_000)), hex(big));
    assert.equal(r.copyData(dst, 10, 199_990, 100), 10);
    assert.equal(hex(dst.subarray(10, 20)), hex(big.subarray(199_990)));
    assert.equal(r.copyData(dst, 0, 200_000, 5), 0);
    assert.throws(() => r.copyData(new Uint8Array(10), 5, 0, 100), RangeError);
    assert.equal(r.next(), 100);
    assert.equal(hex(r.buffer.subarray(r.dataOffset, r.dataOffset + 100)), hex(big.subarray(5, 105)));
    assert.equal(r.next(), 150_000);
    assert.equal(r.copyData(dst, 0, 0, 150_000), 150_000);
    assert.equal(hex(dst.subarray(0, 150_000)), hex(big.subarray(0, 150_000)));
    assert.equal(r.next(), READ_EOF);
  });

  test('rewind replays the file (infinite_rx); close makes next() throw EBADF', () => {
    const p = file('ns.pcap');
    const r = PcapReader.open(p);
    const a = readAll(r);
    r.rewind();
    const b = readAll(r);
    assert.equal(b.length, SAMPLE.length);
    assert.deepEqual(a.map((x) => hex(x.data)), b.map((x) => hex(x.data)));
    r.rewind();
    r.next();
    r.close();
    assert.throws(() => r.next(), (e: unknown) => e instanceof TsdpdkError && e.code === 'EBADF');
    assert.throws(() => r.rewind(), (e: unknown) => e instanceof TsdpdkError && e.code === 'EBADF');
  });
});

describe('damaged pcap files', () => {
  const good = () => pcapFile({ le: true, ns: true, records: [0, 1, 2].map((i) => ({ sec: 100 + i, frac: i, data: pattern(i, 60) })) });

  function headerError(bytes: Uint8Array, re: RegExp): void {
    const p = file('bad-header.pcap');
    writeFileSync(p, bytes);
    assert.throws(() => openCaptureReader(p), (e: unknown) => {
      assert.ok(e instanceof TsdpdkError);
      assert.equal(e.code, 'EINVAL');
      assert.match(e.message, re);
      assert.ok(e.message.includes(p), 'names the file');
      return true;
    });
  }

  test('bad global headers throw EINVAL naming the file and byte offset', () => {
    headerError(new Uint8Array(0), /truncated dump file; tried to read 4 file header bytes, only got 0/);
    const pr = file('empty.pcap');
    writeFileSync(pr, new Uint8Array(0));
    assert.throws(() => PcapReader.open(pr), /byte offset 0: truncated dump file; tried to read 4 file header bytes, only got 0/);
    headerError(good().subarray(0, 10), /byte offset 10: truncated dump file; tried to read 24 file header bytes, only got 10/);
    const m = good();
    m[0] = 0x11;
    headerError(m, /unknown file format/);
    const bm = file('badmagic.pcap');
    writeFileSync(bm, m);
    assert.throws(() => PcapReader.open(bm), /byte offset 0: unknown file format \(magic 0xa1b23c11/);
    headerError(pcapFile({ le: true, ns: false, versionMajor: 1, records: [] }), /byte offset 4: archaic pcap savefile format/);
    headerError(pcapFile({ le: true, ns: false, versionMajor: 2, versionMinor: 7, records: [] }), /byte offset 4: unsupported pcap savefile version 2.7/);
  });

  test('header only: zero packets, no error; snaplen 0 reads as 262144', () => {
    const p = file('hdr-only.pcap');
    writeFileSync(p, pcapFile({ le: true, ns: true, snaplen: 0, records: [] }));
    const r = PcapReader.open(p);
    assert.equal(r.snaplen, 262144);
    assert.equal(r.fileSnaplen, 0);
    assert.equal(r.next(), READ_EOF);
    assert.equal(r.error, null);
  });

  test('truncated last record: packets before it, READ_ERROR once with libpcap wording, then EOF; rewind retries', () => {
    const p = file('trunc-data.pcap');
    const b = good();
    writeFileSync(p, b.subarray(0, b.length - 40));
    const r = PcapReader.open(p);
    assert.equal(r.next(), 60);
    assert.equal(r.next(), 60);
    assert.equal(r.next(), READ_ERROR);
    assert.equal(r.capLen, 0);
    assert.match(r.error!, /truncated dump file; tried to read 60 captured bytes, only got 20/);
    assert.ok(r.error!.includes(p));
    assert.equal(r.errorOffset, 24 + 2 * 76);
    assert.match(r.error!, new RegExp(`at byte offset ${24 + 2 * 76}, after 2 packets`));
    assert.equal(r.errors, 1);
    assert.equal(r.next(), READ_EOF);
    assert.equal(r.next(), READ_EOF);
    r.rewind();
    assert.equal(r.error, null);
    assert.equal(readAll(r).length, 2);
    assert.equal(r.errors, 2);

    const q = file('trunc-hdr.pcap');
    writeFileSync(q, b.subarray(0, 24 + 76 + 5));
    const r2 = PcapReader.open(q);
    assert.equal(r2.next(), 60);
    assert.equal(r2.next(), READ_ERROR);
    assert.match(r2.error!, /truncated dump file; tried to read 16 header bytes, only got 5/);
  });

  test('caplen > snaplen is cut to snaplen like libpcap; caplen > 262144 stops with an error', () => {
    const p = file('over-snap.pcap');
    const big = pattern(7, 100);
    writeFileSync(p, pcapFile({ le: true, ns: true, snaplen: 64, records: [{ sec: 1, frac: 1, data: big }, { sec: 2, frac: 2, data: pattern(8, 30) }] }));
    const r = PcapReader.open(p);
    assert.equal(r.next(), 64);
    assert.equal(r.origLen, 100);
    const d = new Uint8Array(64);
    r.copyData(d, 0, 0, 64);
    assert.equal(hex(d), hex(big.subarray(0, 64)));
    assert.equal(r.next(), 30);
    assert.equal(r.clipped, 1);
    assert.equal(r.next(), READ_EOF);
    assert.equal(r.error, null);

    const q = file('insane.pcap');
    writeFileSync(q, pcapFile({ le: true, ns: true, records: [{ sec: 1, frac: 1, data: pattern(1, 60) }, { sec: 2, frac: 2, data: pattern(2, 60), capLen: 300000 }] }));
    const r2 = PcapReader.open(q);
    assert.equal(r2.next(), 60);
    assert.equal(r2.next(), READ_ERROR);
    assert.match(r2.error!, /invalid packet capture length 300000, bigger than snaplen of 65535/);
    assert.equal(r2.next(), READ_EOF);
  });

  test('libpcap (tcpdump -r) reports the same messages for the same damaged files', (t) => {
    if (!need(t, 'tcpdump', 'tcpdump')) return;
    for (const [name, ours] of [['trunc-data.pcap', /truncated dump file; tried to read 60 captured bytes, only got 20/],
      ['trunc-hdr.pcap', /truncated dump file; tried to read 16 header bytes, only got 5/],
      ['insane.pcap', /invalid packet capture length 300000, bigger than snaplen of 65535/],
      ['empty.pcap', /truncated dump file; tried to read 4 file header bytes, only got 0/]] as const) {
      const r = run('tcpdump', ['-nn', '-r', file(name)]);
      assert.match(r.err, ours, `tcpdump on ${name}: ${r.err}`);
    }
    const clipped = run('tcpdump', ['-nn', '-r', file('over-snap.pcap')]);
    // libpcap also delivers the over-snaplen record, cut to 64 bytes (0x32 + 14 header bytes).
    assert.equal(clipped.out.split('\n').filter((l) => /^\d\d:\d\d:\d\d/.test(l)).length, 2, clipped.out + clipped.err);
    assert.match(clipped.out, /^\s+0x0030:\s+8b92\s/m);
  });
});

describe('pcapng', () => {
  const shbOpts = { os: 'Linux 6.1.0-test', userAppl: 'dpdk-dumpcap 1.0 (DPDK 22.11.11)', comment: 'capture comment', hardware: 'x86_64 box' };

  function writeSampleNg(p: string, bigEndian = false): void {
    const w = PcapngWriter.open(p, { ...shbOpts, bigEndian });
    assert.equal(w.addInterface({
      name: 'net_null0', description: 'null device', macAddr: '02:00:00:00:00:01', speed: 10_000_000_000n,
      hardware: 'vdev-net_null0', filter: 'udp port 53',
    }), 0);
    assert.equal(w.addInterface({ macAddr: Uint8Array.of(2, 0, 0, 0, 0, 2), speed: 0 }), 1);
    SAMPLE.forEach((s, i) => {
      const dir = [DIRECTION_IN, DIRECTION_OUT, DIRECTION_UNKNOWN][i % 3]!;
      w.writePacket(i & 1, s.sec, s.nsec, s.data, 0, s.data.length, s.data.length + 4, dir, i, i % 2 ? -1 : 0x8000_0000 + i);
    });
    w.beginPacket(1, 1_700_000_100, 5, 90, 90, DIRECTION_OUT, 2);
    w.appendData(pattern(20, 45), 0, 45);
    w.appendData(pattern(21, 45), 0, 45);
    w.endPacket();
    w.writeStats(0, {
      timeNs: 1_700_000_200_000_000_001n, startTimeNs: 1_700_000_000_000_000_000n, endTimeNs: 1_700_000_200_123_456_789n,
      ifRecv: 12, ifDrop: 3, filterAccept: 9n, osDrop: 1, usrDeliv: 8, comment: 'stats',
    });
    w.writeStats(1, { ifRecv: 5n, ifDrop: 0 });
    w.close();
  }

  test('SHB/IDB/EPB layout as rte_pcapng writes it', () => {
    const p = file('layout.pcapng');
    const w = PcapngWriter.open(p, { os: 'Linux 6.1', userAppl: 'app' });
    w.addInterface({ name: 'dpdk:0' });
    w.writePacket(0, 1, 2, pattern(1, 61), 0, 61, 61, DIRECTION_IN, 3);
    w.close();
    const b = readFileSync(p);
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    // SHB: type, len, magic, 1.0, section length -1, shb_os, shb_userappl, end, len.
    const shbLen = 28 + (4 + 12) + (4 + 4) + 4;
    assert.equal(v.getUint32(0, true), 0x0a0d0d0a);
    assert.equal(v.getUint32(4, true), shbLen);
    assert.equal(b.subarray(8, 24).toString('hex'), '4d3c2b1a' + '0100' + '0000' + 'ffffffffffffffff');
    assert.equal(v.getUint16(24, true), 3);
    assert.equal(b.subarray(28, 37).toString(), 'Linux 6.1');
    assert.equal(v.getUint16(40, true), 4);
    assert.equal(v.getUint32(shbLen - 4, true), shbLen);
    // IDB: linktype 1, snaplen 0, if_tsresol=9 first, then if_name, end.
    let o = shbLen;
    assert.equal(v.getUint32(o, true), 1);
    const idbLen = v.getUint32(o + 4, true);
    assert.equal(idbLen, 20 + 8 + 12 + 4);
    assert.equal(v.getUint16(o + 8, true), 1);
    assert.equal(v.getUint32(o + 12, true), 0);
    assert.equal(b.subarray(o + 16, o + 24).toString('hex'), '0900' + '0100' + '09000000');
    assert.equal(v.getUint16(o + 24, true), 2);
    assert.equal(b.subarray(o + 28, o + 34).toString(), 'dpdk:0');
    // EPB: 28 + data padded to 64 + epb_flags + epb_queue + trailer, no end-of-options.
    o += idbLen;
    assert.equal(v.getUint32(o, true), 6);
    const epbLen = v.getUint32(o + 4, true);
    assert.equal(epbLen, 28 + 64 + 8 + 8 + 4);
    assert.deepEqual([v.getUint32(o + 8, true), v.getUint32(o + 12, true), v.getUint32(o + 16, true)], [0, 0, 1_000_000_002]);
    assert.equal(b.subarray(o + 28 + 61, o + 28 + 64).toString('hex'), '000000');
    assert.equal(b.subarray(o + 92, o + 108).toString('hex'), '02000400' + '01000000' + '06000400' + '03000000');
    assert.equal(v.getUint32(o + epbLen - 4, true), epbLen);
    assert.equal(o + epbLen, b.length);
  });

  test('round trip: sections, interfaces, EPB flags/queue/hash, gather, ISB statistics; both byte orders', () => {
    for (const be of [false, true]) {
      const p = file(`rt-${be}.pcapng`);
      writeSampleNg(p, be);
      const r = openCaptureReader(p);
      assert.ok(r instanceof PcapngReader);
      assert.equal(r.littleEndian, !be);
      assert.deepEqual({ ...r.section, offset: 0 }, {
        offset: 0, littleEndian: !be, versionMajor: 1, versionMinor: 0, comments: ['capture comment'],
        hardware: 'x86_64 box', os: 'Linux 6.1.0-test', userAppl: 'dpdk-dumpcap 1.0 (DPDK 22.11.11)',
      });
      // IDBs right after the SHB are known before the first packet.
      assert.equal(r.interfaces.length, 2);
      assert.equal(r.linktype, 1);
      const recs = readAll(r);
      assert.equal(r.error, null);
      assert.equal(recs.length, SAMPLE.length + 1);
      SAMPLE.forEach((s, i) => {
        const x = recs[i]!;
        assert.equal(x.ifId, i & 1);
        assert.equal(x.sec, s.sec);
        assert.equal(x.nsec, s.nsec);
        assert.equal(x.frac, s.nsec);
        assert.equal(x.cap, s.data.length);
        assert.equal(x.orig, s.data.length + 4);
        assert.equal(x.flags, [1, 2, 0][i % 3]);
        assert.equal(x.queue, i);
        assert.equal(x.hash, i % 2 ? -1 : 0x8000_0000 + i);
        assert.equal(hex(x.data), hex(s.data));
      });
      const last = recs[SAMPLE.length]!;
      assert.equal(hex(last.data), hex(cat([pattern(20, 45), pattern(21, 45)])));
      assert.equal(last.flags, 2);
      assert.equal(last.queue, 2);
      const [i0, i1] = r.interfaces;
      assert.equal(i0!.name, 'net_null0');
      assert.equal(i0!.description, 'null device');
      assert.equal(i0!.macAddr, '02:00:00:00:00:01');
      assert.equal(i0!.speed, 10_000_000_000n);
      assert.equal(i0!.hardware, 'vdev-net_null0');
      assert.equal(i0!.filter, 'udp port 53');
      assert.equal(i0!.tsresol, 9);
      assert.equal(i0!.snaplen, 0);
      assert.equal(i1!.name, 'dpdk:1');
      assert.equal(i1!.speed, undefined);
      assert.deepEqual(i0!.stats, [{
        timeNs: 1_700_000_200_000_000_001n, startTimeNs: 1_700_000_000_000_000_000n, endTimeNs: 1_700_000_200_123_456_789n,
        ifRecv: 12n, ifDrop: 3n, filterAccept: 9n, osDrop: 1n, usrDeliv: 8n, comments: ['stats'],
      }]);
      assert.equal(i1!.stats.length, 1);
      assert.equal(i1!.stats[0]!.ifRecv, 5n);
      assert.equal(i1!.stats[0]!.ifDrop, 0n);
      assert.equal(i1!.stats[0]!.startTimeNs, undefined);
      r.rewind();
      assert.equal(readAll(r).length, SAMPLE.length + 1);
      assert.equal(r.sections.length, 1);
      r.close();
    }
  });

  test('writer checks: unknown interface, interface snaplen cut, closed file', () => {
    const p = file('checks.pcapng');
    const w = PcapngWriter.open(p, { os: null });
    assert.throws(() => w.writePacket(0, 0, 0, pattern(1, 10), 0, 10), /interface 0 was not added/);
    w.addInterface({ name: 'short', snaplen: 32 });
    w.writePacket(0, 5, 6, pattern(1, 100), 0, 100);
    w.beginPacket(0, 5, 7, 50);
    w.appendData(pattern(2, 50), 0, 50);
    w.endPacket();
    assert.throws(() => w.writeStats(3), /interface 3 was not added/);
    assert.throws(() => w.addInterface({ macAddr: '1:2:3' }), /bad MAC address/);
    w.close();
    assert.throws(() => w.writePacket(0, 0, 0, pattern(1, 10), 0, 10), (e: unknown) => e instanceof TsdpdkError && e.code === 'EBADF');
    const r = PcapngReader.open(p);
    assert.equal(r.section.os, undefined);
    assert.equal(r.interfaces[0]!.snaplen, 32);
    const recs = readAll(r);
    assert.deepEqual(recs.map((x) => [x.cap, x.orig]), [[32, 100], [32, 50]]);
    assert.equal(hex(recs[0]!.data), hex(pattern(1, 32)));
  });

  test('hand-built files: SPB, obsolete PB, unknown blocks, default µs and binary resolutions, if_tsoffset, two sections', () => {
    for (const le of [true, false]) {
      const p = file(`hand-${le}.pcapng`);
      const tsresolBinary = Uint8Array.of(0x80 | 20);
      const parts = [
        ngShb(le, [ngOpt(le, 4, 'handmade\0\0')]),
        ngBlock(le, 0x0bad, [pattern(1, 10)]),
        ngIdb(le, 1, 1500, [ngOpt(le, 2, 'eth0')]),
        ngIdb(le, 105, 0, [ngOpt(le, 9, tsresolBinary), ngOpt(le, 14, u64(le, 100n))]),
        ngSpb(le, 80, pattern(2, 80)),
        ngEpb(le, 0, 1_700_000_000_123_456n, pattern(3, 33), 33, [ngOpt(le, 2, u32(le, 1)), ngOpt(le, 0, new Uint8Array(0))]),
        ngEpb(le, 1, (5n << 20n) + (1n << 19n), pattern(4, 20), 64),
        ngPb(le, 0, 2_000_000n, pattern(5, 12), 12),
        ngBlock(le, 4, [new Uint8Array(4)]),
        // A second section in the other byte order restarts the interface list.
        ngShb(!le),
        ngIdb(!le, 1, 0, [ngOpt(!le, 9, Uint8Array.of(3))]),
        ngEpb(!le, 0, 1_234n, pattern(6, 8), 8),
      ];
      writeFileSync(p, cat(parts));
      const r = PcapngReader.open(p);
      assert.equal(r.section.userAppl, 'handmade', 'trailing NULs stripped');
      assert.equal(r.interfaces.length, 0, 'a non-IDB block between SHB and IDBs stops the look-ahead');
      const recs = readAll(r);
      assert.equal(r.error, null, r.error ?? '');
      assert.equal(r.skippedBlocks, 2);
      assert.equal(recs.length, 5);
      // SPB: interface 0, length min(orig, snaplen), no timestamp.
      assert.deepEqual([recs[0]!.ifId, recs[0]!.cap, recs[0]!.orig, recs[0]!.sec], [0, 80, 80, 0]);
      assert.equal(hex(recs[0]!.data), hex(pattern(2, 80)));
      // No if_tsresol: microseconds.
      assert.deepEqual([recs[1]!.sec, recs[1]!.frac, recs[1]!.nsec, recs[1]!.flags], [1_700_000_000, 123_456, 123_456_000, 1]);
      // 2^-20 s units and a 100 s offset: 5.5 s + 100.
      assert.deepEqual([recs[2]!.ifId, recs[2]!.sec, recs[2]!.frac, recs[2]!.nsec, recs[2]!.orig], [1, 105, 1 << 19, 500_000_000, 64]);
      assert.deepEqual([recs[3]!.ifId, recs[3]!.sec, recs[3]!.nsec], [0, 2, 0]);
      assert.equal(hex(recs[3]!.data), hex(pattern(5, 12)));
      // Second section: ms resolution, other byte order.
      assert.equal(r.sections.length, 2);
      assert.equal(r.littleEndian, !le);
      assert.equal(r.interfaces.length, 1);
      assert.deepEqual([recs[4]!.sec, recs[4]!.nsec], [1, 234_000_000]);
      assert.equal(r.linktype, 1);
    }
  });

  test('damaged pcapng files: clear errors, no crash', () => {
    const le = true;
    const head = [ngShb(le), ngIdb(le, 1, 0, [ngOpt(le, 9, Uint8Array.of(9))])];
    const epb = ngEpb(le, 0, 1n, pattern(1, 60), 60);
    const cases: [string, Uint8Array, RegExp][] = [
      ['truncated block', cat([...head, epb, epb.subarray(0, 50)]), /truncated pcapng dump file; tried to read 92 bytes, only got 50/],
      ['partial block header', cat([...head, epb, epb.subarray(0, 5)]), /tried to read 8 bytes, only got 5/],
      ['length not multiple of 4', cat([...head, epb, ngBlock(le, 6, [new Uint8Array(20)], 33)]), /length of 33 that is not a multiple of 4/],
      ['length below minimum', cat([...head, epb, ngBlock(le, 6, [], 8)]), /length of 8 < 12/],
      ['trailer mismatch', cat([...head, epb, ngBlock(le, 6, [new Uint8Array(40)], undefined, 48)]), /block trailer length 48 differs from header length 52/],
      ['undeclared interface', cat([...head, epb, ngEpb(le, 3, 1n, pattern(1, 8), 8)]), /a packet arrived on interface 3, but there's no Interface Description Block/],
      ['caplen overruns block', cat([...head, epb, ngEpb(le, 0, 1n, pattern(1, 8), 8, [], 200)]), /block total length 40 is too small for 200 bytes/],
      ['huge block', cat([...head, epb, ngBlock(le, 6, [new Uint8Array(20)], 0x7ffffff0)]), /pcapng block size 2147483632 > maximum 16777216/],
      ['bad SHB in second section', cat([...head, epb, ngBlock(le, 0x0a0d0d0a, [u32(le, 0x12345678), new Uint8Array(12)])]), /unknown byte-order magic 0x78563412/],
    ];
    for (const [what, bytes, re] of cases) {
      const p = file('damaged.pcapng');
      writeFileSync(p, bytes);
      const r = openCaptureReader(p);
      assert.equal(r.next(), 60, what);
      assert.equal(r.next(), READ_ERROR, what);
      assert.match(r.error ?? '', re, what);
      assert.ok(r.error!.includes(p));
      assert.equal(r.next(), READ_EOF, what);
      r.close();
    }
    const hdr = (bytes: Uint8Array, re: RegExp) => {
      const p = file('damaged-hdr.pcapng');
      writeFileSync(p, bytes);
      assert.throws(() => PcapngReader.open(p), (e: unknown) => e instanceof TsdpdkError && e.code === 'EINVAL' && re.test(e.message) && e.message.includes(p));
    };
    hdr(ngShb(le).subarray(0, 20), /truncated pcapng dump file; tried to read 28 bytes, only got 20/);
    hdr(cat([ngBlock(le, 0x0a0d0d0a, [u32(le, 0x1a2b3c4d), Uint8Array.of(2, 0, 0, 0), new Uint8Array(8)])]), /unsupported pcapng savefile version 2.0/);
    hdr(ngIdb(le, 1, 0), /not a pcapng file/);
    hdr(ngShb(le).subarray(0, 6), /tried to read 12 bytes, only got 6/);
  });

  test('openCaptureReader / detectCaptureFormat pick the format by magic', () => {
    assert.equal(detectCaptureFormat(file('ns.pcap')), 'pcap');
    assert.equal(detectCaptureFormat(file('be-true.pcap')), 'pcap');
    assert.equal(detectCaptureFormat(file('rt-false.pcapng')), 'pcapng');
    assert.equal(detectCaptureFormat(file('rt-true.pcapng')), 'pcapng');
    const junk = file('junk.bin');
    writeFileSync(junk, 'hello world, not a capture');
    assert.equal(detectCaptureFormat(junk), null);
    assert.throws(() => openCaptureReader(junk), /unknown file format/);
    assert.throws(() => openCaptureReader(file('missing.pcap')), (e: unknown) => e instanceof TsdpdkError && e.code === 'ENOENT');
  });
});

describe('copies into packet memory', () => {
  test('same-Memory copies (Wasm memory.copy) at every alignment and length; memory without ioBuffer is EINVAL', () => {
    const memory = new WebAssembly.Memory({ initial: 128, maximum: 128, shared: true });
    const p = file('align.pcap');
    const lens = [1, 3, 7, 8, 9, 15, 16, 31, 63, 64, 65, 100, 1514, 3000];
    const w = PcapWriter.open(p, { ioBuffer: new Uint8Array(memory.buffer, 1 << 20, 64 << 10), memory });
    const src = new Uint8Array(memory.buffer, 2 << 20, 64 << 10);
    src.set(pattern(77, src.length));
    lens.forEach((len, i) => w.writePacket(i, 0, src, i * 5, len));
    w.close();
    const r = PcapReader.open(p, { ioBuffer: new Uint8Array(memory.buffer, 3 << 20, 64 << 10), memory });
    const dst = new Uint8Array(memory.buffer, 4 << 20, 64 << 10);
    let i = 0;
    let n: number;
    while ((n = r.next()) >= 0) {
      for (const dOff of [0, 1, 2, 5, 8]) {
        dst.fill(0xee);
        assert.equal(r.copyData(dst, dOff, 1, n), n - 1);
        assert.equal(hex(dst.subarray(dOff, dOff + n - 1)), hex(src.subarray(i * 5 + 1, i * 5 + n)));
        assert.equal(dst[dOff + n - 1], 0xee, 'no byte past the end');
      }
      i++;
    }
    assert.equal(i, lens.length);
    assert.throws(() => PcapReader.open(p, { memory }), (e: unknown) => e instanceof TsdpdkError && e.code === 'EINVAL');
    assert.throws(() => PcapWriter.open(file('x.pcap'), { ioBuffer: new Uint8Array(8192), memory }), /ioBuffer must be a view of the given memory/);
  });
});

describe('timestamps', () => {
  test('64-bit unit counts split exactly without BigInt', () => {
    const cases = [[0, 0], [1_700_000_000, 123_456_789], [4_294_967_295, 999_999_999], [2 ** 34, 1], [1, 999_999_999]];
    for (const [sec, ns] of cases) {
      toUnits64(sec!, ns!, 1e9);
      const big = (BigInt(sec!) * 1_000_000_000n) + BigInt(ns!);
      assert.equal(BigInt(tsScratch[0]!) * 2n ** 32n + BigInt(tsScratch[1]!), big, `${sec}.${ns}`);
      for (const res of [9, 6, 3, 0x80 | 20, 0x80 | 30]) {
        const r = new TsResolution(res);
        const units = (big * BigInt(r.unitsPerSec)) / 1_000_000_000n;
        if (units >= 1n << 64n) continue;
        r.split(Number(units >> 32n), Number(units & 0xffffffffn));
        assert.equal(tsScratch[0], Number(units / BigInt(r.unitsPerSec)), `res ${res}`);
        assert.equal(tsScratch[1], Number(units % BigInt(r.unitsPerSec)), `res ${res}`);
      }
    }
  });

  test('WallClock follows the system clock within a few ms', () => {
    const c = new WallClock();
    c.now();
    const ms = c.sec * 1000 + c.nsec / 1e6;
    assert.ok(Math.abs(ms - Date.now()) < 50, `${ms} vs ${Date.now()}`);
    assert.ok(c.nsec >= 0 && c.nsec < 1e9);
  });
});

describe('1,000,000 packets', () => {
  const N = 1_000_000;

  function gcCounter(): { count: () => number; stop: () => void } {
    let n = 0;
    const obs = new PerformanceObserver((l) => {
      n += l.getEntries().length;
    });
    obs.observe({ entryTypes: ['gc'] });
    return { count: () => n, stop: () => obs.disconnect() };
  }

  for (const format of ['pcap', 'pcapng'] as const) {
    test(`${format}: write then read 1M packets; counts, bytes and a checksum match`, async () => {
      const p = file(`million.${format}`);
      // Packet memory and the I/O buffers share one buffer as in the shared Memory: pcap goes through
      // a plain SharedArrayBuffer (copyWithin), pcapng through a WebAssembly.Memory (Wasm memory.copy).
      const memory = format === 'pcapng' ? new WebAssembly.Memory({ initial: 128, maximum: 128, shared: true }) : undefined;
      const sab = memory ? memory.buffer : new SharedArrayBuffer(8 << 20);
      const wio = new Uint8Array(sab, 0, 1 << 20);
      const rio = new Uint8Array(sab, 1 << 20, 1 << 20);
      const pkts = new Uint8Array(sab, 2 << 20, 1 << 20);
      const mbufs = new Uint8Array(sab, 4 << 20, 4 << 20);
      for (let i = 0; i < pkts.length; i++) pkts[i] = (i * 13 + (i >> 9)) & 0xff;
      let wantBytes = 0;
      let wantSum = 0;
      await new Promise((res) => setImmediate(res));
      const wgc = gcCounter();
      const t0 = performance.now();
      if (format === 'pcap') {
        const w = PcapWriter.open(p, { ioBuffer: wio, memory });
        for (let i = 0; i < N; i++) {
          const len = 60 + (i & 63);
          w.writePacket(1_700_000_000 + (i >>> 12), (i * 977) % 1e9, pkts, i & 0xfffff & ~1023, len, len);
          wantBytes += len;
          wantSum = (wantSum + pkts[(i & 0xfffff & ~1023) + len - 1]!) | 0;
        }
        w.close();
      } else {
        const w = PcapngWriter.open(p, { ioBuffer: wio, memory, userAppl: 'test' });
        w.addInterface({ name: 'a' });
        w.addInterface({ name: 'b' });
        for (let i = 0; i < N; i++) {
          const len = 60 + (i & 63);
          w.writePacket(i & 1, 1_700_000_000 + (i >>> 12), (i * 977) % 1e9, pkts, i & 0xfffff & ~1023, len, len, 1 + (i & 1), i & 7);
          wantBytes += len;
          wantSum = (wantSum + pkts[(i & 0xfffff & ~1023) + len - 1]!) | 0;
        }
        w.writeStats(0, { ifRecv: N / 2, ifDrop: 0 });
        w.close();
      }
      const t1 = performance.now();
      await new Promise((res) => setImmediate(res));
      const wgcs = wgc.count();
      wgc.stop();
      assert.ok(wgcs <= 2, `${wgcs} garbage collections while writing`);
      const r = openCaptureReader(p, { ioBuffer: rio, memory });
      let n: number;
      let count = 0;
      let bytes = 0;
      let sum = 0;
      let tsOk = true;
      let off = 0;
      // Warm up, then count collections over the rest: the read path allocates nothing per packet.
      for (let i = 0; i < 1000 && (n = r.next()) >= 0; i++) {
        r.copyData(mbufs, off, 0, n);
        count++;
        bytes += n;
        sum = (sum + mbufs[off + n - 1]!) | 0;
      }
      await new Promise((res) => setImmediate(res));
      const gc = gcCounter();
      while ((n = r.next()) >= 0) {
        off = (off + 2048) & 0x3fffff;
        r.copyData(mbufs, off, 0, n);
        if (r.tsNsec !== (count * 977) % 1e9) tsOk = false;
        count++;
        bytes += n;
        sum = (sum + mbufs[off + n - 1]!) | 0;
      }
      await new Promise((res) => setImmediate(res));
      const gcs = gc.count();
      gc.stop();
      const t2 = performance.now();
      assert.equal(r.error, null);
      assert.equal(count, N);
      assert.equal(bytes, wantBytes);
      assert.equal(sum, wantSum);
      assert.ok(tsOk, 'timestamps');
      if (r instanceof PcapngReader) assert.equal(r.interfaces[0]!.stats[0]!.ifRecv, BigInt(N / 2));
      r.close();
      assert.ok(gcs <= 2, `${gcs} garbage collections while reading`);
      process.stderr.write(`# ${format}: 1M packets, ${(statSync(p).size / 1e6).toFixed(0)} MB: write ${(N / (t1 - t0) / 1e3).toFixed(2)} Mpps, read+copy ${(N / (t2 - t1) / 1e3).toFixed(2)} Mpps, ${wgcs}/${gcs} GCs writing/reading\n`);
      rmSync(p);
    });
  }
});

describe('interop with tcpdump / tshark / capinfos / editcap / text2pcap / dumpcap', () => {
  const tsStr = (sec: number, nsec: number) => `${sec}.${String(nsec).padStart(9, '0')}`;

  test('tcpdump reads our ns pcap: timestamps, lengths, bytes', (t) => {
    if (!need(t, 'tcpdump', 'tcpdump')) return;
    const r = run('tcpdump', ['-r', file('ns.pcap'), '-nn', '-tt', '-xx', '--time-stamp-precision=nano']);
    assert.equal(r.status, 0, r.err);
    assert.match(r.err, /link-type EN10MB \(Ethernet\), snapshot length 65535/);
    const pkts = parseTcpdump(r.out);
    assert.equal(pkts.length, SAMPLE.length);
    pkts.forEach((x, i) => {
      const s = SAMPLE[i]!;
      assert.equal(x.ts, tsStr(s.sec, s.nsec));
      assert.equal(hex(x.data), hex(s.data));
    });
  });

  test('tcpdump (libpcap) reads our pcapng: packets, µs timestamps, bytes', (t) => {
    if (!need(t, 'tcpdump', 'tcpdump')) return;
    const r = run('tcpdump', ['-r', file('rt-false.pcapng'), '-nn', '-tt', '-xx']);
    assert.equal(r.status, 0, r.err);
    const pkts = parseTcpdump(r.out);
    assert.equal(pkts.length, SAMPLE.length + 1);
    SAMPLE.forEach((s, i) => {
      assert.equal(pkts[i]!.ts, `${s.sec}.${String(Math.floor(s.nsec / 1000)).padStart(6, '0')}`);
      assert.equal(hex(pkts[i]!.data), hex(s.data));
    });
  });

  test('tshark reads our pcap and pcapng: lengths, times, interface names, direction, queue', (t) => {
    if (!need(t, 'tshark', 'tshark')) return;
    const fields = ['frame.len', 'frame.cap_len', 'frame.time_epoch', 'frame.interface_id', 'frame.interface_name',
      'frame.interface_description', 'frame.packet_flags_direction', 'frame.interface_queue'];
    const tshark = (p: string) => {
      const r = run('tshark', ['-r', p, '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])]);
      assert.equal(r.status, 0, r.err);
      return r.out.trim().split('\n').map((l) => l.split('|'));
    };
    const pc = tshark(file('ns.pcap'));
    assert.equal(pc.length, SAMPLE.length);
    pc.forEach((row, i) => {
      const s = SAMPLE[i]!;
      assert.deepEqual(row.slice(0, 3), [String(s.data.length + 4), String(s.data.length), tsStr(s.sec, s.nsec)]);
    });
    for (const be of [false, true]) {
      const ng = tshark(file(`rt-${be}.pcapng`));
      assert.equal(ng.length, SAMPLE.length + 1);
      SAMPLE.forEach((s, i) => {
        const row = ng[i]!;
        assert.equal(row[0], String(s.data.length + 4));
        assert.equal(row[1], String(s.data.length));
        assert.equal(row[2], tsStr(s.sec, s.nsec));
        assert.equal(row[3], String(i & 1));
        assert.equal(row[4], i & 1 ? 'dpdk:1' : 'net_null0');
        assert.equal(row[5], i & 1 ? '' : 'null device');
        assert.equal(Number(row[6]), [1, 2, 0][i % 3]);
        assert.equal(row[7], String(i));
      });
    }
  });

  test('capinfos shows our SHB/IDB options and per-interface statistics', (t) => {
    if (!need(t, 'capinfos', 'wireshark-common')) return;
    const r = run('capinfos', [file('rt-false.pcapng')]);
    assert.equal(r.status, 0, r.err);
    const o = r.out;
    assert.match(o, /Number of packets:\s+9\b/);
    assert.match(o, /Capture hardware:\s+x86_64 box/);
    assert.match(o, /Capture oper-sys:\s+Linux 6\.1\.0-test/);
    assert.match(o, /Capture application:\s+dpdk-dumpcap 1\.0 \(DPDK 22\.11\.11\)/);
    assert.match(o, /Capture comment:\s+capture comment/);
    assert.match(o, /Number of interfaces in file: 2/);
    assert.match(o, /Name = net_null0\s+Description = null device\s+Encapsulation = Ethernet \(1 - ether\)\s+Hardware = vdev-net_null0\s+Speed = 10000000000\s+Capture length = 0\s+Time precision = nanoseconds \(9\)/);
    assert.match(o, /Filter string = udp port 53/);
    assert.equal([...o.matchAll(/Number of stat entries = 1/g)].length, 2);
    assert.match(o, /Name = dpdk:1[\s\S]*Number of packets = 5/);
  });

  test('tshark decodes our ISB counters (file-pcapng dissector)', (t) => {
    if (!need(t, 'tshark', 'tshark')) return;
    const r = run('tshark', ['-X', 'read_format:MIME Files Format', '-r', file('rt-false.pcapng'), '-V']);
    assert.equal(r.status, 0, r.err);
    const isb = r.out.split('Block: Interface Statistics Block').slice(1);
    assert.equal(isb.length, 2);
    assert.match(isb[0]!, /Number of Received Packets: 12\b/);
    assert.match(isb[0]!, /Number of Dropped Packets: 3\b/);
    assert.match(isb[0]!, /Number of Accepted by Filter Packets: 9\b/);
    assert.match(isb[0]!, /Number of Dropped Packets by OS: 1\b/);
    assert.match(isb[0]!, /Number of Delivered to the User Packets: 8\b/);
    assert.match(isb[0]!, /Comment: stats/);
    assert.match(isb[0]!, /Timestamp: Nov 14, 2023 22:16:40\.000000001 UTC/);
    assert.match(isb[1]!, /Interface: 1[\s\S]*Number of Received Packets: 5\b/);
  });

  test('files written by text2pcap (pcapng and pcap) read correctly', (t) => {
    if (!need(t, 'text2pcap', 'wireshark-common')) return;
    const txt = file('t2p.txt');
    const pk = [pattern(1, 20), pattern(2, 77), pattern(3, 300)];
    const dump = (b: Uint8Array) => Array.from({ length: Math.ceil(b.length / 16) }, (_, i) =>
      `${(i * 16).toString(16).padStart(4, '0')}  ${Array.from(b.subarray(i * 16, i * 16 + 16), (x) => x.toString(16).padStart(2, '0')).join(' ')}`).join('\n');
    // text2pcap 4.0 keeps whole seconds of -t times.
    writeFileSync(txt, pk.map((b, i) => `2023-11-14 22:13:2${i}.000000\n${dump(b)}\n`).join('\n') + '\n');
    for (const [fmt, out] of [['pcapng', 't2p.pcapng'], ['pcap', 't2p.pcap'], ['nsecpcap', 't2p-ns.pcap']] as const) {
      const r = run('text2pcap', ['-q', '-F', fmt, '-t', '%Y-%m-%d %H:%M:%S.', txt, file(out)], { TZ: 'UTC' });
      assert.equal(r.status, 0, r.err);
      const rd = openCaptureReader(file(out));
      assert.equal(rd.format, fmt === 'pcapng' ? 'pcapng' : 'pcap');
      const recs = readAll(rd);
      assert.equal(rd.error, null);
      assert.equal(recs.length, 3, fmt);
      recs.forEach((x, i) => {
        assert.equal(hex(x.data), hex(pk[i]!));
        assert.equal(x.orig, pk[i]!.length);
        assert.equal(x.sec, 1_700_000_000 + i);
      });
      if (rd instanceof PcapngReader) {
        assert.match(rd.section.userAppl ?? '', /^Text2pcap/);
        assert.equal(rd.interfaces[0]!.name, 'Fake IF, text2pcap');
      } else {
        assert.equal((rd as PcapReader).nanosecond, fmt === 'nsecpcap');
      }
    }
  });

  test('editcap and tcpdump -w rewrite our files; we read theirs back', (t) => {
    if (!need(t, 'editcap', 'wireshark-common') || !need(t, 'tcpdump', 'tcpdump')) return;
    const conv: [string, string[], boolean][] = [
      ['ed.pcapng', ['editcap', '-F', 'pcapng', file('ns.pcap')], true],
      ['ed-us.pcap', ['editcap', '-F', 'pcap', file('rt-false.pcapng')], false],
      ['ed-ns.pcap', ['editcap', '-F', 'nsecpcap', file('rt-true.pcapng')], true],
      ['td-us.pcap', ['tcpdump', '-r', file('ns.pcap'), '-w'], false],
      ['td-ns.pcap', ['tcpdump', '--time-stamp-precision=nano', '-r', file('rt-false.pcapng'), '-w'], true],
    ];
    for (const [out, [cmd, ...args], nano] of conv) {
      const r = run(cmd!, [...args, file(out)]);
      assert.equal(r.status, 0, `${cmd}: ${r.err}`);
      const recs = readAll(openCaptureReader(file(out)));
      assert.ok(recs.length >= SAMPLE.length, out);
      SAMPLE.forEach((s, i) => {
        assert.equal(recs[i]!.sec, s.sec, out);
        assert.equal(recs[i]!.nsec, nano ? s.nsec : Math.floor(s.nsec / 1000) * 1000, out);
        assert.equal(hex(recs[i]!.data), hex(s.data), out);
      });
    }
    // Wireshark's writer keeps our interface names.
    const ng = PcapngReader.open(file('ed.pcapng'));
    readAll(ng);
    assert.equal(ng.interfaces[0]!.linktype, 1);
  });

  test('live captures on lo by tcpdump (pcap) and dumpcap (pcapng with ISB) read correctly', async (t) => {
    if (!need(t, 'tcpdump', 'tcpdump') || !need(t, 'dumpcap', 'wireshark-common')) return;
    for (const [tool, out] of [['tcpdump', 'live.pcap'], ['dumpcap', 'live.pcapng']] as const) {
      const port = 40000 + (process.pid % 20000);
      const p = file(out);
      const args = tool === 'tcpdump'
        ? ['-i', 'lo', '-c', '3', '-U', '--time-stamp-precision=nano', '-w', p, 'udp', 'dst', 'port', String(port)]
        : ['-i', 'lo', '-c', '3', '-f', `udp dst port ${port}`, '-w', p];
      const before = Date.now();
      const child = spawn(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      const exited = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
      const deadline = Date.now() + 10_000;
      while (!/listening on|Capturing on/.test(err) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      const sock = createSocket('udp4');
      // Send until the capture has its 3 packets (bounded in count and time).
      for (let i = 0; i < 50 && child.exitCode === null && Date.now() < deadline; i++) {
        await new Promise<void>((res) => sock.send(Buffer.from(`tsdpdk-${i % 10}`), port, '127.0.0.1', () => res()));
        await new Promise((r) => setTimeout(r, 100));
      }
      sock.close();
      if (child.exitCode === null) child.kill('SIGINT');
      const code = await exited;
      const afterT = Date.now();
      assert.equal(code, 0, `${tool}: ${err}`);
      const r = openCaptureReader(p);
      const recs = readAll(r);
      assert.equal(r.error, null);
      assert.equal(recs.length, 3, tool);
      for (const x of recs) {
        // Ethernet + IPv4 + UDP + "tsdpdk-N".
        assert.equal(x.cap, 14 + 20 + 8 + 8);
        assert.match(Buffer.from(x.data.subarray(42)).toString(), /^tsdpdk-\d$/);
        const ms = x.sec * 1000 + x.nsec / 1e6;
        assert.ok(ms >= before - 1000 && ms <= afterT + 1000, `${tool} timestamp ${ms} outside [${before}, ${afterT}]`);
      }
      if (r instanceof PcapngReader) {
        const itf = r.interfaces[0]!;
        assert.equal(itf.name, 'lo');
        assert.equal(itf.tsresol, 9);
        assert.equal(itf.filter, `udp dst port ${port}`);
        assert.equal(itf.stats.length, 1);
        assert.equal(itf.stats[0]!.ifRecv, 3n);
        assert.equal(itf.stats[0]!.ifDrop, 0n);
        assert.match(r.section.userAppl ?? '', /^Dumpcap/);
      } else {
        assert.equal((r as PcapReader).nanosecond, true);
      }
      r.close();
    }
  });
});

/** tcpdump -tt -xx output: timestamp of each packet and its bytes. */
function parseTcpdump(out: string): { ts: string; data: Uint8Array }[] {
  const pkts: { ts: string; data: number[] }[] = [];
  for (const line of out.split('\n')) {
    const m = /^(\d+\.\d+) /.exec(line);
    if (m) {
      pkts.push({ ts: m[1]!, data: [] });
      continue;
    }
    const h = /^\s+0x[0-9a-f]+:\s+((?:[0-9a-f]{2,4}\s?)+)/.exec(line);
    if (h && pkts.length) {
      for (const g of h[1]!.trim().split(/\s+/)) for (let i = 0; i < g.length; i += 2) pkts[pkts.length - 1]!.data.push(parseInt(g.slice(i, i + 2), 16));
    }
  }
  return pkts.map((p) => ({ ts: p.ts, data: Uint8Array.from(p.data) }));
}

