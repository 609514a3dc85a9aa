import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../auth/require-role.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import { validationFailed } from '../parse-input.js';
import { periodsOf } from './energy-routes.js';
import {
  chartTimes,
  chartValues,
  MeterKwhQuery,
  MeterKwhView,
  MeterList,
  MeterListQuery,
  MeterParams,
  MeterSeriesQuery,
  MeterSeriesView,
  meterPeriodView,
  MeterView,
  meterView,
  SetMeterRoleBody,
} from './energy-schemas.js';
import type { EnergyService } from './energy-service.js';
import type { MeterRoleService } from './meter-role-service.js';

const DAY_MS = 86_400_000;

/** Meters for technicians under `/api/v1/energy/meters`: roles, kWh and series per meter. */
export const meterRoutes: FastifyPluginAsyncZod<{
  service: EnergyService;
  roles: MeterRoleService;
}> = (app, { service, roles }) => {
  const tags = ['energy'];
  const guard = requireRole('technician', 'admin');

  app.get(
    '/energy/meters',
    {
      onRequest: guard,
      schema: {
        summary: 'Energy meters with their roles, including those seen without one',
        description:
          'Every meter that has a role, and every meter seen in the `energy` series: those ' +
          'without a role are `unassigned` and count as consumption.',
        tags,
        querystring: MeterListQuery,
        response: { 200: MeterList, ...errorResponses(400, ...AUTH_ERRORS) },
      },
    },
    async (request) => ({ meters: (await roles.list(request.query.site)).map(meterView) }),
  );

  app.put(
    '/energy/meters/:site/:device/:meter',
    {
      onRequest: guard,
      schema: {
        summary: "Set a meter's role (consumption, production, grid) and label",
        description: 'The device must be registered (404 otherwise). Audited.',
        tags,
        params: MeterParams,
        body: SetMeterRoleBody,
        response: { 200: MeterView, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) =>
      meterView(await roles.set(request.params, request.body, request.caller.name)),
  );

  app.delete(
    '/energy/meters/:site/:device/:meter',
    {
      onRequest: guard,
      schema: {
        summary: "Forget a meter's role: it is unassigned again and counts as consumption",
        tags,
        params: MeterParams,
        response: { 200: MeterView, ...errorResponses(400, ...AUTH_ERRORS) },
      },
    },
    async (request) => meterView(await roles.clear(request.params, request.caller.name)),
  );

  app.get(
    '/energy/meters/:site/:device/:meter/kwh',
    {
      onRequest: guard,
      schema: {
        summary: "A meter's import and export kWh per day, week or month",
        tags,
        params: MeterParams,
        querystring: MeterKwhQuery,
        response: { 200: MeterKwhView, ...errorResponses(400, ...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const { period } = request.query;
      const periods = await service.meterKwh(request.params, periodsOf(service, request.query));
      return {
        ...request.params,
        period,
        timeZone: service.calendar.timeZone,
        periods: periods.map(meterPeriodView),
      };
    },
  );

  app.get(
    '/energy/meters/:site/:device/:meter/series',
    {
      onRequest: guard,
      schema: {
        summary: 'One quantity of a meter as a chart series',
        description: 'Bucketed and aggregated by the time-series store (docs/timeseries.md).',
        tags,
        params: MeterParams,
        querystring: MeterSeriesQuery,
        response: { 200: MeterSeriesView, ...errorResponses(400, ...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const q = request.query;
      const to = q.to === undefined ? service.currentTime() : Date.parse(q.to);
      const from = q.from === undefined ? to - DAY_MS : Date.parse(q.from);
      if (from >= to) {
        throw validationFailed([{ path: 'querystring.from', message: 'must be before `to`' }]);
      }
      const series = await service.meterSeries(request.params, {
        quantity: q.quantity,
        from,
        to,
        resolution: q.resolution,
        aggregate: q.aggregate,
      });
      return {
        quantity: q.quantity,
        resolution: series.resolution,
        data: [
          chartTimes(series.points.map(([t]) => t)),
          chartValues(
            series.points.map(([, v]) => v),
            6,
          ),
        ],
      };
    },
  );

  return Promise.resolve();
};
