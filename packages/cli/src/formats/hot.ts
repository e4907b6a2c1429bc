import { basename, dirname, type Fs, isLogspecError, type LogspecError, readFully } from '@logspec/core';
import {
  checkHotHeader,
  decodeRecordAt,
  eventJson,
  type FrameDamage,
  HOT_HEADER_LEN,
  HotCode,
  type HotStop,
  hotFramesJson,
  hotLayout,
  parsePayload,
  type ReplayedEvent,
  replayedEvent,
  scanFileFrames,
  scanFileFramesAcrossDamage,
} from '@logspec/frame';
import { HotFrameLog, HotLog, openHotLogFile, resolveHotLogPath } from '@logspec/frame/store';
import { UsageError } from '../errors.js';
import { hexPreview } from '../hex.js';
import { BigRange, bytes, count, isoFromMs, kv, short } from '../text.js';
import { healthJson, healthLine, label, ProblemList, problemOf } from './common.js';
import type {
  Ctx,
  DamageSink,
  DumpItem,
  Follower,
  FormatAdapter,
  Problem,
  RepairPlan,
  Summary,
  VerifyResult,
} from './types.js';

/**
 * kaizen's hot log (`<root>/hot/log.bin`) through `@logspec/frame`: `hotlog` decodes each frame's
 * rkyv `HotEventRecord`, `hotframe` treats payloads as opaque bytes.
 */

interface FrameVisit {
  ps: number;
  pe: number;
  offset: number;
  bytes: Uint8Array;
}

