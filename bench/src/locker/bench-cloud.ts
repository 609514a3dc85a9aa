import type { CredentialSetPayload } from '@hameau/protocol';
import { CloudChild, type Login } from '../cloud-child.js';
import { LOCKER_DEVICE, SITE, type CloudInfo } from './cloud-contract.js';

/**
 * The locker bench's handle on the cloud side: the API and our broker in a child process of
 * their own (`cloud-child.ts`, the town's server), reached over loopback HTTP and MQTT as the
 * town's dashboards and banks reach them.
 */
export class BenchCloud extends CloudChild<CloudInfo> {
  static async start(): Promise<BenchCloud> {
    return new BenchCloud(await super.fork<CloudInfo>('../locker/cloud-child'), {
      agent: { site: SITE, device: LOCKER_DEVICE },
      commandPollMs: 20,
    });
  }

  get agentLogin(): Login {
    return this.info.agentLogin;
  }

  /** Publishes a credential set for the bank, retained, as the API's `cloud` account. */
  async publishCredentials(set: CredentialSetPayload): Promise<void> {
    await this.call('publishCredentials', set);
  }

  /** `POST /api/v1/devices/bench/lockers-1/commands` with an `unlock`; the command's id. */
  sendUnlock(box: number, reason: string): Promise<string> {
    return this.postCommand(`/api/v1/devices/${SITE}/${LOCKER_DEVICE}/commands`, {
      name: 'unlock',
      args: { box, reason },
      ttlSeconds: 60,
    });
  }
}
