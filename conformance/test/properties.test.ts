// The property engine, exercised on a toy unit so it is tested independently of any format:
// [len u8][payload][sum u8 = (len + Σ payload) mod 256], decoded to {payload: hex}.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexDecode, hexEncode } from '@logspec/core';
import { afterAll, describe, expect, test } from 'vitest';
import type { CaseContext, Verdict } from '../src/cases/case.js';
import { propertyCases } from '../src/cases/properties.js';
import type { PropertyProfile } from '../src/properties/profile.js';
import type { Outcome, Request } from '../src/protocol/types.js';
import type { Hello, Subject } from '../src/subjects/subject.js';

type Flaw =
  | 'none'
  | 'no-checksum'
  | 'throws-on-ff'
  | 'lenient-prefix'
  | 'no-offset'
  | 'lossy-encode'
  | 'unstable-encode';

const err = (code: string, offset: number): Outcome => ({ error: { code, offset } });

class ToySubject implements Subject {
  readonly name: string;
  requests = 0;
  private counter = 0;
  constructor(private readonly flaw: Flaw) {
    this.name = `toy(${flaw})`;
  }
  async start(): Promise<Hello> {
    return { implementation: 'toy', version: '0', capabilities: { ring: ['decode', 'encode'] } };
  }
  async stop(): Promise<void> {}
  async run(req: Request): Promise<Outcome> {
    this.requests++;
    if (req.verb === 'encode') {
      let p = hexDecode((req.value as { payload: string }).payload);
      if (this.flaw === 'lossy-encode' && p.length > 0) p = p.subarray(0, -1);
      const out = [p.length, ...p, (p.length + p.reduce((a, b) => a + b, 0)) & 0xff];
      if (this.flaw === 'unstable-encode') out.push(this.counter++ & 0xff);
      return { ok: { hex: hexEncode(new Uint8Array(out)) } };
    }
    if (req.verb !== 'decode') return { skipped: { reason: 'toy' } };
    const b = hexDecode(req.hex);
    if (this.flaw === 'throws-on-ff' && (b[0] ?? 0) >= 0x80) {
      // What InProcessSubject makes of a handler that throws.
      return { errored: { message: 'handler threw: RangeError: offset out of bounds' } };
    }
    if (b.length < 1) return err('TOY_TRUNCATED', 0);
    const len = b[0] as number;
    if (b.length < len + 2) {
      if (this.flaw === 'lenient-prefix') return { ok: { payload: hexEncode(b.subarray(1, len + 1)) } };
      return this.flaw === 'no-offset' ? { error: { code: 'TOY_TRUNCATED' } } : err('TOY_TRUNCATED', b.length);
    }
    const payload = b.subarray(1, len + 1);
    const sum = (len + payload.reduce((a, x) => a + x, 0)) & 0xff;
    if (this.flaw !== 'no-checksum' && b[len + 1] !== sum) return err('TOY_CHECKSUM', len + 1);
    if (b.length > len + 2 && this.flaw !== 'unstable-encode') return err('TOY_TRAILING', len + 2);
    return { ok: { payload: hexEncode(payload) } };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'logspec-toy-vectors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const unit = (payload: number[]) => {
  const sum = (payload.length + payload.reduce((a, b) => a + b, 0)) & 0xff;
  return hexEncode(new Uint8Array([payload.length, ...payload, sum]));
};
const samples = [[], [1], [0xff, 0, 0x80], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]];
mkdirSync(join(dir, 'ring'), { recursive: true });
const file = (verb: 'decode' | 'encode', tests: object[]) => ({
  schema: 'logspec-vectors/1',
  format: 'ring',
  group: `toy-${verb}`,
  specVersion: '0.1.0',
  verb,
  kind: 'toy',
  notes: { Normal: 'a plain unit' },
  tests,
});
writeFileSync(
  join(dir, 'ring', 'toy-decode.json'),
  JSON.stringify(
    file(
      'decode',
      samples.map((p, i) => ({
        tcId: i + 1,
        id: `ring.toy.decode.${i}`,
        comment: '',
        flags: ['Normal'],
        requirements: [],
        input: { hex: unit(p) },
        result: 'valid',
        expected: { payload: hexEncode(new Uint8Array(p)) },
      })),
    ),
  ),
);
writeFileSync(
  join(dir, 'ring', 'toy-encode.json'),
  JSON.stringify(
    file('encode', [
      {
        tcId: 1,
        id: 'ring.toy.encode.0',
        comment: '',
        flags: [],
        requirements: [],
        input: { value: { payload: '01' } },
        result: 'valid',
        expected: { hex: unit([1]) },
      },
    ]),
  ),
);

