import { FOG_VISIBILITY_M, type WeatherObservation } from './weather-observation.js';
import { WeatherParseError } from './weather-parse-error.js';

// A METAR (WMO FM 15) as airports publish it, e.g. from the nearest one to the town (Creil,
// LFPC; Paris-CDG, LFPG): `METAR LFPG 252130Z 22005KT 0300 FG VV001 05/05 Q1021 NOSIG`.
// Written by hand: no maintained Node library reads METAR, and the lighting controller needs
// only the visibility, the present-weather groups and the cloud amount.

const METRE_PER_STATUTE_MILE = 1_609.344;
/** `9999` and CAVOK mean 10 km or more. */
const TEN_KM = 10_000;

/** Cloud amounts in oktas, as a percentage of the sky (the middle of each class). */
const CLOUD_COVER: Readonly<Record<string, number>> = { FEW: 19, SCT: 44, BKN: 75, OVC: 100 };

const TIME = /^(\d{2})(\d{2})(\d{2})Z$/;
const WIND = /^(\d{3}|VRB)\d{2,3}(G\d{2,3})?(KT|MPS|KMH)$/;
const VARIABLE_WIND = /^\d{3}V\d{3}$/;
const VIS_METRES = /^(\d{4})(NDV)?$/;
const VIS_DIRECTIONAL = /^\d{4}(N|NE|E|SE|S|SW|W|NW)$/;
const VIS_MILES = /^(M|P)?(?:(\d+)|(\d+)\/(\d+))SM$/;
const RVR = /^R\d{2}[LCR]?\//;
const WEATHER =
  /^(-|\+|VC)?(MI|PR|BC|DR|BL|SH|TS|FZ)?((?:DZ|RA|SN|SG|IC|PL|GR|GS|UP|BR|FG|FU|VA|DU|SA|HZ|PY|PO|SQ|FC|SS|DS)*)$/;
const CLOUD = /^(FEW|SCT|BKN|OVC)(\d{3}|\/\/\/)(CB|TCU|\/\/\/)?$/;
const VERTICAL_VISIBILITY = /^VV(\d{3}|\/\/\/)$/;
const TEMPERATURE = /^(M?\d{2})\/(M?\d{2})?$/;
const PRESSURE = /^[QA]\d{4}$/;
/** Where the observation ends: trends and remarks describe other times or are free text. */
const END = new Set(['NOSIG', 'BECMG', 'TEMPO', 'RMK']);

interface WeatherGroup {
  readonly intensity: string;
  readonly descriptor: string;
  readonly phenomena: readonly string[];
}

function phenomena(codes: string): string[] {
  return codes.match(/.{2}/g) ?? [];
}

/**
 * The UTC time of a METAR's `DDHHMMZ`, which gives no month: the latest such day at or before
 * `reference` plus a day (a report is never from the future by more than clock skew).
 */
function observationTime(day: number, hour: number, minute: number, reference: number): number {
  const ref = new Date(reference + 86_400_000);
  for (let back = 0; back < 3; back++) {
    const y = ref.getUTCFullYear();
    const m = ref.getUTCMonth() - back;
    const at = Date.UTC(y, m, day, hour, minute);
    // A day that does not exist in that month (31 in November) rolls over: skip it.
    if (new Date(at).getUTCDate() === day && at <= ref.getTime()) return at;
  }
  return Number.NaN;
}

/**
 * Reads a METAR into the controller's weather. `reference` (ms) dates the report: a METAR
 * gives only the day of the month. Throws `WeatherParseError` on a report it cannot read.
 */
