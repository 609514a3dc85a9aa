import { z } from 'zod';
import { BoardPollErrorKind, DeviceId, DeviceKind, SiteId } from '@hameau/protocol';
import { apiSchemas } from '../http/api-schemas.js';
import { IsoTime, isoTime, isoTimeOrNull } from '../http/common-schemas.js';
import { EPISODE_WINDOW_MS, type BoardHealth } from './board-health-reader.js';
import { POLLS_WINDOW_MS } from './board-polls-reader.js';
import type { DeviceHealth } from './device-health.js';
import type { DeviceRecord } from './device-store.js';

/**
 * A count as the device reported it. Not checked for being a whole number: a device's odd value
 * must show as it is, not turn the whole answer into an error.
 */
const Count = z.number().nullable();

const MeterHealthReportView = z
  .object({
    reportedAt: IsoTime,
    reachable: z.boolean().describe('Breaker closed and bus connected at the last report'),
    breaker: z.enum(['closed', 'half-open', 'open']).nullable(),
    busConnected: z.boolean().nullable(),
    lastGoodReadAt: IsoTime.nullable().describe('Null: no good reading since the agent started'),
    consecutiveErrors: Count,
    polls: z.object({ ok: Count, failed: Count, skipped: Count }).strict(),
    failureRatio: z
      .number()
      .nullable()
      .describe('Failed polls over polls taken since the agent started; null before any poll'),
    errors: z
      .object({
        timeout: Count,
        exception: Count,
        crc: Count,
        wrongUnit: Count,
        garbage: Count,
        disconnected: Count,
      })
      .strict()
      .describe('Failures by kind since the agent started'),
  })
  .strict()
  .describe("The meter's latest `meter-health` report; counts restart at 0 with the agent");

const MeterHealthView = z
  .object({
    id: z.string(),
    model: z.string().nullable().describe('From the configuration the device runs, when it says'),
    report: MeterHealthReportView.nullable(),
  })
  .strict();

const BoardPollsView = z
  .object({
    reportedAt: IsoTime.describe('The bank report that carried them'),
    lastOkAt: IsoTime.nullable().describe(
      'When the board last answered a status poll; null: no report says it ever did',
    ),
    ok: Count.describe('Polls answered since the agent started'),
    failed: Count.describe('Polls not answered after the retries, since the agent started'),
    failureRatio: z.number().nullable().describe('failed / (ok + failed); null before any poll'),
    lastError: BoardPollErrorKind.nullable().describe(
      'Why the last failed poll failed; null when none has since the agent started',
    ),
  })
  .strict()
  .describe(
    `The board's polls from its bank's latest report in the last ${POLLS_WINDOW_MS / 3_600_000} hours; null from agents that do not report them`,
  );

const BoardHealthView = z
  .object({
    bus: z.string(),
    address: z.number().int().min(0),
    reachable: z.boolean().nullable().describe('Null when nothing was reported about it'),
    lastChangeAt: IsoTime.nullable().describe('When it last went unreachable or answered again'),
    unreachableEpisodes: z
      .number()
      .int()
      .min(0)
      .describe(`Times it went unreachable in the last ${EPISODE_WINDOW_MS / 3_600_000} hours`),
    polls: BoardPollsView.nullable(),
  })
  .strict();

const BankReportView = z
  .object({
    reportedAt: IsoTime,
    boardsUnreachable: Count,
    boxesUnknown: Count,
  })
  .strict()
  .describe("The locker bank's latest report; null for a device that runs no locker");

export const DeviceHealthView = z
  .object({
    site: SiteId,
    device: DeviceId,
    kind: DeviceKind,
    meters: z.array(MeterHealthView),
    boards: z.array(BoardHealthView),
    bank: BankReportView.nullable(),
  })
  .strict()
  .register(apiSchemas, { id: 'DeviceHealth' });

/** A device's health as the API shows it. */
export function deviceHealthView(
  d: DeviceRecord,
  health: DeviceHealth,
): z.output<typeof DeviceHealthView> {
  return {
    site: d.site,
    device: d.device,
    kind: d.kind,
    meters: health.meters.map((m) => ({
      id: m.id,
      model: m.model,
      report: m.report && {
        ...m.report,
        reportedAt: isoTime(m.report.reportedAt),
        lastGoodReadAt: isoTimeOrNull(m.report.lastGoodReadAt),
        polls: { ...m.report.polls },
        errors: { ...m.report.errors },
      },
    })),
    boards: health.boards.map(boardView),
    bank: health.bank && { ...health.bank, reportedAt: isoTime(health.bank.reportedAt) },
  };
}

function boardView(b: BoardHealth): z.output<typeof BoardHealthView> {
  return {
    ...b,
    lastChangeAt: isoTimeOrNull(b.lastChangeAt),
    polls: b.polls && {
      ...b.polls,
      reportedAt: isoTime(b.polls.reportedAt),
      lastOkAt: isoTimeOrNull(b.polls.lastOkAt),
    },
  };
}
