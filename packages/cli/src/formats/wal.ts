import { basename, crc32, dirname, type Fs, isLogspecError, joinPath } from '@logspec/core';
import {
  decodeRecord,
  encodeRecord,
  HEADER_SIZE,
  recordTypeName,
  type SkippedRecord,
  TraceRecovery,
  toCanonicalEntry,
  traceIdHex,
  type WalRecord,
} from '@logspec/wal';
import {
  type FileAwareSink,
  listWalFiles,
  openWal,
  parseWalFileName,
  scanWal,
  type WalScanReport,
  walFileName,
} from '@logspec/wal/store';
import { BigRange, bytes, count, isoFromNs, kv, short } from '../text.js';
import { healthJson, healthLine, ProblemList } from './common.js';
import type { Ctx, DamageSink, DumpItem, Follower, FormatAdapter, RepairPlan, Summary, VerifyResult } from './types.js';

import { endProblem, skipProblem } from './wal-problems.js';

/** xerv's workflow WAL (a directory of `wal_{seq:016x}.log`, or one file) through `@logspec/wal`. */

/** Total bytes to scan (for the progress bar). */
function totalSize(fs: Fs, path: string): number {
  const st = fs.stat(path);
  if (!st) return 0;
  if (!st.isDirectory) return st.size;
  let n = 0;
  for (const f of listWalFiles(fs, path)) n += f.isFile ? (fs.stat(f.path)?.size ?? 0) : 0;
  return n;
}

interface Visit {
  file: string;
  offset: number;
  totalLen: number;
  record: WalRecord;
}

/**
 * Streams a WAL's records (decoded, with file and offset) and skips, with progress. Returns
 * the package's scan report (how each file ends).
 */
function walk(
  path: string,
  ctx: Ctx,
  onRecord: (v: Visit) => unknown,
  onSkip?: (s: SkippedRecord) => void,
  from?: { fileSequence: bigint; offset: number },
): WalScanReport {
  ctx.progress.begin(`scanning ${basename(path)}`, totalSize(ctx.fs, path));
  let file = '';
  let done = 0;
  let fileSize = 0;
  const sink: FileAwareSink = {
    beginFile(f, _p, size) {
      done += fileSize;
      fileSize = size;
      file = f;
      ctx.progress.setBase(done);
    },
    record(b, s, totalLen, offset) {
      ctx.progress.update(offset);
      const record = decodeRecord(b.subarray(s, s + totalLen), { baseOffset: offset });
      return onRecord({ file, offset, totalLen, record });
    },
    skip(b, s, totalLen, offset, reason) {
      if (!onSkip) return;
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const sk: SkippedRecord = { file, offset, totalLen, reason };
      if (reason === 'crc_mismatch') {
        sk.storedCrc = v.getUint32(s + 4, true);
        sk.computedCrc = crc32(b, s + HEADER_SIZE, s + totalLen);
      }
      onSkip(sk);
    },
  };
  try {
    return scanWal(path, sink, { fs: ctx.fs, from });
  } finally {
    ctx.progress.end();
  }
}

function analyze(path: string, ctx: Ctx, strict: boolean) {
  const recovery = new TraceRecovery();
  const ts = new BigRange();
  const types = new Map<string, number>();
  const problems = new ProblemList();
  const notes: string[] = [];
  let records = 0;
  let skipped = 0;
  let strictNotes = 0;
  const report = walk(
    path,
    ctx,
    (v) => {
      records++;
      recovery.apply(v.record);
      ts.add(v.record.timestampNs);
      const t = recordTypeName(v.record.recordType);
      types.set(t, (types.get(t) ?? 0) + 1);
      return undefined;
    },
    (s) => {
      skipped++;
      problems.add(skipProblem(s));
    },
  );
  if (strict) {
    // A second pass over good records only: strict decoding (CRC first, no trailing payload bytes).
    walkStrict(path, ctx, (file, offset, e) => {
      if (strictNotes++ < 20) notes.push(`${file} record at byte ${offset}: ${e} (the original accepts it)`);
    });
    if (strictNotes > 20) notes.push(`… ${strictNotes - 20} more non-canonical records`);
  }
  report.files.forEach((f, i) => {
    const p = endProblem(f.file, f.end, i === report.files.length - 1);
    if (p) problems.add(p);
  });
  if (recovery.orphanRecords > 0) {
    notes.push(
      `${count(recovery.orphanRecords, 'record')} of traces without a TraceStart before them (xerv ignores them)`,
    );
  }
  return { report, recovery, ts, types, records, skipped, problems, notes };
}

