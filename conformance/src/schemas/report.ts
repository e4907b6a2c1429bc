import Type, { type Static } from 'typebox';
import { FormatNameT, RequirementId } from './common.js';

export const REPORT_SCHEMA_ID = 'logspec-conformance-report/1';

export const CaseStatusT = Type.Union([
  Type.Literal('passed'),
  Type.Literal('failed'),
  Type.Literal('errored'),
  Type.Literal('skipped'),
  /** failed, and listed in the failure list */
  Type.Literal('expected-failure'),
  /** passed, but listed in the failure list: a stale entry (fails the run) */
  Type.Literal('unexpected-pass'),
  /** listed in the failure list with a pin, but failing with another answer (fails the run) */
  Type.Literal('changed-failure'),
]);

export const SuiteProfileT = Type.Union([Type.Literal('original'), Type.Literal('logspec')], {
  description: 'original: rules of the original implementations; logspec: also logspec rules',
});

export const CaseRecord = Type.Object(
  {
    id: Type.String(),
    format: FormatNameT,
    source: Type.Union([
      Type.Literal('golden'),
      Type.Literal('vector'),
      Type.Literal('property'),
      Type.Literal('differential'),
    ]),
    verb: Type.String(),
    requirements: Type.Array(RequirementId),
    profile: SuiteProfileT,
    status: CaseStatusT,
    message: Type.Optional(Type.String()),
    /** the failing answer's pin (a failure list may record it) */
    pin: Type.Optional(Type.String()),
    /** the vocabulary of the error answer that was judged */
    vocabulary: Type.Optional(Type.Union([Type.Literal('logspec'), Type.Literal('original')])),
    ms: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const Counts = Type.Object(
  {
    passed: Type.Integer({ minimum: 0 }),
    failed: Type.Integer({ minimum: 0 }),
    skipped: Type.Integer({ minimum: 0 }),
    expectedFailures: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const SubjectReport = Type.Object(
  {
    subject: Type.String(),
    implementation: Type.String(),
    version: Type.String(),
    capabilities: Type.Record(Type.String(), Type.Array(Type.String())),
    formats: Type.Record(Type.String(), Counts),
    /** totals of the cases of each profile (logspec: the cases that check a logspec rule) */
    profiles: Type.Record(Type.String(), Counts),
    /** error answers judged, by the vocabulary they were given in */
    vocabularies: Type.Object(
      { logspec: Type.Integer({ minimum: 0 }), original: Type.Integer({ minimum: 0 }) },
      { additionalProperties: false },
    ),
    totals: Counts,
    /** failure-list entries naming cases that do not exist (each counts as a failure) */
    staleEntries: Type.Array(Type.String()),
    cases: Type.Array(CaseRecord),
  },
  { additionalProperties: false },
);

export const Report = Type.Object(
  {
    schema: Type.Literal(REPORT_SCHEMA_ID),
    ok: Type.Boolean(),
    failureList: Type.Union([Type.String(), Type.Null()]),
    /** the profile the run selected */
    profile: SuiteProfileT,
    subjects: Type.Array(SubjectReport),
    totals: Counts,
  },
  {
    $id: 'https://logspec.invalid/schemas/report.schema.json',
    title: 'logspec conformance report',
    description: 'What `pnpm conformance --json-report FILE` writes (default reports/conformance.json).',
    additionalProperties: false,
  },
);

export type CaseStatus = Static<typeof CaseStatusT>;
export type CaseRecord = Static<typeof CaseRecord>;
export type Counts = Static<typeof Counts>;
export type SubjectReport = Static<typeof SubjectReport>;
export type Report = Static<typeof Report>;
