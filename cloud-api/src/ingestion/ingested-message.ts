import type {
  CommandResultPayload,
  EventPayload,
  ReportedStatePayload,
  StatusPayload,
  TelemetryPayload,
} from '@hameau/protocol';

/** Where a message came from: the site and device of its topic. */
export interface MessageOrigin {
  readonly site: string;
  readonly device: string;
}

/**
 * One validated MQTT message from a device, as ingestion hands it to the domains. Payloads have
 * passed the protocol schemas; `receivedAt` is the cloud clock (ms) when it reached the API.
 * Messages that go through the edge outbox (telemetry, event, commandResult) carry a `seq`
 * that ingestion has already deduplicated on (device, seq).
 */
export type IngestedMessage = MessageOrigin & { readonly receivedAt: number } & (
    | { readonly kind: 'status'; readonly payload: StatusPayload }
    | { readonly kind: 'telemetry'; readonly stream: string; readonly payload: TelemetryPayload }
    | { readonly kind: 'event'; readonly type: string; readonly payload: EventPayload }
    | { readonly kind: 'commandResult'; readonly payload: CommandResultPayload }
    | { readonly kind: 'reportedState'; readonly payload: ReportedStatePayload }
  );

export type IngestedKind = IngestedMessage['kind'];

/** An ingested message of one kind. */
export type IngestedOf<K extends IngestedKind> = Extract<IngestedMessage, { kind: K }>;

/**
 * A domain's reaction to ingested messages (device status, commands, alarms). `onBatch` gets
 * the new messages of one batch in arrival order, after their telemetry is stored.
 *
 * It must be idempotent: after a crash, the same batch is handed over again (ingestion records
 * a batch as done only once every listener has returned). A thrown error makes ingestion retry
 * the whole batch later, so throw only for transient failures (the database is unreachable),
 * and log and skip a message that can never be processed.
 */
export interface IngestionListener {
  /** Names the listener in logs and metrics, e.g. `commands`. */
  readonly name: string;
  onBatch(messages: readonly IngestedMessage[]): Promise<void>;
}
