import { RingCode, ringError } from './errors.js';
import type { DecodeOptions } from './header.js';
import { RECORD_MAGIC, SLOT_BYTES, SLOT_PADDING_BYTES, SlotOffset } from './layout.js';

/** One replay record (the original's `RecordedSlot`). */
export interface RingSlot {
  timestampNs: bigint;
  slotIdx: number;
  tenantId: number;
  opcode: number;
  args: [number, number, number, number];
  epoch: number;
}

/** What the encoders take: like `RingSlot`, but the timestamp may be a safe integer number. */
export interface RingSlotInput {
  timestampNs: bigint | number;
  slotIdx: number;
  tenantId: number;
  opcode: number;
  args: readonly number[];
  epoch: number;
}

const U64_MAX = (1n << 64n) - 1n;
// Literals, not imported constants, in the hot paths: V8 does not constant-fold imported bindings.
const MAGIC = 0xdeadbeef;
/** Typed-array fast paths assume the host's byte order is the file's. */
export const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

function isU32(v: unknown): boolean {
  return (v as number) >>> 0 === v;
}

/** True when every field of `slot` fits its slot field (the hot check; `slotError` says why not). */
function slotFits(slot: RingSlotInput): boolean {
  if (typeof slot !== 'object' || slot === null) return false;
  const t = slot.timestampNs;
  const a = slot.args;
  return (
    typeof t === 'bigint' &&
    t >= 0n &&
    t <= U64_MAX &&
    Array.isArray(a) &&
    a.length === 4 &&
    isU32(a[0]) &&
    isU32(a[1]) &&
    isU32(a[2]) &&
    isU32(a[3]) &&
    isU32(slot.slotIdx) &&
    isU32(slot.tenantId) &&
    isU32(slot.opcode) &&
    isU32(slot.epoch)
  );
}

function badField(field: string, value: unknown, why: string): never {
  throw ringError(RingCode.INVALID_VALUE, `slot.${field} ${why}`, undefined, { field, value: String(value) });
}

/**
 * The slow path of `slotFits`: a safe-integer number timestamp is accepted and converted;
 * anything else throws `INVALID_VALUE` naming the field.
 */
function checkedTimestamp(slot: RingSlotInput): bigint {
  if (typeof slot !== 'object' || slot === null) badField('', slot, 'must be an object');
  const t = slot.timestampNs;
  let ts: bigint;
  if (typeof t === 'bigint' && t >= 0n && t <= U64_MAX) ts = t;
  else if (typeof t === 'number' && Number.isSafeInteger(t) && t >= 0) ts = BigInt(t);
  else badField('timestampNs', t, 'must be a u64');
  const a = slot.args;
  if (!Array.isArray(a) || a.length !== 4) badField('args', a, 'must be 4 u32 values');
  for (let k = 0; k < 4; k++) if (!isU32(a[k])) badField(`args[${k}]`, a[k], 'must be a u32');
  for (const f of ['slotIdx', 'tenantId', 'opcode', 'epoch'] as const) {
    if (!isU32(slot[f])) badField(f, slot[f], 'must be a u32');
  }
  return ts;
}

/** Throws `INVALID_VALUE` naming the first field of `slot` that does not fit; returns nothing otherwise. */
export function checkSlot(slot: RingSlotInput): void {
  if (!slotFits(slot)) checkedTimestamp(slot);
}

/** Viewing the target once per call keeps `encodeSlotInto` allocation-free for callers that pass a DataView. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function noRoom(at: number, need: number): never {
  throw ringError(RingCode.INVALID_VALUE, `no room for ${need} bytes of slots at ${at}`, undefined, { field: 'into' });
}

/**
 * Writes one record slot (64 bytes, padding zeroed) at byte `at` of `view`. Validates every
 * field first, so a bad value never leaves a half-written slot.
 */
