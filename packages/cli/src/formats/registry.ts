import { hotlog } from './hot.js';
import { hotframe } from './hotframe.js';
import { ring } from './ring.js';
import { segment } from './segment.js';
import { session } from './session.js';
import type { FormatCli, FormatName } from './types.js';
import { wal } from './wal.js';

/** The adapter of each `--format` name. */
export const ADAPTERS: Partial<Record<FormatName, FormatCli>> = {
  hotlog,
  hotframe,
  ring,
  wal,
  segment,
  session,
};
