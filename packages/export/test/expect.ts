import { hexEncode, isLogspecError } from '@logspec/core';
import type { HotEventRecord } from '@logspec/frame';
import { readHotFrames, replayHotLog } from '@logspec/frame/store';
import { readRingFile } from '@logspec/ring-log/store';
import { readPartitionOriginal, readSegmentFileOriginal } from '@logspec/segment-index/store';
import { SessionStore } from '@logspec/session-store/store';
import { recordTypeName } from '@logspec/wal';
import { readWal } from '@logspec/wal/store';
import type { ExportFormat } from '../src/store.js';
import { fs } from './helpers.js';

/**
 * What the project's own readers say about a log, as the answers of SQL queries over its
 * export: each query (with `src` standing for the table) is paired with the rows it must give,
 * computed from the format package's reader, not from the export.
 */
export interface Expectation {
  rows: number;
  /**
   * Problems the export must report: what the reader skipped or stopped at (null: the reader
   * does not say; the segment reader stops silently at a torn frame, the export reports it).
   */
  problems: number | null;
  queries: { sql: string; want: Record<string, unknown>[] }[];
}

type Counted = Map<string, number>;
function countBy<T>(xs: readonly T[], key: (x: T) => string): Counted {
  const m: Counted = new Map();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}
function sortedRows(m: Counted, name: string): Record<string, unknown>[] {
  return [...m.keys()].sort().map((k) => ({ [name]: k, n: m.get(k) }));
}
/** Min or max of bigints (Math.min/max take numbers only), as a decimal string. */
function big(xs: readonly bigint[], f: 'min' | 'max'): string | null {
  let best: bigint | null = null;
  for (const x of xs) if (best === null || (f === 'min' ? x < best : x > best)) best = x;
  return best === null ? null : String(best);
}
const maxNum = (xs: readonly number[]): string | null => (xs.length ? String(Math.max(...xs)) : null);

function wal(path: string): Expectation {
  const r = readWal(path, { fs });
  const recs = r.records;
  const traces = new Map<string, { n: number; s: number }>();
  for (const e of recs) {
    const t = traces.get(e.record.traceId) ?? { n: 0, s: 0 };
    t.n++;
    t.s += e.record.nodeId; // exact: ids are u32, a golden file has few records
    traces.set(e.record.traceId, t);
  }
  return {
    rows: recs.length,
    problems: r.skipped.length + r.damage.length + (r.tornTail ? 1 : 0),
    queries: [
      {
        sql: 'SELECT count(*)::INTEGER AS n, max(file_offset) AS max_offset, min(timestamp_ns) AS min_ts, max(timestamp_ns) AS max_ts, sum(output_size)::BIGINT::VARCHAR AS out_bytes FROM src',
        want: [
          {
            n: recs.length,
            max_offset: maxNum(recs.map((e) => e.offset)),
            min_ts: big(
              recs.map((e) => e.record.timestampNs),
              'min',
            ),
            max_ts: big(
              recs.map((e) => e.record.timestampNs),
              'max',
            ),
            out_bytes: recs.length ? String(recs.reduce((s, e) => s + e.record.outputSize, 0)) : null,
          },
        ],
      },
      {
        sql: 'SELECT record_type, count(*)::INTEGER AS n FROM src GROUP BY 1 ORDER BY 1',
        want: sortedRows(
          countBy(recs, (e) => recordTypeName(e.record.recordType)),
          'record_type',
        ),
      },
      {
        sql: 'SELECT trace_id, count(*)::INTEGER AS n, sum(node_id)::VARCHAR AS s FROM src GROUP BY 1 ORDER BY 1',
        want: [...traces.keys()].sort().map((k) => ({ trace_id: k, n: traces.get(k)?.n, s: String(traces.get(k)?.s) })),
      },
      {
        sql: 'SELECT file, file_offset, error_message, metadata FROM src ORDER BY segment NULLS FIRST, file, file_offset',
        want: recs.map((e) => ({
          file: e.file,
          file_offset: String(e.offset),
          error_message: e.record.errorMessage,
          metadata: e.record.metadata,
        })),
      },
    ],
  };
}

