import { NodeFs } from '@logspec/core/node';
import { SimFs } from '@logspec/core/testing';
import { describe, expect, it } from 'vitest';
import { foldTraces, resumePlan, TraceRecovery, type WalRecord, WalRecords } from '../src/index.js';
import { openWal, readWal, recoverTraces } from '../src/store.js';
import { GOLDEN_DIR } from './golden.js';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const ts = (n: number) => ({ timestampNs: BigInt(n) });

describe('trace recovery fold', () => {
  it('WAL-S-005: follows the engine: start, node start/done, suspend/resume, complete/fail', () => {
    const records: WalRecord[] = [
      WalRecords.traceStart(A, { ...ts(1), metadata: '{"pipeline":"orders"}' }),
      WalRecords.nodeStart(A, 1, ts(2)),
      WalRecords.nodeDone(A, 1, 4096n, 64, 0xabcn, ts(3)),
      WalRecords.nodeStart(A, 2, ts(4)),
      WalRecords.nodeStart(A, 3, ts(5)),
      WalRecords.nodeError(A, 3, 'boom', ts(6)),
      WalRecords.traceSuspended(A, 2, { ...ts(7), metadata: '{"waiting_for":"approval"}' }),
      WalRecords.loopIteration(A, 9, 4, ts(8)),
      WalRecords.checkpoint(A, 2, { ...ts(9), metadata: 'cp' }),
      WalRecords.traceStart(B, ts(10)),
      WalRecords.traceFailed(B, 'fatal', ts(11)),
      WalRecords.nodeStart('cccccccc-0000-4000-8000-000000000003', 1, ts(12)),
    ];
    const rec = foldTraces(records);
    expect([...rec.incomplete.keys()]).toEqual([A]);
    const a = rec.incomplete.get(A);
    expect(a).toMatchObject({
      lastCompletedNode: 1,
      suspendedAt: 2,
      startedNodes: [2, 3],
      startMetadata: '{"pipeline":"orders"}',
      suspension: { nodeId: 2, metadata: '{"waiting_for":"approval"}', timestampNs: 7n },
      lastCheckpoint: { nodeId: 2, timestampNs: 9n, metadata: 'cp' },
      lastTimestampNs: 9n,
    });
    expect(a?.completedNodes.get(1)).toEqual({ offset: 4096n, size: 64, schemaHash: 0xabcn });
    expect(rec.finished.get(B)).toEqual({ traceId: B, status: 'failed', error: 'fatal', timestampNs: 11n });
    expect(rec.orphanRecords).toBe(1);
    expect(resumePlan(a as NonNullable<typeof a>)).toEqual({
      traceId: A,
      reuseOutputs: [{ nodeId: 1, location: { offset: 4096n, size: 64, schemaHash: 0xabcn } }],
      rerunNodes: [2, 3],
      waitingOn: { nodeId: 2, metadata: '{"waiting_for":"approval"}' },
      openLoops: [{ nodeId: 9, iteration: 4 }],
      nodeErrors: [{ nodeId: 3, message: 'boom' }],
    });
  });

  it('resume clears the suspension; loop exit closes the loop; a new TraceStart resets the trace', () => {
    const rec = new TraceRecovery();
    for (const r of [
      WalRecords.traceStart(A, ts(1)),
      WalRecords.traceSuspended(A, 5, ts(2)),
      WalRecords.traceResumed(A, ts(3)),
      WalRecords.loopIteration(A, 9, 7, ts(4)),
      WalRecords.loopExit(A, 9, ts(5)),
      WalRecords.nodeStart(A, 4, ts(6)),
    ]) {
      rec.apply(r);
    }
    const a = rec.incomplete.get(A);
    expect(a).toMatchObject({ suspendedAt: null, suspension: null, startedNodes: [4] });
    expect(a?.loops.get(9)).toEqual({ iteration: 7, exited: true });
    rec.apply(WalRecords.traceStart(A, ts(7)));
    expect(rec.incomplete.get(A)).toMatchObject({ startedNodes: [], loops: new Map() });
  });

  it('folds the reference trace_sequence.log: both traces ended, nothing to resume', () => {
    const { recovery, skipped } = recoverTraces(`${GOLDEN_DIR}trace_sequence.log`, { fs: new NodeFs() });
    expect(skipped).toEqual([]);
    expect(recovery.incomplete.size).toBe(0);
    expect([...recovery.finished.values()].map((f) => [f.traceId.slice(0, 6), f.status, f.error])).toEqual([
      ['c2d326', 'failed', 'node 51 failed'],
      ['f3b848', 'completed', null],
    ]);
  });

  it('answers "what do I need to resume?" from a WAL cut short by a crash', () => {
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w' });
    const prefix = readWal(`${GOLDEN_DIR}trace_sequence.log`, { fs: new NodeFs() }).records.slice(0, 12);
    for (const e of prefix) w.write(e.record);
    w.closeSync();
    const { recovery } = recoverTraces('/w', { fs });
    const f3 = [...recovery.incomplete.values()].find((t) => t.traceId.startsWith('f3b848'));
    const c2 = [...recovery.incomplete.values()].find((t) => t.traceId.startsWith('c2d326'));
    expect(f3 && resumePlan(f3)).toMatchObject({
      reuseOutputs: [1, 2, 3].map((nodeId) => expect.objectContaining({ nodeId })),
      rerunNodes: [4],
      waitingOn: null,
    });
    expect(c2 && resumePlan(c2)).toMatchObject({ openLoops: [{ nodeId: 50, iteration: 2 }], rerunNodes: [] });
  });
});
