import { describe, expect, it } from 'vitest';
import { parseMetar } from '../../../../src/modules/lighting/weather/metar.js';
import { WeatherParseError } from '../../../../src/modules/lighting/weather/weather-parse-error.js';

const NOV_26 = Date.UTC(2026, 10, 26, 0, 10);

describe('parseMetar', () => {
  it('reads thick fog with a vertical visibility, dated from the reference month', () => {
    const w = parseMetar(
      'METAR LFPG 252130Z 22005KT 0300 R27L/0550N R26R/P1500U FG VV001 05/05 Q1021 NOSIG=',
      NOV_26,
    );
    expect(w).toEqual({
      observedAt: Date.UTC(2026, 10, 25, 21, 30),
      source: 'metar',
      fog: true,
      heavyRain: false,
      snowCover: null,
      visibilityM: 300,
      precipitationMmH: null,
      cloudCoverPct: 100,
      snowDepthM: null,
      summary: 'METAR FG',
    });
  });

  it.each([
    ['heavy rain', 'METAR LFPC 251200Z 24015G25KT 4000 +RA BKN010 OVC020 08/07 Q1002', true],
    ['a thunderstorm with rain', 'METAR LFPG 251400Z 27010KT 9999 TSRA FEW030CB 21/17 Q1012', true],
    ['heavy showers', 'METAR LFOB 251400Z 27010KT 6000 +SHRA SCT020CB 12/09 Q1008', true],
    ['moderate rain', 'METAR LFPC 251200Z 24010KT 6000 RA OVC015 08/07 Q1002', false],
    ['heavy rain in the vicinity only', 'METAR LFPC 251200Z 24010KT 9999 VCSH BKN030 Q1002', false],
    ['heavy drizzle', 'METAR LFPC 251200Z 24010KT 5000 +DZ OVC005 Q1002', false],
  ])('tells heavy rain: %s', (_, text, heavy) => {
    expect(parseMetar(text, NOV_26).heavyRain).toBe(heavy);
  });

  it.each([
    ['patches of fog with 800 m', 'METAR LFPB 252100Z 00000KT 0800 BCFG NSC 02/02 Q1025', true],
    ['shallow fog with 5 km', 'METAR LFPB 252100Z 00000KT 5000 MIFG NSC 02/02 Q1025', false],
    ['mist at 2,500 m', 'METAR LFPB 252100Z 00000KT 2500 BR NSC 02/02 Q1025', false],
    ['freezing fog', 'METAR LFPB 252100Z 00000KT 0150 FZFG VV/// M03/M03 Q1030', true],
    ['fog in the vicinity', 'METAR LFPB 252100Z 00000KT 9999 VCFG NSC 02/02 Q1025', false],
  ])('tells fog: %s', (_, text, fog) => {
    expect(parseMetar(text, NOV_26).fog).toBe(fog);
  });

  it('reads CAVOK as 10 km and a clear sky', () => {
    expect(parseMetar('METAR LFPO 251030Z 03008KT CAVOK M02/M05 Q1030', NOV_26)).toMatchObject({
      visibilityM: 10_000,
      cloudCoverPct: 0,
      fog: false,
      summary: 'METAR',
    });
  });

  it('reads US statute miles, whole and fractional', () => {
    const w = parseMetar(
      'METAR KJFK 251251Z 31012KT 1 1/2SM -SN BR OVC008 M01/M03 A2990 RMK AO2 SLP127',
      NOV_26,
    );
    expect(w).toMatchObject({ visibilityM: 2414, fog: false, summary: 'METAR -SN BR' });
    expect(parseMetar('METAR KJFK 251251Z 31012KT 1/4SM FG VV002 A2990', NOV_26).visibilityM).toBe(
      402,
    );
  });

  it('dates a report from the end of last month, and skips days the month does not have', () => {
    const dec1 = Date.UTC(2026, 11, 1, 0, 5);
    expect(parseMetar('METAR LFPG 302350Z 9999 NSC', dec1).observedAt).toBe(
      Date.UTC(2026, 10, 30, 23, 50),
    );
    expect(parseMetar('METAR LFPG 312350Z 9999 NSC', dec1).observedAt).toBe(
      Date.UTC(2026, 9, 31, 23, 50),
    );
  });

  it.each([
    ['free text', 'hello world'],
    ['a missing report', 'METAR LFPG 252130Z NIL'],
    ['a bad time', 'METAR LFPG 2521Z 0300 FG'],
    ['an unknown group', 'METAR LFPG 252130Z 22005KT 0300 XYZZY FG'],
  ])('refuses %s with the problem named', (_, text) => {
    expect(() => parseMetar(text, NOV_26)).toThrow(WeatherParseError);
  });
});