function hotlog(path: string): Expectation {
  const r = replayHotLog(fs, path);
  const evs = r.events.filter((e) => e.record !== null);
  const recs = evs.map((e) => e.record as HotEventRecord);
  const tokens = new Map<string, number>();
  for (const x of recs)
    tokens.set(x.sessionId, (tokens.get(x.sessionId) ?? 0) + (x.tokensIn ?? 0) + (x.tokensOut ?? 0));
  const stopped = r.stop.reason !== 'eof' && r.stop.reason !== 'header_only';
  return {
    rows: recs.length,
    problems: r.events.length - evs.length + (stopped ? 1 : 0),
    queries: [
      {
        sql: 'SELECT count(*)::INTEGER AS n, max(file_offset) AS max_offset, min(ts_ms) AS min_ts, max(ts_ms) AS max_ts FROM src',
        want: [
          {
            n: recs.length,
            max_offset: maxNum(evs.map((e) => e.offset)),
            min_ts: big(
              recs.map((x) => x.tsMs),
              'min',
            ),
            max_ts: big(
              recs.map((x) => x.tsMs),
              'max',
            ),
          },
        ],
      },
      {
        sql: 'SELECT session_id, sum(coalesce(tokens_in, 0)::BIGINT + coalesce(tokens_out, 0))::VARCHAR AS tokens FROM src GROUP BY 1 ORDER BY 1',
        want: [...tokens.keys()].sort().map((k) => ({ session_id: k, tokens: String(tokens.get(k)) })),
      },
      {
        sql: 'SELECT kind, count(*)::INTEGER AS n FROM src GROUP BY 1 ORDER BY 1',
        want: sortedRows(
          countBy(recs, (x) => x.kind),
          'kind',
        ),
      },
      {
        sql: 'SELECT frame_index::INTEGER AS i, seq, payload_json, cost_usd_e6, retry_count FROM src ORDER BY frame_index',
        want: evs.map((e) => ({
          i: e.index,
          seq: String(e.record?.seq),
          payload_json: e.record?.payloadJson,
          cost_usd_e6: e.record?.costUsdE6 === null ? null : String(e.record?.costUsdE6),
          retry_count: e.record?.retryCount,
        })),
      },
    ],
  };
}

function hotframe(path: string): Expectation {
  const { frames, stop } = readHotFrames(fs, path);
  return {
    rows: frames.length,
    problems: stop.reason !== 'eof' && stop.reason !== 'header_only' ? 1 : 0,
    queries: [
      {
        sql: 'SELECT count(*)::INTEGER AS n, max(file_offset) AS max_offset, sum(payload_len)::INTEGER AS bytes FROM src',
        want: [
          {
            n: frames.length,
            max_offset: maxNum(frames.map((f) => f.offset)),
            bytes: frames.length ? frames.reduce((s, f) => s + f.payload.length, 0) : null,
          },
        ],
      },
      {
        sql: 'SELECT file_offset, lower(hex(payload)) AS payload FROM src ORDER BY file_offset',
        want: frames.map((f) => ({ file_offset: String(f.offset), payload: hexEncode(f.payload) })),
      },
    ],
  };
}

function ring(path: string): Expectation {
  const r = readRingFile(fs, path, { foreignSlots: 'skip' });
  const recs = r.records;
  return {
    rows: recs.length,
    problems: r.foreignSlots.length,
    queries: [
      {
        sql: 'SELECT count(*)::INTEGER AS n, min(timestamp_ns) AS min_ts, max(timestamp_ns) AS max_ts, max(epoch) AS max_epoch FROM src',
        want: [
          {
            n: recs.length,
            min_ts: big(
              recs.map((x) => x.timestampNs),
              'min',
            ),
            max_ts: big(
              recs.map((x) => x.timestampNs),
              'max',
            ),
            max_epoch: recs.length ? Math.max(...recs.map((x) => x.epoch)) : null,
          },
        ],
      },
      {
        sql: 'SELECT opcode::BIGINT::VARCHAR AS opcode, count(*)::INTEGER AS n FROM src GROUP BY 1 ORDER BY 1',
        want: sortedRows(
          countBy(recs, (x) => String(x.opcode)),
          'opcode',
        ),
      },
      {
        sql: 'SELECT slot_idx, tenant_id, arg0, arg1, arg2, arg3 FROM src ORDER BY position',
        want: recs.map((x) => ({
          slot_idx: x.slotIdx,
          tenant_id: x.tenantId,
          arg0: x.args[0],
          arg1: x.args[1],
          arg2: x.args[2],
          arg3: x.args[3],
        })),
      },
    ],
  };
}

