import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  describeIssue,
  formatPath,
  isSecretPath,
  preview,
} from '../../src/config/describe-issue.js';

const describeAll = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected a failure');
  return result.error.issues.flatMap((i) => describeIssue(i, { input }));
};

describe('describeIssue', () => {
  it('formats paths with dots and indexes', () => {
    expect(formatPath(['modules', 'metering', 'buses', 0, 'baud'])).toBe(
      'modules.metering.buses[0].baud',
    );
    expect(formatPath([])).toBe('(root)');
  });

  it('cuts long strings and summarises maps and lists instead of printing them', () => {
    expect(preview('x'.repeat(100))).toBe(`"${'x'.repeat(40)}…"`);
    expect(preview({ user: 'a', password: 'hunter2' })).toBe('a map (keys: user, password)');
    expect(preview([1, 2, 3])).toBe('a list of 3 items');
    expect(preview('wss://u:hunter2@host/mqtt')).toBe('"wss://***@host/mqtt"');
  });

  it('hides values under secret-looking keys, but not file paths', () => {
    expect(isSecretPath(['mqtt', 'password'])).toBe(true);
    expect(isSecretPath(['mqtt', 'pasword'])).toBe(true);
    expect(isSecretPath(['api', 'token'])).toBe(true);
    expect(isSecretPath(['mqtt', 'passwordFile'])).toBe(false);
    expect(isSecretPath(['mqtt', 'url'])).toBe(false);
  });

  it('says what was expected for sizes, options, formats and custom checks', () => {
    const schema = z.object({
      name: z.string().min(3),
      tags: z.array(z.string()).max(1),
      mode: z.enum(['auto', 'manual']),
      step: z.number().multipleOf(5),
      when: z.string().refine((s) => s.startsWith('at '), 'a time like "at 18:00"'),
    });
    expect(
      describeAll(schema, { name: 'ab', tags: ['a', 'b'], mode: 'off', step: 7, when: 'now' }),
    ).toEqual([
      'name: expected at least 3 characters, found "ab"',
      'tags: expected at most 1 item, found a list of 2 items',
      'mode: expected one of "auto", "manual", found "off"',
      'step: expected a multiple of 5, found 7',
      'when: expected a time like "at 18:00", found "now"',
    ]);
  });

  it('shows no value for a secret even when its type is wrong', () => {
    const schema = z.object({ secret: z.string() });
    expect(describeAll(schema, { secret: 1234 })).toEqual([
      'secret: expected a string, found a value (hidden: it may be a secret)',
    ]);
  });
});
