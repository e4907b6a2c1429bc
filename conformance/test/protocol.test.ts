import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { listBuiltinFormats } from '../src/builtin/registry.js';
import type { Case } from '../src/cases/case.js';
import { collectCases } from '../src/cases/collect.js';
import { CONFORMANCE_DIR } from '../src/paths.js';
import { runSubject } from '../src/runner/run.js';
import { AdapterSubject } from '../src/subjects/adapter.js';
import { builtinAdapterSubject } from '../src/subjects/builtin-adapter.js';
import { InProcessSubject } from '../src/subjects/in-process.js';

const flaky = () =>
  new AdapterSubject({ command: `node ${JSON.stringify(join(CONFORMANCE_DIR, 'test/fixtures/flaky-adapter.mjs'))}` });
const decode = (hex: string) => ({ verb: 'decode' as const, format: 'ring' as const, kind: 'unit', hex });

describe('adapter protocol: a testee that misbehaves is reported errored and restarted', () => {
  test('crash, hang, garbage and wrong seq each cost one request, and the next request works', async () => {
    const s = flaky();
    const hello = await s.start();
    expect(hello).toEqual({ implementation: 'flaky', version: '0', capabilities: { ring: ['decode'] } });
    try {
      expect(await s.run(decode('01'), 2000)).toEqual({ ok: { hex: '01' } });
      const crashed = await s.run(decode('dead'), 2000);
      expect(crashed).toMatchObject({ errored: { message: expect.stringContaining('exited with code 3') } });
      expect(JSON.stringify(crashed)).toContain('crashing on purpose'); // stderr tail is kept
      expect(await s.run(decode('02'), 2000)).toEqual({ ok: { hex: '02' } });
      expect(s.starts).toBe(2);
      expect(await s.run(decode('beef'), 300)).toMatchObject({
        errored: { message: expect.stringContaining('timed out after 300 ms') },
      });
      expect(await s.run(decode('03'), 2000)).toEqual({ ok: { hex: '03' } });
      expect(await s.run(decode('bad0'), 2000)).toMatchObject({
        errored: { message: expect.stringContaining('not JSON') },
      });
      expect(await s.run(decode('04'), 2000)).toEqual({ ok: { hex: '04' } });
      expect(await s.run(decode('5e90'), 2000)).toMatchObject({ errored: { message: expect.stringContaining('seq') } });
      expect(await s.run(decode('e440'), 2000)).toEqual({ error: { code: 'RING_TEST', offset: 0 } });
      expect(s.starts).toBe(5);
    } finally {
      await s.stop();
    }
  });

  test('the run goes on: cases after a crash are judged normally', async () => {
    const mk = (id: string, hex: string): Case => ({
      id,
      format: 'ring',
      source: 'vector',
      verb: 'decode',
      needs: ['decode'],
      requirements: [],
      profile: 'original',
      title: id,
      run: async (ctx) => {
        const out = await ctx.subject.run(decode(hex), ctx.timeoutMs);
        if ('errored' in out) return { status: 'errored', message: out.errored.message };
        return 'ok' in out ? { status: 'passed' } : { status: 'failed', message: 'no value' };
      },
    });
    const unsupported: Case = { ...mk('ring.vector.x.4', '05'), needs: ['encode'] };
    const run = await runSubject(
      flaky(),
      [mk('ring.vector.x.1', '01'), mk('ring.vector.x.2', 'dead'), mk('ring.vector.x.3', '02'), unsupported],
      {
        timeoutMs: 2000,
        fc: { numRuns: 1 },
      },
    );
    expect(run.results.map((r) => [r.case.id, r.verdict.status])).toEqual([
      ['ring.vector.x.1', 'passed'],
      ['ring.vector.x.2', 'errored'],
      ['ring.vector.x.3', 'passed'],
      ['ring.vector.x.4', 'skipped'],
    ]);
    expect(run.results[3]?.verdict).toEqual({ status: 'skipped', reason: 'not implemented: ring encode' });
  });

  test('an adapter that cannot start: start rejects, runs answer errored, restarts stop after 3 attempts', async () => {
    const s = new AdapterSubject({ command: 'echo "no protocol here" >&2; exit 1', startTimeoutMs: 5000 });
    await expect(s.start()).rejects.toThrow(/adapter start failed.*exited with code 1.*no protocol here/);
    const a = await s.run(decode('01'), 1000);
    expect(a).toMatchObject({ errored: { message: expect.stringContaining('restart failed') } });
    await s.run(decode('01'), 1000);
    expect(await s.run(decode('01'), 1000)).toEqual({
      errored: { message: 'adapter could not be restarted (3 attempts failed)' },
    });
    expect(s.starts).toBe(3);
  });

  test('a run against an adapter that cannot start reports every case errored (not skipped)', async () => {
    const c = {
      id: 'ring.vector.x.1',
      format: 'ring',
      source: 'vector',
      verb: 'decode',
      needs: ['decode'],
      requirements: [],
      profile: 'original',
      title: '',
      run: async () => ({ status: 'passed' }),
    } as Case;
    const run = await runSubject(new AdapterSubject({ command: 'exit 7' }), [c], {
      timeoutMs: 1000,
      fc: { numRuns: 1 },
    });
    expect(run.results.map((r) => r.verdict)).toEqual([
      {
        status: 'errored',
        message: expect.stringContaining(
          'the subject could not be started: adapter start failed: adapter exited with code 7',
        ),
      },
    ]);
  });
});

describe('our adapter bin exposes the built-in handlers', () => {
  test('start answers the same capabilities as the in-process subject, with protocol version 1', async () => {
    const viaAdapter = builtinAdapterSubject();
    const inProcess = new InProcessSubject();
    try {
      const [a, b] = await Promise.all([viaAdapter.start(), inProcess.start()]);
      expect(a).toEqual(b);
      expect(Object.keys(a.capabilities).sort()).toEqual([...listBuiltinFormats()].sort());
      // An unknown format is answered (skipped), not crashed on.
      expect(await viaAdapter.run({ verb: 'read', format: 'nope' as 'ring', path: '/nonexistent' }, 5000)).toEqual({
        skipped: { reason: 'format nope is not implemented' },
      });
    } finally {
      await Promise.all([viaAdapter.stop(), inProcess.stop()]);
    }
  });

  test('every golden and vector case gets the same verdict through the protocol as in-process', async () => {
    // Golden and vector cases (the properties, unit and differential, run through both elsewhere).
    const cases = (await collectCases()).filter((c) => c.source === 'golden' || c.source === 'vector');
    const opts = { timeoutMs: 30_000, fc: { numRuns: 1 } };
    const [direct, wired] = [
      await runSubject(new InProcessSubject(), cases, opts),
      await runSubject(builtinAdapterSubject(), cases, opts),
    ];
    const verdicts = (r: typeof direct) =>
      r.results.map((x) => [x.case.id, x.verdict.status, 'message' in x.verdict ? x.verdict.message : '']);
    expect(verdicts(wired)).toEqual(verdicts(direct));
  }, 300_000);
});
