import { SimFs } from '@logspec/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RawJson, type SegmentFrame, SessionError } from '../src/index.js';
import { SessionStore } from '../src/store.js';

/**
 * What the format catches when bytes of a closed store change: every truncation of every
 * file, and bit flips anywhere. The store must open to a prefix of its entries, or refuse
 * with a typed error; whatever recovery cuts must be in quarantine/.
 */

const T = '2026-04-15T12:34:56.789Z';
const OPTS = { maxSegmentBytes: 900, now: () => T, lock: false };

function build(): { fs: SimFs; frames: SegmentFrame[]; lines: Map<string, { start: number; end: number }[]> } {
  const fs = new SimFs();
  const s = SessionStore.open(fs, '/s', OPTS);
  let parent: string | undefined;
  for (let i = 0; i < 12; i++) {
    const id = `e${i}`;
    s.appendEntry(
      id,
      parent,
      i % 3 === 0 ? 'compaction' : 'message',
      new RawJson(JSON.stringify({ n: i, text: 't'.repeat(i * 7) })),
    );
    parent = id;
  }
  const frames = s.readAllEntries();
  const lines = new Map<string, { start: number; end: number }[]>();
  for (const r of s.readIndex()) {
    const name = `/s/segments/${String(r.segmentSeq).padStart(16, '0')}.seg`;
    const list = lines.get(name) ?? [];
    list.push({ start: Number(r.byteOffset), end: Number(r.byteOffset) + Number(r.byteLength) });
    lines.set(name, list);
  }
  s.close();
  fs.syncAll();
  return { fs, frames, lines };
}

const base = build();
const segments = [...base.lines.keys()];

function withBytes(path: string, f: (b: Uint8Array) => Uint8Array): SimFs {
  const fs = base.fs.clone();
  fs.put(path, f(fs.readFile(path).slice()), 0o600);
  return fs;
}

function openOrError(fs: SimFs): SessionStore | SessionError {
  try {
    return SessionStore.open(fs, '/s', OPTS);
  } catch (e) {
    if (e instanceof SessionError) return e;
    throw e;
  }
}

function entryIds(s: SessionStore): string[] {
  return s.readAllEntries().map((f) => f.entryId);
}

const allIds = base.frames.map((f) => f.entryId);

/** Every cut at a line boundary and one byte either side, plus every `stride`-th length. */
function cutPoints(size: number, boundaries: number[], stride: number): number[] {
  const set = new Set<number>();
  for (let n = 0; n < size; n += stride) set.add(n);
  for (const b of boundaries) for (const d of [-1, 0, 1]) if (b + d >= 0 && b + d < size) set.add(b + d);
  return [...set].sort((a, b) => a - b);
}

