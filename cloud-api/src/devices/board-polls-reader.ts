import { BoardPollErrorKind } from '@hameau/protocol';
import { DERIVED_MEASUREMENTS } from '../ingestion/points/derived-measurements.js';
import type { LatestValue, TimeSeriesStore } from '../timeseries/time-series-store.js';

/** How far back a board's poll report is looked for (a bank reports every minute by default). */
export const POLLS_WINDOW_MS = 24 * 3_600_000;

/** A lock board's polls, from its bank's latest report that carried them. */
export interface BoardPollHealth {
  readonly reportedAt: number;
  /** When it last answered a poll; null when no report in the window says it ever did. */
  readonly lastOkAt: number | null;
  /** Polls answered and failed since its agent started (they restart at 0 with the agent). */
  readonly ok: number;
  readonly failed: number;
  /** `failed / (ok + failed)`; null before any poll. */
  readonly failureRatio: number | null;
  /** Why its last failed poll failed; null when none has since its agent started. */
  readonly lastError: BoardPollErrorKind | null;
}

/**
 * Each board's latest polls, by subject (`bus/address`), from the `locker_board` points that
 * ingestion derives from a bank report's `boards` (agents from before the field send none: the
 * map is then empty). A board's series are split by its `last_error` tag, so the newest point
 * among them is the latest report; its last answer is the newest any report gives, since a
 * report made before the board's first answer after a restart carries none.
 */
export async function readBoardPolls(
  series: TimeSeriesStore,
  key: { readonly site: string; readonly device: string },
  now: number,
): Promise<Map<string, BoardPollHealth>> {
  const tags = { site: key.site, device: key.device };
  const since = { since: now - POLLS_WINDOW_MS };
  const field = (name: string) =>
    series.latest(DERIVED_MEASUREMENTS.lockerBoard, name, tags, since);
  const [oks, faileds, lastOks] = await Promise.all([
    field('ok'),
    field('failed'),
    field('last_ok_at'),
  ]);
  const newestOk = newestBySubject(oks);
  const newestLastOk = newestBySubject(lastOks);
  const polls = new Map<string, BoardPollHealth>();
  for (const [subject, ok] of newestOk) {
    const failed = faileds.find(
      (v) => v.time === ok.time && sameSeries(v, ok) && v.tags['subject'] === subject,
    );
    if (failed === undefined) continue;
    const total = ok.value + failed.value;
    const lastError = BoardPollErrorKind.safeParse(ok.tags['last_error']);
    polls.set(subject, {
      reportedAt: ok.time,
      lastOkAt: newestLastOk.get(subject)?.value ?? null,
      ok: ok.value,
      failed: failed.value,
      failureRatio: total > 0 ? failed.value / total : null,
      lastError: lastError.success ? lastError.data : null,
    });
  }
  return polls;
}

function newestBySubject(values: readonly LatestValue[]): Map<string, LatestValue> {
  const newest = new Map<string, LatestValue>();
  for (const v of values) {
    const subject = v.tags['subject'];
    if (subject === undefined) continue;
    const seen = newest.get(subject);
    if (seen === undefined || v.time > seen.time) newest.set(subject, v);
  }
  return newest;
}

const sameSeries = (a: LatestValue, b: LatestValue) =>
  a.tags['last_error'] === b.tags['last_error'];
