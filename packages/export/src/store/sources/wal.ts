import { isAscii } from 'node:buffer';
import { basename } from '@logspec/core';
import {
  describeSkip,
  Field,
  type FileEnd,
  HEADER_SIZE,
  PayloadField,
  RECORD_TYPE_NAMES,
  type RecordSink,
  type SkipReason,
  skipMessage,
  WalCode,
} from '@logspec/wal';
import { ChunkedFileScanner, listWalFiles, parseWalFileName, ScanBuffer, type WalFile } from '@logspec/wal/store';
import type { BatchBuilder } from '../../batch.js';
import type { BytesColumn, NumberColumn } from '../../columns.js';
import { WAL_TABLE } from '../../tables/wal.js';
import { Selector, type Source, type SourceContext } from '../source.js';
import { appendUuid, nsTimeWords } from './values.js';

/** Bytes per scanner step: a batch is cut between steps, so this bounds a batch's overshoot. */
const CHUNK = 1 << 20;

const SKIP_CODE: Record<SkipReason, string> = {
  crc_mismatch: WalCode.CRC_MISMATCH,
  unknown_record_type: WalCode.UNKNOWN_RECORD_TYPE,
  payload_eof: WalCode.PAYLOAD_EOF,
};

/** The WAL's record type names as UTF-8, copied into the column without a string per row. */
const TYPE_BYTES = RECORD_TYPE_NAMES.map((n) => new TextEncoder().encode(n));

/** Columns of the wal table, looked up once. */
class WalRows {
  readonly file: BytesColumn;
  readonly fileOffset: NumberColumn;
  readonly segment: NumberColumn;
  readonly recordLen: NumberColumn;
  readonly type: BytesColumn;
  readonly typeCode: NumberColumn;
  readonly traceId: BytesColumn;
  readonly nodeId: NumberColumn;
  readonly timestampNs: NumberColumn;
  readonly time: NumberColumn;
  readonly outputOffset: NumberColumn;
  readonly outputSize: NumberColumn;
  readonly schemaHash: NumberColumn;
  readonly iteration: NumberColumn;
  readonly error: BytesColumn;
  readonly metadata: BytesColumn;
  constructor(b: BatchBuilder) {
    this.file = b.column('file');
    this.fileOffset = b.column('file_offset');
    this.segment = b.column('segment');
    this.recordLen = b.column('record_len');
    this.type = b.column('record_type');
    this.typeCode = b.column('record_type_code');
    this.traceId = b.column('trace_id');
    this.nodeId = b.column('node_id');
    this.timestampNs = b.column('timestamp_ns');
    this.time = b.column('time');
    this.outputOffset = b.column('output_offset');
    this.outputSize = b.column('output_size');
    this.schemaHash = b.column('schema_hash');
    this.iteration = b.column('iteration');
    this.error = b.column('error_message');
    this.metadata = b.column('metadata');
  }
}

/**
 * xerv's WAL through `@logspec/wal/store`'s `ChunkedFileScanner` (the chunked reader behind
 * `scanWal` and `walEntries`), one 4 MiB chunk per step. The scanner hands over each record
 * in place once its length, CRC, type and payload bounds are checked, so the row is filled
 * straight from the record's bytes at the offsets of the package's published layout
 * (`Field`, `PayloadField`): no record object, no bigint, no string for ASCII text.
 */
export class WalSource implements Source {
  readonly def = WAL_TABLE;
  readonly totalBytes: number;
  private readonly files: WalFile[];
  private fileIndex = 0;
  private scanner: ChunkedFileScanner | null = null;
  private readonly buf = new ScanBuffer(64);
  private done = 0;
  private fileBase = 0;
  private fileName = new Uint8Array(0);
  private fileSeq: bigint | null = null;
  private segLo = 0;
  private segHi = 0;
  private recordIndex = -1;
  private rows: WalRows | null = null;
  private builder: BatchBuilder | null = null;
  private readonly sel: Selector;
  private readonly sink: RecordSink;

  constructor(
    private readonly path: string,
    private readonly ctx: SourceContext,
  ) {
    const st = ctx.fs.stat(path);
    if (st?.isDirectory) this.files = listWalFiles(ctx.fs, path);
    else {
      const name = basename(path);
      this.files = [{ name, path, seq: parseWalFileName(name) ?? 0n, isFile: st?.isFile ?? false }];
    }
    this.files = this.files.filter((f) => f.isFile);
    this.totalBytes = this.files.reduce((n, f) => n + (ctx.fs.stat(f.path)?.size ?? 0), 0);
    this.sel = new Selector(ctx.select);
    this.sink = {
      record: (bytes, start, totalLen, offset) => this.record(bytes, start, totalLen, offset),
      skip: (bytes, start, totalLen, offset, reason) => this.skip(bytes, start, totalLen, offset, reason),
    };
  }

  get doneBytes(): number {
    return this.done;
  }

  fill(b: BatchBuilder): boolean {
    if (this.builder !== b) {
      this.builder = b;
      this.rows = new WalRows(b);
    }
    const r = this.rows as WalRows;
    while (!b.full && !this.sel.done) {
      if (!this.scanner && !this.nextFile()) return false;
      const scanner = this.scanner as ChunkedFileScanner;
      // Text is copied as bytes and checked once per chunk (see BytesColumn.repairUtf8).
      const errMark = r.error.mark();
      const metaMark = r.metadata.mark();
      const end = scanner.step(this.sink);
      r.error.repairUtf8(errMark, isAscii);
      r.metadata.repairUtf8(metaMark, isAscii);
      if (end) {
        this.fileEnd(end);
        this.done = this.fileBase + scanner.fileSize;
        this.scanner = null;
      }
    }
    return !this.sel.done && (this.scanner !== null || this.fileIndex < this.files.length);
  }

