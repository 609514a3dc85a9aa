/**
 * One version of a device's desired configuration; every version is kept. `config` is the JSON
 * object as text; every time is milliseconds since the epoch.
 */
export interface DeviceConfigsTable {
  site_id: string;
  device_id: string;
  /** 1, 2, 3 … per device; the device applies a version only if newer than the one it runs. */
  version: number;
  config: string;
  issued_at: number;
  /** The caller's name (an API token's name). */
  issued_by: string;
  /** The last publish of this version the broker acknowledged; null while it never did. */
  published_at: number | null;
}

/** The last reported state (`…/state`) of a device, as far as its configuration goes. */
export interface DeviceConfigReportsTable {
  site_id: string;
  device_id: string;
  /** The desired version the device runs; null before it applied any. */
  config_version: number | null;
  /** The newer version it refused, with its reason; both null when it refused none. */
  rejected_version: number | null;
  rejected_reason: string | null;
  /** `{module: [key, …]}` as JSON: the local-only keys the running configuration set, ignored. */
  ignored_keys: string;
  /** `at` of the report, by the device's clock. */
  reported_at: number;
  /** When the report reached the API, by the cloud clock: what orders reports. */
  received_at: number;
}
