/**
 * Event encode/decode: logspec's rkyv archive codec against msgpackr with shared structures
 * (its fastest mode: records keyed by a structure id) on the same events, and JSON.
 *
 * Decoding has three logspec cases, named for what they do: `decodeRecordAt` builds the whole
 * record (every string decoded); `accessRecord` only validates (rkyv's `access`: no field is
 * read, so it does less than msgpackr's unpack); `accessRecord + read all 22 fields` validates
 * and then reads every field through the view's getters, strings and bigints included.
 */
import { suite } from '@logspec/bench';

import { Packr } from 'msgpackr';
import {
  accessRecord,
  decodeRecordAt,
  encodeRecord,
  encodeRecordInto,
  type HotEventView,
  maxArchiveSize,
  recordToJson,
} from '../src/index.js';
import { sampleEvents } from './events.js';

/** LOGSPEC_BENCH_RECORD=0: a smoke run that does not append to bench-results/. */
const record = process.env.LOGSPEC_BENCH_RECORD !== '0';

const N = 1000;
const events = sampleEvents(N);
const maxSize = events.reduce((n, e) => n + maxArchiveSize(e), 0);
const out = new Uint8Array(maxSize);
const ends = new Int32Array(N + 1);
{
  let at = 0;
  events.forEach((e, i) => {
    ends[i] = at;
    // Archives start 8-aligned, as in the log.
    at = encodeRecordInto(e, out, at);
  });
  ends[N] = at;
}
const archiveBytes = ends[N] as number;

const packr = new Packr({ structures: [], useRecords: true, int64AsType: 'bigint' });
const packed = events.map((e) => packr.pack(e));
const jsonForms = events.map(recordToJson);
const jsonTexts = jsonForms.map((j) => JSON.stringify(j));
const msgBytes = packed.reduce((n, p) => n + p.length, 0);
console.log(
  `${N} events: archives ${archiveBytes} B, msgpackr ${msgBytes} B, JSON ${jsonTexts.reduce((n, t) => n + t.length, 0)} B`,
);

function encodeInto(): number {
  let at = 0;
  for (let i = 0; i < N; i++) at = encodeRecordInto(events[i] as never, out, at);
  return at;
}
function encodeFresh(): number {
  let n = 0;
  for (let i = 0; i < N; i++) n += encodeRecord(events[i] as never).length;
  return n;
}
function msgpackrPack(): number {
  let n = 0;
  for (let i = 0; i < N; i++) n += packr.pack(events[i]).length;
  return n;
}
function jsonStringify(): number {
  let n = 0;
  for (let i = 0; i < N; i++) n += JSON.stringify(jsonForms[i]).length;
  return n;
}

await suite(`event encode, ${N} events`, {
  record,
  unit: 'events',
  baseline: { name: 'msgpackr pack (shared structures)', units: N, fn: msgpackrPack },
  cases: [
    { name: 'logspec encodeRecordInto (reused buffer)', units: N, fn: encodeInto },
    { name: 'logspec encodeRecord (fresh array each)', units: N, fn: encodeFresh },
    { name: 'JSON.stringify (canonical JSON form)', units: N, fn: jsonStringify },
  ],
});

let sink: unknown;
function decodeArchives(): unknown {
  let last: unknown;
  for (let i = 0; i < N; i++)
    last = decodeRecordAt(out, ends[i] as number, ends[i + 1] as number, { position: ends[i] });
  sink = last;
  return last;
}
function accessOnly(): unknown {
  let last: unknown;
  for (let i = 0; i < N; i++) last = accessRecord(out, ends[i] as number, ends[i + 1] as number, { position: ends[i] });
  sink = last;
  return last;
}
const bigSink: (bigint | null)[] = [null, null, null];
/** Reads all 22 fields (each getter once), so nothing can be skipped; strings and bigints are built. */
function readEveryField(v: HotEventView): number {
  bigSink[0] = v.seq;
  bigSink[1] = v.tsMs;
  bigSink[2] = v.costUsdE6;
  return (
    v.sessionId.length +
    (v.tsExact ? 1 : 0) +
    v.kind.length +
    v.source.length +
    (v.tool?.length ?? 0) +
    (v.toolCallId?.length ?? 0) +
    (v.tokensIn ?? 0) +
    (v.tokensOut ?? 0) +
    (v.reasoningTokens ?? 0) +
    (v.stopReason?.length ?? 0) +
    (v.latencyMs ?? 0) +
    (v.ttftMs ?? 0) +
    (v.retryCount ?? 0) +
    (v.contextUsedTokens ?? 0) +
    (v.contextMaxTokens ?? 0) +
    (v.cacheCreationTokens ?? 0) +
    (v.cacheReadTokens ?? 0) +
    (v.systemPromptTokens ?? 0) +
    v.payloadJson.length
  );
}
function accessAndReadAll(): number {
  let n = 0;
  for (let i = 0; i < N; i++) {
    n += readEveryField(accessRecord(out, ends[i] as number, ends[i + 1] as number, { position: ends[i] }));
  }
  sink = bigSink[0];
  return n;
}
function msgpackrUnpack(): unknown {
  let last: unknown;
  for (let i = 0; i < N; i++) last = packr.unpack(packed[i] as Uint8Array);
  sink = last;
  return last;
}
function jsonParse(): unknown {
  let last: unknown;
  for (let i = 0; i < N; i++) last = JSON.parse(jsonTexts[i] as string);
  sink = last;
  return last;
}

await suite(`event decode, ${N} events`, {
  record,
  unit: 'events',
  baseline: { name: 'msgpackr unpack (shared structures)', units: N, fn: msgpackrUnpack },
  cases: [
    { name: 'logspec decodeRecordAt (validate + full record, all strings)', units: N, fn: decodeArchives },
    { name: 'logspec accessRecord (validate only, no field read)', units: N, fn: accessOnly },
    { name: 'logspec accessRecord + read all 22 fields', units: N, fn: accessAndReadAll },
    { name: 'JSON.parse (canonical JSON form)', units: N, fn: jsonParse },
  ],
});
void sink;