  private nextFile(): boolean {
    const f = this.files[this.fileIndex++];
    if (!f) return false;
    this.fileBase = this.done;
    this.scanner = new ChunkedFileScanner(this.ctx.fs, f.path, f.name, 'logspec', this.buf, CHUNK);
    this.fileName = new TextEncoder().encode(f.name);
    this.fileSeq = parseWalFileName(f.name) ?? null;
    const seq = this.fileSeq ?? 0n;
    this.segLo = Number(seq & 0xffffffffn);
    this.segHi = Number(seq >> 32n);
    return true;
  }

  private record(bytes: Uint8Array, s: number, totalLen: number, offset: number): undefined {
    this.recordIndex++;
    const view =
      bytes === this.buf.bytes ? this.buf.view : new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const p = s + HEADER_SIZE;
    const tsLo = view.getUint32(p + PayloadField.TIMESTAMP_NS, true);
    const tsHi = view.getUint32(p + PayloadField.TIMESTAMP_NS + 4, true);
    if (this.sel.active) {
      if (!this.sel.keyOk(BigInt(this.recordIndex))) return undefined;
      if (this.sel.filtersTime && !this.sel.timeOk(BigInt(tsHi) * 4294967296n + BigInt(tsLo))) return undefined;
    }
    this.done = this.fileBase + offset;
    const r = this.rows as WalRows;
    r.file.appendBytes(this.fileName, 0, this.fileName.length);
    r.fileOffset.appendInt(offset);
    if (this.fileSeq === null) r.segment.appendNull();
    else r.segment.appendWords(this.segLo, this.segHi);
    r.recordLen.append(totalLen);
    const type = bytes[s + Field.TYPE] as number;
    const name = TYPE_BYTES[type] as Uint8Array;
    r.type.appendBytes(name, 0, name.length);
    r.typeCode.append(type);
    appendUuid(r.traceId, bytes, s + Field.TRACE_ID);
    r.nodeId.append(view.getUint32(s + Field.NODE_ID, true));
    r.timestampNs.appendWords(tsLo, tsHi);
    nsTimeWords(r.time, tsLo, tsHi);
    r.outputOffset.appendU64At(view, p + PayloadField.OUTPUT_OFFSET);
    r.outputSize.append(view.getUint32(p + PayloadField.OUTPUT_SIZE, true));
    r.schemaHash.appendU64At(view, p + PayloadField.SCHEMA_HASH);
    r.iteration.append(view.getUint32(p + PayloadField.ITERATION, true));
    // The scanner checked both lengths against total_len (payload_eof otherwise).
    const errLen = view.getUint32(p + PayloadField.ERROR_LEN, true);
    const e = p + PayloadField.ERROR;
    if (errLen === 0) r.error.appendNull();
    else r.error.appendBytes(bytes, e, e + errLen);
    const metaLen = view.getUint32(e + errLen, true);
    const m = e + errLen + 4;
    if (metaLen === 0) r.metadata.appendNull();
    else r.metadata.appendBytes(bytes, m, m + metaLen);
    return undefined;
  }

  private skip(bytes: Uint8Array, s: number, totalLen: number, offset: number, reason: SkipReason): void {
    const file = this.files[this.fileIndex - 1] as WalFile;
    const d = describeSkip(file.name, bytes, s, totalLen, offset, reason);
    this.ctx.problem({
      file: file.name,
      offset,
      segment: this.fileSeq,
      code: SKIP_CODE[reason],
      message: `record of ${totalLen} bytes skipped: ${skipMessage(reason, d.storedCrc, d.computedCrc)}`,
      bytes: totalLen,
    });
  }

  private fileEnd(end: FileEnd): void {
    if (end.kind === 'clean') return;
    const file = (this.files[this.fileIndex - 1] as WalFile).name;
    const newest = this.fileIndex === this.files.length;
    let code: string;
    let message: string;
    if (end.kind === 'corrupt') {
      code = WalCode.CORRUPTION;
      message = `${end.cause === 'bad_length' ? `length ${end.length} cannot be a record` : `a record of ${end.length} bytes runs past the end`}; valid records follow${end.resyncAt === null ? '' : ` (one at byte ${end.resyncAt})`}: the rest of the file is not read`;
    } else {
      code = end.cause === 'bad_length' ? WalCode.BAD_LENGTH : WalCode.RECORD_TRUNCATED;
      const what =
        end.cause === 'stray_bytes'
          ? `${end.bytes} stray bytes (shorter than a length field)`
          : end.cause === 'bad_length'
            ? `length ${end.length} below the 29-byte header`
            : `a record of ${end.length} bytes cut short (${end.bytes} bytes present)`;
      message = `${newest ? 'torn tail of the newest file (an interrupted or ongoing append)' : 'torn end'}: ${what}`;
    }
    this.ctx.problem({ file, offset: end.offset, segment: this.fileSeq, code, message, bytes: end.bytes });
  }

  close(): void {
    this.scanner?.close();
    this.scanner = null;
  }
}
