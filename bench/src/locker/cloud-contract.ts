import type { CredentialSetPayload } from '@hameau/protocol';
import type { CloudChildInfo, Login } from '../cloud-child.js';

// What the locker bench and its cloud child process (`cloud-child.ts`) agree on.

/** The site of the bench's devices. */
export const SITE = 'bench';
/** The locker bank's agent. */
export const LOCKER_DEVICE = 'lockers-1';
/** A second registered device whose account receives the bare MQTT baseline's messages. */
export const PROBE_DEVICE = 'probe-1';
/** The cloud-role service account that publishes the baseline's messages. */
export const BASELINE_ACCOUNT = 'bench-baseline';

/** What the cloud tells the bench once it runs. */
export interface CloudInfo extends CloudChildInfo {
  readonly agentLogin: Login;
}

/** The cloud's methods, as the bench calls them. */
export interface CloudMethods {
  /** Publishes the bank's credential set, retained, as the API's `cloud` account. */
  publishCredentials(set: CredentialSetPayload): Promise<null>;
}
