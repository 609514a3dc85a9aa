import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { LightingSection } from './demo-lighting-section.js';

// Not strict: a record from an older demo also holds `gatewayPort`, which is no longer needed
// (the wiring is the agent's site.yaml's alone) and must not cost the record.
const LightingRecordSchema = z.object({
  /** The town's part of the lighting section (all but the wiring) the demo last wrote. */
  demoWrote: z.record(z.string(), z.unknown()).nullable().default(null),
});
export type DemoLightingRecord = z.output<typeof LightingRecordSchema>;

const EMPTY: DemoLightingRecord = { demoWrote: null };

/**
 * The demo's own record of its lighting controller, `<data dir>/demo-lighting.json`: what the
 * demo last wrote into the controller's configuration in the cloud, so a restart can tell its
 * own settings from a change made in the console since (docs/demo-town.md, "Lighting
 * configuration").
 */
export class DemoLightingFile {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  /** The record; empty when the file is missing or unreadable (a fresh demo). */
  read(): DemoLightingRecord {
    if (!existsSync(this.#path)) return EMPTY;
    try {
      const parsed = LightingRecordSchema.safeParse(JSON.parse(readFileSync(this.#path, 'utf8')));
      return parsed.success ? parsed.data : EMPTY;
    } catch {
      return EMPTY;
    }
  }

  /** Replaces the record (not a secret: no mode of its own). */
  write(record: { readonly demoWrote: LightingSection | null }) {
    writeFileSync(this.#path, `${JSON.stringify(record, null, 2)}\n`);
  }
}
