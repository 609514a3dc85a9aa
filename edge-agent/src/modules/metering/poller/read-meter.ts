import { decodeField } from '../models/decode-registers.js';
import type { ReadSpan } from '../models/plan-requests.js';
import type { Quantity } from '../models/quantities.js';
import type { ReadRequest } from '../transport/modbus-client.js';
import { ReadFailure } from '../transport/read-failure.js';

/** Anything that reads registers: the bus link, or a fake in tests. */
export interface RegisterReader {
  read(request: ReadRequest): Promise<readonly number[]>;
}

/** One poll of a meter: every quantity of its map is a number, or null with its reason. */
export interface MeterReading {
  readonly values: Readonly<Partial<Record<Quantity, number | null>>>;
  readonly missing: Readonly<Partial<Record<Quantity, string>>>;
  /** The failed requests, in order. */
  readonly failures: readonly ReadFailure[];
  /** Whether at least one request got registers back: the meter is alive. */
  readonly gotData: boolean;
}

/**
 * Polls one meter: each planned read in turn, each field decoded from its reply. A failed read
 * makes its fields missing with the failure's reason, never 0. A timeout or a link that went
 * down ends the poll (the rest is missing with the same reason): the next read would only wait
 * as long again and hold the bus from the other meters. An exception or a bad frame does not:
 * the meter is alive, and its other reads may well succeed.
 */
export async function readMeter(
  reader: RegisterReader,
  meter: {
    readonly unitId: number;
    readonly timeoutMs: number;
    readonly plan: readonly ReadSpan[];
  },
): Promise<MeterReading> {
  const values: Partial<Record<Quantity, number | null>> = {};
  const missing: Partial<Record<Quantity, string>> = {};
  const failures: ReadFailure[] = [];
  let gotData = false;
  let abandoned: ReadFailure | null = null;
  for (const span of meter.plan) {
    if (abandoned !== null) {
      for (const field of span.fields) {
        values[field.quantity] = null;
        missing[field.quantity] = abandoned.reason;
      }
      continue;
    }
    let words: readonly number[];
    try {
      words = await reader.read({
        unitId: meter.unitId,
        functionCode: span.functionCode,
        address: span.start,
        count: span.count,
        timeoutMs: meter.timeoutMs,
      });
    } catch (err) {
      const failure =
        err instanceof ReadFailure ? err : new ReadFailure('garbage', 'garbage frame');
      failures.push(failure);
      for (const field of span.fields) {
        values[field.quantity] = null;
        missing[field.quantity] = failure.reason;
      }
      if (failure.kind === 'timeout' || failure.kind === 'disconnected') abandoned = failure;
      continue;
    }
    gotData = true;
    for (const field of span.fields) {
      const decoded = decodeField(field, words, span.start);
      values[field.quantity] = decoded.ok ? decoded.value : null;
      if (!decoded.ok) missing[field.quantity] = decoded.reason;
    }
  }
  return { values, missing, failures, gotData };
}
