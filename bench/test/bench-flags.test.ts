import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hameau/protocol';
import { benchFlags, benchUsage, parseBenchFlags, type BenchFlag } from '../src/bench-flags.js';
import { BROKER_FLAGS } from '../src/broker/options.js';
import { DASHBOARD_FLAGS } from '../src/dashboard/options.js';
import { INGEST_FLAGS } from '../src/ingest/options.js';
import { LIGHTING_FLAGS } from '../src/lighting/options.js';
import { LOCKER_FLAGS } from '../src/locker/options.js';
import { MODBUS_FLAGS } from '../src/modbus/options.js';

const DOC = '/repo/docs/benchmarks.md';

const TABLE = benchFlags({
  name: 'bench:demo',
  quick: '3 rounds',
  flags: {
    kinds: { type: 'some-of', of: ['base', 'fast', 'slow'], help: 'of base,fast,slow' },
    rounds: { type: 'number', default: 30, quick: 3, min: 1, help: 'rounds (default 30)' },
    limit: { type: 'number', default: 2, min: 0, max: 9, help: 'a bounded count (default 2)' },
    pause: {
      type: 'number',
      placeholder: 'MS',
      default: 2,
      min: 0,
      max: 10,
      fraction: true,
      heading: 'Timing:',
      help: 'a pause that may be a fraction (default 2)',
    },
    speeds: {
      type: 'numbers',
      default: [9_600],
      min: 1_200,
      max: 115_200,
      help: 'line speeds (default 9600)',
    },
    url: {
      type: 'text',
      placeholder: 'URL',
      default: 'mqtt://127.0.0.1:1883',
      env: 'DEMO_URL',
      check: (u) => (u.startsWith('mqtt://') ? null : `expected mqtt://…, got "${u}"`),
      help: 'where to connect (default mqtt://127.0.0.1:1883, env DEMO_URL)',
    },
    profile: { type: 'text', placeholder: 'DIR', help: 'profiles go there' },
    verbose: { type: 'switch', help: 'say more' },
  },
  check: ({ rounds, limit }) => (rounds < limit ? ['--rounds: fewer than --limit'] : []),
  note: 'A closing note\nover two lines.',
});

function parse(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const parsed = parseBenchFlags(TABLE, argv, env, DOC);
  if (parsed === 'help') throw new Error('unexpected help');
  return parsed;
}

