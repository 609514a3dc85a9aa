/**
 * Every error code Hameau's programs report, with its HTTP status and a one-line meaning. HTTP
 * error bodies carry these codes; a device's command results carry `CommandErrorCode`
 * (payloads/command.ts). docs/errors.md documents both and a test keeps them in step.
 */
export const ERROR_CODES = {
  TOPIC_INVALID: { http: 400, summary: 'A topic parameter is not a valid identifier.' },
  TOPIC_UNKNOWN: { http: 404, summary: 'The topic is not in the protocol table.' },
  PAYLOAD_NOT_JSON: { http: 400, summary: 'The MQTT payload is not valid JSON.' },
  PAYLOAD_INVALID: { http: 400, summary: 'The payload does not match the topic schema.' },
  CONFIG_INVALID: {
    http: 500,
    summary: 'A configuration file or environment variable is invalid.',
  },
  AUTH_FAILED: { http: 401, summary: 'Unknown username or wrong password.' },
  NOT_AUTHORIZED: { http: 403, summary: 'The identity may not publish or subscribe there.' },
  CREDENTIAL_EXISTS: { http: 409, summary: 'An account with this username already exists.' },
  VALIDATION_FAILED: { http: 400, summary: 'A request field is missing or invalid.' },
  REQUEST_INVALID: { http: 400, summary: 'The request body could not be read.' },
  AUTH_REQUIRED: { http: 401, summary: 'The endpoint needs a bearer token and none was sent.' },
  TOKEN_INVALID: { http: 401, summary: 'The bearer token is unknown, malformed or revoked.' },
  FORBIDDEN: { http: 403, summary: "The caller's role may not use this endpoint." },
  ROUTE_NOT_FOUND: { http: 404, summary: 'No endpoint has this method and path.' },
  DEVICE_NOT_FOUND: { http: 404, summary: 'No device with this site and device id.' },
  TOKEN_NOT_FOUND: { http: 404, summary: 'No active API token with this id.' },
  ACCOUNT_NOT_FOUND: { http: 404, summary: 'No service account with this name.' },
  DEVICE_EXISTS: { http: 409, summary: 'A device with this site and device id already exists.' },
  TOKEN_EXISTS: { http: 409, summary: 'An active API token already has this name.' },
  BODY_TOO_LARGE: { http: 413, summary: 'The request body is larger than the server accepts.' },
  MEDIA_TYPE_UNSUPPORTED: { http: 415, summary: 'The request body has an unsupported type.' },
  INTERNAL_ERROR: { http: 500, summary: 'An unexpected server error; the server log has it.' },
  DATABASE_UNAVAILABLE: { http: 503, summary: 'The database cannot be reached.' },
  MIGRATION_FAILED: { http: 500, summary: 'A database migration failed at start.' },
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
  MQTT_UNAVAILABLE: { http: 503, summary: 'The API is not connected to the MQTT broker.' },
  COMMAND_NOT_FOUND: { http: 404, summary: 'No command with this id for this device.' },
  COMMAND_CONFLICT: {
    http: 409,
    summary: 'A command with this id exists with different content.',
  },
  COMMAND_FINISHED: {
    http: 409,
    summary: 'The command already reached a final state and cannot change.',
  },
  CONFIG_VERSION_CONFLICT: {
    http: 409,
    summary: 'The desired configuration changed since the version a change was based on.',
  },
  ALARM_NOT_FOUND: { http: 404, summary: 'No alarm with this id.' },
  ALARM_TRANSITION_INVALID: {
    http: 409,
    summary: 'The alarm cannot go to that state from its current one.',
  },
  LOCKER_BANK_NOT_FOUND: { http: 404, summary: 'No locker bank with this id.' },
  LOCKER_BANK_EXISTS: {
    http: 409,
    summary: 'A locker bank with this id, or on this device, already exists.',
  },
  LOCKER_BANK_IN_USE: {
    http: 409,
    summary: 'The locker bank has reservations and cannot be deleted.',
  },
  LOCKER_BOX_NOT_FOUND: { http: 404, summary: 'The locker bank has no box with this number.' },
  LOCKER_BOX_BUSY: {
    http: 409,
    summary: 'The box holds an active reservation; its state cannot be changed by hand.',
  },
  LOCKER_NO_BOX_AVAILABLE: {
    http: 409,
    summary: 'No box of the requested size is free in the locker bank.',
  },
  LOCKER_RESERVATION_NOT_FOUND: { http: 404, summary: 'No reservation with this id.' },
  LOCKER_RESERVATION_EXISTS: {
    http: 409,
    summary: 'The merchant already has an active reservation with this reference.',
  },
  LOCKER_RESERVATION_TRANSITION_INVALID: {
    http: 409,
    summary: 'The reservation cannot do that in its current state.',
  },
  WEATHER_FETCH_FAILED: {
    http: 502,
    summary: 'The weather service could not be reached or gave an unusable answer.',
  },
  LIGHTING_CONTROLLER_NOT_FOUND: {
    http: 404,
    summary: 'The device is not a lighting controller (a device of kind lighting).',
  },
  LIGHTING_ITEM_NOT_FOUND: {
    http: 404,
    summary: 'The desired lighting configuration has no zone, program or event with this id.',
  },
  PUBLIC_FEED_FULL: {
    http: 503,
    summary: 'The public live feed has as many viewers as it serves; retry later.',
  },
  USER_NOT_FOUND: { http: 404, summary: 'No console user with this name.' },
  LOGIN_THROTTLED: {
    http: 429,
    summary: 'Too many failed sign-ins for this username or address: wait and try again.',
  },
} as const satisfies Record<string, { http: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The root of Hameau's errors: a stable code, a message for people and structured details. */
export class HameauError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }
}

/** A topic or payload that breaks the protocol contract. */
export class ProtocolError extends HameauError {}

/** A configuration that fails validation; `problems` lists every issue, not just the first. */
export class ConfigError extends HameauError {
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super('CONFIG_INVALID', `${source} is invalid:\n  - ${problems.join('\n  - ')}`, { problems });
    this.problems = problems;
  }
}
