/** Value arbitraries shared by the recipe generators: integers and strings leaning on their edges. */
import fc from 'fast-check';

const U64_EDGES = [
  0n,
  1n,
  255n,
  256n,
  2n ** 31n,
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 53n,
  2n ** 53n + 1n,
  2n ** 63n,
  2n ** 64n - 1n,
];
const U32_EDGES = [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1];

/** A u64 as canonical JSON (a decimal string). */
export const u64Text = fc
  .oneof(
    { weight: 2, arbitrary: fc.constantFrom(...U64_EDGES) },
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) },
  )
  .map(String);

export const u32 = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...U32_EDGES) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 32 - 1 }) },
);

export const u16 = fc.oneof(fc.constantFrom(0, 1, 255, 256, 65535), fc.integer({ min: 0, max: 65535 }));

/** Text with 1- to 4-byte UTF-8, control characters and NUL; `maxLength` in code points. */
export function text(maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('', 'a', 'é', '€', '😀', '\u0000', 'line\nbreak', '"quoted\\"'),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: fc.constantFrom('a', 'ß', '漢', '😀', '\t', '\u007f'), maxLength }),
  );
}

/** Bytes as lower-case hex, lengths leaning on 0, 1 and the varint edge 127/128. */
export function bytesHex(maxLength: number): fc.Arbitrary<string> {
  const len = fc.oneof(fc.constantFrom(0, 1, 2, 127, 128, 129), fc.integer({ min: 0, max: maxLength }));
  return len.chain((n) =>
    fc
      .uint8Array({ minLength: n, maxLength: n })
      .map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')),
  );
}

export const hexOfLength = (n: number) =>
  fc
    .uint8Array({ minLength: n, maxLength: n })
    .map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(''));
