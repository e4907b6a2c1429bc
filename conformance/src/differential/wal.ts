/** WAL recipes (spec/wal.md): every record type, optional strings at their edges, files of a directory in hex order. */
import { MAX_RECORD_TYPE, RECORD_TYPE_NAMES } from '@logspec/wal';
import fc from 'fast-check';
import type { Op } from '../protocol/types.js';
import type { DifferentialProfile, RecipeSize } from './profile.js';
import { hexOfLength, text, u32, u64Text } from './values.js';

function record(maxText: number) {
  const optionalText = fc.oneof(fc.constant(null), fc.constant(''), text(maxText));
  return fc
    .record({
      metadata: optionalText,
      error_message: optionalText,
      iteration: u32,
      type: fc.integer({ min: 0, max: MAX_RECORD_TYPE }),
      trace_id: fc.oneof(fc.constantFrom('0'.repeat(32), 'f'.repeat(32)), hexOfLength(16)),
      node_id: u32,
      timestamp_ns: u64Text,
      output_offset: u64Text,
      output_size: u32,
      schema_hash: u64Text,
    })
    .map(({ type, ...r }) => ({ ...r, record_type: RECORD_TYPE_NAMES[type] as string, record_type_code: type }));
}

/** A directory's file name for sequence `seq`, as xerv names it. */
const walName = (seq: number) => `wal_${seq.toString(16).padStart(16, '0')}.log`;

function recipes({ thorough }: RecipeSize) {
  const files = fc.oneof(
    fc.constant(null),
    // Sequences whose hex and decimal orders differ (9 < a < 10), and gaps.
    fc.uniqueArray(fc.oneof(fc.constantFrom(0, 1, 9, 10, 15, 16, 255, 256), fc.nat({ max: 4096 })), {
      minLength: 1,
      maxLength: 4,
    }),
  );
  return fc
    .record({
      files,
      records: fc.array(fc.tuple(fc.nat(), record(thorough ? 400 : 40)), { maxLength: thorough ? 40 : 8 }),
    })
    .map(({ files, records }) => {
      const names = files === null ? ['w.log'] : files.map((s) => `d/${walName(s)}`);
      const ops: Op[] = records.map(([f, r]) => ({ op: 'write_record', file: names[f % names.length], record: r }));
      // A directory needs a file to exist even when no record lands in it.
      if (ops.length === 0 && files !== null) ops.push({ op: 'write_file', file: names[0], bytes: '' });
      return { ops, read: files === null ? 'w.log' : 'd' };
    })
    .filter((r) => r.ops.length > 0);
}

export const differential: DifferentialProfile = { format: 'wal', recipes };
