/**
 * `logspec <args>` in this process, then its peak resident set size (getrusage's maxRSS, KiB)
 * on stderr as `maxRSS=<n>`: what export.bench.ts reports as the export's memory.
 */
import { NodeFs } from '@logspec/core/node';
import { main } from '../../cli/src/main.js';

const code = await main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTTY: false,
  env: process.env,
  fs: new NodeFs(),
  onInterrupt: () => () => {},
});
process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\n`);
process.exitCode = code;
