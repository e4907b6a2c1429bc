import type { RingSlot } from './slot.js';

/**
 * The record vyre-runtime's own tests append, `rec(slot_idx, epoch)`: every field derived from
 * the slot index, so a replayed slot shows where it was written. The conformance vectors and
 * this package's tests build their rings from it, as the original's tests do.
 */
export function originalTestSlot(slotIdx: number, epoch: number): RingSlot {
  return {
    timestampNs: 1_000_000n + BigInt(slotIdx),
    slotIdx,
    tenantId: 0,
    opcode: 0x4000_0000 + slotIdx,
    args: [slotIdx, slotIdx * 2, slotIdx * 3, slotIdx * 4],
    epoch,
  };
}
