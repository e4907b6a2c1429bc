import { basename, dirname, type Fs, isLogspecError, type LogspecError, readFully } from '@logspec/core';
import {
  checkHotHeader,
  decodeRecordAt,
  eventJson,
  HOT_HEADER_LEN,
  HotCode,
  type HotStop,
  hotFramesJson,
  hotLayout,
  parsePayload,
  type ReplayedEvent,
  replayedEvent,
  scanFileFrames,
  scanHotLogFile,
} from '@logspec/frame';
import { findWitness, HotFrameLog, HotLog, openHotLogFile, resolveHotLogPath } from '@logspec/frame/store';
import { UsageError } from '../errors.js';
import { hexPreview } from '../hex.js';
import { BigRange, bytes, count, isoFromMs, kv, short } from '../text.js';
import { healthJson, healthLine, label, problemOf } from './common.js';
import type { Ctx, DumpItem, Follower, FormatAdapter, Problem, RepairPlan, Summary, VerifyResult } from './types.js';

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
  stop: HotStop;
  frames: number;
  /** Where a valid frame follows the stop (corruption before the tail), or null. */
  witness: number | 'budget' | null;
}

/** Scans the frames of a hot log (CRC-checked) with progress; optionally looks for a witness after a bad stop. */
function scanFrames(path: string, ctx: Ctx, visit: (f: FrameVisit) => unknown, opts: { witness: boolean }): HotScan {
  const h = openHotLogFile(ctx.fs, path);
  const file = h.path;
  let frames = 0;
  try {
    const size = h.size();
    ctx.progress.begin(`scanning ${label(file)}`, size);
    const f: FrameVisit = { ps: 0, pe: 0, offset: 0, bytes: new Uint8Array(0) };
    const stop = scanHotLogFile(h, (ps, pe, offset, b) => {
      frames++;
      ctx.progress.update(offset);
      f.ps = ps;
      f.pe = pe;
      f.offset = offset;
      f.bytes = b;
      return visit(f);
    });
    let witness: HotScan['witness'] = null;
    if (
      opts.witness &&
      (stop.reason === 'torn_frame' || stop.reason === 'crc_mismatch' || stop.reason === 'short_trailer')
    ) {
      witness = findWitness(h, stop.at, size) ?? null;
    }
    return { file, size, stop, frames, witness };
  } finally {
    ctx.progress.end();
    h.close();
  }
}

function storedCrcAt(b: Uint8Array, pe: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(pe, true);
}

