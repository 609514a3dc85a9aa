import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { RunningAgent } from '@hameau/edge-agent';
import { CredentialSetPayload, TOPICS } from '@hameau/protocol';
import { startSiteAgent, stopSiteAgent } from '../site-agent.js';
import { addressOf, BAUD, LOCKS_PER_BOARD } from './bench-bank.js';
import type { Login } from '../cloud-child.js';
import { LOCKER_DEVICE, SITE } from './cloud-contract.js';
import { BoxStates } from './box-states.js';
import { freePort } from '../free-port.js';

/**
 * The remote-unlock caps of the bench's bank: the most the locker config accepts, in place of
 * the defaults (3 a minute, 20 a day) that would stop the remote measurement after 3 samples.
 */
export const BENCH_REMOTE_CAPS = { maxPerMinute: 60, maxPerDay: 10_000 } as const;

/** What the kiosk answers to `POST /api/code`. */
export type KioskAnswer =
  | { readonly status: 'opened'; readonly box: number; readonly kind: string }
  | { readonly status: 'rejected'; readonly reason: string };

/**
 * The agent's state key of its credential set (the locker module's `CREDENTIALS_KEY`). The
 * module writes a newer set there before it uses it, so the version read back is in force.
 */
const CREDENTIALS_KEY = 'locker.credentials';

/** The events the module writes just before it pulses a lock. */
const ANNOUNCEMENTS = new Set(['code-accepted', 'remote-unlock']);

/** What the bench starts the agent with. */
export interface LockerAgentOptions {
  /** The lock bus's pty. */
  readonly path: string;
  readonly boards: number;
  readonly mqttUrl: string;
  readonly login: Login;
  readonly log: Logger;
}

/**
 * The bank's edge agent, whole (`startAgent`, as `hameau agent` runs it), with only the locker
 * module: the KerongBus driver on the pty at 19,200 baud and every driver setting at its default
 * (250 ms poll rounds), the kiosk on a loopback port, the remote-unlock caps raised to
 * `BENCH_REMOTE_CAPS`, its database in a throw-away folder, connected to the bench's broker.
 * The bench follows the boxes from the locker events the agent writes to its outbox.
 */
export class LockerAgent {
  readonly boxes: BoxStates;
  /** The kiosk page, e.g. `http://127.0.0.1:41234/`. */
  readonly kioskUrl: string;
  readonly #agent: RunningAgent;
  readonly #dir: string;
  readonly #unsubscribe: () => void;
  /** When the agent last announced an opening of each box (`performance.now()`). */
  readonly #announced = new Map<number, number>();
  /** Outbox entries not read yet, with when they were appended. */
  readonly #unread: { readonly at: number; readonly topic: string; readonly payload: Buffer }[] =
    [];
  #flushScheduled = false;

  private constructor(agent: RunningAgent, dir: string, kioskUrl: string, boxes: number) {
    this.#agent = agent;
    this.#dir = dir;
    this.kioskUrl = kioskUrl;
    this.boxes = new BoxStates(boxes);
    // The listener runs inside the agent's append, between its last durable write and the
    // driver call: it only notes the time, and the entry is read once the agent has moved on.
    this.#unsubscribe = agent.outbox.onAppend((entry) => {
      this.#unread.push({ at: performance.now(), topic: entry.topic, payload: entry.payload });
      if (this.#flushScheduled) return;
      this.#flushScheduled = true;
      setImmediate(() => {
        this.#flush();
      });
    });
  }

  /** Reads the entries appended so far: announcements, and box states from the events. */
  #flush(): void {
    this.#flushScheduled = false;
    for (const { at, topic, payload } of this.#unread.splice(0)) {
      const event = TOPICS.event.match(topic);
      if (event === null) continue;
      const { severity, data } = TOPICS.event.decode(payload);
      if (ANNOUNCEMENTS.has(event.type) && typeof data['box'] === 'number') {
        this.#announced.set(data['box'], at);
      }
      this.boxes.apply(event.type, severity, data);
    }
  }

  static async start(options: LockerAgentOptions): Promise<LockerAgent> {
    const dir = await mkdtemp(join(tmpdir(), 'hameau-bench-agent-'));
    try {
      const kioskPort = await freePort();
      const boxes = options.boards * LOCKS_PER_BOARD;
      const site = {
        site: SITE,
        device: LOCKER_DEVICE,
        kind: 'locker',
        mqtt: { url: options.mqttUrl, password: options.login.password },
        dataDir: join(dir, 'data'),
        log: { level: 'warn' },
        modules: {
          locker: {
            name: 'Bench bank',
            buses: [
              {
                id: 'main',
                transport: { type: 'serial', path: options.path, baudRate: BAUD },
                boards: Array.from({ length: options.boards }, (_, board) => board),
              },
            ],
            boxes: Array.from({ length: boxes }, (_, i) => ({
              number: i + 1,
              bus: 'main',
              ...addressOf(i + 1),
              size: 'M',
            })),
            remoteUnlock: BENCH_REMOTE_CAPS,
            kiosk: { host: '127.0.0.1', port: kioskPort, terminal: 'kiosk' },
          },
        },
      };
      const agent = await startSiteAgent(site, dir, options.log);
      return new LockerAgent(agent, dir, `http://127.0.0.1:${kioskPort}/`, boxes);
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * When the agent announced the last opening of `box` (`code-accepted` or `remote-unlock`,
   * written to its outbox right before it calls the driver), or undefined since `forget…`.
   */
  announcedAt(box: number): number | undefined {
    this.#flush();
    return this.#announced.get(box);
  }

  forgetAnnouncement(box: number): void {
    this.#announced.delete(box);
  }

  /** Waits until the kiosk says the bank is in service (every board read once). */
  async untilInService(timeoutMs = 30_000): Promise<void> {
    const giveUpAt = performance.now() + timeoutMs;
    for (;;) {
      const res = await fetch(new URL('api/status', this.kioskUrl));
      const body = (await res.json()) as { inService?: boolean };
      if (body.inService === true) return;
      if (performance.now() > giveUpAt) throw new Error('the bank never came into service');
      await delay(50);
    }
  }

  /** Waits until the agent holds credential set `version` (or a newer one). */
  async untilCredentials(version: number, timeoutMs = 10_000): Promise<void> {
    const giveUpAt = performance.now() + timeoutMs;
    while (
      (this.#agent.runtime.state.get(CREDENTIALS_KEY, CredentialSetPayload)?.version ?? 0) < version
    ) {
      if (performance.now() > giveUpAt) {
        throw new Error(`credential set ${version} not in force after ${timeoutMs} ms`);
      }
      await delay(20);
    }
  }

  /** Types `code` on the kiosk: `POST /api/code`, answered once the door is seen open. */
  async submitCode(code: string): Promise<KioskAnswer> {
    const res = await fetch(new URL('api/code', this.kioskUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    if (res.status !== 200) throw new Error(`kiosk answered ${res.status}`);
    return (await res.json()) as KioskAnswer;
  }

  /** Stops the agent and deletes its folder. */
  async stop(): Promise<void> {
    this.#unsubscribe();
    await stopSiteAgent(this.#agent, this.#dir);
  }
}
