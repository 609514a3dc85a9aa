import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseIsoDate, parseOpenMeteoHourly, type WeatherInput } from '@hameau/edge-agent';
import { ConfigError } from '@hameau/protocol';
import { z } from 'zod';
import type { CliIo, ExitCode } from '../io.js';
import { SAVINGS_TARGET_PCT, simulateLighting } from '../lighting-sim/lighting-simulation.js';
import { buildSchedule, type SimSchedule } from '../lighting-sim/sim-schedule.js';
import { formatSummary } from '../lighting-sim/sim-summary.js';
import { syntheticWeather } from '../lighting-sim/synthetic-weather.js';
import { DEFAULT_TOWN_FILE, loadTown } from '../lighting-sim/town-file.js';

const USAGE = [
  'usage: hameau sim lighting [--days N] [--zones N] [--start DATE] [--seed N] [--weather FILE]',
  '                           [--town FILE] [--target PCT] [--json]',
  "Runs the town's street lighting through the real controller, one decision per zone per",
  'simulated minute, and checks every decision against the class minimums and the sun.',
  '  --days N        nights to simulate (default 365)',
  "  --zones N       zones: the town's first N, or its zones repeated up to N (default: the town's)",
  '  --start DATE    the first night, YYYY-MM-DD (default 2026-01-01)',
  '  --seed N        seed of the synthetic weather year (default 1)',
  '  --weather FILE  a recorded Open-Meteo hourly JSON file instead of the synthetic weather',
  `  --town FILE     the town file (default ${DEFAULT_TOWN_FILE})`,
  `  --target PCT    the savings to reach, % of all night at 100 % (default ${SAVINGS_TARGET_PCT}: a year's)`,
  '  --json          print the summary as JSON',
  'Exit code 1 when a decision breaks a rule or the savings miss the target; 2 on bad usage.',
];

const whole = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({
          code: 'custom',
          message: `${name}: a whole number ${min}-${max}, got "${raw}"`,
        });
        return z.NEVER;
      }
      return n;
    });

const Options = z.object({
  days: whole('--days', 1, 3660, 365),
  zones: whole('--zones', 1, 1000, 0),
  seed: whole('--seed', 0, 2 ** 32 - 1, 1),
  target: whole('--target', 0, 100, SAVINGS_TARGET_PCT),
  start: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const day = parseIsoDate(raw ?? '2026-01-01');
      if (Number.isNaN(day)) {
        ctx.addIssue({
          code: 'custom',
          message: `--start: a date YYYY-MM-DD, got "${String(raw)}"`,
        });
        return z.NEVER;
      }
      return day;
    }),
  weather: z.string().min(1).optional(),
  town: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

function usageError(io: CliIo, problems: readonly string[]): 2 {
  for (const p of problems) io.err(`hameau sim lighting: ${p}`);
  for (const line of USAGE) io.err(line);
  return 2;
}

/** An Open-Meteo hourly file's reports; the period must fall (at least partly) within them. */
async function recordedWeather(file: string, schedule: SimSchedule): Promise<WeatherInput[]> {
  let reports: WeatherInput[];
  try {
    reports = parseOpenMeteoHourly(JSON.parse(await readFile(file, 'utf8')));
  } catch (err) {
    throw new ConfigError(`--weather ${file}`, [(err as Error).message]);
  }
  const inside = reports.filter((r) => r.observedAt >= schedule.from && r.observedAt < schedule.to);
  if (inside.length === 0) {
    const first = reports[0]?.observedAt;
    const last = reports.at(-1)?.observedAt;
    const span =
      first === undefined || last === undefined
        ? 'no hours'
        : `${new Date(first).toISOString()} to ${new Date(last).toISOString()}`;
    throw new ConfigError(`--weather ${file}`, [
      `it covers ${span}, none of the simulated period: give --start within it`,
    ]);
  }
  return reports;
}

/** `hameau sim lighting`: a year (or `--days`) of the town's lighting in accelerated time. */
export async function simLightingCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: [...argv],
      options: {
        days: { type: 'string' },
        zones: { type: 'string' },
        start: { type: 'string' },
        seed: { type: 'string' },
        weather: { type: 'string' },
        town: { type: 'string' },
        target: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    return usageError(io, [(err as Error).message]);
  }
  if (flags.help === true) {
    for (const line of USAGE) io.out(line);
    return 0;
  }
  const parsed = Options.safeParse(flags);
  if (!parsed.success)
    return usageError(
      io,
      parsed.error.issues.map((i) => i.message),
    );
  const options = parsed.data;

  const town = await loadTown(options.town ?? DEFAULT_TOWN_FILE);
  const schedule = buildSchedule(town, {
    firstNight: options.start,
    nights: options.days,
    zones: options.zones === 0 ? undefined : options.zones,
  });
  const weather =
    options.weather === undefined
      ? {
          source: `synthetic (seed ${options.seed})`,
          reports: syntheticWeather({
            from: schedule.from,
            to: schedule.to,
            seed: options.seed,
            timeZone: schedule.config.site.timeZone,
          }),
        }
      : {
          source: `Open-Meteo ${options.weather}`,
          reports: await recordedWeather(options.weather, schedule),
        };

  const summary = simulateLighting({
    town: town.name,
    schedule,
    weather,
    targetPct: options.target,
  });
  if (options.json === true) io.out(JSON.stringify(summary, null, 2));
  else for (const line of formatSummary(summary)) io.out(line);
  return summary.ok ? 0 : 1;
}
