import { type Fs, readFully } from '@logspec/core';
import { decodeRecordAt, encodeRecordInto, maxArchiveSize } from './archive.js';
import { HotCode, hotlogError } from './codes.js';
import { type EventReplay, type EventReplayResult, type ReplayedEvent, scanEvents } from './event-replay.js';
import { HotFrameLog, type HotFrameLogOptions, hotLogPath, type OpenReport } from './frame-log.js';
import { openHotLogFile } from './read.js';
import type { HotEventRecord } from './record.js';

/** Per-session facts kept by {@link OffsetIndex} (the original's `sessions` table, from replay). */
export interface SessionMeta {
  firstOffset: number;
  lastOffset: number;
  /** Seq of the record at `lastOffset` (the last appended). */
  lastSeq: bigint;
}

/**
 * Offset lookup by (session id, seq), built while replaying and kept up to date by appends.
 * It replaces the original's `index.redb`, which logspec neither reads nor writes (HOT-S-010).
 * A (session, seq) seen twice maps to the later frame, as the original's redb insert did.
 */
export class OffsetIndex {
  private readonly bySeq = new Map<string, number>();
  private readonly meta = new Map<string, SessionMeta>();

  add(sessionId: string, seq: bigint, offset: number): void {
    this.bySeq.set(`${sessionId}\0${seq}`, offset);
    const m = this.meta.get(sessionId);
    if (m) {
      m.lastOffset = offset;
      m.lastSeq = seq;
    } else {
      this.meta.set(sessionId, { firstOffset: offset, lastOffset: offset, lastSeq: seq });
    }
  }

  offsetFor(sessionId: string, seq: bigint): number | undefined {
    return this.bySeq.get(`${sessionId}\0${seq}`);
  }

  session(sessionId: string): SessionMeta | undefined {
    const m = this.meta.get(sessionId);
    return m && { ...m };
  }

  sessions(): string[] {
    return [...this.meta.keys()];
  }

  get size(): number {
    return this.bySeq.size;
  }
}

export interface HotLogOptions extends Omit<HotFrameLogOptions, 'onFrame' | 'cutZeroTail'> {
  /** Build the offset index while opening (default true). */
  index?: boolean;
}

/**
 * The hot event log writer: `<root>/hot/log.bin` holding one rkyv archive of `HotEventRecord`
 * per frame. Opening recovers the tail (a torn tail, or a zero-filled tail of empty frames, is
 * cut; the original never cuts) and indexes the events; appends go through the durability
 * policy (default: the original's 4096 bytes / 128 records batching).
 */
export class HotLog {
  readonly frames: HotFrameLog;
  readonly index: OffsetIndex;
  /** Frames met on open whose archive does not decode (kept in place, reported here). */
  readonly undecodable: { offset: number; code: string }[];

  private constructor(frames: HotFrameLog, index: OffsetIndex, undecodable: { offset: number; code: string }[]) {
    this.frames = frames;
    this.index = index;
    this.undecodable = undecodable;
  }

  static open(fs: Fs, root: string, opts: HotLogOptions = {}): HotLog {
    const index = new OffsetIndex();
    const undecodable: { offset: number; code: string }[] = [];
    const indexing = opts.index ?? true;
    const frames = HotFrameLog.open(fs, root, {
      ...opts,
      cutZeroTail: true,
      onFrame: indexing
        ? (bytes, ps, pe, offset) => {
            try {
              const r = decodeRecordAt(bytes, ps, pe, { position: offset + 4 });
              index.add(r.sessionId, r.seq, offset);
            } catch (e) {
              undecodable.push({ offset, code: (e as { code?: string }).code ?? 'unknown' });
            }
          }
        : undefined,
    });
    // A cut only removes frames after every decodable one (a torn tail or a run of empty
    // frames), so the index is right as built; only the undecodable list needs trimming.
    const end = frames.end;
    return new HotLog(
      frames,
      index,
      undecodable.filter((u) => u.offset < end),
    );
  }

  get report(): OpenReport {
    return this.frames.report;
  }

  /** File offset where the next event goes. */
  get end(): number {
    return this.frames.end;
  }

  /** Every event whose frame ends at or before this offset is durable. */
  get durableEnd(): number {
    return this.frames.durableEnd;
  }

  /** Appends one event; returns its frame's offset. */
  append(rec: HotEventRecord): number {
    return this.appendBatch([rec])[0] as number;
  }

  /** Appends events with one write (and at most one sync); returns their offsets. */
  appendBatch(recs: readonly HotEventRecord[]): number[] {
    // rkyv reads the root at its address: archives must start 8-aligned in the file, as they do
    // when every earlier frame holds an archive (12 + 4, then multiples of 8).
    if ((this.frames.end + 4) % 8 !== 0) {
      throw hotlogError(
        HotCode.ARCHIVE_MISALIGNED,
        'the log ends where an archive would be misaligned',
        this.frames.end,
      );
    }
    const offsets = this.frames.appendEncoded(recs, maxArchiveSize, encodeRecordInto);
    recs.forEach((r, i) => {
      this.index.add(r.sessionId, r.seq, offsets[i] as number);
    });
    return offsets;
  }

  /** The original's name for {@link sync}: makes every appended event durable. */
  flush(): void {
    this.frames.sync();
  }

  sync(): void {
    this.frames.sync();
  }

  offsetFor(sessionId: string, seq: bigint): number | undefined {
    return this.index.offsetFor(sessionId, seq);
  }

  /** Reads back the event at `offset` (a frame offset from `append` or the index). */
  readAt(offset: number): HotEventRecord {
    const h = openHotLogFile(this.frames.fs, this.frames.path);
    try {
      const head = new Uint8Array(4);
      if (readFully(h, head, 0, 4, offset) < 4) throw hotlogError(HotCode.FRAME_TORN, 'no frame there', offset);
      const len = new DataView(head.buffer).getUint32(0, true);
      if (offset + 8 + len > Math.min(h.size(), this.frames.end)) {
        throw hotlogError(HotCode.FRAME_TORN, 'frame extends past the end of the log', offset);
      }
      const buf = new Uint8Array(len);
      readFully(h, buf, 0, len, offset + 4);
      return decodeRecordAt(buf, 0, len, { position: offset + 4 });
    } finally {
      h.close();
    }
  }

  close(): void {
    this.frames.close();
  }
}

/** Replays every event of a hot log (`root` directory or the `log.bin` path); see `scanEvents`. */
export function replayHotLog(
  fs: Fs,
  path: string,
  opts: { chunkSize?: number } = {},
): EventReplay & { index: OffsetIndex } {
  const events: ReplayedEvent[] = [];
  const index = new OffsetIndex();
  const r: EventReplayResult = scanHotLog(
    fs,
    path,
    (ev) => {
      events.push(ev);
      if (ev.record) index.add(ev.record.sessionId, ev.record.seq, ev.offset);
    },
    opts,
  );
  return { events, index, ...r };
}

/** Streams the events of a hot log to `visit` without keeping them. */
export function scanHotLog(
  fs: Fs,
  path: string,
  visit: (ev: ReplayedEvent) => unknown,
  opts: { chunkSize?: number; checkPayload?: boolean } = {},
): EventReplayResult {
  const h = openHotLogFile(fs, path);
  try {
    return scanEvents(h, visit, opts);
  } finally {
    h.close();
  }
}

export { hotLogPath };
