import type { LockerEventType } from '@hameau/protocol';
import { DERIVED_MEASUREMENTS } from '../ingestion/points/derived-measurements.js';
import type { TimeSeriesStore } from '../timeseries/time-series-store.js';
import { readBoardPolls, type BoardPollHealth } from './board-polls-reader.js';

/** The locker module's bank report: stream `locker`, source `bank` (edge-agent locker-module). */
const BANK_STREAM = 'locker';
const BANK_SOURCE = 'bank';
const DOWN: LockerEventType = 'board-unreachable';
const UP: LockerEventType = 'board-recovered';
/** How far back the unreachable episodes of a board are counted. */
export const EPISODE_WINDOW_MS = 24 * 3_600_000;

/** One lock board as the cloud knows it. */
export interface BoardHealth {
  readonly bus: string;
  /** The board's address on its bus (its DIP switches, 0–15). */
  readonly address: number;
  /** Null when nothing says (no event about it, no bank report). */
  readonly reachable: boolean | null;
  /** When it last went unreachable, or answered again. */
  readonly lastChangeAt: number | null;
  /** How many times it went unreachable in the last `EPISODE_WINDOW_MS`. */
  readonly unreachableEpisodes: number;
  /** Its polls from the latest bank report that carried them; null from older agents. */
  readonly polls: BoardPollHealth | null;
}

/** The locker bank's latest report: how many boards it could not reach, and boxes unknown. */
export interface BankReport {
  readonly reportedAt: number;
  readonly boardsUnreachable: number | null;
  readonly boxesUnknown: number | null;
}

/**
 * What the series store knows of a locker agent's boards: its `board-unreachable` and
 * `board-recovered` events (stored as `locker_event` points, the subject `bus/address`) and its
 * bank report, and each board's polls (last answer, counts) when its agent sends them. From an
 * agent that does not, a board's freshness is the bank report's: the bank counts unreachable
 * boards at every report.
 *
 * A board is unreachable when its newest event says so, unless a later bank report counts no
 * unreachable board at all: a restarted agent forgets which boards it had lost and says nothing
 * of those that answer again. `known` boards (from the running configuration) are listed even
 * with no event; with a bank report they are reachable (the bank would have said otherwise).
 */
export async function readBoardHealth(
  series: TimeSeriesStore,
  key: { readonly site: string; readonly device: string },
  known: readonly { readonly bus: string; readonly address: number }[],
  now: number,
): Promise<{ boards: BoardHealth[]; bank: BankReport | null }> {
  const tags = { site: key.site, device: key.device };
  const events = (type: LockerEventType) => ({ ...tags, type });
  const [downs, ups, episodes, unreachable, unknownBoxes, polls] = await Promise.all([
    series.latest(DERIVED_MEASUREMENTS.lockerEvent, 'count', events(DOWN)),
    series.latest(DERIVED_MEASUREMENTS.lockerEvent, 'count', events(UP)),
    series.query({
      measurement: DERIVED_MEASUREMENTS.lockerEvent,
      field: 'count',
      tags: events(DOWN),
      from: now - EPISODE_WINDOW_MS,
      to: now + 1,
      resolution: '1h',
      aggregate: 'sum',
      groupBy: ['subject'],
    }),
    series.latest(BANK_STREAM, 'boards_unreachable', { ...tags, source: BANK_SOURCE }),
    series.latest(BANK_STREAM, 'boxes_unknown', { ...tags, source: BANK_SOURCE }),
    readBoardPolls(series, key, now),
  ]);
  const bank = bankReport(unreachable[0], unknownBoxes[0]);

  const boards = new Map<string, { bus: string; address: number }>();
  const add = (subject: string | undefined) => {
    const board = boardOf(subject);
    if (board) boards.set(`${board.bus}/${String(board.address)}`, board);
  };
  for (const b of known) boards.set(`${b.bus}/${String(b.address)}`, b);
  for (const v of [...downs, ...ups]) add(v.tags.subject);
  for (const subject of polls.keys()) add(subject);

  const timeOf = (list: typeof downs, subject: string) =>
    list.find((v) => v.tags.subject === subject)?.time ?? null;
  const counted = new Map(
    episodes.series.map((s) => [s.tags.subject, s.points.reduce((n, [, v]) => n + v, 0)]),
  );
  const health = [...boards].map(([subject, board]): BoardHealth => {
    const down = timeOf(downs, subject);
    const up = timeOf(ups, subject);
    const lastChangeAt = down === null ? up : up === null ? down : Math.max(down, up);
    return {
      ...board,
      reachable: reachableOf(down, up, bank),
      lastChangeAt,
      unreachableEpisodes: counted.get(subject) ?? 0,
      polls: polls.get(subject) ?? null,
    };
  });
  health.sort((a, b) => a.bus.localeCompare(b.bus) || a.address - b.address);
  return { boards: health, bank };
}

function reachableOf(
  down: number | null,
  up: number | null,
  bank: BankReport | null,
): boolean | null {
  const lostNow = down !== null && (up === null || down > up);
  if (lostNow) return bank !== null && bank.reportedAt > down && bank.boardsUnreachable === 0;
  return up !== null || bank !== null ? true : null;
}

function bankReport(
  unreachable: { time: number; value: number } | undefined,
  unknownBoxes: { time: number; value: number } | undefined,
): BankReport | null {
  if (unreachable === undefined && unknownBoxes === undefined) return null;
  return {
    reportedAt: Math.max(unreachable?.time ?? 0, unknownBoxes?.time ?? 0),
    boardsUnreachable: unreachable?.value ?? null,
    boxesUnknown: unknownBoxes?.value ?? null,
  };
}

/** `main/3` → `{bus: 'main', address: 3}`; anything else names no board. */
function boardOf(subject: string | undefined): { bus: string; address: number } | undefined {
  const match = subject === undefined ? null : /^(.+)\/(\d{1,2})$/.exec(subject);
  if (match === null) return undefined;
  return { bus: match[1] ?? '', address: Number(match[2]) };
}