interface HotScan {
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
function scanFrames(
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

function stopReason(d: FrameDamage): string {
  if (d.kind === 'empty_frames') return 'empty_frame';
  if (d.kind === 'crc_mismatch') return 'crc_mismatch';
  return d.stop.reason === 'torn' && d.stop.available < hotLayout.overhead ? 'short_trailer' : 'torn_frame';
}

function storedCrcAt(b: Uint8Array, pe: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(pe, true);
}

/** One damaged region of a hot log as a problem (a run of empty frames is one). */
function damageProblem(d: FrameDamage, file: string): Problem {
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

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function headerOnlyNote(s: HotScan): string[] {
  return s.size > 0 && s.size < HOT_HEADER_LEN
    ? [`file of ${s.size} bytes: the original replays it as empty without checking a header (a torn header)`]
    : [];
}

/** Reads a hot log's header (for files ≤ 12 bytes the scan skips it, as the original does). */
function headerProblem(fs: Fs, file: string, size: number): Problem | null {
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
function undecodableProblem(ev: ReplayedEvent, file: string): Problem {
  return {
    ...problemOf(ev.error as LogspecError, file),
    offset: ev.offset,
    end: ev.offset + hotLayout.overhead + ev.archiveLen,
  };
}

/** `payload_json` that is not JSON: the event is read, but the original's replay aborts at it. */
function payloadProblem(ev: ReplayedEvent, file: string): Problem | null {
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

// ---- hotlog (events) ------------------------------------------------------------------------

interface EventStats {
  events: number;
  undecodable: number;
  emptyFrames: number;
  sessions: Set<string>;
  seq: BigRange;
  ts: BigRange;
  kinds: Map<string, number>;
  payloadJsonErrors: number;
}

function analyzeEvents(path: string, ctx: Ctx, strict: boolean) {
  const stats: EventStats = {
    events: 0,
    undecodable: 0,
    emptyFrames: 0,
    sessions: new Set(),
    seq: new BigRange(),
    ts: new BigRange(),
    kinds: new Map(),
    payloadJsonErrors: 0,
  };
  const problems = new ProblemList();
  const notes: string[] = [];
  const name = basename(resolveHotLogPath(ctx.fs, path));
  let index = 0;
  let header: Problem | null = null;
  const scan = scanFrames(
    path,
    ctx,
    (f) => {
      const ev = replayedEvent(f.bytes, f.ps, f.pe, f.offset, index++, storedCrcAt(f.bytes, f.pe));
      if (!ev.record) {
        stats.undecodable++;
        problems.add(undecodableProblem(ev, name));
        return;
      }
      const r = ev.record;
      stats.events++;
      stats.sessions.add(r.sessionId);
      stats.seq.add(r.seq);
      stats.ts.add(r.tsMs);
      stats.kinds.set(r.kind, (stats.kinds.get(r.kind) ?? 0) + 1);
      const bad = payloadProblem(ev, name);
      if (bad) {
        stats.payloadJsonErrors++;
        problems.add(bad);
      }
      if (strict) {
        try {
          decodeRecordAt(f.bytes, f.ps, f.pe, { position: f.offset + 4, mode: 'strict' });
        } catch (e) {
          if (!isLogspecError(e)) throw e;
          notes.push(`event #${ev.index} at byte ${ev.offset}: ${e.code}: valid, but not the bytes logspec writes`);
        }
      }
    },
    (d) => {
      if (d.kind === 'empty_frames') stats.emptyFrames += Math.floor((d.end - d.at) / hotLayout.overhead);
      problems.add(damageProblem(d, name));
    },
    true,
  );
  header = headerProblem(ctx.fs, scan.file, scan.size);
  if (header) problems.items.unshift(header);
  notes.push(...headerOnlyNote(scan));
  return { scan, stats, problems, notes };
}

/** A kind or source name as is, or JSON-quoted when it is empty or unusual. */
function name(s: string): string {
  return /^[A-Za-z0-9_-]+$/.test(s) ? s : JSON.stringify(s);
}

function eventText(ev: ReplayedEvent): string {
  const head = `#${ev.index} @${ev.offset}`;
  const r = ev.record;
  if (!r) {
    const e = ev.error as LogspecError;
    return `${head} undecodable archive (${ev.archiveLen} bytes): ${e.code}${e.offset === undefined ? '' : ` at byte ${e.offset}`}`;
  }
  const parts = [
    head,
    `session=${short(r.sessionId, 60)}`,
    `seq=${r.seq}`,
    `ts=${isoFromMs(r.tsMs)}`,
    `${name(r.kind)}/${name(r.source)}`,
  ];
  const opt: [string, unknown][] = [
    ['tool', r.tool],
    ['tool_call_id', r.toolCallId],
    ['tokens_in', r.tokensIn],
    ['tokens_out', r.tokensOut],
    ['reasoning_tokens', r.reasoningTokens],
    ['cost_usd_e6', r.costUsdE6],
    ['stop_reason', r.stopReason],
    ['latency_ms', r.latencyMs],
    ['ttft_ms', r.ttftMs],
    ['retry_count', r.retryCount],
    ['context_used_tokens', r.contextUsedTokens],
    ['context_max_tokens', r.contextMaxTokens],
    ['cache_creation_tokens', r.cacheCreationTokens],
    ['cache_read_tokens', r.cacheReadTokens],
    ['system_prompt_tokens', r.systemPromptTokens],
  ];
  for (const [k, v] of opt) if (v !== null) parts.push(`${k}=${typeof v === 'string' ? short(v, 60) : String(v)}`);
  if (!r.tsExact) parts.push('ts_exact=false');
  parts.push(`payload=${short(r.payloadJson, 200)}`);
  return parts.join(' ');
}

function eventItem(ev: ReplayedEvent): DumpItem {
  return { key: BigInt(ev.index), json: () => eventJson(ev), text: () => eventText(ev) };
}

/** Frames (from `start`) of a growing hot log; tolerates a torn or not-yet-written tail. */
class HotFollower implements Follower {
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
function hotRoot(fs: Fs, path: string): string {
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

function reportLines(r: {
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

export const hotlog: FormatAdapter = {
  name: 'hotlog',

  inspect(path, ctx): Summary {
    const { scan, stats, problems, notes } = analyzeEvents(path, ctx, false);
    const kinds = Object.fromEntries([...stats.kinds].sort());
    return {
      ok: problems.total === 0,
      json: {
        format: 'hotlog',
        path,
        file: scan.file,
        size: scan.size,
        frames: scan.frames,
        events: stats.events,
        undecodable: stats.undecodable,
        empty_frames: stats.emptyFrames,
        sessions: stats.sessions.size,
        seq: stats.seq.json(),
        ts_ms: stats.ts.json(),
        kinds,
        stop: { reason: scan.stop.reason, at: String(scan.stop.at) },
        notes,
        health: healthJson(problems.items, problems.unlisted),
      },
      lines: kv([
        ['format', 'hotlog (kaizen hot event log, rkyv 0.8 HotEventRecord frames)'],
        ['file', scan.file],
        ['size', bytes(scan.size)],
        ['frames', String(scan.frames)],
        [
          'events',
          `${stats.events}${stats.undecodable ? ` (+${stats.undecodable} undecodable)` : ''}${stats.emptyFrames ? ` (+${stats.emptyFrames} empty frames)` : ''}`,
        ],
        ['sessions', String(stats.sessions.size)],
        ['seq', stats.seq.text()],
        ['time', stats.ts.text(isoFromMs)],
        [
          'kinds',
          Object.entries(kinds)
            .map(([k, n]) => `${name(k)} ${n}`)
            .join(', ') || '—',
        ],
        ['replay stops', `${scan.stop.reason} at byte ${scan.stop.at}`],
        ...notes.map((n) => ['note', n] as const),
        ['health', healthLine(problems.items, problems.unlisted)],
      ]),
    };
  },

  scan(path, ctx, visit, damage) {
    const file = basename(resolveHotLogPath(ctx.fs, path));
    let index = 0;
    scanFrames(
      path,
      ctx,
      (f) => {
        const ev = replayedEvent(f.bytes, f.ps, f.pe, f.offset, index++, storedCrcAt(f.bytes, f.pe));
        // An event whose archive does not decode is left out and named (README: dump).
        if (!ev.record) {
          damage(undecodableProblem(ev, file));
          return undefined;
        }
        const go = visit(eventItem(ev));
        // Printed, but damage all the same: the original's replay aborts at it.
        const bad = payloadProblem(ev, file);
        if (bad) damage(bad);
        return go === false ? false : undefined;
      },
      (d) => {
        // Replay stops at the damage, as the original's does (its extent and the valid frame
        // after it are named; 'logspec verify' reads on).
        damage(damageProblem(d, file));
        return false;
      },
      true,
    );
  },

  verify(path, ctx): VerifyResult {
    const { problems, notes } = analyzeEvents(path, ctx, true);
    return {
      checks: [
        'header (magic OHNEZIAK, version 1)',
        'every frame: length and CRC-32',
        'after a bad frame: whether valid frames follow (torn tail or corruption), and the frames after it',
        'every archive: rkyv 0.8 validation of HotEventRecord',
        'every payload_json: JSON',
        'strict: canonical archive bytes (reported as notes)',
      ],
      problems: problems.items,
      unlisted: problems.unlisted,
      notes,
    };
  },

  repairPlan(path, ctx): RepairPlan {
    const root = hotRoot(ctx.fs, path);
    return {
      base: root,
      entries: ['hot/log.bin'],
      run(fs, base, opts) {
        const log = HotLog.open(fs, base, {
          durability: 'manual',
          repair: opts.force ? 'truncate' : 'tail',
          index: false,
        });
        try {
          return reportLines(log.report);
        } finally {
          log.close();
        }
      },
    };
  },

  follow(path, ctx) {
    const file = basename(resolveHotLogPath(ctx.fs, path));
    return new HotFollower(path, ctx, (f, index) => {
      const ev = replayedEvent(f.bytes, f.ps, f.pe, f.offset, index, storedCrcAt(f.bytes, f.pe));
      return ev.record ? eventItem(ev) : undecodableProblem(ev, file);
    });
  },
};

// ---- hotframe (opaque payloads) -------------------------------------------------------------

function frameItem(f: FrameVisit, index: number, stop: HotStop): DumpItem {
  const payload = f.bytes.slice(f.ps, f.pe);
  const offset = f.offset;
  return {
    key: BigInt(index),
    json: () => hotFramesJson([{ offset, payload }], stop).records[0],
    text: () => `#${index} @${offset} len=${payload.length} ${hexPreview(payload, 48)}`,
  };
}

const NO_STOP: HotStop = { reason: 'eof', at: 0 };

function analyzeFrames(path: string, ctx: Ctx) {
  const sizes = new BigRange();
  let payloadBytes = 0;
  /** Runs of empty frames: valid frames here, but what zero fill reads as (a note, per run). */
  let emptyRun: { from: number; n: number } | null = null;
  const emptyRuns: { from: number; n: number }[] = [];
  const problems = new ProblemList();
  const name = basename(resolveHotLogPath(ctx.fs, path));
  const scan = scanFrames(
    path,
    ctx,
    (f) => {
      const len = f.pe - f.ps;
      if (len === 0) {
        if (emptyRun && emptyRun.from + emptyRun.n * hotLayout.overhead === f.offset) emptyRun.n++;
        else {
          emptyRun = { from: f.offset, n: 1 };
          if (emptyRuns.length < 20) emptyRuns.push(emptyRun);
        }
      }
      sizes.add(BigInt(len));
      payloadBytes += len;
    },
    (d) => problems.add(damageProblem(d, name)),
    false,
  );
  const header = headerProblem(ctx.fs, scan.file, scan.size);
  if (header) problems.items.unshift(header);
  const notes = headerOnlyNote(scan);
  for (const r of emptyRuns) {
    notes.push(
      `${count(r.n, 'empty frame')} at bytes [${r.from}, ${r.from + r.n * hotLayout.overhead}) (valid frames, but what zero fill reads as)`,
    );
  }
  return { scan, sizes, payloadBytes, problems, notes };
}

export const hotframe: FormatAdapter = {
  name: 'hotframe',

  inspect(path, ctx): Summary {
    const { scan, sizes, payloadBytes, problems, notes } = analyzeFrames(path, ctx);
    return {
      ok: problems.total === 0,
      json: {
        format: 'hotframe',
        path,
        file: scan.file,
        size: scan.size,
        frames: scan.frames,
        payload_bytes: payloadBytes,
        payload_len: sizes.json(),
        stop: { reason: scan.stop.reason, at: String(scan.stop.at) },
        notes,
        health: healthJson(problems.items, problems.unlisted),
      },
      lines: kv([
        ['format', 'hotframe (kaizen hot log frames, payloads opaque)'],
        ['file', scan.file],
        ['size', bytes(scan.size)],
        ['frames', String(scan.frames)],
        ['payload bytes', `${payloadBytes} (per frame ${sizes.text()})`],
        ['replay stops', `${scan.stop.reason} at byte ${scan.stop.at}`],
        ...notes.map((n) => ['note', n] as const),
        ['health', healthLine(problems.items, problems.unlisted)],
      ]),
    };
  },

  scan(path, ctx, visit, damage) {
    const file = basename(resolveHotLogPath(ctx.fs, path));
    let index = 0;
    scanFrames(
      path,
      ctx,
      (f) => (visit(frameItem(f, index++, NO_STOP)) === false ? false : undefined),
      (d) => {
        damage(damageProblem(d, file));
        return false;
      },
      false,
    );
  },

  verify(path, ctx): VerifyResult {
    const { problems, notes } = analyzeFrames(path, ctx);
    return {
      checks: [
        'header (magic OHNEZIAK, version 1)',
        'every frame: length and CRC-32',
        'after a bad frame: whether valid frames follow (torn tail or corruption), and the frames after it',
      ],
      problems: problems.items,
      unlisted: problems.unlisted,
      notes,
    };
  },

  repairPlan(path, ctx): RepairPlan {
    const root = hotRoot(ctx.fs, path);
    return {
      base: root,
      entries: ['hot/log.bin'],
      run(fs, base, opts) {
        const log = HotFrameLog.open(fs, base, { durability: 'manual', repair: opts.force ? 'truncate' : 'tail' });
        try {
          return reportLines(log.report);
        } finally {
          log.close();
        }
      },
    };
  },

  follow(path, ctx) {
    return new HotFollower(path, ctx, (f, index) => frameItem(f, index, NO_STOP));
  },
};
