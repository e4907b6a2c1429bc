import { fieldCoverage, findField, flattenFields } from '@logspec/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeHotArchive,
  describeHotFrame,
  describeHotHeader,
  encodeHotFrame,
  encodeRecord,
  HOT_HEADER,
  type HotEventRecord,
} from '../src/index.js';

// Reference event 0 of spec/hotlog.md §4.2: 208 bytes, only payload_json out of line.
const event: HotEventRecord = {
  sessionId: 's1',
  seq: 7n,
  tsMs: 1700000007000n,
  tsExact: true,
  kind: 'ToolCall',
  source: 'Tail',
  tool: 'bash',
  toolCallId: 'c1',
  tokensIn: 1,
  tokensOut: 2,
  reasoningTokens: 3,
  costUsdE6: 4n,
  stopReason: null,
  latencyMs: null,
  ttftMs: null,
  retryCount: null,
  contextUsedTokens: null,
  contextMaxTokens: null,
  cacheCreationTokens: null,
  cacheReadTokens: null,
  systemPromptTokens: null,
  payloadJson: '{"ok":true}',
};

describe('describeHotArchive', () => {
  const archive = encodeRecord(event);

  it('lays out the worked example: body, padding, root, and the pointer to the body', () => {
    expect(archive.length).toBe(208);
    const spans = describeHotArchive(archive, 0, 208, 1000);
    expect(spans.map((f) => [f.name, f.offset - 1000, f.length])).toEqual([
      ['payload_json_body', 0, 11],
      ['padding', 11, 5],
      ['root', 16, 192],
    ]);
    expect(fieldCoverage(spans, 1000, 1208)).toEqual({ gaps: [], overlaps: [], outside: [] });
    expect(findField(spans, 'payload_json_body')?.value).toBe('{"ok":true}');
    // payload_json at root + 184 = 200: length 11 and pointer −200 to the body at 0.
    expect(findField(spans, 'root.payload_json.len')).toMatchObject({ offset: 1200, value: '11' });
    expect(findField(spans, 'root.payload_json.ptr')).toMatchObject({ offset: 1204, role: 'pointer', target: 1000 });
    expect(findField(spans, 'root.session_id')).toMatchObject({ offset: 1016, value: 's1', type: 'string, inline' });
    expect(findField(spans, 'root.tool.tag')?.value).toBe('1 Some');
    expect(findField(spans, 'root.tool.value')?.value).toBe('bash');
    expect(findField(spans, 'root.cost_usd_e6.value')).toMatchObject({ offset: 1016 + 104, value: '4' });
    expect(findField(spans, 'root.stop_reason.tag')?.value).toBe('0 None');
    expect(findField(spans, 'root.padding')).toMatchObject({ offset: 1016 + 92, length: 4, role: 'padding' });
    const root = findField(spans, 'root');
    expect(fieldCoverage(root?.children ?? [], 1016, 1208)).toEqual({ gaps: [], overlaps: [], outside: [] });
  });

  it('frames: len, payload (with the archive as children), crc; and the file header', () => {
    const frame = encodeHotFrame(archive);
    const spans = describeHotFrame(frame, 0, 12, { archive: true });
    expect(spans.map((f) => [f.name, f.offset, f.length])).toEqual([
      ['len', 12, 4],
      ['payload', 16, 208],
      ['crc', 224, 4],
    ]);
    expect(findField(spans, 'crc')?.value).toBe('0x361d03eb');
    expect(findField(spans, 'payload.root.seq')?.value).toBe('7');
    expect(describeHotFrame(frame, 0, 12).find((f) => f.name === 'payload')?.children).toBeUndefined();
    expect(describeHotHeader(HOT_HEADER).map((f) => [f.name, f.value])).toEqual([
      ['magic', 'OHNEZIAK'],
      ['version', '1'],
    ]);
  });

  it('any bytes give spans inside them, without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 260 }), (b) => {
        const spans = describeHotFrame(b, 0, 0, { archive: true });
        expect(fieldCoverage(spans, 0, b.length).outside).toEqual([]);
        for (const f of flattenFields(spans)) expect(f.length).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});
