import '@logspec/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chainHashStep,
  crc32cUpper,
  decodeFrame,
  decodeFrameHead,
  decodeIndexRow,
  decodeUnit,
  encodeFrame,
  encodeFrameLine,
  encodeIndexRow,
  encodeIndexRowText,
  encodeUnit,
  GENESIS_CHAIN_HASH,
  type IndexRow,
  OFFSET_INDEX_SCHEMA,
  SEGMENT_FRAME_SCHEMA,
  type SegmentFrame,
  SessCode,
  SessionError,
} from '../src/index.js';
import { codeOf, dec, enc, GOLDEN } from './helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('spec/session.md worked example', () => {
  // Keep in step with the example in spec/session.md §Worked example.
  const payload = enc.encode('{"type":"message","text":"hi"}');
  const { line, payloadSha256, payloadBytes } = encodeFrameLine(
    {
      schema: SEGMENT_FRAME_SCHEMA,
      segmentSeq: 1,
      frameSeq: 1,
      entrySeq: 1,
      entryId: 'e1',
      entryType: 'message',
      timestamp: '2026-04-15T12:34:56.789Z',
    },
    payload,
  );

  it('frame line bytes, payload hash and size', () => {
    expect(payloadSha256).toBe('e05844eb5c03365007e8cb3b8260c02c17d3b9c852f223afd0bd06c14a20a4c8');
    expect(payloadBytes).toBe(30);
    expect(line.length).toBe(309);
    expect(hex(line)).toBe(
      [
        '7b22736368656d61223a2270692e7365',
        '7373696f6e5f73746f72655f76322e73',
        '65676d656e745f6672616d652e763122',
        '2c227365676d656e74536571223a312c',
        '226672616d65536571223a312c22656e',
        '747279536571223a312c22656e747279',
        '4964223a226531222c22656e74727954',
        '797065223a226d657373616765222c22',
        '74696d657374616d70223a2232303236',
        '2d30342d31355431323a33343a35362e',
        '3738395a222c227061796c6f61645368',
        '61323536223a22653035383434656235',
        '63303333363530303765386362336238',
        '32363063303263313764336239633835',
        '32663232336166643062643036633134',
        '61323061346338222c227061796c6f61',
        '644279746573223a33302c227061796c',
        '6f6164223a7b2274797065223a226d65',
        '7373616765222c2274657874223a2268',
        '69227d7d0a',
      ].join(''),
    );
  });

  it('index row with CRC-32C over the whole line, and the chain hash', () => {
    expect(crc32cUpper(line)).toBe('CA9C937C');
    expect(crc32cUpper(enc.encode('123456789'))).toBe('E3069283');
    const row = encodeIndexRowText({
      schema: OFFSET_INDEX_SCHEMA,
      entrySeq: 1,
      entryId: 'e1',
      segmentSeq: 1,
      frameSeq: 1,
      byteOffset: 0,
      byteLength: 309,
      crc32c: 'CA9C937C',
      state: 'active',
    });
    expect(row).toBe(
      '{"schema":"pi.session_store_v2.offset_index.v1","entrySeq":1,"entryId":"e1","segmentSeq":1,"frameSeq":1,"byteOffset":0,"byteLength":309,"crc32c":"CA9C937C","state":"active"}\n',
    );
    expect(chainHashStep(GENESIS_CHAIN_HASH, payloadSha256)).toBe(
      'ce23e64b14e012f0b0fec5b6d8a41fcbe71a9f8102a5ad94fc38e7eb0324ebd1',
    );
  });
});

