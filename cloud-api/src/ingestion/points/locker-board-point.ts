import { SEQ_FIELD, pointProblems, type Point } from '../../timeseries/point.js';
import type { IngestedOf } from '../ingested-message.js';
import { DERIVED_MEASUREMENTS } from './derived-measurements.js';

/** The stream of a locker bank's report (edge-agent locker module). */
const LOCKER_STREAM = 'locker';
/** The `last_error` tag of a board that has not failed a poll since its agent started. */
export const NO_BOARD_ERROR = 'none';

/**
 * The `locker_board` points of a locker bank report that carries its boards' polls: one per
 * board, tagged by site, device, `subject` (`bus/address`, as in the board events) and
 * `last_error` (the driver's failure kind, or `none`: a bounded set), with the counts `ok` and
 * `failed` since the agent started and `last_ok_at` (ms since the epoch; left out while the board
 * never answered), at the report's time. Other telemetry gives none. A board whose bus id the
 * store could not carry is left out: the report itself stays valid.
 */
export function lockerBoardPoints(message: IngestedOf<'telemetry'>): Point[] {
  const { payload } = message;
  if (message.stream !== LOCKER_STREAM || payload.boards === undefined) return [];
  const time = Date.parse(payload.at);
  return payload.boards
    .map((b): Point => ({
      measurement: DERIVED_MEASUREMENTS.lockerBoard,
      tags: {
        site: message.site,
        device: message.device,
        subject: `${b.bus}/${String(b.address)}`,
        last_error: b.lastError ?? NO_BOARD_ERROR,
      },
      fields: {
        ok: b.ok,
        failed: b.failed,
        ...(b.lastOkAt !== null && { last_ok_at: Date.parse(b.lastOkAt) }),
        [SEQ_FIELD]: payload.seq,
      },
      time,
    }))
    .filter((p) => pointProblems(p).length === 0);
}
