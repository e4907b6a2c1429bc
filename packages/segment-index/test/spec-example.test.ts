import * as nfs from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hexEncode } from '@logspec/core';
import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  encodeFrame,
  encodeIndexEntries,
  makeMessage,
  parseTimestamp,
  TimeIndex,
  timestampMillisNumber,
} from '../src/index.js';

const SPEC = join(dirname(fileURLToPath(import.meta.url)), '../../../spec/segment.md');

/** The bytes of a hex dump between `<!-- segment-example:<name>:begin/end -->` in the spec. */
function dump(name: string): string {
  const text = nfs.readFileSync(SPEC, 'utf8');
  const m = new RegExp(`<!-- segment-example:${name}:begin -->([\\s\\S]*?)<!-- segment-example:${name}:end -->`).exec(
    text,
  );
  if (!m) throw new Error(`no ${name} example in spec/segment.md`);
  return (m[1] as string)
    .split('\n')
    .filter((l) => /^[0-9a-f]{8} /.test(l))
    .map((l) => l.slice(10).replace(/\s+/g, ''))
    .join('');
}

describe('spec/segment.md worked example', () => {
  const message = makeMessage({
    offset: 105n,
    key: new TextEncoder().encode('k1'),
    value: new TextEncoder().encode('hello'),
    timestamp: parseTimestamp('2025-01-01T00:00:02.5Z'),
    headers: [{ key: 'trace', value: new Uint8Array([1]) }],
    producerId: 7n,
    producerEpoch: 300,
  });

  it('frame', () => {
    const frame = encodeFrame(message);
    expect(hexEncode(frame)).toBe(dump('frame'));
    expect(decodeFrame(frame).message.offset).toBe(105n);
  });

  it('index entry and time index entry', () => {
    expect(hexEncode(encodeIndexEntries([{ relativeOffset: 5, position: 4104n }]))).toBe(dump('index'));
    const t = new TimeIndex();
    t.push(timestampMillisNumber(message.timestamp), 5);
    expect(hexEncode(t.toBytes())).toBe(dump('timeindex'));
  });
});
