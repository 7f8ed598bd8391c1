// npm run bench -- mempool
import './mempool_perf.js';
