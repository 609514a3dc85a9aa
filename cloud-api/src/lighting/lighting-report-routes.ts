import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../auth/require-role.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import { validationFailed } from '../parse-input.js';
import type { ControllerKey } from './lighting-config-service.js';
import { LIGHTING_FIELDS, type LightingReportService } from './lighting-report-service.js';
import {
  ControllerParams,
  HistoryQuery,
  HistoryView,
  SavingsQuery,
  SavingsView,
  ZoneLevelsView,
  savingsView,
  zoneLevelsView,
} from './lighting-schemas.js';

/** Public savings: tonight's move every few minutes, so shared caches keep them a minute. */
export const SAVINGS_MAX_AGE_S = 60;
const DAY_MS = 86_400_000;

/**
 * What the dashboards read: each zone's level with its reason trace and its history
 * (technicians), and the nights' savings against full power (public).
 */
export const lightingReportRoutes: FastifyPluginAsyncZod<{
  service: LightingReportService;
  /** Rejects unless the device is a lighting controller. */
  controller: (key: ControllerKey) => Promise<void>;
}> = (app, { service, controller }) => {
  const tags = ['lighting'];
  const roles = requireRole('technician', 'admin');

  app.get(
    '/devices/:site/:device/lighting/levels',
    {
      onRequest: roles,
      schema: {
        summary: "Each zone's level as its controller last reported it, with the reason trace",
        description:
          "Each zone carries its name from the controller's configuration, so a page shows " +
          "'Rue du Connétable' rather than its id.",
        tags,
        params: ControllerParams,
        response: { 200: ZoneLevelsView, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      await controller(request.params);
      const [levels, names] = await Promise.all([
        service.levels(request.params),
        service.zoneNames(request.params),
      ]);
      return zoneLevelsView(levels, names);
    },
  );

  app.get(
    '/devices/:site/:device/lighting/history',
    {
      onRequest: roles,
      schema: {
        summary: "Zones' level and power over time, from the `lighting` telemetry stream",
        description: 'Bucketed (mean) by the time-series store (docs/timeseries.md).',
        tags,
        params: ControllerParams,
        querystring: HistoryQuery,
        response: { 200: HistoryView, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      await controller(request.params);
      const q = request.query;
      const to = q.to === undefined ? service.now() : Date.parse(q.to);
      const from = q.from === undefined ? to - DAY_MS : Date.parse(q.from);
      if (from >= to) {
        throw validationFailed([{ path: 'querystring.from', message: 'must be before `to`' }]);
      }
      const history = await service.history(request.params, {
        zone: q.zone,
        from,
        to,
        resolution: q.resolution,
      });
      return {
        resolution: history.resolution,
        series: [...LIGHTING_FIELDS],
        zones: history.zones.map((z) => ({
          zone: z.zone,
          data: [z.times.map((t) => t / 1000), ...LIGHTING_FIELDS.map((f) => [...z.fields[f]])],
        })),
      };
    },
  );

  app.get(
    '/lighting/savings',
    {
      schema: {
        summary: "The nights' lighting energy against full power: town totals and per zone",
        description:
          'Public. Each night is the local date it starts on, summarised by its controller the ' +
          'next morning; `nights` holds those with a summary, the latest last. `tonight` is the ' +
          'night in progress so far, from the figures the controllers report with their ' +
          'telemetry until switch-off.',
        tags,
        querystring: SavingsQuery,
        response: { 200: SavingsView, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const [report, tonight] = await Promise.all([
        service.savings(request.query),
        service.tonight({ site: request.query.site }),
      ]);
      void reply.header('cache-control', `public, max-age=${SAVINGS_MAX_AGE_S}`);
      return savingsView(report, tonight);
    },
  );

  return Promise.resolve();
};
