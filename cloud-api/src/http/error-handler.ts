import type { FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HameauError, type ErrorCode } from '@hameau/protocol';
import { validationFailed, type InputIssue } from '../parse-input.js';
import type { ErrorBody } from './common-schemas.js';

/** An error as the API answers it. */
export interface ErrorResponse {
  readonly status: number;
  readonly body: ErrorBody;
}

/**
 * Installs the error and not-found handlers on the root instance, so every domain plugin
 * answers errors the same way: `{ error: { code, message } }` with the code's HTTP status.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request, reply) => {
    const { status, body } = errorResponse(err);
    if (status >= 500) request.log.error({ err }, 'request failed');
    if (body.error.code === 'AUTH_REQUIRED') void reply.header('www-authenticate', 'Bearer');
    if (body.error.code === 'TOKEN_INVALID') {
      void reply.header('www-authenticate', 'Bearer error="invalid_token"');
    }
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    // The path only: a query string is the client's business, not the error message's.
    const path = request.url.split('?')[0] ?? '';
    return reply.code(404).send(body('ROUTE_NOT_FOUND', `no endpoint ${request.method} ${path}`));
  });
}

/** Maps anything thrown while handling a request to the response the client gets. */
export function errorResponse(err: unknown): ErrorResponse {
  if (hasValidation(err)) {
    return fromHameauError(validationFailed(validationIssues(err)));
  }
  if (err instanceof HameauError) return fromHameauError(err);
  const status = statusOf(err);
  // Fastify's own client errors (body parsing, content type, size) have safe messages.
  if (status !== undefined && status >= 400 && status < 500) {
    const message = err instanceof Error ? err.message : 'bad request';
    if (status === 413) return { status, body: body('BODY_TOO_LARGE', message) };
    if (status === 415) return { status, body: body('MEDIA_TYPE_UNSUPPORTED', message) };
    if (status === 404) return { status, body: body('ROUTE_NOT_FOUND', message) };
    return { status: 400, body: body('REQUEST_INVALID', message) };
  }
  // Anything else is a bug or an outage: the log has it, the client gets no internals.
  return { status: 500, body: body('INTERNAL_ERROR', 'internal error') };
}

function fromHameauError(err: HameauError): ErrorResponse {
  // Details are sent only for validation, whose issues are made for the client.
  return err.code === 'VALIDATION_FAILED'
    ? {
        status: err.httpStatus,
        body: { error: { code: err.code, message: err.message, details: { ...err.details } } },
      }
    : { status: err.httpStatus, body: body(err.code, err.message) };
}

function body(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

interface ValidationFailure {
  readonly validation: readonly { instancePath: string; message?: string | undefined }[];
  readonly validationContext?: string | undefined;
}

function hasValidation(err: unknown): err is ValidationFailure {
  if (hasZodFastifySchemaValidationErrors(err)) return true;
  // Routes with plain JSON schemas (the docs plugin's own) fail validation the same way.
  return (
    typeof err === 'object' && err !== null && 'validation' in err && Array.isArray(err.validation)
  );
}

/** `body` + `/site` → `body.site`: the field named the way a client would look for it. */
function validationIssues(err: ValidationFailure): InputIssue[] {
  const where = err.validationContext ?? 'request';
  return err.validation.map((v) => ({
    path: [where, ...v.instancePath.split('/').filter((p) => p !== '')].join('.'),
    message: v.message ?? 'is invalid',
  }));
}

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('statusCode' in err)) return undefined;
  return typeof err.statusCode === 'number' ? err.statusCode : undefined;
}
