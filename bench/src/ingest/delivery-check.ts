/** How one device's readings fared, from what was sent and the seqs found in the store. */
export interface DeviceDelivery {
  readonly device: string;
  /** Readings published, numbered 1..sent. */
  readonly sent: number;
  /** Points found in the store (a point stored twice counts twice). */
  readonly stored: number;
  /** Seqs of 1..sent found nowhere. */
  readonly missing: number;
  /** Extra copies of a seq already found. */
  readonly duplicates: number;
  /** Points whose seq was never sent (outside 1..sent). */
  readonly unexpected: number;
  readonly maxSeq: number;
}

/** The whole run: every device's figures added up. */
export interface DeliveryTotals {
  readonly devices: number;
  readonly sent: number;
  readonly stored: number;
  readonly missing: number;
  readonly duplicates: number;
  readonly unexpected: number;
  /** True when every seq of every device is stored exactly once and nothing else is. */
  readonly exact: boolean;
}

/**
 * Compares one device's sent count with the seqs its stored points carry: stored exactly once
 * means max seq = count = sent with every seq present once.
 */
export function checkDevice(
  device: string,
  sent: number,
  storedSeqs: Iterable<number>,
): DeviceDelivery {
  const seen = new Uint8Array(sent + 1);
  let stored = 0;
  let found = 0;
  let duplicates = 0;
  let unexpected = 0;
  let maxSeq = 0;
  for (const seq of storedSeqs) {
    stored++;
    maxSeq = Math.max(maxSeq, seq);
    if (!Number.isInteger(seq) || seq < 1 || seq > sent) {
      unexpected++;
    } else if (seen[seq] === 1) {
      duplicates++;
    } else {
      seen[seq] = 1;
      found++;
    }
  }
  return { device, sent, stored, missing: sent - found, duplicates, unexpected, maxSeq };
}

/**
 * Checks every device that sent readings against the seqs stored per device; a device present
 * in the store but absent from `sent` counts its points as unexpected.
 */
export function checkDelivery(
  sent: ReadonlyMap<string, number>,
  stored: ReadonlyMap<string, readonly number[]>,
): { readonly devices: DeviceDelivery[]; readonly totals: DeliveryTotals } {
  const devices = [...sent].map(([device, n]) => checkDevice(device, n, stored.get(device) ?? []));
  for (const [device, seqs] of stored) {
    if (!sent.has(device)) devices.push(checkDevice(device, 0, seqs));
  }
  const sum = (pick: (d: DeviceDelivery) => number) => devices.reduce((a, d) => a + pick(d), 0);
  const totals = {
    devices: sent.size,
    sent: sum((d) => d.sent),
    stored: sum((d) => d.stored),
    missing: sum((d) => d.missing),
    duplicates: sum((d) => d.duplicates),
    unexpected: sum((d) => d.unexpected),
  };
  return {
    devices,
    totals: {
      ...totals,
      exact: totals.missing === 0 && totals.duplicates === 0 && totals.unexpected === 0,
    },
  };
}
