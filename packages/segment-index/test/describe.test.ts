import { fieldCoverage, findField, flattenFields, utf8Encode } from '@logspec/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeMessageAt,
  describeIndexEntry,
  describeSegmentFrame,
  describeTimeIndexEntry,
  encodeFrame,
  encodeIndexEntries,
  makeMessage,
  timestampFromMillis,
} from '../src/index.js';

const message = makeMessage({
  offset: 300n,
  key: utf8Encode('k1'),
  value: utf8Encode('hello'),
  timestamp: timestampFromMillis(1_700_000_000_123),
  headers: [{ key: 'h', value: Uint8Array.of(9) }],
  producerId: 7n,
  transactionMarker: 'Commit',
  isTransactional: true,
});

describe('describeSegmentFrame', () => {
  it('names the frame envelope and every message field, tiling the frame', () => {
    const frame = encodeFrame(message);
    const spans = describeSegmentFrame(frame, 0, 4096);
    expect(fieldCoverage(spans, 4096, 4096 + frame.length)).toEqual({ gaps: [], overlaps: [], outside: [] });
    const payload = findField(spans, 'payload');
    expect(fieldCoverage(payload?.children ?? [], 4104, 4096 + frame.length).gaps).toEqual([]);
    expect(findField(spans, 'len')?.value).toBe(String(frame.length - 8));
    expect(findField(spans, 'payload.offset')).toMatchObject({ offset: 4104, length: 2, value: '300' });
    expect(findField(spans, 'payload.key.tag')?.value).toBe('1 Some');
    expect(findField(spans, 'payload.key.bytes.bytes')?.value).toBe('2 bytes');
    expect(findField(spans, 'payload.timestamp.text')?.value).toBe('2023-11-14T22:13:20.123Z');
    expect(findField(spans, 'payload.headers.header0.key.text')?.value).toBe('h');
    expect(findField(spans, 'payload.producer_id.value')?.value).toBe('7');
    expect(findField(spans, 'payload.producer_epoch.tag')?.value).toBe('0 None');
    expect(findField(spans, 'payload.transaction_marker.variant')?.value).toBe('0');
    expect(findField(spans, 'payload.is_transactional')?.value).toBe('true');
  });

  it('the value field covers the bytes the decoder reads as the value', () => {
    const frame = encodeFrame(message);
    const decoded = decodeMessageAt(frame, 8, frame.length).message;
    const v = findField(describeSegmentFrame(frame, 0), 'payload.value.bytes');
    expect(frame.subarray(v?.offset, (v?.offset ?? 0) + (v?.length ?? 0))).toEqual(decoded.value);
  });

  it('any bytes give spans inside them, without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        const spans = describeSegmentFrame(b, 0);
        const cov = fieldCoverage(spans, 0, b.length);
        expect(cov.outside).toEqual([]);
        expect(cov.overlaps).toEqual([]);
        for (const f of flattenFields(spans)) expect(f.length).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('index entries', () => {
  it('names the relative offset and the frame position', () => {
    const b = encodeIndexEntries([{ relativeOffset: 5, position: 1234 }]);
    expect(describeIndexEntry(b, 0, 12).map((f) => [f.name, f.offset, f.length, f.value])).toEqual([
      ['relative_offset', 12, 4, '5'],
      ['position', 16, 8, '1234'],
    ]);
    expect(describeIndexEntry(b.subarray(0, 5), 0)).toMatchObject([{ name: 'torn entry', length: 5 }]);
  });

  it('names a time index entry', () => {
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    v.setBigInt64(0, 1700000000123n, false);
    v.setUint32(8, 3, false);
    expect(describeTimeIndexEntry(b, 0).map((f) => [f.name, f.value])).toEqual([
      ['max_timestamp', '1700000000123'],
      ['relative_offset', '3'],
      ['entry_crc', '0x00000000'],
    ]);
  });
});
