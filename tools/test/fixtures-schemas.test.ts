import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Compile } from 'typebox/compile';
import { afterAll, describe, expect, test } from 'vitest';
import { renderSchemas, syncSchemas } from '../src/schemas/main.js';
import { chapterErrorTable, mergeRegistry, REGISTRY_CHAPTERS } from '../src/schemas/registry.js';
import { buildRegistry, parseCodeTable, parseKindTable } from '../src/schemas/registry-json.js';
import { parseRequirements } from '../src/schemas/requirements.js';

const specDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../spec');
const tmp = mkdtempSync(join(tmpdir(), 'logspec-schemas-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pnpm schemas', () => {
  test('spec/schemas is what the typebox types generate (no drift)', () => {
    expect(syncSchemas(join(specDir, 'schemas'), true, specDir)).toEqual({ changed: [], added: [], stale: [] });
  });

  test('the published vector-file schema works in a plain JSON Schema validator', () => {
    const schema = JSON.parse(renderSchemas().get('vector-file.schema.json') as string);
    const { $schema: _drop, ...plain } = schema;
    const check = Compile(plain);
    const file = {
      schema: 'logspec-vectors/1',
      format: 'ring',
      group: 'g',
      specVersion: '0.1.0',
      verb: 'decode',
      kind: 'slot',
      notes: {},
      tests: [
        {
          tcId: 1,
          id: 'ring.g.a',
          comment: '',
          flags: [],
          requirements: ['RING-R-001'],
          input: { hex: 'ab' },
          result: 'valid',
          expected: {},
        },
      ],
    };
    expect(check.Check(file)).toBe(true);
    expect(check.Check({ ...file, format: 'nope' })).toBe(false);
    expect(check.Check({ ...file, tests: [{ ...file.tests[0], input: { hex: 'AB' } }] })).toBe(false);
  });

  test('drift is detected and repaired', () => {
    const dir = join(tmp, 'schemas');
    expect(syncSchemas(dir, false).added.sort()).toEqual([
      ...['errors', 'hotframe', 'hotlog', 'ring', 'segment', 'session', 'wal'].map((t) => `export-${t}.schema.json`),
      'protocol.schema.json',
      'registry.schema.json',
      'report.schema.json',
      'vector-file.schema.json',
    ]);
    writeFileSync(join(dir, 'report.schema.json'), '{}');
    writeFileSync(join(dir, 'old.schema.json'), '{}');
    expect(syncSchemas(dir, true)).toEqual({ changed: ['report.schema.json'], added: [], stale: ['old.schema.json'] });
    syncSchemas(dir, false);
    expect(syncSchemas(dir, true)).toEqual({ changed: [], added: [], stale: [] });
  });
});

describe('the error-code registry is merged from the chapters', () => {
  test('spec/README.md is up to date with every chapter present', () => {
    const readme = readFileSync(join(specDir, 'README.md'), 'utf8');
    expect(mergeRegistry(readme, specDir)).toBe(readme);
  });

  test('a chapter’s table lands between its markers; a missing chapter leaves a pending note', () => {
    const dir = join(tmp, 'spec');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'ring.md'),
      '# Ring\n\n## 9. Error codes\n\nIntro.\n\n| code | meaning | offset points at | origin |\n|---|---|---|---|\n| `RING_X` | x | 0 | logspec |\n\n## 10. Next\n| not | this |\n|---|---|\n',
    );
    const readme = ['ring', 'wal', 'segment', 'session', 'hotlog', 'export']
      .map((c) => `<!-- registry:${c}.md:start -->\nold\n<!-- registry:${c}.md:end -->`)
      .join('\n');
    const merged = mergeRegistry(readme, dir);
    expect(merged).toContain(
      '<!-- registry:ring.md:start -->\nFrom [`ring.md`](ring.md):\n\n| code | meaning | offset points at | origin |\n|---|---|---|---|\n| `RING_X` | x | 0 | logspec |\n<!-- registry:ring.md:end -->',
    );
    expect(merged).toContain('_Pending: [`wal.md`](wal.md) has not landed yet.');
    expect(mergeRegistry(merged, dir)).toBe(merged);
    expect(chapterErrorTable('# x\n## Error codes\n\nnone yet\n')).toBeNull();
    expect(() => mergeRegistry('no markers', dir)).toThrow(/lacks the markers/);
  });
});

describe('the registry as data (spec/schemas/registry.json)', () => {
  test('requirements carry their mark, inline, after the ID, or in an italic note at the end of the rule', () => {
    const text = [
      '- **RING-W-001** (original) A writer MUST …',
      '- **SEG-W-002 (logspec)** A frame MUST …',
      '- **WAL-W-003** A writer MUST lay a record out',
      '  - `meta_len` and nothing after it. _(original)_',
      '- **WAL-W-004** A writer MUST refuse … _(logspec; the original truncates)_',
      '**Bootstrap** — **SESS-S-002** (original): read the index',
      '- **HOT-S-001** A store MUST …',
      '',
      'Later prose (logspec) is not its mark.',
    ].join('\n');
    expect(parseRequirements(text, 'x.md').map((r) => [r.id, r.origin])).toEqual([
      ['RING-W-001', 'original'],
      ['SEG-W-002', 'logspec'],
      ['WAL-W-003', 'original'],
      ['WAL-W-004', 'logspec'],
      ['SESS-S-002', 'original'],
      ['HOT-S-001', undefined],
    ]);
  });

  test('every requirement of every chapter is marked, and the registry is built without conflicts', () => {
    const r = buildRegistry(specDir);
    expect(r.requirements.length).toBeGreaterThan(150);
    expect(r.requirements.find((x) => x.id === 'RING-W-009')?.origin).toBe('logspec');
    expect(r.requirements.find((x) => x.id === 'SEG-W-005')?.origin).toBe('original');
    expect(r.codes.find((c) => c.code === 'RING_INVALID_VALUE')?.origin).toBe('logspec');
    expect(r.originalKinds.find((k) => k.codes.includes('SEG_BAD_BOOL'))).toEqual({
      chapter: 'segment.md',
      kind: 'deserialize',
      when: { postcard: 'DeserializeBadBool' },
      codes: ['SEG_BAD_BOOL'],
    });
  });

  test('a kind table row narrows by `field` = `value`; a code under two kinds is refused', () => {
    const chapter = [
      '## 9. Error codes',
      '',
      '| code | meaning | offset points at | origin |',
      '|---|---|---|---|',
      '| `X_A` | a | 0 | original (`a`) |',
      '| `X_B` | b | 0 | logspec |',
      '',
      '### 9.1 Original error kinds',
      '',
      '| original kind | fields | logspec codes |',
      '| --- | --- | --- |',
      '| `io` | `op` = `read`, `count` | `X_A`, `X_B` |',
    ].join('\n');
    expect(parseCodeTable(chapter, 'x.md').map((c) => [c.code, c.origin])).toEqual([
      ['X_A', 'original'],
      ['X_B', 'logspec'],
    ]);
    expect(parseKindTable(chapter, 'x.md')).toEqual([
      { chapter: 'x.md', kind: 'io', when: { op: 'read' }, codes: ['X_A', 'X_B'] },
    ]);
    const dir = join(tmp, 'conflict');
    mkdirSync(dir, { recursive: true });
    for (const { chapter: c } of REGISTRY_CHAPTERS) writeFileSync(join(dir, c), '# empty\n');
    writeFileSync(join(dir, 'ring.md'), `${chapter}\n| \`other\` | — | \`X_A\` |\n`);
    expect(() => buildRegistry(dir)).toThrow(/X_A is listed under original kinds io and other/);
  });
});
