import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadVectorFiles, validateVectorFile, vectorCases } from '../src/cases/vectors.js';
import { SPEC_DIR } from '../src/paths.js';
import { FORMATS, type FormatName } from '../src/protocol/types.js';

const good = () => ({
  schema: 'logspec-vectors/1',
  format: 'ring',
  group: 'slot-decode',
  specVersion: '0.1.0',
  verb: 'decode',
  kind: 'slot',
  notes: { Normal: 'plain' },
  tests: [
    {
      tcId: 1,
      id: 'ring.slot.decode.basic',
      comment: '',
      flags: ['Normal'],
      requirements: ['RING-R-003'],
      input: { hex: '00ff' },
      result: 'valid',
      expected: {},
    },
    {
      tcId: 2,
      id: 'ring.slot.decode.bad',
      comment: '',
      flags: [],
      requirements: [],
      input: { hex: '' },
      result: 'invalid',
      expectedError: 'RING_TRUNCATED',
    },
  ],
});

describe('vector files (typebox schema + consistency rules)', () => {
  test('a well-formed file has no problems', () => {
    expect(validateVectorFile(good(), 'ring', 'slot-decode')).toEqual([]);
  });

  test.each([
    [
      'upper-case hex',
      (v: ReturnType<typeof good>) => {
        v.tests[0]!.input.hex = '00FF';
      },
      /hex|pattern/,
    ],
    [
      'unknown top-level key',
      (v: ReturnType<typeof good>) => {
        (v as Record<string, unknown>).extra = 1;
      },
      /additional/,
    ],
    [
      'bad requirement id',
      (v: ReturnType<typeof good>) => {
        v.tests[0]!.requirements = ['RING-X-1'];
      },
      /pattern/,
    ],
    [
      'tcIds out of order',
      (v: ReturnType<typeof good>) => {
        v.tests[1]!.tcId = 5;
      },
      /tcId 5, expected 2/,
    ],
    [
      'duplicate id',
      (v: ReturnType<typeof good>) => {
        v.tests[1]!.id = v.tests[0]!.id;
      },
      /duplicate id/,
    ],
    [
      'flag without a note',
      (v: ReturnType<typeof good>) => {
        v.tests[1]!.flags = ['Odd'];
      },
      /flag Odd has no entry/,
    ],
    [
      'invalid without expectedError',
      (v: ReturnType<typeof good>) => {
        delete (v.tests[1] as { expectedError?: string }).expectedError;
      },
      /needs expectedError/,
    ],
    [
      'valid without expected',
      (v: ReturnType<typeof good>) => {
        delete (v.tests[0] as { expected?: unknown }).expected;
      },
      /needs expected/,
    ],
    [
      'id of another format',
      (v: ReturnType<typeof good>) => {
        v.tests[0]!.id = 'wal.slot.x';
      },
      /must start with "ring\."/,
    ],
    [
      'decode without hex',
      (v: ReturnType<typeof good>) => {
        delete (v.tests[0]!.input as { hex?: string }).hex;
      },
      /input\.hex missing/,
    ],
    [
      'wrong directory',
      (v: ReturnType<typeof good>) => {
        v.format = 'wal';
      },
      /format is wal/,
    ],
  ])('%s is reported', (_name, mutate, problem) => {
    const v = good();
    mutate(v);
    const problems = validateVectorFile(v, 'ring', 'slot-decode');
    expect(problems.join('\n')).toMatch(problem);
  });

  test.each(FORMATS)('every vector file of %s is valid and cites requirements its spec chapter defines', (format) => {
    const files = loadVectorFiles(format);
    for (const f of files) expect(f.problems, f.file).toEqual([]);
    expect(vectorCases(format).filter((c) => c.id.endsWith('.schema'))).toEqual([]);
    const chapter = join(SPEC_DIR, chapterOf(format));
    if (!existsSync(chapter)) return;
    const spec = readFileSync(chapter, 'utf8');
    const cited = new Set(files.flatMap((f) => f.vectors?.tests.flatMap((t) => t.requirements) ?? []));
    const undefinedIds = [...cited].filter((id) => !id.startsWith('CONF-') && !spec.includes(id));
    expect(
      undefinedIds,
      `requirement ids cited by vectors/${format} but absent from spec/${chapterOf(format)}`,
    ).toEqual([]);
  });
});

function chapterOf(format: FormatName): string {
  return format === 'hotframe' || format === 'hotlog' ? 'hotlog.md' : `${format}.md`;
}
