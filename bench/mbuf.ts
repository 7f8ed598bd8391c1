// npm run bench -- mbuf
import './mbuf_perf.js';
