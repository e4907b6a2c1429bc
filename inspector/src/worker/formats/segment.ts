import { dirname, type Fs } from '@logspec/core';
import {
  decodeMessageAt,
  describeIndexEntry,
  describeSegmentFrame,
  describeTimeIndexEntry,
  INDEX_ENTRY_SIZE,
  splitExtension,
  TIME_INDEX_ENTRY_SIZE,
  timestampMillisNumber,
} from '@logspec/segment-index';
import { repairSegmentLog, surveySegmentLog } from '@logspec/segment-index/store';
import {
  DamageMap,
  type FileModel,
  type FormatModel,
  isoMs,
  pageProblem,
  type ScanContext,
  short,
  timeline,
  tryTyped,
  UnitTable,
} from '../model.js';

/**
 * rivven's segment log through `@logspec/segment-index`: a partition directory of
 * `{base:020}.log` + `.index` (+ `.timeindex`), or one segment. Each file has its rows: the
 * log's messages, the index's entries.
 */

const LOG_COLUMNS = ['offset', 'time', 'key', 'value', 'headers'];
const INDEX_COLUMNS = ['relative offset', 'frame position'];
const TIME_COLUMNS = ['max time', 'relative offset'];
const text = new TextDecoder('utf-8', { fatal: false });

/** Bytes as text for a table cell: UTF-8 where it is, `·` for control and undecodable bytes. */
function printable(b: Uint8Array): string {
  let out = '';
  for (const ch of text.decode(b)) {
    const c = ch.codePointAt(0) as number;
    out += c < 0x20 || c === 0x7f || c === 0xfffd ? '·' : ch;
  }
  return out;
}

/** A damaged region between frames (read across: reading goes on at the next valid frame). */
const DAMAGE = 1;

const ROLE_COLUMNS: Record<string, string[]> = { log: LOG_COLUMNS, index: INDEX_COLUMNS, timeindex: TIME_COLUMNS };

export function scanSegmentInput(ctx: ScanContext): FormatModel {
  const { fs, path } = ctx;
  const files: FileModel[] = [];
  const byName = new Map<string, FileModel>();
  let current: FileModel | undefined;
  const survey = surveySegmentLog(fs, path, {
    file(name, abs, size) {
      const role = splitExtension(name).extension ?? 'log';
      const f: FileModel = {
        info: { id: files.length, path: abs.replace(/^\/in\//, ''), size, role, columns: ROLE_COLUMNS[role] },
        abs,
        units: new UnitTable(),
        damage: new DamageMap(),
      };
      current = f;
      files.push(f);
      byName.set(name, f);
      if (role === 'log') ctx.progress(`scanning ${f.info.path}`);
    },
    unit(u) {
      const f = current as FileModel;
      const time = u.message ? timestampMillisNumber(u.message.timestamp) : Number.NaN;
      f.units.push(u.offset, u.length, u.state, u.kind === 'damage' ? DAMAGE : 0, time);
      if (u.kind === 'frame') f.damage.add(u.offset, u.offset + u.length, u.state);
      if ((f.units.count & 0xffff) === 0) ctx.progress(`scanning ${f.info.path}`);
    },
    range: (from, to, state) => current?.damage.add(from, to, state),
  });
  const problems = survey.problems.map((p) => pageProblem(p, byName.get(p.file ?? '')?.info.id ?? 0));
  const messages = survey.messages;
  const segs = survey.segments;
  const tl = timeline(files.filter((f) => f.info.role === 'log'));
  return {
    format: 'segment',
    columns: LOG_COLUMNS,
    files,
    problems,
    summary: {
      facts: [
        ['segments', String(segs.length)],
        ['messages', messages.toLocaleString('en-US')],
        ['time', tl ? `${isoMs(tl.fromMs)} … ${isoMs(tl.toMs)}` : '—'],
      ],
      charts: tl ? [{ kind: 'timeline', title: 'messages over time', ...tl }] : [],
      notes: [],
    },
    cells(f, i, bytes) {
      if (f.info.role === 'index') {
        const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        return bytes.length < INDEX_ENTRY_SIZE
          ? ['torn entry', '']
          : [String(v.getUint32(0, false)), String(v.getBigUint64(4, false))];
      }
      if (f.info.role === 'timeindex') {
        const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        return bytes.length < TIME_INDEX_ENTRY_SIZE
          ? ['torn entry', '']
          : [isoMs(Number(v.getBigInt64(0, false))), String(v.getUint32(8, false))];
      }
      if (f.units.kind[i] === DAMAGE) return ['—', `damaged: ${f.units.stateOf(i)}`, '', `${bytes.length} B`, ''];
      const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, false);
      return tryTyped(
        () => {
          const m = decodeMessageAt(bytes, 8, Math.min(bytes.length, 8 + len)).message;
          return [
            String(m.offset),
            isoMs(timestampMillisNumber(m.timestamp)),
            m.key === null ? '—' : short(printable(m.key), 24),
            `${m.value.length} B: ${short(printable(m.value.subarray(0, 64)), 40)}`,
            m.headers.map((x) => x.key).join(', '),
          ];
        },
        (e) => ['—', e.code, '', '', ''],
      );
    },
    describe(f, i, bytes) {
      const at = f.units.offset[i] as number;
      if (f.info.role === 'index') return describeIndexEntry(bytes, 0, at);
      if (f.info.role === 'timeindex') return describeTimeIndexEntry(bytes, 0, at);
      return describeSegmentFrame(bytes, 0, at);
    },
    title(f, i) {
      if (f.units.kind[i] === DAMAGE) return `damaged bytes (${f.units.stateOf(i)})`;
      return f.info.role === 'log' ? `frame #${i}` : `entry #${i}`;
    },
    repair(view: Fs, force: boolean) {
      return repairSegmentLog(view, path, { force });
    },
    repairRoot: survey.partition ? path : dirname(path),
  };
}
