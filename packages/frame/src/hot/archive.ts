import { HotCode, hotlogError } from './codes.js';
import type { HotEventRecord } from './record.js';

/**
 * The rkyv 0.8 archive of kaizen's `HotEventRecord` (little-endian, aligned, 32-bit relative
 * pointers), byte for byte: out-of-line string bodies first in field order, zero padding to 8,
 * then the 192-byte `repr(C)` root. See `spec/hotlog.md` §Archive for the table.
 */
export const ROOT_SIZE = 192;
/** Strings of at most this many bytes are stored inside their 8-byte field. */
export const INLINE_CAPACITY = 8;
/** rkyv's out-of-line capacity: the length keeps its top two bits for the `10` marker. */
export const MAX_STRING_BYTES = 2 ** 30 - 1;

/** Root offsets of the fields (option fields: the tag; the value follows at its alignment). */
export const ROOT_OFFSETS = {
  sessionId: 0,
  seq: 8,
  tsMs: 16,
  tsExact: 24,
  kind: 28,
  source: 36,
  tool: 44,
  toolCallId: 56,
  tokensIn: 68,
  tokensOut: 76,
  reasoningTokens: 84,
  costUsdE6: 96,
  stopReason: 112,
  latencyMs: 124,
  ttftMs: 132,
  retryCount: 140,
  contextUsedTokens: 144,
  contextMaxTokens: 152,
  cacheCreationTokens: 160,
  cacheReadTokens: 168,
  systemPromptTokens: 176,
  payloadJson: 184,
} as const;

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

const textEncoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const hasWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function';

// ---------------------------------------------------------------------------------------------
// Encoding

/** An upper bound of the archive's size (UTF-8 needs at most 3 bytes per UTF-16 unit). */
export function maxArchiveSize(rec: HotEventRecord): number {
  let chars = rec.sessionId.length + rec.kind.length + rec.source.length + rec.payloadJson.length;
  if (rec.tool !== null) chars += rec.tool.length;
  if (rec.toolCallId !== null) chars += rec.toolCallId.length;
  if (rec.stopReason !== null) chars += rec.stopReason.length;
  return ROOT_SIZE + 7 + 3 * chars;
}

let scratch = new Uint8Array(4096);

/** Encodes the archive of `rec` (a fresh, exactly sized array). */
export function encodeRecord(rec: HotEventRecord): Uint8Array {
  checkStringTypes(rec);
  const max = maxArchiveSize(rec);
  if (scratch.length < max) scratch = new Uint8Array(Math.max(max, scratch.length * 2));
  const end = encodeRecordInto(rec, scratch, 0);
  return scratch.slice(0, end);
}

/** Where each of the 7 string fields went: inline (-1; bytes kept in `inlineBytes`) or its body's index in `out`. */
const strPos = new Int32Array(7);
const strLen = new Int32Array(7);
const inlineBytes = new Uint8Array(7 * INLINE_CAPACITY);

/**
 * Encodes the archive of `rec` into `out` at `at` (needs {@link maxArchiveSize} bytes there)
 * and returns its end. The archive's size is `end - at`, a multiple of 8; place it at an
 * 8-aligned file position (the hot log's layout does) for rkyv to accept it.
 */
