import type { FieldSpan } from '@logspec/core';
import { HeaderOffset, RECORD_MAGIC, SLOT_PADDING_BYTES, SlotOffset } from './layout.js';
import { isTornMagic } from './slot.js';

/**
 * The header and slots of a ring file as named byte ranges (`spec/ring.md` §2), for
 * inspectors. Values are read without validating: these describe whatever bytes are there.
 */

const ascii = (b: Uint8Array, s: number, e: number) =>
  String.fromCharCode(...b.subarray(s, e)).replace(/[^\x20-\x7e]/g, '.');

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** The 32-byte header at the start of `bytes`; a field the bytes end inside is left out. */
export function describeRingHeader(bytes: Uint8Array): FieldSpan[] {
  const v = view(bytes);
  if (bytes.length < 32) {
    return bytes.length === 0
      ? []
      : [
          {
            name: 'header',
            role: 'header',
            offset: 0,
            length: bytes.length,
            type: 'bytes',
            value: `${bytes.length} of 32 bytes`,
          },
        ];
  }
  return [
    { name: 'magic', role: 'magic', offset: 0, length: 8, type: 'bytes', value: ascii(bytes, 0, 8) },
    { name: 'version', role: 'header', offset: 8, length: 4, type: 'u32 LE', value: String(v.getUint32(8, true)) },
    { name: 'flags', role: 'header', offset: 12, length: 4, type: 'u32 LE', value: String(v.getUint32(12, true)) },
    {
      name: 'capacity',
      role: 'length',
      offset: HeaderOffset.capacity,
      length: 8,
      type: 'u64 LE',
      value: String(v.getBigUint64(HeaderOffset.capacity, true)),
    },
    {
      name: 'cursor',
      role: 'header',
      offset: HeaderOffset.cursor,
      length: 8,
      type: 'u64 LE',
      value: String(v.getBigUint64(HeaderOffset.cursor, true)),
    },
  ];
}

/**
 * The 64-byte slot at `at` in `bytes` (the file's bytes, or any buffer holding the slot at
 * `at`; `fileOffset` is the slot's file position, default `at`). A record slot has every
 * field; an empty one (magic 0) only its magic and 60 unread bytes; a foreign magic is told
 * torn or not.
 */
export function describeRingSlot(bytes: Uint8Array, at: number, fileOffset = at): FieldSpan[] {
  const v = view(bytes);
  const magic = v.getUint32(at + SlotOffset.magic, true);
  const o = fileOffset;
  const u32 = (name: string, rel: number, role: FieldSpan['role'] = 'payload'): FieldSpan => ({
    name,
    role,
    offset: o + rel,
    length: 4,
    type: 'u32 LE',
    value: String(v.getUint32(at + rel, true)),
  });
  const magicText =
    magic === RECORD_MAGIC
      ? '0xDEADBEEF (record)'
      : magic === 0
        ? '0 (empty)'
        : `0x${magic.toString(16).padStart(8, '0')} (foreign${isTornMagic(magic) ? ', torn' : ''})`;
  const head: FieldSpan = { name: 'magic', role: 'magic', offset: o, length: 4, type: 'u32 LE', value: magicText };
  if (magic !== RECORD_MAGIC) {
    return [head, { name: 'unread', role: 'trailing', offset: o + 4, length: 60, type: 'bytes' }];
  }
  return [
    head,
    {
      name: 'timestamp_ns',
      role: 'payload',
      offset: o + SlotOffset.timestampNs,
      length: 8,
      type: 'u64 LE',
      value: String(v.getBigUint64(at + SlotOffset.timestampNs, true)),
    },
    u32('slot_idx', SlotOffset.slotIdx, 'header'),
    u32('tenant_id', SlotOffset.tenantId, 'header'),
    u32('opcode', SlotOffset.opcode),
    {
      name: 'args',
      role: 'payload',
      offset: o + SlotOffset.args,
      length: 16,
      type: '4 × u32 LE',
      children: [0, 1, 2, 3].map((i) => u32(`arg${i}`, SlotOffset.args + 4 * i)),
    },
    u32('epoch', SlotOffset.epoch, 'header'),
    { name: 'padding', role: 'padding', offset: o + SlotOffset.padding, length: SLOT_PADDING_BYTES, type: 'bytes' },
  ];
}
