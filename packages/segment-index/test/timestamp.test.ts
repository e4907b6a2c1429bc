import { LogspecError } from '@logspec/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatTimestamp,
  MAX_EPOCH_SECONDS,
  MIN_EPOCH_SECONDS,
  parseTimestamp,
  SegCode,
  type Timestamp,
  timestampFromMillis,
  timestampMillis,
  timestampTextLength,
  writeTimestampText,
} from '../src/index.js';
import { arbTimestamp } from './arbitraries.js';

const ts = (s: string): Timestamp => parseTimestamp(s);
const iso = (s: string) => formatTimestamp(ts(s));

describe('chrono DateTime<Utc> text', () => {
  it('writes AutoSi fractions: none, 3, 6 or 9 digits', () => {
    expect(iso('2024-02-29T12:00:00Z')).toBe('2024-02-29T12:00:00Z');
    expect(iso('2024-02-29T12:00:00.120Z')).toBe('2024-02-29T12:00:00.120Z');
    expect(iso('2024-02-29T12:00:00.1Z')).toBe('2024-02-29T12:00:00.100Z');
    expect(iso('2024-02-29T12:00:00.1234Z')).toBe('2024-02-29T12:00:00.123400Z');
    expect(iso('2024-02-29T12:00:00.000000001Z')).toBe('2024-02-29T12:00:00.000000001Z');
    expect(iso('1969-12-31T23:59:59.999Z')).toBe('1969-12-31T23:59:59.999Z');
    expect(timestampMillis(ts('1969-12-31T23:59:59.999Z'))).toBe(-1n);
  });

  it('signs years outside 0..=9999 as chrono does', () => {
    expect(formatTimestamp({ epochSeconds: BigInt(MAX_EPOCH_SECONDS), nanos: 999_999_999 })).toBe(
      '+262143-12-31T23:59:59.999999999Z',
    );
    expect(formatTimestamp({ epochSeconds: BigInt(MIN_EPOCH_SECONDS), nanos: 0 })).toBe('-262144-01-01T00:00:00Z');
    expect(iso('-0001-03-01T00:00:00Z')).toBe('-0001-03-01T00:00:00Z');
    expect(iso('+10000-01-01T00:00:00Z')).toBe('+10000-01-01T00:00:00Z');
    expect(iso('0000-01-01T00:00:00Z')).toBe('0000-01-01T00:00:00Z');
    expect(iso('9999-12-31T23:59:59.999999999Z')).toBe('9999-12-31T23:59:59.999999999Z');
  });

  it('reads what chrono 0.4.23 reads', () => {
    expect(iso('2024-05-06T07:08:09.5+00:00')).toBe('2024-05-06T07:08:09.500Z');
    expect(iso('2024-05-06T07:08:09+05:30')).toBe('2024-05-06T01:38:09Z');
    expect(iso('2024-05-06T07:08:09-0800')).toBe('2024-05-06T15:08:09Z');
    expect(iso('2024-05-06T07:08:09 +01 :: 00 ')).toBe('2024-05-06T06:08:09Z');
    expect(iso('2024-05-06 07:08:09Z')).toBe('2024-05-06T07:08:09Z');
    expect(iso(' 2024 - 5 - 6T 7 : 8 : 9 Z ')).toBe('2024-05-06T07:08:09Z');
    expect(iso('2024-05-06T07:08:09.1234567891Z')).toBe('2024-05-06T07:08:09.123456789Z');
    expect(iso('2024-05-06T07:08:09utc')).toBe('2024-05-06T07:08:09Z');
    expect(iso('2024-05-06T07:08:09z')).toBe('2024-05-06T07:08:09Z');
    expect(iso('2016-12-31T23:59:60Z')).toBe('2016-12-31T23:59:60Z');
    expect(iso('2016-12-31T23:59:60.5Z')).toBe('2016-12-31T23:59:60.500Z');
    expect(timestampMillis(ts('2016-12-31T23:59:60.5Z'))).toBe(1483228799000n + 1500n);
    expect(iso('2024-05-06T07:08:09\u00a0Z')).toBe('2024-05-06T07:08:09Z');
  });

  it('rejects what chrono 0.4.23 rejects', () => {
    for (const s of [
      '',
      'not-a-timestamp',
      '2024-05-06',
      '2024-05-06T07:08:09',
      '2024-05-06t07:08:09Z',
      '2024-02-30T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2024-05-06T24:00:00Z',
      '2024-05-06T07:60:00Z',
      '2024-05-06T07:08:61Z',
      '2024-05-06T07:08:09.Z',
      '2024-05-06T07:08:09+24:00',
      '2024-05-06T07:08:09+01:60',
      '2024-05-06T07:08:09+1',
      '2024-05-06T07:08:09ZZ',
      '2024-05-06T07:08:09Zx',
      '12345-01-01T00:00:00Z',
      '+262144-01-01T00:00:00Z',
      '+262143-12-31T23:59:59-01:00',
      '2024-05-06T07:08:09U',
      '２０２４-05-06T07:08:09Z',
    ]) {
      expect(() => parseTimestamp(s), s).toThrowError(expect.objectContaining({ code: SegCode.BAD_TIMESTAMP }));
    }
    expect(iso('+262143-12-31T23:59:59+01:00')).toBe('+262143-12-31T22:59:59Z');
  });

  it('round-trips every value chrono can hold', () => {
    fc.assert(
      fc.property(arbTimestamp, (t) => {
        const text = formatTimestamp(t);
        expect(parseTimestamp(text)).toEqual(t);
        const frac = /\.(\d+)Z$/.exec(text)?.[1]?.length ?? 0;
        expect([0, 3, 6, 9]).toContain(frac);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the same text as bytes (the encoder path) as formatTimestamp', () => {
    fc.assert(
      fc.property(arbTimestamp, (t) => {
        const text = formatTimestamp(t);
        const out = new Uint8Array(64);
        const end = writeTimestampText(t, out, 3);
        expect(end - 3).toBe(timestampTextLength(t));
        expect(new TextDecoder().decode(out.subarray(3, end))).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with Date.toISOString on millisecond timestamps (years 0..9999)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62167219200000, max: 253402300799999 }), (ms) => {
        const mine = formatTimestamp(timestampFromMillis(ms));
        const js = new Date(ms).toISOString().replace('.000Z', 'Z');
        expect(mine).toBe(js);
        expect(timestampMillis(parseTimestamp(js))).toBe(BigInt(ms));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses values chrono cannot print back', () => {
    for (const bad of [
      { epochSeconds: BigInt(MAX_EPOCH_SECONDS) + 1n, nanos: 0 },
      { epochSeconds: 0n, nanos: -1 },
      { epochSeconds: 0n, nanos: 2_000_000_000 },
      { epochSeconds: 30n, nanos: 1_000_000_000 },
      { epochSeconds: 0n, nanos: 0.5 },
    ]) {
      expect(() => formatTimestamp(bad)).toThrowError(LogspecError);
    }
  });
});
