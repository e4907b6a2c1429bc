#!/usr/bin/env node
import { NodeFs } from '@logspec/core/node';
import { main } from './main.js';

/** The `logspec` executable: real streams, the real file system, SIGINT for `tail -f`. */
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  // `logspec dump … | head`: the reader went away; that is not an error of ours.
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const code = await main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTTY: process.stderr.isTTY === true,
  columns: process.stderr.columns,
  env: process.env,
  fs: new NodeFs(),
  onInterrupt(handler) {
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
});
process.exitCode = code;