async function runProperties(flaw: Flaw, profile?: PropertyProfile, fc: CaseContext['fc'] = { numRuns: 60 }) {
  const subject = new ToySubject(flaw);
  const ctx: CaseContext = { subject, hello: await subject.start(), timeoutMs: 1000, fc };
  const cases = propertyCases('ring', profile, { vectors: dir, golden: join(dir, 'no-golden') });
  const verdicts: Record<string, Verdict> = {};
  for (const c of cases) verdicts[c.id.replace('ring.property.', '')] = await c.run(ctx);
  return { verdicts, subject };
}
const statuses = (v: Record<string, Verdict>) => Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x.status]));

describe('property cases derived from vectors', () => {
  test('a correct implementation passes all five properties', async () => {
    const { verdicts } = await runProperties('none');
    expect(statuses(verdicts)).toEqual({
      'roundtrip.toy': 'passed',
      'canonical.toy': 'passed',
      'arbitrary.toy': 'passed',
      'prefix.toy': 'passed',
      'bitflip.toy': 'passed',
    });
  });

  test('an undetected bit flip fails unless the profile lists it as undetectable', async () => {
    const { verdicts } = await runProperties('no-checksum');
    expect(verdicts['bitflip.toy']).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/flip of byte \d+ bit \d went undetected/),
    });
    const withProfile = await runProperties('no-checksum', {
      format: 'ring',
      kinds: { toy: { undetectableFlips: (u) => [[1, u.length]] } },
    });
    expect(withProfile.verdicts['bitflip.toy']?.status).toBe('passed');
  });

  test('a decoder that throws is caught by the arbitrary-bytes property, with a replayable seed and path', async () => {
    const { verdicts } = await runProperties('throws-on-ff');
    const v = verdicts['arbitrary.toy'];
    expect(v).toMatchObject({ status: 'failed', message: expect.stringContaining('answered errored') });
    const m = /LOGSPEC_FC_SEED=(-?\d+) LOGSPEC_FC_PATH=([\d:]+) LOGSPEC_FC_CASE=ring\.property\.arbitrary\.toy/.exec(
      (v as { message: string }).message,
    );
    expect(m).not.toBeNull();
    // Replaying seed + path reproduces the failure at once, with the same counterexample.
    const again = await runProperties('throws-on-ff', undefined, {
      numRuns: 60,
      seed: Number(m?.[1]),
      path: m?.[2],
      pathCase: 'ring.property.arbitrary.toy',
    });
    expect(again.verdicts['arbitrary.toy']).toMatchObject({ status: 'failed' });
    const ce = (s: Verdict | undefined) => /counterexample (.*?); replay/.exec((s as { message: string }).message)?.[1];
    expect(ce(again.verdicts['arbitrary.toy'])).toBe(ce(v));
  });

  test('a decoder that accepts a truncated unit fails the prefix property', async () => {
    const { verdicts } = await runProperties('lenient-prefix');
    expect(verdicts['prefix.toy']).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/^prefix of \d+ of \d+ bytes decoded without error/),
    });
  });

  test('an error without a byte offset is not a typed error', async () => {
    const { verdicts } = await runProperties('no-offset');
    expect(verdicts['prefix.toy']).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('lacks a byte offset'),
    });
  });

  test('a lossy encoder fails the round trip; an unstable one fails canonical re-encoding', async () => {
    const lossy = await runProperties('lossy-encode');
    expect(lossy.verdicts['roundtrip.toy']).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('decode(encode(v)) differs from v'),
    });
    const unstable = await runProperties('unstable-encode');
    expect(unstable.verdicts['roundtrip.toy']?.status).toBe('passed');
    expect(unstable.verdicts['canonical.toy']).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('not canonical'),
    });
  });
});
