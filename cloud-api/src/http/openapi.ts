import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
} from 'fastify-type-provider-zod';
import { rolesOf } from '../auth/require-role.js';
import { apiSchemas } from './api-schemas.js';

/** The name of the bearer security scheme in the OpenAPI document. */
export const BEARER_SCHEME = 'bearerAuth';

/**
 * Generates the OpenAPI document from the routes' zod schemas (`/docs/json`) and serves
 * swagger-ui at `/docs`. A route guarded by `requireRole` is marked as needing the bearer
 * scheme, with its roles in the description, so the document cannot drift from the guards.
 */
export function registerOpenApi(app: FastifyInstance, opts: { readonly ui: boolean }): void {
  app.addHook('onRoute', (route) => {
    const roles = rolesOf(route.onRequest);
    if (roles === null) return;
    const schema = route.schema ?? {};
    const description = typeof schema.description === 'string' ? `${schema.description}\n\n` : '';
    route.schema = {
      ...schema,
      security: [{ [BEARER_SCHEME]: [] }],
      description: `${description}Roles: ${roles.join(', ')}.`,
    };
  });
  // Registered on the root instance (both plugins skip encapsulation), before any domain, so
  // their onRoute hooks see every route.
  void app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Hameau cloud API',
        description:
          'Device registry, API tokens and audit log of a Hameau town. Errors are ' +
          '`{ "error": { "code", "message" } }` with the codes of docs/errors.md.',
        version: '1',
      },
      components: {
        securitySchemes: {
          [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', description: 'An API token (hmt_…)' },
        },
      },
    },
    transform: createJsonSchemaTransform({ schemaRegistry: apiSchemas }),
    transformObject: createJsonSchemaTransformObject({ schemaRegistry: apiSchemas }),
  });
  if (opts.ui) void app.register(fastifySwaggerUi, { routePrefix: '/docs' });
}
