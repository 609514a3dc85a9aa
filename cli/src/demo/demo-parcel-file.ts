import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

/** A demo parcel: its reservation, where it waits, and the pickup code the demo prints. */
export const DemoParcel = z
  .object({
    bank: z.string(),
    reservation: z.string(),
    box: z.number().int(),
    pickupCode: z.string(),
  })
  .strict();
export type DemoParcel = z.output<typeof DemoParcel>;

const ParcelList = z.array(DemoParcel);

/**
 * The demo's own record of the parcels it deposited, with their pickup codes, so a restart can
 * print the codes of parcels still waiting. The cloud keeps only hashes and shows a code once;
 * this file is the demo playing the merchant who passed the code on, so it is the demo data's
 * only copy of a code: mode 0600, in the demo's data dir, never for a real town.
 */
export class DemoParcelFile {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  /** The parcels recorded; none when the file is missing or unreadable (a fresh demo). */
  read(): DemoParcel[] {
    if (!existsSync(this.#path)) return [];
    try {
      const parsed = ParcelList.safeParse(JSON.parse(readFileSync(this.#path, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  write(parcels: readonly DemoParcel[]): void {
    writeFileSync(this.#path, `${JSON.stringify(parcels, null, 2)}\n`, { mode: 0o600 });
    chmodSync(this.#path, 0o600);
  }
}
