import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.js';
import { deviceConfigListener } from './device-config-listener.js';
import { deviceConfigRoutes } from './device-config-routes.js';
import { DeviceConfigService } from './device-config-service.js';

/**
 * The desired-configuration domain: its routes, the ingestion listener (what devices report
 * running), and publishing every device's latest version at every broker (re)connection, and at
 * start when the broker is already connected. Everything stops when the app closes.
 */
export const deviceConfigPlugin: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const { db, clock, log, publisher, devices, ingestion } = ctx;
  // The app's sender, shared with the lighting domain: one queue of publishes per device.
  const sender = ctx.desiredConfigs;
  const service = new DeviceConfigService({ db, clock, log, devices, sender });

  const syncAll = (why: string): Promise<void> =>
    sender.syncAll().then(
      ({ published, failed }) => {
        if (published > 0 || failed > 0) {
          log.info({ published, failed }, `desired configs published on ${why}`);
        }
      },
      (err: unknown) => {
        log.error({ err }, `could not publish desired configs on ${why}`);
      },
    );
  const removeListener = ingestion.addListener(deviceConfigListener({ db, log }));
  const removeOnConnect = publisher.onConnect(() => {
    void syncAll('broker connection');
  });
  // Awaited, so the API serves only once the start-up sync is done: a change made meanwhile
  // would otherwise race it and be published twice.
  if (publisher.connected) await syncAll('start');

  app.addHook('onClose', () => {
    removeListener();
    removeOnConnect();
    sender.close();
    return Promise.resolve();
  });

  await app.register(deviceConfigRoutes, { service });
};
