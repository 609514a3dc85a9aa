import type { Login } from '../locker/cloud-contract.js';

// What the lighting bench and its cloud child process (`cloud-child.ts`) agree on.

/** What the cloud tells the bench once it runs. */
export interface LightingCloudInfo {
  /** The API's base URL, e.g. `http://127.0.0.1:41234`. */
  readonly apiUrl: string;
  /** The admin token. */
  readonly token: string;
  readonly mqttUrl: string;
  /** The cabinet agent's password (its username is `site/device`). */
  readonly agentPassword: string;
  /** The MQTT baseline's probe device and cloud-role account (the locker bench's names). */
  readonly probeLogin: Login;
  readonly baselineLogin: Login;
}
