import type { Logger } from 'pino';
import type { UnlockArgs } from '@hameau/protocol';
import type { CommandMeta } from '../../runtime/agent-module.js';
import { CommandError } from '../../runtime/command-error.js';
import type { LockerBank } from './locker-bank.js';
import type { LockerEmit } from './locker-events.js';
import type { RemoteUnlockCap } from './remote-unlock-cap.js';

/** What the `unlock` command works with. */
export interface RemoteUnlockDeps {
  /** The bank in service now, or null (stopped, restarting). */
  readonly bank: () => LockerBank | null;
  readonly cap: () => RemoteUnlockCap | null;
  readonly emit: LockerEmit;
  readonly log: Logger;
  readonly openConfirmSeconds: () => number;
}

/**
 * The `unlock` command: a technician opens a box from afar. It is capped (per minute and per
 * day, durably) whoever asks, audited with who asked and why, and answered `opened: true` only
 * once the door is seen open. The dispatcher runs each command id at most once, even across a
 * restart, so a redelivered command never pulses a lock twice.
 */
export async function runRemoteUnlock(
  deps: RemoteUnlockDeps,
  args: UnlockArgs,
  meta: CommandMeta,
): Promise<Record<string, unknown>> {
  const bank = deps.bank();
  const cap = deps.cap();
  if (bank === null || cap === null)
    throw new CommandError('REFUSED', 'the locker bank is stopped');
  const { box } = args;
  const place = bank.layout.box(box);
  if (place === undefined) {
    throw new CommandError('INVALID_ARGS', `box ${box} is not in this bank`);
  }
  if (!bank.ready) {
    throw new CommandError('HARDWARE_FAILURE', 'the lock boards have not been read yet');
  }
  const view = bank.view(box);
  if (view?.known !== true) {
    throw new CommandError(
      'HARDWARE_FAILURE',
      `board ${place.board} of bus ${place.bus} does not answer; box ${box} is unknown`,
    );
  }
  if (!view.locked) throw new CommandError('REFUSED', `the door of box ${box} is already open`);
  if (view.busy) throw new CommandError('REFUSED', `box ${box} is being opened already`);

  const grant = cap.take();
  if (!grant.ok) {
    deps.log.warn({ box, command: meta.id, window: grant.window }, 'remote unlock refused: cap');
    deps.emit('remote-unlock-rate-exceeded', String(box), {
      box,
      command: meta.id,
      limitPerMinute: cap.limits.maxPerMinute,
    });
    const per = grant.window === 'minute' ? 'a minute' : '24 hours';
    throw new CommandError(
      'REFUSED',
      `more than ${grant.limit} remote unlocks in ${per}; refused and alarmed`,
    );
  }
  const result = await bank.open(box, 'remote', null, () => {
    deps.emit('remote-unlock', String(box), {
      box,
      command: meta.id,
      issuedBy: meta.issuedBy,
      reason: args.reason,
    });
  });
  switch (result) {
    case 'opened':
      return { box, opened: true };
    case 'stuck':
      throw new CommandError(
        'HARDWARE_FAILURE',
        `the door of box ${box} was not seen open within ${deps.openConfirmSeconds()} s: lock stuck`,
      );
    case 'unknown':
      throw new CommandError(
        'HARDWARE_FAILURE',
        `board ${place.board} of bus ${place.bus} stopped answering; whether box ${box} opened is unknown`,
      );
    case 'failed':
      throw new CommandError('HARDWARE_FAILURE', `the unlock of box ${box} could not be sent`);
    case 'unavailable':
      throw new CommandError('REFUSED', `box ${box} cannot be opened now`);
  }
}
