/**
 * `@logspec/cli`: the `logspec` command (see `bin.ts`) and its pieces for programmatic use:
 * `main(argv, io)` runs a command line and returns its exit code; `detectFormat` tells a
 * path's format the way the CLI does.
 */
export { type Detected, detectFormat } from './detect.js';
export { CliCode, Exit, errorLine, UsageError } from './errors.js';
export type { FormatName, Problem } from './formats/types.js';
export { FORMAT_NAMES } from './formats/types.js';
export type { CliIo } from './io.js';
export { main, version } from './main.js';
