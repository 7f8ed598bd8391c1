// `npm start`: the README's main job. Runs tsdpdk-testpmd in macswap mode from the sample pcap in
// examples/ to an output pcap (no root, no hugepages, no network), lets it forward for two seconds,
// then ends it the way a user would (end of input), and shows what was written.
import { spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const input = join(root, 'examples', 'pcap', 'sample.pcap');
const output = join(tmpdir(), 'tsdpdk-quickstart-macswap.pcap');
const args = [
  join(root, 'dist', 'src', 'app', 'testpmd', 'main.js'),
  '-l', '0-1', '--no-huge', '-m', '256', '--file-prefix', `quickstart${process.pid}`,
  '--vdev', `net_pcap0,rx_pcap=${input},tx_pcap=${output}`,
  '--', '--forward-mode=macswap', '--no-flush-rx', '--total-num-mbufs=8192', '--port-topology=loop',
];
console.log(`$ tsdpdk-testpmd ${args.slice(1).join(' ')}`);
const child = spawn(process.execPath, args, { stdio: ['pipe', 'inherit', 'inherit'] });
setTimeout(() => child.stdin.end(), 2000);
child.on('exit', (code) => {
  if (code === 0) console.log(`\nmacswapped packets written to ${output} (read it with: tcpdump -r ${output} -nn -e)`);
  process.exit(code ?? 1);
});
