import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InProcessSubject } from '../../conformance/src/subjects/in-process.js';
import { hotframe } from '../src/fixtures/boundaries/hotframe.js';
import { segment } from '../src/fixtures/boundaries/segment.js';
import { treeOf, writeBoundaryProducer } from '../src/fixtures/producers.js';

const reference = new InProcessSubject();
beforeAll(() => reference.start());
afterAll(() => reference.stop());
const tmp = mkdtempSync(join(tmpdir(), 'logspec-producers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const collect = () => {
  const files = new Map<string, Uint8Array>();
  return { files, put: (rel: string, data: Uint8Array) => files.set(rel, data) };
};
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe('producers replayed through an implementation', () => {
  test('a tree lists the empty directories a recipe leaves (git keeps none)', async () => {
    const tree = await treeOf(reference, 'session', ['empty.expect.json'], {
      entries: [{ path: 'empty', recipe: { ops: [{ op: 'create', root: 'empty', max_segment_bytes: '900' }] } }],
    });
    expect(JSON.parse(text(tree)).dirs).toEqual([
      'empty',
      'empty/checkpoints',
      'empty/index',
      'empty/migrations',
      'empty/segments',
      'empty/tmp',
    ]);
  });

  test('boundary samples: files, readings without the replay directory, recipes with their rules', async () => {
    const { files, put } = collect();
    await writeBoundaryProducer(reference, 'hotframe', hotframe.slice(0, 2), 'out', put);
    const corpus = JSON.parse(text(files.get('out/corpus.json')));
    expect(
      corpus.entries.map((e: { path: string; kind: string; requirements: string[] }) => [
        e.path,
        e.kind,
        e.requirements,
      ]),
    ).toEqual([
      ['b_file_12/hot/log.bin', 'positive', ['HOT-R-002']],
      ['b_file_13/hot/log.bin', 'negative', ['HOT-R-002', 'HOT-R-003']],
    ]);
    expect(files.get('out/b_file_12/hot/log.bin')?.length).toBe(12);
    const reading = text(files.get('out/b_file_13__hot__log.bin.expect.json'));
    expect(JSON.parse(reading).error).toBe('invalid_header');
    expect(reading).not.toContain(tmp);
    expect(reading).not.toContain('logspec-fixtures-');
  });

  test('a recipe that misses its threshold is refused, not written', async () => {
    const off = { ...(segment[0] as (typeof segment)[number]), check: () => 'moved' };
    await expect(writeBoundaryProducer(reference, 'segment', [off], 'out', () => {})).rejects.toThrow(
      /misses its boundary: moved/,
    );
  });
});
