import type { FieldSpan } from '@logspec/core';
import { hotLayout } from '../framing/layout.js';
import { isOutOfLine, outOfLineLength, ROOT_OFFSETS, ROOT_SIZE } from './archive-layout.js';
import { HOT_HEADER_LEN } from './header.js';

/**
 * The hot log as named byte ranges (`spec/hotlog.md` §1 and §4), for inspectors: the file
 * header, each frame's envelope, and a payload's rkyv archive down to its root fields, option
 * tags, inline strings, out-of-line string bodies and the relative pointers to them. Nothing
 * here validates (`checkArchive` does): any bytes give spans, cut to the bytes given.
 */

const text = new TextDecoder('utf-8', { fatal: false });
const ascii = (b: Uint8Array, s: number, e: number) =>
  String.fromCharCode(...b.subarray(s, e)).replace(/[^\x20-\x7e]/g, '.');

/** The 12-byte header at the start of `bytes` (cut to the bytes given). */
export function describeHotHeader(bytes: Uint8Array): FieldSpan[] {
  const out: FieldSpan[] = [];
  const n = Math.min(bytes.length, HOT_HEADER_LEN);
  if (n > 0)
    out.push({
      name: 'magic',
      role: 'magic',
      offset: 0,
      length: Math.min(n, 8),
      type: 'bytes',
      value: ascii(bytes, 0, Math.min(n, 8)),
    });
  if (n > 8) {
    const value = n === 12 ? String(new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true)) : undefined;
    out.push({
      name: 'version',
      role: 'header',
      offset: 8,
      length: n - 8,
      type: 'u32 LE',
      ...(value ? { value } : {}),
    });
  }
  return out;
}

/**
 * The frame at `bytes[start…]`: `len · payload · crc`, cut to the bytes given. With
 * `archive`, the payload's children are its archive's fields ({@link describeHotArchive}).
 * `fileOffset` is the frame's file position.
 */
export function describeHotFrame(
  bytes: Uint8Array,
  start: number,
  fileOffset = start,
  opts: { archive?: boolean } = {},
): FieldSpan[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const have = bytes.length - start;
  if (have <= 0) return [];
  const len = have >= 4 ? hotLayout.payloadLength(v, start) : undefined;
  const out: FieldSpan[] = [
    {
      name: 'len',
      role: 'length',
      offset: fileOffset,
      length: Math.min(4, have),
      type: 'u32 LE',
      ...(len === undefined ? {} : { value: String(len) }),
    },
  ];
  if (len === undefined || have <= 4) return out;
  const n = Math.min(len, have - 4);
  const ps = start + 4;
  out.push({
    name: 'payload',
    role: 'payload',
    offset: fileOffset + 4,
    length: n,
    type: opts.archive ? 'rkyv HotEventRecord' : 'bytes',
    ...(opts.archive ? { children: describeHotArchive(bytes, ps, ps + n, fileOffset + 4) } : {}),
  });
  const crcAt = 4 + len;
  if (crcAt < have) {
    const c = Math.min(4, have - crcAt);
    const value =
      c === 4
        ? `0x${v
            .getUint32(start + crcAt, true)
            .toString(16)
            .padStart(8, '0')}`
        : undefined;
    out.push({
      name: 'crc',
      role: 'crc',
      offset: fileOffset + crcAt,
      length: c,
      type: 'u32 LE, CRC-32 of payload',
      ...(value ? { value } : {}),
    });
  }
  return out;
}

type Kind = 'string' | 'u64' | 'bool' | 'opt_string' | 'opt_u32' | 'opt_i64' | 'opt_u16' | 'pad';

