import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ContentPart,
  CoreCode,
  type Fs,
  fieldPathAt,
  findField,
  flattenFields,
  LogspecError,
  OverlayFs,
  planRepair,
  readFully,
  utf8Encode,
} from '../src/index.js';
import { SimFs } from '../src/testing.js';

const enc = (s: string) => utf8Encode(s);

function store(files: Record<string, string | Uint8Array>): SimFs {
  const fs = new SimFs();
  for (const [path, content] of Object.entries(files)) {
    fs.mkdir(path.slice(0, path.lastIndexOf('/')), { recursive: true });
    const h = fs.open(path, { create: true });
    h.append(typeof content === 'string' ? enc(content) : content);
    h.close();
  }
  return fs;
}

/** The bytes `contentParts` describes, read back from the underlying `Fs` and the parts. */
function assemble(under: Fs, parts: ContentPart[]): Uint8Array {
  const chunks = parts.map((p) => {
    if ('bytes' in p) return p.bytes;
    const h = under.open(p.source);
    try {
      const b = new Uint8Array(p.end - p.start);
      readFully(h, b, 0, b.length, p.start);
      return b;
    } finally {
      h.close();
    }
  });
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

describe('planRepair', () => {
  it('reports a cut tail, an in-place rewrite, a removal, a creation and a rename, and changes nothing', () => {
    const fs = store({
      '/s/log': 'good-records|torn',
      '/s/index': 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '/s/stale': 'old',
      '/s/moved': 'same bytes',
    });
    const plan = planRepair(fs, '/s', (view) => {
      const h = view.open('/s/log', { write: true });
      h.truncate(12);
      h.close();
      const i = view.open('/s/index', { write: true });
      i.write(enc('B'), 0, 1, 2);
      i.write(enc('C'), 0, 1, 80);
      i.close();
      view.unlink('/s/stale');
      const n = view.open('/s/new', { create: true });
      n.append(enc('fresh'));
      n.close();
      view.rename('/s/moved', '/s/moved.bak');
      return ['cut the torn tail'];
    });
    expect(plan.error).toBeNull();
    expect(plan.notes).toEqual(['cut the torn tail']);
    expect(plan.changes).toEqual([
      {
        kind: 'rewritten',
        file: 'index',
        ranges: [
          [2, 3],
          [80, 81],
        ],
        bytes: 2,
      },
      { kind: 'truncated', file: 'log', ranges: [[12, 17]], bytes: 5 },
      { kind: 'renamed', file: 'moved', to: 'moved.bak', ranges: [], bytes: 0 },
      { kind: 'created', file: 'new', ranges: [], bytes: 5 },
      { kind: 'removed', file: 'stale', ranges: [[0, 3]], bytes: 3 },
    ]);
    // The underlying files are untouched; the view holds the repaired ones.
    expect(new TextDecoder().decode(fs.readFile('/s/log'))).toBe('good-records|torn');
    expect(new TextDecoder().decode(plan.view.readFile('/s/log'))).toBe('good-records');
    expect(fs.exists('/s/new')).toBe(false);
  });

  it('merges differing bytes closer than 64 apart, and writes of the same bytes are no change', () => {
    const fs = store({ '/r/f': new Uint8Array(300) });
    const plan = planRepair(fs, '/r', (view) => {
      const h = view.open('/r/f', { write: true });
      h.write(new Uint8Array(300), 0, 300, 0); // the same zeros
      h.write(Uint8Array.of(1), 0, 1, 10);
      h.write(Uint8Array.of(1), 0, 1, 60);
      h.write(Uint8Array.of(1), 0, 1, 200);
      h.close();
      return [];
    });
    expect(plan.changes).toEqual([
      {
        kind: 'rewritten',
        file: 'f',
        ranges: [
          [10, 61],
          [200, 201],
        ],
        bytes: 52,
      },
    ]);
  });

  it('a file replaced through a rename is compared byte for byte with the old one', () => {
    const fs = store({ '/r/seg': 'line1\nline2\nline3\n' });
    const plan = planRepair(fs, '/r', (view) => {
      const t = view.open('/r/seg.tmp', { create: true });
      t.append(enc('line1\nline2\n'));
      t.close();
      view.rename('/r/seg.tmp', '/r/seg');
      return [];
    });
    expect(plan.changes).toEqual([{ kind: 'truncated', file: 'seg', ranges: [[12, 18]], bytes: 6 }]);
  });

  it('a typed error from the recovery is the plan error; anything else is thrown', () => {
    const fs = store({ '/r/f': 'x' });
    const plan = planRepair(fs, '/r', () => {
      throw new LogspecError('core', CoreCode.IO, 'refused', { offset: 7 });
    });
    expect(plan.error).toMatchObject({ code: CoreCode.IO, offset: 7 });
    expect(plan.error?.message).toMatch(/^refused/);
    expect(plan.changes).toEqual([]);
    expect(() =>
      planRepair(fs, '/r', () => {
        throw new TypeError('bug');
      }),
    ).toThrow(TypeError);
  });

  it('ignores lock files and files only read', () => {
    const fs = store({ '/r/f': 'abc' });
    const plan = planRepair(fs, '/r', (view) => {
      view.readFile('/r/f');
      const l = view.open('/r/LOCK', { create: true });
      l.append(enc('pid'));
      l.close();
      return [];
    });
    expect(plan.changes).toEqual([]);
  });
});

describe('OverlayFs.contentParts', () => {
  it('keeps untouched bytes as ranges of the source and holds only written bytes', () => {
    const fs = store({ '/d/f': 'abcdefghij' });
    const view = new OverlayFs(fs);
    const h = view.open('/d/f', { write: true });
    h.write(enc('XY'), 0, 2, 3);
    h.truncate(8);
    h.close();
    const parts = view.contentParts('/d/f');
    expect(parts).toEqual([
      { source: '/d/f', start: 0, end: 3 },
      { bytes: enc('XY') },
      { source: '/d/f', start: 5, end: 8 },
    ]);
  });

  it('assembles to exactly what the view reads, for any writes, truncations and extensions', () => {
    const op = fc.oneof(
      fc.record({ w: fc.nat(80), data: fc.uint8Array({ minLength: 1, maxLength: 20 }) }),
      fc.record({ t: fc.nat(90) }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(op, { maxLength: 8 }), (initial, ops) => {
        const fs = store({ '/d/f': initial });
        const view = new OverlayFs(fs);
        const h = view.open('/d/f', { write: true });
        for (const o of ops) {
          if ('w' in o) h.write(o.data, 0, o.data.length, o.w);
          else h.truncate(o.t);
        }
        h.close();
        const got = assemble(fs, view.contentParts('/d/f'));
        expect([...got]).toEqual([...view.readFile('/d/f')]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('field spans', () => {
  const spans = [
    { name: 'len', role: 'length' as const, offset: 0, length: 4 },
    {
      name: 'payload',
      role: 'payload' as const,
      offset: 4,
      length: 8,
      children: [
        { name: 'a', role: 'payload' as const, offset: 4, length: 2 },
        { name: 'b', role: 'payload' as const, offset: 6, length: 6 },
      ],
    },
  ];

  it('finds the path of fields holding a byte, by offset and by name', () => {
    expect(fieldPathAt(spans, 7).map((f) => f.name)).toEqual(['payload', 'b']);
    expect(fieldPathAt(spans, 2).map((f) => f.name)).toEqual(['len']);
    expect(fieldPathAt(spans, 12)).toEqual([]);
    expect(findField(spans, 'payload.a')?.offset).toBe(4);
    expect(findField(spans, 'payload.c')).toBeUndefined();
    expect(flattenFields(spans).map((f) => f.name)).toEqual(['len', 'payload', 'a', 'b']);
  });
});
