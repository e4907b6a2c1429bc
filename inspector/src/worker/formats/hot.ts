import { dirname, type Fs, isLogspecError } from '@logspec/core';
import { decodeRecordAt, describeHotFrame, describeHotHeader, HOT_HEADER_LEN } from '@logspec/frame';
import { type HotSurvey, repairHotLog, resolveHotLogPath, surveyHotLog } from '@logspec/frame/store';
import type { Chart, Problem } from '../../shared/protocol.js';
import {
  DamageMap,
  type FileModel,
  type FormatModel,
  isoMs,
  pageProblem,
  problemOf,
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
/** A damaged region between frames (read across: reading goes on at the next frame that checks). */
const DAMAGE = 2;

interface SessionTotals {
  events: number;
  tokensIn: number;
  tokensOut: number;
  cost: number;
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
  let payloadBytes = 0;
  let survey: HotSurvey | undefined;
  ctx.progress(`scanning ${file.info.path}`);
  try {
    survey = surveyHotLog(
      fs,
      path,
      {
        unit(u) {
          const kind = u.kind === 'header' ? HEADER : u.kind === 'damage' ? DAMAGE : 0;
          const rec = u.event?.record;
          file.units.push(u.offset, u.length, u.state, kind, rec ? Number(rec.tsMs) : Number.NaN);
          if (u.kind !== 'frame') return;
          file.damage.add(u.offset, u.offset + u.length, u.state);
          payloadBytes += u.pe - u.ps;
          if ((file.units.count & 0xffff) === 0) ctx.progress(`scanning ${file.info.path}`);
          if (!rec) return;
          kinds.set(rec.kind, (kinds.get(rec.kind) ?? 0) + 1);
          const s = sessions.get(rec.sessionId) ?? { events: 0, tokensIn: 0, tokensOut: 0, cost: 0 };
          s.events++;
          s.tokensIn += rec.tokensIn ?? 0;
          s.tokensOut += rec.tokensOut ?? 0;
          s.cost += Number(rec.costUsdE6 ?? 0n);
          if (sessions.size < 10_000 || sessions.has(rec.sessionId)) sessions.set(rec.sessionId, s);
        },
        range: (from, to, state) => file.damage.add(from, to, state),
      },
      { events: archives },
    );
    problems.push(...survey.problems.map((p) => pageProblem(p, 0)));
    notes.push(...survey.notes);
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    // The header is not a hot log's: nothing is read.
    file.units.push(0, Math.min(size, HOT_HEADER_LEN), 'undecodable', HEADER);
    file.damage.add(0, size, 'undecodable');
    problems.push(problemOf(e, 0, 'undecodable', size));
  }
  const events = survey?.events ?? 0;
  const frames = survey?.frames ?? 0;
  const stop = survey?.stop;
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
  if (stop && survey && survey.size > HOT_HEADER_LEN) facts.push(['replay stops', `${stop.reason} at byte ${stop.at}`]);
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
      if (f.units.kind[i] === DAMAGE) {
        const what = `damaged: ${f.units.stateOf(i)}`;
        return archives ? ['—', what, '', '', '', '', ''] : [String(bytes.length), what];
      }
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
      if (f.units.kind[i] === DAMAGE) return `damaged bytes (${f.units.stateOf(i)})`;
      return f.units.kind[i] === HEADER ? 'header' : `frame #${i - 1}`;
    },
    repair(view: Fs, force: boolean) {
      return repairHotLog(view, path, { force, events: archives });
    },
    repairRoot: dirname(path),
  };
}

function hexPreview(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}
