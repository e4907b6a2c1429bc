import { basename, dirname, type Fs, joinPath } from '@logspec/core';
import { decodeRecord, describeWalRecord, Field, PayloadField, recordTypeName, type WalRecordType } from '@logspec/wal';
import { repairWal, surveyWal } from '@logspec/wal/store';
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

/** xerv's workflow WAL (a directory of `wal_*.log`, or one file) through `@logspec/wal`. */

const TS_AT = Field.PAYLOAD + PayloadField.TIMESTAMP_NS;

export function scanWalInput(ctx: ScanContext): FormatModel {
  const { fs, path } = ctx;
  const isDir = fs.stat(path)?.isDirectory ?? false;
  const files: FileModel[] = [];
  const byName = new Map<string, FileModel>();
  const types = new Map<string, number>();
  const traces = new Set<string>();
  let current: FileModel | undefined;
  const survey = surveyWal(fs, path, {
    file(file, p, size) {
      current = {
        info: { id: files.length, path: isDir ? joinPath(basename(path), file) : file, size, role: 'log' },
        abs: p,
        units: new UnitTable(),
        damage: new DamageMap(),
      };
      files.push(current);
      byName.set(file, current);
      ctx.progress(`scanning ${file}`);
    },
    unit(u) {
      const f = current as FileModel;
      const { bytes: b, start: s } = u;
      if (u.skip !== null) {
        f.units.push(u.offset, u.length, u.state, 0);
        f.damage.add(u.offset, u.offset + u.length, u.state);
        return;
      }
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const ms = Number(v.getBigUint64(s + TS_AT, true) / 1000000n);
      f.units.push(u.offset, u.length, 'valid', 0, ms);
      f.damage.add(u.offset, u.offset + u.length, 'valid');
      const t = recordTypeName(b[s + Field.TYPE] as WalRecordType);
      types.set(t, (types.get(t) ?? 0) + 1);
      if (traces.size < 100_000) {
        traces.add(`${v.getBigUint64(s + Field.TRACE_ID, true)}:${v.getBigUint64(s + Field.TRACE_ID + 8, true)}`);
      }
      if ((f.units.count & 0xffff) === 0) ctx.progress(`scanning ${f.info.path}`);
    },
    range(from, to, state) {
      (current as FileModel).damage.add(from, to, state);
    },
  });
  const problems = survey.problems.map((p) => pageProblem(p, byName.get(p.file ?? '')?.info.id ?? 0));
  const records = survey.records;
  const skipped = survey.skipped;
  const tl = timeline(files);
  const size = files.reduce((n, f) => n + f.info.size, 0);
  return {
    format: 'wal',
    columns: ['type', 'trace', 'node', 'time', 'error / metadata'],
    files,
    problems,
    summary: {
      facts: [
        ['files', String(files.length)],
        ['records', `${records.toLocaleString('en-US')}${skipped ? ` (+${skipped} skipped)` : ''}`],
        ['traces', traces.size >= 100_000 ? '100,000 or more' : traces.size.toLocaleString('en-US')],
        ['time', tl ? `${isoMs(tl.fromMs)} … ${isoMs(tl.toMs)}` : '—'],
        ['bytes', size.toLocaleString('en-US')],
      ],
      charts: [
        ...(tl ? [{ kind: 'timeline' as const, title: 'records over time', ...tl }] : []),
        {
          kind: 'bars',
          title: 'records by type',
          unit: 'records',
          items: [...types].sort((a, b) => b[1] - a[1]).map(([label, value]) => ({ label, value })),
        },
      ],
      notes: [],
    },
    cells(_f, _i, bytes) {
      return tryTyped(
        () => {
          const r = decodeRecord(bytes);
          const extra = [r.errorMessage, r.metadata].filter((x) => x !== null).join(' · ');
          return [
            recordTypeName(r.recordType),
            String(r.traceId).slice(0, 8),
            String(r.nodeId),
            isoMs(Number(r.timestampNs / 1000000n)),
            short(extra, 60),
          ];
        },
        (e) => ['—', '', '', '', e.code],
      );
    },
    describe(f, i, bytes) {
      return describeWalRecord(bytes, 0, f.units.offset[i] as number);
    },
    title(_f, i) {
      return `record #${i}`;
    },
    repair(view: Fs, force: boolean) {
      return repairWal(view, path, { force });
    },
    repairRoot: isDir ? path : dirname(path),
  };
}