export function encodeRecordInto(rec: HotEventRecord, out: Uint8Array, at: number): number {
  checkStringTypes(rec);
  let cur = at;
  cur = putString(rec.sessionId, 0, out, cur, 'session_id');
  cur = putString(rec.kind, 1, out, cur, 'kind');
  cur = putString(rec.source, 2, out, cur, 'source');
  if (rec.tool !== null) cur = putString(rec.tool, 3, out, cur, 'tool');
  if (rec.toolCallId !== null) cur = putString(rec.toolCallId, 4, out, cur, 'tool_call_id');
  if (rec.stopReason !== null) cur = putString(rec.stopReason, 5, out, cur, 'stop_reason');
  cur = putString(rec.payloadJson, 6, out, cur, 'payload_json');
  const root = at + ((cur - at + 7) & ~7);
  if (root - at + ROOT_SIZE > 0x7fffffff) {
    throw hotlogError(HotCode.STRING_TOO_LONG, 'archive larger than 2 GiB: relative pointers cannot span it', 0);
  }
  // Padding, the root's own padding and None payloads are zero.
  out.fill(0, cur, root + ROOT_SIZE);
  const v = viewOf(out);
  writeString(out, v, root, 0, 0);
  v.setBigUint64(root + 8, u64(rec.seq, 'seq'), true);
  v.setBigUint64(root + 16, u64(rec.tsMs, 'ts_ms'), true);
  if (typeof rec.tsExact !== 'boolean') throw fieldRange('ts_exact', 'a boolean', rec.tsExact);
  out[root + 24] = rec.tsExact ? 1 : 0;
  writeString(out, v, root, 28, 1);
  writeString(out, v, root, 36, 2);
  if (rec.tool !== null) {
    out[root + 44] = 1;
    writeString(out, v, root, 48, 3);
  }
  if (rec.toolCallId !== null) {
    out[root + 56] = 1;
    writeString(out, v, root, 60, 4);
  }
  optU32(out, v, root + 68, rec.tokensIn, 'tokens_in');
  optU32(out, v, root + 76, rec.tokensOut, 'tokens_out');
  optU32(out, v, root + 84, rec.reasoningTokens, 'reasoning_tokens');
  const cost = rec.costUsdE6;
  if (cost !== null) {
    if (typeof cost !== 'bigint' || cost < I64_MIN || cost > I64_MAX)
      throw fieldRange('cost_usd_e6', 'an i64 bigint', cost);
    out[root + 96] = 1;
    v.setBigInt64(root + 104, cost, true);
  }
  if (rec.stopReason !== null) {
    out[root + 112] = 1;
    writeString(out, v, root, 116, 5);
  }
  optU32(out, v, root + 124, rec.latencyMs, 'latency_ms');
  optU32(out, v, root + 132, rec.ttftMs, 'ttft_ms');
  const retry = rec.retryCount;
  if (retry !== null) {
    if (typeof retry !== 'number' || (retry & 0xffff) !== retry) throw fieldRange('retry_count', 'a u16', retry);
    out[root + 140] = 1;
    v.setUint16(root + 142, retry, true);
  }
  optU32(out, v, root + 144, rec.contextUsedTokens, 'context_used_tokens');
  optU32(out, v, root + 152, rec.contextMaxTokens, 'context_max_tokens');
  optU32(out, v, root + 160, rec.cacheCreationTokens, 'cache_creation_tokens');
  optU32(out, v, root + 168, rec.cacheReadTokens, 'cache_read_tokens');
  optU32(out, v, root + 176, rec.systemPromptTokens, 'system_prompt_tokens');
  writeString(out, v, root, 184, 6);
  return root + ROOT_SIZE;
}

function checkStringTypes(rec: HotEventRecord): void {
  if (
    typeof rec.sessionId !== 'string' ||
    typeof rec.kind !== 'string' ||
    typeof rec.source !== 'string' ||
    typeof rec.payloadJson !== 'string' ||
    (rec.tool !== null && typeof rec.tool !== 'string') ||
    (rec.toolCallId !== null && typeof rec.toolCallId !== 'string') ||
    (rec.stopReason !== null && typeof rec.stopReason !== 'string')
  ) {
    throw hotlogError(HotCode.FIELD_RANGE, 'string fields must be strings (or null for options)');
  }
}

function fieldRange(field: string, want: string, got: unknown): never {
  throw hotlogError(
    HotCode.FIELD_RANGE,
    `${field} must be ${want}, got ${typeof got === 'bigint' ? `${got}n` : String(got)}`,
    undefined,
    {
      field,
    },
  );
}

function u64(x: bigint, field: string): bigint {
  if (typeof x !== 'bigint' || x < 0n || x > U64_MAX) fieldRange(field, 'a u64 bigint', x);
  return x;
}

function optU32(out: Uint8Array, v: DataView, at: number, x: number | null, field: string): void {
  if (x === null) return;
  if (typeof x !== 'number' || x >>> 0 !== x) fieldRange(field, 'a u32', x);
  out[at] = 1;
  v.setUint32(at + 4, x, true);
}

