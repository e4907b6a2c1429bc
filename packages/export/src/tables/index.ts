import type { TableDef, TableName } from '../table.js';
import { ERRORS_TABLE } from './errors.js';
import { HOTFRAME_TABLE, HOTLOG_TABLE } from './hot.js';
import { RING_TABLE } from './ring.js';
import { SEGMENT_TABLE } from './segment.js';
import { SESSION_TABLE } from './session.js';
import { WAL_TABLE } from './wal.js';

export { ERRORS_TABLE, HOTFRAME_TABLE, HOTLOG_TABLE, RING_TABLE, SEGMENT_TABLE, SESSION_TABLE, WAL_TABLE };

/** Every export table by name. */
export const TABLES: Readonly<Record<TableName, TableDef>> = {
  ring: RING_TABLE,
  wal: WAL_TABLE,
  segment: SEGMENT_TABLE,
  session: SESSION_TABLE,
  hotlog: HOTLOG_TABLE,
  hotframe: HOTFRAME_TABLE,
  errors: ERRORS_TABLE,
};
