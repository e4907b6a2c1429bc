import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NodeFs } from '@logspec/core/node';
import { describe, expect, it } from 'vitest';
import { SessWarning } from '../src/index.js';
import { surveySessionStore } from '../src/store.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', 'conformance', 'golden', 'session');
const fs = new NodeFs();

/** Every store of the session corpora (a directory holding `index/` or `segments/`). */
function stores(): string[] {
  const out: string[] = [];
  for (const corpus of readdirSync(ROOT).sort()) {
    const dir = join(ROOT, corpus);
    if (!statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory() && (existsSync(join(p, 'index')) || existsSync(join(p, 'segments')))) out.push(p);
    }
  }
  return out;
}

describe('surveySessionStore over every golden store', () => {
  it.each(stores().map((p) => [p.slice(ROOT.length + 1), p]))(
    '%s: every problem is placed in a file it fits',
    (_n, p) => {
      const s = surveySessionStore(fs, p);
      for (const q of s.problems) {
        if (q.offset === null) continue;
        // An offset means nothing without its file; it lies inside that file.
        expect(q.file, `${q.code} at ${q.offset}`).not.toBeNull();
        expect(q.offset).toBeLessThanOrEqual(statSync(join(p, q.file as string)).size);
      }
    },
  );
});

describe('the integrity check placed where it met the damage', () => {
  it('an index row whose frame says another frame_seq: the segment and the frame, not the index', () => {
    const p = join(ROOT, 'original-boundaries', 'b_row_frame_seq');
    const s = surveySessionStore(fs, p);
    const rebuild = s.problems.find((q) => q.code === SessWarning.INTEGRITY_REBUILD);
    expect(rebuild).toMatchObject({ file: 'segments/0000000000000001.seg', offset: 387 });
  });
});
