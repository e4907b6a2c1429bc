/**
 * `@logspec/ring-log`: the codec of vyre-runtime's VRRL0001 replay ring log. Browser-safe:
 * `Uint8Array`/`DataView` only. The file store (Node, through core's `Fs`) is `@logspec/ring-log/store`.
 * Format: `spec/ring.md`. The order is the README's (Source layout).
 */

// Errors: `RingCode`

export { RingCode, ringError } from './errors.js';

// The 32-byte header

export {
  checkCapacity,
  type DecodeMode,
  type DecodeOptions,
  decodeHeader,
  encodeHeader,
  nextSlotOf,
  type RingHeader,
  type RingHeaderInput,
  toU64,
} from './header.js';

// The 64-byte record slot

export {
  checkSlot,
  checkSlotCanonical,
  decodeSlot,
  encodeSlot,
  encodeSlotInto,
  encodeSlotsInto,
  foreignMagicError,
  isTornMagic,
  LITTLE_ENDIAN,
  type RingSlot,
  type RingSlotInput,
  readSlotAt,
  readSlotWords,
  viewOf,
} from './slot.js';

// ... the record the original's tests append, `rec(slot_idx, epoch)`

export { originalTestSlot } from './example-slot.js';

// A ring image replayed as the original's `replay_all`: scan, records, slot views

export {
  collectRange,
  collectRecords,
  type ForeignSlotPolicy,
  type ReplayOptions,
  type RingContents,
  type RingGeometry,
  type RingScan,
  readRing,
  SlotView,
  scanRing,
  visitRecords,
} from './ring.js';

// ... replayed into columns

export {
  columnsRow,
  createRingColumns,
  fillColumns,
  fillColumnsPortable,
  type RingColumns,
  readRingColumns,
  ringToColumns,
} from './columns.js';

// Canonical JSON of headers, slots and whole rings (conformance)

export {
  decodeUnit,
  encodeUnit,
  type HeaderJson,
  headerFromJson,
  headerToJson,
  type OriginalErrorJson,
  originalErrorOf,
  type RingJson,
  ringToJson,
  type SlotJson,
  slotFromJson,
  slotToJson,
  type UnitKind,
} from './canonical.js';

// File layout: header and slot offsets, file length

export {
  HEADER_BYTES,
  HeaderOffset,
  MAX_CAPACITY,
  MAX_FILE_BYTES,
  RECORD_MAGIC,
  RING_MAGIC,
  RING_VERSION,
  ringFileLength,
  SLOT_BYTES,
  SLOT_PADDING_BYTES,
  SlotOffset,
  slotOffset,
} from './layout.js';

// Named byte ranges of a header and a slot (the inspector's hex view)

export * from './describe.js';
