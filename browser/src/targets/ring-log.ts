// @logspec/ring-log: every golden ring file replayed as the original reads it, plus the unit
// codecs (header and slot) both ways.
import { hexEncode } from '@logspec/core';
import { decodeUnit, encodeUnit, readRing, ringToJson } from '@logspec/ring-log';
import type { BrowserTarget } from '../harness.js';

const slot = {
  timestamp_ns: '18446744073709551615',
  slot_idx: 7,
  tenant_id: 4294967295,
  opcode: 3,
  args: [1, 2, 3, 4],
  epoch: 9,
};

export const target: BrowserTarget = {
  package: '@logspec/ring-log',
  formats: ['ring'],
  load: (p) => p.endsWith('.vrrl'),
  decode: (p, files) => {
    const bytes = files.get(p) as Uint8Array;
    return {
      original: () => ringToJson(readRing(bytes)),
      strict: () => ringToJson(readRing(bytes, { mode: 'strict' })),
    };
  },
  checks: {
    'encode and decode a slot': () => {
      const bytes = encodeUnit('slot', slot);
      return { hex: hexEncode(bytes), back: decodeUnit('slot', bytes) };
    },
    'encode and decode a header': () => {
      const bytes = encodeUnit('header', { capacity: '1048576', cursor: '5' });
      return { hex: hexEncode(bytes), back: decodeUnit('header', bytes) };
    },
    'strict mode refuses a foreign slot': () => decodeUnit('slot', new Uint8Array(64).fill(1), 'strict'),
  },
};
