// Public face of the ring library (rte_ring.h, rte_ring_elem.h, rte_ring_peek.h, rte_ring_peek_zc.h).

import { memzoneList } from '../eal/index.js';
import { RING_MZ_PREFIX } from './constants.js';
import { Ring } from './ring.js';

export {
  RING_F_SP_ENQ, RING_F_SC_DEQ, RING_F_EXACT_SZ, RING_F_MP_RTS_ENQ, RING_F_MC_RTS_DEQ, RING_F_MP_HTS_ENQ, RING_F_MC_HTS_DEQ,
  RING_NAMESIZE, RING_SZ_MASK, RING_MZ_PREFIX, type RingSyncType,
} from './constants.js';
export { Ring, RingZcData } from './ring.js';

/** Every ring created with Ring.create (by any lcore or process): the RTE_RING tailq walk. */
export function ringList(): { name: string; offset: number }[] {
  const out: { name: string; offset: number }[] = [];
  for (const z of memzoneList()) {
    if (!z.name.startsWith(RING_MZ_PREFIX)) continue;
    const name = z.name.slice(RING_MZ_PREFIX.length);
    try {
      const r = Ring.attach(z.offset);
      if (r.name === name) out.push({ name, offset: z.offset });
    } catch {
      // a memzone with the prefix that holds no (finished) ring header
    }
  }
  return out;
}

/** rte_ring_list_dump */
export function ringListDump(): string {
  return ringList().map((r) => Ring.attach(r.offset).dump()).join('');
}
