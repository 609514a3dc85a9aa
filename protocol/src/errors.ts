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
