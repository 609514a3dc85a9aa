/**
 * The role of each meter whose role was set (what it measures); meters seen in telemetry
 * without a row are `unassigned`. `meter_id` is the `source` of the meter's readings.
 */
export interface EnergyMetersTable {
  site_id: string;
  device_id: string;
  meter_id: string;
  /** `consumption`, `production` or `grid`. */
  role: string;
  label: string | null;
  updated_at: number;
  /** The caller's name (an API token's name). */
  updated_by: string;
}
