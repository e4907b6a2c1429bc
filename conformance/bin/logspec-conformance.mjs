#!/usr/bin/env node
// Launcher of the conformance runner (`src/cli/main.ts`): the package ships TypeScript sources,
// so this registers tsx (a devDependency of the workspace root) and runs them. Same flags as
// `pnpm conformance -- …`; see `logspec-conformance --help` and spec/conformance.md.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);
