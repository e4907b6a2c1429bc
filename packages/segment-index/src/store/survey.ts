import {
  basename,
  type DamageState,
  dirname,
  type Fs,
  forEachZeroRun,
  isLogspecError,
  joinPath,
  type LogspecError,
  ProblemList,
  type SurveyProblem,
  type SurveyReport,
  type SurveySink,
  surveyReport,
} from '@logspec/core';
import { type FrameDamage, scanFileFramesAcrossDamage, segmentLayout } from '@logspec/frame';
import { SegCode } from '../codec/errors.js';
import { FRAME_HEADER_SIZE } from '../codec/frame.js';
import { INDEX_INTERVAL_BYTES } from '../codec/index-entries.js';
import type { Message } from '../codec/message.js';
import { decodeMessageAt } from '../codec/message-reader.js';
import { listSegmentBases, parseRustU64, segmentFileName, splitExtension } from '../codec/names.js';
import { IndexCheck } from './survey-indexes.js';

/**
 * The damage survey of a segment log (a partition directory, or one `{base:020}.log`): every
 * frame (its message decoded), every damaged region between frames — read across, each once,
 * as a range, reading going on at the next valid frame — every `.index` and `.timeindex`
 * entry against the frames, and the problems and notes they give. `logspec verify`/`inspect`
 * and the browser inspector report exactly this; `dump` reads with `read` (as the original's
 * reader: each segment up to its first damage).
 */

/** One segment of a log: its base offset, its directory and `.log` file. */
export interface SegmentRef {
  base: bigint;
  dir: string;
  /** Path of the `.log` file. */
  log: string;
  /** The `.log` file's name. */
  name: string;
}

export interface SegmentLog {
  dir: string;
  partition: boolean;
  segments: SegmentRef[];
}

/**
 * The segments of a partition directory (the original's rule), or the one segment a `.log`
 * path names; null for a file whose name is not `{base}.log`.
 */
export function segmentLogOf(fs: Fs, path: string): SegmentLog | null {
  if (fs.stat(path)?.isDirectory) {
    const segments = listSegmentBases(fs.readdir(path)).map((base) => ({
      base,
      dir: path,
      log: joinPath(path, segmentFileName(base)),
      name: segmentFileName(base),
    }));
    return { dir: path, partition: true, segments };
  }
  const base = parseRustU64(splitExtension(basename(path)).stem);
  if (base === undefined) return null;
  return {
    dir: dirname(path),
    partition: false,
    segments: [{ base, dir: dirname(path), log: path, name: basename(path) }],
  };
}

/** A frame, a damaged region, or an index entry, as the survey meets it. */
export interface SegmentSurveyUnit {
  /** The file's name (`{base:020}.log`, `.index`, `.timeindex`). */
  file: string;
  offset: number;
  length: number;
  state: DamageState;
  kind: 'frame' | 'damage' | 'index-entry' | 'time-entry';
  /** A frame's message (null when its payload does not decode, and for other units). */
  message: Message | null;
  /** Why a frame's payload does not decode. */
  error: LogspecError | null;
}

export interface SegmentSurveyOptions {
  /** Also decode every message strictly; non-canonical bytes become notes. */
  strict?: boolean;
  /**
   * Read as the original's reader does (what `dump` prints): each segment up to its first
   * damage (reported), no index checks, a missing segment skipped.
   */
  read?: boolean;
}

/** What the survey found in one segment. */
export interface SegmentSurveyFile {
  name: string;
  base: bigint;
  size: number;
  messages: number;
  indexEntries: number;
}

export interface SegmentSurvey extends SurveyReport {
  partition: boolean;
  segments: SegmentSurveyFile[];
  messages: number;
  undecodable: number;
}

const DAMAGE_STATE: Record<FrameDamage['kind'], DamageState> = {
  empty_frames: 'zero',
  torn: 'torn',
  crc_mismatch: 'crc',
};

