import type { WalRecord } from './record.js';
import { WalRecordType as T, type WalRecordType } from './record-type.js';
import { formatTraceId, type TraceIdInput } from './trace-id.js';

/** Now in nanoseconds since the epoch (the original's `current_timestamp_ns`, at ms resolution). */
export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

interface Common {
  timestampNs?: bigint;
  metadata?: string | null;
}

function base(type: WalRecordType, traceId: TraceIdInput, nodeId: number, o: Common): WalRecord {
  return {
    recordType: type,
    traceId: formatTraceId(traceId),
    nodeId,
    timestampNs: o.timestampNs ?? nowNs(),
    outputOffset: 0n,
    outputSize: 0,
    schemaHash: 0n,
    iteration: 0,
    errorMessage: null,
    metadata: o.metadata ?? null,
  };
}

/**
 * Constructors matching xerv's `WalRecord::trace_start` … `loop_iteration` (plus `checkpoint`
 * and `loopExit`, whose types exist without a constructor there). Fields they leave out are
 * zero/none as in the original; `timestampNs` defaults to now.
 */
export const WalRecords = {
  traceStart: (traceId: TraceIdInput, o: Common = {}): WalRecord => base(T.TraceStart, traceId, 0, o),
  nodeStart: (traceId: TraceIdInput, nodeId: number, o: Common = {}): WalRecord =>
    base(T.NodeStart, traceId, nodeId, o),
  nodeDone: (
    traceId: TraceIdInput,
    nodeId: number,
    outputOffset: bigint,
    outputSize: number,
    schemaHash: bigint,
    o: Common = {},
  ): WalRecord => ({ ...base(T.NodeDone, traceId, nodeId, o), outputOffset, outputSize, schemaHash }),
  nodeError: (traceId: TraceIdInput, nodeId: number, error: string, o: Common = {}): WalRecord => ({
    ...base(T.NodeError, traceId, nodeId, o),
    errorMessage: error,
  }),
  traceComplete: (traceId: TraceIdInput, o: Common = {}): WalRecord => base(T.TraceComplete, traceId, 0, o),
  traceFailed: (traceId: TraceIdInput, error: string, o: Common = {}): WalRecord => ({
    ...base(T.TraceFailed, traceId, 0, o),
    errorMessage: error,
  }),
  traceSuspended: (traceId: TraceIdInput, nodeId: number, o: Common = {}): WalRecord =>
    base(T.TraceSuspended, traceId, nodeId, o),
  traceResumed: (traceId: TraceIdInput, o: Common = {}): WalRecord => base(T.TraceResumed, traceId, 0, o),
  checkpoint: (traceId: TraceIdInput, nodeId: number, o: Common = {}): WalRecord =>
    base(T.Checkpoint, traceId, nodeId, o),
  loopIteration: (traceId: TraceIdInput, nodeId: number, iteration: number, o: Common = {}): WalRecord => ({
    ...base(T.LoopIteration, traceId, nodeId, o),
    iteration,
  }),
  loopExit: (traceId: TraceIdInput, nodeId: number, o: Common = {}): WalRecord => base(T.LoopExit, traceId, nodeId, o),
};

/** A random (version 4) trace id, as `TraceId::new()`; uses `crypto.getRandomValues`. */
export function newTraceId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  return formatTraceId(b);
}
