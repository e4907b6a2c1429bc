/** Every workload's driver, by the name `original bench` gives it. */
import type { Workload } from '../sizes.js';
import type { WorkloadSpec } from '../spec.js';
import { hotframeAppend, hotframeAppendNosync, hotframeReplay } from './hotframe.js';
import { ringAppend, ringReplay } from './ring.js';
import { segmentAppend, segmentRead } from './segment.js';
import { sessionAppend, sessionLookup, sessionOpen } from './session.js';
import { walAppendNosync, walAppendSync, walScan } from './wal.js';

export const SPECS: Record<Workload, WorkloadSpec> = {
  'ring-append': ringAppend,
  'ring-replay': ringReplay,
  'wal-append-nosync': walAppendNosync,
  'wal-append-sync': walAppendSync,
  'wal-scan': walScan,
  'segment-append': segmentAppend,
  'segment-read': segmentRead,
  'session-append': sessionAppend,
  'session-lookup': sessionLookup,
  'session-open': sessionOpen,
  'hotframe-append': hotframeAppend,
  'hotframe-append-nosync': hotframeAppendNosync,
  'hotframe-replay': hotframeReplay,
};