function walkStrict(path: string, ctx: Ctx, note: (file: string, offset: number, what: string) => void): void {
  let file = '';
  scanWal(
    path,
    {
      beginFile(f) {
        file = f;
      },
      record(b, s, totalLen, offset) {
        const bytes = b.subarray(s, s + totalLen);
        try {
          const rec = decodeRecord(bytes, { mode: 'strict', baseOffset: offset });
          // What logspec's encoder writes for the decoded value: differs when the payload has
          // bytes after its fields, or strings that were not UTF-8 (read lossily).
          if (!sameBytes(encodeRecord(rec), bytes)) {
            note(
              file,
              offset,
              'not the bytes an encoder writes for it (bytes after the payload fields, or strings that are not UTF-8)',
            );
          }
        } catch (e) {
          if (!isLogspecError(e)) throw e;
          note(file, offset, `${e.code}`);
        }
      },
    },
    { fs: ctx.fs },
  );
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function recordText(index: number, v: Visit): string {
  const r = v.record;
  const parts = [
    `#${index}`,
    `${v.file}@${v.offset}`,
    recordTypeName(r.recordType),
    `trace=${traceIdHex(r.traceId)}`,
    `node=${r.nodeId}`,
    `ts=${isoFromNs(r.timestampNs)}`,
  ];
  if (r.outputOffset !== 0n || r.outputSize !== 0) parts.push(`output=${r.outputOffset}+${r.outputSize}`);
  if (r.schemaHash !== 0n) parts.push(`schema=0x${r.schemaHash.toString(16)}`);
  if (r.iteration !== 0) parts.push(`iteration=${r.iteration}`);
  if (r.errorMessage !== null) parts.push(`error=${short(r.errorMessage, 100)}`);
  if (r.metadata !== null) parts.push(`metadata=${short(r.metadata, 100)}`);
  return parts.join(' ');
}

function recordItem(index: number, v: Visit): DumpItem {
  const { file, offset, totalLen, record } = v;
  return {
    key: BigInt(index),
    json: () => toCanonicalEntry(file, offset, totalLen, record),
    text: () => recordText(index, v),
  };
}

/** Follows a WAL file or directory: each poll reads on from the end of the last record seen. */
class WalFollower implements Follower {
  private from: { fileSequence: bigint; offset: number } | undefined;
  private index = 0;
  private readonly seqOf: (file: string) => bigint;
  constructor(
    private readonly path: string,
    private readonly ctx: Ctx,
  ) {
    const isDir = ctx.fs.stat(path)?.isDirectory ?? false;
    this.seqOf = (file) => (isDir ? (parseWalFileName(file) ?? 0n) : (parseWalFileName(basename(path)) ?? 0n));
  }

  poll(emit: (item: DumpItem) => void, damage: DamageSink): void {
    // A torn end is most likely a record being written: the next poll reads it again.
    walk(
      this.path,
      this.ctx,
      (v) => {
        emit(recordItem(this.index++, v));
        this.from = { fileSequence: this.seqOf(v.file), offset: v.offset + v.totalLen };
        return undefined;
      },
      (s) => {
        damage(skipProblem(s));
        this.from = { fileSequence: this.seqOf(s.file), offset: s.offset + s.totalLen };
      },
      this.from,
    );
  }
}

/**
 * Repairs one WAL file that is not (or need not be) the newest of a directory: the package's
 * writer repairs the newest file of a directory, so the file is moved (renamed, not copied)
 * into a private directory under its canonical name, the writer opened and closed there, and
 * the file moved back.
 */
function repairOneFile(fs: Fs, base: string, name: string, force: boolean): string[] {
  const stage = joinPath(base, `.logspec-repair-${process.pid}-${Date.now()}`);
  fs.mkdir(stage);
  const staged = joinPath(stage, walFileName(parseWalFileName(name) ?? 0n));
  fs.rename(joinPath(base, name), staged);
  try {
    return openAndClose(fs, stage, force);
  } finally {
    fs.rename(staged, joinPath(base, name));
    // Only what the writer made is left: its lock, or an empty file it started (with --force).
    const left = fs.readdir(stage);
    if (left.every((f) => (fs.stat(joinPath(stage, f))?.size ?? 0) === 0)) {
      for (const f of left) fs.unlink(joinPath(stage, f));
      fs.rmdir(stage);
    }
    fs.fsyncDir(base);
  }
}

function openAndClose(fs: Fs, dir: string, force: boolean): string[] {
  const w = openWal({
    fs,
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
  if (r.corruptTail) {
    out.push(`${r.corruptTail.file} is damaged before its end and left as it is; appends go to ${r.file}`);
  }
  return out;
}

export const wal: FormatAdapter = {
  name: 'wal',

  inspect(path, ctx): Summary {
    const { report, recovery, ts, types, records, skipped, problems, notes } = analyze(path, ctx, false);
    const size = report.files.reduce((n, f) => n + f.size, 0);
    const typeCounts = Object.fromEntries([...types].sort());
    return {
      ok: problems.total === 0,
      json: {
        format: 'wal',
        path,
        size,
        files: report.files.map((f) => ({
          file: f.file,
          size: f.size,
          end: f.end.kind,
          end_offset: String(f.end.offset),
        })),
        records,
        skipped,
        record_types: typeCounts,
        traces: { incomplete: recovery.incomplete.size, finished: recovery.finished.size },
        timestamp_ns: ts.json(),
        notes,
        health: healthJson(problems.items, problems.unlisted),
      },
      lines: kv([
        ['format', 'wal (xerv workflow write-ahead log)'],
        ['path', path],
        ['files', report.files.map((f) => `${f.file} (${f.size} B, ${f.end.kind})`).join(', ') || '—'],
        ['size', bytes(size)],
        ['records', `${records}${skipped ? ` (+${skipped} skipped)` : ''}`],
        [
          'types',
          Object.entries(typeCounts)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ') || '—',
        ],
        ['traces', `${recovery.incomplete.size} incomplete, ${recovery.finished.size} finished`],
        ['time', ts.text(isoFromNs)],
        ...notes.map((n) => ['note', n] as const),
        ['health', healthLine(problems.items, problems.unlisted)],
      ]),
    };
  },

  scan(path, ctx, visit, damage) {
    let index = 0;
    let stopped = false;
    const report = walk(
      path,
      ctx,
      (v) => {
        const r = visit(recordItem(index++, v));
        if (r === false) stopped = true;
        return r;
      },
      (s) => damage(skipProblem(s)),
    );
    if (stopped) return;
    report.files.forEach((f, i) => {
      const p = endProblem(f.file, f.end, i === report.files.length - 1);
      if (p) damage(p);
    });
  },

  verify(path, ctx): VerifyResult {
    const { problems, notes } = analyze(path, ctx, true);
    return {
      checks: [
        'every record: length, CRC-32 of the payload, record type, payload structure',
        'how every file ends (clean, torn tail, or damage with valid records after it)',
        'strict: CRC before type, no bytes after the payload (reported as notes)',
        'trace fold: records of traces that never started (reported as notes)',
      ],
      problems: problems.items,
      unlisted: problems.unlisted,
      notes,
    };
  },

  repairPlan(path, ctx): RepairPlan {
    const isDir = ctx.fs.stat(path)?.isDirectory ?? false;
    const name = basename(path);
    return {
      base: dirname(path),
      entries: [name],
      run(fs, base, opts) {
        return isDir ? openAndClose(fs, joinPath(base, name), opts.force) : repairOneFile(fs, base, name, opts.force);
      },
    };
  },

  follow(path, ctx) {
    return new WalFollower(path, ctx);
  },
};