const CANONICAL_SEGMENT = /^\d{20}\.log$/;

/**
 * A partition holding a `.log` not named `{base:020}.log` (say `5.log`) is one the original lists
 * by name and reads as if that file were a segment; the export reads the canonically named
 * segments, in base order, and reports the stray name as a problem.
 */
function partitionMessages(path: string) {
  const logs = fs.readdir(path).filter((n) => n.endsWith('.log'));
  const stray = logs.some((n) => !CANONICAL_SEGMENT.test(n));
  if (!stray) return { msgs: readPartitionOriginal(fs, path).messages, problems: null };
  const canonical = logs.filter((n) => CANONICAL_SEGMENT.test(n)).sort();
  return { msgs: canonical.flatMap((n) => readSegmentFileOriginal(fs, `${path}/${n}`).messages), problems: 1 };
}

function segment(path: string): Expectation {
  const isDir = fs.stat(path)?.isDirectory ?? false;
  const { msgs, problems } = isDir
    ? partitionMessages(path)
    : { msgs: readSegmentFileOriginal(fs, path).messages, problems: null };
  return {
    rows: msgs.length,
    problems,
    queries: [
      {
        sql: 'SELECT count(*)::INTEGER AS n, max("offset") AS max_offset, min(timestamp_ms)::VARCHAR AS min_ms, max(timestamp_ms)::VARCHAR AS max_ms FROM src',
        want: [
          {
            n: msgs.length,
            max_offset: big(
              msgs.map((m) => BigInt(m.offset)),
              'max',
            ),
            min_ms: big(
              msgs.map((m) => BigInt(m.timestamp_millis)),
              'min',
            ),
            max_ms: big(
              msgs.map((m) => BigInt(m.timestamp_millis)),
              'max',
            ),
          },
        ],
      },
      {
        sql: 'SELECT "offset", lower(hex(key)) AS key, lower(hex(value)) AS value, transaction_marker, producer_epoch FROM src ORDER BY "offset"',
        want: msgs.map((m) => ({
          offset: m.offset,
          key: m.key,
          value: m.value,
          transaction_marker: m.transaction_marker,
          producer_epoch: m.producer_epoch,
        })),
      },
    ],
  };
}

function session(path: string): Expectation {
  const s = SessionStore.openReadOnly(fs, path);
  try {
    const frames = s.readAllEntries();
    const ts = frames.map((f) => f.timestamp).sort();
    return {
      rows: frames.length,
      problems: s.warnings.length + s.quarantined.length,
      queries: [
        {
          sql: 'SELECT count(*)::INTEGER AS n, max(entry_seq) AS max_seq, min("timestamp") AS first, max("timestamp") AS last, count(parent_entry_id)::INTEGER AS with_parent FROM src',
          want: [
            {
              n: frames.length,
              max_seq: big(
                frames.map((f) => BigInt(f.entrySeq)),
                'max',
              ),
              first: ts[0] ?? null,
              last: ts.at(-1) ?? null,
              with_parent: frames.filter((f) => f.parentEntryId !== undefined).length,
            },
          ],
        },
        {
          sql: 'SELECT entry_type, count(*)::INTEGER AS n FROM src GROUP BY 1 ORDER BY 1',
          want: sortedRows(
            countBy(frames, (f) => f.entryType),
            'entry_type',
          ),
        },
        {
          sql: 'SELECT entry_id, parent_entry_id, payload FROM src ORDER BY chain_position',
          want: frames.map((f) => ({
            entry_id: f.entryId,
            parent_entry_id: f.parentEntryId ?? null,
            payload: f.payload,
          })),
        },
      ],
    };
  } finally {
    s.close();
  }
}

const BY_FORMAT: Record<ExportFormat, (path: string) => Expectation> = {
  wal,
  hotlog,
  hotframe,
  ring,
  segment,
  session,
};

/** The expectation, or the error code the project's reader fails with. */
export function expectationFor(format: ExportFormat, path: string): Expectation | { error: string } {
  try {
    return BY_FORMAT[format](path);
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    return { error: e.code };
  }
}