/** The root's fields in order (`spec/hotlog.md` §4.1), with the spec's names. */
const ROOT_FIELDS: readonly [string, number, Kind][] = [
  ['session_id', ROOT_OFFSETS.sessionId, 'string'],
  ['seq', ROOT_OFFSETS.seq, 'u64'],
  ['ts_ms', ROOT_OFFSETS.tsMs, 'u64'],
  ['ts_exact', ROOT_OFFSETS.tsExact, 'bool'],
  ['kind', ROOT_OFFSETS.kind, 'string'],
  ['source', ROOT_OFFSETS.source, 'string'],
  ['tool', ROOT_OFFSETS.tool, 'opt_string'],
  ['tool_call_id', ROOT_OFFSETS.toolCallId, 'opt_string'],
  ['tokens_in', ROOT_OFFSETS.tokensIn, 'opt_u32'],
  ['tokens_out', ROOT_OFFSETS.tokensOut, 'opt_u32'],
  ['reasoning_tokens', ROOT_OFFSETS.reasoningTokens, 'opt_u32'],
  ['padding', ROOT_OFFSETS.reasoningTokens + 8, 'pad'],
  ['cost_usd_e6', ROOT_OFFSETS.costUsdE6, 'opt_i64'],
  ['stop_reason', ROOT_OFFSETS.stopReason, 'opt_string'],
  ['latency_ms', ROOT_OFFSETS.latencyMs, 'opt_u32'],
  ['ttft_ms', ROOT_OFFSETS.ttftMs, 'opt_u32'],
  ['retry_count', ROOT_OFFSETS.retryCount, 'opt_u16'],
  ['context_used_tokens', ROOT_OFFSETS.contextUsedTokens, 'opt_u32'],
  ['context_max_tokens', ROOT_OFFSETS.contextMaxTokens, 'opt_u32'],
  ['cache_creation_tokens', ROOT_OFFSETS.cacheCreationTokens, 'opt_u32'],
  ['cache_read_tokens', ROOT_OFFSETS.cacheReadTokens, 'opt_u32'],
  ['system_prompt_tokens', ROOT_OFFSETS.systemPromptTokens, 'opt_u32'],
  ['payload_json', ROOT_OFFSETS.payloadJson, 'string'],
];

/** Bytes of each kind in the root (field start to the next field). */
const SIZE: Record<Kind, number> = {
  string: 8,
  u64: 8,
  bool: 4,
  opt_string: 12,
  opt_u32: 8,
  opt_i64: 16,
  opt_u16: 4,
  pad: 4,
};

/**
 * The archive at `bytes[start, end)` (`fileOffset`: its file position): the out-of-line
 * string bodies and the padding before the root, then the 192-byte root's fields. An archive
 * shorter than a root is one span.
 */