export function encodeSlotInto(slot: RingSlotInput, view: DataView, at: number): void {
  const ts = slotFits(slot) ? (slot.timestampNs as bigint) : checkedTimestamp(slot);
  if (!(at >= 0 && at + 64 <= view.byteLength)) noRoom(at, 64);
  const a = slot.args;
  view.setUint32(at, MAGIC, true);
  view.setBigUint64(at + 4, ts, true);
  view.setUint32(at + 12, slot.slotIdx, true);
  view.setUint32(at + 16, slot.tenantId, true);
  view.setUint32(at + 20, slot.opcode, true);
  view.setUint32(at + 24, a[0] as number, true);
  view.setUint32(at + 28, a[1] as number, true);
  view.setUint32(at + 32, a[2] as number, true);
  view.setUint32(at + 36, a[3] as number, true);
  view.setUint32(at + 40, slot.epoch, true);
  view.setUint32(at + 44, 0, true);
  view.setUint32(at + 48, 0, true);
  view.setUint32(at + 52, 0, true);
  view.setUint32(at + 56, 0, true);
  view.setUint32(at + 60, 0, true);
}

// Scratch to split a u64 into two u32 words without allocating.
const scratch64 = new BigUint64Array(1);
const scratch32 = new Uint32Array(scratch64.buffer);

/**
 * Encodes `slots[from, to)` as consecutive slots into `out` starting at byte `at`; returns the
 * end offset. Each slot is checked before it is written. On little-endian hosts with a
 * 4-aligned target it stores u32 words through one `Uint32Array` view (the fast path).
 */
export function encodeSlotsInto(
  slots: readonly RingSlotInput[],
  out: Uint8Array,
  at = 0,
  from = 0,
  to = slots.length,
): number {
  const count = to - from;
  if (!(count >= 0 && from >= 0 && to <= slots.length)) noRoom(at, 0);
  const end = at + count * 64;
  if (!(at >= 0 && end <= out.length)) noRoom(at, count * 64);
  if (LITTLE_ENDIAN && (out.byteOffset + at) % 4 === 0) {
    const w = new Uint32Array(out.buffer, out.byteOffset + at, count * 16);
    for (let i = 0; i < count; i++) writeSlotWords(slots[from + i] as RingSlotInput, w, i << 4);
  } else {
    const view = viewOf(out);
    for (let i = 0; i < count; i++) encodeSlotInto(slots[from + i] as RingSlotInput, view, at + i * 64);
  }
  return end;
}

function writeSlotWords(slot: RingSlotInput, w: Uint32Array, i: number): void {
  scratch64[0] = slotFits(slot) ? (slot.timestampNs as bigint) : checkedTimestamp(slot);
  const a = slot.args;
  w[i] = MAGIC;
  w[i + 1] = scratch32[0] as number;
  w[i + 2] = scratch32[1] as number;
  w[i + 3] = slot.slotIdx;
  w[i + 4] = slot.tenantId;
  w[i + 5] = slot.opcode;
  w[i + 6] = a[0] as number;
  w[i + 7] = a[1] as number;
  w[i + 8] = a[2] as number;
  w[i + 9] = a[3] as number;
  w[i + 10] = slot.epoch;
  w[i + 11] = 0;
  w[i + 12] = 0;
  w[i + 13] = 0;
  w[i + 14] = 0;
  w[i + 15] = 0;
}

/** Encodes one slot into a new 64-byte array; `null` encodes an empty (all-zero) slot. */
export function encodeSlot(slot: RingSlotInput | null): Uint8Array {
  const out = new Uint8Array(SLOT_BYTES);
  if (slot !== null) encodeSlotInto(slot, viewOf(out), 0);
  return out;
}

/**
 * Reads the record in the slot at byte `at` of `view` without checking its magic: the bulk
 * paths check magics once per ring and call this only for record slots.
 */
export function readSlotAt(view: DataView, at: number): RingSlot {
  return {
    timestampNs: view.getBigUint64(at + 4, true),
    slotIdx: view.getUint32(at + 12, true),
    tenantId: view.getUint32(at + 16, true),
    opcode: view.getUint32(at + 20, true),
    args: [
      view.getUint32(at + 24, true),
      view.getUint32(at + 28, true),
      view.getUint32(at + 32, true),
      view.getUint32(at + 36, true),
    ],
    epoch: view.getUint32(at + 40, true),
  };
}

/**
 * True for a magic whose every byte is either the byte of 0xDEADBEEF at that position or 0,
 * other than 0 and 0xDEADBEEF themselves: what a write of one of them over the other leaves
 * when a crash splits it. Such a slot is foreign to the original; logspec's store clears it.
 */
