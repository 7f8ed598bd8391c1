// Primary for bench/mp.ts: node mp_primary.js <file-prefix>; runs until stdin closes (or 120 s).
import * as eal from '../src/lib/eal/index.js';
import '../src/drivers/net/index.js';

const [prefix] = process.argv.slice(2);
eal.mp.actionRegisterModule('bench_echo', new URL('./mp_echo.js', import.meta.url), 'echo');
eal.init(['--no-huge', '-m', '32', '-l', '0', '--file-prefix', prefix!, '--vdev', 'net_null0', '--vdev', 'net_null1', '--log-level', 'error', '--no-telemetry']);
const bail = setTimeout(() => { void eal.cleanup(); }, 120000);
process.stdin.on('data', () => {});
process.stdin.on('end', () => { clearTimeout(bail); void eal.cleanup(); });
