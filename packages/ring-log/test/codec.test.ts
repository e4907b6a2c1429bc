import { hexDecode, hexEncode, LogspecError } from '@logspec/core';
import { describe, expect, it } from 'vitest';
import {
  collectRecords,
  columnsRow,
  createRingColumns,
  decodeHeader,
  decodeSlot,
  decodeUnit,
  encodeHeader,
  encodeSlot,
  encodeSlotInto,
  encodeSlotsInto,
  encodeUnit,
  fillColumns,
  fillColumnsPortable,
  isTornMagic,
  MAX_CAPACITY,
  nextSlotOf,
  originalErrorOf,
  RECORD_MAGIC,
  RingCode,
  type RingSlot,
  readRing,
  readRingColumns,
  ringFileLength,
  scanRing,
  slotFromJson,
  slotToJson,
  viewOf,
  visitRecords,
} from '../src/index.js';
import { errorOf, rec } from './helpers.js';

function header(cap: number | bigint, cursor: number | bigint = 0, flags = 0, version = 1): Uint8Array {
  const b = new Uint8Array(32);
  b.set(new TextEncoder().encode('VRRL0001'));
  const v = viewOf(b);
  v.setUint32(8, version, true);
  v.setUint32(12, flags, true);
  v.setBigUint64(16, BigInt(cap), true);
  v.setBigUint64(24, BigInt(cursor), true);
  return b;
}

function ringOf(cap: number, cursor: number, slots: Array<RingSlot | null>): Uint8Array {
  const f = new Uint8Array(ringFileLength(cap));
  f.set(header(cap, cursor));
  slots.forEach((s, i) => {
    if (s) f.set(encodeSlot(s), 32 + 64 * i);
  });
  return f;
}

describe('header', () => {
  it('encodes and decodes', () => {
    const b = encodeHeader({ capacity: 4, cursor: 2 });
    expect(hexEncode(b)).toBe('5652524c30303031010000000000000004000000000000000200000000000000');
    expect(decodeHeader(b)).toEqual({ version: 1, flags: 0, capacity: 4, cursor: 2n });
  });

  it('takes the cursor modulo the capacity, as the original (RING-R-006)', () => {
    const h = decodeHeader(header(4, 9));
    expect(h.cursor).toBe(9n);
    expect(nextSlotOf(h)).toBe(1);
    expect(nextSlotOf(decodeHeader(header(3, (1n << 64n) - 1n)))).toBe(Number(((1n << 64n) - 1n) % 3n));
    errorOf(() => decodeHeader(header(4, 4), { mode: 'strict' }), RingCode.CURSOR_OUT_OF_RANGE);
  });

  it('ignores flags unless strict (RING-R-005)', () => {
    expect(decodeHeader(header(4, 0, 7)).flags).toBe(7);
    expect(errorOf(() => decodeHeader(header(4, 0, 7), { mode: 'strict' }), RingCode.NONZERO_FLAGS).offset).toBe(12);
  });

  it('checks magic, version, length and capacity in the original order (RING-R-001…004)', () => {
    const good = header(4);
    const bad = good.slice();
    bad[3] = 0x58;
    expect(errorOf(() => decodeHeader(bad), RingCode.BAD_MAGIC).offset).toBe(0);
    // A short input with a wrong magic is a magic error, with a good magic a truncation.
    errorOf(() => decodeHeader(bad.subarray(0, 11)), RingCode.BAD_MAGIC);
    for (const n of [0, 1, 7]) {
      expect(errorOf(() => decodeHeader(good.subarray(0, n)), RingCode.TRUNCATED_HEADER).offset).toBe(n);
    }
    for (const n of [8, 11, 12, 20, 31]) errorOf(() => decodeHeader(good.subarray(0, n)), RingCode.TRUNCATED_HEADER);
    expect(errorOf(() => decodeHeader(header(4, 0, 0, 2)), RingCode.BAD_VERSION).offset).toBe(8);
    errorOf(() => decodeHeader(header(4, 0, 0, 2).subarray(0, 12)), RingCode.BAD_VERSION);
    expect(errorOf(() => decodeHeader(header(0)), RingCode.ZERO_CAPACITY).offset).toBe(16);
    const over = errorOf(() => decodeHeader(header(MAX_CAPACITY + 1)), RingCode.CAPACITY_OVERFLOW);
    expect(over.details).toMatchObject({ count: '1048577', max: '1048576' });
    expect(errorOf(() => decodeHeader(header((1n << 64n) - 1n)), RingCode.CAPACITY_OVERFLOW).details.count).toBe(
      '18446744073709551615',
    );
    expect(decodeHeader(header(MAX_CAPACITY)).capacity).toBe(MAX_CAPACITY);
  });

  it('encoder refuses capacities no reader accepts, and encodes every header a reader accepts', () => {
    errorOf(() => encodeHeader({ capacity: 0 }), RingCode.ZERO_CAPACITY);
    errorOf(() => encodeHeader({ capacity: MAX_CAPACITY + 1 }), RingCode.CAPACITY_OVERFLOW);
    expect(decodeHeader(encodeHeader({ capacity: 4, cursor: 9, flags: 3 }))).toEqual({
      version: 1,
      flags: 3,
      capacity: 4,
      cursor: 9n,
    });
    errorOf(() => encodeHeader({ capacity: 4, flags: -1 }), RingCode.INVALID_VALUE);
    errorOf(() => encodeHeader({ capacity: 4, cursor: 1n << 64n }), RingCode.INVALID_VALUE);
    errorOf(() => encodeHeader({ capacity: 1.5 }), RingCode.INVALID_VALUE);
    errorOf(() => encodeHeader({ capacity: -1 }), RingCode.INVALID_VALUE);
    errorOf(() => encodeHeader({ capacity: 4 }, new Uint8Array(31)), RingCode.INVALID_VALUE);
  });
});

