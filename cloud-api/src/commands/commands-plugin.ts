import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.js';
import { commandListener } from './command-listener.js';
import { commandRoutes } from './command-routes.js';
import { CommandSender } from './command-sender.js';
import { CommandService } from './command-service.js';
import { CommandSweeper } from './command-sweeper.js';

/**
 * The commands domain: its routes, the ingestion listener (results and births), publishing on
 * every broker (re)connection, and the expiry sweeper, which also runs once before the API
 * serves so the lifecycle catches up after a restart. Everything stops when the app closes.
 */
export const commandsPlugin: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db, clock, log, publisher, devices, ingestion } = ctx;
  const sender = new CommandSender({ db, clock, log, publisher });
  const service = new CommandService({ db, clock, log, devices, sender });
  const sweeper = new CommandSweeper({ db, clock, log });
  await sweeper.sweep();
  sweeper.start();

  const sendQueued = (why: string) => {
    sender.sendQueued().then(
      (n) => {
        if (n > 0) log.info({ sent: n }, `queued commands sent on ${why}`);
      },
      (err: unknown) => {
        log.error({ err }, `could not send queued commands on ${why}`);
      },
    );
  };
  const removeListener = ingestion.addListener(commandListener(service, sender));
  const removeOnConnect = publisher.onConnect(() => {
    sendQueued('broker connection');
  });
  if (publisher.connected) sendQueued('start');

  app.addHook('onClose', async () => {
    sweeper.stop();
    removeListener();
    removeOnConnect();
    sender.close();
    await sweeper.idle();
  });

  await app.register(commandRoutes, { service });
};
