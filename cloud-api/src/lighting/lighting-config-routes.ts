import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../auth/require-role.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import type { LightingConfigService, LightingConfigState } from './lighting-config-service.js';
import {
  CalendarBody,
  ControllerParams,
  IfMatchHeaders,
  ItemBody,
  ItemParams,
  LightingConfigView,
  SectionBody,
  etagOf,
  ifMatchVersion,
  lightingConfigView,
} from './lighting-schemas.js';
import { LIGHTING_COLLECTIONS, type LightingCollection } from './lighting-section.js';

const CONCURRENCY =
  'Send the `ETag` you read as `If-Match`: when the configuration changed meanwhile, the answer ' +
  'is 409 `CONFIG_VERSION_CONFLICT`. Without it, the change is made on top of the latest version.';

/**
 * A lighting controller's configuration under `/api/v1/devices/{site}/{device}/lighting`: the
 * whole `modules.lighting` section, its zones, programs and events by id, and its calendar.
 */
export const lightingConfigRoutes: FastifyPluginAsyncZod<{ service: LightingConfigService }> = (
  app,
  { service },
) => {
  const tags = ['lighting'];
  const roles = requireRole('technician', 'admin');
  const answer = (reply: FastifyReply, state: LightingConfigState) => {
    void reply.header('etag', etagOf(state.version));
    return lightingConfigView(state);
  };
  const editErrors = errorResponses(400, ...AUTH_ERRORS, 404, 409);

  app.get(
    '/devices/:site/:device/lighting',
    {
      onRequest: roles,
      schema: {
        summary: "A lighting controller's desired lighting configuration beside what it runs",
        tags,
        params: ControllerParams,
        response: { 200: LightingConfigView, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request, reply) => answer(reply, await service.state(request.params)),
  );

  app.put(
    '/devices/:site/:device/lighting',
    {
      onRequest: roles,
      schema: {
        summary: 'Replace the whole lighting section (a new desired-config version)',
        description: `Validated by the protocol's LightingControlConfigSchema. ${CONCURRENCY}`,
        tags,
        params: ControllerParams,
        headers: IfMatchHeaders,
        body: SectionBody,
        response: { 200: LightingConfigView, ...editErrors },
      },
    },
    async (request, reply) => {
      const ifMatch = ifMatchVersion(request.headers['if-match']);
      const state = await service.replace(
        request.params,
        request.body,
        ifMatch,
        request.caller.name,
      );
      return answer(reply, state);
    },
  );

  app.put(
    '/devices/:site/:device/lighting/calendar',
    {
      onRequest: roles,
      schema: {
        summary: 'Replace the calendar: its rules in priority order',
        description: CONCURRENCY,
        tags,
        params: ControllerParams,
        headers: IfMatchHeaders,
        body: CalendarBody,
        response: { 200: LightingConfigView, ...editErrors },
      },
    },
    async (request, reply) => {
      const ifMatch = ifMatchVersion(request.headers['if-match']);
      const state = await service.putCalendar(
        request.params,
        request.body.rules,
        ifMatch,
        request.caller.name,
      );
      return answer(reply, state);
    },
  );

  for (const collection of Object.keys(LIGHTING_COLLECTIONS) as LightingCollection[]) {
    const { what } = LIGHTING_COLLECTIONS[collection];
    app.put(
      `/devices/:site/:device/lighting/${collection}/:id`,
      {
        onRequest: roles,
        schema: {
          summary: `Create or replace a ${what}`,
          description:
            `The ${what} is validated on its own, then with the whole section (references ` +
            `between zones, programs, the calendar and events). ${CONCURRENCY}`,
          tags,
          params: ItemParams,
          headers: IfMatchHeaders,
          body: ItemBody,
          response: { 200: LightingConfigView, ...editErrors },
        },
      },
      async (request, reply) => {
        const { id, ...key } = request.params;
        const ifMatch = ifMatchVersion(request.headers['if-match']);
        const state = await service.putItem(
          key,
          collection,
          id,
          request.body,
          ifMatch,
          request.caller.name,
        );
        return answer(reply, state);
      },
    );

    app.delete(
      `/devices/:site/:device/lighting/${collection}/:id`,
      {
        onRequest: roles,
        schema: {
          summary: `Remove a ${what}`,
          description:
            `404 \`LIGHTING_ITEM_NOT_FOUND\` when there is none; 400 when the rest still refers ` +
            `to it (the problem is named in \`lighting.…\`). ${CONCURRENCY}`,
          tags,
          params: ItemParams,
          headers: IfMatchHeaders,
          response: { 200: LightingConfigView, ...editErrors },
        },
      },
      async (request, reply) => {
        const { id, ...key } = request.params;
        const ifMatch = ifMatchVersion(request.headers['if-match']);
        const state = await service.removeItem(key, collection, id, ifMatch, request.caller.name);
        return answer(reply, state);
      },
    );
  }

  return Promise.resolve();
};
