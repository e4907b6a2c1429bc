import { col, dict, provenance, type TableDef } from '../table.js';

/** vyre's VRRL0001 replay ring: one row per record slot, in ring order (oldest first). */
export const RING_TABLE: TableDef = {
  name: 'ring',
  version: 1,
  doc: 'One row per record slot (magic 0xDEADBEEF) of a VRRL0001 ring file, in replay order: from the cursor, oldest first.',
  columns: [
    ...provenance(
      'the ring file',
      'byte offset of the 64-byte slot in the file',
      'always null: a ring has no segments',
      true,
    ),
    col('position', 'u32', 'replay position: 0 is the oldest record'),
    col('slot', 'u32', 'physical slot number (file offset = 32 + 64 × slot)'),
    col('timestamp_ns', 'u64', 'the record timestamp as stored (nanoseconds since the Unix epoch)'),
    col(
      'time',
      'timestamp_ns',
      'timestamp_ns as a UTC timestamp; null when it is past 2262-04-11 (beyond int64 nanoseconds)',
      true,
    ),
    col('slot_idx', 'u32', 'the slot_idx field the writer recorded'),
    dict(col('tenant_id', 'u32', 'tenant id')),
    dict(col('opcode', 'u32', 'opcode')),
    col('arg0', 'u32', 'first argument word'),
    col('arg1', 'u32', 'second argument word'),
    col('arg2', 'u32', 'third argument word'),
    col('arg3', 'u32', 'fourth argument word'),
    dict(col('epoch', 'u32', 'epoch')),
  ],
};
