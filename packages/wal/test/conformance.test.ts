// The conformance suite's wal cases — golden reads and writes of both corpora, every vector,
// and the property cases (with the profile in conformance/src/properties/wal.ts) — against the
// built-in handler `conformance/src/builtin/formats/wal.ts`, in process.
import { defineConformance, InProcessSubject } from '../../../conformance/src/index.js';

await defineConformance(new InProcessSubject(), { formats: ['wal'], fcRuns: 50 });
