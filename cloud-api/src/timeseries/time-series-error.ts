import { HameauError, type ErrorCode } from '@hameau/protocol';

/**
 * The error codes of the time-series layer, with their HTTP status, in the shape of
 * `ERROR_CODES` (protocol/src/errors.ts). They belong in that table and in docs/errors.md; until
 * they are there, `TimeSeriesError` carries them itself (see its constructor).
 */
export const TIME_SERIES_ERROR_CODES = {
  TSDB_POINT_INVALID: {
    http: 400,
    summary: 'A time-series point has an invalid name, tag, field value or time.',
  },
  TSDB_QUERY_INVALID: { http: 400, summary: 'A time-series query is invalid.' },
  TSDB_REJECTED: {
    http: 502,
    summary: 'The time-series database refused the request (4xx); details carry its answer.',
  },
  TSDB_UNAVAILABLE: {
    http: 503,
    summary: 'The time-series database did not answer, or failed, after every retry.',
  },
} as const satisfies Record<string, { http: number; summary: string }>;

export type TimeSeriesErrorCode = keyof typeof TIME_SERIES_ERROR_CODES;

/** A failure of the time-series layer: a bad point or query, or the database failing. */
export class TimeSeriesError extends HameauError {
  constructor(code: TimeSeriesErrorCode, message: string, details: Record<string, unknown> = {}) {
    // The protocol's ErrorCode union does not list these codes yet (the lead adds them to
    // ERROR_CODES); until then the cast keeps `code` a stable string and `httpStatus` below
    // answers from this file's table instead of reading ERROR_CODES.
    super(code as ErrorCode, message, details);
  }

  override get httpStatus(): number {
    const own = TIME_SERIES_ERROR_CODES[this.code as TimeSeriesErrorCode] as
      { http: number } | undefined;
    return own?.http ?? super.httpStatus;
  }
}
