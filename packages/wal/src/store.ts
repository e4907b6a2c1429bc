// Node-side store of the WAL: directory writer and chunked readers. All I/O goes through
// core's `Fs` (pass `new NodeFs()` from `@logspec/core/node`, or a `SimFs` in tests).
export { ChunkedFileScanner, DEFAULT_CHUNK_SIZE, ScanBuffer } from './store/file-scan.js';
export { listWalFiles, parseWalFileName, type WalFile, walFileName } from './store/files.js';
export { appendRecordToFile } from './store/raw.js';
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
export {
  DEFAULT_BUFFER_SIZE,
  DEFAULT_GROUP_DELAY_MS,
  DEFAULT_GROUP_RECORDS,
  DEFAULT_MAX_FILE_SIZE,
  DEFAULT_REUSE_LIMIT,
  type Durability,
  type OpenWalOptions,
  openWal,
  type WalOpenReport,
  WalWriter,
} from './store/writer.js';
