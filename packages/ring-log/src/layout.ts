/**
 * The VRRL0001 file geometry (vyre-runtime 0.6.1 `replay.rs`). Everything is little-endian:
 * a 32-byte header, then `capacity` fixed 64-byte slots written round-robin.
 */

/** `"VRRL0001"`, the first 8 bytes of every ring file. */
export const RING_MAGIC: Uint8Array = Uint8Array.of(0x56, 0x52, 0x52, 0x4c, 0x30, 0x30, 0x30, 0x31);
/** The only version the original writes and accepts. */
export const RING_VERSION = 1;
/** Slot magic of a written record; 0 marks an empty slot. */
export const RECORD_MAGIC = 0xdeadbeef;
export const HEADER_BYTES = 32;
export const SLOT_BYTES = 64;
/** The original's MAX_REPLAY_RECORDS: the largest capacity it creates or opens. */
export const MAX_CAPACITY = 1_048_576;
/** Largest file a valid header can describe (64 MiB + 32 bytes). */
export const MAX_FILE_BYTES = HEADER_BYTES + MAX_CAPACITY * SLOT_BYTES;

/** Byte offsets of the header fields. */
export const HeaderOffset = {
  magic: 0,
  version: 8,
  flags: 12,
  capacity: 16,
  cursor: 24,
} as const;

/** Byte offsets of the fields inside one slot. */
export const SlotOffset = {
  magic: 0,
  timestampNs: 4,
  slotIdx: 12,
  tenantId: 16,
  opcode: 20,
  args: 24,
  epoch: 40,
  padding: 44,
} as const;
export const SLOT_PADDING_BYTES = 20;

/** File offset of slot `index`. */
export function slotOffset(index: number): number {
  return HEADER_BYTES + index * SLOT_BYTES;
}

/** Length of a ring file with `capacity` slots (the original's `log_file_len`). */
export function ringFileLength(capacity: number): number {
  return HEADER_BYTES + capacity * SLOT_BYTES;
}
