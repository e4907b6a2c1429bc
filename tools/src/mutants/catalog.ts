/**
 * The mutant catalogue: `tools/mutants/patches/<id>.patch`, one plausible porting bug each, as a
 * unified diff against the original implementations (`../shared/original`, paths `src/...`).
 *
 * Every patch starts with `# key: value` header lines before its diff:
 *   # mutant: wal-01-min-length-accepts-28      (= the file name without `.patch`)
 *   # format: wal                               (wal, ring, segment, session, hotframe)
 *   # requirement: WAL-R-003                    (the spec rule the bug breaks)
 *   # bug: what the port gets wrong
 *   # witness: tools/mutants/witnesses/<x>.json (optional: an input on which it differs)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const MUTANT_FORMATS = ['wal', 'ring', 'segment', 'session', 'hotframe'] as const;
export type MutantFormat = (typeof MUTANT_FORMATS)[number];

/** The spec chapter that holds each format's requirement IDs, and the IDs' prefix. */
export const SPEC_OF: Record<MutantFormat, { file: string; prefix: string }> = {
  wal: { file: 'wal.md', prefix: 'WAL' },
  ring: { file: 'ring.md', prefix: 'RING' },
  segment: { file: 'segment.md', prefix: 'SEG' },
  session: { file: 'session.md', prefix: 'SESS' },
  hotframe: { file: 'hotlog.md', prefix: 'HOT' },
};

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

export interface FilePatch {
  /** Path relative to the original's root, e.g. `src/wal.rs`. */
  path: string;
  hunks: Hunk[];
}

export interface Mutant {
  id: string;
  format: MutantFormat;
  requirement: string;
  bug: string;
  /** Repository-relative path of the witness file, if the patch names one. */
  witness?: string;
  files: FilePatch[];
  /** The whole patch text (header and diff). */
  text: string;
  /** Where it was read from. */
  file: string;
}

export class CatalogError extends Error {}

const HEADER_RE = /^# ([a-z]+): (.*)$/;
const HUNK_RE = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const ID_RE = /^(wal|ring|segment|session|hotframe)-\d{2}-[a-z0-9-]+$/;

/** Parses one patch file's text; throws `CatalogError` naming the file for anything malformed. */
export function parsePatch(text: string, file: string): Mutant {
  const lines = text.split('\n');
  const header = new Map<string, string>();
  let i = 0;
  for (; i < lines.length && (lines[i] as string).startsWith('# '); i++) {
    const m = HEADER_RE.exec(lines[i] as string);
    if (!m) throw new CatalogError(`${file}:${i + 1}: header lines are "# key: value"`);
    if (header.has(m[1] as string)) throw new CatalogError(`${file}: header "${m[1]}" given twice`);
    header.set(m[1] as string, (m[2] as string).trim());
  }
  const need = (k: string): string => {
    const v = header.get(k);
    if (v === undefined || v === '') throw new CatalogError(`${file}: header "# ${k}:" is missing`);
    return v;
  };
  const id = need('mutant');
  if (!ID_RE.test(id)) throw new CatalogError(`${file}: mutant id ${id} is not <format>-<nn>-<slug>`);
  if (basename(file) !== `${id}.patch`) throw new CatalogError(`${file}: file name must be ${id}.patch`);
  const format = need('format');
  if (!(MUTANT_FORMATS as readonly string[]).includes(format) || !id.startsWith(`${format}-`)) {
    throw new CatalogError(`${file}: format ${format} does not match id ${id}`);
  }
  const requirement = need('requirement');
  const { prefix } = SPEC_OF[format as MutantFormat];
  if (!new RegExp(`^${prefix}-[WRS]-\\d{3}$`).test(requirement)) {
    throw new CatalogError(`${file}: requirement ${requirement} is not a ${prefix}-W|R|S-NNN id`);
  }
  const files = parseDiff(lines.slice(i), file);
  if (files.length === 0) throw new CatalogError(`${file}: no diff after the header`);
  const mutant: Mutant = { id, format: format as MutantFormat, requirement, bug: need('bug'), files, text, file };
  const witness = header.get('witness');
  if (witness !== undefined) mutant.witness = witness;
  return mutant;
}

function parseDiff(lines: string[], file: string): FilePatch[] {
  const out: FilePatch[] = [];
  let cur: FilePatch | undefined;
  let hunk: Hunk | undefined;
  let oldLeft = 0;
  let newLeft = 0;
  const closeHunk = () => {
    if (hunk && (oldLeft !== 0 || newLeft !== 0)) {
      throw new CatalogError(`${file}: hunk at -${hunk.oldStart} of ${cur?.path} has the wrong line count`);
    }
    hunk = undefined;
  };
  for (const line of lines) {
    if (hunk && (oldLeft > 0 || newLeft > 0)) {
      const tag = line[0];
      if (tag === ' ' || line === '') {
        oldLeft--;
        newLeft--;
      } else if (tag === '-') oldLeft--;
      else if (tag === '+') newLeft--;
      else if (tag !== '\\') throw new CatalogError(`${file}: unexpected line in a hunk: ${line}`);
      hunk.lines.push(line);
      continue;
    }
    if (line.startsWith('+++ ')) {
      const path = line.slice(4).replace(/^b\//, '');
      if (!path.startsWith('src/')) throw new CatalogError(`${file}: patched path ${path} is outside src/`);
      closeHunk();
      cur = { path, hunks: [] };
      out.push(cur);
      continue;
    }
    const m = HUNK_RE.exec(line);
    if (m) {
      if (!cur) throw new CatalogError(`${file}: hunk before a file header`);
      closeHunk();
      hunk = {
        oldStart: Number(m[1]),
        oldLines: m[2] === undefined ? 1 : Number(m[2]),
        newStart: Number(m[3]),
        newLines: m[4] === undefined ? 1 : Number(m[4]),
        lines: [],
      };
      oldLeft = hunk.oldLines;
      newLeft = hunk.newLines;
      cur.hunks.push(hunk);
    }
  }
  closeHunk();
  for (const f of out) if (f.hunks.length === 0) throw new CatalogError(`${file}: ${f.path} has no hunks`);
  return out;
}

/** Every `*.patch` of `dir`, parsed, in id order; ids must be unique (they are file names). */
export function loadCatalog(dir: string): Mutant[] {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.patch'))
    .sort();
  return names.map((n) => parsePatch(readFileSync(join(dir, n), 'utf8'), join(dir, n)));
}

/**
 * The requirement IDs a spec chapter defines: every `**ID` that opens a rule (`**WAL-R-003**`,
 * `**SEG-W-005 (original)**`, and the `(**SESS-S-002**)` form of a rule stated in prose).
 */
export function definedRequirements(specText: string, prefix: string): Set<string> {
  const re = new RegExp(`\\*\\*(${prefix}-[WRS]-\\d{3})\\b`, 'g');
  return new Set([...specText.matchAll(re)].map((m) => m[1] as string));
}

/** Keeps the mutants `only` names (ids or id prefixes) and `formats` allows; unknown names throw. */
export function selectMutants(all: Mutant[], only: string[], formats: readonly string[] | undefined): Mutant[] {
  for (const o of only) {
    if (!all.some((m) => m.id === o || m.id.startsWith(o))) throw new CatalogError(`no mutant matches ${o}`);
  }
  return all.filter(
    (m) =>
      (only.length === 0 || only.some((o) => m.id === o || m.id.startsWith(o))) &&
      (formats === undefined || formats.includes(m.format)),
  );
}
