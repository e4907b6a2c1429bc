import { basename, crc32, type Fs, joinPath } from '@logspec/core';
import {
  decodeRecord,
  describeWalRecord,
  Field,
  HEADER_SIZE,
  PayloadField,
  recordTypeName,
  type SkipReason,
  skipMessage,
  WalCode,
  type WalRecordType,
} from '@logspec/wal';
import { type FileAwareSink, openWal, parseWalFileName, scanWal, walFileName } from '@logspec/wal/store';
import type { Problem } from '../../shared/protocol.js';
import {
  DamageMap,
  type FileModel,
  type FormatModel,
  isoMs,
  markZeroRuns,
  type ScanContext,
  short,
  timeline,
  tryTyped,
  UnitTable,
} from '../model.js';

/** xerv's workflow WAL (a directory of `wal_*.log`, or one file) through `@logspec/wal`. */

const SKIP_CODE: Record<SkipReason, string> = {
  crc_mismatch: WalCode.CRC_MISMATCH,
  unknown_record_type: WalCode.UNKNOWN_RECORD_TYPE,
  payload_eof: WalCode.PAYLOAD_EOF,
};

const TS_AT = Field.PAYLOAD + PayloadField.TIMESTAMP_NS;

export function scanWalInput(ctx: ScanContext): FormatModel {
  const { fs, path } = ctx;
  const isDir = fs.stat(path)?.isDirectory ?? false;
  const files: FileModel[] = [];
  const problems: Problem[] = [];
  const types = new Map<string, number>();
  const traces = new Set<string>();
  let current: FileModel | undefined;
  let records = 0;
  let skipped = 0;
  const sink: FileAwareSink = {
    beginFile(file, p, size) {
      current = {
        info: { id: files.length, path: isDir ? joinPath(basename(path), file) : file, size, role: 'log' },
        abs: p,
        units: new UnitTable(),
        damage: new DamageMap(),
      };
      files.push(current);
      ctx.progress(`scanning ${file}`);
    },
    record(b, s, totalLen, offset) {
      const f = current as FileModel;
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const ms = Number(v.getBigUint64(s + TS_AT, true) / 1000000n);
      f.units.push(offset, totalLen, 'valid', 0, ms);
      f.damage.add(offset, offset + totalLen, 'valid');
      const t = recordTypeName(b[s + Field.TYPE] as WalRecordType);
      types.set(t, (types.get(t) ?? 0) + 1);
      if (traces.size < 100_000) {
        traces.add(`${v.getBigUint64(s + Field.TRACE_ID, true)}:${v.getBigUint64(s + Field.TRACE_ID + 8, true)}`);
      }
      records++;
      if ((records & 0xffff) === 0) ctx.progress(`scanning ${f.info.path}`);
    },
    skip(b, s, totalLen, offset, reason) {
      const f = current as FileModel;
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const state = reason === 'crc_mismatch' ? 'crc' : 'undecodable';
      f.units.push(offset, totalLen, state, 0);
      f.damage.add(offset, offset + totalLen, state);
      const stored = v.getUint32(s + Field.CRC, true);
      const computed = reason === 'crc_mismatch' ? crc32(b, s + HEADER_SIZE, s + totalLen) : 0;
      problems.push({
        code: SKIP_CODE[reason],
        file: f.info.id,
        offset,
        length: totalLen,
        state,
        message: `record of ${totalLen} bytes skipped: ${skipMessage(reason, stored, computed)}`,
      });
      skipped++;
    },
  };
  const report = scanWal(path, sink, { fs, mode: 'logspec' });
  report.files.forEach((r, i) => {
    const f = files[i] as FileModel;
    const end = r.end;
    if (end.kind === 'clean') return;
    const newest = i === report.files.length - 1;
    if (end.kind === 'torn') {
      const code = end.cause === 'bad_length' ? WalCode.BAD_LENGTH : WalCode.RECORD_TRUNCATED;
      const what =
        end.cause === 'stray_bytes'
          ? `${end.bytes} stray bytes (shorter than a length field)`
          : end.cause === 'bad_length'
            ? `length ${end.length} below the 29-byte header (${end.bytes} bytes to the end)`
            : `a record of ${end.length} bytes cut short (${end.bytes} bytes present)`;
      f.damage.add(end.offset, r.size, 'torn');
      problems.push({
        code,
        file: f.info.id,
        offset: end.offset,
        length: end.bytes,
        state: 'torn',
        message: `${newest ? 'torn tail of the newest file (an interrupted append)' : 'torn end'}: ${what}`,
      });
    } else {
      const resync = end.resyncAt ?? r.size;
      f.damage.add(end.offset, resync, 'undecodable');
      f.damage.add(resync, r.size, 'unreferenced');
      problems.push({
        code: WalCode.CORRUPTION,
        file: f.info.id,
        offset: end.offset,
        length: end.bytes,
        state: 'undecodable',
        message: `${end.cause === 'bad_length' ? `length ${end.length} cannot be a record` : `a record of ${end.length} bytes runs past the end`}; valid records follow${end.resyncAt === null ? '' : ` (one at byte ${end.resyncAt})`}: the rest of the file (${end.bytes} bytes) is not read`,
      });
    }
    markZeroRuns(fs, f.abs, end.offset, r.size, f.damage);
  });
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
      return repairWal(view, path, isDir, force);
    },
    repairRoot: isDir ? path : dirnameOf(path),
  };
}

function dirnameOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/**
 * The package's writer repairs the newest file of a directory (`logspec repair`'s rule): a
 * single file is moved (in the view) into a directory of its own under its canonical name,
 * the writer opened and closed there, and the file moved back.
 */
function repairWal(view: Fs, path: string, isDir: boolean, force: boolean): string[] {
  if (isDir) return openAndClose(view, path, force);
  const stage = `${dirnameOf(path)}/.logspec-repair`;
  view.mkdir(stage);
  const staged = `${stage}/${walFileName(parseWalFileName(basename(path)) ?? 0n)}`;
  view.rename(path, staged);
  try {
    return openAndClose(view, stage, force);
  } finally {
    view.rename(staged, path);
    for (const left of view.readdir(stage)) view.unlink(`${stage}/${left}`);
    view.rmdir(stage);
  }
}

function openAndClose(view: Fs, dir: string, force: boolean): string[] {
  const w = openWal({
    fs: view,
    dir,
    durability: { mode: 'manual' },
    // Never start a new file just because the newest is large: repair appends nothing.
    reuseLimit: Number.MAX_SAFE_INTEGER,
    onCorruptTail: force ? 'rotate' : 'refuse',
  });
  const r = w.openReport;
  w.closeSync();
  const out: string[] = [];
  if (r.repairedTail) {
    out.push(
      `${r.repairedTail.file}: torn tail cut at byte ${r.repairedTail.offset} (${r.repairedTail.bytes} bytes, ${r.repairedTail.cause})`,
    );
  }
  if (r.corruptTail)
    out.push(`${r.corruptTail.file} is damaged before its end and left as it is; appends go to ${r.file}`);
  return out;
}
