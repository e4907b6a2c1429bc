import { basename, dirname, type Fs, joinPath } from '@logspec/core';
import {
  decodeRecord,
  recordTypeName,
  TraceRecovery,
  toCanonicalEntry,
  traceIdHex,
  type WalRecord,
} from '@logspec/wal';
import {
  listWalFiles,
  parseWalFileName,
  repairWal,
  surveyWal,
  type WalSurvey,
  type WalSurveyOptions,
} from '@logspec/wal/store';
import { BigRange, bytes, count, isoFromNs, kv, short } from '../text.js';
import { cliProblem, healthJson, healthLine, problemListOf } from './common.js';
import type {
  Ctx,
  DamageSink,
  DumpItem,
  Follower,
  FormatCli,
  Problem,
  RepairPlan,
  Summary,
  VerifyResult,
} from './types.js';

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
 * The package's survey of a WAL with progress: each valid record decoded for `onRecord`,
 * skipped records and damaged ends as problems for `onProblem` (and in the survey's report).
 */
function walk(
  path: string,
  ctx: Ctx,
  onRecord: (v: Visit) => unknown,
  onProblem?: (p: Problem) => void,
  opts: WalSurveyOptions = {},
): WalSurvey {
  ctx.progress.begin(`scanning ${basename(path)}`, totalSize(ctx.fs, path));
  let done = 0;
  let fileSize = 0;
  try {
    return surveyWal(
      ctx.fs,
      path,
      {
        file(_f, _p, size) {
          done += fileSize;
          fileSize = size;
          ctx.progress.setBase(done);
        },
        unit(u) {
          if (u.skip !== null) return undefined;
          ctx.progress.update(u.offset);
          const record = decodeRecord(u.bytes.subarray(u.start, u.start + u.length), { baseOffset: u.offset });
          return onRecord({ file: u.file, offset: u.offset, totalLen: u.length, record }) === false ? false : undefined;
        },
        problem: onProblem && ((p) => onProblem(cliProblem(p))),
      },
      opts,
    );
  } finally {
    ctx.progress.end();
  }
}

function analyze(path: string, ctx: Ctx, strict: boolean) {
  const recovery = new TraceRecovery();
  const ts = new BigRange();
  const types = new Map<string, number>();
  const survey = walk(
    path,
    ctx,
    (v) => {
      recovery.apply(v.record);
      ts.add(v.record.timestampNs);
      const t = recordTypeName(v.record.recordType);
      types.set(t, (types.get(t) ?? 0) + 1);
      return undefined;
    },
    undefined,
    { strict },
  );
  const problems = problemListOf(survey);
  const notes = [...survey.notes];
  if (recovery.orphanRecords > 0) {
    notes.push(
      `${count(recovery.orphanRecords, 'record')} of traces without a TraceStart before them (xerv ignores them)`,
    );
  }
  return { report: survey, recovery, ts, types, records: survey.records, skipped: survey.skipped, problems, notes };
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
      (p) => {
        // Skipped records only (how a file ends is left to the next poll): read on after them.
        damage(p);
        this.from = { fileSequence: this.seqOf(p.file ?? ''), offset: p.end ?? 0 };
      },
      { from: this.from, ends: false },
    );
  }
}

export const wal: FormatCli = {
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

  dump(path, ctx, visit, damage) {
    let index = 0;
    walk(path, ctx, (v) => visit(recordItem(index++, v)), damage);
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

  repairPlan(path): RepairPlan {
    const name = basename(path);
    return {
      base: dirname(path),
      entries: [name],
      run: (fs, base, opts) => repairWal(fs, joinPath(base, name), opts),
    };
  },

  tail(path, ctx) {
    return new WalFollower(path, ctx);
  },
};
