import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatBytes, hexDecode, hexEncode } from '@logspec/core';
import fc from 'fast-check';
import { firstDifference, jsonEqual, show } from '../json/compare.js';
import type { ByteRange, KindProfile, PropertyProfile } from '../properties/profile.js';
import { inRanges } from '../properties/profile.js';
import type { FormatName, Outcome, Verb } from '../protocol/types.js';
import { type Case, type CaseContext, describeOutcome, failed, send, type Verdict } from './case.js';
import { type Corpus, loadCorpora } from './corpus.js';
import { check } from './fast-check.js';
import { listFiles, withTempDir } from './files.js';
import { loadVectorFiles } from './vectors.js';

const renderUnit = ({ sample, bytes }: { sample: Sample; bytes: Uint8Array }) => ({
  kind: sample.kind,
  mode: sample.mode,
  hex: hexEncode(bytes),
});

interface Sample {
  kind: string;
  mode?: 'original' | 'strict' | undefined;
  bytes: Uint8Array;
}

/** Most requests one deterministic (prefix / bit-flip) case sends; larger inputs are sampled evenly. */
const MAX_REQUESTS = 4096;
/** …and most input bytes it sends, so a 70 KiB sample costs as much as a few small ones. */
const MAX_BYTES = 8 << 20;
/** How many of `budget` requests one sample of `length` bytes may use. */
const perSample = (budget: number, count: number, length: number) =>
  Math.max(16, Math.min(Math.floor(budget / count), Math.floor(MAX_BYTES / count / Math.max(1, length))));
const LOGSPEC_CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;

/**
 * Property cases derived from what the format already publishes: samples are its valid decode
 * vectors (plus the profile's extra samples), encodable kinds are those with valid encode vectors,
 * stores are exercised through the golden recipes. No per-format code is needed; a profile in
 * `conformance/src/properties/<format>.ts` only says what the format cannot detect.
 */
