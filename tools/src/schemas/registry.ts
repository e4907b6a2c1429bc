/**
 * The error-code registry in `spec/README.md` is merged from the chapters: every chapter ends
 * with an error-code table (`| code | meaning | offset points at | origin |`). Between the
 * markers `<!-- registry:<chapter>:start -->` and `<!-- registry:<chapter>:end -->` the README
 * holds a copy of that table (or a "pending" note while the chapter has not landed), so the
 * registry cannot drift from the chapters: `pnpm schemas --check` fails when it would change.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REGISTRY_CHAPTERS: ReadonlyArray<{ chapter: string; prefixes: string[]; title: string }> = [
  { chapter: 'ring.md', prefixes: ['RING_'], title: 'ring' },
  { chapter: 'wal.md', prefixes: ['WAL_'], title: 'wal' },
  { chapter: 'segment.md', prefixes: ['SEG_'], title: 'segment' },
  { chapter: 'session.md', prefixes: ['SESS_'], title: 'session' },
  { chapter: 'hotlog.md', prefixes: ['HOT_'], title: 'hotframe and hotlog' },
  { chapter: 'export.md', prefixes: ['EXPORT_'], title: 'export tables' },
];

/** The error-code table of a chapter: the first markdown table after a heading naming error codes. */
export function chapterErrorTable(text: string): string[] | null {
  const lines = text.split('\n');
  let inSection = false;
  const table: string[] = [];
  for (const line of lines) {
    if (/^#{2,4}\s/.test(line)) {
      if (table.length > 0) break;
      inSection = /error codes?/i.test(line);
      continue;
    }
    if (!inSection) continue;
    if (line.startsWith('|')) table.push(line.trimEnd());
    else if (table.length > 0) break;
  }
  return table.length >= 3 ? table : null;
}

/** The "Original error kinds" table of a chapter (`| original kind | fields | logspec codes |`). */
export function chapterKindTable(text: string): string[] | null {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^#{2,4}\s.*original error kinds/i.test(l));
  if (start < 0) return null;
  const table: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,4}\s/.test(line)) break;
    if (line.startsWith('|')) table.push(line.trimEnd());
    else if (table.length > 0) break;
  }
  return table.length >= 3 ? table : null;
}

function section(specDir: string, c: (typeof REGISTRY_CHAPTERS)[number]): string {
  const file = join(specDir, c.chapter);
  if (!existsSync(file)) {
    return `_Pending: [\`${c.chapter}\`](${c.chapter}) has not landed yet. Its closing error-code table (codes \`${c.prefixes.join('`, `')}…\`) is merged here by \`pnpm schemas\`._`;
  }
  const table = chapterErrorTable(readFileSync(file, 'utf8'));
  if (!table) {
    return `_[\`${c.chapter}\`](${c.chapter}) has no error-code table yet (a \`## … Error codes\` section with a \`| code | meaning | offset points at | origin |\` table)._`;
  }
  const kinds = chapterKindTable(readFileSync(file, 'utf8'));
  const kindPart = kinds
    ? ['', "The original's error kinds (conformance answers may use either vocabulary):", '', ...kinds]
    : [];
  return [`From [\`${c.chapter}\`](${c.chapter}):`, '', ...table, ...kindPart].join('\n');
}

/** The README with every registry section refreshed from the chapters. */
export function mergeRegistry(readme: string, specDir: string): string {
  let out = readme;
  for (const c of REGISTRY_CHAPTERS) {
    const start = `<!-- registry:${c.chapter}:start -->`;
    const end = `<!-- registry:${c.chapter}:end -->`;
    const a = out.indexOf(start);
    const b = out.indexOf(end);
    if (a < 0 || b < a) throw new Error(`spec/README.md lacks the markers ${start} … ${end}`);
    out = `${out.slice(0, a + start.length)}\n${section(specDir, c)}\n${out.slice(b)}`;
  }
  return out;
}
