import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexDecode, isLogspecError } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { fromCanonicalRecord } from '../src/index.js';
import { appendRecordToFile, readOriginal } from '../src/store.js';
import { corpus, expected, GOLDEN_DIR } from './golden.js';

const fs = new NodeFs();

/** The reader's answer in the corpus's shape: canonical JSON, or the error object. */
function readAsCorpus(path: string): unknown {
  try {
    return readOriginal(path, fs);
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    const d = e.details as { originalKind?: string; originalMessage?: string; position?: number };
    const out: Record<string, unknown> = {
      error: d.originalKind ?? 'not_found',
      message: d.originalMessage ?? e.message,
    };
    if (d.position !== undefined) out.position = String(d.position);
    return out;
  }
}

describe('reading the reference corpus written by the original', () => {
  for (const e of corpus.entries) {
    it(`${e.path} (${e.kind}) reads as its .expect.json`, () => {
      expect(readAsCorpus(join(GOLDEN_DIR, e.path))).toEqual(expected(e));
    });
  }

  it('a missing path is not_found', () => {
    expect(readAsCorpus(join(GOLDEN_DIR, 'no-such.log'))).toMatchObject({ error: 'not_found' });
  });
});

const work = mkdtempSync(join(tmpdir(), 'wal-golden-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Applies the recipe's byte mutations used by the positive samples (the handler uses core's applyMutation). */
function mutate(dir: string, op: Record<string, unknown>): void {
  const h = fs.open(join(dir, String(op.file)), { create: true, write: true, truncate: op.op === 'write_file' });
  try {
    const bytes = hexDecode(String(op.bytes));
    if (op.op === 'write_file') h.write(bytes, 0, bytes.length, 0);
    else if (op.op === 'append_bytes') h.append(bytes);
    else throw new Error(`mutation ${String(op.op)} not used by positives`);
  } finally {
    h.close();
  }
}

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix))
    .flatMap((n) =>
      statSync(join(dir, prefix, n)).isDirectory() ? filesUnder(dir, join(prefix, n)) : [join(prefix, n)],
    )
    .sort();
}

describe('replaying the positive recipes writes the reference bytes', () => {
  for (const e of corpus.entries.filter((x) => x.kind === 'positive')) {
    it(e.path, () => {
      const dir = mkdtempSync(join(work, 'r-'));
      for (const op of e.recipe.ops) {
        if (op.op === 'write_record')
          appendRecordToFile(fs, join(dir, String(op.file)), fromCanonicalRecord(op.record));
        else mutate(dir, op);
      }
      const ref = statSync(join(GOLDEN_DIR, e.path)).isDirectory();
      const mine = filesUnder(dir);
      const theirs = ref ? filesUnder(join(GOLDEN_DIR, e.path)).map((f) => join(e.path, f)) : [e.path];
      expect(mine).toEqual(theirs);
      for (const f of mine) expect(readFileSync(join(dir, f))).toEqual(readFileSync(join(GOLDEN_DIR, f)));
    });
  }
});
