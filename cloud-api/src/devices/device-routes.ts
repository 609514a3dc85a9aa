import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { requireRole } from '../auth/require-role.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import { readDeviceHealth } from './device-health.js';
import { DeviceHealthView, deviceHealthView } from './device-health-schemas.js';
import {
  CreateDeviceBody,
  CreatedDeviceView,
  DeviceList,
  DeviceParams,
  DeviceView,
  ListDevicesQuery,
  createdDeviceView,
  deviceView,
} from './device-schemas.js';

/** The device registry under `/api/v1/devices`. */
export const deviceRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = (app, { ctx }) => {
  const { devices } = ctx;
  const tags = ['devices'];

  app.post(
    '/devices',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'Register a device and create its MQTT account',
        description: 'Creates the site when it is new. The MQTT password is in this response only.',
        tags,
        body: CreateDeviceBody,
        response: { 201: CreatedDeviceView, ...errorResponses(400, ...AUTH_ERRORS, 409) },
      },
    },
    async (request, reply) => {
      const created = await devices.create(request.body, request.caller.name);
      return reply.code(201).send(createdDeviceView(created));
    },
  );

  app.get(
    '/devices',
    {
      onRequest: requireRole('technician', 'admin'),
      schema: {
        summary: 'List devices with their last known status',
        tags,
        querystring: ListDevicesQuery,
        response: { 200: DeviceList, ...errorResponses(400, ...AUTH_ERRORS) },
      },
    },
    async (request) => ({
      devices: (await devices.list({ site: request.query.site })).map(deviceView),
    }),
  );

  app.get(
    '/devices/:site/:device',
    {
      onRequest: requireRole('technician', 'admin'),
      schema: {
        summary: 'One device with its last known status',
        tags,
        params: DeviceParams,
        response: { 200: DeviceView, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => deviceView(await devices.get(request.params.site, request.params.device)),
  );

  app.get(
    '/devices/:site/:device/health',
    {
      onRequest: requireRole('technician', 'admin'),
      schema: {
        summary: "A device's meters and lock boards, each with its latest health",
        description:
          'Meters from their `meter-health` telemetry (models from the configuration the device ' +
          'runs); lock boards from `board-unreachable` / `board-recovered` events and the bank ' +
          'report. Read from the time-series store.',
        tags,
        params: DeviceParams,
        response: {
          200: DeviceHealthView,
          ...errorResponses(400, ...AUTH_ERRORS, 404, 502, 503),
        },
      },
    },
    async (request) => {
      const device = await devices.get(request.params.site, request.params.device);
      return deviceHealthView(device, await readDeviceHealth(ctx, device));
    },
  );

  app.delete(
    '/devices/:site/:device',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'Remove a device, its status and its MQTT account',
        tags,
        params: DeviceParams,
        response: {
          204: z.undefined().describe('Deleted'),
          ...errorResponses(400, ...AUTH_ERRORS, 404),
        },
      },
    },
    async (request, reply) => {
      await devices.delete(request.params.site, request.params.device, request.caller.name);
      return reply.code(204).send();
    },
  );

  return Promise.resolve();
};
