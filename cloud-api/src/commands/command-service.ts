import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  CommandId,
  CommandName,
  DeviceId,
  HameauError,
  SiteId,
  type Clock,
  type CommandResultPayload,
} from '@hameau/protocol';
import { recordAudit } from '../audit/audit-store.js';
import type { DeviceService } from '../devices/device-service.js';
import type { MessageOrigin } from '../ingestion/ingested-message.js';
import { parseInput } from '../parse-input.js';
import type { Schema } from '../storage/schema.js';
import { isUniqueViolation } from '../storage/unique-violation.js';
import { canonicalJson } from './canonical-json.js';
import type { CommandRecord } from './command-record.js';
import type { CommandState } from './command-state.js';
import type { CommandSender } from './command-sender.js';
import { commandStore } from './command-store.js';
import { applyResult } from './command-transition.js';

/** The longest a command may wait for its device: a week (an unlock that late is useless). */
export const MAX_TTL_SECONDS = 7 * 86_400;
/** Arguments larger than this (as JSON) are refused; commands are small instructions. */
export const MAX_ARGS_BYTES = 16 * 1024;
/** How many times a result is re-applied when the command changed under it meanwhile. */
const APPLY_TRIES = 3;

/** A new command for one device. */
export const CreateCommandInput = z
  .object({
    name: CommandName,
    args: z
      .record(z.string(), z.unknown())
      .default({})
      .refine((a) => Buffer.byteLength(JSON.stringify(a)) <= MAX_ARGS_BYTES, {
        message: `args must be at most ${MAX_ARGS_BYTES} bytes as JSON`,
      }),
    ttlSeconds: z
      .number()
      .int()
      .min(1)
      .max(MAX_TTL_SECONDS)
      .default(60)
      .describe('How long the device may still run it; after that it refuses it'),
    id: CommandId.optional().describe(
      'Chosen by the client to make retries safe: the same id and content returns the existing command',
    ),
  })
  .strict();
export type CreateCommandInput = z.input<typeof CreateCommandInput>;

const DeviceKey = z.object({ site: SiteId, device: DeviceId }).strict();

/** A command from `create`: `created` is false when an identical one already existed. */
export interface CreatedCommand {
  readonly created: boolean;
  readonly command: CommandRecord;
}

export interface CommandServiceDeps {
  readonly db: Kysely<Schema>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly devices: DeviceService;
  readonly sender: CommandSender;
}

/**
 * Commands to devices: creating (idempotently, by id) and handing them to the sender, folding
 * the device's answers into the lifecycle, and cancelling. The state lives in the database only,
 * so an API restart loses nothing.
 */
export class CommandService {
  readonly #d: CommandServiceDeps;
  readonly #log: Logger;

  constructor(deps: CommandServiceDeps) {
    this.#d = deps;
    this.#log = deps.log;
  }