describe('slot', () => {
  it('encodes the original layout', () => {
    expect(hexEncode(encodeSlot(rec(1, 10)))).toBe(
      `efbeadde41420f0000000000010000000000000001000040010000000200000003000000040000000a000000${'00'.repeat(20)}`,
    );
    expect(encodeSlot(null)).toEqual(new Uint8Array(64));
  });

  it('round-trips extreme values', () => {
    const s: RingSlot = {
      timestampNs: (1n << 64n) - 1n,
      slotIdx: 0xffffffff,
      tenantId: 0,
      opcode: 0x80000000,
      args: [0xffffffff, 0, 1, 0x7fffffff],
      epoch: 0xffffffff,
    };
    expect(decodeSlot(encodeSlot(s))).toEqual(s);
  });

  it('accepts a safe-integer number timestamp', () => {
    expect(decodeSlot(encodeSlot({ ...rec(1, 1), timestampNs: 5 }))?.timestampNs).toBe(5n);
  });

  it('rejects values that do not fit, naming the field, before writing', () => {
    const cases: Array<[Partial<Record<keyof RingSlot, unknown>>, string]> = [
      [{ timestampNs: -1n }, 'timestampNs'],
      [{ timestampNs: 1n << 64n }, 'timestampNs'],
      [{ timestampNs: 2 ** 53 }, 'timestampNs'],
      [{ timestampNs: '1' }, 'timestampNs'],
      [{ slotIdx: -1 }, 'slotIdx'],
      [{ tenantId: 2 ** 32 }, 'tenantId'],
      [{ opcode: 1.5 }, 'opcode'],
      [{ epoch: Number.NaN }, 'epoch'],
      [{ args: [1, 2, 3] }, 'args'],
      [{ args: [1, 2, 3, -4] }, 'args[3]'],
      [{ args: 'abcd' }, 'args'],
    ];
    for (const [patch, field] of cases) {
      const buf = new Uint8Array(64).fill(0x55);
      const e = errorOf(
        () => encodeSlotInto({ ...rec(1, 1), ...patch } as RingSlot, viewOf(buf), 0),
        RingCode.INVALID_VALUE,
      );
      expect(e.details.field).toBe(field);
      expect(buf.every((b) => b === 0x55)).toBe(true);
    }
    errorOf(() => encodeSlotInto(rec(1, 1), viewOf(new Uint8Array(64)), 1), RingCode.INVALID_VALUE);
    errorOf(() => encodeSlot(undefined as unknown as RingSlot), RingCode.INVALID_VALUE);
  });

  it('decodes empty, record, foreign and torn magics (RING-R-007, R-008)', () => {
    expect(decodeSlot(new Uint8Array(64))).toBeNull();
    const foreign = encodeSlot(rec(1, 1));
    viewOf(foreign).setUint32(0, 0x12345678, true);
    const e = errorOf(() => decodeSlot(foreign, 0, { baseOffset: 96, slot: 1 }), RingCode.FOREIGN_SLOT_MAGIC);
    expect(e.offset).toBe(96);
    expect(e.details).toMatchObject({ slot: 1, magic: '0x12345678', torn: false });
    viewOf(foreign).setUint32(0, 0x0000beef, true);
    expect(errorOf(() => decodeSlot(foreign), RingCode.FOREIGN_SLOT_MAGIC).details.torn).toBe(true);
    expect(errorOf(() => decodeSlot(new Uint8Array(63)), RingCode.TRUNCATED_SLOT).offset).toBe(63);
  });

  it('strict mode refuses non-canonical slots (RING-R-010)', () => {
    const padded = encodeSlot(rec(1, 1));
    padded[50] = 1;
    expect(decodeSlot(padded)).toEqual(rec(1, 1));
    expect(errorOf(() => decodeSlot(padded, 0, { mode: 'strict' }), RingCode.NONZERO_PADDING).offset).toBe(50);
    const dirty = new Uint8Array(64);
    dirty[63] = 9;
    expect(decodeSlot(dirty)).toBeNull();
    expect(errorOf(() => decodeSlot(dirty, 0, { mode: 'strict' }), RingCode.DIRTY_EMPTY_SLOT).offset).toBe(63);
  });

  it('classifies torn magics: every byte of 0xDEADBEEF or 0, and neither whole value', () => {
    const torn: number[] = [];
    for (let m = 0; m < 16; m++) {
      let v = 0;
      for (let b = 0; b < 4; b++) if (m & (1 << b)) v |= ((RECORD_MAGIC >>> (8 * b)) & 0xff) << (8 * b);
      if (isTornMagic(v >>> 0)) torn.push(v >>> 0);
    }
    expect(torn).toHaveLength(14);
    expect(isTornMagic(0)).toBe(false);
    expect(isTornMagic(RECORD_MAGIC)).toBe(false);
    expect(isTornMagic(0x12345678)).toBe(false);
    for (let bit = 0; bit < 32; bit++) expect(isTornMagic((RECORD_MAGIC ^ (1 << bit)) >>> 0)).toBe(false);
  });
});

