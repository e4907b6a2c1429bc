import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { listBuiltinFormats } from '../builtin/registry.js';
import { loadDifferentialProfile } from '../differential/load.js';
import { GOLDEN_DIR, VECTORS_DIR } from '../paths.js';
import { loadPropertyProfile } from '../properties/load.js';
import { FORMATS, type FormatName } from '../protocol/types.js';
import type { Case } from './case.js';
import { differentialCases } from './differential.js';
import { goldenCases } from './golden.js';
import { propertyCases } from './properties.js';
import { vectorCases } from './vectors.js';

export interface CollectOptions {
  /** Restrict to these formats; default: every format that has golden files, vectors or a built-in handler. */
  formats?: readonly FormatName[];
  goldenDir?: string;
  vectorsDir?: string;
  profilesDir?: string;
  /** Keep only cases whose id this accepts. */
  filter?: (id: string) => boolean;
}

const subdirs = (dir: string) =>
  existsSync(dir) ? readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory()) : [];

/** Formats the suite has material for right now (found by listing directories, in FORMATS order). */
export function discoverFormats(goldenDir = GOLDEN_DIR, vectorsDir = VECTORS_DIR): FormatName[] {
  const present = new Set<string>([
    ...subdirs(goldenDir).filter((f) => subdirs(join(goldenDir, f)).length > 0),
    ...subdirs(vectorsDir),
    ...listBuiltinFormats(),
  ]);
  return FORMATS.filter((f) => present.has(f));
}

/** Every case of the selected formats: golden, vectors, properties, then differential properties. Ids are unique. */
export async function collectCases(opts: CollectOptions = {}): Promise<Case[]> {
  const formats = opts.formats ?? discoverFormats(opts.goldenDir, opts.vectorsDir);
  const out: Case[] = [];
  for (const format of formats) {
    const profile = await loadPropertyProfile(format, opts.profilesDir);
    out.push(
      ...goldenCases(format, opts.goldenDir),
      ...vectorCases(format, opts.vectorsDir),
      ...propertyCases(format, profile, { vectors: opts.vectorsDir, golden: opts.goldenDir }),
      ...differentialCases(format, await loadDifferentialProfile(format)),
    );
  }
  const seen = new Set<string>();
  for (const c of out) {
    if (seen.has(c.id)) throw new Error(`duplicate conformance case id ${c.id}`);
    seen.add(c.id);
  }
  return opts.filter ? out.filter((c) => opts.filter?.(c.id)) : out;
}

/** `--case` patterns: an exact id, a prefix ending in `.`, or a glob with `*`. */
export function caseFilter(patterns: readonly string[]): ((id: string) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const tests = patterns.map((p) => {
    if (p.includes('*')) {
      const re = new RegExp(
        `^${p
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      );
      return (id: string) => re.test(id);
    }
    return (id: string) => id === p || id.startsWith(p.endsWith('.') ? p : `${p}.`);
  });
  return (id) => tests.some((t) => t(id));
}
