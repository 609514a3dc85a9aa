import type { z } from 'zod';
import type { IngestedMessage } from '../ingestion/ingested-message.js';

/**
 * One section of the public dashboard's feed: energy and lighting today, incidents and budget
 * later. A section says what it shows (`schema`), how to compute it from the domain services
 * (`compute`), and which ingested messages make it stale (`triggers`); the feed computes it
 * once per update for every viewer and sends it only when its JSON changed.
 */
export interface FeedSection<S extends z.ZodType = z.ZodType> {
  /** The key of the section in the payload (`energy`): lower-case letters, digits, dashes. */
  readonly key: string;
  /** What `compute` returns; its output is what viewers receive, and the OpenAPI document shows. */
  readonly schema: S;
  /** The section as of `now` (the feed's clock), from the domain services. */
  compute(now: number): Promise<z.input<S>>;
  /** Whether this ingested message may change the section (checked for every message: keep it cheap). */
  triggers(message: IngestedMessage): boolean;
  /**
   * Recompute at least this often while viewers are connected, even without a trigger: figures
   * that age (a meter gone quiet, midnight) or change outside ingestion (a technician's edit).
   */
  readonly refreshMs: number;
}

/** A section with its schema's types kept (the registry erases them). */
export function defineSection<S extends z.ZodType>(section: FeedSection<S>): FeedSection<S> {
  return section;
}
