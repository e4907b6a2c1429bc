import {
  basename,
  type DamageState,
  type Fs,
  forEachZeroRun,
  isLogspecError,
  messageWithoutOffset,
  ProblemList,
  readFully,
  type SurveyProblem,
  type SurveyReport,
  type SurveySink,
  surveyReport,
} from '@logspec/core';
import { type FrameDamage, scanFileFramesAcrossDamage } from '../framing/damage-scan.js';
import { hotLayout } from '../framing/layout.js';
import { decodeRecordAt } from './archive.js';
import { HotCode } from './codes.js';
import { parsePayload } from './event.js';
import { type ReplayedEvent, replayedEvent } from './event-replay.js';
import { checkHotHeader, HOT_HEADER_LEN } from './header.js';
import { openHotLogFile } from './read.js';

/**
 * The damage survey of a hot log (`<root>/hot/log.bin`, or the file): the header; every frame
 * (with `events`, its rkyv `HotEventRecord` decoded and its `payload_json` parsed); every
 * damaged region between frames — read across, each once, as a range, reading going on at the
 * next frame that checks — and the problems and notes they give. A file longer than a header
 * whose header is not a hot log's throws the reader's typed error. `logspec verify`/`inspect`
 * and the browser inspector report exactly this; `dump` reads with `read` (as the original's
 * replay: up to the first damage).
 */

/** The header, a frame, or a damaged region, as the survey meets it. */
export interface HotSurveyUnit {
  file: string;
  offset: number;
  length: number;
  state: DamageState;
  kind: 'header' | 'frame' | 'damage';
  /** A frame's payload is `bytes[ps, pe)` — valid during the call only. */
  bytes: Uint8Array;
  ps: number;
  pe: number;
  /** With `events`: the frame's event (its record, or why the archive does not decode). */
  event: ReplayedEvent | null;
}

export interface HotSurveyOptions {
  /** Read payloads as `HotEventRecord` archives (`hotlog`); otherwise as opaque bytes (`hotframe`). */
  events: boolean;
  /** With `events`: also check every archive is the canonical bytes; findings become notes. */
  strict?: boolean;
  /** Read as the original's replay does (what `dump` prints): up to the first damage, which is reported. */
  read?: boolean;
}

export interface HotSurvey extends SurveyReport {
  /** The log file's path. */
  file: string;
  size: number;
  /** Where the original's replay stops: the first damage (or the end). */
  stop: { reason: string; at: number };
  frames: number;
  /** With `events`: frames whose archive decodes, and those that do not. */
  events: number;
  undecodable: number;
  /** With `events`: empty frames (zero fill) met as damage. */
  emptyFrames: number;
}

/** Why the original's replay stops at a damaged region. */
export function hotStopReason(d: FrameDamage): string {
  if (d.kind === 'empty_frames') return 'empty_frame';
  if (d.kind === 'crc_mismatch') return 'crc_mismatch';
  return d.stop.reason === 'torn' && d.stop.available < hotLayout.overhead ? 'short_trailer' : 'torn_frame';
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** One damaged region of a hot log as a problem (a run of empty frames is one). */
export function hotDamageProblem(d: FrameDamage, file: string): SurveyProblem {
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
      state: 'zero',
      message: `${d.end - d.at} bytes of empty frames (8 zero bytes each, as a zero-filled tail looks): no archive${after}`,
    };
  }
  if (d.stop.reason === 'torn') {
    const what =
      d.stop.available < hotLayout.overhead
        ? `${d.stop.available} stray bytes after the last frame (shorter than a frame's 8-byte envelope)`
        : `frame needs ${d.stop.needed} bytes, ${d.stop.available} present`;
    return { code: HotCode.FRAME_TORN, ...range, state: 'torn', message: `${what}${after}` };
  }
  const crc = d.stop.reason === 'crc_mismatch' ? d.stop : { stored: 0, computed: 0 };
  return {
    code: HotCode.FRAME_CRC,
    ...range,
    state: 'crc',
    message: `stored CRC-32 ${hex8(crc.stored)}, payload's ${hex8(crc.computed)}; replay stops here${after}`,
  };
}

/** An event whose archive does not decode, as a problem spanning its frame. */
export function hotUndecodableProblem(ev: ReplayedEvent, file: string): SurveyProblem {
  const e = ev.error as NonNullable<ReplayedEvent['error']>;
  return {
    code: e.code,
    file,
    offset: ev.offset,
    state: 'undecodable',
    message: messageWithoutOffset(e),
    end: ev.offset + hotLayout.overhead + ev.archiveLen,
  };
}

/** `payload_json` that is not JSON: the event is read, but the original's replay aborts at it. */
export function hotPayloadProblem(ev: ReplayedEvent, file: string): SurveyProblem | null {
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
      state: 'undecodable',
      message: `payload_json of event #${ev.index} is not JSON (the original's replay aborts here)`,
    };
  }
}

