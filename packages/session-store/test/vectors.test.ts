import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { handler } from '../../../conformance/src/builtin/formats/session.js';
import type { Request } from '../../../conformance/src/protocol/types.js';
import { FIXED_TIME, filesUnder, tempDir } from './helpers.js';

const VECTORS = fileURLToPath(new URL('../../../conformance/vectors/session/', import.meta.url));
const OURS = fileURLToPath(new URL('../../../conformance/golden/session/logspec-0.1.0/', import.meta.url));
const SPEC = fileURLToPath(new URL('../../../spec/session.md', import.meta.url));

interface VectorTest {
  tcId: number;
  id: string;
  requirements: string[];
  input: Record<string, unknown>;
  result: 'valid' | 'invalid' | 'acceptable';
  expected?: unknown;
  expectedError?: string;
}
interface VectorFile {
  verb: 'decode' | 'encode';
  kind: string;
  tests: VectorTest[];
}

const files = readdirSync(VECTORS).filter((f) => f.endsWith('.json'));
const spec = existsSync(SPEC) ? readFileSync(SPEC, 'utf8') : '';

describe.each(files)('vectors %s', (name) => {
  const file = JSON.parse(readFileSync(join(VECTORS, name), 'utf8')) as VectorFile;
  it('tcIds run 1..n and every requirement is defined in spec/session.md', () => {
    expect(file.tests.map((t) => t.tcId)).toEqual(file.tests.map((_, i) => i + 1));
    for (const t of file.tests)
      for (const r of t.requirements) expect(spec, `${t.id} cites ${r}`).toContain(`**${r}**`);
  });
  it.each(file.tests.map((t) => [t.id, t] as const))('%s', async (_id, t) => {
    const req = { verb: file.verb, format: 'session', kind: file.kind, ...t.input } as Request;
    const out = await handler.run(req);
    if (t.result === 'valid') expect(out).toEqual({ ok: t.expected });
    else if (t.result === 'invalid') expect((out as { error: { code: string } }).error?.code).toBe(t.expectedError);
  });
});

describe('logspec golden files', () => {
  const corpus = JSON.parse(readFileSync(join(OURS, 'corpus.json'), 'utf8')) as {
    entries: { path: string; expect: string; recipe: { ops: { op: string }[] } }[];
  };
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  it.each(corpus.entries.map((e) => [e.path, e] as const))(
    '%s: recipe replays to the same bytes, reads as expected',
    async (_p, e) => {
      const dir = join(tmp.dir, e.path);
      const w = await handler.run({
        verb: 'write',
        format: 'session',
        dir: tmp.dir,
        ops: e.recipe.ops as never,
        fixedTime: FIXED_TIME,
      });
      expect(w).toHaveProperty('ok');
      const names = filesUnder(join(OURS, e.path));
      expect(filesUnder(dir)).toEqual(names);
      for (const n of names)
        expect(readFileSync(join(dir, n)).equals(readFileSync(join(OURS, e.path, n))), n).toBe(true);
      // The replay, proven byte-identical above, also holds the empty directories git cannot keep.
      const r = await handler.run({ verb: 'read', format: 'session', path: dir });
      expect(r).toEqual({ ok: JSON.parse(readFileSync(join(OURS, e.expect), 'utf8')) });
    },
  );
});