describe('truncation', () => {
  it('of any segment keeps the entries whose lines are complete before the cut, or refuses a gap', () => {
    let entriesBefore = 0;
    for (const seg of segments) {
      const size = base.fs.stat(seg)?.size as number;
      const lines = base.lines.get(seg) ?? [];
      const last = seg === segments[segments.length - 1];
      for (const len of cutPoints(
        size,
        lines.map((l) => l.end),
        3,
      )) {
        const fs = withBytes(seg, (b) => b.subarray(0, len));
        const s = openOrError(fs);
        // A cut that removes only a line's newline is healed (the frame is still valid).
        const complete = lines.filter((l) => l.end <= len || l.end - 1 === len).length;
        const atBoundary = len === 0 || lines.some((l) => l.end === len || l.end - 1 === len);
        if (!last && atBoundary && complete < lines.length) {
          // Whole lines gone from the middle of the log: the rebuild sees no torn line, keeps
          // the later segments, and the chain has a gap. The original (and logspec) refuse.
          expect((s as SessionError).code, `${seg} cut at ${len}`).toBe('SESS_MISSING_PARENT');
          continue;
        }
        expect(s, `${seg} cut at ${len}`).toBeInstanceOf(SessionStore);
        const store = s as SessionStore;
        const kept = complete === lines.length ? allIds.length : entriesBefore + complete;
        expect(entryIds(store), `${seg} cut at ${len}`).toEqual(allIds.slice(0, kept));
        // Later segments are where they were, or renamed to .bak: byte for byte either way.
        for (const later of segments.slice(segments.indexOf(seg) + 1)) {
          const now = fs.exists(later) ? fs.readFile(later) : fs.readFile(`${later}.bak`);
          expect(now).toEqual(base.fs.readFile(later));
        }
        store.close();
      }
      entriesBefore += lines.length;
    }
  });

  it('of the index at any length opens to a prefix; unindexed segment bytes go to quarantine/, not away', () => {
    const index = base.fs.readFile('/s/index/offsets.jsonl');
    const segBytes = new Map(segments.map((p) => [p, base.fs.readFile(p)]));
    const rowEnds = [...index.keys()].filter((k) => index[k] === 0x0a).map((k) => k + 1);
    for (const len of cutPoints(index.length, rowEnds, 11)) {
      const fs = withBytes('/s/index/offsets.jsonl', (b) => b.subarray(0, len));
      const store = openOrError(fs) as SessionStore;
      expect(store).toBeInstanceOf(SessionStore);
      const ids = entryIds(store);
      expect(allIds.slice(0, ids.length)).toEqual(ids);
      // Nothing was deleted: each segment is what it was, or its prefix plus a quarantined tail.
      for (const [p, bytes] of segBytes) {
        const name = p.slice(p.lastIndexOf('/') + 1);
        const now = fs.exists(p) ? fs.readFile(p) : new Uint8Array(0);
        expect(bytes.subarray(0, now.length)).toEqual(now);
        if (now.length < bytes.length) {
          expect(fs.readFile(`/s/quarantine/${name}.${now.length}.tail`)).toEqual(bytes.subarray(now.length));
        }
      }
      store.close();
    }
  });
});

describe('bit flips', () => {
  const files = [...segments, '/s/index/offsets.jsonl'];
  it('are caught, or change only unprotected header fields of the one frame they hit', () => {
    fc.assert(
      fc.property(fc.constantFrom(...files), fc.nat(), fc.integer({ min: 0, max: 7 }), (path, at, bit) => {
        const size = base.fs.stat(path)?.size as number;
        const i = at % size;
        const fs = withBytes(path, (b) => {
          b[i] = (b[i] as number) ^ (1 << bit);
          return b;
        });
        const s = openOrError(fs);
        if (s instanceof SessionError) return; // refused with a typed error
        const got = s.readAllEntries();
        s.close();
        // Open succeeded: a prefix of the entries (payloads are SHA-256 protected, so they
        // identify the entries), each intact except possibly the frame the flip hit, whose
        // unprotected header fields (ids, type, timestamp, seq) may read differently.
        const positions = got.map((f) => base.frames.findIndex((w) => w.payload === f.payload));
        expect(positions).toEqual(positions.map((_, k) => k));
        let changed = 0;
        for (const f of got) {
          const want = base.frames[positions[got.indexOf(f)] as number] as SegmentFrame;
          if (JSON.stringify(f) !== JSON.stringify(want)) {
            changed++;
            const line = (base.lines.get(path) ?? []).find((l) => l.start <= i && i < l.end);
            expect(line, 'a changed frame must be the one the flip hit').toBeDefined();
          }
        }
        expect(changed).toBeLessThanOrEqual(1);
      }),
      { numRuns: 1500 },
    );
  });

  it('in a frame line are always detected by the index CRC (the recovery warning says so)', () => {
    for (const seg of segments) {
      for (const l of base.lines.get(seg) ?? []) {
        for (const i of [l.start, (l.start + l.end) >> 1, l.end - 2]) {
          const fs = withBytes(seg, (b) => {
            b[i] = (b[i] as number) ^ 0x01;
            return b;
          });
          const s = openOrError(fs);
          if (s instanceof SessionError) continue;
          expect(s.warnings.length, `${seg}@${i}`).toBeGreaterThan(0);
          s.close();
        }
      }
    }
  });
});
