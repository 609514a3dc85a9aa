import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { ConfigError } from '@hameau/protocol';

/**
 * Parses `--name value` options and validates them with a zod schema, reporting every problem
 * at once with the option name as the user typed it.
 */
export function parseOptions<S extends z.ZodType>(
  command: string,
  argv: readonly string[],
  names: readonly string[],
  schema: S,
): z.output<S> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: [...argv],
      options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new ConfigError(`hameau ${command}`, [(err as Error).message]);
  }
  const result = schema.safeParse(values);
  if (!result.success) {
    throw new ConfigError(
      `hameau ${command}`,
      result.error.issues.map((i) => `--${i.path.join('.') || '(options)'}: ${i.message}`),
    );
  }
  return result.data;
}
