import { type FileEnd, RESYNC_LIMIT, type SkippedRecord, type SkipReason, skipMessage, WalCode } from '@logspec/wal';
import type { Problem } from './types.js';

/** The WAL's damage as problems: a skipped record, and how a file ends. */

/** The code of each reason a record is skipped. */
export const SKIP_CODE: Record<SkipReason, string> = {
  crc_mismatch: WalCode.CRC_MISMATCH,
  unknown_record_type: WalCode.UNKNOWN_RECORD_TYPE,
  payload_eof: WalCode.PAYLOAD_EOF,
};

/** What follows a corrupt end, in words: a valid record found after it, or why none is known. */
export function afterDamage(end: FileEnd & { kind: 'corrupt' }): string {
  if (end.resyncAt !== null) return `a valid record follows at byte ${end.resyncAt}`;
  if (end.bytes > RESYNC_LIMIT) {
    return `no valid record in the first ${RESYNC_LIMIT >> 20} MiB after it, and the other ${end.bytes - RESYNC_LIMIT} bytes were not searched: valid records may follow`;
  }
  return 'the search for a valid record after it gave up (its checksum budget spent): valid records may follow';
}

export function endProblem(file: string, end: FileEnd, newest: boolean): Problem | null {
  if (end.kind === 'clean') return null;
  const where = newest && end.kind === 'torn' ? 'torn tail of the newest file (an interrupted append)' : end.kind;
  const range = { offset: end.offset, end: end.offset + end.bytes };
  if (end.kind === 'corrupt') {
    return {
      code: WalCode.CORRUPTION,
      file,
      ...range,
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
  return { code, file, ...range, message: `${where}: ${what}` };
}

export function skipProblem(s: SkippedRecord): Problem {
  return {
    code: SKIP_CODE[s.reason],
    file: s.file,
    offset: s.offset,
    end: s.offset + s.totalLen,
    message: `record of ${s.totalLen} bytes skipped: ${skipMessage(s.reason, s.storedCrc, s.computedCrc)}`,
  };
}