describe('reference lines', () => {
  const seg = new Uint8Array(readFileSync(join(GOLDEN, 'branching/segments/0000000000000003.seg')));
  const idx = new Uint8Array(readFileSync(join(GOLDEN, 'branching/index/offsets.jsonl')));

  it('decode → encode reproduces every reference frame and row', () => {
    for (let s = 0; s < seg.length; ) {
      const nl = seg.indexOf(0x0a, s);
      const line = seg.subarray(s, nl + 1);
      expect(encodeFrame(decodeFrame(line, 0, line.length - 1, true))).toEqual(line);
      expect(decodeUnit('frame', line, 'strict')).toEqual(decodeUnit('frame', line, 'original'));
      s = nl + 1;
    }
    for (let s = 0; s < idx.length; ) {
      const nl = idx.indexOf(0x0a, s);
      const line = idx.subarray(s, nl + 1);
      expect(encodeIndexRow(decodeIndexRow(line, 0, line.length - 1, false))).toEqual(line);
      expect(encodeUnit('index_row', decodeUnit('index_row', line, 'strict'))).toEqual(line);
      s = nl + 1;
    }
  });
});

describe('serde struct rules for frames and rows', () => {
  const base =
    '{"schema":"s","segmentSeq":1,"frameSeq":2,"entrySeq":3,"entryId":"a","entryType":"t","timestamp":"ts","payloadSha256":"h","payloadBytes":4,"payload":[1,2]}';
  const dec1 = (text: string) => decodeFrame(enc.encode(text), 0, enc.encode(text).length, true);

  it('accepts any key order, unknown keys, escapes in keys, whitespace, and the array form', () => {
    const f = dec1(base);
    expect(f).toMatchObject({ segmentSeq: 1, frameSeq: 2, entrySeq: 3, payload: '[1,2]' });
    expect(f.parentEntryId).toBeUndefined();
    expect(
      dec1(
        '{"payload" : [1, 2] ,"x":{"deep":[{}]},"sch\\u0065ma":"s","segmentSeq":1,"frameSeq":2,"entrySeq":3,"entryId":"a","entryType":"t","timestamp":"ts","payloadSha256":"h","payloadBytes":4}',
      ),
    ).toMatchObject({
      payload: '[1, 2]',
      schema: 's',
    });
    expect(dec1('["s",1,2,3,"a",null,"t","ts","h",4,{"k":1}]')).toMatchObject({ entryId: 'a', payload: '{"k":1}' });
    expect(dec1(base.replace('"entryId":"a"', '"entryId":"a","parentEntryId":null')).parentEntryId).toBeUndefined();
    expect(dec1(base.replace('"entryId":"a"', '"entryId":"a","parentEntryId":"p"')).parentEntryId).toBe('p');
  });

  it.each([
    [base.replace('"entryId":"a",', ''), SessCode.JSON_MISSING_FIELD],
    [base.replace('"schema":"s"', '"schema":"s","schema":"s"'), SessCode.JSON_DUPLICATE_FIELD],
    [base.replace('"entrySeq":3', '"entrySeq":-3'), SessCode.JSON_TYPE],
    [base.replace('"entrySeq":3', '"entrySeq":3.0'), SessCode.JSON_TYPE],
    [base.replace('"entrySeq":3', '"entrySeq":-0'), SessCode.JSON_TYPE],
    [base.replace('"entrySeq":3', '"entrySeq":"3"'), SessCode.JSON_TYPE],
    [base.replace('"entrySeq":3', '"entrySeq":18446744073709551616'), SessCode.JSON_TYPE],
    [base.replace('"entryId":"a"', '"entryId":null'), SessCode.JSON_TYPE],
    [base.replace('[1,2]', '[1,2'), SessCode.JSON_SYNTAX],
    [`${base} x`, SessCode.JSON_TRAILING],
    ['["s",1,2,3,"a","t","ts","h",4,1]', SessCode.JSON_TYPE],
    ['["s",1,2,3,"a",null,"t","ts","h",4,1,5]', SessCode.JSON_TRAILING],
    ['"frame"', SessCode.JSON_TYPE],
  ])('rejects %s with %s', (text, code) => {
    const err = (() => {
      try {
        dec1(text);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SessionError);
    expect((err as SessionError).code).toBe(code);
    expect((err as SessionError).category).toBe('json');
  });

  it('keeps u64 beyond 2^53 exactly', () => {
    const f = dec1(base.replace('"entrySeq":3', '"entrySeq":18446744073709551615'));
    expect(f.entrySeq).toBe(18446744073709551615n);
    expect(dec.decode(encodeFrame(f))).toContain('"entrySeq":18446744073709551615,');
  });

  it('from_slice checks UTF-8 in strings and the raw payload, not in skipped values', () => {
    const bytes = (text: string, at: string) => {
      const b = enc.encode(text);
      const i = dec.decode(b).indexOf(at);
      b[i] = 0xff;
      return b;
    };
    const badId = bytes(base.replace('"entryId":"a"', '"entryId":"a#"'), '#');
    expect(codeOf(() => decodeFrameHead(badId, 0, badId.length, true))).toBe(SessCode.BAD_UTF8);
    const badPayload = bytes(base.replace('[1,2]', '["#"]'), '#');
    expect(codeOf(() => decodeFrameHead(badPayload, 0, badPayload.length, true))).toBe(SessCode.BAD_UTF8);
    const badSkipped = bytes(base.replace('"entryId":"a"', '"entryId":"a","x":"#"'), '#');
    expect(codeOf(() => decodeFrameHead(badSkipped, 0, badSkipped.length, true))).toBe('ok');
  });
});

const idArb = fc.string({ unit: 'grapheme', maxLength: 12 });
const u64Arb = fc.oneof(fc.nat(), fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }));

