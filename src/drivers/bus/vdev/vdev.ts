// The vdev bus: virtual devices from `--vdev 'name,key=value,...'` (probed at eal.init) or hot-plugged
// at run time. The driver is chosen by name prefix (net_null0 -> net_null); its keys are validated.

import * as eal from '../../../lib/eal/index.js';
import { fail } from '../../../lib/eal/errors.js';
import { allocatePort, close, findDriver, getPortByName, isValidPort, registeredDrivers, stop } from '../../../lib/ethdev/ethdev.js';
import { parseDevargs, parseKvargs } from '../../../lib/kvargs/index.js';

const LOG = eal.log.registerLogType('bus.vdev');

/** rte_vdev_init / rte_dev_probe("vdev:..."): creates the device, returns its port id. */
export function vdevCreate(devargs: string): number {
  const { name, args } = parseDevargs(devargs);
  const drv = findDriver(name);
  if (drv === null) {
    fail('EINVAL', `failed to find driver for vdev '${name}' (registered: ${registeredDrivers().join(', ') || 'none'})`);
  }
  parseKvargs(args, drv.validKeys); // throws EINVAL naming a bad key
  return allocatePort(drv, name, args);
}

/** rte_vdev_uninit / hot-unplug: stops and closes the port of the named device. */
export function vdevRemove(name: string): void {
  const port = getPortByName(name);
  if (isValidPort(port)) {
    stop(port);
    close(port);
  }
}

// Both process types register it, like vdev_scan: the primary answers scans, secondaries take SCAN_ONE.
eal.mp.actionRegisterModule('bus_vdev_mp', new URL('./vdev_mp.js', import.meta.url), 'vdevMpAction');

eal.registerBus({
  name: 'vdev',
  // Like DPDK: a device that fails to probe is logged and skipped; init goes on without it.
  probe(options) {
    let failed = false;
    for (const v of options.vdevs) {
      try {
        vdevCreate(v);
      } catch (e) {
        failed = true;
        eal.log.log(eal.log.LogLevel.ERR, LOG, `vdev_probe(): failed to initialize ${v.split(',')[0]} device: ${(e as Error).message}\n`);
      }
    }
    if (failed) eal.log.logf(eal.log.LogLevel.ERR, LOG, 'EAL', 'Bus (vdev) probe failed.');
  },
});
