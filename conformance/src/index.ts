/**
 * `@logspec/conformance`: the conformance suite — cases from golden files, vectors and
 * properties; subjects (built-in handlers in-process, any implementation through the adapter
 * protocol); the runner, failure lists and reports; `defineConformance` for vitest.
 */

export { applyMutation, isMutation, MUTATION_OPS } from './builtin/mutations.js';
export { listBuiltinFormats, loadBuiltinHandlers } from './builtin/registry.js';
export type { Case, CaseContext, CaseSource, FcSettings, Verdict } from './cases/case.js';
export { caseFilter, collectCases, discoverFormats } from './cases/collect.js';
export { loadCorpora } from './cases/corpus.js';
export { loadVectorFiles, validateVectorFile } from './cases/vectors.js';
export type { ByteRange, KindProfile, PropertyProfile } from './properties/profile.js';
export * from './protocol/types.js';
export {
  applyFailureList,
  fixedFailureList,
  parseFailureList,
  renderFailureList,
} from './runner/failure-list.js';
export { buildReport, closingLine, renderSubject, subjectReport } from './runner/report.js';
export { DEFAULT_TIMEOUT_MS, runCase, runSubject } from './runner/run.js';
export { type AdapterOptions, AdapterSubject } from './subjects/adapter.js';
export { BrokenSubject } from './subjects/broken.js';
export { builtinAdapterCommand, builtinAdapterSubject } from './subjects/builtin-adapter.js';
export { InProcessSubject } from './subjects/in-process.js';
export type { Hello, Subject } from './subjects/subject.js';
export { type DefineConformanceOptions, defineConformance } from './vitest.js';
