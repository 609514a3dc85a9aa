import { HameauError, type ErrorCode } from '@hameau/protocol';

/** The codes of `ERROR_CODES` that belong to the time-series layer. */
export type TimeSeriesErrorCode = Extract<ErrorCode, `TSDB_${string}`>;

/** A failure of the time-series layer: a bad point or query, or the database failing. */
export class TimeSeriesError extends HameauError {
  constructor(code: TimeSeriesErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}