/**
 * Writes `s`'s UTF-8 at `cur`. If it fits inline it is copied aside (and `cur` is not
 * advanced: later bodies or the padding overwrite it); otherwise it stays as a body.
 */
function putString(s: string, slot: number, out: Uint8Array, cur: number, field: string): number {
  const n = s.length <= 64 ? utf8Write(s, out, cur, field) : utf8WriteLong(s, out, cur, field);
  if (n <= INLINE_CAPACITY) {
    const o = slot * INLINE_CAPACITY;
    for (let i = 0; i < n; i++) inlineBytes[o + i] = out[cur + i] as number;
    strPos[slot] = -1;
    strLen[slot] = n;
    return cur;
  }
  if (n > MAX_STRING_BYTES) {
    throw hotlogError(
      HotCode.STRING_TOO_LONG,
      `${field} is ${n} bytes; rkyv strings hold at most 2^30 - 1`,
      undefined,
      {
        field,
        length: n,
      },
    );
  }
  strPos[slot] = cur;
  strLen[slot] = n;
  return cur + n;
}

/** Fills the 8-byte string field at `root + off` from slot `slot`. */
function writeString(out: Uint8Array, v: DataView, root: number, off: number, slot: number): void {
  const at = root + off;
  const n = strLen[slot] as number;
  const pos = strPos[slot] as number;
  if (pos < 0) {
    const o = slot * INLINE_CAPACITY;
    for (let i = 0; i < n; i++) out[at + i] = inlineBytes[o + i] as number;
    for (let i = n; i < INLINE_CAPACITY; i++) out[at + i] = 0xff;
    return;
  }
  // Length with `10` in bits 6–7 of the first byte; the offset is relative to the field.
  v.setUint32(at, ((n & 0x3f) | 0x80 | ((n & ~0x3f) << 2)) >>> 0, true);
  v.setInt32(at + 4, pos - at, true);
}

function utf8Write(s: string, out: Uint8Array, at: number, field: string): number {
  let p = at;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      out[p++] = c;
    } else if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 0x3f);
      out[p++] = 0x80 | (c & 0x3f);
    } else {
      const d = i + 1 < len ? s.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || d < 0xdc00 || d > 0xdfff) throw unpaired(field, i);
      const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      out[p++] = 0xf0 | (cp >> 18);
      out[p++] = 0x80 | ((cp >> 12) & 0x3f);
      out[p++] = 0x80 | ((cp >> 6) & 0x3f);
      out[p++] = 0x80 | (cp & 0x3f);
      i++;
    }
  }
  return p - at;
}

function utf8WriteLong(s: string, out: Uint8Array, at: number, field: string): number {
  if (hasWellFormed) {
    if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) throw unpaired(field, -1);
  } else {
    return utf8Write(s, out, at, field);
  }
  return textEncoder.encodeInto(s, out.subarray(at)).written;
}

function unpaired(field: string, index: number): never {
  throw hotlogError(HotCode.UNPAIRED_SURROGATE, `${field} holds a lone surrogate: it has no UTF-8 form`, undefined, {
    field,
    index: index < 0 ? null : index,
  });
}

// ---------------------------------------------------------------------------------------------
// Decoding

export interface DecodeRecordOptions {
  /**
   * File position of the archive's first byte, for the alignment rule: rkyv checks the root's
   * alignment at its address, and the hot log is read through a page-aligned mmap, so the
   * root must be 8-aligned in the file. Default 0 (an archive standing alone is 8-aligned).
   */
  position?: number;
  /** Added to error offsets (default: `position`, so offsets are file positions). */
  baseOffset?: number;
  /**
   * `original` (default): accept exactly what rkyv 0.8's `access` accepts. `strict`: also
   * require the canonical bytes (those {@link encodeRecord} writes for the decoded record).
   */
  mode?: 'original' | 'strict';
}

