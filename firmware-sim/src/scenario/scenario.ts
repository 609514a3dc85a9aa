import { pino, type Logger } from 'pino';
import type { Clock } from '@hameau/protocol';
import type { DevicePlan } from '../device-type.js';
import type { Endpoint, SimDevice } from '../sim-device.js';
import type { ScenarioPlan } from './scenario-file.js';

/** A device of a running scenario, with where it listens. */
export interface RunningDevice {
  readonly id: string;
  readonly type: string;
  readonly device: SimDevice;
  readonly endpoints: readonly Endpoint[];
}

/** What a scenario's devices share. */
export interface ScenarioContext {
  readonly clock: Clock;
  readonly log?: Logger;
}

/**
 * Runs a scenario: starts its devices in file order on one injected clock and stops them all.
 * If one device fails to start, those already started are stopped before the error is thrown,
 * so a failed start leaves no port open.
 */
export class Scenario {
  readonly plan: ScenarioPlan;
  readonly #clock: Clock;
  readonly #log: Logger;
  #running: RunningDevice[] = [];
  #state: 'idle' | 'running' | 'stopped' = 'idle';

  constructor(plan: ScenarioPlan, context: ScenarioContext) {
    this.plan = plan;
    this.#clock = context.clock;
    this.#log = context.log ?? pino({ level: 'silent' });
  }

  /** The started devices, in file order (empty before `start`). */
  get devices(): readonly RunningDevice[] {
    return this.#running;
  }

  /** The device with this id; throws if there is none (a typo in a test). */
  device(id: string): SimDevice {
    const found = this.#running.find((d) => d.id === id);
    if (found === undefined) throw new Error(`scenario has no running device "${id}"`);
    return found.device;
  }

  /** Starts every device; resolves with them and their endpoints. */
  async start(): Promise<readonly RunningDevice[]> {
    if (this.#state !== 'idle') throw new Error('a scenario starts once');
    this.#state = 'running';
    try {
      for (const plan of this.plan.devices) this.#running.push(await this.#startOne(plan));
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.#log.info({ source: this.plan.source, devices: this.#running.length }, 'scenario started');
    return this.#running;
  }

  /** Stops every device, even if some fail to stop; the first failure is thrown afterwards. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    const running = [...this.#running].reverse();
    this.#running = [];
    const results = await Promise.allSettled(running.map((d) => d.device.stop()));
    this.#log.info({ source: this.plan.source }, 'scenario stopped');
    for (const r of results) {
      if (r.status === 'rejected') {
        throw r.reason instanceof Error ? r.reason : new Error(String(r.reason));
      }
    }
  }

  async #startOne(plan: DevicePlan): Promise<RunningDevice> {
    const device = plan.create({ clock: this.#clock, log: this.#log.child({ type: plan.type }) });
    try {
      const { endpoints } = await device.start();
      return { id: plan.id, type: plan.type, device, endpoints };
    } catch (err) {
      // A half-started device (one of two transports up) must not keep its other port open.
      await device.stop();
      throw err;
    }
  }
}
