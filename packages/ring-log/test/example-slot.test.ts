import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSlot, encodeSlot, originalTestSlot, readRing, slotToJson } from '../src/index.js';
import { ORIGINAL_DIR, readJson } from './helpers.js';

describe('originalTestSlot', () => {
  it("is the record the original's tests append: its cap4_two file replays to rec(1, 10), rec(2, 11)", () => {
    const ring = readRing(new Uint8Array(readFileSync(join(ORIGINAL_DIR, 'cap4_two.vrrl'))));
    expect(ring.records).toEqual([originalTestSlot(1, 10), originalTestSlot(2, 11)]);
    const expected = readJson(join(ORIGINAL_DIR, 'cap4_two.vrrl.expect.json')) as { records: unknown[] };
    expect([originalTestSlot(1, 10), originalTestSlot(2, 11)].map(slotToJson)).toEqual(expected.records);
  });

  it('derives every field from the slot index and keeps the epoch', () => {
    const s = originalTestSlot(7, 3);
    expect(s).toEqual({
      timestampNs: 1_000_007n,
      slotIdx: 7,
      tenantId: 0,
      opcode: 0x4000_0007,
      args: [7, 14, 21, 28],
      epoch: 3,
    });
    expect(decodeSlot(encodeSlot(s))).toEqual(s);
  });
});
