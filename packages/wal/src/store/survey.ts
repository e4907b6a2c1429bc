import {
  type DamageState,
  equalBytes,
  type Fs,
  forEachZeroRun,
  isLogspecError,
  ProblemList,
  type SurveyProblem,
  type SurveyReport,
  type SurveySink,
  surveyReport,
} from '@logspec/core';
import { skipMessage } from '../canonical.js';
import { WalCode } from '../errors.js';
import type { SkipReason } from '../record.js';
import { decodeRecord } from '../record-reader.js';
import { encodeRecord } from '../record-writer.js';
import { describeSkip, type FileEnd, RESYNC_LIMIT, type SkippedRecord } from '../scan.js';
import { scanWal, type WalFileReport, type WalPosition } from './reader.js';

/**
 * The damage survey of a WAL file or directory: every record and every skipped record as a
 * unit, how each file ends, and the problems — one per skipped record (a run of them is one
 * problem with a range) and one per damaged end. `logspec verify`/`inspect`/`dump` and the
 * browser inspector report exactly this.
 */

/** A record (valid or skipped) as the survey meets it. */
export interface WalSurveyUnit {
  file: string;
  offset: number;
  length: number;
  state: DamageState;
  /** The record's bytes are `bytes[start, start + length)` — valid during the call only. */
  bytes: Uint8Array;
  start: number;
  /** Why a skipped record was skipped; null for a valid one. */
  skip: SkipReason | null;
}

export interface WalSurveyOptions {
  /** Also decode every valid record strictly and re-encode it; differences become notes. */
  strict?: boolean;
  /** Start at this position (a follower reading on), not at the start of the first file. */
  from?: WalPosition;
  /** Report how each file ends (default true; a follower leaves a torn end to its next poll). */
  ends?: boolean;
}

export interface WalSurvey extends SurveyReport {
  /** Each file read, and how it ends. */
  files: WalFileReport[];
  records: number;
  skipped: number;
}

/** The code of each reason a record is skipped. */
export const SKIP_CODE: Record<SkipReason, string> = {
  crc_mismatch: WalCode.CRC_MISMATCH,
  unknown_record_type: WalCode.UNKNOWN_RECORD_TYPE,
  payload_eof: WalCode.PAYLOAD_EOF,
};

/** What follows a corrupt end, in words: a valid record found after it, or why none is known. */
function afterDamage(end: FileEnd & { kind: 'corrupt' }): string {
  if (end.resyncAt !== null) return `a valid record follows at byte ${end.resyncAt}`;
  if (end.bytes > RESYNC_LIMIT) {
    return `no valid record in the first ${RESYNC_LIMIT >> 20} MiB after it, and the other ${end.bytes - RESYNC_LIMIT} bytes were not searched: valid records may follow`;
  }
  return 'the search for a valid record after it gave up (its checksum budget spent): valid records may follow';
}

/** How a file ends, as a problem (null for a clean end). `newest`: the last file of the WAL. */
export function walEndProblem(file: string, end: FileEnd, newest: boolean): SurveyProblem | null {
  if (end.kind === 'clean') return null;
  const where = newest && end.kind === 'torn' ? 'torn tail of the newest file (an interrupted append)' : end.kind;
  const range = { offset: end.offset, end: end.offset + end.bytes };
  if (end.kind === 'corrupt') {
    return {
      code: WalCode.CORRUPTION,
      file,
      ...range,
      state: 'undecodable',
      message: `${end.cause === 'bad_length' ? `length ${end.length} cannot be a record` : `a record of ${end.length} bytes runs past the end`}; ${afterDamage(end)}; the rest of the file (${end.bytes} bytes) is not read`,
    };
  }
  const code = end.cause === 'bad_length' ? WalCode.BAD_LENGTH : WalCode.RECORD_TRUNCATED;
  const what =
    end.cause === 'stray_bytes'
      ? `${end.bytes} stray bytes (shorter than a length field)`
      : end.cause === 'bad_length'
        ? `length ${end.length} below the 29-byte header (${end.bytes} bytes to the end, no valid record among them)`
        : `a record of ${end.length} bytes cut short (${end.bytes} bytes present)`;
  return { code, file, ...range, state: 'torn', message: `${where}: ${what}` };
}

