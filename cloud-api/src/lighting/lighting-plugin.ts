import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.js';
import { CommandSender } from '../commands/command-sender.js';
import { CommandService } from '../commands/command-service.js';
import { DeviceConfigService } from '../device-config/device-config-service.js';
import { lightingConfigRoutes } from './lighting-config-routes.js';
import { LightingConfigService, requireLightingController } from './lighting-config-service.js';
import { lightingEventListener } from './lighting-event-listener.js';
import { lightingOrderRoutes } from './lighting-order-routes.js';
import { LightingOrderService } from './lighting-order-service.js';
import { lightingReportRoutes } from './lighting-report-routes.js';

/**
 * The lighting domain: lighting controllers' configuration (through the desired-config
 * versions, published by the app's one sender), console orders (through commands), and what the
 * controllers report (levels, night summaries) for the dashboards.
 */
export const lightingPlugin: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db, clock, log, publisher, devices, ingestion } = ctx;
  const deviceConfig = new DeviceConfigService({
    db,
    clock,
    log,
    devices,
    sender: ctx.desiredConfigs,
  });
  const config = new LightingConfigService({ db, clock, log, devices, deviceConfig });
  // The commands domain's lifecycle (results, expiry, resends) works on the shared table; this
  // sender only publishes the orders created here.
  const commandSender = new CommandSender({ db, clock, log, publisher });
  const commands = new CommandService({ db, clock, log, devices, sender: commandSender });
  const orders = new LightingOrderService({ clock, commands, config });
  // The app context's, which the public feed reads too.
  const reports = ctx.lightingReports;

  const removeListener = ingestion.addListener(lightingEventListener({ db, log }));
  app.addHook('onClose', () => {
    removeListener();
    commandSender.close();
    return Promise.resolve();
  });

  await app.register(lightingConfigRoutes, { service: config });
  await app.register(lightingOrderRoutes, { service: orders });
  await app.register(lightingReportRoutes, {
    service: reports,
    controller: (key) => requireLightingController(devices, key),
  });
};
