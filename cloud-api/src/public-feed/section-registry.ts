import { z } from 'zod';
import type { IngestedMessage } from '../ingestion/ingested-message.js';
import type { FeedSection } from './feed-section.js';

const KEY = /^[a-z][a-z0-9-]{0,39}$/;

/** A section's value in the payload: null until it was computed once without error. */
export type SectionValues = Readonly<Record<string, unknown>>;

/**
 * The sections of the public feed, in page order. Keys are unique; the payload schema is made
 * from the sections' schemas, so the OpenAPI document lists every section with its fields.
 */
export class SectionRegistry {
  readonly #sections: readonly FeedSection[];

  constructor(sections: readonly FeedSection[]) {
    const seen = new Set<string>();
    for (const s of sections) {
      if (!KEY.test(s.key)) {
        throw new Error(`feed section key ${JSON.stringify(s.key)}: lower-case letters, digits, -`);
      }
      if (seen.has(s.key)) throw new Error(`feed section key ${JSON.stringify(s.key)} is taken`);
      if (!(s.refreshMs > 0)) throw new Error(`feed section ${s.key}: refreshMs must be > 0`);
      seen.add(s.key);
    }
    this.#sections = Object.freeze([...sections]);
  }

  get keys(): readonly string[] {
    return this.#sections.map((s) => s.key);
  }

  get sections(): readonly FeedSection[] {
    return this.#sections;
  }

  get(key: string): FeedSection {
    const section = this.#sections.find((s) => s.key === key);
    if (section === undefined) throw new Error(`no feed section ${JSON.stringify(key)}`);
    return section;
  }

  /** The keys of the sections this message makes stale. */
  triggered(message: IngestedMessage): string[] {
    return this.#sections.filter((s) => s.triggers(message)).map((s) => s.key);
  }

  /**
   * Computes one section and checks it against its schema: a section that breaks its own
   * contract fails here, loudly, rather than in a viewer's browser.
   */
  async compute(key: string, now: number): Promise<unknown> {
    const section = this.get(key);
    return section.schema.parse(await section.compute(now));
  }

  /** Every section's schema, nullable (not computed yet, or its last computation failed). */
  sectionsSchema(): z.ZodObject {
    return z
      .object(
        Object.fromEntries(
          this.#sections.map((s) => [
            s.key,
            s.schema.nullable().describe(`The \`${s.key}\` section; null while unavailable`),
          ]),
        ),
      )
      .strict();
  }
}