export function isTornMagic(magic: number): boolean {
  if (magic === 0 || magic === RECORD_MAGIC) return false;
  for (let shift = 0; shift < 32; shift += 8) {
    const b = (magic >>> shift) & 0xff;
    if (b !== 0 && b !== ((RECORD_MAGIC >>> shift) & 0xff)) return false;
  }
  return true;
}

/**
 * `readSlotAt` for little-endian hosts: the slot whose first u32 word is `w[b]`, read through a
 * `Uint32Array` view of the image. The timestamp goes through a scratch `BigUint64Array`, which
 * V8 turns into a bigint faster than `DataView.getBigUint64`.
 */
export function readSlotWords(w: Uint32Array, b: number): RingSlot {
  scratch32[0] = w[b + 1] as number;
  scratch32[1] = w[b + 2] as number;
  return {
    timestampNs: scratch64[0] as bigint,
    slotIdx: w[b + 3] as number,
    tenantId: w[b + 4] as number,
    opcode: w[b + 5] as number,
    args: [w[b + 6] as number, w[b + 7] as number, w[b + 8] as number, w[b + 9] as number],
    epoch: w[b + 10] as number,
  };
}

function formatMagic(m: number): string {
  return `0x${m.toString(16).padStart(8, '0')}`;
}

/**
 * The error for a slot whose magic is neither 0 nor 0xDEADBEEF. `offset` is the slot's file
 * offset (its magic field); `slot` the slot index when it is part of a ring (-1 for a lone unit).
 */
export function foreignMagicError(magic: number, offset: number, slot: number) {
  const where = slot >= 0 ? `slot ${slot} at byte ${offset}` : 'slot';
  return ringError(
    RingCode.FOREIGN_SLOT_MAGIC,
    `${where} has magic ${formatMagic(magic)}, neither 0 (empty) nor 0xdeadbeef (record)`,
    offset,
    { slot, magic: formatMagic(magic), torn: isTornMagic(magic) },
  );
}

/** Strict-mode check of one slot at `at` whose magic is already known: padding / empty body all zero. */
export function checkSlotCanonical(bytes: Uint8Array, at: number, magic: number, baseOffset: number): void {
  if (magic === RECORD_MAGIC) {
    for (let i = SlotOffset.padding; i < SlotOffset.padding + SLOT_PADDING_BYTES; i++) {
      if (bytes[at + i] !== 0) {
        throw ringError(RingCode.NONZERO_PADDING, 'record padding byte is not 0', baseOffset + at + i, {
          byte: bytes[at + i],
        });
      }
    }
  } else {
    for (let i = 4; i < SLOT_BYTES; i++) {
      if (bytes[at + i] !== 0) {
        throw ringError(RingCode.DIRTY_EMPTY_SLOT, 'empty slot (magic 0) holds non-zero bytes', baseOffset + at + i, {
          byte: bytes[at + i],
        });
      }
    }
  }
}

/**
 * Decodes the slot at byte `at` of `bytes`: a record, or `null` for an empty slot (magic 0).
 * `baseOffset` is added to error offsets (the slot's position in its file).
 */
export function decodeSlot(
  bytes: Uint8Array,
  at = 0,
  opts: DecodeOptions & { baseOffset?: number; slot?: number } = {},
): RingSlot | null {
  const base = opts.baseOffset ?? 0;
  const have = bytes.length - at;
  if (!(at >= 0) || have < SLOT_BYTES) {
    const h = Math.max(0, have);
    throw ringError(RingCode.TRUNCATED_SLOT, `slot truncated: need ${SLOT_BYTES} bytes, have ${h}`, base + at + h, {
      need: SLOT_BYTES,
      have: h,
    });
  }
  const view = viewOf(bytes);
  const magic = view.getUint32(at, true);
  if (magic !== 0 && magic !== RECORD_MAGIC) throw foreignMagicError(magic, base + at, opts.slot ?? -1);
  if (opts.mode === 'strict') checkSlotCanonical(bytes, at, magic, base);
  return magic === 0 ? null : readSlotAt(view, at);
}
