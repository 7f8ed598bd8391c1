// npm run bench -- malloc
import './malloc_perf.js';