/** Surveys a hot log. */
export function surveyHotLog(fs: Fs, path: string, sink: SurveySink<HotSurveyUnit>, opts: HotSurveyOptions): HotSurvey {
  const list = new ProblemList();
  const found = (p: SurveyProblem) => {
    list.add(p);
    sink.problem?.(p);
  };
  const notes: string[] = [];
  const h = openHotLogFile(fs, path);
  const file = h.path;
  const name = basename(file);
  const out: HotSurvey = {
    ...surveyReport(list, notes),
    file,
    size: 0,
    stop: { reason: 'header_only', at: 0 },
    frames: 0,
    events: 0,
    undecodable: 0,
    emptyFrames: 0,
  };
  const u: HotSurveyUnit = {
    file: name,
    offset: 0,
    length: 0,
    state: 'valid',
    kind: 'header',
    bytes: new Uint8Array(0),
    ps: 0,
    pe: 0,
    event: null,
  };
  let emptyRun: { from: number; n: number } | null = null;
  const emptyRuns: { from: number; n: number }[] = [];
  try {
    const size = h.size();
    out.size = size;
    out.stop.at = size;
    sink.file?.(name, file, size);
    const head = new Uint8Array(Math.min(size, HOT_HEADER_LEN));
    readFully(h, head, 0, head.length, 0);
    if (size <= HOT_HEADER_LEN) {
      // The original replays a file of at most a header as empty, without checking it.
      if (!opts.read) headerOnly(head, size, name, u, sink, found, notes);
      return out;
    }
    checkHotHeader(head, size);
    u.length = HOT_HEADER_LEN;
    sink.unit?.(u);
    sink.range?.(0, HOT_HEADER_LEN, 'valid');
    u.kind = 'frame';
    let stop: HotSurvey['stop'] | undefined;
    const r = scanFileFramesAcrossDamage(
      h,
      hotLayout,
      (ps, pe, offset, b) => {
        const index = out.frames++;
        u.offset = offset;
        u.length = pe - ps + hotLayout.overhead;
        u.kind = 'frame';
        u.state = 'valid';
        u.bytes = b;
        u.ps = ps;
        u.pe = pe;
        u.event = null;
        if (opts.events) {
          const ev = replayedEvent(b, ps, pe, offset, index, new DataView(b.buffer, b.byteOffset).getUint32(pe, true));
          u.event = ev;
          if (!ev.record) {
            out.undecodable++;
            u.state = 'undecodable';
            found(hotUndecodableProblem(ev, name));
          } else {
            out.events++;
            const bad = hotPayloadProblem(ev, name);
            if (bad) {
              u.state = 'undecodable';
              found(bad);
            }
            if (opts.strict) strictNote(ev, b, ps, pe, notes);
          }
        } else if (pe === ps) {
          if (emptyRun && emptyRun.from + emptyRun.n * hotLayout.overhead === offset) emptyRun.n++;
          else {
            emptyRun = { from: offset, n: 1 };
            if (emptyRuns.length < 20) emptyRuns.push(emptyRun);
          }
        }
        return sink.unit?.(u) === false ? false : undefined;
      },
      (d) => {
        stop ??= { reason: hotStopReason(d), at: d.at };
        if (d.kind === 'empty_frames') out.emptyFrames += Math.floor((d.end - d.at) / hotLayout.overhead);
        const p = hotDamageProblem(d, name);
        found(p);
        Object.assign(u, { offset: d.at, length: d.end - d.at, state: p.state, kind: 'damage', event: null });
        sink.unit?.(u);
        if (sink.range) {
          sink.range(d.at, d.end, p.state);
          if (d.kind !== 'empty_frames') forEachZeroRun(fs, file, d.at, d.end, (a, z) => sink.range?.(a, z, 'zero'));
        }
        // The original's replay stops at the damage.
        return opts.read ? false : undefined;
      },
      { start: HOT_HEADER_LEN, end: size, emptyFramesAreDamage: opts.events },
    );
    out.stop = stop ?? { reason: 'eof', at: size };
    out.stopped = r.reason === 'stopped' && stop === undefined;
  } finally {
    h.close();
  }
  for (const r of emptyRuns) {
    notes.push(
      `${r.n} ${r.n === 1 ? 'empty frame' : 'empty frames'} at bytes [${r.from}, ${r.from + r.n * hotLayout.overhead}) (valid frames, but what zero fill reads as)`,
    );
  }
  out.unlisted = list.unlisted;
  return out;
}

/** A file of at most a header: a torn header (or one that is not a hot log's) is a problem, and a note says how the original reads it. */
function headerOnly(
  head: Uint8Array,
  size: number,
  name: string,
  u: HotSurveyUnit,
  sink: SurveySink<HotSurveyUnit>,
  found: (p: SurveyProblem) => void,
  notes: string[],
): void {
  if (size === 0) return;
  u.length = size;
  try {
    checkHotHeader(head, size);
    if (size < HOT_HEADER_LEN) {
      u.state = 'torn';
      found({
        code: HotCode.FRAME_TORN,
        file: name,
        offset: 0,
        state: 'torn',
        message: `a torn header: ${size} of its 12 bytes`,
      });
    }
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    u.state = 'undecodable';
    found({
      code: e.code,
      file: name,
      offset: e.offset ?? null,
      state: 'undecodable',
      message: messageWithoutOffset(e),
    });
  }
  sink.unit?.(u);
  sink.range?.(0, size, u.state);
  if (size < HOT_HEADER_LEN) {
    notes.push(`file of ${size} bytes: the original replays it as empty without checking a header (a torn header)`);
  }
}

function strictNote(ev: ReplayedEvent, b: Uint8Array, ps: number, pe: number, notes: string[]): void {
  try {
    decodeRecordAt(b, ps, pe, { position: ev.offset + 4, mode: 'strict' });
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    notes.push(`event #${ev.index} at byte ${ev.offset}: ${e.code}: valid, but not the bytes logspec writes`);
  }
}
