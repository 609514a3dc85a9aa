import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.js';
import { requireRole } from '../auth/require-role.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import {
  AlarmActionBody,
  AlarmList,
  AlarmParams,
  AlarmView,
  ListAlarmsQuery,
  alarmView,
} from './alarm-schemas.js';

/** Alarms under `/api/v1/alarms`, for technicians and admins. */
export const alarmRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = (app, { ctx }) => {
  const { alarms } = ctx;
  const tags = ['alarms'];
  const guard = requireRole('technician', 'admin');

  app.get(
    '/alarms',
    {
      onRequest: guard,
      schema: {
        summary: 'List alarms, most recently raised first',
        tags,
        querystring: ListAlarmsQuery,
        response: { 200: AlarmList, ...errorResponses(400, ...AUTH_ERRORS) },
      },
    },
    async (request) => ({ alarms: (await alarms.list(request.query)).map(alarmView) }),
  );

  app.get(
    '/alarms/:id',
    {
      onRequest: guard,
      schema: {
        summary: 'One alarm',
        tags,
        params: AlarmParams,
        response: { 200: AlarmView, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => alarmView(await alarms.get(request.params.id)),
  );

  app.post(
    '/alarms/:id/acknowledge',
    {
      onRequest: guard,
      schema: {
        summary: 'Acknowledge an open alarm',
        description: 'Someone is on it. Only an open alarm can be acknowledged (409 otherwise).',
        tags,
        params: AlarmParams,
        body: AlarmActionBody,
        response: { 200: AlarmView, ...errorResponses(400, ...AUTH_ERRORS, 404, 409) },
      },
    },
    async (request) =>
      alarmView(
        await alarms.acknowledge(request.params.id, request.caller.name, request.body?.note),
      ),
  );

  app.post(
    '/alarms/:id/resolve',
    {
      onRequest: guard,
      schema: {
        summary: 'Resolve an open or acknowledged alarm',
        description: 'A resolved alarm is closed for good (409 when resolved already).',
        tags,
        params: AlarmParams,
        body: AlarmActionBody,
        response: { 200: AlarmView, ...errorResponses(400, ...AUTH_ERRORS, 404, 409) },
      },
    },
    async (request) =>
      alarmView(await alarms.resolve(request.params.id, request.caller.name, request.body?.note)),
  );

  return Promise.resolve();
};
