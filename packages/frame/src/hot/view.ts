import type { DecodeRecordOptions } from './archive.js';
import { checkArchive, checkCanonical } from './archive-check.js';
import { optStringField, optU32Field, readRecord, stringField } from './archive-fields.js';
import { ROOT_SIZE } from './archive-layout.js';
import { viewOf } from './archive-strings.js';
import { recordToJson } from './canonical.js';
import type { HotEventJson, HotEventRecord } from './record.js';

/**
 * rkyv's `access` for JavaScript: validates the archive `bytes[start, end)` exactly as
 * `decodeRecordAt` does (same checks, same first error, same code and offset;
 * HOT-R-010…018) and answers a view whose getters read each field from the bytes when asked.
 * Nothing is decoded up front; a string is decoded each time its getter runs.
 */
export function accessRecord(
  bytes: Uint8Array,
  start = 0,
  end: number = bytes.length,
  opts: DecodeRecordOptions = {},
): HotEventView {
  return new HotEventView(bytes, start, end, opts);
}

/**
 * A validated archive of `HotEventRecord`, read in place (HOT-R-019). Every check rkyv makes —
 * bool and option tags, string representations, body ranges, alignment, UTF-8 — is done when
 * the view is made, so a getter never throws. The view keeps `bytes` and reads them on each
 * access: like rkyv's borrow, it assumes they do not change. If they do, getters still do not
 * throw (a string whose body pointer moved out of the archive reads as `''`) but answer what the
 * bytes now say; detaching or shrinking the underlying buffer is outside that promise.
 */
export class HotEventView implements Readonly<HotEventRecord> {
  readonly bytes: Uint8Array;
  /** The archive is `bytes[start, end)`; its root is the last 192 bytes. */
  readonly start: number;
  readonly end: number;
  private readonly root: number;
  private readonly dv: DataView;
  /** Bit k: string field k (in field order) is ASCII, so its getter may skip TextDecoder. */
  private readonly ascii: number;

  /** Validates like {@link accessRecord}; throws the same `HOT_…` errors. */
  constructor(bytes: Uint8Array, start = 0, end: number = bytes.length, opts: DecodeRecordOptions = {}) {
    const position = opts.position ?? 0;
    const errBase = (opts.baseOffset ?? position) - start;
    const ascii = checkArchive(bytes, start, end, position, errBase);
    const dv = viewOf(bytes);
    const root = end - ROOT_SIZE;
    if (opts.mode === 'strict') checkCanonical(readRecord(bytes, dv, start, root, ascii), bytes, start, end, errBase);
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.root = root;
    this.dv = dv;
    this.ascii = ascii;
  }

  get sessionId(): string {
    return stringField(this.bytes, this.dv, this.root, (this.ascii & 1) !== 0, this.start, this.root, undefined);
  }
  get seq(): bigint {
    return this.dv.getBigUint64(this.root + 8, true);
  }
  get tsMs(): bigint {
    return this.dv.getBigUint64(this.root + 16, true);
  }
  get tsExact(): boolean {
    return this.bytes[this.root + 24] === 1;
  }
  get kind(): string {
    return stringField(this.bytes, this.dv, this.root + 28, (this.ascii & 2) !== 0, this.start, this.root, undefined);
  }
  get source(): string {
    return stringField(this.bytes, this.dv, this.root + 36, (this.ascii & 4) !== 0, this.start, this.root, undefined);
  }
  get tool(): string | null {
    return optStringField(this.bytes, this.dv, this.root + 44, this.ascii, 8, this.start, this.root, undefined);
  }
  get toolCallId(): string | null {
    return optStringField(this.bytes, this.dv, this.root + 56, this.ascii, 16, this.start, this.root, undefined);
  }
  get tokensIn(): number | null {
    return optU32Field(this.bytes, this.dv, this.root + 68);
  }
  get tokensOut(): number | null {
    return optU32Field(this.bytes, this.dv, this.root + 76);
  }
  get reasoningTokens(): number | null {
    return optU32Field(this.bytes, this.dv, this.root + 84);
  }
  get costUsdE6(): bigint | null {
    return this.bytes[this.root + 96] === 1 ? this.dv.getBigInt64(this.root + 104, true) : null;
  }
  get stopReason(): string | null {
    return optStringField(this.bytes, this.dv, this.root + 112, this.ascii, 32, this.start, this.root, undefined);
  }
  get latencyMs(): number | null {
    return optU32Field(this.bytes, this.dv, this.root + 124);
  }
  get ttftMs(): number | null {
    return optU32Field(this.bytes, this.dv, this.root + 132);
  }
  get retryCount(): number | null {
    return this.bytes[this.root + 140] === 1 ? this.dv.getUint16(this.root + 142, true) : null;
  }
  get contextUsedTokens(): number | null {
    return optU32Field(this.bytes, this.dv, this.root + 144);
  }
  get contextMaxTokens(): number | null {
    return optU32Field(this.bytes, this.dv, this.root + 152);
  }
  get cacheCreationTokens(): number | null {
    return optU32Field(this.bytes, this.dv, this.root + 160);
  }
  get cacheReadTokens(): number | null {
    return optU32Field(this.bytes, this.dv, this.root + 168);
  }
  get systemPromptTokens(): number | null {
    return optU32Field(this.bytes, this.dv, this.root + 176);
  }
  get payloadJson(): string {
    return stringField(this.bytes, this.dv, this.root + 184, (this.ascii & 64) !== 0, this.start, this.root, undefined);
  }

  /** The whole record, every field read now (what `decodeRecordAt` answers). */
  toRecord(): HotEventRecord {
    return readRecord(this.bytes, this.dv, this.start, this.root, this.ascii);
  }

  /** The record's canonical JSON (so `JSON.stringify(view)` writes the record, not the bytes). */
  toJSON(): HotEventJson {
    return recordToJson(this.toRecord());
  }
}
