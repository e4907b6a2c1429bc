import { type FileHandle, isLogspecError, type LogspecError } from '@logspec/core';
import { decodeRecordAt } from './archive.js';
import { recordToJson } from './canonical.js';
import { HotCode, hotlogError } from './codes.js';
import { parsePayload } from './event.js';
import { type HotStop, replayHotFrames, scanHotLogFile } from './frames.js';
import type { HotEventJson, HotEventRecord } from './record.js';

/**
 * One CRC-valid frame of the event log: its record, or why its archive does not decode.
 * logspec's reader reports an undecodable archive and goes on (HOT-R-020); the original's
 * replay fails as a whole at the first one.
 */
export interface ReplayedEvent {
  /** Position among the frames (0-based). */
  index: number;
  /** File offset of the frame (its length field). */
  offset: number;
  archiveLen: number;
  archiveCrc32: number;
  record: HotEventRecord | null;
  error: LogspecError | null;
}

export interface EventReplayResult {
  stop: HotStop;
  /**
   * The first frame at which the original's `HotLog::replay` fails (its archive fails rkyv's
   * validation, or `into_event` cannot parse `payload_json`), or null if it would succeed.
   */
  originalError: { offset: number; error: LogspecError } | null;
}

export interface EventReplay extends EventReplayResult {
  events: ReplayedEvent[];
}

/** Decodes the archive of one frame (`bytes[ps, pe)`, frame at file offset `offset`). */
export function replayedEvent(
  bytes: Uint8Array,
  ps: number,
  pe: number,
  offset: number,
  index: number,
  crc: number,
): ReplayedEvent {
  try {
    const record = decodeRecordAt(bytes, ps, pe, { position: offset + 4 });
    return { index, offset, archiveLen: pe - ps, archiveCrc32: crc, record, error: null };
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    return { index, offset, archiveLen: pe - ps, archiveCrc32: crc, record: null, error: e };
  }
}

/** Tracks where the original would have failed. */
function originalFailure(ev: ReplayedEvent): LogspecError | null {
  if (ev.error) return ev.error;
  try {
    parsePayload(ev.record as HotEventRecord);
    return null;
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    // Point at the archive: that is where the original's `into_event` gave up.
    return hotlogError(HotCode.PAYLOAD_JSON, e.message, ev.offset + 4);
  }
}

function storedCrc(bytes: Uint8Array, pe: number): number {
  return (
    ((bytes[pe] as number) |
      ((bytes[pe + 1] as number) << 8) |
      ((bytes[pe + 2] as number) << 16) |
      ((bytes[pe + 3] as number) << 24)) >>>
    0
  );
}

/**
 * Replays events from an open hot log in chunks, handing each to `visit` (return `false` to
 * stop). Header rules and stop reasons as for frames (HOT-R-001…007).
 */
export function scanEvents(
  handle: FileHandle,
  visit: (ev: ReplayedEvent) => unknown,
  opts: { chunkSize?: number; end?: number; checkPayload?: boolean } = {},
): EventReplayResult {
  let index = 0;
  let originalError: EventReplayResult['originalError'] = null;
  const checkPayload = opts.checkPayload ?? true;
  const stop = scanHotLogFile(
    handle,
    (ps, pe, offset, bytes) => {
      const ev = replayedEvent(bytes, ps, pe, offset, index++, storedCrc(bytes, pe));
      if (originalError === null && (ev.error || checkPayload)) {
        const e = originalFailure(ev);
        if (e) originalError = { offset, error: e };
      }
      return visit(ev);
    },
    opts,
  );
  return { stop, originalError };
}

/** {@link scanEvents} over a whole file image in memory (browser-friendly). */
export function replayEventsImage(image: Uint8Array): EventReplay {
  const events: ReplayedEvent[] = [];
  let originalError: EventReplayResult['originalError'] = null;
  const { stop } = replayHotFrames(image, (f) => {
    const pe = f.payload.byteOffset - image.byteOffset + f.payload.length;
    const ps = pe - f.payload.length;
    const ev = replayedEvent(image, ps, pe, f.offset, events.length, storedCrc(image, pe));
    if (originalError === null) {
      const e = originalFailure(ev);
      if (e) originalError = { offset: f.offset, error: e };
    }
    events.push(ev);
  });
  return { events, stop, originalError };
}

/** An error as the hotlog `read` JSON shows it: the code and the file offset (no message text). */
export interface HotErrorJson {
  code: string;
  offset: string | null;
}

export function errorJson(e: LogspecError): HotErrorJson {
  return { code: e.code, offset: e.offset === undefined ? null : String(e.offset) };
}

/** One entry of `events` in the hotlog `read` JSON (`spec/hotlog.md` §Canonical JSON). */
export type HotLogEventJson = { index: number; frame_offset: string; archive_len: number; archive_crc32: string } & (
  | HotEventJson
  | { error: HotErrorJson }
);

export interface HotLogJson {
  events: HotLogEventJson[];
  stopped_at: { reason: string; at: string };
  error: (HotErrorJson & { frame_offset: string }) | null;
}

export function eventJson(ev: ReplayedEvent): HotLogEventJson {
  const head = {
    index: ev.index,
    frame_offset: String(ev.offset),
    archive_len: ev.archiveLen,
    archive_crc32: ev.archiveCrc32.toString(16).padStart(8, '0'),
  };
  return ev.record ? { ...head, ...recordToJson(ev.record) } : { ...head, error: errorJson(ev.error as LogspecError) };
}

export function hotLogJson(r: EventReplay): HotLogJson {
  return {
    events: r.events.map(eventJson),
    stopped_at: { reason: r.stop.reason, at: String(r.stop.at) },
    error: r.originalError
      ? { ...errorJson(r.originalError.error), frame_offset: String(r.originalError.offset) }
      : null,
  };
}
