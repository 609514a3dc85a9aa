import { setTimeout as delay } from 'node:timers/promises';
import type { CredentialSetPayload } from '@hameau/protocol';
import { ServiceProcess } from '../ingest/service-process.js';
import { LOCKER_DEVICE, SITE, type CloudInfo, type Login } from './cloud-contract.js';

/** The API's view of a command, as far as the bench reads it. */
export interface CommandView {
  readonly id: string;
  readonly state: string;
  readonly result:
    | { readonly status: 'ok'; readonly data: Record<string, unknown> }
    | { readonly status: 'error'; readonly error: { code: string; message: string } }
    | null;
}

/** States after which a command never changes (cloud-api's `FINAL_STATES`). */
const FINAL = new Set(['succeeded', 'failed', 'expired', 'cancelled']);

/**
 * The bench's handle on the cloud side: the API and our broker in a child process of their own
 * (`cloud-child.ts`, the town's server), reached over loopback HTTP and MQTT as the town's
 * dashboards and banks reach them.
 */
export class BenchCloud {
  readonly #service: ServiceProcess<CloudInfo>;

  private constructor(service: ServiceProcess<CloudInfo>) {
    this.#service = service;
  }

  static async start(): Promise<BenchCloud> {
    // ServiceProcess resolves its entry beside itself, in ../ingest.
    const service = await ServiceProcess.start<CloudInfo>(
      '../locker/cloud-child',
      {},
      { name: 'cloud', profileDir: null },
    );
    return new BenchCloud(service);
  }

  /** The cloud process's id, for its CPU. */
  get pid(): number | null {
    return this.#service.pid;
  }

  get mqttUrl(): string {
    return this.#service.info.mqttUrl;
  }

  get agentLogin(): Login {
    return this.#service.info.agentLogin;
  }

  get probeLogin(): Login {
    return this.#service.info.probeLogin;
  }

  get baselineLogin(): Login {
    return this.#service.info.baselineLogin;
  }

  /** Publishes a credential set for the bank, retained, as the API's `cloud` account. */
  async publishCredentials(set: CredentialSetPayload): Promise<void> {
    await this.#service.call('publishCredentials', set);
  }

  /** `POST /api/v1/devices/bench/lockers-1/commands` with an `unlock`; the command's id. */
  async sendUnlock(box: number, reason: string): Promise<string> {
    const res = await this.#http('POST', `/api/v1/devices/${SITE}/${LOCKER_DEVICE}/commands`, {
      name: 'unlock',
      args: { box, reason },
      ttlSeconds: 60,
    });
    if (res.status !== 201) throw new Error(`unlock command answered ${res.status}`);
    return ((await res.json()) as CommandView).id;
  }

  /** Polls `GET /api/v1/commands/:id` until the command is final; its view then. */
  async untilFinal(id: string, timeoutMs: number): Promise<CommandView> {
    const giveUpAt = performance.now() + timeoutMs;
    for (;;) {
      const res = await this.#http('GET', `/api/v1/commands/${id}`);
      if (res.status !== 200) throw new Error(`command ${id}: GET answered ${res.status}`);
      const view = (await res.json()) as CommandView;
      if (FINAL.has(view.state)) return view;
      if (performance.now() > giveUpAt) {
        throw new Error(`command ${id} still ${view.state} after ${timeoutMs} ms`);
      }
      await delay(20);
    }
  }

  /** Waits until the API has seen the bank's agent online (its birth). */
  async untilAgentOnline(timeoutMs = 30_000): Promise<void> {
    const giveUpAt = performance.now() + timeoutMs;
    for (;;) {
      const res = await this.#http('GET', `/api/v1/devices/${SITE}/${LOCKER_DEVICE}`);
      const body = (await res.json()) as { status: { online: boolean } | null };
      if (body.status?.online === true) return;
      if (performance.now() > giveUpAt) throw new Error('the agent never came online');
      await delay(50);
    }
  }

  async close(): Promise<void> {
    await this.#service.stop();
  }

  #http(method: string, path: string, body?: unknown): Promise<Response> {
    const { apiUrl, token } = this.#service.info;
    return fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  }
}
