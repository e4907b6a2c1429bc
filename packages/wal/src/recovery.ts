import type { WalRecord } from './record.js';
import { WalRecordType } from './record-type.js';

/** Where a finished node's output lives in the arena (xerv's `NodeOutputLocation`). */
export interface NodeOutputLocation {
  offset: bigint;
  size: number;
  schemaHash: bigint;
}

/**
 * What a trace that started and did not finish needs to resume. The first five fields are
 * exactly xerv's `TraceRecoveryState` as its `apply_record_to_traces` builds it; the rest
 * are facts the engine's fold drops and logspec keeps (node errors, suspension metadata,
 * loops, checkpoints).
 */
export interface TraceRecoveryState {
  traceId: string;
  /** The node of the latest NodeDone. */
  lastCompletedNode: number | null;
  /** The node of a TraceSuspended not yet followed by TraceResumed. */
  suspendedAt: number | null;
  /** Nodes with a NodeStart and no NodeDone since, in start order (repeats kept, as the engine does). */
  startedNodes: number[];
  /** Output location of every node that finished. */
  completedNodes: Map<number, NodeOutputLocation>;

  /** TraceStart's metadata (e.g. the pipeline) and timestamp. */
  startMetadata: string | null;
  startedAtNs: bigint;
  /** Timestamp of the latest record of this trace. */
  lastTimestampNs: bigint;
  /** Suspension metadata (what the trace waits for); null when not suspended. */
  suspension: { nodeId: number; metadata: string | null; timestampNs: bigint } | null;
  /** NodeError messages by node (latest wins); the engine ignores these records. */
  nodeErrors: Map<number, string | null>;
  /** Loop state by loop node: latest LoopIteration's iteration, and whether LoopExit came after it. */
  loops: Map<number, { iteration: number; exited: boolean }>;
  /** The latest Checkpoint record. */
  lastCheckpoint: { nodeId: number; timestampNs: bigint; metadata: string | null } | null;
}

/** A trace that ended (TraceComplete or TraceFailed): the engine drops it; logspec remembers how. */
export interface FinishedTrace {
  traceId: string;
  status: 'completed' | 'failed';
  error: string | null;
  timestampNs: bigint;
}

/**
 * Folds records into per-trace state in WAL order, as xerv's recovery does: TraceStart
 * (re)creates the state, NodeStart/NodeDone track nodes, TraceSuspended/TraceResumed the
 * suspension, TraceComplete/TraceFailed remove the trace. Records of a trace without a
 * TraceStart before them are ignored by the engine; they are counted in `orphanRecords`.
 */
export class TraceRecovery {
  readonly incomplete = new Map<string, TraceRecoveryState>();
  readonly finished = new Map<string, FinishedTrace>();
  orphanRecords = 0;

  apply(r: WalRecord): void {
    if (r.recordType === WalRecordType.TraceStart) {
      this.finished.delete(r.traceId);
      this.incomplete.set(r.traceId, {
        traceId: r.traceId,
        lastCompletedNode: null,
        suspendedAt: null,
        startedNodes: [],
        completedNodes: new Map(),
        startMetadata: r.metadata,
        startedAtNs: r.timestampNs,
        lastTimestampNs: r.timestampNs,
        suspension: null,
        nodeErrors: new Map(),
        loops: new Map(),
        lastCheckpoint: null,
      });
      return;
    }
    const s = this.incomplete.get(r.traceId);
    if (!s) {
      this.orphanRecords++;
      return;
    }
    s.lastTimestampNs = r.timestampNs;
    switch (r.recordType) {
      case WalRecordType.NodeStart:
        s.startedNodes.push(r.nodeId);
        break;
      case WalRecordType.NodeDone:
        s.lastCompletedNode = r.nodeId;
        s.startedNodes = s.startedNodes.filter((n) => n !== r.nodeId);
        s.completedNodes.set(r.nodeId, { offset: r.outputOffset, size: r.outputSize, schemaHash: r.schemaHash });
        break;
      case WalRecordType.NodeError:
        s.nodeErrors.set(r.nodeId, r.errorMessage);
        break;
      case WalRecordType.TraceComplete:
      case WalRecordType.TraceFailed:
        this.incomplete.delete(r.traceId);
        this.finished.set(r.traceId, {
          traceId: r.traceId,
          status: r.recordType === WalRecordType.TraceComplete ? 'completed' : 'failed',
          error: r.errorMessage,
          timestampNs: r.timestampNs,
        });
        break;
      case WalRecordType.TraceSuspended:
        s.suspendedAt = r.nodeId;
        s.suspension = { nodeId: r.nodeId, metadata: r.metadata, timestampNs: r.timestampNs };
        break;
      case WalRecordType.TraceResumed:
        s.suspendedAt = null;
        s.suspension = null;
        break;
      case WalRecordType.Checkpoint:
        s.lastCheckpoint = { nodeId: r.nodeId, timestampNs: r.timestampNs, metadata: r.metadata };
        break;
      case WalRecordType.LoopIteration:
        s.loops.set(r.nodeId, { iteration: r.iteration, exited: false });
        break;
      case WalRecordType.LoopExit: {
        const l = s.loops.get(r.nodeId);
        s.loops.set(r.nodeId, { iteration: l?.iteration ?? r.iteration, exited: true });
        break;
      }
    }
  }
}

export function foldTraces(records: Iterable<WalRecord>, into: TraceRecovery = new TraceRecovery()): TraceRecovery {
  for (const r of records) into.apply(r);
  return into;
}

/** The answer to "what do I need to resume this trace?". */
export interface ResumePlan {
  traceId: string;
  /** Outputs already in the arena: load these instead of re-running their nodes. */
  reuseOutputs: { nodeId: number; location: NodeOutputLocation }[];
  /** Nodes that started and never finished: run them again (they may have failed: see `nodeErrors`). */
  rerunNodes: number[];
  /** If suspended: the node and the metadata it waits on; resume only when that is satisfied. */
  waitingOn: { nodeId: number; metadata: string | null } | null;
  /** Loops still running: continue after `iteration`. */
  openLoops: { nodeId: number; iteration: number }[];
  nodeErrors: { nodeId: number; message: string | null }[];
}

export function resumePlan(s: TraceRecoveryState): ResumePlan {
  return {
    traceId: s.traceId,
    reuseOutputs: [...s.completedNodes].map(([nodeId, location]) => ({ nodeId, location })),
    rerunNodes: [...new Set(s.startedNodes)],
    waitingOn: s.suspension ? { nodeId: s.suspension.nodeId, metadata: s.suspension.metadata } : null,
    openLoops: [...s.loops].filter(([, l]) => !l.exited).map(([nodeId, l]) => ({ nodeId, iteration: l.iteration })),
    nodeErrors: [...s.nodeErrors].map(([nodeId, message]) => ({ nodeId, message })),
  };
}
