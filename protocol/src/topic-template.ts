import type { z } from 'zod';

/** A parameter of a topic template and the schema its value must satisfy. */
export type ParamSchemas = Readonly<Record<string, z.ZodType<string>>>;

export type TemplateSegment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string };

export type TopicParams<P extends ParamSchemas> = { readonly [K in keyof P]: string };

/** Splits a template such as `hameau/v1/{site}/{device}/status` into its segments. */
export function parseTemplate(template: string, params: ParamSchemas): readonly TemplateSegment[] {
  return template.split('/').map((part): TemplateSegment => {
    const m = /^\{([a-zA-Z]+)\}$/.exec(part);
    if (m?.[1] !== undefined) {
      if (!(m[1] in params)) throw new Error(`template ${template}: no schema for {${m[1]}}`);
      return { kind: 'param', name: m[1] };
    }
    if (part === '' || /[+#{}]/.test(part))
      throw new Error(`template ${template}: bad level "${part}"`);
    return { kind: 'literal', value: part };
  });
}

const validity = new WeakMap<z.ZodType<string>, Map<string, boolean>>();
/** Distinct values remembered per schema; a town has far fewer sites, devices and streams. */
const MAX_REMEMBERED = 10_000;

/**
 * True when `value` is a valid value for the parameter. Results are remembered per schema: the
 * broker checks every PUBLISH topic, and the same few ids recur, so a map lookup replaces a zod
 * parse on the hot path.
 */
export function isValidParam(schema: z.ZodType<string>, value: string): boolean {
  let known = validity.get(schema);
  if (known === undefined) {
    known = new Map();
    validity.set(schema, known);
  }
  let valid = known.get(value);
  if (valid === undefined) {
    valid = schema.safeParse(value).success;
    if (known.size >= MAX_REMEMBERED) known.clear();
    known.set(value, valid);
  }
  return valid;
}
