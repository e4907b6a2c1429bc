import type { PropertyProfile } from './profile.js';

/**
 * spec/segment.md § 7.2: the CRC-32 lives in the frame, around the postcard `Message`; a bare
 * message unit has no redundancy of its own, so a flip in a number, a string or a byte string is
 * a different valid message (flips that break postcard's structure — option tags, bools, varint
 * limits, lengths, UTF-8 — are still answered with errors). Frames detect every single-bit flip.
 */
export const profile: PropertyProfile = {
  format: 'segment',
  kinds: {
    message: { undetectableFlips: 'all' },
  },
};
