import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hexDecode, isLogspecError } from '@logspec/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accessRecord,
  type DecodeRecordOptions,
  decodeRecord,
  decodeRecordAt,
  encodeRecord,
  HotCode,
  type HotEventRecord,
  HotEventView,
  RECORD_FIELDS,
  ROOT_OFFSETS,
  ROOT_SIZE,
  recordToJson,
  replayHotFrames,
} from '../src/index.js';
import { recordArb } from './arbitraries.js';

const here = dirname(fileURLToPath(import.meta.url));
const refDir = join(here, '../../../conformance/golden/hotlog/original-kaizen-rkyv-0.8.16');
const log = JSON.parse(readFileSync(join(refDir, 'log.json'), 'utf8')) as { events: Record<string, unknown>[] };
const ref = (i: number) => hexDecode(log.events[i]?.archive_hex as string);
const PROPS = RECORD_FIELDS.map(([, prop]) => prop);

/** Every field read through the view's getters (all 22), as a plain record. */
function readAll(v: HotEventView): HotEventRecord {
  const out: Record<string, unknown> = {};
  for (const p of PROPS) out[p] = v[p];
  return out as unknown as HotEventRecord;
}

type Outcome = { ok: HotEventRecord } | { code: string; offset: number | undefined };

function outcome(f: () => HotEventRecord): Outcome {
  try {
    return { ok: f() };
  } catch (e) {
    if (isLogspecError(e)) return { code: e.code, offset: e.offset };
    throw e; // a raw RangeError/TypeError fails the property
  }
}

/** accessRecord and decodeRecordAt on the same input: the same record, or the same code and offset. */
function sameAsDecode(bytes: Uint8Array, start: number, end: number, opts: DecodeRecordOptions = {}): Outcome {
  const viaView = outcome(() => readAll(accessRecord(bytes, start, end, opts)));
  const eager = outcome(() => decodeRecordAt(bytes, start, end, opts));
  expect(viaView).toEqual(eager);
  if ('ok' in viaView) expect(accessRecord(bytes, start, end, opts).toRecord()).toEqual(viaView.ok);
  return viaView;
}

describe('accessRecord: the reference archives', () => {
  it('each of the 12 rkyv 0.8.16 archives: every getter equals decodeRecord and log.json', () => {
    for (let i = 0; i < 12; i++) {
      const bytes = ref(i);
      const view = accessRecord(bytes);
      const rec = decodeRecord(bytes);
      for (const p of PROPS) expect(view[p], `event ${i} ${p}`).toEqual(rec[p]);
      expect(view.toRecord()).toEqual(rec);
      const json = recordToJson(view);
      for (const [k, v] of Object.entries(json)) expect(v, `event ${i} ${k}`).toEqual(log.events[i]?.[k]);
      expect(JSON.parse(JSON.stringify(view))).toEqual(json);
    }
  });

  it('views the frames of hot/log.bin in place, at their file positions', () => {
    const image = new Uint8Array(readFileSync(join(refDir, 'hot/log.bin')));
    const { frames } = replayHotFrames(image);
    expect(frames.length).toBe(12);
    frames.forEach((f, i) => {
      const start = f.offset + 4;
      const view = accessRecord(image, start, start + f.payload.length, { position: start });
      expect(view.bytes).toBe(image);
      expect(recordToJson(view)).toEqual(recordToJson(decodeRecord(ref(i))));
    });
  });

  it('reads the bytes when asked, not when made (no copy)', () => {
    const bytes = ref(0).slice();
    const view = accessRecord(bytes);
    expect(view.payloadJson).toBe('{"ok":true}');
    bytes[2] = 0x4f; // "ok" → "Ok", still ASCII
    expect(view.payloadJson).toBe('{"Ok":true}');
  });

  it('refuses what decodeRecord refuses, with the same code and offset', () => {
    const a = ref(0).slice();
    a[a.length - ROOT_SIZE + ROOT_OFFSETS.stopReason] = 7;
    expect(sameAsDecode(a, 0, a.length)).toEqual({
      code: HotCode.BAD_OPTION_TAG,
      offset: a.length - ROOT_SIZE + ROOT_OFFSETS.stopReason,
    });
    expect(sameAsDecode(ref(1), 0, ref(1).length, { position: 4 })).toEqual({
      code: HotCode.ARCHIVE_MISALIGNED,
      offset: 4,
    });
    expect(() => new HotEventView(new Uint8Array(100))).toThrow(
      expect.objectContaining({ code: 'HOT_ARCHIVE_TOO_SHORT' }),
    );
  });
});

