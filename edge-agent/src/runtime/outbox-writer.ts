import { TOPICS, type Severity, type TelemetryPayload } from '@hameau/protocol';
import type { Outbox, OutboxEntry } from '../outbox/outbox.js';
import type { CommandOutcome } from '../store/executed-commands.js';

/** The protocol bounds of an error message in a command result. */
const MAX_ERROR_MESSAGE = 500;

/**
 * A telemetry payload's optional fields beyond the readings: the `lighting` stream's `night`,
 * the locker bank's `boards`.
 */
export type TelemetryExtra = Pick<TelemetryPayload, 'night' | 'boards'>;

/**
 * Builds the runtime's outbox messages (telemetry, events, command results) for one device:
 * topic from the protocol table, the outbox envelope (`seq`, `at`, `historical: false`) and the
 * payload. The outbox validates it against the topic's schema before storing it, so a bad
 * message throws `PAYLOAD_INVALID` in the module that made it rather than reaching the cloud.
 */
export class OutboxWriter {
  readonly #outbox: Outbox;
  readonly #id: { readonly site: string; readonly device: string };

  constructor(outbox: Outbox, identity: { readonly site: string; readonly device: string }) {
    this.#outbox = outbox;
    this.#id = { site: identity.site, device: identity.device };
  }

  /** Appends readings from `source` on telemetry stream `stream`. */
  telemetry(
    stream: string,
    source: string,
    values: Readonly<Record<string, number | null>>,
    missing?: Readonly<Record<string, string>>,
    extra?: TelemetryExtra,
  ): OutboxEntry {
    const topic = TOPICS.telemetry.build({ ...this.#id, stream });
    return this.#outbox.append('telemetry', (seq, at) => ({
      topic,
      payload: {
        seq,
        at,
        historical: false,
        source,
        values: { ...values },
        ...(missing !== undefined && { missing: { ...missing } }),
        ...(extra?.night !== undefined && { night: extra.night }),
        ...(extra?.boards !== undefined && { boards: extra.boards }),
      },
    }));
  }

  /** Appends an event of `type`. */
  event(
    type: string,
    severity: Severity,
    subject: string | undefined,
    data: Readonly<Record<string, unknown>>,
    critical: boolean,
  ): OutboxEntry {
    const topic = TOPICS.event.build({ ...this.#id, type });
    return this.#outbox.append(
      'event',
      (seq, at) => ({
        topic,
        payload: {
          seq,
          at,
          historical: false,
          severity,
          ...(subject !== undefined && { subject }),
          data: { ...data },
        },
      }),
      { critical },
    );
  }

  /** Appends the acknowledgement that command `id` was accepted and is about to run. */
  commandAccepted(id: string, name: string, critical: boolean): OutboxEntry {
    const topic = TOPICS.commandResult.build(this.#id);
    return this.#outbox.append(
      'command-result',
      (seq, at) => ({
        topic,
        payload: { seq, at, historical: false, id, name, status: 'accepted' as const },
      }),
      { critical },
    );
  }

  /** Appends the answer to command `id`. */
  commandResult(id: string, name: string, outcome: CommandOutcome, critical: boolean): OutboxEntry {
    const topic = TOPICS.commandResult.build(this.#id);
    const body =
      outcome.status === 'ok'
        ? { status: 'ok' as const, data: { ...outcome.data } }
        : {
            status: 'error' as const,
            error: {
              code: outcome.error.code,
              message: truncate(outcome.error.message, MAX_ERROR_MESSAGE),
            },
          };
    return this.#outbox.append(
      'command-result',
      (seq, at) => ({
        topic,
        payload: { seq, at, historical: false, id, name, ...body },
      }),
      { critical },
    );
  }
}

/** Cuts `text` to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
