// npm run bench -- ring
import './ring_perf.js';
