import { CloudChild } from '../cloud-child.js';
import { CABINET_DEVICE, CABINET_SITE } from './cabinet-town.js';
import type { LightingCloudInfo } from './cloud-contract.js';

const CABINET_PATH = `/api/v1/devices/${CABINET_SITE}/${CABINET_DEVICE}`;

/**
 * The lighting bench's handle on the cloud side: the cabinet town's API and broker in a child
 * process of their own (`cloud-child.ts`), reached over loopback HTTP and MQTT as the
 * technician's console and the cabinet's agent reach them.
 */
export class LightingCloud extends CloudChild<LightingCloudInfo> {
  static async start(): Promise<LightingCloud> {
    return new LightingCloud(await super.fork<LightingCloudInfo>('../lighting/cloud-child'), {
      agent: { site: CABINET_SITE, device: CABINET_DEVICE },
      commandPollMs: 10,
    });
  }

  get agentPassword(): string {
    return this.info.agentPassword;
  }

  /** `POST …/lighting/overrides`, as the console sends it; the command's id. */
  override(zones: readonly string[], level: number, reason: string): Promise<string> {
    return this.postCommand(`${CABINET_PATH}/lighting/overrides`, {
      zones,
      level,
      minutes: 30,
      reason,
    });
  }

  /** `POST …/lighting/overrides/:id/clear`; the command's id. */
  clearOverride(id: string): Promise<string> {
    return this.postCommand(`${CABINET_PATH}/lighting/overrides/${id}/clear`, {});
  }
}
