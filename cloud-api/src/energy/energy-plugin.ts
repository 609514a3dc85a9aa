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
 * time-series store through ingestion, and meter roles are its one table. Its services are the
 * app context's (`ctx.energy`, `ctx.meterRoles`), which the public feed reads too; `settings`
 * (time zone, grid renewable share…) replace the app's (`AppOptions.energy`) for these routes
 * alone, with services of their own.
 */
export const energyPlugin: FastifyPluginAsyncZod<{
  ctx: AppContext;
  settings?: EnergySettingsInput;
}> = async (app, { ctx, settings: input }) => {
  const { service, roles } =
    input === undefined ? { service: ctx.energy, roles: ctx.meterRoles } : servicesFor(ctx, input);
  await app.register(energyRoutes, { service });
  await app.register(meterRoutes, { service, roles });
};

/** Services over other settings than the app's. */
function servicesFor(
  ctx: AppContext,
  input: EnergySettingsInput,
): { service: EnergyService; roles: MeterRoleService } {
  const settings = Object.freeze(EnergySettings.parse(input));
  const { db, clock, log, timeSeries: store } = ctx;
  const roles = new MeterRoleService({ db, clock, log, store, measurement: settings.measurement });
  return { service: new EnergyService({ store, roles, clock, settings }), roles };
}
