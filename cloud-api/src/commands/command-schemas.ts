import { z } from 'zod';
import { CommandErrorCode, CommandId, CommandName, DeviceId, SiteId } from '@hameau/protocol';
import { apiSchemas } from '../http/api-schemas.js';
import { IsoTime, isoTime, isoTimeOrNull } from '../http/common-schemas.js';
import type { CommandRecord } from './command-record.js';
import { CommandState, type LateResult } from './command-state.js';

export { CreateCommandInput as CreateCommandBody } from './command-service.js';

export const DeviceCommandsParams = z.object({ site: SiteId, device: DeviceId }).strict();

export const CommandParams = z.object({ id: CommandId }).strict();

export const ListCommandsQuery = z
  .object({
    state: CommandState.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

const ErrorOutcome = z
  .object({ code: CommandErrorCode, message: z.string() })
  .strict()
  .describe('The stable code of docs/errors.md (command results) and the device message');

const ResultView = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('ok'), data: z.record(z.string(), z.unknown()) }).strict(),
    z.object({ status: z.literal('error'), error: ErrorOutcome }).strict(),
  ])
  .describe("The device's outcome; null until it answers (or when the command expired unanswered)");

const LateResultView = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('accepted'), receivedAt: IsoTime }).strict(),
    z
      .object({
        status: z.literal('ok'),
        data: z.record(z.string(), z.unknown()),
        receivedAt: IsoTime,
      })
      .strict(),
    z.object({ status: z.literal('error'), error: ErrorOutcome, receivedAt: IsoTime }).strict(),
  ])
  .describe(
    'What the device said after the command was already expired or cancelled: it may have acted',
  );

export const CommandView = z
  .object({
    id: CommandId,
    site: SiteId,
    device: DeviceId,
    name: CommandName,
    args: z.record(z.string(), z.unknown()),
    issuedBy: z.string(),
    issuedAt: IsoTime,
    expiresAt: IsoTime,
    state: CommandState,
    stateAt: IsoTime,
    attempts: z.number().int().describe('Publishes tried, acknowledged by the broker or not'),
    sentAt: IsoTime.nullable().describe('The last publish the broker acknowledged'),
    deliveredAt: IsoTime.nullable().describe('The first answer of the device'),
    finishedAt: IsoTime.nullable(),
    result: ResultView.nullable(),
    lateResult: LateResultView.nullable(),
  })
  .strict()
  .register(apiSchemas, { id: 'Command' });

export const CommandList = z.object({ commands: z.array(CommandView) }).strict();

/** A command as the API shows it. */
export function commandView(c: CommandRecord): z.output<typeof CommandView> {
  return {
    id: c.id,
    site: c.site,
    device: c.device,
    name: c.name,
    args: c.args,
    issuedBy: c.issuedBy,
    issuedAt: isoTime(c.issuedAt),
    expiresAt: isoTime(c.expiresAt),
    state: c.state,
    stateAt: isoTime(c.stateAt),
    attempts: c.attempts,
    sentAt: isoTimeOrNull(c.sentAt),
    deliveredAt: isoTimeOrNull(c.deliveredAt),
    finishedAt: isoTimeOrNull(c.finishedAt),
    result: c.result,
    lateResult: c.lateResult && lateResultView(c.lateResult),
  };
}

function lateResultView(r: LateResult): z.output<typeof LateResultView> {
  return { ...r, receivedAt: isoTime(r.receivedAt) };
}
