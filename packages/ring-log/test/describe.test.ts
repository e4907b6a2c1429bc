import { fieldCoverage, findField } from '@logspec/core';
import { describe, expect, it } from 'vitest';
import { describeRingHeader, describeRingSlot, encodeHeader, encodeSlot } from '../src/index.js';

// The worked example of spec/ring.md §3: capacity 2, cursor 1, one record in slot 0.
const header = encodeHeader({ capacity: 2n, cursor: 1n });
const record = { timestampNs: 1000001n, slotIdx: 1, tenantId: 0, opcode: 0x40000001, args: [1, 2, 3, 4], epoch: 10 };

describe('describeRingHeader / describeRingSlot', () => {
  it('names the header fields of the spec table with their values', () => {
    const spans = describeRingHeader(header);
    expect(spans.map((f) => [f.name, f.offset, f.length, f.value])).toEqual([
      ['magic', 0, 8, 'VRRL0001'],
      ['version', 8, 4, '1'],
      ['flags', 12, 4, '0'],
      ['capacity', 16, 8, '2'],
      ['cursor', 24, 8, '1'],
    ]);
    expect(fieldCoverage(spans, 0, 32)).toEqual({ gaps: [], overlaps: [], outside: [] });
  });

  it('names a record slot field by field, at its file position', () => {
    const file = new Uint8Array(32 + 128);
    file.set(header);
    file.set(encodeSlot(record as never), 32);
    const spans = describeRingSlot(file, 32);
    expect(fieldCoverage(spans, 32, 96)).toEqual({ gaps: [], overlaps: [], outside: [] });
    expect(findField(spans, 'timestamp_ns')).toMatchObject({ offset: 36, length: 8, value: '1000001' });
    expect(findField(spans, 'opcode')?.value).toBe(String(0x40000001));
    expect(findField(spans, 'args.arg3')).toMatchObject({ offset: 32 + 24 + 12, value: '4' });
    expect(findField(spans, 'padding')).toMatchObject({ role: 'padding', offset: 32 + 44, length: 20 });
    expect(findField(spans, 'magic')?.value).toBe('0xDEADBEEF (record)');
  });

  it('an empty slot and a foreign one are a magic and unread bytes', () => {
    const file = new Uint8Array(64);
    expect(describeRingSlot(file, 0, 96).map((f) => [f.name, f.offset, f.length])).toEqual([
      ['magic', 96, 4],
      ['unread', 100, 60],
    ]);
    new DataView(file.buffer).setUint32(0, 0x0000beef, true);
    expect(describeRingSlot(file, 0)[0]?.value).toMatch(/^0x0000beef \(foreign/);
  });

  it('a header cut short is one span of what is there', () => {
    expect(describeRingHeader(header.subarray(0, 10))).toMatchObject([{ name: 'header', offset: 0, length: 10 }]);
    expect(describeRingHeader(new Uint8Array(0))).toEqual([]);
  });
});