  /**
   * Stores a command for a device and publishes it at once when the API is connected to the
   * broker. Never fails for want of MQTT: the command stays `queued` and goes out on reconnect or
   * at the device's next birth. A known id returns that command if its content is the same, and
   * `COMMAND_CONFLICT` otherwise.
   */
  async create(
    site: string,
    device: string,
    input: CreateCommandInput,
    actor: string,
  ): Promise<CreatedCommand> {
    const key = parseInput(DeviceKey, { site, device }, 'params');
    const body = parseInput(CreateCommandInput, input, 'body');
    await this.#d.devices.get(key.site, key.device);
    // The protocol bounds issuedBy; a longer name from another authenticator is cut, not refused.
    const issuedBy = actor.slice(0, 64);
    const wanted = {
      ...key,
      name: body.name,
      args: body.args,
      ttlSeconds: body.ttlSeconds,
      issuedBy,
    };
    if (body.id !== undefined) {
      const existing = await commandStore.get(this.#d.db, body.id);
      if (existing !== undefined) {
        return { created: false, command: sameOrConflict(existing, wanted) };
      }
    }

    const now = this.#d.clock.now();
    const command: CommandRecord = {
      id: body.id ?? generateCommandId(),
      site: key.site,
      device: key.device,
      name: body.name,
      args: body.args,
      issuedBy,
      issuedAt: now,
      expiresAt: now + body.ttlSeconds * 1000,
      state: 'queued',
      stateAt: now,
      attempts: 0,
      sentAt: null,
      deliveredAt: null,
      finishedAt: null,
      result: null,
      lateResult: null,
    };
    try {
      await this.#d.db.transaction().execute(async (trx) => {
        await commandStore.insert(trx, command);
        // Never the args: they may carry a pickup code.
        await recordAudit(trx, now, {
          actor,
          action: 'command.create',
          subject: command.id,
          details: {
            site: key.site,
            device: key.device,
            name: body.name,
            ttlSeconds: body.ttlSeconds,
          },
        });
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // A concurrent retry with the same id won the race.
      const existing = await commandStore.get(this.#d.db, command.id);
      if (existing === undefined) throw err;
      return { created: false, command: sameOrConflict(existing, wanted) };
    }
    this.#logOf(command).info(
      { actor, expiresAt: new Date(command.expiresAt).toISOString() },
      'command queued',
    );
    await this.#d.sender.send(command);
    return { created: true, command: (await commandStore.get(this.#d.db, command.id)) ?? command };
  }

  /** One command; `COMMAND_NOT_FOUND` when there is none with this id. */
  async get(id: string): Promise<CommandRecord> {
    const valid = parseInput(CommandId, id, 'params.id');
    const command = await commandStore.get(this.#d.db, valid);
    if (command === undefined) throw notFound(valid);
    return command;
  }

  /** A device's commands, newest first; `DEVICE_NOT_FOUND` for an unknown device. */
  async list(
    site: string,
    device: string,
    filter: { readonly state?: CommandState | undefined; readonly limit: number },
  ): Promise<CommandRecord[]> {
    const key = parseInput(DeviceKey, { site, device }, 'params');
    await this.#d.devices.get(key.site, key.device);
    return commandStore.list(this.#d.db, { ...key, state: filter.state, limit: filter.limit });
  }

  /**
   * Cancels a command the device has not accepted yet: it is never published again. One already
   * published may still reach the device, which may run it; its answer then shows as the late
   * result. Cancelling a cancelled command returns it unchanged (a retry is harmless); any other
   * state is `COMMAND_FINISHED`.
   */
  async cancel(id: string, actor: string): Promise<CommandRecord> {
    const valid = parseInput(CommandId, id, 'params.id');
    const now = this.#d.clock.now();
    const cancelled = await this.#d.db.transaction().execute(async (trx) => {
      const c = await commandStore.cancel(trx, valid, now);
      if (c !== undefined) {
        await recordAudit(trx, now, {
          actor,
          action: 'command.cancel',
          subject: c.id,
          details: { site: c.site, device: c.device, name: c.name },
        });
      }
      return c;
    });
    if (cancelled !== undefined) {
      this.#logOf(cancelled).info({ actor }, 'command cancelled');
      return cancelled;
    }
    const current = await commandStore.get(this.#d.db, valid);
    if (current === undefined) throw notFound(valid);
    if (current.state === 'cancelled') return current;
    throw new HameauError(
      'COMMAND_FINISHED',
      current.state === 'delivered'
        ? `command ${valid} was accepted by the device and is running; it can no longer be cancelled`
        : `command ${valid} is already ${current.state}`,
      { id: valid, state: current.state },
    );
  }

  /**
   * Folds a device's `cmd-result` into its command. Idempotent and order-tolerant (see
   * `applyResult`); a result for an id this device has no command with is logged and ignored.
   * Rejects only when the database fails, so ingestion retries the batch.
   */
  async applyResult(
    origin: MessageOrigin,
    payload: CommandResultPayload,
    receivedAt: number,
  ): Promise<void> {
    for (let i = 0; i < APPLY_TRIES; i++) {
      const command = await commandStore.get(this.#d.db, payload.id);
      if (command?.site !== origin.site || command.device !== origin.device) {
        this.#log.warn(
          { site: origin.site, device: origin.device, id: payload.id, status: payload.status },
          'result for an unknown command; ignored',
        );
        return;
      }
      const effect = applyResult(command, payload, receivedAt);
      const applied =
        effect.change === null ||
        (await commandStore.update(this.#d.db, command.id, command.state, effect.change));
      if (applied) {
        this.#logOf(command)[effect.level](
          {
            status: payload.status,
            ...(payload.status === 'error' && { code: payload.error.code }),
            state: effect.change?.state ?? command.state,
          },
          effect.message,
        );
        return;
      }
    }
    throw new Error(`command ${payload.id} kept changing while a result was applied`);
  }

  #logOf(c: CommandRecord): Logger {
    return this.#log.child({ site: c.site, device: c.device, id: c.id, command: c.name });
  }
}

/** The existing command when a retry asks for the same thing; `COMMAND_CONFLICT` otherwise. */
function sameOrConflict(
  existing: CommandRecord,
  wanted: {
    site: string;
    device: string;
    name: string;
    args: Record<string, unknown>;
    ttlSeconds: number;
    issuedBy: string;
  },
): CommandRecord {
  const differs = [
    existing.site !== wanted.site && 'site',
    existing.device !== wanted.device && 'device',
    existing.name !== wanted.name && 'name',
    canonicalJson(existing.args) !== canonicalJson(wanted.args) && 'args',
    existing.expiresAt - existing.issuedAt !== wanted.ttlSeconds * 1000 && 'ttlSeconds',
    existing.issuedBy !== wanted.issuedBy && 'issuer',
  ].filter((d): d is string => d !== false);
  if (differs.length === 0) return existing;
  throw new HameauError(
    'COMMAND_CONFLICT',
    `command ${existing.id} already exists with a different ${differs.join(', ')}`,
    { id: existing.id, differs },
  );
}

/** `cmd-` and 128 random bits, base64url: a valid `CommandId`. */
function generateCommandId(): string {
  return `cmd-${randomBytes(16).toString('base64url')}`;
}

function notFound(id: string): HameauError {
  return new HameauError('COMMAND_NOT_FOUND', `no command ${id}`, { id });
}
