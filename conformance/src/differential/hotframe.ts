/** Hot log framing recipes (spec/hotlog.md § 2): payloads of 0, 1 and 7–9 bytes among random ones, reopens. */
import fc from 'fast-check';
import type { Op } from '../protocol/types.js';
import type { DifferentialProfile, RecipeSize } from './profile.js';
import { hexOfLength } from './values.js';

function recipes({ thorough }: RecipeSize) {
  const payload = fc
    .oneof(fc.constantFrom(0, 1, 7, 8, 9, 12, 13), fc.integer({ min: 0, max: thorough ? 5000 : 300 }))
    .chain(hexOfLength);
  return fc
    .record({
      payloads: fc.array(payload, { maxLength: thorough ? 60 : 12 }),
      reopenAt: fc.option(fc.nat(), { nil: undefined }),
    })
    .map(({ payloads, reopenAt }) => {
      const ops: Op[] = [{ op: 'open', root: 'k' }];
      payloads.forEach((p, i) => {
        if (reopenAt !== undefined && i === reopenAt % (payloads.length + 1)) ops.push({ op: 'open', root: 'k' });
        ops.push({ op: 'append', payload: p });
      });
      return { ops, read: 'k/hot/log.bin' };
    });
}

export const differential: DifferentialProfile = { format: 'hotframe', recipes };