function problems(argv: string[]): readonly string[] {
  try {
    parse(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('bench:demo options is invalid');
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseBenchFlags', () => {
  it('gives each flag its default, full runs writing the docs', () => {
    expect(parse([])).toEqual({
      quick: false,
      docPath: DOC,
      values: {
        kinds: ['base', 'fast', 'slow'],
        rounds: 30,
        limit: 2,
        pause: 2,
        speeds: [9_600],
        url: 'mqtt://127.0.0.1:1883',
        profile: null,
        verbose: false,
      },
    });
  });

  it('takes what is typed, lists in the table’s order and speeds in the order typed', () => {
    const { values } = parse([
      '--kinds=slow,base',
      '--rounds=7',
      '--limit=0',
      '--pause=0.5',
      '--speeds=19200,9600,19200',
      '--url=mqtt://broker:1884',
      '--profile=/tmp/p',
      '--verbose',
    ]);
    expect(values).toEqual({
      kinds: ['base', 'slow'],
      rounds: 7,
      limit: 0,
      pause: 0.5,
      speeds: [19_200, 9_600],
      url: 'mqtt://broker:1884',
      profile: '/tmp/p',
      verbose: true,
    });
  });

  it('makes quick runs (flag or environment) use their defaults and leave the docs alone', () => {
    expect(parse(['--quick'])).toMatchObject({ quick: true, docPath: null, values: { rounds: 3 } });
    expect(parse([], { HAMEAU_BENCH_QUICK: '1' })).toMatchObject({ quick: true, docPath: null });
    expect(parse(['--quick', '--rounds=12']).values.rounds).toBe(12);
    // A default without a quick one stays.
    expect(parse(['--quick']).values.limit).toBe(2);
  });

  it('writes the docs when told, whatever the run, and never when told not to', () => {
    expect(parse(['--quick', '--write']).docPath).toBe(DOC);
    expect(parse(['--no-write']).docPath).toBeNull();
    expect(problems(['--write', '--no-write'])).toEqual([
      '--write and --no-write contradict each other',
    ]);
  });

  it('takes a text flag from the flag, else its variable, else its default', () => {
    expect(parse([], { DEMO_URL: 'mqtt://env:1' }).values.url).toBe('mqtt://env:1');
    expect(parse(['--url=mqtt://flag:2'], { DEMO_URL: 'mqtt://env:1' }).values.url).toBe(
      'mqtt://flag:2',
    );
  });

  it('lists every problem at once, each naming its flag and what it wanted', () => {
    expect(
      problems([
        '--kinds=base,turbo',
        '--rounds=0',
        '--limit=10',
        '--pause=x',
        '--speeds=9600,fast',
        '--url=http://x',
      ]),
    ).toEqual([
      '--kinds: expected some of base,fast,slow, got "base,turbo"',
      '--rounds: expected a whole number ≥ 1, got "0"',
      '--limit: expected a whole number 0-9, got "10"',
      '--pause: expected a number 0-10, got "x"',
      '--speeds: expected whole numbers 1200-115200, got "9600,fast"',
      '--url: expected mqtt://…, got "http://x"',
    ]);
  });

  it('refuses empty values and fractions where whole numbers are wanted', () => {
    expect(problems(['--rounds=', '--limit=1.5', '--kinds='])).toEqual([
      '--kinds: expected some of base,fast,slow, got ""',
      '--rounds: expected a whole number ≥ 1, got ""',
      '--limit: expected a whole number 0-9, got "1.5"',
    ]);
  });

  it('applies the rules across flags once each flag is valid on its own', () => {
    expect(problems(['--rounds=2', '--limit=4'])).toEqual(['--rounds: fewer than --limit']);
    // With --limit refused, its fallback would make the cross rule speak of a value never typed.
    expect(problems(['--rounds=2', '--limit=40'])).toEqual([
      '--limit: expected a whole number 0-9, got "40"',
    ]);
  });

  it('answers --help and -h without checking anything else, and refuses unknown flags', () => {
    expect(parseBenchFlags(TABLE, ['--help', '--rounds=0'], {}, DOC)).toBe('help');
    expect(parseBenchFlags(TABLE, ['-h'], {}, DOC)).toBe('help');
    expect(() => parse(['--colour'])).toThrow(/colour/);
  });
});

describe('benchUsage', () => {
  it('lays the table out in two columns, with the shared flags, groups and note', () => {
    expect(benchUsage(TABLE)).toBe(
      [
        'npm run bench:demo -- [options]',
        '',
        '  --quick               3 rounds (iterating; docs untouched)',
        '  --kinds=a,b           of base,fast,slow',
        '  --rounds=N            rounds (default 30)',
        '  --limit=N             a bounded count (default 2)',
        '',
        '  Timing:',
        '  --pause=MS            a pause that may be a fraction (default 2)',
        '  --speeds=a,b          line speeds (default 9600)',
        '  --url=URL             where to connect (default mqtt://127.0.0.1:1883, env DEMO_URL)',
        '  --profile=DIR         profiles go there',
        '  --verbose             say more',
        '',
        '  --write / --no-write  update docs/benchmarks.md (default: full runs write, quick runs do not)',
        '',
        '  HAMEAU_BENCH_QUICK=1 is the same as --quick.',
        '',
        '  A closing note',
        '  over two lines.',
      ].join('\n'),
    );
  });

  it('wraps long help at 100 columns under its column, and keeps a word too long for any line', () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const long = 'x'.repeat(90);
    const usage = benchUsage(
      benchFlags({
        name: 'bench:wrap',
        quick: 'q',
        flags: {
          many: { type: 'switch', help: words },
          huge: { type: 'switch', help: `of ${long}` },
        },
      }),
    );
    const lines = usage.split('\n');
    expect(Math.max(...lines.filter((l) => !l.includes(long)).map((l) => l.length))).toBeLessThan(
      101,
    );
    const many = lines.filter((l) => l.includes('word'));
    expect(many.length).toBeGreaterThan(1);
    expect(many.slice(1).every((l) => l.startsWith(' '.repeat(24)) && l[24] !== ' ')).toBe(true);
    expect(many.join(' ').replace(/\s+/g, ' ')).toContain(words);
    expect(lines).toContain(`  --huge                of ${long}`);
  });
});

describe('the benches’ flag tables', () => {
  const tables: { readonly name: string; readonly flags: Readonly<Record<string, BenchFlag>> }[] = [
    BROKER_FLAGS,
    DASHBOARD_FLAGS,
    INGEST_FLAGS,
    LIGHTING_FLAGS,
    LOCKER_FLAGS,
    MODBUS_FLAGS,
  ];

  it('state in the help each default and variable the parser uses', () => {
    for (const table of tables) {
      for (const [name, flag] of Object.entries(table.flags)) {
        const help = flag.help.replace(/\n/g, ' ');
        const stated =
          flag.type === 'number'
            ? [`default ${flag.default}`]
            : flag.type === 'numbers'
              ? [`default ${flag.default.join(',')}`]
              : flag.type === 'text'
                ? [
                    ...(flag.default === undefined ? [] : [`default ${flag.default}`]),
                    ...(flag.env === undefined ? [] : [`env ${flag.env}`]),
                  ]
                : [];
        for (const words of stated) expect(help, `${table.name} --${name}`).toContain(words);
      }
    }
  });
});
