import { basename, dirname, type Fs, isLogspecError, type LogspecError, readFully } from '@logspec/core';
import {
  checkHotHeader,
  type FrameDamage,
  HOT_HEADER_LEN,
  HotCode,
  type HotStop,
  hotLayout,
  parsePayload,
  type ReplayedEvent,
  scanFileFrames,
  scanFileFramesAcrossDamage,
} from '@logspec/frame';
import { openHotLogFile, resolveHotLogPath } from '@logspec/frame/store';
import { UsageError } from '../errors.js';
import { label, problemOf } from './common.js';
import type { Ctx, DamageSink, DumpItem, Follower, Problem } from './types.js';

/** What the hotlog and hotframe adapters share: the damage-aware frame scan, its problems, following, repair. */

export interface FrameVisit {
  ps: number;
  pe: number;
  offset: number;
  bytes: Uint8Array;
}

export interface HotScan {
  file: string;
  size: number;
  /** Where the original's replay stops: the first damage (or the end). */
  stop: { reason: string; at: number };
  frames: number;
  /** The scan ended because the visitor said so. */
  stopped: boolean;
}

/**
 * Scans the frames of a hot log (header checked, CRC-checked frames) with progress, reading past
 * damage: each damaged region goes to `onDamage` once, as a range (see
 * `scanFileFramesAcrossDamage`). For the event log empty frames are damage (zero fill; an
 * archive is never empty); for the frame view they are frames.
 */
export function scanFrames(
  path: string,
  ctx: Ctx,
  visit: (f: FrameVisit) => unknown,
  onDamage: (d: FrameDamage) => unknown,
  events: boolean,
): HotScan {
  const h = openHotLogFile(ctx.fs, path);
  const file = h.path;
  let frames = 0;
  try {
    const size = h.size();
    if (size <= HOT_HEADER_LEN) {
      return { file, size, stop: { reason: 'header_only', at: size }, frames: 0, stopped: false };
    }
    const head = new Uint8Array(HOT_HEADER_LEN);
    readFully(h, head, 0, HOT_HEADER_LEN, 0);
    checkHotHeader(head, size);
    ctx.progress.begin(`scanning ${label(file)}`, size);
    const f: FrameVisit = { ps: 0, pe: 0, offset: 0, bytes: new Uint8Array(0) };
    let stop: HotScan['stop'] | undefined;
    const r = scanFileFramesAcrossDamage(
      h,
      hotLayout,
      (ps, pe, offset, b) => {
        frames++;
        ctx.progress.update(offset);
        f.ps = ps;
        f.pe = pe;
        f.offset = offset;
        f.bytes = b;
        return visit(f);
      },
      (d) => {
        stop ??= { reason: stopReason(d), at: d.at };
        return onDamage(d);
      },
      { start: HOT_HEADER_LEN, end: size, emptyFramesAreDamage: events },
    );
    return { file, size, stop: stop ?? { reason: 'eof', at: size }, frames, stopped: r.reason === 'stopped' };
  } finally {
    ctx.progress.end();
    h.close();
  }
}

export function stopReason(d: FrameDamage): string {
  if (d.kind === 'empty_frames') return 'empty_frame';
  if (d.kind === 'crc_mismatch') return 'crc_mismatch';
  return d.stop.reason === 'torn' && d.stop.available < hotLayout.overhead ? 'short_trailer' : 'torn_frame';
}

export function storedCrcAt(b: Uint8Array, pe: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(pe, true);
}

/** One damaged region of a hot log as a problem (a run of empty frames is one). */
export function damageProblem(d: FrameDamage, file: string): Problem {
  const after =
    d.resumeAt !== null
      ? `; a valid frame follows at byte ${d.resumeAt}: the damage is not a torn tail, and the frames after it are not replayed by the original`
      : d.searchGaveUp
        ? '; valid frames may follow (the search for one gave up); they are not replayed'
        : ', to the end of the log: no valid frame follows (a torn tail, as a crash leaves)';
  const range = { file, offset: d.at, end: d.end };
  if (d.kind === 'empty_frames') {
    return {
      code: HotCode.ARCHIVE_TOO_SHORT,
      ...range,
      message: `${d.end - d.at} bytes of empty frames (8 zero bytes each, as a zero-filled tail looks): no archive${after}`,
    };
  }
  if (d.stop.reason === 'torn') {
    const what =
      d.stop.available < hotLayout.overhead
        ? `${d.stop.available} stray bytes after the last frame (shorter than a frame's 8-byte envelope)`
        : `frame needs ${d.stop.needed} bytes, ${d.stop.available} present`;
    return { code: HotCode.FRAME_TORN, ...range, message: `${what}${after}` };
  }
  const crc = d.stop.reason === 'crc_mismatch' ? d.stop : { stored: 0, computed: 0 };
  return {
    code: HotCode.FRAME_CRC,
    ...range,
    message: `stored CRC-32 ${hex8(crc.stored)}, payload's ${hex8(crc.computed)}; replay stops here${after}`,
  };
}

