// npm run bench -- testpmd
import './testpmd_perf.js';
