// The sun's altitude from first principles, for the simulation's checker: it must not share the
// controller's astronomy (suncalc), or a mistake there would check itself. Low-precision solar
// coordinates (the Astronomical Almanac's series, as in Meeus, "Astronomical Algorithms",
// ch. 25) and Greenwich mean sidereal time (ch. 12): the sun's position within about 0.01°,
// which puts its crossing of an altitude within seconds at mid-latitudes.

const DEG = Math.PI / 180;
const DAY_MS = 86_400_000;
/** Julian date of the Unix epoch. */
const JD_UNIX_EPOCH = 2_440_587.5;
const JD_J2000 = 2_451_545;

/** The sun's apparent right ascension and declination, radians, at an instant (ms). */
export function sunEquatorial(ms: number): { rightAscension: number; declination: number } {
  const jd = ms / DAY_MS + JD_UNIX_EPOCH;
  const t = (jd - JD_J2000) / 36_525; // Julian centuries since J2000
  const meanLongitude = 280.46646 + 36_000.76983 * t + 0.0003032 * t * t;
  const meanAnomaly = (357.52911 + 35_999.05029 * t - 0.0001537 * t * t) * DEG;
  const centre =
    (1.914602 - 0.004817 * t - 0.000014 * t * t) * Math.sin(meanAnomaly) +
    (0.019993 - 0.000101 * t) * Math.sin(2 * meanAnomaly) +
    0.000289 * Math.sin(3 * meanAnomaly);
  // The longitude of the Moon's ascending node drives nutation and aberration's main term.
  const node = (125.04 - 1_934.136 * t) * DEG;
  const apparentLongitude = (meanLongitude + centre - 0.00569 - 0.00478 * Math.sin(node)) * DEG;
  const obliquity = (23.439291 - 0.0130042 * t - 1.64e-7 * t * t + 0.00256 * Math.cos(node)) * DEG;
  return {
    rightAscension: Math.atan2(
      Math.cos(obliquity) * Math.sin(apparentLongitude),
      Math.cos(apparentLongitude),
    ),
    declination: Math.asin(Math.sin(obliquity) * Math.sin(apparentLongitude)),
  };
}

/** Greenwich mean sidereal time at an instant, radians. */
export function greenwichSiderealTime(ms: number): number {
  const d = ms / DAY_MS + JD_UNIX_EPOCH - JD_J2000;
  const t = d / 36_525;
  const degrees =
    280.46061837 + 360.98564736629 * d + 0.000387933 * t * t - (t * t * t) / 38_710_000;
  return (((degrees % 360) + 360) % 360) * DEG;
}

/**
 * The geometric altitude of the sun's centre, degrees, at an instant and a place (north and
 * east positive). Sunrise and sunset are its crossing of −0.833°, civil twilight of −6°.
 */
export function sunAltitude(ms: number, latitude: number, longitude: number): number {
  const { rightAscension, declination } = sunEquatorial(ms);
  const hourAngle = greenwichSiderealTime(ms) + longitude * DEG - rightAscension;
  const phi = latitude * DEG;
  const sinAltitude =
    Math.sin(phi) * Math.sin(declination) +
    Math.cos(phi) * Math.cos(declination) * Math.cos(hourAngle);
  return Math.asin(Math.max(-1, Math.min(1, sinAltitude))) / DEG;
}