export function propertyCases(
  format: FormatName,
  profile: PropertyProfile | undefined,
  dirs: { vectors?: string; golden?: string } = {},
): Case[] {
  const samples: Sample[] = [];
  const encodable = new Set<string>();
  for (const f of loadVectorFiles(format, dirs.vectors)) {
    const v = f.vectors;
    if (!v || v.kind === undefined) continue;
    for (const t of v.tests) {
      if (t.result !== 'valid') continue;
      if (v.verb === 'decode' && t.input.hex !== undefined) {
        samples.push({ kind: v.kind, mode: t.input.mode, bytes: hexDecode(t.input.hex) });
      }
      if (v.verb === 'encode') encodable.add(v.kind);
    }
  }
  for (const s of profile?.extraSamples ?? []) samples.push({ kind: s.kind, mode: s.mode, bytes: hexDecode(s.hex) });

  const out: Case[] = [];
  const kinds = [...new Set(samples.map((s) => s.kind))].sort();
  for (const kind of kinds) {
    const ks = samples.filter((s) => s.kind === kind);
    const kp: KindProfile = profile?.kinds[kind] ?? {};
    const mk = (
      prop: string,
      needs: Verb[],
      requirements: string[],
      title: string,
      run: (ctx: CaseContext) => Promise<Verdict>,
    ): Case => ({
      id: `${format}.property.${prop}.${kind}`,
      format,
      source: 'property',
      verb: 'decode',
      needs,
      requirements,
      // A round trip is a fact of any faithful codec; typed errors with offsets are logspec's rule.
      profile: prop === 'roundtrip' || prop === 'canonical' ? 'original' : 'logspec',
      title,
      run,
    });
    if (encodable.has(kind) && kp.roundTrip !== false) {
      out.push(
        mk(
          'roundtrip',
          ['decode', 'encode'],
          ['CONF-R-010'],
          `${kind}: decode(encode(v)) = v for every decoded v the encoder accepts`,
          (ctx) => roundTrip(ctx, `${format}.property.roundtrip.${kind}`, format, ks, 'roundtrip'),
        ),
        mk('canonical', ['decode', 'encode'], ['CONF-R-011'], `${kind}: encode(decode(encode(v))) = encode(v)`, (ctx) =>
          roundTrip(ctx, `${format}.property.canonical.${kind}`, format, ks, 'canonical'),
        ),
      );
    }
    out.push(
      mk('arbitrary', ['decode'], ['CONF-R-012'], `${kind}: any bytes decode to a value or a typed error`, (ctx) =>
        arbitrary(ctx, `${format}.property.arbitrary.${kind}`, format, ks),
      ),
      mk(
        'prefix',
        ['decode'],
        ['CONF-R-013'],
        `${kind}: every strict prefix of a valid unit is an error${kp.prefixes === 'error-or-different' ? ' or a visibly shorter value' : ''}`,
        (ctx) => prefixes(ctx, format, ks, kp),
      ),
      mk(
        'bitflip',
        ['decode'],
        ['CONF-R-014'],
        `${kind}: every single bit flip is detected or listed as undetectable`,
        (ctx) => bitFlips(ctx, format, ks, kp),
      ),
    );
  }
  const corpora = loadCorpora(format, dirs.golden).filter((c) => c.producer.startsWith('original-'));
  const recipes = corpora.flatMap((c) =>
    c.entries.filter((e) => e.ops && e.kind !== 'negative').map((e) => ({ corpus: c, path: e.path, ops: e.ops ?? [] })),
  );
  if (recipes.length > 0) {
    out.push({
      id: `${format}.property.damage`,
      format,
      source: 'property',
      verb: 'read',
      needs: ['write', 'read'],
      requirements: ['CONF-R-015'],
      // "Never a crash" is logspec's rule: the original panics or aborts on some damage.
      profile: 'logspec',
      title: 'files written by a recipe, then truncated, bit-flipped or extended, read as a value or a typed error',
      run: (ctx) => damage(ctx, `${format}.property.damage`, format, recipes),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function decode(
  ctx: CaseContext,
  format: FormatName,
  s: { kind: string; mode?: Sample['mode'] },
  bytes: Uint8Array,
): Promise<Outcome> {
  return send(ctx, {
    verb: 'decode',
    format,
    kind: s.kind,
    hex: hexEncode(bytes),
    ...(s.mode ? { mode: s.mode } : {}),
  });
}

/** null if `out` is a value or a typed decode error (logspec code + a byte offset inside the input). */
function typedErrorProblem(out: Outcome, inputLength: number): string | null {
  if ('ok' in out) return null;
  if ('error' in out) {
    const { code, offset } = out.error;
    if (!LOGSPEC_CODE.test(code)) return `error code ${show(code)} is not an UPPER_SNAKE logspec code`;
    const at = typeof offset === 'string' && /^[0-9]+$/.test(offset) ? Number(offset) : offset;
    if (typeof at !== 'number' || !Number.isInteger(at) || at < 0 || at > inputLength) {
      return `error ${code} lacks a byte offset within the input (offset ${show(offset)}, input ${inputLength} bytes)`;
    }
    return null;
  }
  return `answered ${describeOutcome(out)}`;
}

/** Mutations of valid units: where decoders meet almost-valid input. */
function mutatedUnits(samples: Sample[]): fc.Arbitrary<{ sample: Sample; bytes: Uint8Array }> {
  const mutation = fc.oneof(
    fc.record({ t: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ t: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ t: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({
      t: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    }),
    fc.record({ t: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 16 }) }),
  );
  return fc
    .record({ sample: fc.constantFrom(...samples), ms: fc.array(mutation, { minLength: 1, maxLength: 4 }) })
    .map(({ sample, ms }) => {
      let b: Uint8Array = sample.bytes.slice();
      for (const m of ms) {
        const at = b.length === 0 ? 0 : m.at % b.length;
        if (m.t === 'flip' && b.length > 0) b[at] = (b[at] as number) ^ (1 << m.bit);
        else if (m.t === 'set' && b.length > 0) b[at] = m.byte;
        else if (m.t === 'cut') b = b.slice(0, at);
        else if (m.t === 'insert') b = concatBytes([b.subarray(0, at), m.bytes, b.subarray(at)]);
        else if (m.t === 'delete') b = concatBytes([b.subarray(0, at), b.subarray(at + m.n)]);
      }
      return { sample, bytes: b };
    });
}

async function roundTrip(
  ctx: CaseContext,
  caseId: string,
  format: FormatName,
  samples: Sample[],
  which: 'roundtrip' | 'canonical',
): Promise<Verdict> {
  const arb = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(...samples).map((s) => ({ sample: s, bytes: s.bytes })) },
    { weight: 3, arbitrary: mutatedUnits(samples) },
  );
  return check(
    ctx,
    caseId,
    arb,
    samples.map((s) => ({ sample: s, bytes: s.bytes })),
    async ({ sample, bytes }) => {
      const first = await decode(ctx, format, sample, bytes);
      if (!('ok' in first)) return typedErrorProblem(first, bytes.length);
      const value = first.ok;
      const enc = await send(ctx, { verb: 'encode', format, kind: sample.kind, value });
      // The property is about the encoder's domain: an encoder may refuse a decoded value it
      // cannot represent exactly (e.g. one read from non-canonical bytes), as long as it says so.
      if ('error' in enc) return null;
      if (!('ok' in enc))
        return `encoding a decoded value answered ${describeOutcome(enc)} (value ${show(value, 200)})`;
      const hex = (enc.ok as { hex?: unknown } | null)?.hex;
      if (typeof hex !== 'string') return `encode answered ${show(enc.ok)} without hex`;
      const again = await decode(ctx, format, sample, hexDecode(hex));
      if (!('ok' in again)) return `encode(v) does not decode: ${describeOutcome(again)} (hex ${hex.slice(0, 120)})`;
      if (which === 'roundtrip') {
        const d = firstDifference(value, again.ok);
        return d === null ? null : `decode(encode(v)) differs from v: ${d}`;
      }
      const enc2 = await send(ctx, { verb: 'encode', format, kind: sample.kind, value: again.ok });
      const hex2 = 'ok' in enc2 ? (enc2.ok as { hex?: unknown } | null)?.hex : undefined;
      return hex2 === hex ? null : `re-encoding is not canonical: ${hex.slice(0, 80)} then ${show(hex2, 80)}`;
    },
    ctx.fc.numRuns,
    renderUnit,
  );
}

async function arbitrary(ctx: CaseContext, caseId: string, format: FormatName, samples: Sample[]): Promise<Verdict> {
  const maxLen = Math.min(4096, 2 * Math.max(...samples.map((s) => s.bytes.length)) + 16);
  const sample0 = samples[0] as Sample;
  const arb = fc.oneof(
    fc.uint8Array({ maxLength: maxLen }).map((bytes) => ({ sample: sample0, bytes })),
    mutatedUnits(samples),
  );
  return check(
    ctx,
    caseId,
    arb,
    [{ sample: sample0, bytes: new Uint8Array(0) }],
    async ({ sample, bytes }) => typedErrorProblem(await decode(ctx, format, sample, bytes), bytes.length),
    ctx.fc.numRuns,
    renderUnit,
  );
}

/** Up to `budget` indices of `0..n-1`: all of them if few, else both ends and an even spread. */
function spread(n: number, budget: number): number[] {
  if (n <= budget) return Array.from({ length: n }, (_, i) => i);
  const set = new Set<number>();
  const edge = Math.floor(budget / 4);
  for (let i = 0; i < edge; i++) {
    set.add(i);
    set.add(n - 1 - i);
  }
  const rest = budget - set.size;
  for (let i = 0; i < rest; i++) set.add(Math.floor((i * n) / rest));
  return [...set].sort((a, b) => a - b);
}

async function prefixes(ctx: CaseContext, format: FormatName, samples: Sample[], kp: KindProfile): Promise<Verdict> {
  let tried = 0;
  for (const s of samples) {
    const per = perSample(MAX_REQUESTS, samples.length, s.bytes.length);
    const whole = await decode(ctx, format, s, s.bytes);
    if (!('ok' in whole))
      return failed(
        `a valid sample does not decode: ${describeOutcome(whole)} (hex ${hexEncode(s.bytes).slice(0, 80)})`,
      );
    for (const len of spread(s.bytes.length, per)) {
      const out = await decode(ctx, format, s, s.bytes.subarray(0, len));
      tried++;
      const p = typedErrorProblem(out, len);
      if (p !== null)
        return failed(`prefix of ${len} of ${s.bytes.length} bytes: ${p} (unit ${hexEncode(s.bytes).slice(0, 80)}…)`);
      if (!('ok' in out)) continue;
      if (kp.prefixes === 'error-or-different' && (!jsonEqual(whole.ok, out.ok) || kp.reportsDamage?.(out.ok)))
        continue;
      if (kp.ignoredTail && len >= s.bytes.length - kp.ignoredTail(s.bytes) && jsonEqual(whole.ok, out.ok)) continue;
      return failed(
        `prefix of ${len} of ${s.bytes.length} bytes decoded without error${jsonEqual(whole.ok, out.ok) ? ' to the same value as the whole unit (silent truncation)' : ''} (unit ${hexEncode(s.bytes).slice(0, 80)}…)`,
      );
    }
  }
  return { status: 'passed', note: `${tried} prefixes of ${samples.length} samples` };
}

async function bitFlips(ctx: CaseContext, format: FormatName, samples: Sample[], kp: KindProfile): Promise<Verdict> {
  let detected = 0;
  let allowed = 0;
  for (const s of samples) {
    const per = Math.max(64, perSample(MAX_REQUESTS, samples.length, s.bytes.length));
    const whole = await decode(ctx, format, s, s.bytes);
    if (!('ok' in whole)) return failed(`a valid sample does not decode: ${describeOutcome(whole)}`);
    const undetectable: 'all' | readonly ByteRange[] =
      kp.undetectableFlips === undefined ? [] : kp.undetectableFlips === 'all' ? 'all' : kp.undetectableFlips(s.bytes);
    for (const k of spread(s.bytes.length * 8, per)) {
      const at = k >> 3;
      const bit = k & 7;
      const flipped = s.bytes.slice();
      flipped[at] = (flipped[at] as number) ^ (1 << bit);
      const out = await decode(ctx, format, s, flipped);
      const p = typedErrorProblem(out, flipped.length);
      if (p !== null) return failed(`flip of byte ${at} bit ${bit}: ${p}`);
      if ('error' in out || ('ok' in out && kp.reportsDamage?.(out.ok))) {
        detected++;
        continue;
      }
      if (undetectable === 'all' || inRanges(at, undetectable)) {
        allowed++;
        continue;
      }
      return failed(
        `flip of byte ${at} bit ${bit} went undetected (decoded to ${jsonEqual(whole.ok, 'ok' in out ? out.ok : undefined) ? 'the same' : 'a different'} value) and is not listed as undetectable in conformance/src/properties/${format}.ts (unit ${hexEncode(s.bytes).slice(0, 80)}…)`,
      );
    }
  }
  return { status: 'passed', note: `${detected} flips detected, ${allowed} in documented undetectable ranges` };
}

interface Recipe {
  corpus: Corpus;
  path: string;
  ops: Array<{ op: string; [k: string]: unknown }>;
}

/** A store's files damaged between sessions: reading them must answer, never crash. */
async function damage(ctx: CaseContext, caseId: string, format: FormatName, recipes: Recipe[]): Promise<Verdict> {
  const damageArb = fc.oneof(
    fc.record({ t: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ t: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ t: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
  );
  const arb = fc.record({ recipe: fc.nat({ max: recipes.length - 1 }), file: fc.nat(), damage: damageArb });
  return check(
    ctx,
    caseId,
    arb,
    [],
    (t) =>
      withTempDir(async (tmp) => {
        const r = recipes[t.recipe] as Recipe;
        const w = await send(ctx, { verb: 'write', format, dir: tmp, ops: r.ops, fixedTime: r.corpus.fixedTime });
        if (!('ok' in w)) return `the recipe for ${r.path} was not written: ${describeOutcome(w)}`;
        const files = listFiles(tmp);
        if (files.length > 0) {
          const rel = files[t.file % files.length] as string;
          const p = join(tmp, ...rel.split('/'));
          const size = readFileSync(p).length;
          const d = t.damage;
          if (d.t === 'truncate') truncateSync(p, size === 0 ? 0 : d.at % size);
          else if (d.t === 'append') appendFileSync(p, d.bytes);
          else if (size > 0) {
            const b = readFileSync(p);
            const at = d.at % size;
            b[at] = (b[at] as number) ^ (1 << d.bit);
            writeFileSync(p, b);
          }
        }
        const out = await send(ctx, { verb: 'read', format, path: join(tmp, ...r.path.split('/')) });
        if ('ok' in out) return null;
        if ('error' in out) return out.error.code ? null : 'error without a code';
        return `reading the damaged store answered ${describeOutcome(out)}`;
      }),
    Math.min(ctx.fc.numRuns, 25),
  );
}