export function describeHotArchive(bytes: Uint8Array, start: number, end: number, fileOffset = start): FieldSpan[] {
  const len = end - start;
  const at = (p: number) => fileOffset + (p - start);
  if (len < ROOT_SIZE) {
    return len > 0
      ? [
          {
            name: 'archive',
            role: 'trailing',
            offset: fileOffset,
            length: len,
            type: `shorter than the ${ROOT_SIZE}-byte root`,
          },
        ]
      : [];
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const root = end - ROOT_SIZE;
  const bodies: FieldSpan[] = [];
  const fields: FieldSpan[] = [];

  /** An 8-byte string field at `p`: inline bytes, or length and relative pointer (body recorded). */
  const stringField = (name: string, p: number): FieldSpan => {
    if (!isOutOfLine(bytes[p] as number)) {
      let n = 0;
      while (n < 8 && bytes[p + n] !== 0xff) n++;
      return {
        name,
        role: 'payload',
        offset: at(p),
        length: 8,
        type: 'string, inline',
        value: text.decode(bytes.subarray(p, p + n)),
      };
    }
    const n = outOfLineLength(v.getUint32(p, true));
    const target = p + v.getInt32(p + 4, true);
    const inside = target >= start && target + n <= root;
    if (inside) {
      bodies.push({
        name: `${name}_body`,
        role: 'body',
        offset: at(target),
        length: n,
        type: 'UTF-8, out of line',
        value: text.decode(bytes.subarray(target, target + Math.min(n, 512))),
      });
    }
    return {
      name,
      role: 'payload',
      offset: at(p),
      length: 8,
      type: 'string, out of line',
      children: [
        {
          name: 'len',
          role: 'length',
          offset: at(p),
          length: 4,
          type: 'u32 LE, length with marker 10xxxxxx',
          value: String(n),
        },
        {
          name: 'ptr',
          role: 'pointer',
          offset: at(p + 4),
          length: 4,
          type: 'i32 LE, relative pointer',
          value: `${v.getInt32(p + 4, true)}${inside ? '' : ' (outside the archive)'}`,
          target: at(target),
        },
      ],
    };
  };
  const tag = (p: number, pad: number): FieldSpan[] => {
    const t = bytes[p] as number;
    const out: FieldSpan[] = [
      {
        name: 'tag',
        role: 'tag',
        offset: at(p),
        length: 1,
        type: 'u8',
        value: t === 0 ? '0 None' : t === 1 ? '1 Some' : `${t} (bad tag)`,
      },
    ];
    if (pad > 0) out.push({ name: 'pad', role: 'padding', offset: at(p + 1), length: pad, type: 'bytes' });
    return out;
  };
  const num = (name: string, p: number, n: 2 | 4 | 8, signed = false): FieldSpan => {
    const value =
      n === 2
        ? v.getUint16(p, true)
        : n === 4
          ? v.getUint32(p, true)
          : signed
            ? v.getBigInt64(p, true)
            : v.getBigUint64(p, true);
    return {
      name,
      role: 'payload',
      offset: at(p),
      length: n,
      type: `${signed ? 'i' : 'u'}${n * 8} LE`,
      value: String(value),
    };
  };

  for (const [name, off, kind] of ROOT_FIELDS) {
    const p = root + off;
    const size = SIZE[kind];
    const base = { name, offset: at(p), length: size };
    switch (kind) {
      case 'string':
        fields.push(stringField(name, p));
        break;
      case 'u64':
        fields.push({ ...num(name, p, 8), role: name === 'seq' ? 'header' : 'payload' });
        break;
      case 'bool':
        fields.push({
          ...base,
          role: 'payload',
          type: 'bool, 3 zero bytes',
          value: bytes[p] === 1 ? 'true' : bytes[p] === 0 ? 'false' : `${bytes[p]} (bad bool)`,
          children: [
            { name: 'value', role: 'payload', offset: at(p), length: 1, type: 'u8' },
            { name: 'pad', role: 'padding', offset: at(p + 1), length: 3, type: 'bytes' },
          ],
        });
        break;
      case 'pad':
        fields.push({ ...base, role: 'padding', type: 'bytes' });
        break;
      case 'opt_string':
        fields.push({
          ...base,
          role: 'payload',
          type: 'option<string>',
          children: [...tag(p, 3), stringField('value', p + 4)],
        });
        break;
      case 'opt_u32':
        fields.push({
          ...base,
          role: 'payload',
          type: 'option<u32>',
          children: [...tag(p, 3), num('value', p + 4, 4)],
        });
        break;
      case 'opt_u16':
        fields.push({
          ...base,
          role: 'payload',
          type: 'option<u16>',
          children: [...tag(p, 1), num('value', p + 2, 2)],
        });
        break;
      case 'opt_i64':
        fields.push({
          ...base,
          role: 'payload',
          type: 'option<i64>',
          children: [...tag(p, 7), num('value', p + 8, 8, true)],
        });
        break;
    }
  }
  // What lies between the bodies before the root: alignment padding, or bytes nothing points at.
  const claimed = bodies.map((b) => [b.offset, b.offset + b.length] as const).sort((a, b) => a[0] - b[0]);
  const before: FieldSpan[] = [];
  let pos = fileOffset;
  const rootAt = at(root);
  const gap = (from: number, to: number) => {
    if (to <= from) return;
    const pad = to === rootAt && to - from < 8;
    before.push({
      name: pad ? 'padding' : 'unreferenced',
      role: pad ? 'padding' : 'trailing',
      offset: from,
      length: to - from,
      type: pad ? "bytes, to the root's alignment" : 'bytes no pointer refers to',
    });
  };
  for (const [s, e] of claimed) {
    if (s < pos) continue; // two pointers at one body: list it once
    gap(pos, s);
    pos = e;
  }
  gap(pos, rootAt);
  const seen = new Set<number>();
  const uniqueBodies = bodies.filter((b) => !seen.has(b.offset) && seen.add(b.offset));
  return [
    ...uniqueBodies,
    ...before,
    {
      name: 'root',
      role: 'payload' as const,
      offset: rootAt,
      length: ROOT_SIZE,
      type: 'HotEventRecord, 192 bytes',
      children: fields,
    },
  ].sort((a, b) => a.offset - b.offset);
}