/** Validates and decodes one archive (`bytes[start, end)`), answering HOT_… errors where rkyv refuses. */
export function decodeRecord(bytes: Uint8Array, opts: DecodeRecordOptions = {}): HotEventRecord {
  return decodeRecordAt(bytes, 0, bytes.length, opts);
}

export function decodeRecordAt(
  bytes: Uint8Array,
  start: number,
  end: number,
  opts: DecodeRecordOptions = {},
): HotEventRecord {
  const position = opts.position ?? 0;
  const errBase = (opts.baseOffset ?? position) - start;
  const rec = reader.read(bytes, start, end, position, errBase);
  if (opts.mode === 'strict') checkCanonical(rec, bytes, start, end, errBase);
  return rec;
}

/** One DataView per buffer, kept for the next call: decoding a scan's frames reuses it. */
let lastBuffer: Uint8Array | undefined;
let lastView: DataView | undefined;
function viewOf(b: Uint8Array): DataView {
  if (b !== lastBuffer || lastView === undefined) {
    lastView = new DataView(b.buffer, b.byteOffset, b.byteLength);
    lastBuffer = b;
  }
  return lastView;
}

/** Strict mode: the archive must be the one logspec writes for `rec`. */
function checkCanonical(rec: HotEventRecord, bytes: Uint8Array, start: number, end: number, errBase: number): void {
  const canon = encodeRecord(rec);
  const n = end - start;
  const m = Math.min(n, canon.length);
  let i = 0;
  while (i < m && bytes[start + i] === canon[i]) i++;
  if (i < m || n !== canon.length) {
    throw hotlogError(HotCode.NONCANONICAL, 'archive is valid but not canonical', errBase + start + i, {
      length: n,
      canonicalLength: canon.length,
    });
  }
}

/**
 * One validating pass in rkyv's order (struct fields in declaration order; per string: the
 * representation, then the body's range, then UTF-8), so the first error is the one rkyv meets.
 * Out-of-line bodies must lie in `[claimed, root)`: rkyv's validator narrows the range it hands
 * out to the bytes before the root and advances its start past each body it checks, so bodies
 * must appear in field order, without overlapping.
 */
class ArchiveReader {
  private b: Uint8Array = new Uint8Array(0);
  private v: DataView = new DataView(new ArrayBuffer(0));
  /** Start of the bytes a string body may still claim. */
  private claimed = 0;
  private root = 0;
  /** Added to an index in `b` to give the error offset. */
  private errBase = 0;
  /** The bodies region decoded in one call when it is contiguous ASCII (else undefined). */
  private text: string | undefined;
  private textBase = 0;

  private fail(code: HotCode, message: string, at: number, details?: Record<string, unknown>): never {
    throw hotlogError(code, message, this.errBase + at, details);
  }

