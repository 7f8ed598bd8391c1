// npm run bench -- memzone
import { run } from './malloc_perf.js';
await run('memzone');
