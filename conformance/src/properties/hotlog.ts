import type { PropertyProfile } from './profile.js';

/**
 * An rkyv `HotEventRecord` archive carries no checksum of its own (the hot log frame's CRC-32
 * around it does, see `hotframe`): a flipped bit in a number, a string body or padding yields a
 * different record that validates. Flips in what rkyv validates (bool bytes, option tags,
 * relative pointers, UTF-8) are still answered with errors, which the property also checks.
 */
export const profile: PropertyProfile = {
  format: 'hotlog',
  kinds: {
    event: { undetectableFlips: 'all' },
  },
};