  read(bytes: Uint8Array, start: number, end: number, position: number, errBase: number): HotEventRecord {
    this.b = bytes;
    this.v = viewOf(bytes);
    this.errBase = errBase;
    this.claimed = start;
    const len = end - start;
    if (!(len >= ROOT_SIZE && start >= 0 && end <= bytes.length)) {
      if (len >= ROOT_SIZE)
        throw hotlogError(HotCode.ARCHIVE_TOO_SHORT, 'archive window outside the buffer', errBase + start);
      this.fail(HotCode.ARCHIVE_TOO_SHORT, `archive of ${len} bytes is shorter than its 192-byte root`, start, {
        length: len,
      });
    }
    const root = end - ROOT_SIZE;
    if (((position + len - ROOT_SIZE) & 7) !== 0) {
      this.fail(HotCode.ARCHIVE_MISALIGNED, 'root is not 8-aligned where the archive lies', root, {
        rootPosition: position + len - ROOT_SIZE,
      });
    }
    this.root = root;
    this.text = undefined;
    this.predecodeBodies(start, root);
    const b = this.b;
    const v = this.v;
    const sessionId = this.str(root);
    const seq = v.getBigUint64(root + 8, true);
    const tsMs = v.getBigUint64(root + 16, true);
    const exact = b[root + 24] as number;
    if (exact > 1) this.fail(HotCode.BAD_BOOL, `ts_exact byte is ${exact}, not 0 or 1`, root + 24, { value: exact });
    const kind = this.str(root + 28);
    const source = this.str(root + 36);
    const tool = this.tag(root + 44) ? this.str(root + 48) : null;
    const toolCallId = this.tag(root + 56) ? this.str(root + 60) : null;
    const tokensIn = this.tag(root + 68) ? v.getUint32(root + 72, true) : null;
    const tokensOut = this.tag(root + 76) ? v.getUint32(root + 80, true) : null;
    const reasoningTokens = this.tag(root + 84) ? v.getUint32(root + 88, true) : null;
    const costUsdE6 = this.tag(root + 96) ? v.getBigInt64(root + 104, true) : null;
    const stopReason = this.tag(root + 112) ? this.str(root + 116) : null;
    const latencyMs = this.tag(root + 124) ? v.getUint32(root + 128, true) : null;
    const ttftMs = this.tag(root + 132) ? v.getUint32(root + 136, true) : null;
    const retryCount = this.tag(root + 140) ? v.getUint16(root + 142, true) : null;
    const contextUsedTokens = this.tag(root + 144) ? v.getUint32(root + 148, true) : null;
    const contextMaxTokens = this.tag(root + 152) ? v.getUint32(root + 156, true) : null;
    const cacheCreationTokens = this.tag(root + 160) ? v.getUint32(root + 164, true) : null;
    const cacheReadTokens = this.tag(root + 168) ? v.getUint32(root + 172, true) : null;
    const systemPromptTokens = this.tag(root + 176) ? v.getUint32(root + 180, true) : null;
    const payloadJson = this.str(root + 184);
    return {
      sessionId,
      seq,
      tsMs,
      tsExact: exact === 1,
      kind,
      source,
      tool,
      toolCallId,
      tokensIn,
      tokensOut,
      reasoningTokens,
      costUsdE6,
      stopReason,
      latencyMs,
      ttftMs,
      retryCount,
      contextUsedTokens,
      contextMaxTokens,
      cacheCreationTokens,
      cacheReadTokens,
      systemPromptTokens,
      payloadJson,
    };
  }

  /**
   * Canonical archives keep their out-of-line bodies back to back from the start: decode that
   * region with one TextDecoder call (its fixed cost dominates short strings) and slice it. Used
   * only when the region is ASCII, where byte and UTF-16 offsets agree; the field-by-field checks
   * of `str` still run, so anything unusual falls back to decoding each body on its own.
   */
  private predecodeBodies(start: number, root: number): void {
    const b = this.b;
    let end = start;
    for (let k = 0; k < STRING_FIELDS.length; k++) {
      const off = STRING_FIELDS[k] as number;
      const tagAt = STRING_TAGS[k] as number;
      if (tagAt >= 0 && b[root + tagAt] !== 1) continue;
      const at = root + off;
      if (((b[at] as number) & 0xc0) !== 0x80) continue;
      const raw = this.v.getUint32(at, true);
      const n = (raw & 0x3f) | ((raw >>> 8) << 6);
      if (n <= INLINE_CAPACITY || at + this.v.getInt32(at + 4, true) !== end || end + n > root) return;
      end += n;
    }
    if (end - start <= INLINE_CAPACITY) return;
    let text: string;
    try {
      text = strictDecoder.decode(b.subarray(start, end));
    } catch {
      return;
    }
    if (text.length !== end - start) return;
    this.text = text;
    this.textBase = start;
  }

  private tag(at: number): boolean {
    const t = this.b[at] as number;
    if (t === 0) return false;
    if (t === 1) return true;
    return this.fail(HotCode.BAD_OPTION_TAG, `option tag is ${t}, not 0 or 1`, at, { value: t });
  }