/** A skipped record as a problem. */
export function walSkipProblem(s: SkippedRecord): SurveyProblem {
  return {
    code: SKIP_CODE[s.reason] as string,
    file: s.file,
    offset: s.offset,
    end: s.offset + s.totalLen,
    state: s.reason === 'crc_mismatch' ? 'crc' : 'undecodable',
    message: `record of ${s.totalLen} bytes skipped: ${skipMessage(s.reason, s.storedCrc, s.computedCrc)}`,
  };
}

/** Surveys a WAL file or directory (files in sequence order). */
export function surveyWal(
  fs: Fs,
  path: string,
  sink: SurveySink<WalSurveyUnit> = {},
  opts: WalSurveyOptions = {},
): WalSurvey {
  const list = new ProblemList();
  const found = (p: SurveyProblem) => {
    list.add(p);
    sink.problem?.(p);
  };
  const u: WalSurveyUnit = {
    file: '',
    offset: 0,
    length: 0,
    state: 'valid',
    bytes: new Uint8Array(0),
    start: 0,
    skip: null,
  };
  let records = 0;
  let skipped = 0;
  let stopped = false;
  const report = scanWal(
    path,
    {
      beginFile(file, p, size) {
        u.file = file;
        sink.file?.(file, p, size);
      },
      record(b, s, totalLen, offset) {
        records++;
        u.offset = offset;
        u.length = totalLen;
        u.state = 'valid';
        u.bytes = b;
        u.start = s;
        u.skip = null;
        if (sink.unit?.(u) !== false) return undefined;
        stopped = true;
        return false;
      },
      skip(b, s, totalLen, offset, reason) {
        skipped++;
        const problem = walSkipProblem(describeSkip(u.file, b, s, totalLen, offset, reason));
        u.offset = offset;
        u.length = totalLen;
        u.state = problem.state;
        u.bytes = b;
        u.start = s;
        u.skip = reason;
        found(problem);
        sink.unit?.(u);
      },
    },
    { fs, from: opts.from },
  );
  const notes = opts.strict && !stopped ? strictNotes(fs, path) : [];
  if (!stopped && opts.ends !== false) {
    report.files.forEach((f, i) => {
      const p = walEndProblem(f.file, f.end, i === report.files.length - 1);
      if (p) found(p);
      if (sink.range) endRanges(fs, f, sink.range);
    });
  }
  return { ...surveyReport(list, notes), stopped, files: report.files, records, skipped };
}

/** The damaged end of a file as ranges: torn, or undecodable up to the next valid record, then zero runs. */
function endRanges(fs: Fs, f: WalFileReport, range: (from: number, to: number, state: DamageState) => void): void {
  const end = f.end;
  if (end.kind === 'clean') return;
  if (end.kind === 'torn') range(end.offset, f.size, 'torn');
  else {
    const resync = end.resyncAt ?? f.size;
    range(end.offset, resync, 'undecodable');
    range(resync, f.size, 'unreferenced');
  }
  forEachZeroRun(fs, f.path, end.offset, f.size, (a, b) => range(a, b, 'zero'));
}

/** Strict decoding of every valid record (CRC first, no trailing payload bytes, canonical bytes). */
function strictNotes(fs: Fs, path: string): string[] {
  const notes: string[] = [];
  let n = 0;
  const note = (file: string, offset: number, what: string) => {
    if (n++ < 20) notes.push(`${file} record at byte ${offset}: ${what} (the original accepts it)`);
  };
  let file = '';
  scanWal(
    path,
    {
      beginFile(f) {
        file = f;
      },
      record(b, s, totalLen, offset) {
        const bytes = b.subarray(s, s + totalLen);
        try {
          const rec = decodeRecord(bytes, { mode: 'strict', baseOffset: offset });
          // What logspec's encoder writes for the decoded value: differs when the payload has
          // bytes after its fields, or strings that were not UTF-8 (read lossily).
          if (!equalBytes(encodeRecord(rec), bytes)) {
            note(
              file,
              offset,
              'not the bytes an encoder writes for it (bytes after the payload fields, or strings that are not UTF-8)',
            );
          }
        } catch (e) {
          if (!isLogspecError(e)) throw e;
          note(file, offset, `${e.code}`);
        }
      },
    },
    { fs },
  );
  if (n > 20) notes.push(`… ${n - 20} more non-canonical records`);
  return notes;
}
