// Writes examples/pcap/sample.pcap: a small, deterministic mix of traffic (IPv4 UDP/TCP/ICMP echo, ARP,
// IPv6 UDP, VLAN-tagged UDP) with valid checksums, for the README's pcap example and the tests.
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ?? join(root, 'examples', 'pcap', 'sample.pcap');

function csum(buf, start, end, init = 0) {
  let s = init;
  for (let i = start; i < end; i += 2) s += (buf[i] << 8) | (i + 1 < end ? buf[i + 1] : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}
const fin = (s) => (~s & 0xffff);
const mac = (n) => [0x02, 0x00, 0x00, 0x00, 0x00, n];
const ip4 = (a, b, c, d) => [a, b, c, d];

function ether(dst, src, type, payload) {
  return [...dst, ...src, type >> 8, type & 0xff, ...payload];
}
function ipv4(src, dst, proto, l4, id) {
  const len = 20 + l4.length;
  const h = [0x45, 0, len >> 8, len & 0xff, id >> 8, id & 0xff, 0x40, 0, 64, proto, 0, 0, ...src, ...dst];
  const c = fin(csum(h, 0, 20));
  h[10] = c >> 8; h[11] = c & 0xff;
  if (proto === 17 || proto === 6) {
    const ph = [...src, ...dst, 0, proto, l4.length >> 8, l4.length & 0xff];
    const off = proto === 17 ? 6 : 16;
    l4[off] = 0; l4[off + 1] = 0;
    let k = fin(csum(l4, 0, l4.length, csum(ph, 0, ph.length)));
    if (proto === 17 && k === 0) k = 0xffff;
    l4[off] = k >> 8; l4[off + 1] = k & 0xff;
  }
  return [...h, ...l4];
}
function udp(sp, dp, data) {
  const len = 8 + data.length;
  return [sp >> 8, sp & 0xff, dp >> 8, dp & 0xff, len >> 8, len & 0xff, 0, 0, ...data];
}
function tcp(sp, dp, seq, data) {
  return [sp >> 8, sp & 0xff, dp >> 8, dp & 0xff, (seq >>> 24) & 0xff, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff,
    0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0, ...data];
}
function icmpEcho(id, seq, data) {
  const m = [8, 0, 0, 0, id >> 8, id & 0xff, seq >> 8, seq & 0xff, ...data];
  const c = fin(csum(m, 0, m.length));
  m[2] = c >> 8; m[3] = c & 0xff;
  return m;
}
function ipv6udp(sp, dp, data) {
  const src = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  const dst = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
  const u = udp(sp, dp, data);
  const ph = [...src, ...dst, 0, 0, u.length >> 8, u.length & 0xff, 0, 0, 0, 17];
  let k = fin(csum(u, 0, u.length, csum(ph, 0, ph.length)));
  if (k === 0) k = 0xffff;
  u[6] = k >> 8; u[7] = k & 0xff;
  return [0x60, 0, 0, 0, u.length >> 8, u.length & 0xff, 17, 64, ...src, ...dst, ...u];
}
const payload = (n, seed) => Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

const pkts = [];
for (let i = 0; i < 64; i++) {
  const a = ip4(192, 168, 1, 10 + (i % 4));
  const b = ip4(10, 0, 0, 1 + (i % 3));
  switch (i % 8) {
    case 0: pkts.push(ether(mac(2), mac(1), 0x0800, ipv4(a, b, 17, udp(1000 + i, 53, payload(18 + i, i)), i))); break;
    case 1: pkts.push(ether(mac(2), mac(1), 0x0800, ipv4(a, b, 6, tcp(40000 + i, 80, 1000 * i, payload(i * 3, i)), i))); break;
    case 2: pkts.push(ether(mac(2), mac(1), 0x0800, ipv4(a, b, 1, icmpEcho(0x1234, i, payload(32, i)), i))); break;
    case 3: pkts.push(ether([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], mac(1), 0x0806,
      [0, 1, 8, 0, 6, 4, 0, 1, ...mac(1), ...a, 0, 0, 0, 0, 0, 0, ...b, ...payload(18, 0).map(() => 0)])); break;
    case 4: pkts.push(ether(mac(2), mac(1), 0x86dd, ipv6udp(5000 + i, 6000, payload(40, i)))); break;
    case 5: pkts.push(ether(mac(2), mac(1), 0x8100, [0, 100, 0x08, 0x00, ...ipv4(a, b, 17, udp(7, 9, payload(26, i)), i)])); break;
    case 6: pkts.push(ether(mac(2), mac(1), 0x0800, ipv4(a, b, 17, udp(1234, 4321, payload(1400, i)), i))); break;
    default: pkts.push(ether(mac(1), mac(2), 0x0800, ipv4(b, a, 6, tcp(80, 40000 + i, 7 * i, payload(200, i)), i))); break;
  }
}
const parts = [];
const h = Buffer.alloc(24);
h.writeUInt32LE(0xa1b2c3d4, 0); h.writeUInt16LE(2, 4); h.writeUInt16LE(4, 6); h.writeUInt32LE(65535, 16); h.writeUInt32LE(1, 20);
parts.push(h);
pkts.forEach((p, i) => {
  const r = Buffer.alloc(16);
  r.writeUInt32LE(1700000000 + Math.floor(i / 10), 0);
  r.writeUInt32LE((i % 10) * 100000 + i, 4);
  r.writeUInt32LE(p.length, 8);
  r.writeUInt32LE(p.length, 12);
  parts.push(r, Buffer.from(p));
});
writeFileSync(out, Buffer.concat(parts));
console.log(`wrote ${pkts.length} packets to ${out}`);