export function parseMetar(text: string, reference: number): WeatherObservation {
  const tokens = text.trim().replace(/=$/, '').split(/\s+/);
  const problems: string[] = [];
  let i = 0;
  if (tokens[i] === 'METAR' || tokens[i] === 'SPECI') i++;
  if (tokens[i] === 'COR') i++;
  const station = tokens[i++] ?? '';
  if (!/^[A-Z][A-Z0-9]{3}$/.test(station))
    problems.push(`station: expected an ICAO code, found "${station}"`);
  const time = TIME.exec(tokens[i++] ?? '');
  let observedAt = Number.NaN;
  if (time === null) problems.push('time: expected DDHHMMZ');
  else {
    observedAt = observationTime(Number(time[1]), Number(time[2]), Number(time[3]), reference);
    if (Number.isNaN(observedAt))
      problems.push(`time: day ${String(time[1])} does not fit the reference date`);
  }
  if (tokens[i] === 'NIL') problems.push('the report is NIL (missing)');

  let visibilityM: number | null = null;
  let cloudCoverPct: number | null = null;
  const weather: WeatherGroup[] = [];
  const raw: string[] = [];
  for (; i < tokens.length && problems.length === 0; i++) {
    const t = tokens[i] ?? '';
    if (END.has(t)) break;
    if (t === 'AUTO' || t === 'COR' || WIND.test(t) || VARIABLE_WIND.test(t) || RVR.test(t))
      continue;
    if (TEMPERATURE.test(t) || PRESSURE.test(t) || VIS_DIRECTIONAL.test(t)) continue;
    if (t === 'CAVOK') {
      visibilityM = TEN_KM;
      cloudCoverPct = 0;
      continue;
    }
    const metres = VIS_METRES.exec(t);
    if (metres !== null && visibilityM === null) {
      visibilityM = metres[1] === '9999' ? TEN_KM : Number(metres[1]);
      continue;
    }
    // US style: `10SM`, `1/2SM`, or `1 1/2SM` split over two tokens.
    const whole = /^\d$/.test(t) ? Number(t) : 0;
    const milesToken = whole > 0 ? (tokens[i + 1] ?? '') : t;
    const miles = VIS_MILES.exec(milesToken);
    if (miles !== null && visibilityM === null) {
      const value = miles[2] !== undefined ? Number(miles[2]) : Number(miles[3]) / Number(miles[4]);
      visibilityM = Math.round((whole + value) * METRE_PER_STATUTE_MILE);
      if (whole > 0) i++;
      continue;
    }
    const wx = WEATHER.exec(t);
    // `VCSH` (showers nearby) is a descriptor alone; a bare intensity sign is not a group.
    if (wx !== null && (wx[2] !== undefined || (wx[3] ?? '') !== '')) {
      weather.push({
        intensity: wx[1] ?? '',
        descriptor: wx[2] ?? '',
        phenomena: phenomena(wx[3] ?? ''),
      });
      raw.push(t);
      continue;
    }
    const cloud = CLOUD.exec(t);
    if (cloud !== null) {
      cloudCoverPct = Math.max(cloudCoverPct ?? 0, CLOUD_COVER[cloud[1] ?? ''] ?? 0);
      continue;
    }
    if (VERTICAL_VISIBILITY.test(t)) {
      // The sky cannot be seen: obscured, as good as overcast for the light it lets through.
      cloudCoverPct = 100;
      continue;
    }
    if (t === 'NSC' || t === 'NCD' || t === 'SKC' || t === 'CLR') {
      cloudCoverPct = Math.max(cloudCoverPct ?? 0, 0);
      continue;
    }
    problems.push(`group "${t}" not understood`);
  }
  if (problems.length > 0) throw new WeatherParseError('metar', problems);

  // Shallow, patchy or partial fog (MIFG, BCFG, PRFG) leaves the road mostly clear: it counts
  // only through the visibility.
  const fogGroup = weather.some(
    (w) =>
      w.phenomena.includes('FG') &&
      w.intensity !== 'VC' &&
      !['MI', 'BC', 'PR'].includes(w.descriptor),
  );
  const heavyRain = weather.some(
    (w) =>
      w.intensity !== 'VC' &&
      w.phenomena.includes('RA') &&
      (w.intensity === '+' || w.descriptor === 'TS'),
  );
  return {
    observedAt,
    source: 'metar',
    fog: fogGroup || (visibilityM !== null && visibilityM < FOG_VISIBILITY_M),
    heavyRain,
    snowCover: null,
    visibilityM,
    precipitationMmH: null,
    cloudCoverPct,
    snowDepthM: null,
    summary: raw.length > 0 ? `METAR ${raw.join(' ')}` : 'METAR',
  };
}
