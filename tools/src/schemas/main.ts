/**
 * `pnpm schemas [--check]`: writes `spec/schemas/<name>.schema.json` from the typebox types the
 * conformance suite validates with (vector files, protocol messages, the report) and from the
 * export tables' definitions (`export-<table>`: one NDJSON row), so other implementations can
 * validate with any JSON Schema tool, merges the chapters' error-code tables into the registry
 * of `spec/README.md` (./registry.ts) and writes the registry as data,
 * `spec/schemas/registry.json` (./registry-json.ts). `--check` fails on drift.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PUBLISHED_SCHEMAS } from '@logspec/conformance/schemas';
import { EXPORT_TABLE_SCHEMAS } from '@logspec/export';
import { mergeRegistry } from './registry.js';
import { buildRegistry, renderRegistry } from './registry-json.js';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
/** The registry as data (requirements, codes, original error kinds), beside the schemas. */
export const REGISTRY_JSON = 'registry.json';

/** name → file text, deterministic. */
export function renderSchemas(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, schema] of Object.entries({ ...PUBLISHED_SCHEMAS, ...EXPORT_TABLE_SCHEMAS })) {
    out.set(`${name}.schema.json`, `${JSON.stringify({ $schema: DRAFT, ...schema }, null, 2)}\n`);
  }
  return out;
}

export interface SchemaDrift {
  changed: string[];
  added: string[];
  stale: string[];
}

/** Refreshes the registry sections of `spec/README.md`; true when the file changed (or would). */
export function syncRegistry(specDir: string, check: boolean): boolean {
  const readmePath = join(specDir, 'README.md');
  const before = readFileSync(readmePath, 'utf8');
  const after = mergeRegistry(before, specDir);
  if (after === before) return false;
  if (!check) writeFileSync(readmePath, after);
  return true;
}

/** Syncs `dir` with the schemas, and with `registry.json` built from the chapters in `specDir` when given. */
export function syncSchemas(dir: string, check: boolean, specDir?: string): SchemaDrift {
  const want = renderSchemas();
  if (specDir !== undefined) want.set(REGISTRY_JSON, renderRegistry(buildRegistry(specDir)));
  const drift: SchemaDrift = { changed: [], added: [], stale: [] };
  for (const [file, text] of want) {
    const p = join(dir, file);
    if (!existsSync(p)) drift.added.push(file);
    else if (readFileSync(p, 'utf8') !== text) drift.changed.push(file);
  }
  if (existsSync(dir)) {
    drift.stale = readdirSync(dir)
      .filter((f) => (f.endsWith('.schema.json') || f === REGISTRY_JSON) && !want.has(f))
      .sort();
  }
  if (!check) {
    mkdirSync(dir, { recursive: true });
    for (const f of [...drift.added, ...drift.changed]) writeFileSync(join(dir, f), want.get(f) as string);
    for (const f of drift.stale) rmSync(join(dir, f));
  }
  return drift;
}

function main(): number {
  const check = process.argv.includes('--check');
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  const dir = join(root, 'spec', 'schemas');
  const d = syncSchemas(dir, check, join(root, 'spec'));
  const registry = syncRegistry(join(root, 'spec'), check);
  const lines = [
    ...d.changed.map((f) => `changed: schemas/${f}`),
    ...d.added.map((f) => `added:   schemas/${f}`),
    ...d.stale.map((f) => `stale:   schemas/${f}`),
    ...(registry ? ['changed: README.md (error-code registry)'] : []),
  ];
  if (check && lines.length > 0) {
    process.stdout.write(`${lines.join('\n')}\nschemas: spec/schemas is out of date; run \`pnpm schemas\`\n`);
    return 1;
  }
  process.stdout.write(
    check
      ? 'schemas: up to date\n'
      : `${lines.join('\n')}${lines.length ? '\n' : ''}schemas: spec/schemas and the registry written\n`,
  );
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
