import type { RegisterReader } from '../../../../src/modules/metering/poller/read-meter.js';
import type { ReadRequest } from '../../../../src/modules/metering/transport/modbus-client.js';
import { ReadFailure } from '../../../../src/modules/metering/transport/read-failure.js';

/** Register words of one meter, by function code, then address. */
export interface RegisterImage {
  readonly 3?: Readonly<Record<number, number>>;
  readonly 4?: Readonly<Record<number, number>>;
}

/**
 * Answers a read from `image` like a strict meter: any register it does not hold is
 * "exception 2: illegal data address", so a plan reading an unmapped register fails the test.
 */
export function wordsOf(image: RegisterImage, request: ReadRequest): number[] {
  const table = image[request.functionCode] ?? {};
  const words: number[] = [];
  for (let r = request.address; r < request.address + request.count; r++) {
    const word = table[r];
    if (word === undefined) throw ReadFailure.exception(2);
    words.push(word);
  }
  return words;
}

/** A reader of one meter's image, recording the requests it got. */
export function imageReader(image: RegisterImage): RegisterReader & { requests: ReadRequest[] } {
  const requests: ReadRequest[] = [];
  return {
    requests,
    read(request) {
      requests.push(request);
      // Run in a `then`, so a failure of `wordsOf` becomes a rejection, as a real read's would.
      return Promise.resolve(request).then((r) => wordsOf(image, r));
    },
  };
}

/** An image from `[register, high word, low word]` triples (or pairs for 16-bit values). */
export function image(entries: readonly (readonly number[])[]): Record<number, number> {
  const table: Record<number, number> = {};
  for (const [register, ...words] of entries) {
    if (register === undefined) continue;
    words.forEach((w, i) => (table[register + i] = w));
  }
  return table;
}
