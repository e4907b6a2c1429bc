import { SessCode, sessionError } from '../errors.js';
import { crc32cUpper } from '../hash.js';
import { type PayloadInput, preparePayload } from '../payload.js';
import { type IndexRow, OFFSET_INDEX_SCHEMA, SEGMENT_FRAME_SCHEMA } from '../records/types.js';
import { encodeFrameLine, encodeIndexRowText } from '../records/writer.js';
import { checkedAddU64, type U64 } from '../u64.js';
import type { StoreState } from './state.js';

const rowEncoder = new TextEncoder();

/** The store's settings `prepareAppend` reads (one object per store, not per call). */
export interface AppendSettings {
  checkLinks: boolean;
  maxSegmentBytes: number;
  now: () => string;
}

/** What one `append_entry` writes, ready to go to disk. */
export interface PreparedAppend {
  /** The frame line (with its `\n`) and where it goes: `row.segmentSeq` at `row.byteOffset`. */
  line: Uint8Array;
  /** Its index row, and that row's line. */
  row: IndexRow;
  rowBytes: Uint8Array;
  /** The segment is new (the line is its first frame): it is created, truncating. */
  newSegment: boolean;
  payloadSha256: string;
  nextFrameSeq: U64;
  nextEntrySeq: U64;
}

/**
 * `append_entry` up to the writes: logspec's link checks (`checkLinks`), the payload check,
 * the next sequence numbers, the frame line (rotating to a new segment when the line would
 * take a non-empty one past `maxSegmentBytes`, as the original) and its index row.
 */
export function prepareAppend(
  state: StoreState,
  opts: AppendSettings,
  entryId: string,
  parentEntryId: string | undefined | null,
  entryType: string,
  payload: PayloadInput,
): PreparedAppend {
  const parent = parentEntryId ?? undefined;
  if (opts.checkLinks) {
    if (state.hasId(entryId)) {
      throw sessionError(SessCode.DUPLICATE_ID, `entry_id already in the store: ${entryId}`, {
        details: { entryId },
      });
    }
    if (parent !== undefined && !state.hasId(parent)) {
      throw sessionError(
        SessCode.MISSING_PARENT,
        `parent entry is not in the store: entry_id=${entryId} parent_id=${parent}`,
        {
          details: { entryId, parentId: parent },
        },
      );
    }
  }
  const body = preparePayload(payload);
  const entrySeq = state.nextEntrySeq;
  const nextEntry = checkedAddU64(entrySeq, 1);
  if (nextEntry === undefined) throw sessionError(SessCode.SEQ_OVERFLOW, 'entry sequence overflow');
  const fields = {
    schema: SEGMENT_FRAME_SCHEMA,
    segmentSeq: state.nextSegmentSeq,
    frameSeq: state.nextFrameSeq,
    entrySeq,
    entryId,
    parentEntryId: parent,
    entryType,
    timestamp: opts.now(),
  };
  let enc = encodeFrameLine(fields, body);
  let currentBytes = state.currentSegmentBytes;
  if (currentBytes > 0 && currentBytes + enc.line.length > opts.maxSegmentBytes) {
    const next = checkedAddU64(fields.segmentSeq, 1);
    if (next === undefined) throw sessionError(SessCode.SEQ_OVERFLOW, 'segment sequence overflow');
    fields.segmentSeq = next;
    fields.frameSeq = 1;
    fields.timestamp = opts.now();
    currentBytes = 0;
    enc = encodeFrameLine(fields, body);
  }
  const { segmentSeq, frameSeq } = fields;
  const nextFrame = checkedAddU64(frameSeq, 1);
  if (nextFrame === undefined) throw sessionError(SessCode.SEQ_OVERFLOW, 'frame sequence overflow');
  const line = enc.line;
  const row: IndexRow = {
    schema: OFFSET_INDEX_SCHEMA,
    entrySeq,
    entryId,
    segmentSeq,
    frameSeq,
    // The original seeks to the end; the tracked length is that end (bootstrap trimmed it).
    byteOffset: currentBytes,
    byteLength: line.length,
    crc32c: crc32cUpper(line),
    state: 'active',
  };
  return {
    line,
    row,
    rowBytes: rowEncoder.encode(encodeIndexRowText(row)),
    newSegment: frameSeq === 1,
    payloadSha256: enc.payloadSha256,
    nextFrameSeq: nextFrame,
    nextEntrySeq: nextEntry,
  };
}
