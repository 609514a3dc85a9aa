import { z } from 'zod';

/** What the config needs from a module: its name and the zod schema of its `modules.<name>`. */
export interface ModuleSchemaSource {
  readonly name: string;
  readonly configSchema: z.ZodType;
}

/**
 * The schema of a `modules:` map: each key is validated by that module's own schema, so a
 * capability adds its module (with its schema) to the registry without touching the base
 * schema. An unknown key is an error that lists the known names. The result keeps the order
 * of the input, which is the order modules start in. An empty entry (`lighting:` with no value)
 * means "this module with its defaults".
 */
export function modulesSchema(
  sources: readonly ModuleSchemaSource[],
  known = 'known modules',
): z.ZodType<Readonly<Record<string, unknown>>> {
  const byName = new Map(sources.map((s) => [s.name, s.configSchema]));
  const names = [...byName.keys()].join(', ') || 'none';
  return z.record(z.string(), z.unknown()).transform((input, ctx) => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(input)) {
      const schema = byName.get(name);
      if (schema === undefined) {
        ctx.issues.push({
          code: 'custom',
          message: `expected a module name (${known}: ${names}), found ${JSON.stringify(name)}`,
          path: [name],
          input: value,
        });
        continue;
      }
      const result = schema.safeParse(value ?? {});
      if (result.success) {
        out[name] = result.data;
        continue;
      }
      for (const issue of result.error.issues) {
        // zod prefixes the record's own path when the issues bubble up; only the module's
        // name has to be added here.
        ctx.issues.push({ ...issue, path: [name, ...issue.path] } as z.core.$ZodRawIssue);
      }
    }
    return out;
  });
}
