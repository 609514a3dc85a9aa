import { setTimeout as delay } from 'node:timers/promises';
import { ServiceProcess } from './ingest/service-process.js';

/** MQTT login of an account the cloud created. */
export interface Login {
  readonly username: string;
  readonly password: string;
}

/** What every cloud child process tells its bench once it runs. */
export interface CloudChildInfo {
  /** The API's base URL, e.g. `http://127.0.0.1:41234`. */
  readonly apiUrl: string;
  /** The admin token. */
  readonly token: string;
  readonly mqttUrl: string;
  /** The MQTT baseline's probe device and its cloud-role publisher. */
  readonly probeLogin: Login;
  readonly baselineLogin: Login;
}

/** The API's view of a command, as far as the benches read it. */
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

/** How a bench's cloud child is reached. */
export interface CloudChildOptions {
  /** The agent whose birth `untilAgentOnline` waits for. */
  readonly agent: { readonly site: string; readonly device: string };
  /** Pause between two reads of a command's state. */
  readonly commandPollMs: number;
}

/**
 * A bench's handle on the cloud side: a town's API and broker in a child process of their own
 * (a `cloud-child.ts` of the bench), reached over loopback HTTP and MQTT as the town's
 * consoles and agents reach them. Each bench adds the calls it makes.
 */
export class CloudChild<Info extends CloudChildInfo> {
  readonly #service: ServiceProcess<Info>;
  readonly #options: CloudChildOptions;

  protected constructor(service: ServiceProcess<Info>, options: CloudChildOptions) {
    this.#service = service;
    this.#options = options;
  }

  /** Forks `entry` (relative to `ingest/`, where `ServiceProcess` resolves it) until it runs. */
  protected static fork<Info>(entry: string): Promise<ServiceProcess<Info>> {
    return ServiceProcess.start<Info>(entry, {}, { name: 'cloud', profileDir: null });
  }

  /** What the child told once it ran. */
  protected get info(): Info {
    return this.#service.info;
  }

  /** The cloud process's id, for its CPU. */
  get pid(): number | null {
    return this.#service.pid;
  }

  get mqttUrl(): string {
    return this.info.mqttUrl;
  }

  get probeLogin(): Login {
    return this.info.probeLogin;
  }

  get baselineLogin(): Login {
    return this.info.baselineLogin;
  }

  /** Polls `GET /api/v1/commands/:id` until the command is final; its view then. */
  async untilFinal(id: string, timeoutMs: number): Promise<CommandView> {
    const giveUpAt = performance.now() + timeoutMs;
    for (;;) {
      const res = await this.http('GET', `/api/v1/commands/${id}`);
      if (res.status !== 200) throw new Error(`command ${id}: GET answered ${res.status}`);
      const view = (await res.json()) as CommandView;
      if (FINAL.has(view.state)) return view;
      if (performance.now() > giveUpAt) {
        throw new Error(`command ${id} still ${view.state} after ${timeoutMs} ms`);
      }
      await delay(this.#options.commandPollMs);
    }
  }

  /** Waits until the API has seen the bench's agent online (its birth). */
  async untilAgentOnline(timeoutMs = 30_000): Promise<void> {
    const { site, device } = this.#options.agent;
    const giveUpAt = performance.now() + timeoutMs;
    for (;;) {
      const res = await this.http('GET', `/api/v1/devices/${site}/${device}`);
      const body = (await res.json()) as { status: { online: boolean } | null };
      if (body.status?.online === true) return;
      if (performance.now() > giveUpAt) throw new Error('the agent never came online');
      await delay(50);
    }
  }

  async close(): Promise<void> {
    await this.#service.stop();
  }

  /** Calls one of the child's methods. */
  protected call<T>(method: string, params: unknown): Promise<T> {
    return this.#service.call<T>(method, params);
  }

  /** `POST`s a command-creating request as the admin; the command's id. */
  protected async postCommand(path: string, body: unknown): Promise<string> {
    const res = await this.http('POST', path, body);
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}`);
    return ((await res.json()) as CommandView).id;
  }

  /** An API request as the admin. */
  protected http(method: string, path: string, body?: unknown): Promise<Response> {
    const { apiUrl, token } = this.info;
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