/** The problems a frame scan's stop implies (the same for both views of the file). */
function stopProblems(s: HotScan, name: string): Problem[] {
  const out: Problem[] = [];
  const st = s.stop;
  const file = name;
  switch (st.reason) {
    case 'eof':
    case 'header_only':
    case 'stopped':
      break;
    case 'short_trailer':
      out.push({
        code: HotCode.FRAME_TORN,
        file,
        offset: st.at,
        message: `${st.available} stray bytes after the last frame (shorter than a frame's 8-byte envelope)`,
      });
      break;
    case 'torn_frame':
      out.push({
        code: HotCode.FRAME_TORN,
        file,
        offset: st.at,
        message: `frame needs ${st.needed} bytes, ${st.available} present: a torn tail`,
      });
      break;
    case 'crc_mismatch':
      out.push({
        code: HotCode.FRAME_CRC,
        file,
        offset: st.at,
        message: `stored CRC-32 ${hex8(st.stored)}, payload's ${hex8(st.computed)}; replay stops here`,
      });
      break;
  }
  if (s.witness !== null) {
    out.push({
      code: HotCode.CORRUPT_BEFORE_TAIL,
      file,
      offset: st.at,
      message:
        s.witness === 'budget'
          ? 'the bad frame may be followed by valid frames (search budget exhausted); they are not replayed'
          : `a valid frame follows at byte ${s.witness}: the frames after the bad one are not replayed`,
    });
  }
  return out;
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
  const problems: Problem[] = [];
  const notes: string[] = [];
  let name = '';
  /** A run of empty frames (zero fill) is one problem, not thousands. */
  let emptyRun: { from: number; n: number } | null = null;
  const closeRun = () => {
    if (!emptyRun) return;
    problems.push({
      code: HotCode.ARCHIVE_TOO_SHORT,
      file: name,
      offset: emptyRun.from,
      message: `${count(emptyRun.n, 'empty frame')} (8 zero bytes each, as a zero-filled tail looks): no archive`,
    });
    emptyRun = null;
  };
  let index = 0;
  const scan = scanFrames(
    path,
    ctx,
    (f) => {
      name ||= basename(resolveHotLogPath(ctx.fs, path));
      const ev = replayedEvent(f.bytes, f.ps, f.pe, f.offset, index++, storedCrcAt(f.bytes, f.pe));
      if (ev.archiveLen === 0) {
        stats.emptyFrames++;
        if (emptyRun) emptyRun.n++;
        else emptyRun = { from: ev.offset, n: 1 };
        return;
      }
      closeRun();
      if (!ev.record) {
        stats.undecodable++;
        problems.push(problemOf(ev.error as LogspecError, name));
        return;
      }
      const r = ev.record;
      stats.events++;
      stats.sessions.add(r.sessionId);
      stats.seq.add(r.seq);
      stats.ts.add(r.tsMs);
      stats.kinds.set(r.kind, (stats.kinds.get(r.kind) ?? 0) + 1);
      try {
        parsePayload(r);
      } catch (e) {
        if (!isLogspecError(e)) throw e;
        stats.payloadJsonErrors++;
        problems.push({
          code: HotCode.PAYLOAD_JSON,
          file: name,
          offset: ev.offset + 4,
          message: `payload_json of event #${ev.index} is not JSON (the original's replay aborts here)`,
        });
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
    { witness: true },
  );
  closeRun();
  name ||= basename(scan.file);
  const header = headerProblem(ctx.fs, scan.file, scan.size);
  if (header) problems.unshift(header);
  problems.push(...stopProblems(scan, name));
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
    private readonly item: (f: FrameVisit, index: number) => DumpItem,
  ) {}

  poll(emit: (item: DumpItem) => void): void {
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
          emit(this.item(f, this.index++));
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
        health: healthJson(problems),
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
        ['health', healthLine(problems)],
      ]),
    };
  },

  scan(path, ctx, visit) {
    let index = 0;
    scanFrames(
      path,
      ctx,
      (f) => visit(eventItem(replayedEvent(f.bytes, f.ps, f.pe, f.offset, index++, storedCrcAt(f.bytes, f.pe)))),
      { witness: false },
    );
  },

  verify(path, ctx): VerifyResult {
    const { problems, notes } = analyzeEvents(path, ctx, true);
    return {
      checks: [
        'header (magic OHNEZIAK, version 1)',
        'every frame: length and CRC-32',
        'after a bad frame: whether valid frames follow (torn tail or corruption)',
        'every archive: rkyv 0.8 validation of HotEventRecord',
        'every payload_json: JSON',
        'strict: canonical archive bytes (reported as notes)',
      ],
      problems,
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
    return new HotFollower(path, ctx, (f, index) =>
      eventItem(replayedEvent(f.bytes, f.ps, f.pe, f.offset, index, storedCrcAt(f.bytes, f.pe))),
    );
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
  const scan = scanFrames(
    path,
    ctx,
    (f) => {
      sizes.add(BigInt(f.pe - f.ps));
      payloadBytes += f.pe - f.ps;
    },
    { witness: true },
  );
  const name = basename(scan.file);
  const problems: Problem[] = [];
  const header = headerProblem(ctx.fs, scan.file, scan.size);
  if (header) problems.push(header);
  problems.push(...stopProblems(scan, name));
  return { scan, sizes, payloadBytes, problems, notes: headerOnlyNote(scan) };
}

export const hotframe: FormatAdapter = {
  name: 'hotframe',

  inspect(path, ctx): Summary {
    const { scan, sizes, payloadBytes, problems, notes } = analyzeFrames(path, ctx);
    return {
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
        health: healthJson(problems),
      },
      lines: kv([
        ['format', 'hotframe (kaizen hot log frames, payloads opaque)'],
        ['file', scan.file],
        ['size', bytes(scan.size)],
        ['frames', String(scan.frames)],
        ['payload bytes', `${payloadBytes} (per frame ${sizes.text()})`],
        ['replay stops', `${scan.stop.reason} at byte ${scan.stop.at}`],
        ...notes.map((n) => ['note', n] as const),
        ['health', healthLine(problems)],
      ]),
    };
  },

  scan(path, ctx, visit) {
    let index = 0;
    scanFrames(path, ctx, (f) => visit(frameItem(f, index++, NO_STOP)), { witness: false });
  },

  verify(path, ctx): VerifyResult {
    const { problems, notes } = analyzeFrames(path, ctx);
    return {
      checks: [
        'header (magic OHNEZIAK, version 1)',
        'every frame: length and CRC-32',
        'after a bad frame: whether valid frames follow (torn tail or corruption)',
      ],
      problems,
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
