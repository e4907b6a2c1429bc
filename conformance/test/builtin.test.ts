// Every conformance case against the built-in handlers, in-process: one vitest test per case.
import { expect, test } from 'vitest';
import { listBuiltinFormats } from '../src/builtin/registry.js';
import { InProcessSubject } from '../src/subjects/in-process.js';
import { defineConformance } from '../src/vitest.js';

const subject = new InProcessSubject();
await defineConformance(subject, { fcRuns: 50 });

test('the built-in subject implements exactly the formats that have a handler file', async () => {
  const probe = new InProcessSubject();
  const hello = await probe.start();
  await probe.stop();
  expect(Object.keys(hello.capabilities).sort()).toEqual([...listBuiltinFormats()].sort());
  for (const verbs of Object.values(hello.capabilities)) expect(verbs?.length).toBeGreaterThan(0);
});
