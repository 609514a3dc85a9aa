import type { LatestValue, TimeSeriesStore } from '../timeseries/time-series-store.js';

/** The breaker each meter's poller keeps, as `breaker_state` codes it (0, 1, 2). */
const BREAKER_STATES = ['closed', 'half-open', 'open'] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

/** The failure kinds the agent counts (`errors_<kind>`), by the name the API gives them. */
const ERROR_FIELDS = {
  timeout: 'errors_timeout',
  exception: 'errors_exception',
  crc: 'errors_crc',
  wrongUnit: 'errors_wrong_unit',
  garbage: 'errors_garbage',
  disconnected: 'errors_disconnected',
} as const;
export type MeterErrorKind = keyof typeof ERROR_FIELDS;

/** The other fields of a `meter-health` report (edge-agent `MeterHealth.report`). */
const FIELDS = [
  'polls_ok',
  'polls_failed',
  'polls_skipped',
  'consecutive_errors',
  'breaker_state',
  'bus_connected',
  'last_good_age_s',
  ...Object.values(ERROR_FIELDS),
] as const;
type Field = (typeof FIELDS)[number];

/**
 * A meter's latest health report. Counts run from the agent's start (a restart sets them to 0);
 * a field the report did not carry is null.
 */
export interface MeterHealthReport {
  readonly reportedAt: number;
  /** Its breaker closed and its bus connected at the last report. */
  readonly reachable: boolean;
  readonly breaker: BreakerState | null;
  readonly busConnected: boolean | null;
  /** When it last gave a good reading; null if never since the agent started. */
  readonly lastGoodReadAt: number | null;
  readonly consecutiveErrors: number | null;
  readonly polls: {
    readonly ok: number | null;
    readonly failed: number | null;
    readonly skipped: number | null;
  };
  /** Failed polls over polls taken (skipped ones left out), 0–1; null before any poll. */
  readonly failureRatio: number | null;
  readonly errors: Readonly<Record<MeterErrorKind, number | null>>;
}

/**
 * Each meter's latest health report from the series store, by meter id (the telemetry source).
 * One `latest` per field: the newest value of every meter's series comes back at once, so the
 * cost does not grow with the number of meters.
 */
export async function readMeterHealth(
  series: TimeSeriesStore,
  stream: string,
  key: { readonly site: string; readonly device: string },
): Promise<Map<string, MeterHealthReport>> {
  const tags = { site: key.site, device: key.device };
  const results = await Promise.all(FIELDS.map((f) => series.latest(stream, f, tags)));
  const byMeter = new Map<string, Map<Field, LatestValue>>();
  FIELDS.forEach((field, i) => {
    for (const value of results[i] ?? []) {
      const meter = value.tags.source;
      if (meter === undefined) continue;
      let fields = byMeter.get(meter);
      if (!fields) byMeter.set(meter, (fields = new Map<Field, LatestValue>()));
      fields.set(field, value);
    }
  });
  return new Map([...byMeter].map(([meter, fields]) => [meter, reportOf(fields)]));
}

function reportOf(fields: ReadonlyMap<Field, LatestValue>): MeterHealthReport {
  const value = (f: Field) => fields.get(f)?.value ?? null;
  const breakerCode = value('breaker_state');
  const breaker = breakerCode === null ? null : (BREAKER_STATES[breakerCode] ?? null);
  const bus = value('bus_connected');
  const busConnected = bus === null ? null : bus === 1;
  const ok = value('polls_ok');
  const failed = value('polls_failed');
  // A report always carries its counters; its time is the newest any field has.
  const reportedAt = Math.max(...[...fields.values()].map((v) => v.time));
  // The age is counted at the report that carried it (an agent that never read the meter since
  // its start leaves it out, so this is the last good read any report knew of).
  const age = fields.get('last_good_age_s');
  const errors = Object.fromEntries(
    Object.entries(ERROR_FIELDS).map(([kind, field]) => [kind, value(field)]),
  ) as Record<MeterErrorKind, number | null>;
  return {
    reportedAt,
    reachable: breaker === 'closed' && busConnected === true,
    breaker,
    busConnected,
    lastGoodReadAt: age === undefined ? null : Math.round(age.time - age.value * 1000),
    consecutiveErrors: value('consecutive_errors'),
    polls: { ok, failed, skipped: value('polls_skipped') },
    failureRatio: ok !== null && failed !== null && ok + failed > 0 ? failed / (ok + failed) : null,
    errors,
  };
}
