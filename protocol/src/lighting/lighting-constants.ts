// The names the lighting schemas accept, shared by the edge agent (which computes with them) and
// the cloud (which validates a configuration before sending it).

/** The astronomical events the switch rules and program steps refer to. */
export const SUN_EVENTS = ['sunset', 'civil-dusk', 'sunrise', 'civil-dawn'] as const;
export type SunEvent = (typeof SUN_EVENTS)[number];

/**
 * The public-holiday sets the calendar knows: `fr` is the eleven holidays of the French labour
 * code (art. L3133-1); `fr-alsace-moselle` adds Good Friday and St Stephen's Day (26 December),
 * which the local law of the Bas-Rhin, Haut-Rhin and Moselle keeps; `none` has none.
 */
export const HOLIDAY_SETS = ['fr', 'fr-alsace-moselle', 'none'] as const;
export type HolidaySet = (typeof HOLIDAY_SETS)[number];

/** Whether Intl knows the IANA time zone (`Europe/Paris`, `UTC`…). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The keys of `modules.lighting` that are the edge module's own (lamp-node buses, the zone →
 * node wiring, timings, checks) rather than the controller's. The cloud leaves them to the
 * agent, which validates them with the drivers they name; every other key must be a controller
 * key, so a typo is still refused. A test in edge-agent keeps this list equal to the module's
 * schema.
 */
export const LIGHTING_MODULE_KEYS = [
  'buses',
  'zoneNodes',
  'decisionSeconds',
  'reassertMinutes',
  'reportMinutes',
  'failsafe',
  'energyChecks',
  'unreachableCycles',
  'clock',
  'overrides',
] as const;

/** One of the lighting module's own keys. */
export type LightingModuleKey = (typeof LIGHTING_MODULE_KEYS)[number];

/**
 * The module keys that only the cabinet's site.yaml sets: a desired configuration from the
 * cloud runs with site.yaml's values for them, whatever it says (docs/lighting.md). The other
 * module keys (the timings, `overrides`) and every controller key stay the cloud's to set.
 */
export const LIGHTING_LOCAL_KEYS = [
  // The lamp-node lines of this cabinet: ports, gateway addresses, node unit ids.
  'buses',
  // Which node lights which zone: how the cabinet is wired.
  'zoneNodes',
  // What the nodes do by themselves when the agent falls silent: the street's safety net.
  'failsafe',
  // The cabinet's own meter on this box and the thresholds measured against these lamps.
  'energyChecks',
  // How this box keeps time (its timesyncd flag file), a matter of its operating system.
  'clock',
] as const satisfies readonly LightingModuleKey[];