  /** The string whose 8-byte field is at `at`. */
  private str(at: number): string {
    const b = this.b;
    if (((b[at] as number) & 0xc0) !== 0x80) {
      let n = 0;
      while (n < INLINE_CAPACITY && b[at + n] !== 0xff) n++;
      return this.utf8(at, at + n, at);
    }
    const raw = this.v.getUint32(at, true);
    const n = (raw & 0x3f) | ((raw >>> 8) << 6);
    if (n <= INLINE_CAPACITY) {
      this.fail(HotCode.STRING_REPR, `out-of-line string of ${n} bytes (must be inline)`, at, { length: n });
    }
    const body = at + this.v.getInt32(at + 4, true);
    if (body < this.claimed || body + n > this.root) {
      this.fail(HotCode.STRING_OUT_OF_RANGE, 'string body outside the bytes it may claim', at, {
        body: this.errBase + body,
        length: n,
        rangeStart: this.errBase + this.claimed,
        rangeEnd: this.errBase + this.root,
      });
    }
    this.claimed = body + n;
    const text = this.text;
    if (text !== undefined) return text.substring(body - this.textBase, body + n - this.textBase);
    return this.utf8(body, body + n, body);
  }

  private utf8(s: number, e: number, errAt: number): string {
    const b = this.b;
    const n = e - s;
    if (n <= SHORT_MAX) {
      const hit = shortString(b, s, n);
      if (hit !== undefined) return hit;
    } else if (n <= 64) {
      let i = s;
      while (i < e && (b[i] as number) < 0x80) i++;
      if (i === e) return asciiString(b, s, n);
    }
    try {
      return strictDecoder.decode(b.subarray(s, e));
    } catch {
      return this.fail(HotCode.BAD_UTF8, 'string is not valid UTF-8', errAt, { length: n });
    }
  }
}

const reader = new ArchiveReader();

/** Root offsets of the 7 string fields in field order, and of their option tag (-1: not an option). */
const STRING_FIELDS = [0, 28, 36, 48, 60, 116, 184] as const;
const STRING_TAGS = [-1, -1, -1, 44, 56, 112, -1] as const;

/**
 * Short ASCII strings (ids, kind and source names, tool names) repeat from event to event:
 * a small direct-mapped cache keyed by their bytes returns the same string without building
 * it again. Cheaper than a TextDecoder call, whose fixed cost dominates below ~64 bytes.
 */
const SHORT_MAX = 16;
const CACHE_SLOTS = 1024;
const cacheBytes = new Uint8Array(CACHE_SLOTS * SHORT_MAX);
const cacheLen = new Int8Array(CACHE_SLOTS).fill(-1);
const cacheStr: string[] = new Array<string>(CACHE_SLOTS).fill('');

/** The ASCII string of `b[s, s + n)` (n ≤ 16), or undefined if a byte is not ASCII. */
function shortString(b: Uint8Array, s: number, n: number): string | undefined {
  let h = n;
  for (let i = s, e = s + n; i < e; i++) {
    const c = b[i] as number;
    if (c >= 0x80) return undefined;
    h = Math.imul(h ^ c, 0x01000193);
  }
  const slot = (h ^ (h >>> 15)) & (CACHE_SLOTS - 1);
  const o = slot * SHORT_MAX;
  if (cacheLen[slot] === n) {
    let i = 0;
    while (i < n && cacheBytes[o + i] === b[s + i]) i++;
    if (i === n) return cacheStr[slot];
  }
  const str = asciiString(b, s, n);
  for (let i = 0; i < n; i++) cacheBytes[o + i] = b[s + i] as number;
  cacheLen[slot] = n;
  cacheStr[slot] = str;
  return str;
}

const charCodes: number[] = [];

/** ASCII bytes to a string without a TextDecoder call. */
function asciiString(b: Uint8Array, s: number, n: number): string {
  switch (n) {
    case 0:
      return '';
    case 1:
      return String.fromCharCode(b[s] as number);
    case 2:
      return String.fromCharCode(b[s] as number, b[s + 1] as number);
    case 3:
      return String.fromCharCode(b[s] as number, b[s + 1] as number, b[s + 2] as number);
    case 4:
      return String.fromCharCode(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number);
    default: {
      charCodes.length = n;
      for (let i = 0; i < n; i++) charCodes[i] = b[s + i] as number;
      return String.fromCharCode.apply(null, charCodes);
    }
  }
}
