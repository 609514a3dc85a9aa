import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.js';
import { CommandSender } from '../commands/command-sender.js';
import { CommandService } from '../commands/command-service.js';
import { bankRoutes } from './bank-routes.js';
import { BankService } from './bank-service.js';
import { CredentialSender } from './credential-sender.js';
import type { LockerBank } from './locker.js';
import { LockerEventListener } from './locker-event-listener.js';
import { bankHashKey } from './locker-keys.js';
import { logOnlyNotifier } from './locker-notifier.js';
import { LockerSweeper } from './locker-sweeper.js';
import { reservationRoutes } from './reservation-routes.js';
import { ReservationLifecycle } from './reservation-lifecycle.js';
import { ReservationNotices } from './reservation-notices.js';
import { ReservationService } from './reservation-service.js';

/**
 * The lockers domain: banks and boxes, reservations and their codes, the agents' events, the
 * credential sets published retained to every bank (after each change, at start and at every
 * broker connection), and the sweeper (expiry, notifications owed), which also runs once before
 * the API serves. Settings come from `AppOptions.lockers` (`ctx.lockers`).
 */
export const lockersPlugin: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db, clock, log, publisher, devices, ingestion, alarms } = ctx;
  const settings = ctx.lockers;
  if (settings.pepper === undefined) {
    log.warn('no locker pepper configured: codes will not survive a restart of the API');
  }
  const pepper = settings.pepper ?? randomBytes(32).toString('base64url');
  const keys = new Map<string, Buffer>();
  const hashKeyOf = (bank: LockerBank): Buffer => {
    const id = `${bank.site}/${bank.device}`;
    let key = keys.get(id);
    if (key === undefined) {
      key = bankHashKey(pepper, bank.site, bank.device);
      keys.set(id, key);
    }
    return key;
  };
  const sender = new CredentialSender({ db, log, publisher, hashKeyOf });
  // The commands domain's lifecycle (results, expiry, resends) works on the shared table; this
  // service only creates the `unlock` commands, through the same rules.
  const commandSender = new CommandSender({ db, clock, log, publisher });
  const commands = new CommandService({ db, clock, log, devices, sender: commandSender });
  const lifecycle = new ReservationLifecycle({ db, clock, log });
  const notices = new ReservationNotices({
    db,
    clock,
    log,
    notifier: settings.notifier ?? logOnlyNotifier(log),
    lifecycle,
  });
  const service = new ReservationService({
    db,
    clock,
    log,
    sender,
    lifecycle,
    commands,
    timeZone: ctx.energySettings.timeZone,
    hashKeyOf,
  });
  const banks = new BankService({ db, clock, log, devices, sender });
  const sweeper = new LockerSweeper({
    db,
    clock,
    log,
    lifecycle,
    notices,
    sender,
    intervalMs: settings.sweepIntervalMs,
  });

  const syncAll = (why: string): Promise<void> =>
    sender.syncAll().then(
      (published) => {
        if (published > 0) log.info({ published }, `credential sets published on ${why}`);
      },
      (err: unknown) => {
        log.error({ err }, `could not publish credential sets on ${why}`);
      },
    );
  const removeListener = ingestion.addListener(
    new LockerEventListener({ db, clock, log, lifecycle, notices, sender, alarms }),
  );
  const removeOnConnect = publisher.onConnect(() => {
    void syncAll('broker connection');
  });
  await sweeper.sweep();
  if (publisher.connected) await syncAll('start');
  sweeper.start();

  app.addHook('onClose', async () => {
    sweeper.stop();
    removeListener();
    removeOnConnect();
    sender.close();
    commandSender.close();
    await sweeper.idle();
  });

  await app.register(bankRoutes, { service: banks });
  await app.register(reservationRoutes, { service });
};
