import { join } from 'node:path';
import { recordTypeName, WalRecords, type WalRecordType } from '@logspec/wal';
import { openWal, walEntries } from '@logspec/wal/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WAL_TABLE } from '../src/index.js';
import { cleanup, Duck, duckTypes, exportTo, fs, sql, tempDir } from './helpers.js';

/**
 * A WAL of 1,048,576 records (17 files: the writer rotates at 8 MiB here), written by the
 * package's writer, exported to Parquet; DuckDB's answers must equal what `walEntries` (the
 * package's streaming reader) gives, aggregated here record by record.
 */

const N = 1 << 20;
const TRACES = Array.from({ length: 997 }, (_, i) => `5e1f0000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const BASE_NS = 1_760_000_000_000_000_000n;

let duck: Duck;
let dir: string;
beforeAll(async () => {
  duck = await Duck.open();
  dir = tempDir();
  const w = openWal({ fs, dir: join(dir, 'wal'), durability: { mode: 'manual' }, maxFileSize: 8 << 20 });
  for (let i = 0; i < N; i++) {
    const trace = TRACES[i % TRACES.length] as string;
    const opts = { timestampNs: BASE_NS + BigInt(i) * 1000n };
    const t = i % 7;
    w.write(
      t === 0
        ? WalRecords.nodeStart(trace, i % 50, opts)
        : t === 1
          ? WalRecords.nodeDone(trace, i % 50, BigInt(i) * 64n, i % 4096, 0xabcn, opts)
          : t === 2
            ? WalRecords.nodeError(trace, i % 50, `boom ${i % 13}`, opts)
            : t === 3
              ? WalRecords.traceStart(trace, { ...opts, metadata: `{"step":${i % 1000}}` })
              : t === 4
                ? WalRecords.loopIteration(trace, i % 50, i % 100, opts)
                : t === 5
                  ? WalRecords.checkpoint(trace, i % 50, opts)
                  : WalRecords.traceComplete(trace, opts),
    );
  }
  w.closeSync();
}, 240_000);
afterAll(cleanup);

describe('a generated WAL of 1,048,576 records', () => {
  it('exports to Parquet that DuckDB reads as walEntries does', async () => {
    const path = join(dir, 'wal');
    const out = await exportTo(path, 'wal', 'parquet', dir);
    expect(out.problems).toEqual([]);
    expect(out.result.rows).toBe(N);

    // The reader's answers, streamed (no array of a million records).
    const perType = new Map<string, number>();
    const perTrace = new Map<string, number>();
    let rows = 0;
    let maxOffset = -1;
    let minTs: bigint | null = null;
    let maxTs: bigint | null = null;
    let outBytes = 0;
    for await (const e of walEntries(path, { fs })) {
      rows++;
      if (e.offset > maxOffset) maxOffset = e.offset;
      const ts = e.record.timestampNs;
      if (minTs === null || ts < minTs) minTs = ts;
      if (maxTs === null || ts > maxTs) maxTs = ts;
      outBytes += e.record.outputSize;
      const type = recordTypeName(e.record.recordType as WalRecordType);
      perType.set(type, (perType.get(type) ?? 0) + 1);
      perTrace.set(e.record.traceId, (perTrace.get(e.record.traceId) ?? 0) + 1);
    }
    expect(rows).toBe(N);

    const src = sql(out.file);
    expect(await duck.types(`SELECT * FROM ${src}`)).toEqual(duckTypes(WAL_TABLE));
    expect(
      await duck.rows(
        `SELECT count(*)::INTEGER AS n, max(file_offset) AS max_offset, min(timestamp_ns) AS min_ts, max(timestamp_ns) AS max_ts, sum(output_size)::VARCHAR AS out_bytes, count(DISTINCT segment)::INTEGER AS files FROM ${src}`,
      ),
    ).toEqual([
      {
        n: N,
        max_offset: String(maxOffset),
        min_ts: String(minTs),
        max_ts: String(maxTs),
        out_bytes: String(outBytes),
        files: fs.readdir(path).filter((n) => n.endsWith('.log')).length,
      },
    ]);
    expect(await duck.rows(`SELECT record_type, count(*)::INTEGER AS n FROM ${src} GROUP BY 1 ORDER BY 1`)).toEqual(
      [...perType.keys()].sort().map((k) => ({ record_type: k, n: perType.get(k) })),
    );
    expect(await duck.rows(`SELECT trace_id, count(*)::INTEGER AS n FROM ${src} GROUP BY 1 ORDER BY 1`)).toEqual(
      [...perTrace.keys()].sort().map((k) => ({ trace_id: k, n: perTrace.get(k) })),
    );
    // Row groups are sized for the data: several, none over the cap.
    const groups = await duck.rows(
      `SELECT row_group_id, max(row_group_num_rows)::INTEGER AS rows FROM parquet_metadata('${out.file}') GROUP BY 1 ORDER BY 1`,
    );
    expect(groups.length).toBeGreaterThan(1);
    for (const g of groups) expect(g.rows as number).toBeLessThanOrEqual(1 << 20);
  }, 240_000);
});
