/**
 * The 13 workloads of `original bench` and their sizes: `defaultSizes()` is what its CLI uses,
 * `withN` applies `--n` to a workload's own count exactly as its `Sizes::with_n` does.
 */
import { approxSegmentFrameBytes, HOT_FRAME_BYTES, WAL_RECORD_BYTES } from './inputs.js';

export const WORKLOADS = [
  'ring-append',
  'ring-replay',
  'wal-append-nosync',
  'wal-append-sync',
  'wal-scan',
  'segment-append',
  'segment-read',
  'session-append',
  'session-lookup',
  'session-open',
  'hotframe-append',
  'hotframe-append-nosync',
  'hotframe-replay',
] as const;

export type Workload = (typeof WORKLOADS)[number];

export function isWorkload(s: string): s is Workload {
  return (WORKLOADS as readonly string[]).includes(s);
}

const MIB = 1 << 20;

export interface Sizes {
  ringAppendN: number;
  /** The ring the appends go to (the original fixes it at 1,048,576; tests shrink it). */
  ringAppendCapacity: number;
  /** ring-replay's ring (every slot filled). */
  ringCapacity: number;
  walNosyncN: number;
  walSyncN: number;
  /** Target bytes of the wal-scan, segment and hotframe-replay data. */
  bigBytes: number;
  segmentReads: number;
  sessionEntries: number;
  sessionLookups: number;
  sessionMaxSegmentBytes: number;
  hotframeN: number;
  /** Timed repetitions after the warm-up. */
  reps: number;
}

export function defaultSizes(): Sizes {
  return {
    ringAppendN: 200_000,
    ringAppendCapacity: 1_048_576,
    ringCapacity: 1_048_576,
    walNosyncN: 200_000,
    walSyncN: 2_000,
    bigBytes: 256 * MIB,
    segmentReads: 10_000,
    sessionEntries: 100_000,
    sessionLookups: 200,
    sessionMaxSegmentBytes: 64 * MIB,
    hotframeN: 200_000,
    reps: 5,
  };
}

/** `--n` for one workload (the original's `Sizes::with_n`). */
export function withN(sizes: Sizes, workload: Workload, n: number): Sizes {
  const s = { ...sizes };
  switch (workload) {
    case 'ring-append':
      s.ringAppendN = n;
      break;
    case 'ring-replay':
      s.ringCapacity = n;
      break;
    case 'wal-append-nosync':
      s.walNosyncN = n;
      break;
    case 'wal-append-sync':
      s.walSyncN = n;
      break;
    case 'wal-scan':
      s.bigBytes = n * WAL_RECORD_BYTES;
      break;
    case 'segment-append':
      s.bigBytes = n * approxSegmentFrameBytes();
      break;
    case 'segment-read':
      s.segmentReads = n;
      break;
    case 'session-append':
    case 'session-open':
      s.sessionEntries = n;
      break;
    case 'session-lookup':
      s.sessionLookups = n;
      break;
    case 'hotframe-append':
    case 'hotframe-append-nosync':
      s.hotframeN = n;
      break;
    case 'hotframe-replay':
      s.bigBytes = n * HOT_FRAME_BYTES;
      break;
  }
  return s;
}

/**
 * Small sizes for the correctness checks and the tests: the original's own test sizes, with a
 * ring smaller than the appends (so they wrap) and sessions that rotate segments.
 */
export function checkSizes(): Sizes {
  return {
    ringAppendN: 300,
    ringAppendCapacity: 256,
    ringCapacity: 500,
    walNosyncN: 300,
    walSyncN: 3,
    bigBytes: 200_000,
    segmentReads: 20,
    sessionEntries: 60,
    sessionLookups: 5,
    sessionMaxSegmentBytes: 8_192,
    hotframeN: 300,
    reps: 1,
  };
}
