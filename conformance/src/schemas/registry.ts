import Type, { type Static } from 'typebox';

export const REGISTRY_SCHEMA_ID = 'logspec-registry/1';

const OriginT = Type.Union([Type.Literal('original'), Type.Literal('logspec')]);

export const RequirementEntry = Type.Object(
  {
    id: Type.String(),
    chapter: Type.String({ description: 'the spec chapter that defines it, e.g. ring.md' }),
    origin: OriginT,
  },
  { additionalProperties: false },
);

export const CodeEntry = Type.Object(
  {
    code: Type.String(),
    chapter: Type.String(),
    origin: Type.Union([OriginT], {
      description: 'original: the original reports this failure too (by its kind); logspec: only logspec detects it',
    }),
    meaning: Type.String(),
  },
  { additionalProperties: false },
);

export const OriginalKindEntry = Type.Object(
  {
    chapter: Type.String(),
    kind: Type.String({ description: "the original's error kind, as its read/write answers name it" }),
    when: Type.Record(Type.String(), Type.String(), {
      description: 'text fields that must hold these values for the row to apply (e.g. postcard)',
    }),
    codes: Type.Array(Type.String(), { description: 'the logspec codes this kind stands for' }),
  },
  { additionalProperties: false },
);

export const Registry = Type.Object(
  {
    schema: Type.Literal(REGISTRY_SCHEMA_ID),
    requirements: Type.Array(RequirementEntry),
    codes: Type.Array(CodeEntry),
    originalKinds: Type.Array(OriginalKindEntry),
  },
  {
    $id: 'https://logspec.invalid/schemas/registry.schema.json',
    title: 'logspec registry',
    description:
      'spec/schemas/registry.json, written by `pnpm schemas` from the chapters: every requirement ID with its (original)/(logspec) mark, every error code with its origin, and the map from the original error kinds to logspec codes.',
    additionalProperties: false,
  },
);

export type RequirementEntry = Static<typeof RequirementEntry>;
export type CodeEntry = Static<typeof CodeEntry>;
export type OriginalKindEntry = Static<typeof OriginalKindEntry>;
export type Registry = Static<typeof Registry>;
