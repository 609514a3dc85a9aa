import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.js';
import { requireRole } from '../auth/require-role.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import { AuditPage, AuditQuery, auditEntryView } from './audit-schemas.js';
import { listAudit } from './audit-store.js';

/** The audit log under `/api/v1/audit`, newest first, for admins. */
export const auditRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = (app, { ctx }) => {
  app.get(
    '/audit',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'Read the audit log, newest first',
        tags: ['audit'],
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errorResponses(400, ...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const { limit, before } = request.query;
      const entries = await listAudit(ctx.db, { limit, beforeId: before });
      const last = entries.at(-1);
      return {
        entries: entries.map(auditEntryView),
        next: entries.length === limit && last !== undefined ? last.id : null,
      };
    },
  );
  return Promise.resolve();
};
