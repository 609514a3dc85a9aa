import type { CloudChildInfo } from '../cloud-child.js';

// What the lighting bench and its cloud child process (`cloud-child.ts`) agree on.

/** What the cloud tells the bench once it runs; the probe and baseline are the locker bench's. */
export interface LightingCloudInfo extends CloudChildInfo {
  /** The cabinet agent's password (its username is `site/device`). */
  readonly agentPassword: string;
}
