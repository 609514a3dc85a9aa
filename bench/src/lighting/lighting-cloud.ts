import { setTimeout as delay } from 'node:timers/promises';
import { ServiceProcess } from '../ingest/service-process.js';
import type { CommandView } from '../locker/bench-cloud.js';
import type { Login } from '../locker/cloud-contract.js';
import { CABINET_DEVICE, CABINET_SITE } from './cabinet-town.js';
import type { LightingCloudInfo } from './cloud-contract.js';

/** States after which a command never changes (cloud-api's `FINAL_STATES`). */
const FINAL = new Set(['succeeded', 'failed', 'expired', 'cancelled']);

/**
 * The lighting bench's handle on the cloud side: the cabinet town's API and broker in a child
 * process of their own (`cloud-child.ts`), reached over loopback HTTP and MQTT as the
 * technician's console and the cabinet's agent reach them.
 */
export class LightingCloud {
  readonly #service: ServiceProcess<LightingCloudInfo>;

  private constructor(service: ServiceProcess<LightingCloudInfo>) {
    this.#service = service;
  }

  static async start(): Promise<LightingCloud> {
    // ServiceProcess resolves its entry beside itself, in ../ingest.
    const service = await ServiceProcess.start<LightingCloudInfo>(
      '../lighting/cloud-child',
      {},
      { name: 'cloud', profileDir: null },
    );
    return new LightingCloud(service);
  }

  /** The cloud process's id, for its CPU. */
  get pid(): number | null {
    return this.#service.pid;
  }

  get mqttUrl(): string {
    return this.#service.info.mqttUrl;
  }

  get agentPassword(): string {
    return this.#service.info.agentPassword;
  }

  get probeLogin(): Login {
    return this.#service.info.probeLogin;
  }

  get baselineLogin(): Login {
    return this.#service.info.baselineLogin;
  }

  /** `POST …/lighting/overrides`, as the console sends it; the command's id. */
  async override(zones: readonly string[], level: number, reason: string): Promise<string> {
    return this.#created(`/api/v1/devices/${CABINET_SITE}/${CABINET_DEVICE}/lighting/overrides`, {
      zones,
      level,
      minutes: 30,
      reason,
    });
  }

  /** `POST …/lighting/overrides/:id/clear`; the command's id. */
  async clearOverride(id: string): Promise<string> {
    return this.#created(
      `/api/v1/devices/${CABINET_SITE}/${CABINET_DEVICE}/lighting/overrides/${id}/clear`,
      {},
    );
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
      await delay(10);
    }
  }

  /** Waits until the API has seen the cabinet's agent online (its birth). */
  async untilAgentOnline(timeoutMs = 30_000): Promise<void> {
    const giveUpAt = performance.now() + timeoutMs;
    for (;;) {
      const res = await this.#http('GET', `/api/v1/devices/${CABINET_SITE}/${CABINET_DEVICE}`);
      const body = (await res.json()) as { status: { online: boolean } | null };
      if (body.status?.online === true) return;
      if (performance.now() > giveUpAt) throw new Error('the agent never came online');
      await delay(50);
    }
  }

  async close(): Promise<void> {
    await this.#service.stop();
  }

  async #created(path: string, body: unknown): Promise<string> {
    const res = await this.#http('POST', path, body);
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}`);
    return ((await res.json()) as CommandView).id;
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
