import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '@hameau/protocol';
import { apiSchemas } from './api-schemas.js';

/** A point in time in API bodies: ISO 8601 in UTC, like every timestamp of the protocol. */
export const IsoTime = z.iso.datetime({ offset: false });

/** Milliseconds since the epoch, as stored, to the API's ISO form. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** `isoTime` for nullable columns. */
export function isoTimeOrNull(ms: number | null): string | null {
  return ms === null ? null : isoTime(ms);
}

const CODES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/** The body of every error response: a stable code from docs/errors.md and a message. */
export const ErrorBody = z
  .object({
    error: z
      .object({
        code: z.enum(CODES),
        message: z.string(),
        details: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
  })
  .strict()
  .describe('An error: `code` is listed in docs/errors.md')
  .register(apiSchemas, { id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Response schemas for the error statuses a route may answer, for the OpenAPI document. */
export function errorResponses<S extends number>(...statuses: S[]): Record<S, typeof ErrorBody> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorBody])) as Record<S, typeof ErrorBody>;
}

/** The statuses every route guarded by `requireRole` may answer besides its own. */
export const AUTH_ERRORS = [401, 403] as const;
