import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hexEncode } from '@logspec/core';
import { describe, expect, it } from 'vitest';
import { encodeHeader, encodeSlot, readRing, ringFileLength, ringToJson } from '../src/index.js';
import { rec } from './helpers.js';

const SPEC = fileURLToPath(new URL('../../../spec/ring.md', import.meta.url));

/** The hex dump between the `ring-example` markers of spec/ring.md, as bytes (offsets dropped). */
function specExampleHex(): string {
  const text = readFileSync(SPEC, 'utf8');
  const m = /<!-- ring-example:begin -->\n```\n([\s\S]*?)```\n<!-- ring-example:end -->/.exec(text);
  if (!m?.[1]) throw new Error('no ring-example block in spec/ring.md');
  return m[1]
    .trim()
    .split('\n')
    .map((line) => line.slice(10).replace(/ /g, ''))
    .join('');
}

describe('spec/ring.md worked example', () => {
  it('is what the encoder writes for capacity 2, cursor 1 and rec(1, 10) in slot 0', () => {
    const file = new Uint8Array(ringFileLength(2));
    encodeHeader({ capacity: 2, cursor: 1 }, file, 0);
    file.set(encodeSlot(rec(1, 10)), 32);
    expect(specExampleHex()).toBe(hexEncode(file));
  });

  it('reads back as the canonical JSON the spec gives', () => {
    const file = Uint8Array.from(specExampleHex().match(/../g) ?? [], (h) => Number.parseInt(h, 16));
    expect(ringToJson(readRing(file))).toEqual({
      capacity: '2',
      cursor: '1',
      records: [
        { timestamp_ns: '1000001', slot_idx: 1, tenant_id: 0, opcode: 1073741825, args: [1, 2, 3, 4], epoch: 10 },
      ],
    });
  });
});
