import { fieldCoverage, findField, flattenFields } from '@logspec/core';
import { describe, expect, it } from 'vitest';
import { describeWalRecord, encodeRecord, WalRecordType } from '../src/index.js';

// The worked example of spec/wal.md §4 (79 bytes), placed at file position 1000.
const record = encodeRecord({
  recordType: WalRecordType.NodeError,
  traceId: 'f88bb8a8-724c-41ec-9b39-896a51a8749b',
  nodeId: 8,
  timestampNs: 1760000000000003000n,
  outputOffset: 4096n,
  outputSize: 256,
  schemaHash: 0xdeadbeefn,
  iteration: 2,
  errorMessage: 'oom',
  metadata: '{"a":1}',
});

describe('describeWalRecord', () => {
  it('names every field of the spec table, at its file position, with its value', () => {
    const spans = describeWalRecord(record, 0, 1000);
    expect(fieldCoverage(spans, 1000, 1079)).toEqual({ gaps: [], overlaps: [], outside: [] });
    expect(flattenFields(spans).map((f) => [f.name, f.offset - 1000, f.length, f.value])).toEqual([
      ['total_len', 0, 4, '79'],
      ['crc32', 4, 4, '0xd9512ea8'],
      ['type', 8, 1, '3 NodeError'],
      ['trace_id', 9, 16, 'f88bb8a8-724c-41ec-9b39-896a51a8749b'],
      ['node_id', 25, 4, '8'],
      ['payload', 29, 50, undefined],
      ['timestamp_ns', 29, 8, '1760000000000003000'],
      ['output_offset', 37, 8, '4096'],
      ['output_size', 45, 4, '256'],
      ['schema_hash', 49, 8, '0xdeadbeef'],
      ['iteration', 57, 4, '2'],
      ['error_len', 61, 4, '3'],
      ['error', 65, 3, 'oom'],
      ['meta_len', 68, 4, '7'],
      ['metadata', 72, 7, '{"a":1}'],
    ]);
    // The payload's fields tile the payload.
    const payload = findField(spans, 'payload');
    expect(fieldCoverage(payload?.children ?? [], 1029, 1079).gaps).toEqual([]);
  });

  it('bytes after the metadata are trailing; a record cut short is described as far as it goes', () => {
    const longer = new Uint8Array(83);
    longer.set(record);
    new DataView(longer.buffer).setUint32(0, 83, true);
    expect(findField(describeWalRecord(longer, 0), 'payload.trailing')).toMatchObject({ offset: 79, length: 4 });
    const cut = describeWalRecord(record.subarray(0, 66), 0);
    expect(fieldCoverage(cut, 0, 66).gaps).toEqual([]);
    expect(findField(cut, 'payload.error')).toMatchObject({ offset: 65, length: 1 });
    expect(findField(cut, 'payload.error')?.value).toBeUndefined();
    expect(describeWalRecord(record.subarray(0, 2), 0)).toMatchObject([{ name: 'total_len', length: 2 }]);
  });

  it('never throws on arbitrary bytes, and stays inside them', () => {
    for (let n = 0; n < 200; n++) {
      const b = new Uint8Array(n).map((_, i) => (i * 37 + n) & 0xff);
      const spans = describeWalRecord(b, 0);
      expect(fieldCoverage(spans, 0, Math.max(n, 0)).outside).toEqual([]);
    }
  });
});
