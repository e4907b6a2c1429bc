import * as nfs from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hexDecode } from '@logspec/core';
import { describe, expect, it } from 'vitest';
// The built-in conformance handler is the adapter between these vectors and this package.
import { handler } from '../../../conformance/src/builtin/formats/segment.js';
import type { Outcome, Request } from '../../../conformance/src/protocol/types.js';
import { listFiles, tempDir } from './helpers.js';

const VECTORS = join(dirname(fileURLToPath(import.meta.url)), '../../../conformance/vectors/segment');

interface VTest {
  tcId: number;
  id: string;
  input: {
    hex?: string;
    mode?: 'original' | 'strict';
    value?: unknown;
    files?: Record<string, string>;
    path?: string;
    ops?: { op: string }[];
  };
  result: 'valid' | 'invalid' | 'acceptable';
  expected?: unknown;
  expectedError?: string;
}
interface VFile {
  verb: 'decode' | 'encode' | 'read' | 'write';
  kind?: string;
  tests: VTest[];
}

async function run(file: VFile, t: VTest, dir: string): Promise<Outcome> {
  const i = t.input;
  let req: Request;
  switch (file.verb) {
    case 'decode':
      req = {
        verb: 'decode',
        format: 'segment',
        kind: file.kind ?? '',
        hex: i.hex ?? '',
        ...(i.mode ? { mode: i.mode } : {}),
      };
      break;
    case 'encode':
      req = { verb: 'encode', format: 'segment', kind: file.kind ?? '', value: i.value };
      break;
    case 'read':
      for (const [rel, hex] of Object.entries(i.files ?? {})) {
        nfs.mkdirSync(dirname(join(dir, rel)), { recursive: true });
        nfs.writeFileSync(join(dir, rel), hexDecode(hex));
      }
      req = { verb: 'read', format: 'segment', path: join(dir, i.path ?? '') };
      break;
    case 'write':
      req = { verb: 'write', format: 'segment', dir, ops: i.ops ?? [], fixedTime: '2026-04-15T12:34:56.789Z' };
      break;
  }
  return handler.run(req);
}

describe('conformance vectors through the built-in handler', () => {
  for (const name of nfs.readdirSync(VECTORS).sort()) {
    const file = JSON.parse(nfs.readFileSync(join(VECTORS, name), 'utf8')) as VFile;
    it(name, async () => {
      for (const t of file.tests) {
        const dir = tempDir('segvec-');
        try {
          const out = await run(file, t, dir);
          const what = `${t.id} → ${JSON.stringify(out).slice(0, 300)}`;
          if (t.result === 'valid' || (t.result === 'acceptable' && 'ok' in out)) {
            expect('ok' in out, what).toBe(true);
            const ok = (out as { ok: unknown }).ok;
            if (file.verb === 'write') {
              const files = (t.expected as { files: Record<string, string> }).files;
              expect(listFiles(dir), what).toEqual(Object.keys(files).sort());
              for (const [rel, hex] of Object.entries(files)) {
                expect(Buffer.from(nfs.readFileSync(join(dir, rel))).toString('hex'), `${what} ${rel}`).toBe(hex);
              }
            } else {
              expect(ok, what).toEqual(t.expected);
            }
          } else {
            expect('error' in out, what).toBe(true);
            const err = (out as { error: Record<string, unknown> }).error;
            expect(err.code, what).toBe(t.expectedError);
            for (const [k, v] of Object.entries((t.expected ?? {}) as Record<string, unknown>)) {
              if (typeof v === 'number') expect(err[k], `${what} ${k}`).toBe(v);
            }
          }
        } finally {
          nfs.rmSync(dir, { recursive: true, force: true });
        }
      }
    });
  }
});