describe('ring replay', () => {
  it('replays in ring order from the cursor, skipping empty slots (RING-R-007)', () => {
    const f = ringOf(4, 1, [rec(5, 1), rec(6, 2), null, rec(8, 4)]);
    expect(readRing(f).records.map((r) => r.slotIdx)).toEqual([6, 8, 5]);
    expect(readRing(f).cursor).toBe(1);
  });

  it('ignores trailing bytes (RING-R-011)', () => {
    const f = ringOf(2, 0, [rec(1, 1), null]);
    const longer = new Uint8Array(f.length + 100).fill(0xee);
    longer.set(f);
    expect(readRing(longer).records).toEqual([rec(1, 1)]);
  });

  it('reports the first bad slot in ring order, as the original (RING-R-008, R-009)', () => {
    const f = ringOf(4, 2, [rec(1, 1), rec(2, 2), rec(3, 3), rec(4, 4)]);
    viewOf(f).setUint32(32 + 64 * 1, 0x1, true);
    // Cut inside slot 3: ring order visits 2 then 3 (short) before slot 1 (foreign).
    const cut = f.subarray(0, 32 + 64 * 3 + 10);
    const short = errorOf(() => readRing(cut), RingCode.SHORT_FILE);
    expect(short.offset).toBe(cut.length);
    expect(short.details).toMatchObject({ slot: 3, need: 288, have: cut.length });
    expect(originalErrorOf(short, 'x')?.error).toBe('io');
    // Cursor 0: slot 1 (foreign) comes before slot 3.
    const g = f.slice(0, cut.length);
    viewOf(g).setBigUint64(24, 0n, true);
    const foreign = errorOf(() => readRing(g), RingCode.FOREIGN_SLOT_MAGIC);
    expect(foreign.offset).toBe(96);
    expect(foreign.details.slot).toBe(1);
    expect(originalErrorOf(foreign, 'x')?.error).toBe('header_mismatch');
  });

  it('skips foreign slots when asked, and reports them', () => {
    const f = ringOf(3, 0, [rec(1, 1), rec(2, 2), rec(3, 3)]);
    viewOf(f).setUint32(32, 0x0000beef, true);
    viewOf(f).setUint32(160, 0x12345678, true);
    errorOf(() => readRing(f), RingCode.FOREIGN_SLOT_MAGIC);
    errorOf(() => readRing(f, { foreignSlots: 'skip-torn' }), RingCode.FOREIGN_SLOT_MAGIC);
    const r = readRing(f, { foreignSlots: 'skip' });
    expect(r.records).toEqual([rec(2, 2)]);
    expect(r.foreignSlots).toEqual([0, 2]);
    viewOf(f).setUint32(160, RECORD_MAGIC, true);
    expect(readRing(f, { foreignSlots: 'skip-torn' }).records).toEqual([rec(2, 2), rec(3, 3)]);
  });

  it('strict mode checks every slot', () => {
    const f = ringOf(2, 0, [rec(1, 1), null]);
    f[32 + 64 + 5] = 1;
    expect(readRing(f).records).toHaveLength(1);
    errorOf(() => readRing(f, { mode: 'strict' }), RingCode.DIRTY_EMPTY_SLOT);
  });

  it('objects, columns (both fills) and the visitor agree', () => {
    const slots = Array.from({ length: 37 }, (_, i) => (i % 5 === 2 ? null : rec(i * 7, i)));
    slots[3] = { ...rec(3, 3), timestampNs: (1n << 64n) - 2n };
    const f = ringOf(37, 11, slots);
    const objects = readRing(f).records;
    const { columns } = readRingColumns(f);
    expect(columns.count).toBe(objects.length);
    expect(Array.from({ length: columns.count }, (_, i) => columnsRow(columns, i))).toEqual(objects);
    const g = { capacity: 37, nextSlot: 11 };
    const portable = createRingColumns(objects.length);
    portable.count = fillColumnsPortable(f, g, portable);
    expect(portable).toEqual(columns);
    // An unaligned image takes the portable path too.
    const shifted = new Uint8Array(f.length + 1).subarray(1);
    shifted.set(f);
    expect(fillColumns(shifted, g, objects.length, createRingColumns(objects.length))).toEqual(columns);
    // A row per slot: checked and copied in one pass; the same rows.
    const fused = readRingColumns(f, {}, createRingColumns(37)).columns;
    expect(fused.count).toBe(objects.length);
    expect(Array.from({ length: fused.count }, (_, i) => columnsRow(fused, i))).toEqual(objects);
    expect(readRing(shifted).records).toEqual(objects);
    const visited: RingSlot[] = [];
    const positions: number[] = [];
    visitRecords(f, g, (v, i) => {
      expect(i).toBe(visited.length);
      positions.push(v.position);
      visited.push({
        timestampNs: (BigInt(v.timestampHi) << 32n) | BigInt(v.timestampLo),
        slotIdx: v.slotIdx,
        tenantId: v.tenantId,
        opcode: v.opcode,
        args: [v.arg(0), v.arg(1), v.arg(2), v.arg(3)],
        epoch: v.epoch,
      });
      expect(v.toSlot()).toEqual(visited[visited.length - 1]);
      expect(v.timestampNs).toBe(visited[visited.length - 1]?.timestampNs);
    });
    expect(visited).toEqual(objects);
    expect(positions).toEqual(Array.from(columns.position.subarray(0, columns.count)));
    expect(collectRecords(f, g, scanRing(f, g).records)).toEqual(objects);
    expect(() => fillColumns(f, g, objects.length, createRingColumns(1))).toThrow(LogspecError);
  });

  it('readRingColumns reuses columns with room', () => {
    const f = ringOf(4, 0, [rec(1, 1), null, rec(2, 2), null]);
    const into = createRingColumns(4);
    expect(readRingColumns(f, {}, into).columns).toBe(into);
    expect(into.count).toBe(2);
    expect(readRingColumns(f, {}, createRingColumns(1)).columns.rows).toBe(2);
  });

  it('encodeSlotsInto matches encodeSlot, aligned or not', () => {
    const slots = [rec(1, 1), rec(2, 2), { ...rec(3, 3), timestampNs: 7 }];
    const want = new Uint8Array(64 * 3);
    for (const [i, s] of slots.entries()) want.set(encodeSlot(s), 64 * i);
    const aligned = new Uint8Array(64 * 3 + 8);
    expect(encodeSlotsInto(slots, aligned, 8)).toBe(64 * 3 + 8);
    expect(aligned.subarray(8)).toEqual(want);
    const odd = new Uint8Array(64 * 3 + 3);
    encodeSlotsInto(slots, odd, 3);
    expect(odd.subarray(3)).toEqual(want);
    const part = new Uint8Array(64);
    encodeSlotsInto(slots, part, 0, 1, 2);
    expect(part).toEqual(encodeSlot(slots[1] as RingSlot));
    errorOf(() => encodeSlotsInto(slots, new Uint8Array(64 * 2)), RingCode.INVALID_VALUE);
    errorOf(() => encodeSlotsInto(slots, new Uint8Array(64 * 3), 0, 2, 1), RingCode.INVALID_VALUE);
  });
});

