import { forEachCrashPoint } from '@logspec/core/testing';
import { describe, expect, it } from 'vitest';
import { Partition } from '../src/store.js';
import { check, DIR, type Event, OPTS, workload } from './crash-model.js';

describe('crash safety (SimFs, every write/sync point, every crash mode)', () => {
  it('every-append durability: 120 operations', { timeout: 600_000 }, async () => {
    const report = await forEachCrashPoint<Event>({
      setup: (fs) => Partition.open(fs, DIR, OPTS).close(),
      workload: workload(120, 'every-append', 11),
      check: (fs, acked, ctx) => check(fs, acked, ctx.attempted, ctx.point),
    });
    expect(report.points).toBeGreaterThan(300);
  });
});
