import { fieldCoverage, findField, utf8Encode } from '@logspec/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeJsonLine, encodeFrame, encodeIndexRow, SEGMENT_FRAME_SCHEMA } from '../src/index.js';

const frame = encodeFrame({
  schema: SEGMENT_FRAME_SCHEMA,
  segmentSeq: 1,
  frameSeq: 2,
  entrySeq: 2,
  entryId: 'e2',
  parentEntryId: 'e1',
  entryType: 'message',
  timestamp: '2026-04-15T12:34:56.789Z',
  payloadSha256: 'ab'.repeat(32),
  payloadBytes: 11,
  payload: '{"ok":true}',
});

describe('describeJsonLine', () => {
  it('names every member of a frame by its key, with the part it plays, and the newline', () => {
    const spans = describeJsonLine(frame, 0, frame.length, 500);
    expect(spans.map((f) => f.name)).toEqual([
      'schema',
      'segmentSeq',
      'frameSeq',
      'entrySeq',
      'entryId',
      'parentEntryId',
      'entryType',
      'timestamp',
      'payloadSha256',
      'payloadBytes',
      'payload',
      'newline',
    ]);
    expect(findField(spans, 'payload')).toMatchObject({ role: 'payload', value: '{"ok":true}' });
    expect(findField(spans, 'payloadSha256')?.role).toBe('crc');
    expect(findField(spans, 'entryId')?.value).toBe('e2');
    const value = findField(spans, 'payload.value');
    const text = new TextDecoder().decode(
      frame.subarray((value?.offset ?? 0) - 500, (value?.offset ?? 0) - 500 + (value?.length ?? 0)),
    );
    expect(text).toBe('{"ok":true}');
    expect(findField(spans, 'newline')).toMatchObject({ offset: 500 + frame.length - 1, length: 1 });
    // Only JSON punctuation lies between members.
    const cov = fieldCoverage(spans, 500, 500 + frame.length);
    expect(cov.overlaps).toEqual([]);
    expect(cov.gaps.every(([a, b]) => b - a === 1)).toBe(true);
  });

  it('knows an index row by its crc32c', () => {
    const row = encodeIndexRow({
      schema: 'pi.session_store_v2.offset_index.v1',
      entrySeq: 1,
      entryId: 'e1',
      segmentSeq: 1,
      frameSeq: 1,
      byteOffset: 0,
      byteLength: 300,
      crc32c: '0A0B0C0D',
      state: 'active',
    });
    const spans = describeJsonLine(row, 0, row.length);
    expect(findField(spans, 'crc32c')).toMatchObject({ role: 'crc', value: '0A0B0C0D', type: 'JSON str' });
    expect(findField(spans, 'byteLength')).toMatchObject({ role: 'length', value: '300', type: 'JSON u64' });
  });

  it('a line that stops being JSON keeps the members before and one span for the rest', () => {
    const line = utf8Encode('{"schema":"x","entrySeq":3,\u0000\u0000\u0000\n');
    const spans = describeJsonLine(line, 0, line.length);
    expect(spans.map((f) => f.name)).toEqual(['schema', 'entrySeq', 'not JSON', 'newline']);
    const zeros = new Uint8Array(10);
    expect(describeJsonLine(zeros, 0, 10)).toMatchObject([{ name: 'not JSON', offset: 0, length: 10 }]);
  });

  it('any bytes give spans inside them, without throwing', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 60 }),
          fc.json().map((j) => utf8Encode(`${j}\n`)),
        ),
        (b) => {
          const cov = fieldCoverage(describeJsonLine(b, 0, b.length), 0, b.length);
          expect(cov.outside).toEqual([]);
          expect(cov.overlaps).toEqual([]);
        },
      ),
      { numRuns: 400 },
    );
  });
});
