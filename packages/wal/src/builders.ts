import type { WalRecord } from './record.js';
import { WalRecordType as T, type WalRecordType } from './record-type.js';
import { formatTraceId, type TraceIdInput } from './trace-id.js';

let lastMs = Number.NaN;
let lastNs = 0n;

/** Now in nanoseconds since the epoch (the original's `current_timestamp_ns`, at ms resolution). */
export function nowNs(): bigint {
  const ms = Date.now();
  // One bigint per millisecond: a busy engine builds many records in one.
  if (ms !== lastMs) {
    lastMs = ms;
    lastNs = BigInt(ms) * 1_000_000n;
  }
  return lastNs;
}

interface Common {
  timestampNs?: bigint;
  metadata?: string | null;
}

/** Every builder makes its record here, in one object literal: one shape for all records. */
function make(
  type: WalRecordType,
  traceId: TraceIdInput,
  nodeId: number,
  o: Common,
  outputOffset = 0n,
  outputSize = 0,
  schemaHash = 0n,
  iteration = 0,
  errorMessage: string | null = null,
): WalRecord {
  return {
    recordType: type,
    traceId: formatTraceId(traceId),
    nodeId,
    timestampNs: o.timestampNs ?? nowNs(),
    outputOffset,
    outputSize,
    schemaHash,
    iteration,
    errorMessage,
    metadata: o.metadata ?? null,
  };
}

/**
 * Constructors matching xerv's `WalRecord::trace_start` … `loop_iteration` (plus `checkpoint`
 * and `loopExit`, whose types exist without a constructor there). Fields they leave out are
 * zero/none as in the original; `timestampNs` defaults to now.
 */
export const WalRecords = {
  traceStart: (traceId: TraceIdInput, o: Common = {}): WalRecord => make(T.TraceStart, traceId, 0, o),
  nodeStart: (traceId: TraceIdInput, nodeId: number, o: Common = {}): WalRecord =>
    make(T.NodeStart, traceId, nodeId, o),
  nodeDone: (
    traceId: TraceIdInput,
    nodeId: number,
    outputOffset: bigint,
    outputSize: number,
    schemaHash: bigint,
    o: Common = {},
  ): WalRecord => make(T.NodeDone, traceId, nodeId, o, outputOffset, outputSize, schemaHash),
  nodeError: (traceId: TraceIdInput, nodeId: number, error: string, o: Common = {}): WalRecord =>
    make(T.NodeError, traceId, nodeId, o, 0n, 0, 0n, 0, error),
  traceComplete: (traceId: TraceIdInput, o: Common = {}): WalRecord => make(T.TraceComplete, traceId, 0, o),
  traceFailed: (traceId: TraceIdInput, error: string, o: Common = {}): WalRecord =>
    make(T.TraceFailed, traceId, 0, o, 0n, 0, 0n, 0, error),
  traceSuspended: (traceId: TraceIdInput, nodeId: number, o: Common = {}): WalRecord =>
    make(T.TraceSuspended, traceId, nodeId, o),
  traceResumed: (traceId: TraceIdInput, o: Common = {}): WalRecord => make(T.TraceResumed, traceId, 0, o),
  checkpoint: (traceId: TraceIdInput, nodeId: number, o: Common = {}): WalRecord =>
    make(T.Checkpoint, traceId, nodeId, o),
  loopIteration: (traceId: TraceIdInput, nodeId: number, iteration: number, o: Common = {}): WalRecord =>
    make(T.LoopIteration, traceId, nodeId, o, 0n, 0, 0n, iteration),
  loopExit: (traceId: TraceIdInput, nodeId: number, o: Common = {}): WalRecord => make(T.LoopExit, traceId, nodeId, o),
};

/** A random (version 4) trace id, as `TraceId::new()`; uses `crypto.getRandomValues`. */
export function newTraceId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  return formatTraceId(b);
}
