import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hexDecode } from '@logspec/core';
import { afterAll, describe, expect, it } from 'vitest';
import { handler as hotframe } from '../../../conformance/src/builtin/formats/hotframe.js';
import { handler as hotlog } from '../../../conformance/src/builtin/formats/hotlog.js';
import { validateVectorFile } from '../../../conformance/src/cases/vectors.js';
import type { Outcome, Request } from '../../../conformance/src/protocol/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const vectorsDir = join(here, '../../../conformance/vectors');
const specText = readFileSync(join(here, '../../../spec/hotlog.md'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'frame-vectors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface VTest {
  tcId: number;
  id: string;
  requirements: string[];
  input: {
    hex?: string;
    value?: unknown;
    mode?: 'original' | 'strict';
    ops?: { op: string }[];
    files?: Record<string, string>;
    path?: string;
  };
  result: 'valid' | 'invalid' | 'acceptable';
  expected?: unknown;
  expectedError?: string;
}

for (const [format, handler] of [
  ['hotframe', hotframe],
  ['hotlog', hotlog],
] as const) {
  for (const name of readdirSync(join(vectorsDir, format)).sort()) {
    const file = JSON.parse(readFileSync(join(vectorsDir, format, name), 'utf8')) as {
      verb: string;
      kind?: string;
      group: string;
      tests: VTest[];
    };
    describe(`${format}/${name}`, () => {
      it('is a valid vector file citing requirements the spec defines', () => {
        expect(validateVectorFile(file, format, file.group)).toEqual([]);
        for (const t of file.tests)
          for (const r of t.requirements) expect(specText, `${t.id} cites ${r}`).toContain(`**${r}**`);
      });
      for (const t of file.tests) {
        it(`${t.tcId} ${t.id}`, async () => {
          const out = await run(format, handler, file.verb, file.kind ?? '', t);
          if (t.result === 'valid') {
            if (!('ok' in out)) throw new Error(JSON.stringify(out));
            const want = t.expected as Record<string, unknown>;
            if (file.verb === 'write') {
              expect((out.ok as { results: unknown }).results).toEqual(want.results);
            } else expect(out.ok).toEqual(want);
          } else if (t.result === 'invalid') {
            if (!('error' in out)) throw new Error(`expected ${t.expectedError}, got ${JSON.stringify(out)}`);
            expect(out.error.code).toBe(t.expectedError);
            for (const [k, v] of Object.entries((t.expected ?? {}) as Record<string, unknown>))
              expect(out.error[k], k).toEqual(v);
          }
        });
      }
    });
  }
}

async function run(
  format: 'hotframe' | 'hotlog',
  handler: { run(r: Request): Promise<Outcome> },
  verb: string,
  kind: string,
  t: VTest,
): Promise<Outcome> {
  const i = t.input;
  if (verb === 'decode')
    return handler.run({ verb, format, kind, hex: i.hex ?? '', ...(i.mode ? { mode: i.mode } : {}) });
  if (verb === 'encode') return handler.run({ verb, format, kind, value: i.value });
  const dir = mkdtempSync(join(tmp, 'v-'));
  if (verb === 'read') {
    for (const [rel, hex] of Object.entries(i.files ?? {})) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), hexDecode(hex));
    }
    return handler.run({ verb, format, path: join(dir, i.path ?? '') });
  }
  const out = await handler.run({ verb: 'write', format, dir, ops: i.ops ?? [], fixedTime: '' });
  const files = (t.expected as { files?: Record<string, string> } | undefined)?.files;
  if ('ok' in out && files) {
    for (const [rel, hex] of Object.entries(files))
      expect(Buffer.from(readFileSync(join(dir, rel))).toString('hex'), rel).toBe(hex);
    expect(readdirSync(join(dir, 'hot'))).toEqual(['log.bin']);
  }
  return out;
}
