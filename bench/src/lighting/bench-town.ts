import {
  dayNumber,
  isoWeekday,
  LightingControlConfigSchema,
  ZonedTime,
  type LightingControlConfig,
  type WeatherInput,
} from '@hameau/edge-agent';
import { STANDARD_PROGRAM, WEEKEND_PROGRAM } from '@hameau/protocol';

// The configuration the decisions are timed on: a town of `zones` zones that uses what makes a
// decision cost something: three programs (one with a sun-relative step), an ordered calendar
// with holidays, weekends and zone-specific rules, an event every Saturday evening on a tenth of
// the zones with ramps, and an hourly weather report with fog and heavy-rain episodes.

const HOUR_MS = 3_600_000;
const CLASSES = ['M3', 'M4', 'M5', 'P1', 'P2', 'P3', 'P4'] as const;

/** The benchmark town's configuration for a year. */
export function benchConfig(zones: number, year: number): LightingControlConfig {
  const ids = Array.from({ length: zones }, (_, i) => `zone-${i + 1}`);
  const residential = ids.filter((_, i) => i % 3 === 2);
  const eventZones = ids.filter((_, i) => i % 10 === 0);
  const time = new ZonedTime('Europe/Paris');
  const weekend = WEEKEND_PROGRAM.id;
  const events = [];
  for (let day = dayNumber(year, 1, 1) - 1; day <= dayNumber(year + 1, 1, 1); day++) {
    if (isoWeekday(day) !== 6) continue;
    events.push({
      id: `saturday-${day}`,
      name: 'Saturday market evening',
      zones: eventZones,
      start: time.instantOf(day, 20 * 60),
      end: time.instantOf(day, 23 * 60 + 30),
      level: 100,
      rampMinutes: 15,
    });
  }
  return LightingControlConfigSchema.parse({
    switchOn: { at: 'sunset', offsetMinutes: 10 },
    switchOff: { at: 'sunrise', offsetMinutes: -10 },
    programs: [
      STANDARD_PROGRAM,
      WEEKEND_PROGRAM,
      {
        id: 'residential',
        steps: [{ level: 80, until: '22:00' }, { level: 40, until: '05:30' }, { level: 60 }],
      },
    ],
    defaultProgram: STANDARD_PROGRAM.id,
    calendar: [
      { name: 'summer nights', program: weekend, when: { dates: ['06-21', '07-13', '07-14'] } },
      { name: 'holidays', program: weekend, when: { holiday: 'on' } },
      { name: 'holiday eves', program: weekend, when: { holiday: 'eve' } },
      { name: 'weekends', program: weekend, when: { weekdays: ['fri', 'sat'] } },
      {
        name: 'residential weeknights',
        program: 'residential',
        zones: residential,
        when: { weekdays: ['sun', 'mon', 'tue', 'wed', 'thu'] },
      },
    ],
    zones: ids.map((id, i) => ({
      id,
      name: `Zone ${i + 1}`,
      class: CLASSES[i % CLASSES.length],
      lamps: [{ count: 10 + (i % 40), ratedW: 30 + 10 * (i % 7), standbyW: 0.5 }],
    })),
    events,
  });
}

/** Hourly reports over [from, to): fog and heavy-rain episodes from a fixed seed. */
export function benchWeather(from: number, to: number): WeatherInput[] {
  // A small linear congruential generator: the same weather every run, nothing secret.
  let state = 12_345;
  const random = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 4_294_967_296;
  };
  const reports: WeatherInput[] = [];
  let fogLeft = 0;
  let rainLeft = 0;
  for (let t = Math.floor(from / HOUR_MS) * HOUR_MS; t < to; t += HOUR_MS) {
    if (fogLeft === 0 && random() < 0.01) fogLeft = 3 + Math.floor(random() * 6);
    if (rainLeft === 0 && random() < 0.004) rainLeft = 1 + Math.floor(random() * 3);
    reports.push({
      observedAt: t,
      fog: fogLeft > 0,
      heavyRain: rainLeft > 0,
      snowCover: false,
      visibilityM: fogLeft > 0 ? 300 : 20_000,
    });
    fogLeft = Math.max(0, fogLeft - 1);
    rainLeft = Math.max(0, rainLeft - 1);
  }
  return reports;
}
