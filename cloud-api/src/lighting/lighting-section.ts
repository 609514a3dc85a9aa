import type { z } from 'zod';
import {
  ALL_NIGHT_PROGRAM,
  LIGHTING_MODULE_KEYS,
  LightingControlConfigSchema,
  LightingEventSchema,
  ProgramSchema,
  ZoneSchema,
} from '@hameau/protocol';
import type { InputIssue } from '../parse-input.js';

// The `modules.lighting` section of a lighting controller's desired configuration, edited as
// the technician wrote it: ids, `HH:MM` times and ISO instants stay as written, never replaced by
// what the schemas parse them to (the agent parses the section itself, and a parsed step end is
// not valid input). The schemas only judge it.

/** The `modules.lighting` section as written: a `LightingControlConfigSchema` input. */
export type LightingSection = Record<string, unknown>;

/** The lists of the section edited one item at a time, by id. */
export const LIGHTING_COLLECTIONS = {
  zones: { schema: ZoneSchema, what: 'zone' },
  programs: { schema: ProgramSchema, what: 'program' },
  events: { schema: LightingEventSchema, what: 'event' },
} as const satisfies Record<string, { schema: z.ZodType; what: string }>;
export type LightingCollection = keyof typeof LIGHTING_COLLECTIONS;

/**
 * The built-in program as input. A section without `programs` runs it (the schema's default), so
 * the first program a technician adds goes beside it rather than replacing it from under the
 * default program and the calendar.
 */
export const ALL_NIGHT_PROGRAM_INPUT: Readonly<Record<string, unknown>> = Object.freeze({
  id: ALL_NIGHT_PROGRAM.id,
  name: ALL_NIGHT_PROGRAM.name,
  steps: [{ level: 100 }],
});

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The lighting section of a whole desired configuration; null when it has none. */
export function lightingSectionOf(
  config: Record<string, unknown> | undefined,
): LightingSection | null {
  const modules = config?.modules;
  if (!isObject(modules)) return null;
  const section = modules.lighting;
  return isObject(section) ? section : null;
}

/**
 * The whole configuration with its lighting section replaced: every other key, and every other
 * module's section, is kept as it is.
 */
export function withLightingSection(
  config: Record<string, unknown> | undefined,
  section: LightingSection,
): Record<string, unknown> {
  const modules = isObject(config?.modules) ? config.modules : {};
  return { ...config, modules: { ...modules, lighting: section } };
}

/** The items of a collection as written; the defaults when the section leaves it out. */
function itemsOf(section: LightingSection, collection: LightingCollection): unknown[] {
  const items = section[collection];
  if (Array.isArray(items)) return items;
  return collection === 'programs' ? [ALL_NIGHT_PROGRAM_INPUT] : [];
}

/** Where an item is in its collection, by id; -1 when absent. */
export function indexOfItem(
  section: LightingSection,
  collection: LightingCollection,
  id: string,
): number {
  return itemsOf(section, collection).findIndex((item) => isObject(item) && item.id === id);
}

/**
 * The section with the item put in place of the one with its id, or appended; `index` is where
 * it now is.
 */
export function putItem(
  section: LightingSection,
  collection: LightingCollection,
  item: Record<string, unknown> & { readonly id: string },
): { readonly section: LightingSection; readonly index: number; readonly created: boolean } {
  const items = [...itemsOf(section, collection)];
  const at = indexOfItem(section, collection, item.id);
  if (at >= 0) items[at] = item;
  else items.push(item);
  return {
    section: { ...section, [collection]: items },
    index: at >= 0 ? at : items.length - 1,
    created: at < 0,
  };
}

/** The section without the item with this id; null when it has none. */
export function removeItem(
  section: LightingSection,
  collection: LightingCollection,
  id: string,
): LightingSection | null {
  const at = indexOfItem(section, collection, id);
  if (at < 0) return null;
  return { ...section, [collection]: itemsOf(section, collection).filter((_, i) => i !== at) };
}

/** Where the edited part of the section is, so its problems are named after the request. */
export interface EditFocus {
  /** The section's path of the part the request body is: `['events', 2]`, `['calendar']`. */
  readonly at: readonly (string | number)[];
  /** What the body's own problems are prefixed with: `body`, `body.rules`. */
  readonly as: string;
}

/** The module's own keys (lamp-node buses, wiring, timings): the agent judges those. */
const MODULE_KEYS: ReadonlySet<string> = new Set(LIGHTING_MODULE_KEYS);

/**
 * Every problem of the section's controller keys by `LightingControlConfigSchema`, each with a
 * path a client can follow: under the request body (`body.zones.0`) when it is in the part the
 * request changed, else in the section (`lighting.events.1.zones.0`: an event that names a zone
 * just deleted). The module's own keys (`LIGHTING_MODULE_KEYS`: lamp-node buses, zone → node
 * wiring, timings) are the agent's to judge, with the drivers they name; a refusal comes back in
 * the reported state, seen here as drift. Any other unknown key is still refused.
 */
export function sectionIssues(section: LightingSection, focus: EditFocus | null): InputIssue[] {
  const control = Object.fromEntries(Object.entries(section).filter(([k]) => !MODULE_KEYS.has(k)));
  const result = LightingControlConfigSchema.safeParse(control);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const path = issue.path.map(String);
    const where =
      focus?.at.every((p, i) => path[i] === String(p)) === true
        ? [focus.as, ...path.slice(focus.at.length)]
        : ['lighting', ...path];
    return { path: where.join('.'), message: issue.message };
  });
}
