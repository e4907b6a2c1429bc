import { hexEncode } from '@logspec/core';

/** The first `max` bytes as hex, with a marker when there are more. */
export function hexPreview(b: Uint8Array, max: number): string {
  if (b.length === 0) return '(empty)';
  return b.length <= max ? hexEncode(b) : `${hexEncode(b.subarray(0, max))}… (+${b.length - max} bytes)`;
}
