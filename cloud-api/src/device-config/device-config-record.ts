import type { IgnoredKeys } from './ignored-keys.js';

/** One version of a device's desired configuration, as the domain works with it. */
export interface DesiredConfigRecord {
  readonly site: string;
  readonly device: string;
  readonly version: number;
  readonly config: Record<string, unknown>;
  readonly issuedAt: number;
  readonly issuedBy: string;
  /** The last publish the broker acknowledged; null while it never did. */
  readonly publishedAt: number | null;
}

/** A version the device refused, and why (its own words, never a config value). */
export interface RejectedConfig {
  readonly version: number;
  readonly reason: string;
}

/** What a device last reported about its configuration. */
export interface ReportedConfig {
  /** The desired version it runs; null before it applied any. */
  readonly configVersion: number | null;
  readonly rejected: RejectedConfig | null;
  /**
   * The local-only keys the running configuration set and the device ignored, by module
   * (site.yaml's values run instead); `{}` when none.
   */
  readonly ignoredKeys: IgnoredKeys;
  /** The report's time, by the device's clock. */
  readonly at: number;
  /** When the report reached the API, by the cloud clock. */
  readonly receivedAt: number;
}

/** A device's desired and reported configuration side by side: what drift is read from. */
export interface DeviceConfigState {
  readonly desired: DesiredConfigRecord | null;
  readonly reported: ReportedConfig | null;
  /**
   * True when the device runs the latest desired version, or when neither side has one. A
   * device running a version the cloud does not have (a restored database) is out of sync.
   */
  readonly inSync: boolean;
}

/** Whether the device runs what is desired; see `DeviceConfigState.inSync`. */
export function isInSync(
  desired: DesiredConfigRecord | null,
  reported: ReportedConfig | null,
): boolean {
  return (desired?.version ?? null) === (reported?.configVersion ?? null);
}

/** `site/device`: a device's key in maps, logs and audit subjects. */
export function deviceKeyOf(key: { readonly site: string; readonly device: string }): string {
  return `${key.site}/${key.device}`;
}
