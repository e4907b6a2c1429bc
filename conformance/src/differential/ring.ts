/** Ring log recipes (spec/ring.md): small capacities, appends around whole wraps, reopens with another capacity. */
import fc from 'fast-check';
import type { Op } from '../protocol/types.js';
import type { DifferentialProfile, RecipeSize } from './profile.js';
import { u32, u64Text } from './values.js';

const slot = fc.record({
  timestamp_ns: u64Text,
  slot_idx: u32,
  tenant_id: u32,
  opcode: u32,
  args: fc.tuple(u32, u32, u32, u32),
  epoch: u32,
});

function recipes({ thorough }: RecipeSize) {
  const capacity = fc.oneof(fc.constantFrom(1, 2, 3, 4, 5, 8), fc.integer({ min: 1, max: thorough ? 300 : 40 }));
  return capacity.chain((cap) => {
    // Around every wrap: 0, cap − 1, cap, cap + 1, 2·cap …
    const count = fc.oneof(
      fc.constantFrom(0, Math.max(0, cap - 1), cap, cap + 1, 2 * cap, 2 * cap + 1),
      fc.integer({ min: 0, max: 3 * cap + 2 }),
    );
    return fc
      .record({
        slots: count.chain((n) => fc.array(slot, { minLength: n, maxLength: n })),
        reopenAt: fc.option(fc.nat(), { nil: undefined }),
        reopenCapacity: fc.integer({ min: 1, max: 64 }),
      })
      .map(({ slots, reopenAt, reopenCapacity }) => {
        const file = 'r.vrrl';
        const ops: Op[] = [{ op: 'open', file, capacity: String(cap) }];
        slots.forEach((s, i) => {
          // A reopen names another capacity, which an existing file ignores (RING-W-006).
          if (reopenAt !== undefined && i === reopenAt % (slots.length + 1)) {
            ops.push({ op: 'open', file, capacity: String(reopenCapacity) });
          }
          ops.push({ op: 'append', slot: { ...s, args: [...s.args] } });
        });
        return { ops, read: file };
      });
  });
}

export const differential: DifferentialProfile = { format: 'ring', recipes };
