import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.js';
import { AlarmEventListener } from './alarm-event-listener.js';
import { alarmRoutes } from './alarm-routes.js';
import { AlarmRules } from './alarm-rules.js';

/**
 * The alarms domain: its routes, its ingestion listener (alarms from device events) and its
 * rules (offline devices, outbox backlogs), evaluated once when the app is ready and every
 * minute until it closes.
 */
export const alarmsPlugin: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db, clock, log, alarms, alarmSettings } = ctx;
  const removeListener = ctx.ingestion.addListener(new AlarmEventListener({ alarms, clock, log }));
  const rules = new AlarmRules({ db, clock, log, alarms, settings: alarmSettings });
  app.addHook('onReady', async () => {
    rules.start();
    await rules.idle();
  });
  app.addHook('onClose', async () => {
    removeListener();
    await rules.stop();
  });
  await app.register(alarmRoutes, { ctx });
};
