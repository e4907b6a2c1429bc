import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeFs } from '@logspec/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { handler } from '../../../conformance/src/builtin/formats/session.js';
import { RawJson } from '../src/index.js';
import { dumpStore, SessionStore } from '../src/store.js';
import { copyGolden, corpus, expected, FIXED_TIME, filesUnder, GOLDEN, tempDir } from './helpers.js';

const fs = new NodeFs();
const tmp = tempDir();
afterAll(() => tmp.cleanup());

function sameTree(ours: string, ref: string): void {
  const names = filesUnder(ref);
  expect(filesUnder(ours)).toEqual(names);
  for (const n of names) expect(readFileSync(join(ours, n)).equals(readFileSync(join(ref, n))), n).toBe(true);
}

let n = 0;
const fresh = () => join(tmp.dir, `case-${n++}`);

describe.each(corpus())('reference store $path ($kind)', (entry) => {
  it('reads as the original reads it (state, rows, frames, warnings, files)', () => {
    const dir = fresh();
    const root = copyGolden(entry.path, dir);
    const got = dumpStore(fs, root, {
      maxSegmentBytes: 4096,
      recovery: 'original',
      durability: 'none',
      lock: false,
      rootLabel: entry.path,
    });
    expect(got).toEqual(expected(entry));
  });

  it('recovers to the same state in logspec mode, with every cut byte kept in quarantine/', () => {
    const dir = fresh();
    const root = copyGolden(entry.path, dir);
    const before = new Map(filesUnder(root).map((f) => [f, readFileSync(join(root, f))]));
    const got = dumpStore(fs, root, { maxSegmentBytes: 4096, rootLabel: entry.path }) as Record<string, unknown>;
    const want = expected(entry) as Record<string, unknown>;
    if ('error' in want) {
      expect(got.error).toBe(want.error);
      return;
    }
    const { files, ...rest } = got;
    const { files: wantFiles, ...wantRest } = want;
    expect(rest).toEqual(wantRest);
    const ours = files as { path: string; size: string }[];
    expect(ours.filter((f) => !f.path.startsWith('quarantine/'))).toEqual(wantFiles);
    // Every byte the original deleted from a file is in quarantine/<name>.<offset>.tail.
    const cuts = ours.filter((f) => f.path.startsWith('quarantine/'));
    const truncating = ['rec_torn_frame', 'rec_unindexed_tail', 'rec_coordinate_mismatch'];
    expect(cuts.length).toBe(truncating.includes(entry.path) ? 1 : 0);
    for (const q of cuts) {
      const m = /^quarantine\/(.+)\.(\d+)\.tail$/.exec(q.path);
      expect(m, q.path).not.toBeNull();
      const [, name, offset] = m as RegExpExecArray;
      const original = before.get(`segments/${name}`) as Buffer;
      expect(readFileSync(join(root, q.path)).equals(original.subarray(Number(offset)))).toBe(true);
    }
  });

  it('replaying the recipe writes the reference bytes', async () => {
    const dir = fresh();
    const res = await handler.run({
      verb: 'write',
      format: 'session',
      dir,
      ops: entry.recipe.ops,
      fixedTime: FIXED_TIME,
    });
    expect(res).toHaveProperty('ok');
    sameTree(join(dir, entry.path), join(GOLDEN, entry.path));
  });

  it('the conformance handler answers its expect.json', async () => {
    const res = await handler.run({ verb: 'read', format: 'session', path: copyGolden(entry.path, fresh()) });
    const want = expected(entry) as Record<string, unknown>;
    if ('error' in want) {
      expect(res).toEqual({ error: { code: want.error, message: want.message } });
    } else expect(res).toEqual({ ok: want });
  });
});

describe('recipes through the store API', () => {
  it('branching: rows returned by append match the reference index, segments rotate as the original', () => {
    const entry = corpus().find((e) => e.path === 'branching');
    if (!entry) throw new Error('corpus lacks branching');
    const dir = fresh();
    let store: SessionStore | undefined;
    const rows: unknown[] = [];
    for (const op of entry.recipe.ops) {
      if (op.op === 'create') {
        store = SessionStore.open(fs, join(dir, String(op.root)), {
          maxSegmentBytes: Number(op.max_segment_bytes),
          now: () => FIXED_TIME,
          rootLabel: String(op.root),
        });
      } else if (op.op === 'append_entry') {
        rows.push(
          store?.appendEntry(
            String(op.entry_id),
            (op.parent_entry_id as string | null) ?? undefined,
            String(op.entry_type),
            new RawJson(String(op.payload)),
          ),
        );
      } else if (op.op === 'create_checkpoint') store?.createCheckpoint(Number(op.checkpoint_seq), String(op.reason));
      else if (op.op === 'write_manifest') store?.writeManifest(String(op.session_id), String(op.source_format));
    }
    const want = (expected(entry) as { index: { byte_offset: string; segment_seq: string }[] }).index;
    expect(rows.map((r) => String((r as { byteOffset: number }).byteOffset))).toEqual(want.map((w) => w.byte_offset));
    expect(rows.map((r) => String((r as { segmentSeq: number }).segmentSeq))).toEqual(want.map((w) => w.segment_seq));
    store?.close();
    // logspec's extra files (none here) must not disturb the reference layout; LOCK is gone after close.
    sameTree(join(dir, 'branching'), join(GOLDEN, 'branching'));
  });
});
