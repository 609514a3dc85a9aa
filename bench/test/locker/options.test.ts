import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hameau/protocol';
import { parseLockerOptions, type LockerBenchOptions } from '../../src/locker/options.js';

const DOC = '/repo/docs/benchmarks.md';
const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  parseLockerOptions(argv, env, DOC) as LockerBenchOptions;

function problems(argv: string[]): string {
  try {
    parse(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseLockerOptions', () => {
  it('defaults to 300 samples after 10 on two boards, and writing the docs', () => {
    expect(parse([])).toEqual({ quick: false, samples: 300, warmup: 10, boards: 2, docPath: DOC });
  });

  it('makes quick runs short and leaves the docs alone', () => {
    expect(parse(['--quick'])).toMatchObject({ samples: 40, warmup: 5, docPath: null });
    expect(parse(['--quick', '--samples=7']).samples).toBe(7);
  });

  it('lists every problem at once', () => {
    const message = problems(['--samples=0', '--boards=17', '--warmup=x', '--write', '--no-write']);
    expect(message).toContain('--samples: expected a whole number 1-10000, got "0"');
    expect(message).toContain('--boards: expected a whole number 1-16, got "17"');
    expect(message).toContain('--warmup');
    expect(message).toContain('contradict');
  });

  it('refuses more remote unlocks than the daily cap allows', () => {
    expect(problems(['--samples=10000', '--warmup=1'])).toContain('exceed the daily cap');
    expect(parse(['--samples=9990', '--warmup=10']).samples).toBe(9_990);
  });
});
