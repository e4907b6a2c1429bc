import { col, dict, type TableDef } from '../table.js';

/** The side table of `--errors FILE`: every damaged or skipped record, one row each. */
export const ERRORS_TABLE: TableDef = {
  name: 'errors',
  version: 1,
  doc: 'One row per damaged, skipped or unreadable record or range met by an export (of any format): nothing an export leaves out goes unreported.',
  columns: [
    dict(col('format', 'utf8', 'the format exported (ring, wal, segment, session, hotlog, hotframe)')),
    dict(col('file', 'utf8', 'the file the damage is in (relative to the path exported, or its name)', true)),
    col('file_offset', 'u64', 'byte offset of the damage in that file', true),
    col('segment', 'u64', 'the segment or file sequence number, where the format has one', true),
    dict(
      col('code', 'utf8', 'the stable logspec error code (WAL_CRC_MISMATCH, HOT_FRAME_TORN, …; spec/README.md § 3)'),
    ),
    col('message', 'utf8', 'what is wrong, in words'),
    col('bytes', 'u64', 'bytes left out by it, where known', true),
  ],
};
