import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { handler as hotframe } from '../../../conformance/src/builtin/formats/hotframe.js';
import { handler as hotlog } from '../../../conformance/src/builtin/formats/hotlog.js';

const here = dirname(fileURLToPath(import.meta.url));
const golden = join(here, '../../../conformance/golden');
const tmp = mkdtempSync(join(tmpdir(), 'frame-golden-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Entry {
  path: string;
  expect: string;
  kind: string;
  description: string;
  recipe: { ops: { op: string; [k: string]: unknown }[] };
}

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function corpus(format: string, sample: string): { dir: string; entries: Entry[] } {
  const dir = join(golden, format, sample);
  return { dir, entries: (JSON.parse(readFileSync(join(dir, 'corpus.json'), 'utf8')) as { entries: Entry[] }).entries };
}

function parseExpect(text: string): unknown {
  const v = JSON.parse(text) as { error?: string };
  // Errors compare by kind (the `code` of the handler's answer).
  return typeof v.error === 'string' ? { code: v.error } : { ok: v };
}

const handlers = { hotframe, hotlog } as const;

for (const [format, producer] of [
  ['hotframe', 'original-kaizen'],
  ['hotframe', 'logspec-0.1.0'],
  ['hotlog', 'logspec-0.1.0'],
] as const)
  describe(`${format}/${producer} through the built-in handler`, () => {
    const handler = handlers[format];
    const { dir, entries } = corpus(format, producer);
    for (const e of entries) {
      it(`read ${e.path} (${e.kind})`, async () => {
        const want = parseExpect(readFileSync(join(dir, e.expect), 'utf8'));
        const got = await handler.run({ verb: 'read', format, path: join(dir, e.path) });
        if ('error' in got) expect({ code: got.error.code }).toEqual(want);
        else expect(got).toEqual(want);
      });
      if (e.kind === 'negative') continue;
      it(`write ${e.path}: recipe replays to identical bytes`, async () => {
        const out = mkdtempSync(join(tmp, 'w-'));
        const r = await handler.run({ verb: 'write', format, dir: out, ops: e.recipe.ops, fixedTime: '' });
        expect('ok' in r).toBe(true);
        const ref = files(join(dir, e.path));
        const mine = files(join(out, e.path));
        expect([...mine.keys()].sort()).toEqual([...ref.keys()].sort());
        for (const [k, v] of ref) expect(Buffer.compare(mine.get(k) as Buffer, v), k).toBe(0);
      });
    }
  });

describe('hotlog: the rkyv 0.8.16 reference log through the built-in handler', () => {
  const dir = join(golden, 'hotlog', 'original-kaizen-rkyv-0.8.16');
  const log = JSON.parse(readFileSync(join(dir, 'log.json'), 'utf8')) as { events: Record<string, unknown>[] };

  it('read gives the log.json events', async () => {
    const got = await hotlog.run({ verb: 'read', format: 'hotlog', path: dir });
    if (!('ok' in got)) throw new Error(JSON.stringify(got));
    const v = got.ok as { events: Record<string, unknown>[]; stopped_at: unknown; error: unknown };
    expect(v.stopped_at).toEqual({ reason: 'eof', at: '75076' });
    expect(v.events.length).toBe(12);
    v.events.forEach((ev, i) => {
      const { note: _n, archive_hex: _h, ...want } = log.events[i] as Record<string, unknown>;
      expect(ev).toEqual(want);
    });
    // Event 1 has payload_json "" which serde_json rejects: the original's replay fails there.
    expect(v.error).toMatchObject({ code: 'HOT_PAYLOAD_JSON', frame_offset: '228' });
  });

  it('write: appending the 12 events gives the reference log.bin byte for byte', async () => {
    const out = mkdtempSync(join(tmp, 'h-'));
    const ops = [{ op: 'open', root: 'r' }, ...log.events.map((event) => ({ op: 'append_event', event }))];
    const r = await hotlog.run({ verb: 'write', format: 'hotlog', dir: out, ops, fixedTime: '' });
    expect(r).toEqual({ ok: { results: [null, ...log.events.map((e) => e.frame_offset)] } });
    expect(Buffer.compare(readFileSync(join(out, 'r/hot/log.bin')), readFileSync(join(dir, 'hot/log.bin')))).toBe(0);
    expect(readdirSync(join(out, 'r/hot'))).toEqual(['log.bin']);
  });
});
