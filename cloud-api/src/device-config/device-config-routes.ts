import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../auth/require-role.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import {
  DesiredConfigPage,
  DeviceConfigParams,
  DeviceConfigView,
  ListVersionsQuery,
  SetDeviceConfigBody,
  desiredConfigView,
  deviceConfigView,
} from './device-config-schemas.js';
import type { DeviceConfigService } from './device-config-service.js';

/** A device's desired configuration under `/api/v1/devices/{site}/{device}/config`. */
export const deviceConfigRoutes: FastifyPluginAsyncZod<{ service: DeviceConfigService }> = (
  app,
  { service },
) => {
  const tags = ['device-config'];
  const roles = requireRole('technician', 'admin');

  app.put(
    '/devices/:site/:device/config',
    {
      onRequest: roles,
      schema: {
        summary: "Set a device's desired configuration (a new version)",
        description:
          'Creates the next version and publishes it retained at once when the API is connected ' +
          'to the broker (`publishedAt` set), or at its next connection. With `baseVersion`, ' +
          'answers 409 `CONFIG_VERSION_CONFLICT` when another version was set meanwhile.',
        tags,
        params: DeviceConfigParams,
        body: SetDeviceConfigBody,
        response: { 200: DeviceConfigView, ...errorResponses(400, ...AUTH_ERRORS, 404, 409) },
      },
    },
    async (request) => {
      const { site, device } = request.params;
      return deviceConfigView(await service.set(site, device, request.body, request.caller.name));
    },
  );

  app.get(
    '/devices/:site/:device/config',
    {
      onRequest: roles,
      schema: {
        summary: "A device's desired configuration beside what it reports running",
        tags,
        params: DeviceConfigParams,
        response: { 200: DeviceConfigView, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const { site, device } = request.params;
      return deviceConfigView(await service.state(site, device));
    },
  );

  app.get(
    '/devices/:site/:device/config/versions',
    {
      onRequest: roles,
      schema: {
        summary: "A device's desired configuration versions, newest first",
        tags,
        params: DeviceConfigParams,
        querystring: ListVersionsQuery,
        response: { 200: DesiredConfigPage, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const { site, device } = request.params;
      const { limit, before } = request.query;
      const versions = await service.versions(site, device, { limit, before });
      const last = versions.at(-1);
      return {
        versions: versions.map(desiredConfigView),
        next: versions.length === limit && last !== undefined ? last.version : null,
      };
    },
  );

  app.post(
    '/devices/:site/:device/config/resync',
    {
      onRequest: roles,
      schema: {
        summary: "Publish a device's latest desired configuration again",
        description:
          'Answers once the broker has it (retained); 503 `MQTT_UNAVAILABLE` when the API is ' +
          'not connected to the broker, which gets it at the next connection anyway. A device ' +
          'without a desired configuration has nothing to resync: `desired` is null.',
        tags,
        params: DeviceConfigParams,
        response: { 200: DeviceConfigView, ...errorResponses(400, ...AUTH_ERRORS, 404, 503) },
      },
    },
    async (request) => {
      const { site, device } = request.params;
      return deviceConfigView(await service.resync(site, device, request.caller.name));
    },
  );

  return Promise.resolve();
};
