/**
 * The clocks of the inputs. Timing runs read the real clock, as the original does (nanoseconds,
 * so segment timestamps get chrono's 9 fraction digits like the original's `Utc::now()`); checks
 * pin every "now" to the conformance protocol's `fixedTime`, so a reference writer given the
 * same recipe writes the same bytes.
 */
import { parseTimestamp } from '@logspec/segment-index';
import type { Clock } from './spec.js';

const NS_PER_S = 1_000_000_000n;

export function realClock(): Clock {
  // hrtime is monotonic with ns resolution; anchor it to the wall clock once
  const base = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
  const ns = () => base + process.hrtime.bigint();
  return {
    ns,
    timestamp() {
      const t = ns();
      return { epochSeconds: t / NS_PER_S, nanos: Number(t % NS_PER_S) };
    },
    iso: () => new Date().toISOString(),
  };
}

/** The conformance suite's default `fixedTime`. */
export const FIXED_TIME = '2026-04-15T12:34:56.789Z';

export function pinnedClock(iso = FIXED_TIME): Clock {
  const ts = parseTimestamp(iso);
  const ns = ts.epochSeconds * NS_PER_S + BigInt(ts.nanos);
  return { ns: () => ns, timestamp: () => ts, iso: () => iso };
}