const frameArb: fc.Arbitrary<SegmentFrame> = fc
  .record({
    segmentSeq: u64Arb,
    frameSeq: u64Arb,
    entrySeq: u64Arb,
    entryId: idArb,
    parentEntryId: fc.option(idArb, { nil: undefined }),
    entryType: idArb,
    timestamp: idArb,
    payload: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  })
  .map((r) => {
    const payload = enc.encode(r.payload);
    const { line } = encodeFrameLine({ schema: SEGMENT_FRAME_SCHEMA, ...r }, payload);
    return decodeFrame(line, 0, line.length - 1, true);
  });

const rowArb: fc.Arbitrary<IndexRow> = fc.record({
  schema: fc.constant(OFFSET_INDEX_SCHEMA),
  entrySeq: u64Arb,
  entryId: idArb,
  segmentSeq: u64Arb,
  frameSeq: u64Arb,
  byteOffset: u64Arb,
  byteLength: u64Arb,
  crc32c: fc.integer({ min: 0, max: 0xffffffff }).map((n) => n.toString(16).toUpperCase().padStart(8, '0')),
  state: fc.constant('active'),
});

describe('properties', () => {
  it('frame line round trip: decode(encode(f)) = f, and the line is canonical (strict decode accepts it)', () => {
    fc.assert(
      fc.property(frameArb, (f) => {
        const line = encodeFrame(f);
        expect(decodeFrame(line, 0, line.length - 1, true)).toEqual(f);
        expect(decodeUnit('frame', line, 'strict')).toEqual(decodeUnit('frame', line));
        expect(encodeUnit('frame', decodeUnit('frame', line))).toEqual(line);
      }),
      { numRuns: 300 },
    );
  });

  it('index line round trip', () => {
    fc.assert(
      fc.property(rowArb, (r) => {
        const line = encodeIndexRow(r);
        expect(decodeIndexRow(line, 0, line.length - 1, false)).toEqual(r);
        expect(encodeUnit('index_row', decodeUnit('index_row', line, 'strict'))).toEqual(line);
      }),
      { numRuns: 300 },
    );
  });

  it('any bytes decode to a frame/row or a typed error with an offset', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom('frame', 'index_row') as fc.Arbitrary<'frame' | 'index_row'>,
        (b, kind) => {
          try {
            decodeUnit(kind, b, 'strict');
          } catch (e) {
            expect(e).toBeInstanceOf(SessionError);
            expect(typeof (e as SessionError).offset).toBe('number');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('every bit flip and every truncation of a frame line changes its CRC-32C (the index catches it)', () => {
    fc.assert(
      fc.property(frameArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (f, at, bit) => {
        const line = encodeFrame(f);
        const crc = crc32cUpper(line);
        const flipped = line.slice();
        const i = at % line.length;
        flipped[i] = (flipped[i] as number) ^ (1 << bit);
        expect(crc32cUpper(flipped)).not.toBe(crc);
        const cut = line.subarray(0, at % line.length);
        expect(crc32cUpper(cut)).not.toBe(crc);
      }),
      { numRuns: 1000 },
    );
  });

  it('a flipped bit in a strict-decoded frame line is caught or is a different canonical frame', () => {
    fc.assert(
      fc.property(frameArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (f, at, bit) => {
        const line = encodeFrame(f);
        const flipped = line.slice();
        const i = at % line.length;
        flipped[i] = (flipped[i] as number) ^ (1 << bit);
        try {
          const g = decodeUnit('frame', flipped, 'strict');
          // Undetectable without the index: a flip inside the header that still makes a
          // canonical frame (e.g. a digit of entrySeq) — spec §Undetected corruption.
          expect(g).not.toEqual(decodeUnit('frame', line));
        } catch (e) {
          expect(e).toBeInstanceOf(SessionError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('fast paths agree with the general decoder', () => {
  it('a payload with whitespace before it is not taken as canonical', () => {
    const text = `{"schema":"${SEGMENT_FRAME_SCHEMA}","segmentSeq":1,"frameSeq":1,"entrySeq":1,"entryId":"a","entryType":"t","timestamp":"x","payloadSha256":"${'0'.repeat(64)}","payloadBytes":3,"payload": [1]}`;
    const b = enc.encode(text);
    const head = decodeFrameHead(b, 0, b.length, true);
    expect(dec.decode(b.subarray(head.payloadStart, head.payloadEnd))).toBe('[1]');
  });

  it('any mutation of a canonical frame or row decodes the same with and without the fast path', () => {
    const text = enc.encode(
      `{"schema":"${SEGMENT_FRAME_SCHEMA}","segmentSeq":1,"frameSeq":2,"entrySeq":3,"entryId":"a","parentEntryId":"p","entryType":"t","timestamp":"x","payloadSha256":"${'0'.repeat(64)}","payloadBytes":7,"payload":{"k":1}}`,
    );
    const line = encodeFrame(decodeFrame(text, 0, text.length, true));
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const b = line.slice(0, line.length - 1);
        b[at % b.length] = byte;
        const viaFast = (() => {
          try {
            return decodeFrameHead(b, 0, b.length, true);
          } catch (e) {
            return (e as SessionError).code;
          }
        })();
        // Prefix a space: the fast path never accepts it, so this is the general decoder.
        const spaced = new Uint8Array(b.length + 1);
        spaced[0] = 0x20;
        spaced.set(b, 1);
        const viaGeneral = (() => {
          try {
            const h = decodeFrameHead(spaced, 0, spaced.length, true);
            return { ...h, payloadStart: h.payloadStart - 1, payloadEnd: h.payloadEnd - 1 };
          } catch (e) {
            return (e as SessionError).code;
          }
        })();
        expect(viaFast).toEqual(viaGeneral);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('fast index-row path', () => {
  it('any one-byte change of a canonical row decodes the same as the general decoder', () => {
    const line = enc.encode(
      `{"schema":"${OFFSET_INDEX_SCHEMA}","entrySeq":12,"entryId":"e1","segmentSeq":3,"frameSeq":2,"byteOffset":0,"byteLength":309,"crc32c":"CA9C937C","state":"active"}`,
    );
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const b = line.slice();
        b[at % b.length] = byte;
        const run = (x: Uint8Array) => {
          try {
            return decodeIndexRow(x, 0, x.length, true);
          } catch (e) {
            return (e as SessionError).code;
          }
        };
        const spaced = new Uint8Array(b.length + 1);
        spaced[0] = 0x20;
        spaced.set(b, 1);
        expect(run(b)).toEqual(run(spaced));
      }),
      { numRuns: 3000 },
    );
  });
});
