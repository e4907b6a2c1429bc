/**
 * Our own adapter bin: the built-in handlers behind the adapter protocol (spec/conformance.md).
 * `pnpm conformance` runs the suite through it so the protocol path is always exercised.
 */
import { loadBuiltinHandlers } from '../builtin/registry.js';
import { serveAdapter } from './serve.js';

await serveAdapter(() => loadBuiltinHandlers(), process.stdin, process.stdout);
// Handlers may hold timers or handles open; the protocol is over once stop (or EOF) arrives.
process.stdout.write('', () => process.exit(0));
