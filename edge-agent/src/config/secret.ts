import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret value (the MQTT password) that cannot leak by accident: logging, `JSON.stringify`,
 * string interpolation and `util.inspect` all show `[redacted]`. Only `reveal()` returns it,
 * so every use of the real value is a deliberate, greppable call.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The real value; pass it straight to the client that needs it, never to a logger. */
  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
