import { ProtocolError, TOPIC_LIST, TOPICS, type ErrorCode } from '@hameau/protocol';
import type { IngestedMessage } from './ingested-message.js';

/** A message ingestion refuses, with why; counted and logged, never retried. */
export interface RejectedMessage {
  readonly code: ErrorCode;
  readonly reason: string;
  /** From the topic when it could be read, so the log names the device. */
  readonly site?: string;
  readonly device?: string;
  readonly topic: string;
}

export type DecodeResult =
  | { readonly ok: true; readonly message: IngestedMessage }
  | { readonly ok: false; readonly rejected: RejectedMessage };

/** The filters ingestion subscribes to: every edge-to-cloud topic of the protocol table. */
export const INGESTION_FILTERS: readonly string[] = TOPIC_LIST.filter(
  (t) => t.direction === 'edge-to-cloud',
).map((t) => t.filter());

const levelsOf = (topic: string) => topic.split('/');

/**
 * Turns one MQTT message into a validated `IngestedMessage`, or says precisely why not (the
 * topic is not ours, the payload is not JSON, a field is wrong). Never throws.
 */
export function decodeDeviceMessage(
  topic: string,
  payload: Uint8Array,
  receivedAt: number,
): DecodeResult {
  const levels = levelsOf(topic);
  // Every device topic starts hameau/v1/{site}/{device}: name them in the log even when the
  // rest is wrong.
  const origin = { site: levels[2], device: levels[3] };
  const fail = (code: ErrorCode, reason: string): DecodeResult => ({
    ok: false,
    rejected: {
      code,
      reason,
      topic,
      ...(origin.site !== undefined && { site: origin.site }),
      ...(origin.device !== undefined && { device: origin.device }),
    },
  });
  try {
    const status = TOPICS.status.matchLevels(levels);
    if (status) {
      const p = TOPICS.status.decode(payload);
      return { ok: true, message: { kind: 'status', ...status, receivedAt, payload: p } };
    }
    const telemetry = TOPICS.telemetry.matchLevels(levels);
    if (telemetry) {
      const p = TOPICS.telemetry.decode(payload);
      return {
        ok: true,
        message: {
          kind: 'telemetry',
          site: telemetry.site,
          device: telemetry.device,
          stream: telemetry.stream,
          receivedAt,
          payload: p,
        },
      };
    }
    const event = TOPICS.event.matchLevels(levels);
    if (event) {
      const p = TOPICS.event.decode(payload);
      return {
        ok: true,
        message: {
          kind: 'event',
          site: event.site,
          device: event.device,
          type: event.type,
          receivedAt,
          payload: p,
        },
      };
    }
    const result = TOPICS.commandResult.matchLevels(levels);
    if (result) {
      const p = TOPICS.commandResult.decode(payload);
      return { ok: true, message: { kind: 'commandResult', ...result, receivedAt, payload: p } };
    }
    const state = TOPICS.reportedState.matchLevels(levels);
    if (state) {
      const p = TOPICS.reportedState.decode(payload);
      return { ok: true, message: { kind: 'reportedState', ...state, receivedAt, payload: p } };
    }
    return fail('TOPIC_UNKNOWN', 'not a device-to-cloud topic of the protocol table');
  } catch (err) {
    if (err instanceof ProtocolError) {
      const issues = (err.details.issues ?? []) as { path: string; message: string }[];
      const detail = issues.length
        ? issues
            .slice(0, 5)
            .map((i) => `${i.path || '(root)'}: ${i.message}`)
            .join('; ')
        : typeof err.details.cause === 'string'
          ? err.details.cause
          : err.message;
      return fail(err.code, `${err.message}: ${detail}`);
    }
    return fail('PAYLOAD_INVALID', err instanceof Error ? err.message : String(err));
  }
}
