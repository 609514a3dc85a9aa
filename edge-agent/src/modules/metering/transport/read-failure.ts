/** What went wrong with a request, in categories the health report counts. */
export type FailureKind =
  'timeout' | 'exception' | 'crc' | 'wrong-unit' | 'garbage' | 'disconnected';

/** Every failure kind, in the order the health report lists them. */
export const FAILURE_KINDS: readonly FailureKind[] = [
  'timeout',
  'exception',
  'crc',
  'wrong-unit',
  'garbage',
  'disconnected',
];

/** The names of the Modbus exception codes, as the specification gives them. */
const EXCEPTIONS: Readonly<Record<number, string>> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

/**
 * A request that got no usable answer. `reason` is what a missing reading says (`timeout`,
 * `exception 2: illegal data address`, `crc`, `wrong unit id`…): short, stable, no secrets.
 */
export class ReadFailure extends Error {
  readonly kind: FailureKind;

  constructor(kind: FailureKind, reason: string) {
    super(reason);
    this.name = 'ReadFailure';
    this.kind = kind;
  }

  /** What a missing reading records. */
  get reason(): string {
    return this.message;
  }

  /** The request got no answer in time. */
  static timeout(): ReadFailure {
    return new ReadFailure('timeout', 'timeout');
  }

  /** The device answered with Modbus exception `code`. */
  static exception(code: number): ReadFailure {
    return new ReadFailure('exception', `exception ${code}: ${EXCEPTIONS[code] ?? 'unknown'}`);
  }

  /** The link to the bus is down; `detail` says why (an errno, "connection lost"). */
  static disconnected(detail: string): ReadFailure {
    return new ReadFailure('disconnected', `bus disconnected: ${detail}`.slice(0, 200));
  }
}
