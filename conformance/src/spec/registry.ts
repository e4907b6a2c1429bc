/**
 * The machine-readable registry (`spec/schemas/registry.json`, written by `pnpm schemas` from the
 * chapters): requirement marks, error-code origins and the original's error kinds. The suite's
 * profiles and its vocabulary-aware comparison both read it, so they follow the spec's text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Compile } from 'typebox/compile';
import { SPEC_DIR } from '../paths.js';
import type { FormatName } from '../protocol/types.js';
import { type OriginalKindEntry, Registry } from '../schemas/registry.js';

export type Origin = 'original' | 'logspec';

export interface LoadedRegistry {
  requirementOrigin(id: string): Origin | undefined;
  codeOrigin(code: string): Origin | undefined;
  /** The original kind (and its narrowing fields) a logspec code of `format` stands for, if exactly one. */
  kindOfCode(format: FormatName, code: string): OriginalKindEntry | undefined;
  /** Whether `kind` is an error kind the original uses for `format` (listed in the chapter's table). */
  isOriginalKind(format: FormatName, kind: string): boolean;
}

const check = Compile(Registry);
const chapterOf = (format: FormatName) => (format === 'hotframe' || format === 'hotlog' ? 'hotlog.md' : `${format}.md`);

export function parseRegistry(data: unknown): LoadedRegistry {
  if (!check.Check(data)) {
    const first = check.Errors(data)[0];
    throw new Error(`spec/schemas/registry.json is invalid: ${first?.instancePath ?? ''} ${first?.message ?? ''}`);
  }
  const reqs = new Map(data.requirements.map((r) => [r.id, r.origin as Origin]));
  const codes = new Map(data.codes.map((c) => [c.code, c.origin as Origin]));
  const byCode = new Map<string, OriginalKindEntry>();
  for (const k of data.originalKinds) for (const c of k.codes) byCode.set(`${k.chapter}:${c}`, k);
  const kinds = new Set(data.originalKinds.map((k) => `${k.chapter}:${k.kind}`));
  return {
    requirementOrigin: (id) => reqs.get(id),
    codeOrigin: (code) => codes.get(code),
    kindOfCode: (format, code) => byCode.get(`${chapterOf(format)}:${code}`),
    isOriginalKind: (format, kind) => kinds.has(`${chapterOf(format)}:${kind}`),
  };
}

let cached: LoadedRegistry | undefined;

export function loadRegistry(specDir = SPEC_DIR): LoadedRegistry {
  if (specDir !== SPEC_DIR)
    return parseRegistry(JSON.parse(readFileSync(join(specDir, 'schemas', 'registry.json'), 'utf8')));
  cached ??= parseRegistry(JSON.parse(readFileSync(join(SPEC_DIR, 'schemas', 'registry.json'), 'utf8')));
  return cached;
}