export function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

export function headerOnlyNote(s: HotScan): string[] {
  return s.size > 0 && s.size < HOT_HEADER_LEN
    ? [`file of ${s.size} bytes: the original replays it as empty without checking a header (a torn header)`]
    : [];
}

/** Reads a hot log's header (for files ≤ 12 bytes the scan skips it, as the original does). */
export function headerProblem(fs: Fs, file: string, size: number): Problem | null {
  if (size === 0 || size > HOT_HEADER_LEN) return null;
  const h = fs.open(file);
  try {
    const head = new Uint8Array(size);
    readFully(h, head, 0, size, 0);
    checkHotHeader(head, size);
    return size < HOT_HEADER_LEN
      ? { code: HotCode.FRAME_TORN, file: basename(file), offset: 0, message: `a torn header: ${size} of its 12 bytes` }
      : null;
  } catch (e) {
    if (isLogspecError(e)) return problemOf(e, basename(file));
    throw e;
  } finally {
    h.close();
  }
}

/** An event whose archive does not decode, as a problem spanning its frame. */
export function undecodableProblem(ev: ReplayedEvent, file: string): Problem {
  return {
    ...problemOf(ev.error as LogspecError, file),
    offset: ev.offset,
    end: ev.offset + hotLayout.overhead + ev.archiveLen,
  };
}

/** `payload_json` that is not JSON: the event is read, but the original's replay aborts at it. */
export function payloadProblem(ev: ReplayedEvent, file: string): Problem | null {
  if (!ev.record) return null;
  try {
    parsePayload(ev.record);
    return null;
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    return {
      code: HotCode.PAYLOAD_JSON,
      file,
      offset: ev.offset + 4,
      message: `payload_json of event #${ev.index} is not JSON (the original's replay aborts here)`,
    };
  }
}

/** Frames (from `start`) of a growing hot log; tolerates a torn or not-yet-written tail. */
export class HotFollower implements Follower {
  private pos = HOT_HEADER_LEN;
  private index = 0;
  private headerChecked = false;
  constructor(
    private readonly path: string,
    private readonly ctx: Ctx,
    /** The frame as a record to print, or as the damage it is (an archive that does not decode). */
    private readonly item: (f: FrameVisit, index: number) => DumpItem | Problem,
  ) {}

  poll(emit: (item: DumpItem) => void, damage: DamageSink): void {
    const h = openHotLogFile(this.ctx.fs, this.path);
    try {
      const size = h.size();
      if (size < this.pos) {
        // The log was cut (a writer's recovery): carry on from its new end.
        this.pos = Math.max(HOT_HEADER_LEN, size);
        return;
      }
      if (size <= HOT_HEADER_LEN) return;
      if (!this.headerChecked) {
        const head = new Uint8Array(HOT_HEADER_LEN);
        readFully(h, head, 0, HOT_HEADER_LEN, 0);
        checkHotHeader(head, size);
        this.headerChecked = true;
      }
      const f: FrameVisit = { ps: 0, pe: 0, offset: 0, bytes: new Uint8Array(0) };
      const stop = scanFileFrames(
        h,
        hotLayout,
        (ps, pe, offset, b) => {
          f.ps = ps;
          f.pe = pe;
          f.offset = offset;
          f.bytes = b;
          const it = this.item(f, this.index++);
          if ('code' in it) damage(it);
          else emit(it);
        },
        { start: this.pos, end: size },
      );
      // A torn or CRC-bad frame at the end is most likely still being written: the next poll
      // reads it again from its start.
      this.pos = stop.offset;
    } finally {
      h.close();
    }
  }
}

/** Root directory of `<root>/hot/log.bin` for the writers; refuses other layouts. */
export function hotRoot(fs: Fs, path: string): string {
  const file = resolveHotLogPath(fs, path);
  if (!fs.exists(file)) {
    openHotLogFile(fs, path); // throws HOT_NOT_FOUND
  }
  const hot = dirname(file);
  if (basename(file) !== 'log.bin' || basename(hot) !== 'hot') {
    throw new UsageError(
      'CLI_UNSUPPORTED',
      `repair works on kaizen's layout <root>/hot/log.bin, not ${file}`,
      'copy the file to <root>/hot/log.bin and repair that root',
    );
  }
  return dirname(hot);
}

export function reportLines(r: {
  created: boolean;
  headerRepaired: boolean;
  stop: HotStop;
  truncatedAt: number | null;
  truncatedBytes: number;
}): string[] {
  const out: string[] = [];
  if (r.headerRepaired) out.push('the header was missing or torn and was rewritten');
  out.push(`recovery scan stopped: ${r.stop.reason} at byte ${r.stop.at}`);
  if (r.truncatedAt !== null) out.push(`log cut at byte ${r.truncatedAt} (${r.truncatedBytes} bytes)`);
  return out;
}
