// Registers the built-in mempool drivers, in a fixed order so ops indices agree in every thread and
// process: ring_mp_mc (0), ring_sp_sc, ring_mp_sc, ring_sp_mc, ring_mt_rts, ring_mt_hts, stack, lf_stack (7).

import { registerRingOps } from './mempool_ring.js';
import { registerStackOps } from './mempool_stack.js';

registerRingOps();
registerStackOps();
