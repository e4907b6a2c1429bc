/**
 * Event encode/decode: logspec's rkyv archive codec against msgpackr with shared structures
 * (its fastest mode: records keyed by a structure id) on the same events, and JSON.
 */
import { suite } from '@logspec/bench';

import { Packr } from 'msgpackr';
import { decodeRecordAt, encodeRecord, encodeRecordInto, maxArchiveSize, recordToJson } from '../src/index.js';
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
    { name: 'logspec decodeRecordAt (validating, as rkyv access)', units: N, fn: decodeArchives },
    { name: 'JSON.parse (canonical JSON form)', units: N, fn: jsonParse },
  ],
});
void sink;
