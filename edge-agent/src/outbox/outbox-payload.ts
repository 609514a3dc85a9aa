import { ProtocolError, TOPICS, type Topic } from '@hameau/protocol';
import type { OutboxKind } from './outbox.js';

/** The topic table row each outbox kind publishes on. */
export const OUTBOX_TOPICS = {
  telemetry: TOPICS.telemetry,
  event: TOPICS.event,
  'command-result': TOPICS.commandResult,
} as const satisfies Record<OutboxKind, Topic>;

/**
 * Validates what an `append` callback built and returns the bytes to store. A record that the
 * link could never publish would sit at the head of the oldest-first replay and block every
 * record behind it, so it is refused here, before it becomes durable: the topic must belong to
 * the kind's row, the payload must match that row's schema, and it must carry the seq and `at`
 * the outbox handed out.
 */
export function encodeOutboxPayload(
  kind: OutboxKind,
  topic: string,
  payload: unknown,
  seq: number,
  at: string,
): Buffer {
  const row = OUTBOX_TOPICS[kind];
  if (row.match(topic) === null) {
    throw new ProtocolError('TOPIC_INVALID', `outbox: not a ${row.name} topic for a ${kind}`, {
      kind,
      topic,
    });
  }
  const result = row.payload.safeParse(payload);
  if (!result.success) {
    throw new ProtocolError('PAYLOAD_INVALID', `outbox: ${kind} payload does not match schema`, {
      kind,
      topic,
      issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  if (result.data.seq !== seq || result.data.at !== at) {
    throw new ProtocolError('PAYLOAD_INVALID', 'outbox: payload must carry the seq and at given', {
      kind,
      topic,
      expected: { seq, at },
      got: { seq: result.data.seq, at: result.data.at },
    });
  }
  // The validated output, not the input: defaults are filled in and unknown keys cannot exist.
  return Buffer.from(JSON.stringify(result.data));
}
