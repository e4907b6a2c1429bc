import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { gitApply } from '../src/mutants/build.js';
import {
  CatalogError,
  definedRequirements,
  loadCatalog,
  MUTANT_FORMATS,
  parsePatch,
  SPEC_OF,
  selectMutants,
} from '../src/mutants/catalog.js';
import { loadWitness } from '../src/mutants/witness.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PATCHES = join(REPO, 'tools', 'mutants', 'patches');
const WITNESSES = join(REPO, 'tools', 'mutants', 'witnesses');
const ORIGINAL = resolve(process.env.LOGSPEC_ORIGINAL_DIR ?? join(REPO, '..', 'shared', 'original'));
const catalog = loadCatalog(PATCHES);

const patchText = (header: string, diff = DIFF) => `${header}\n${diff}`;
const HEADER = [
  '# mutant: ring-99-example',
  '# format: ring',
  '# requirement: RING-R-005',
  '# bug: flags validated',
].join('\n');
const DIFF = [
  'diff --git a/src/ring.rs b/src/ring.rs',
  '--- a/src/ring.rs',
  '+++ b/src/ring.rs',
  '@@ -1,3 +1,3 @@',
  ' a',
  '-b',
  '+c',
  ' d',
  '',
].join('\n');

describe('the mutant catalogue (tools/mutants/patches)', () => {
  test('holds at least 40 mutants, at least 7 per format', () => {
    expect(catalog.length).toBeGreaterThanOrEqual(40);
    for (const f of MUTANT_FORMATS) {
      expect(catalog.filter((m) => m.format === f).length, f).toBeGreaterThanOrEqual(7);
    }
  });

  test('every header describes the bug and names a requirement ID its format’s spec chapter defines', () => {
    const defined = Object.fromEntries(
      MUTANT_FORMATS.map((f) => [
        f,
        definedRequirements(readFileSync(join(REPO, 'spec', SPEC_OF[f].file), 'utf8'), SPEC_OF[f].prefix),
      ]),
    );
    for (const m of catalog) {
      expect(defined[m.format]?.has(m.requirement), `${m.id}: ${m.requirement}`).toBe(true);
      expect(m.bug.length, m.id).toBeGreaterThan(30);
    }
  });

  test('numbers run 01, 02, … without gaps within each format', () => {
    for (const f of MUTANT_FORMATS) {
      const nums = catalog.filter((m) => m.format === f).map((m) => Number(m.id.split('-')[1]));
      expect(nums).toEqual(nums.map((_, i) => i + 1));
    }
  });

  test('every patch changes format logic only (src/, never the serve adapter or main)', () => {
    for (const m of catalog) {
      for (const f of m.files) {
        expect(['src/serve.rs', 'src/main.rs', 'src/common.rs', 'src/bench.rs'], m.id).not.toContain(f.path);
        expect(
          f.hunks.some((h) => h.lines.some((l) => l.startsWith('+') || l.startsWith('-'))),
          m.id,
        ).toBe(true);
      }
    }
  });

  test('every witness a patch names exists, parses and is of the mutant’s format; no witness file is orphaned', () => {
    const named = catalog.filter((m) => m.witness !== undefined);
    expect(named.length).toBeGreaterThan(0);
    for (const m of named) {
      const w = loadWitness(join(REPO, m.witness as string));
      expect(w.format, m.id).toBe(m.format);
    }
    const files = readdirSync(WITNESSES).map((n) => `tools/mutants/witnesses/${n}`);
    expect(files.sort()).toEqual(named.map((m) => m.witness).sort());
  });

  const hasOriginal = existsSync(join(ORIGINAL, 'src'));
  test(
    hasOriginal
      ? 'every patch applies cleanly to a copy of the original sources'
      : 'every patch’s hunks are well-formed (no original sources: set LOGSPEC_ORIGINAL_DIR to apply them)',
    () => {
      if (!hasOriginal) {
        // parsePatch already counted every hunk's lines; check they carry context to anchor on
        for (const m of catalog)
          for (const f of m.files) for (const h of f.hunks) expect(h.oldLines).toBeGreaterThan(0);
        return;
      }
      const work = mkdtempSync(join(tmpdir(), 'logspec-mutants-test-'));
      try {
        cpSync(join(ORIGINAL, 'src'), join(work, 'src'), { recursive: true });
        for (const m of catalog) {
          const r = gitApply(work, m.file, true);
          expect(r.ok, `${m.id}: ${r.message}`).toBe(true);
        }
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
  );
});

describe('parsePatch', () => {
  test('reads the header and the hunks', () => {
    const m = parsePatch(patchText(`${HEADER}\n# witness: tools/mutants/witnesses/x.json`), '/p/ring-99-example.patch');
    expect(m).toMatchObject({
      id: 'ring-99-example',
      format: 'ring',
      requirement: 'RING-R-005',
      bug: 'flags validated',
      witness: 'tools/mutants/witnesses/x.json',
    });
    expect(m.files).toEqual([
      {
        path: 'src/ring.rs',
        hunks: [{ oldStart: 1, oldLines: 3, newStart: 1, newLines: 3, lines: [' a', '-b', '+c', ' d'] }],
      },
    ]);
  });

  const bad: [string, string, RegExp][] = [
    ['no requirement', HEADER.replace('# requirement: RING-R-005\n', ''), /requirement.*missing/],
    ['a requirement of another format', HEADER.replace('RING-R-005', 'WAL-R-003'), /not a RING-W\|R\|S-NNN/],
    ['a format that is not the id’s', HEADER.replace('# format: ring', '# format: wal'), /does not match id/],
    ['an empty bug', HEADER.replace('flags validated', ''), /bug.*missing/],
    ['a malformed header line', `${HEADER}\n# Witness - x`, /"# key: value"/],
  ];
  test.each(bad)('refuses a patch with %s', (_what, header, re) => {
    expect(() => parsePatch(patchText(header), '/p/ring-99-example.patch')).toThrow(re);
  });

  test('refuses a file named differently from its id, a hunk with a wrong line count, a path outside src/', () => {
    expect(() => parsePatch(patchText(HEADER), '/p/other.patch')).toThrow(CatalogError);
    expect(() =>
      parsePatch(patchText(HEADER, DIFF.replace('@@ -1,3 +1,3 @@', '@@ -1,4 +1,3 @@')), '/p/ring-99-example.patch'),
    ).toThrow(/wrong line count/);
    expect(() =>
      parsePatch(patchText(HEADER, DIFF.replace('+++ b/src/ring.rs', '+++ b/Cargo.toml')), '/p/ring-99-example.patch'),
    ).toThrow(/outside src/);
    expect(() => parsePatch(HEADER, '/p/ring-99-example.patch')).toThrow(/no diff/);
  });
});

describe('definedRequirements and selectMutants', () => {
  test('finds the IDs that open rules, in both bold styles, and nothing of other prefixes', () => {
    const spec = [
      '- **RING-R-005** (original) Flags MUST be ignored.',
      '- **SEG-W-005 (original)** An index entry …',
      '**Bootstrap** (original, **RING-S-002**): read …',
      'see RING-R-009 for details',
    ].join('\n');
    expect([...definedRequirements(spec, 'RING')].sort()).toEqual(['RING-R-005', 'RING-S-002']);
    expect([...definedRequirements(spec, 'SEG')]).toEqual(['SEG-W-005']);
  });

  test('selects by id, id prefix and format; an unknown name is an error', () => {
    const ids = (xs: { id: string }[]) => xs.map((x) => x.id);
    expect(ids(selectMutants(catalog, ['ring-01'], undefined))).toEqual(['ring-01-capacity-max-exclusive']);
    expect(selectMutants(catalog, [], ['wal']).every((m) => m.format === 'wal')).toBe(true);
    expect(selectMutants(catalog, ['ring-'], ['wal'])).toEqual([]);
    expect(() => selectMutants(catalog, ['nope-01'], undefined)).toThrow(/no mutant matches nope-01/);
  });
});
