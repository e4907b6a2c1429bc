import Type, { type Static } from 'typebox';
import { FormatNameT, Hex, ModeT, OpT, VerbT } from './common.js';

export const PROTOCOL_VERSION = 1;

export const StartMessage = Type.Object(
  { type: Type.Literal('start'), protocolVersion: Type.Literal(PROTOCOL_VERSION) },
  { additionalProperties: false },
);

export const HelloMessage = Type.Object(
  {
    implementation: Type.String({ minLength: 1 }),
    version: Type.String(),
    protocolVersion: Type.Optional(Type.Literal(PROTOCOL_VERSION)),
    /** format → the verbs it answers; formats absent here are reported "not implemented". */
    capabilities: Type.Record(Type.String(), Type.Array(VerbT)),
  },
  { additionalProperties: true },
);

const Seq = Type.Integer({ minimum: 1 });

export const RunMessage = Type.Union([
  Type.Object(
    { type: Type.Literal('run'), seq: Seq, verb: Type.Literal('read'), format: FormatNameT, path: Type.String() },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('run'),
      seq: Seq,
      verb: Type.Literal('write'),
      format: FormatNameT,
      dir: Type.String(),
      ops: Type.Array(OpT),
      fixedTime: Type.String(),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('run'),
      seq: Seq,
      verb: Type.Literal('decode'),
      format: FormatNameT,
      kind: Type.String(),
      hex: Hex,
      mode: Type.Optional(ModeT),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('run'),
      seq: Seq,
      verb: Type.Literal('encode'),
      format: FormatNameT,
      kind: Type.String(),
      value: Type.Unknown(),
    },
    { additionalProperties: false },
  ),
]);

export const ErrorAnswerT = Type.Object(
  {
    code: Type.String({ minLength: 1 }),
    message: Type.Optional(Type.String()),
    offset: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.String(), Type.Null()])),
  },
  { additionalProperties: true },
);

export const RunAnswer = Type.Union([
  Type.Object({ seq: Seq, ok: Type.Unknown() }, { additionalProperties: false }),
  Type.Object({ seq: Seq, error: ErrorAnswerT }, { additionalProperties: false }),
  Type.Object(
    { seq: Seq, skipped: Type.Object({ reason: Type.String() }, { additionalProperties: true }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { seq: Seq, errored: Type.Object({ message: Type.String() }, { additionalProperties: true }) },
    { additionalProperties: false },
  ),
]);

export const StopMessage = Type.Object({ type: Type.Literal('stop') }, { additionalProperties: false });

export const ProtocolMessages = Type.Object(
  {
    start: StartMessage,
    hello: HelloMessage,
    run: RunMessage,
    answer: RunAnswer,
    stop: StopMessage,
  },
  {
    $id: 'https://logspec.invalid/schemas/protocol.schema.json',
    title: 'logspec conformance adapter protocol',
    description:
      'JSON lines over stdio. Runner → adapter: start, run…, stop. Adapter → runner: hello (answer to start), one answer per run, in order. Each property is one message shape; see spec/conformance.md.',
  },
);

export type HelloMessage = Static<typeof HelloMessage>;
export type RunMessage = Static<typeof RunMessage>;
export type RunAnswer = Static<typeof RunAnswer>;
