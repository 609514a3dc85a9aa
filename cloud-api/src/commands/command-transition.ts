import type { CommandResultPayload } from '@hameau/protocol';
import type { CommandChange, CommandRecord } from './command-record.js';
import { isFinal, type CommandOutcome, type LateResult } from './command-state.js';

/** What a device's answer does to a command: the change to store (null: none) and what to log. */
export interface ResultEffect {
  readonly change: CommandChange | null;
  readonly level: 'debug' | 'info' | 'warn';
  readonly message: string;
}

/**
 * Folds one `cmd-result` message into a command. Pure, so the lifecycle rules are tested
 * without a database. The rules make it idempotent and order-tolerant: states only move
 * forward, a final state never changes, and an answer that arrives after expiry or cancellation
 * is kept in `lateResult` (a final outcome replaces an earlier `accepted` there, nothing else
 * replaces anything), so the same message applied twice changes nothing the second time.
 */
export function applyResult(
  cmd: CommandRecord,
  message: CommandResultPayload,
  receivedAt: number,
): ResultEffect {
  // Any answer proves the command reached the device, even one arriving before `accepted`.
  const delivered = cmd.deliveredAt === null ? { deliveredAt: receivedAt } : {};

  if (message.status === 'accepted') {
    if (cmd.state === 'queued' || cmd.state === 'sent') {
      return {
        change: { state: 'delivered', stateAt: receivedAt, ...delivered },
        level: 'info',
        message: 'command delivered',
      };
    }
    if (cmd.state === 'expired' || cmd.state === 'cancelled') {
      return late(cmd, { status: 'accepted', receivedAt }, delivered);
    }
    // Delivered already, or its outcome came first (replayed out of order): the state stands.
    return {
      change: cmd.deliveredAt === null ? delivered : null,
      level: 'debug',
      message: `acknowledgement of a command already ${cmd.state}; state unchanged`,
    };
  }

  const outcome: CommandOutcome =
    message.status === 'ok'
      ? { status: 'ok', data: message.data }
      : { status: 'error', error: { code: message.error.code, message: message.error.message } };

  if (outcome.status === 'error' && outcome.error.code === 'DUPLICATE') {
    // The device has it and is still running it; its real outcome follows.
    return {
      change: null,
      level: isFinal(cmd.state) ? 'warn' : 'info',
      message: `device reports the command still running (DUPLICATE); state ${cmd.state} kept`,
    };
  }

  if (outcome.status === 'error' && outcome.error.code === 'EXPIRED') {
    if (!isFinal(cmd.state)) {
      return {
        change: {
          state: 'expired',
          stateAt: receivedAt,
          finishedAt: receivedAt,
          result: outcome,
          ...delivered,
        },
        level: 'info',
        message: 'device refused the command as expired',
      };
    }
    if (cmd.state === 'expired') {
      // The sweeper got there first: the device confirms it did not run it.
      const change = { ...delivered, ...(cmd.result === null && { result: outcome }) };
      return {
        change: Object.keys(change).length === 0 ? null : change,
        level: 'debug',
        message: 'device confirms the expired command was not run',
      };
    }
  }

  if (!isFinal(cmd.state)) {
    const state = outcome.status === 'ok' ? 'succeeded' : 'failed';
    return {
      change: { state, stateAt: receivedAt, finishedAt: receivedAt, result: outcome, ...delivered },
      level: 'info',
      message: `command ${state}`,
    };
  }
  if (cmd.state === 'expired' || cmd.state === 'cancelled') {
    return late(cmd, { ...outcome, receivedAt }, delivered);
  }
  return {
    change: null,
    level: 'debug',
    message: `outcome of a command already ${cmd.state}; state unchanged`,
  };
}

/** Records an answer that came after the command was expired or cancelled. */
function late(cmd: CommandRecord, result: LateResult, delivered: CommandChange): ResultEffect {
  const keep =
    cmd.lateResult !== null &&
    (cmd.lateResult.status !== 'accepted' || result.status === 'accepted');
  const change: CommandChange = { ...delivered, ...(keep ? {} : { lateResult: result }) };
  const didNotRun = result.status === 'error' && result.error.code === 'EXPIRED';
  const what =
    result.status === 'accepted'
      ? 'device accepted'
      : `device answered ${result.status === 'ok' ? 'ok' : result.error.code} to`;
  return {
    change: Object.keys(change).length === 0 ? null : change,
    level: didNotRun ? 'info' : 'warn',
    message: `${what} a command already ${cmd.state}; late result recorded${didNotRun ? '' : ', it may have acted'}`,
  };
}
