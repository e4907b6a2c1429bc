// Node-side store of the WAL: directory writer and chunked readers. All I/O goes through
// core's `Fs` (pass `new NodeFs()` from `@logspec/core/node`, or a `SimFs` in tests).
// The order is the README's (Source layout).

// File layout: `wal_{seq:016x}.log` names and the directory listing

export { listWalFiles, parseWalFileName, type WalFile, walFileName } from './store/files.js';

// What a WAL is opened with, and the open report

export {
  DEFAULT_BUFFER_SIZE,
  DEFAULT_GROUP_DELAY_MS,
  DEFAULT_GROUP_RECORDS,
  DEFAULT_MAX_FILE_SIZE,
  DEFAULT_REUSE_LIMIT,
  type Durability,
  type OpenWalOptions,
  type WalOpenReport,
} from './store/options.js';

// The writer

export { openWal, WalWriter } from './store/writer.js';

// A record appended to a file as the original appends it (fixtures)

export { appendRecordToFile } from './store/raw.js';

// Chunked scans of WAL files

export { ChunkedFileScanner, DEFAULT_CHUNK_SIZE, ScanBuffer } from './store/file-scan.js';

// Readers of a WAL directory, and recovery of traces from it

export {
  type FileAwareSink,
  type ReadWalOptions,
  readOriginal,
  readWal,
  recoverTraces,
  scanWal,
  type WalEntriesOptions,
  type WalFileReport,
  type WalPosition,
  type WalScanReport,
  walEntries,
} from './store/reader.js';

// The damage survey (verify, inspect, the browser inspector) and the repair they offer

export { repairWal, type WalRepairOptions } from './store/repair.js';
export {
  SKIP_CODE,
  surveyWal,
  type WalSurvey,
  type WalSurveyOptions,
  type WalSurveyUnit,
  walEndProblem,
  walSkipProblem,
} from './store/survey.js';
