import { basename, dirname, type Fs, isLogspecError, readFully } from '@logspec/core';
import {
  checkHotHeader,
  decodeRecordAt,
  describeHotFrame,
  describeHotHeader,
  HOT_HEADER_LEN,
  HotCode,
  type HotEventRecord,
  type HotStop,
  parsePayload,
  scanHotLogFile,
} from '@logspec/frame';
import { findWitness, HotFrameLog, HotLog, resolveHotLogPath } from '@logspec/frame/store';
import type { Chart, Problem } from '../../shared/protocol.js';
import {
  DamageMap,
  type FileModel,
  type FormatModel,
  isoMs,
  markZeroRuns,
  problemOf,
  readRange,
  type ScanContext,
  short,
  timeline,
  tryTyped,
  UnitTable,
} from '../model.js';

/**
 * kaizen's hot log through `@logspec/frame`: `hotlog` decodes each frame's rkyv
 * `HotEventRecord`; `hotframe` shows payloads as opaque bytes. A log none of whose payloads is
 * an event archive is shown as `hotframe` unless asked otherwise.
 */

const HEADER = 1;

interface SessionTotals {
  events: number;
  tokensIn: number;
  tokensOut: number;
  cost: number;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

export function scanHotInput(ctx: ScanContext): FormatModel {
  if (ctx.view === 'hotframe') return scan(ctx, false);
  const events = scan(ctx, true);
  const decoded = events.summary.facts.find(([k]) => k === 'events')?.[1];
  return decoded === '0' && events.problems.some((p) => p.state === 'undecodable') ? scan(ctx, false) : events;
}

function scan(ctx: ScanContext, archives: boolean): FormatModel {
  const { fs } = ctx;
  const path = resolveHotLogPath(fs, ctx.path);
  const size = fs.stat(path)?.size ?? 0;
  const file: FileModel = {
    info: { id: 0, path: path.replace(/^\/in\//, ''), size, role: 'hot log' },
    abs: path,
    units: new UnitTable(),
    damage: new DamageMap(),
  };
  const problems: Problem[] = [];
  const notes: string[] = [];
  const kinds = new Map<string, number>();
  const sessions = new Map<string, SessionTotals>();
  let events = 0;
  let frames = 0;
  let payloadBytes = 0;
  let emptyRun: { from: number; n: number } | null = null;
  const closeRun = () => {
    if (!emptyRun) return;
    problems.push({
      code: HotCode.ARCHIVE_TOO_SHORT,
      file: 0,
      offset: emptyRun.from,
      length: emptyRun.n * 8,
      state: 'zero',
      message: `${emptyRun.n} empty frame${emptyRun.n === 1 ? '' : 's'} (8 zero bytes each, as a zero-filled tail looks): no archive`,
    });
    emptyRun = null;
  };
  file.units.push(0, Math.min(size, HOT_HEADER_LEN), 'valid', HEADER);
  file.damage.add(0, Math.min(size, HOT_HEADER_LEN), 'valid');
  const h = fs.open(path);
  let stop: HotStop | undefined;
  try {
    ctx.progress(`scanning ${file.info.path}`);
    stop = scanHotLogFile(h, (ps, pe, offset, b) => {
      frames++;
      const end = offset + 8 + (pe - ps);
      const len = pe - ps;
      payloadBytes += len;
      if ((frames & 0xffff) === 0) ctx.progress(`scanning ${file.info.path}`);
      if (!archives) {
        file.units.push(offset, 8 + len, 'valid');
        file.damage.add(offset, end, 'valid');
        return;
      }
      if (len === 0) {
        file.units.push(offset, 8, 'zero');
        file.damage.add(offset, end, 'zero');
        if (emptyRun) emptyRun.n++;
        else emptyRun = { from: offset, n: 1 };
        return;
      }
      closeRun();
      let rec: HotEventRecord;
      try {
        rec = decodeRecordAt(b, ps, pe, { position: offset + 4 });
      } catch (e) {
        if (!isLogspecError(e)) throw e;
        file.units.push(offset, 8 + len, 'undecodable');
        file.damage.add(offset, end, 'undecodable');
        problems.push(problemOf(e, 0, 'undecodable', 8 + len));
        return;
      }
      events++;
      file.units.push(offset, 8 + len, 'valid', 0, Number(rec.tsMs));
      file.damage.add(offset, end, 'valid');
      kinds.set(rec.kind, (kinds.get(rec.kind) ?? 0) + 1);
      const s = sessions.get(rec.sessionId) ?? { events: 0, tokensIn: 0, tokensOut: 0, cost: 0 };
      s.events++;
      s.tokensIn += rec.tokensIn ?? 0;
      s.tokensOut += rec.tokensOut ?? 0;
      s.cost += Number(rec.costUsdE6 ?? 0n);
      if (sessions.size < 10_000 || sessions.has(rec.sessionId)) sessions.set(rec.sessionId, s);
      tryTyped(
        () => parsePayload(rec),
        () => {
          file.units.setState(file.units.count - 1, 'undecodable');
          file.damage.add(offset, end, 'undecodable');
          problems.push({
            code: HotCode.PAYLOAD_JSON,
            file: 0,
            offset: offset + 4,
            length: len,
            state: 'undecodable',
            message: `payload_json of event #${frames - 1} is not JSON (the original's replay aborts here)`,
          });
          return undefined;
        },
      );
    });
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    // The header is not a hot log's: nothing is read.
    file.units.setState(0, 'undecodable');
    file.damage.add(0, size, 'undecodable');
    problems.push(problemOf(e, 0, 'undecodable', size));
  }
  closeRun();
  if (stop) stopDamage(fs, file, h, stop, problems);
  h.close();
  if (size > 0 && size < HOT_HEADER_LEN) {
    tryTyped(
      () => {
        checkHotHeader(readRange(fs, path, 0, size), size);
        file.units.setState(0, 'torn');
        file.damage.add(0, size, 'torn');
        problems.unshift({
          code: HotCode.FRAME_TORN,
          file: 0,
          offset: 0,
          length: size,
          state: 'torn',
          message: `a torn header: ${size} of its 12 bytes`,
        });
        return undefined;
      },
      (e) => {
        file.units.setState(0, 'undecodable');
        file.damage.add(0, size, 'undecodable');
        problems.unshift(problemOf(e, 0, 'undecodable', size));
        return undefined;
      },
    );
  }
  const tl = timeline([file]);
  const charts: Chart[] = [];
  const facts: [string, string][] = [];
  if (archives) {
    facts.push(['events', String(events)], ['frames', String(frames)], ['sessions', String(sessions.size)]);
    if (tl) {
      facts.push(['time', `${isoMs(tl.fromMs)} … ${isoMs(tl.toMs)}`]);
      charts.push({ kind: 'timeline', title: 'events over time', ...tl });
    }
    const top = [...sessions]
      .sort((a, b) => b[1].tokensIn + b[1].tokensOut - (a[1].tokensIn + a[1].tokensOut))
      .slice(0, 12);
    charts.push({
      kind: 'bars',
      title: 'tokens per session (in + out)',
      unit: 'tokens',
      items: top.map(([id, s]) => ({
        label: short(id, 28),
        value: s.tokensIn + s.tokensOut,
        note: `${s.events} events · $${(s.cost / 1e6).toFixed(4)}`,
      })),
    });
    charts.push({
      kind: 'bars',
      title: 'events by kind',
      unit: 'events',
      items: [...kinds].sort((a, b) => b[1] - a[1]).map(([label, value]) => ({ label, value })),
    });
  } else {
    facts.push(['frames', String(frames)], ['payload bytes', payloadBytes.toLocaleString('en-US')]);
    notes.push('payloads shown as opaque bytes (hotframe): they are not HotEventRecord archives');
  }
  if (stop) facts.push(['replay stops', `${stop.reason} at byte ${stop.at}`]);
  return {
    format: archives ? 'hotlog' : 'hotframe',
    columns: archives
      ? ['seq', 'time', 'kind', 'session', 'tool', 'tokens in/out', 'cost $']
      : ['payload bytes', 'payload'],
    files: [file],
    problems,
    summary: { facts, charts, notes },
    cells(f, i, bytes) {
      if (f.units.kind[i] === HEADER) return archives ? ['header', '', '', '', '', '', ''] : ['header', ''];
      const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
      if (!archives) return [String(len), hexPreview(bytes.subarray(4, 4 + Math.min(len, 24)))];
      if (len === 0) return ['—', 'empty frame', '', '', '', '', ''];
      return tryTyped(
        () => {
          const r = decodeRecordAt(bytes, 4, 4 + len, { position: (f.units.offset[i] as number) + 4 });
          return [
            String(r.seq),
            isoMs(Number(r.tsMs)),
            r.kind,
            short(r.sessionId, 24),
            r.tool ?? '',
            `${r.tokensIn ?? '—'} / ${r.tokensOut ?? '—'}`,
            r.costUsdE6 === null ? '' : (Number(r.costUsdE6) / 1e6).toFixed(4),
          ];
        },
        (e) => ['—', e.code, '', '', '', '', ''],
      );
    },
    describe(f, i, bytes) {
      if (f.units.kind[i] === HEADER) return describeHotHeader(bytes);
      return describeHotFrame(bytes, 0, f.units.offset[i] as number, { archive: archives });
    },
    title(f, i) {
      return f.units.kind[i] === HEADER ? 'header' : `frame #${i - 1}`;
    },
    repair(view: Fs, force: boolean) {
      return repairHot(view, path, archives, force);
    },
    repairRoot: dirname(path),
  };
}

/** The problems and damage of how replay stopped (torn tail, CRC-bad frame, what follows it). */
function stopDamage(fs: Fs, file: FileModel, h: ReturnType<Fs['open']>, st: HotStop, problems: Problem[]): void {
  const size = file.info.size;
  if (st.reason === 'short_trailer' || st.reason === 'torn_frame') {
    file.damage.add(st.at, size, 'torn');
    problems.push({
      code: HotCode.FRAME_TORN,
      file: 0,
      offset: st.at,
      length: size - st.at,
      state: 'torn',
      message:
        st.reason === 'short_trailer'
          ? `${st.available} stray bytes after the last frame (shorter than a frame's 8-byte envelope)`
          : `frame needs ${st.needed} bytes, ${st.available} present: a torn tail`,
    });
    markZeroRuns(fs, file.abs, st.at, size, file.damage);
  } else if (st.reason === 'crc_mismatch') {
    const head = new Uint8Array(4);
    readFully(h, head, 0, 4, st.at);
    const end = st.at + 8 + new DataView(head.buffer).getUint32(0, true);
    file.units.push(st.at, end - st.at, 'crc');
    file.damage.add(st.at, end, 'crc');
    problems.push({
      code: HotCode.FRAME_CRC,
      file: 0,
      offset: st.at,
      length: end - st.at,
      state: 'crc',
      message: `stored CRC-32 ${hex8(st.stored)}, payload's ${hex8(st.computed)}; replay stops here`,
    });
    // Replay reads nothing after a CRC-bad frame, even valid frames.
    file.damage.add(end, size, 'unreferenced');
  }
  if (st.reason === 'torn_frame' || st.reason === 'crc_mismatch' || st.reason === 'short_trailer') {
    const w = findWitness(h, st.at, size);
    if (w !== undefined) {
      problems.push({
        code: HotCode.CORRUPT_BEFORE_TAIL,
        file: 0,
        offset: st.at,
        length: size - st.at,
        state: 'unreferenced',
        message:
          w === 'budget'
            ? 'the bad frame may be followed by valid frames (search budget exhausted); they are not replayed'
            : `a valid frame follows at byte ${w}: the frames after the bad one are not replayed`,
      });
    }
  }
}

function hexPreview(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

/**
 * The package's recovery opens `<root>/hot/log.bin`; a log dropped under another name is
 * moved there in the view for the run, and back.
 */
function repairHot(view: Fs, path: string, archives: boolean, force: boolean): string[] {
  const inLayout = basename(path) === 'log.bin' && basename(dirname(path)) === 'hot';
  const root = inLayout ? dirname(dirname(path)) : `${dirname(path)}/.logspec-repair`;
  const staged = `${root}/hot/log.bin`;
  if (!inLayout) {
    view.mkdir(`${root}/hot`, { recursive: true });
    view.rename(path, staged);
  }
  try {
    const repair = force ? 'truncate' : 'tail';
    const log = archives
      ? HotLog.open(view, root, { durability: 'manual', repair, index: false })
      : HotFrameLog.open(view, root, { durability: 'manual', repair });
    try {
      const r = log.report;
      const out: string[] = [];
      if (r.headerRepaired) out.push('the header was missing or torn and was rewritten');
      out.push(`recovery scan stopped: ${r.stop.reason} at byte ${r.stop.at}`);
      if (r.truncatedAt !== null) out.push(`log cut at byte ${r.truncatedAt} (${r.truncatedBytes} bytes)`);
      return out;
    } finally {
      log.close();
    }
  } finally {
    if (!inLayout) {
      view.rename(staged, path);
      for (const left of view.readdir(`${root}/hot`)) view.unlink(`${root}/hot/${left}`);
      view.rmdir(`${root}/hot`);
      for (const left of view.readdir(root)) view.unlink(`${root}/${left}`);
      view.rmdir(root);
    }
  }
}
