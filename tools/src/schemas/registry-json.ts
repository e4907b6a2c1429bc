/**
 * `spec/schemas/registry.json`: the machine-readable registry, built from the chapters so it
 * cannot drift from them. It holds every requirement ID with its mark (the conformance profiles
 * are derived from these), every error code with its origin, and each chapter's table of the
 * original's error kinds (the vocabulary map the runner judges error answers with).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CodeEntry,
  type OriginalKindEntry,
  REGISTRY_SCHEMA_ID,
  type Registry,
  type RequirementEntry,
} from '@logspec/conformance/schemas';
import { chapterErrorTable, chapterKindTable, REGISTRY_CHAPTERS } from './registry.js';
import { parseRequirements } from './requirements.js';

const cells = (row: string) =>
  row
    .split('|')
    .slice(1, -1)
    .map((c) => c.trim());
const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);

/** The rows of a chapter's error-code table. */
export function parseCodeTable(text: string, chapter: string): CodeEntry[] {
  const table = chapterErrorTable(text);
  if (!table) return [];
  return table.slice(2).map((row) => {
    const [code = '', meaning = '', , origin = ''] = cells(row);
    const o = origin.trim().toLowerCase();
    if (!o.startsWith('original') && !o.startsWith('logspec')) {
      throw new Error(`${chapter}: error code ${code} has origin "${origin}"; it must start with original or logspec`);
    }
    return {
      code: ticked(code)[0] ?? code,
      chapter,
      origin: o.startsWith('original') ? 'original' : 'logspec',
      meaning,
    };
  });
}

/** The rows of a chapter's "Original error kinds" table (`| original kind | fields | logspec codes |`). */
export function parseKindTable(text: string, chapter: string): OriginalKindEntry[] {
  return (chapterKindTable(text) ?? []).slice(2).map((row) => {
    const [kind = '', fields = '', codes = ''] = cells(row);
    const when: Record<string, string> = {};
    for (const m of fields.matchAll(/`([^`]+)`\s*=\s*`([^`]+)`/g)) when[m[1] as string] = m[2] as string;
    return { chapter, kind: ticked(kind)[0] ?? kind, when, codes: ticked(codes) };
  });
}

export function buildRegistry(specDir: string): Registry {
  const requirements: RequirementEntry[] = [];
  const codes: CodeEntry[] = [];
  const originalKinds: OriginalKindEntry[] = [];
  for (const { chapter } of REGISTRY_CHAPTERS) {
    const text = readFileSync(join(specDir, chapter), 'utf8');
    for (const r of parseRequirements(text, chapter)) {
      if (r.origin === undefined) throw new Error(`${chapter}: ${r.id} carries neither (original) nor (logspec)`);
      if (!requirements.some((x) => x.id === r.id)) requirements.push({ id: r.id, chapter, origin: r.origin });
    }
    codes.push(...parseCodeTable(text, chapter));
    originalKinds.push(...parseKindTable(text, chapter));
  }
  const owner = new Map<string, string>();
  for (const k of originalKinds) {
    for (const c of k.codes) {
      const prev = owner.get(c);
      if (prev !== undefined)
        throw new Error(`${k.chapter}: ${c} is listed under original kinds ${prev} and ${k.kind}`);
      if (!codes.some((x) => x.code === c))
        throw new Error(`${k.chapter}: ${c} (kind ${k.kind}) is not in the code table`);
      owner.set(c, k.kind);
    }
  }
  requirements.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { schema: REGISTRY_SCHEMA_ID, requirements, codes, originalKinds };
}

export const renderRegistry = (r: Registry) => `${JSON.stringify(r, null, 2)}\n`;
