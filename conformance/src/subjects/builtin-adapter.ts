import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ADAPTER_MAIN, REPO_ROOT } from '../paths.js';
import { AdapterSubject } from './adapter.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The shell command that runs our own adapter bin (the built-in handlers behind the protocol). */
export function builtinAdapterCommand(): string {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return `${q(process.execPath)} --import ${q(pathToFileURL(tsx).href)} ${q(ADAPTER_MAIN)}`;
}

/** The built-in handlers through the protocol path: what `pnpm conformance` runs second. */
export function builtinAdapterSubject(): AdapterSubject {
  const s = new AdapterSubject({ command: builtinAdapterCommand(), cwd: REPO_ROOT });
  Object.defineProperty(s, 'name', { value: 'builtin (through the adapter protocol)' });
  return s;
}