describe('canonical JSON and units', () => {
  it('slot JSON round-trips and validates', () => {
    const j = slotToJson(rec(3, 12));
    expect(j).toEqual({
      timestamp_ns: '1000003',
      slot_idx: 3,
      tenant_id: 0,
      opcode: 1073741827,
      args: [3, 6, 9, 12],
      epoch: 12,
    });
    expect(slotFromJson(j)).toEqual(rec(3, 12));
    for (const bad of [
      null,
      [],
      { ...j, timestamp_ns: 5 },
      { ...j, timestamp_ns: '01' },
      { ...j, timestamp_ns: '18446744073709551616' },
      { ...j, slot_idx: '3' },
      { ...j, args: [1, 2, 3] },
      { ...j, args: [1, 2, 3, 2 ** 32] },
      { ...j, epoch: undefined },
    ]) {
      errorOf(() => slotFromJson(bad), RingCode.INVALID_VALUE);
    }
    const { epoch: _e, ...missing } = j;
    errorOf(() => slotFromJson(missing), RingCode.INVALID_VALUE);
  });

  it('decodeUnit / encodeUnit', () => {
    const h = encodeUnit('header', { version: 1, flags: 0, capacity: '4', cursor: '2' });
    expect(decodeUnit('header', h)).toEqual({ version: 1, flags: 0, capacity: '4', cursor: '2', next_slot: '2' });
    expect(hexEncode(encodeUnit('slot', null))).toBe('00'.repeat(64));
    expect(decodeUnit('slot', new Uint8Array(64))).toBeNull();
    const longer = new Uint8Array(33);
    longer.set(h);
    expect(errorOf(() => decodeUnit('header', longer), RingCode.TRAILING_BYTES).offset).toBe(32);
    errorOf(() => decodeUnit('slot', new Uint8Array(65)), RingCode.TRAILING_BYTES);
    errorOf(() => encodeUnit('header', { version: 2, capacity: '4', cursor: '0' }), RingCode.BAD_VERSION);
    errorOf(() => encodeUnit('header', { capacity: 4, cursor: '0' }), RingCode.INVALID_VALUE);
    expect(decodeUnit('slot', hexDecode(hexEncode(encodeSlot(rec(1, 1)))))).toEqual(slotToJson(rec(1, 1)));
  });

  it('maps errors to the original kinds with its Display text (RING-R-013)', () => {
    const e = errorOf(() => decodeHeader(header(MAX_CAPACITY + 1)), RingCode.CAPACITY_OVERFLOW);
    expect(originalErrorOf(e, 'a.vrrl')).toEqual({
      error: 'capacity_overflow',
      message: 'replay log capacity 1048577 exceeds max 1048576. Fix: shard replay into smaller logs.',
      count: '1048577',
      max: '1048576',
    });
    expect(
      originalErrorOf(
        errorOf(() => decodeHeader(header(0)), RingCode.ZERO_CAPACITY),
        'a',
      )?.error,
    ).toBe('zero_capacity');
    expect(originalErrorOf(new LogspecError('ring', RingCode.NONZERO_PADDING, 'x'), 'a')).toBeUndefined();
    expect(originalErrorOf(new Error('x'), 'a')).toBeUndefined();
  });
});

describe('browser safety', () => {
  it('the codec entry point imports no node: module and uses no Buffer', async () => {
    const { readFileSync } = await import('node:fs');
    const seen = new Set<string>();
    const visit = (rel: string) => {
      if (seen.has(rel)) return;
      seen.add(rel);
      const text = readFileSync(new URL(`../src/${rel}`, import.meta.url), 'utf8');
      expect(text, rel).not.toMatch(/from 'node:|require\(|\bBuffer\b/);
      for (const m of text.matchAll(/from '\.\/([^']+)\.js'/g)) visit(`${m[1]}.ts`);
      for (const m of text.matchAll(/from '(@[^']+)'/g)) expect(m[1], rel).toBe('@logspec/core');
    };
    visit('index.ts');
    expect(seen.size).toBeGreaterThanOrEqual(7);
    expect([...seen].some((f) => f.startsWith('store'))).toBe(false);
  });
});
