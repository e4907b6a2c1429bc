import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hexEncode } from '@logspec/core';
import { describe, expect, it } from 'vitest';
import { encodeHotFrame, encodeRecord, HOT_HEADER, HotCode, recordFromJson, replayHotFrames } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const spec = readFileSync(join(here, '../../../spec/hotlog.md'), 'utf8');
const log = JSON.parse(
  readFileSync(join(here, '../../../conformance/golden/hotlog/original-kaizen-rkyv-0.8.16/log.json'), 'utf8'),
) as { events: Record<string, unknown>[] };

/** The fenced block after `<!-- example:<name> … -->`. */
function example(name: string): { attrs: string; body: string } {
  const m = new RegExp(`<!-- example:${name}([^>]*)-->\\s*\`\`\`\\n([\\s\\S]*?)\`\`\``).exec(spec);
  if (!m) throw new Error(`no example:${name} in spec/hotlog.md`);
  return { attrs: m[1] ?? '', body: m[2] ?? '' };
}

describe('spec/hotlog.md worked examples', () => {
  it('the frame example is what encodeHotFrame writes', () => {
    const { attrs, body } = example('frame');
    const payload = /payload="([^"]*)"/.exec(attrs)?.[1] ?? '';
    const hex = (body.split('\n')[0] ?? '').replace(/\s+/g, '');
    expect(hex).toBe(hexEncode(encodeHotFrame(new TextEncoder().encode(payload))));
    // …and in a new log it is one frame ending at 29.
    const file = new Uint8Array([...HOT_HEADER, ...encodeHotFrame(new TextEncoder().encode(payload))]);
    expect(replayHotFrames(file).stop).toEqual({ reason: 'eof', at: 29 });
  });

  it('the archive example is what encodeRecord writes for reference event 0', () => {
    const { attrs, body } = example('archive');
    const i = Number(/event=(\d+)/.exec(attrs)?.[1]);
    const bytes = body
      .split('\n')
      .filter((l) => /^[0-9a-f]{4}: /.test(l))
      .map((l) => l.slice(6, 6 + 47).replace(/\s+/g, ''))
      .join('');
    expect(bytes).toBe(hexEncode(encodeRecord(recordFromJson(log.events[i]))));
    expect(bytes).toBe(log.events[i]?.archive_hex);
  });

  it('the error table lists every HotCode, and every listed HOT_ code exists', () => {
    const table = spec.slice(spec.indexOf('## 12. Error codes'));
    const listed = new Set([...table.matchAll(/^\| `(HOT_[A-Z0-9_]+)`/gm)].map((m) => m[1]));
    expect([...listed].sort()).toEqual(Object.values(HotCode).sort());
  });

  it('requirement IDs are unique', () => {
    const ids = [...spec.matchAll(/\*\*(HOT-[WRS]-\d{3})\*\*/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
