import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.js';
import { energyRoutes } from './energy-routes.js';
import { EnergyService } from './energy-service.js';
import { EnergySettings, type EnergySettingsInput } from './energy-settings.js';
import { meterRoutes } from './meter-routes.js';
import { MeterRoleService } from './meter-role-service.js';

/**
 * The energy domain: the public figures (power now, kWh per period, green share, history,
 * definitions) and the technicians' meter routes. It only reads: readings reach the
 * time-series store through ingestion, and meter roles are its one table. `settings` (time
 * zone, grid renewable share…) default to the app's (`AppOptions.energy`, from the environment).
 */
export const energyPlugin: FastifyPluginAsyncZod<{
  ctx: AppContext;
  settings?: EnergySettingsInput;
}> = async (app, { ctx, settings: input }) => {
  const settings =
    input === undefined ? ctx.energySettings : Object.freeze(EnergySettings.parse(input));
  const { db, clock, log, timeSeries: store } = ctx;
  const roles = new MeterRoleService({
    db,
    clock,
    log,
    store,
    measurement: settings.measurement,
  });
  const service = new EnergyService({ store, roles, clock, settings });
  await app.register(energyRoutes, { service });
  await app.register(meterRoutes, { service, roles });
};