/** One damaged region of a segment log as a problem (a run of empty frames is one). */
export function segmentDamageProblem(d: FrameDamage, file: string): SurveyProblem {
  const after =
    d.resumeAt !== null
      ? `; a valid frame follows at byte ${d.resumeAt}, and reading goes on there (the original's reader stops at the damage)`
      : d.searchGaveUp
        ? '; valid frames may follow (the search for one gave up)'
        : ', to the end of the log: no valid frame follows (a torn tail, as a crash leaves)';
  const range = { file, offset: d.at, end: d.end, state: DAMAGE_STATE[d.kind] };
  if (d.kind === 'empty_frames') {
    const n = Math.floor((d.end - d.at) / FRAME_HEADER_SIZE);
    return {
      code: SegCode.UNEXPECTED_END,
      ...range,
      message: `${d.end - d.at} bytes of empty frames (8 zero bytes each, ${n} ${n === 1 ? 'frame' : 'frames'}: zero fill, as a crash leaves)${after}`,
    };
  }
  if (d.stop.reason === 'torn') {
    return {
      code: SegCode.TORN_FRAME,
      ...range,
      message: `frame needs ${d.stop.needed} bytes, ${d.stop.available} present${after}`,
    };
  }
  const crc = d.stop.reason === 'crc_mismatch' ? d.stop : { stored: 0, computed: 0 };
  return {
    code: SegCode.CRC_MISMATCH,
    ...range,
    message: `stored CRC-32 ${crc.stored.toString(16).padStart(8, '0')}, payload's ${crc.computed.toString(16).padStart(8, '0')}${after}`,
  };
}

