import { civilDate, ZonedTime, type WeatherInput } from '@hameau/edge-agent';
import { SeededRandom } from './seeded-random.js';

// A weather year made up from a seed, hour by hour, for a town without a recorded one. The
// chances below are plausible for the Paris basin, not climate normals: about forty fog days a
// year, most of them from October to February, in the small hours and mornings or settling in
// the evening; a heavy-rain episode a couple of days a month, summer storms in the afternoon
// and evening; a few snowfalls in winter, the snow lying half a day to three days.

const HOUR_MS = 3_600_000;

/** Chance that a fog episode starts on a day of each month (January first). */
export const FOG_CHANCE = [0.2, 0.15, 0.1, 0.05, 0.03, 0.02, 0.02, 0.04, 0.1, 0.2, 0.22, 0.22];
/** Chance of a heavy-rain episode (1–3 h) on a day of each month. */
export const HEAVY_RAIN_CHANCE = [
  0.04, 0.04, 0.04, 0.05, 0.07, 0.08, 0.08, 0.08, 0.06, 0.07, 0.06, 0.05,
];
/** Chance of a snowfall that lies on a day of each month. */
export const SNOW_CHANCE = [0.03, 0.03, 0.01, 0, 0, 0, 0, 0, 0, 0, 0.01, 0.02];

interface Hour {
  fog: number | null; // visibility in fog, m
  rain: boolean;
  snow: boolean;
}

/** Hourly reports (`observedAt` on the hour, UTC) covering [from, to), made up from `seed`. */
export function syntheticWeather(options: {
  readonly from: number;
  readonly to: number;
  readonly seed: number;
  readonly timeZone: string;
}): WeatherInput[] {
  const time = new ZonedTime(options.timeZone);
  const random = new SeededRandom(options.seed);
  const first = Math.floor(options.from / HOUR_MS);
  const count = Math.ceil(options.to / HOUR_MS) - first;
  const hours: Hour[] = Array.from({ length: count }, () => ({
    fog: null,
    rain: false,
    snow: false,
  }));
  /** Marks the hours of [a, b) (instants). */
  const mark = (a: number, b: number, set: (h: Hour) => void) => {
    const lo = Math.max(0, Math.floor(a / HOUR_MS) - first);
    const hi = Math.min(count, Math.ceil(b / HOUR_MS) - first);
    for (let i = lo; i < hi; i++) {
      const h = hours[i];
      if (h !== undefined) set(h);
    }
  };
  const hourOf = (day: number, hour: number) => time.instantOf(day, hour * 60);

  // From the day before: an evening fog or lying snow carries over into the period.
  for (let day = time.localDay(options.from) - 4; day <= time.localDay(options.to); day++) {
    const m = civilDate(day).month - 1;
    if (random.chance(FOG_CHANCE[m] ?? 0)) {
      const visibility = random.int(1, 9) * 100;
      if (random.chance(0.7)) {
        mark(hourOf(day, random.int(1, 6)), hourOf(day, random.int(8, 11)), (h) => {
          h.fog = visibility;
        });
      } else {
        const start = hourOf(day, random.int(17, 22));
        mark(start, start + random.int(3, 9) * HOUR_MS, (h) => {
          h.fog = visibility;
        });
      }
    }
    if (random.chance(HEAVY_RAIN_CHANCE[m] ?? 0)) {
      const summer = m >= 5 && m <= 7;
      const start = hourOf(day, summer ? random.int(14, 22) : random.int(0, 23));
      mark(start, start + random.int(1, 3) * HOUR_MS, (h) => {
        h.rain = true;
      });
    }
    if (random.chance(SNOW_CHANCE[m] ?? 0)) {
      const start = hourOf(day, random.int(0, 23));
      mark(start, start + random.int(12, 72) * HOUR_MS, (h) => {
        h.snow = true;
      });
    }
  }

  return hours.map((h, i) => {
    const conditions = [h.fog !== null && 'fog', h.rain && 'heavy rain', h.snow && 'snow cover'];
    const said = conditions.filter((c) => c !== false);
    return {
      observedAt: (first + i) * HOUR_MS,
      fog: h.fog !== null,
      heavyRain: h.rain,
      snowCover: h.snow,
      visibilityM: h.fog ?? (h.rain ? random.int(20, 60) * 100 : random.int(15, 40) * 1000),
      summary: `synthetic${said.length > 0 ? `: ${said.join(', ')}` : ''}`,
    };
  });
}
