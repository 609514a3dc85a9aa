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

/** True when `value` is a valid value for the parameter. */
export function isValidParam(schema: z.ZodType<string>, value: string): boolean {
  return schema.safeParse(value).success;
}