describe('accessRecord (property)', () => {
  it('for arbitrary records, every getter equals decodeRecordAt, wherever the archive lies in a buffer', () => {
    fc.assert(
      fc.property(recordArb, fc.nat(8), fc.uint8Array({ maxLength: 16 }), (r, k, tail) => {
        const a = encodeRecord(r);
        // The archive at an 8-aligned position inside unrelated bytes.
        const buf = new Uint8Array(8 * k + a.length + tail.length).fill(0xa5);
        buf.set(a, 8 * k);
        buf.set(tail, 8 * k + a.length);
        const start = 8 * k;
        const view = accessRecord(buf, start, start + a.length, { position: start });
        expect(readAll(view)).toEqual(r);
        expect(readAll(view)).toEqual(r); // reading again answers the same
        expect(view.toRecord()).toEqual(decodeRecordAt(buf, start, start + a.length, { position: start }));
        expect(accessRecord(a, 0, a.length, { mode: 'strict' }).toRecord()).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });

  it('unreferenced bytes before the bodies (valid, not canonical): same answer as decodeRecordAt', () => {
    fc.assert(
      fc.property(recordArb, fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.nat(3), (r, junk, k) => {
        const a = encodeRecord(r);
        // Prefixing 8k bytes keeps every relative pointer valid and the root aligned.
        const b = new Uint8Array(8 * k + a.length);
        for (let i = 0; i < 8 * k; i++) b[i] = junk[i % 8] as number;
        b.set(a, 8 * k);
        expect(sameAsDecode(b, 0, b.length)).toEqual({ ok: r });
        if (k > 0)
          expect(sameAsDecode(b, 0, b.length, { mode: 'strict' })).toMatchObject({ code: HotCode.NONCANONICAL });
      }),
      { numRuns: 200 },
    );
  });

  it('arbitrary bytes: a view or a typed error with the code and offset decodeRecordAt gives, never a raw exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(7), fc.nat(16), (bytes, pos, cut) => {
        sameAsDecode(bytes, 0, bytes.length, { position: pos });
        sameAsDecode(bytes, Math.min(cut, bytes.length), bytes.length, { position: pos });
        sameAsDecode(bytes, 0, bytes.length, { position: pos, mode: 'strict' });
      }),
      { numRuns: 500 },
    );
  });

  it('mutated archives of arbitrary records: the same answer as decodeRecordAt', () => {
    fc.assert(
      fc.property(
        recordArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (r, muts) => {
          const a = encodeRecord(r);
          for (const [at, x] of muts) a[at % a.length] = (a[at % a.length] as number) ^ x;
          sameAsDecode(a, 0, a.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('every truncation and every bit flip of the reference archives: the same answer as decodeRecordAt', () => {
    let refused = 0;
    for (let i = 0; i < 12; i++) {
      const a = ref(i);
      if (a.length > 2000) continue;
      for (let n = 0; n < a.length; n++) {
        const o = sameAsDecode(a, 0, n);
        expect('code' in o, `event ${i} cut to ${n}`).toBe(true);
      }
      for (let bit = 0; bit < a.length * 8; bit++) {
        const b = a.slice();
        b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
        if ('code' in sameAsDecode(b, 0, b.length)) refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('UTF-8 is checked as TextDecoder checks it: in an out-of-line body and in an inline string', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true });
    const valid = (b: Uint8Array) => {
      try {
        fatal.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    // Bytes biased towards UTF-8 structure: ASCII, lead bytes, continuations, the edges.
    const byte = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.integer({ min: 0x80, max: 0xbf }),
      fc.constantFrom(0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xfe),
    );
    const base = ref(0); // payload_json: an 11-byte body at 0; session_id "s1" inline at the root
    const root = base.length - ROOT_SIZE;
    fc.assert(
      fc.property(
        fc.array(byte, { minLength: 11, maxLength: 11 }),
        fc.array(byte, { minLength: 1, maxLength: 8 }),
        (body, inline) => {
          const a = base.slice();
          a.set(body, 0);
          const okBody = valid(Uint8Array.from(body));
          expect('ok' in sameAsDecode(a, 0, a.length)).toBe(okBody);
          if (okBody) expect(accessRecord(a).payloadJson).toBe(fatal.decode(Uint8Array.from(body)));
          // An inline string: its bytes up to the first FF (a first byte 10xxxxxx would mean out of line).
          if ((inline[0] as number) >> 6 === 2) inline[0] = 0x41;
          const c = base.slice();
          c.fill(0xff, root, root + 8);
          c.set(inline, root);
          const o = sameAsDecode(c, 0, c.length);
          expect('ok' in o).toBe(valid(Uint8Array.from(inline)));
          if ('ok' in o) expect(accessRecord(c).sessionId).toBe(fatal.decode(Uint8Array.from(inline)));
          else expect(o).toEqual({ code: HotCode.BAD_UTF8, offset: root });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a view never throws from a getter, even after its bytes change', () => {
    fc.assert(
      fc.property(
        recordArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }),
        (r, muts) => {
          const a = encodeRecord(r);
          const view = accessRecord(a);
          for (const [at, x] of muts) a[at % a.length] = (a[at % a.length] as number) ^ x;
          const got = readAll(view);
          for (const p of PROPS) expect(got[p] === undefined, p).toBe(false);
          view.toRecord();
        },
      ),
      { numRuns: 500 },
    );
  });
});
