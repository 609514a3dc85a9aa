/**
 * The latest `level-changed` event of each zone of a lighting controller: the level the zone
 * runs at and why. `reasons` is the reason trace, a JSON array of strings as text. `seq` is the
 * event's outbox sequence number: a replayed, older event never overwrites a newer one.
 */
export interface LightingZoneLevelsTable {
  site_id: string;
  device_id: string;
  zone_id: string;
  level: number;
  mode: string;
  reasons: string;
  /** The event's `at`, by the controller's clock. */
  changed_at: number;
  seq: number;
  received_at: number;
}

/**
 * One `night-summary` event: a zone's energy over one night (the local date it starts on,
 * `YYYY-MM-DD`) against the same night at full power.
 */
export interface LightingNightsTable {
  site_id: string;
  device_id: string;
  zone_id: string;
  night: string;
  energy_wh: number;
  baseline_wh: number;
  savings_pct: number;
  lit_hours: number;
  /** The lowest level the zone ran at while lit; null when it was never lit. */
  min_level: number | null;
  seq: number;
  received_at: number;
}

/**
 * A zone's night in progress, as the `night` of its controller's latest `lighting` telemetry:
 * the figures of the night-summary to come, so far. One row per zone; `seq` keeps a replayed,
 * older report from overwriting a newer one.
 */
export interface LightingTonightTable {
  site_id: string;
  device_id: string;
  zone_id: string;
  /** The local date the night starts on, `YYYY-MM-DD`. */
  night: string;
  /** The night's switch-on and planned switch-off, ms; null when the controller gave none. */
  since: number | null;
  until: number | null;
  energy_wh: number;
  baseline_wh: number;
  savings_pct: number;
  lit_hours: number;
  min_level: number | null;
  covered_hours: number;
  /** The report's `at`, by the controller's clock. */
  at: number;
  seq: number;
  received_at: number;
}
