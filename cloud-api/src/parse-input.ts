import type { z } from 'zod';
import { HameauError } from '@hameau/protocol';

/** One problem of a request or service input: a dotted path (`body.site`) and what is wrong. */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * The `VALIDATION_FAILED` error for a list of issues; HTTP validation and service calls both
 * produce it, so a client sees the same shape whether a route or a service refused its input.
 */
export function validationFailed(issues: readonly InputIssue[]): HameauError {
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  const message = first === undefined ? 'invalid input' : `${first.path}: ${first.message}${more}`;
  return new HameauError('VALIDATION_FAILED', message, { issues });
}

/** Parses a service input, throwing `VALIDATION_FAILED` with every issue at once. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where = 'input',
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationFailed(
    result.error.issues.map((i) => ({
      path: [where, ...i.path.map(String)].join('.'),
      message: i.message,
    })),
  );
}
