import Type, { type Static } from 'typebox';
import { ErrorCodeT, FormatNameT, Hex, ModeT, OpT, RequirementId, VerbT } from './common.js';

export const VECTOR_SCHEMA_ID = 'logspec-vectors/1';

/** The request fields of one test; which ones apply depends on the file's `verb`. */
export const VectorInput = Type.Object(
  {
    hex: Type.Optional(Hex),
    value: Type.Optional(Type.Unknown()),
    mode: Type.Optional(ModeT),
    /** `write` vectors: the recipe to apply in an empty directory. */
    ops: Type.Optional(Type.Array(OpT)),
    fixedTime: Type.Optional(Type.String()),
    /** `read` vectors: files (relative path → hex) laid out in an empty directory first… */
    files: Type.Optional(Type.Record(Type.String(), Hex)),
    /** …and the path (relative to that directory) to read. */
    path: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const VectorTest = Type.Object(
  {
    tcId: Type.Integer({ minimum: 1 }),
    id: Type.String({ pattern: '^[a-z][a-z0-9]*(\\.[A-Za-z0-9][A-Za-z0-9_-]*)+$' }),
    comment: Type.String(),
    flags: Type.Array(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]*$' })),
    requirements: Type.Array(RequirementId),
    input: VectorInput,
    result: Type.Union([Type.Literal('valid'), Type.Literal('invalid'), Type.Literal('acceptable')]),
    /** valid: the canonical JSON answer (`{hex}` for encode; for write: `{results?, files?}`). invalid: optional extra error fields compared like numeric extras. */
    expected: Type.Optional(Type.Unknown()),
    /** invalid (and optionally acceptable): the error code the answer must carry. */
    expectedError: Type.Optional(ErrorCodeT),
    /**
     * The suite profile, when the test checks a logspec rule its requirements and error code do
     * not reveal (spec/conformance.md § 1.1); derived from them when absent.
     */
    profile: Type.Optional(Type.Union([Type.Literal('original'), Type.Literal('logspec')])),
  },
  { additionalProperties: false },
);

export const VectorFile = Type.Object(
  {
    schema: Type.Literal(VECTOR_SCHEMA_ID),
    format: FormatNameT,
    group: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$' }),
    specVersion: Type.String({ pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+' }),
    verb: VerbT,
    kind: Type.Optional(Type.String({ minLength: 1 })),
    description: Type.Optional(Type.String()),
    notes: Type.Record(Type.String(), Type.String()),
    tests: Type.Array(VectorTest, { minItems: 1 }),
  },
  {
    $id: 'https://logspec.invalid/schemas/vector-file.schema.json',
    title: 'logspec test-vector file',
    description: 'conformance/vectors/<format>/<group>.json (Wycheproof style); see spec/conformance.md',
    additionalProperties: false,
  },
);

export type VectorFile = Static<typeof VectorFile>;
export type VectorTest = Static<typeof VectorTest>;
export type VectorInput = Static<typeof VectorInput>;
