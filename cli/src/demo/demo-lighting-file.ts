import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { LightingSection } from './demo-lighting-section.js';

const LightingRecordSchema = z
  .object({
    /** The port the cabinet's simulated Modbus gateway listened on in the last run. */
    gatewayPort: z.number().int().min(1).max(65_535).nullable().default(null),
    /** The town's part of the lighting section (all but the wiring) the demo last wrote. */
    demoWrote: z.record(z.string(), z.unknown()).nullable().default(null),
  })
  .strict();
export type DemoLightingRecord = z.output<typeof LightingRecordSchema>;

const EMPTY: DemoLightingRecord = { gatewayPort: null, demoWrote: null };

/**
 * The demo's own record of its lighting cabinet, `<data dir>/demo-lighting.json`: where the
 * cabinet's gateway listened, so a restart gives it the same address (a real gateway keeps its
 * address, and it is part of the controller's configuration in the cloud), and what the demo
 * last wrote into that configuration, so a restart can tell its own settings from a change made
 * in the console since (docs/demo-town.md, "Lighting configuration").
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
  write(record: { readonly gatewayPort: number; readonly demoWrote: LightingSection | null }) {
    writeFileSync(this.#path, `${JSON.stringify(record, null, 2)}\n`);
  }
}