/** Surveys a partition directory or one segment (`path` a `{base}.log`; another name reads as base 0). */
export function surveySegmentLog(
  fs: Fs,
  path: string,
  sink: SurveySink<SegmentSurveyUnit> = {},
  opts: SegmentSurveyOptions = {},
): SegmentSurvey {
  const log = segmentLogOf(fs, path) ?? {
    dir: dirname(path),
    partition: false,
    segments: [{ base: 0n, dir: dirname(path), log: path, name: basename(path) }],
  };
  const list = new ProblemList();
  const found = (p: SurveyProblem) => {
    list.add(p);
    sink.problem?.(p);
  };
  const notes: string[] = [];
  const out: SegmentSurvey = {
    ...surveyReport(list, notes),
    partition: log.partition,
    segments: [],
    messages: 0,
    undecodable: 0,
  };
  /** Damaged regions that valid frames follow. */
  let afterDamage = 0;
  const u: SegmentSurveyUnit = {
    file: '',
    offset: 0,
    length: 0,
    state: 'valid',
    kind: 'frame',
    message: null,
    error: null,
  };
  for (const [i, seg] of log.segments.entries()) {
    if (!fs.exists(seg.log)) {
      if (opts.read) continue;
      found({
        code: SegCode.NOT_FOUND,
        file: seg.name,
        offset: null,
        state: 'undecodable',
        message: `segment ${seg.base} is listed but ${seg.name} does not exist`,
      });
      continue;
    }
    const nextBase = log.segments[i + 1]?.base;
    const st: SegmentSurveyFile = { name: seg.name, base: seg.base, size: 0, messages: 0, indexEntries: 0 };
    // The sparse index is derived data: its entries are checked against the frames as the
    // scan meets them (memory bounded by the index, not by the number of frames).
    const index = opts.read ? null : new IndexCheck(fs, seg, sink);
    let lastOffset: bigint | null = null;
    let disorder = 0;
    /** The 4 KiB rule is checked over the frames before the first damage (the log as the original wrote it). */
    let damaged = false;
    let lastIndexed = 0;
    const h = fs.open(seg.log);
    let size: number;
    try {
      size = h.size();
      sink.file?.(seg.name, seg.log, size);
      u.file = seg.name;
      const r = scanFileFramesAcrossDamage(
        h,
        segmentLayout,
        (ps, pe, at, b) => {
          u.offset = at;
          u.length = pe - ps + FRAME_HEADER_SIZE;
          u.kind = 'frame';
          try {
            u.message = decodeMessageAt(b, ps, pe, { baseOffset: at + FRAME_HEADER_SIZE, copy: true }).message;
            u.error = null;
          } catch (e) {
            if (!isLogspecError(e)) throw e;
            u.message = null;
            u.error = e;
          }
          const m = u.message;
          u.state = m ? 'valid' : 'undecodable';
          index?.frame(at, m);
          if (index && !damaged && (at === 0 || at - lastIndexed >= INDEX_INTERVAL_BYTES)) {
            lastIndexed = at;
            index.expect(at);
          }
          if (!m) {
            out.undecodable++;
            const e = u.error as LogspecError;
            found({
              code: e.code,
              file: seg.name,
              offset: at,
              state: 'undecodable',
              message: e.offset === undefined ? e.message : e.message.replace(` (at byte ${e.offset})`, ''),
              end: at + u.length,
            });
            return sink.unit?.(u) === false ? false : undefined;
          }
          out.messages++;
          st.messages++;
          if (!opts.read && m.offset < seg.base) {
            found({
              code: SegCode.OFFSET_BELOW_BASE,
              file: seg.name,
              offset: at,
              end: at + u.length,
              state: 'undecodable',
              message: `message offset ${m.offset} is below the segment's base ${seg.base}: reads never return it`,
            });
          } else if (lastOffset !== null && m.offset <= lastOffset) disorder++;
          if (!opts.read && nextBase !== undefined && m.offset >= nextBase) {
            notes.push(
              `${seg.name}: offset ${m.offset} at byte ${at} is not below the next segment's base ${nextBase}`,
            );
          }
          lastOffset = m.offset;
          if (opts.strict) {
            try {
              decodeMessageAt(b, ps, pe, { baseOffset: at + FRAME_HEADER_SIZE, mode: 'strict' });
            } catch (e) {
              if (!isLogspecError(e)) throw e;
              notes.push(`${seg.name}: message ${m.offset} at byte ${at}: ${e.code} (the original accepts it)`);
            }
          }
          return sink.unit?.(u) === false ? false : undefined;
        },
        (d) => {
          damaged = true;
          if (d.resumeAt !== null) afterDamage += 1;
          const p = segmentDamageProblem(d, seg.name);
          found(p);
          u.offset = d.at;
          u.length = d.end - d.at;
          u.state = p.state;
          u.kind = 'damage';
          u.message = null;
          u.error = null;
          sink.unit?.(u);
          if (sink.range) {
            sink.range(d.at, d.end, p.state);
            if (d.kind !== 'empty_frames')
              forEachZeroRun(fs, seg.log, d.at, d.end, (a, z) => sink.range?.(a, z, 'zero'));
          }
          // Reading as the original's reader does stops at the damage.
          return opts.read ? false : undefined;
        },
        { end: size },
      );
      if (r.reason === 'stopped' && !damaged) {
        out.stopped = true;
      }
    } finally {
      h.close();
    }
    st.size = size;
    if (out.stopped) break;
    if (opts.read) continue;
    if (disorder > 0) {
      notes.push(
        `${seg.name}: ${disorder} ${disorder === 1 ? 'message' : 'messages'} whose offset is not above the previous one (the original accepts that; logspec never writes it)`,
      );
    }
    st.indexEntries = index?.finish(size, found, notes) ?? 0;
    out.segments.push(st);
  }
  if (log.partition && !opts.read) {
    const stray = fs
      .readdir(log.dir)
      .filter((n) => splitExtension(n).extension === 'log' && !/^[0-9]{20}\.log$/.test(n));
    if (stray.length) notes.push(`names ending in .log that are not {base:020}.log: ${stray.join(', ')}`);
  }
  if (afterDamage > 0) {
    notes.push(
      `${afterDamage} ${afterDamage === 1 ? 'damaged region' : 'damaged regions'} with valid frames after ${afterDamage === 1 ? 'it' : 'them'}: the frames after the damage are counted here, the original's reader stops at it; 'logspec repair' keeps them (--force cuts them into the quarantine)`,
    );
  }
  out.unlisted = list.unlisted;
  return out;
}
