import type { PropertyProfile } from './profile.js';

/**
 * The session store's units are JSON text (REFERENCE-README § session; spec/session.md): a
 * segment line's CRC-32C is stored in its *index row*, not in the line, and index rows and JSON
 * documents carry no checksum at all. A flipped bit inside a string or number is a different
 * valid document (flips that break the JSON or the schema are still answered with errors), and
 * trailing JSON whitespace — including a line's final newline, which the original's rebuild
 * heals — is insignificant.
 */
const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

function trailingWhitespace(unit: Uint8Array): number {
  let n = 0;
  while (n < unit.length && JSON_WHITESPACE.has(unit[unit.length - 1 - n] as number)) n++;
  return n;
}

const jsonText = { undetectableFlips: 'all', ignoredTail: trailingWhitespace } as const;

export const profile: PropertyProfile = {
  format: 'session',
  kinds: {
    frame: jsonText,
    index_row: jsonText,
    // A bare JSON number's prefix is another number: visible, not silent.
    json_value: { ...jsonText, prefixes: 'error-or-different' },
  },
};
