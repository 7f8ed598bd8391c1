// The package entry ("main"/"exports" in package.json) resolves by name and carries every library and the PMDs.
import { test } from 'node:test';
import assert from 'node:assert/strict';

test("import 'tsdpdk' gives the libraries as namespaces with the PMDs registered", async () => {
  const pkg = await import('tsdpdk') as Record<string, Record<string, unknown>>;
  for (const lib of ['eal', 'ring', 'mempool', 'mbuf', 'ethdev', 'net', 'kvargs', 'pcapng', 'pdump', 'telemetry', 'bpf', 'pcapFilter', 'vdev']) {
    assert.equal(typeof pkg[lib], 'object', lib);
  }
  assert.equal(typeof pkg.eal!.init, 'function');
  assert.equal(typeof pkg.vdev!.vdevCreate, 'function');
  const drivers = (pkg.ethdev!.registeredDrivers as () => string[])();
  for (const d of ['net_null', 'net_ring', 'net_pcap', 'net_af_packet', 'net_tap']) assert.ok(drivers.includes(d), `${d} in ${drivers.join(',')}`);
});
