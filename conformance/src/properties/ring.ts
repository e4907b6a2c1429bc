import type { ByteRange, PropertyProfile } from './profile.js';

/**
 * spec/ring.md § 6.3: the ring log has no checksum. Undetectable: flips in flags, capacity (while
 * it stays within 1 … 1,048,576 and the file is long enough) and cursor; in every slot's fields,
 * padding, and an empty slot's body. Detected: the file magic, the version, and every slot
 * magic (a single flip of 0xDEADBEEF or 0 is always a foreign magic).
 */
const HEADER_UNDETECTABLE: ByteRange = [12, 32];
const slotBody = (at: number): ByteRange => [at + 4, at + 64];

export const profile: PropertyProfile = {
  format: 'ring',
  kinds: {
    header: { undetectableFlips: () => [HEADER_UNDETECTABLE] },
    slot: { undetectableFlips: () => [slotBody(0)] },
    ring: {
      undetectableFlips: (file) => {
        const ranges: ByteRange[] = [HEADER_UNDETECTABLE];
        for (let at = 32; at + 64 <= file.length; at += 64) ranges.push(slotBody(at));
        // Bytes after the last slot are not part of the ring (the grammar's `trailing`).
        ranges.push([Math.max(32, file.length - ((file.length - 32) % 64)), file.length]);
        return ranges;
      },
    },
  },
};
