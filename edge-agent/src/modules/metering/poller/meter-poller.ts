import type { Logger } from 'pino';
import { z } from 'zod';
import type { ModuleContext } from '../../../runtime/agent-module.js';
import type { MeterReadingEvent } from '../metering-events.js';
import type { ReadSpan } from '../models/plan-requests.js';
import { CircuitBreaker, type BreakerOptions } from './circuit-breaker.js';
import { CounterGuard } from './counter-guard.js';
import { MeterHealth } from './meter-health.js';
import { readMeter, type MeterReading, type RegisterReader } from './read-meter.js';
import { ReportPolicy, type OnChange } from './report-policy.js';

/** One meter as the poller runs it, resolved from the config. */
export interface MeterSettings {
  readonly id: string;
  readonly bus: string;
  readonly model: string;
  readonly unitId: number;
  readonly timeoutMs: number;
  /** One reading reported per interval at least. */
  readonly intervalMs: number;
  /** How often the meter is read; shorter than the interval when `onChange` is set. */
  readonly pollMs: number;
  readonly onChange?: OnChange;
  readonly plan: readonly ReadSpan[];
  readonly breaker: BreakerOptions;
}

/** What a meter poller uses of the module context, plus the readings' stream. */
export type MeterContext = Pick<
  ModuleContext<unknown>,
  'clock' | 'log' | 'state' | 'report' | 'emit'
> & {
  readonly stream: string;
  /** Told of every poll that got data (the agent bus's `metering.reading`). */
  readonly onReading?: (event: MeterReadingEvent) => void;
};

/** The flag added to a reading in which an energy counter went backwards. */
export const COUNTER_RESET_FLAG = 'counter_reset';

const Baseline = z.record(z.string(), z.number());

/**
 * Polls one meter and reports what it reads: its circuit breaker decides whether it is polled
 * at all, its counter guard flags energy counters going backwards, its report policy picks the
 * polls worth sending, and its health counts everything. Failures of the bus link itself (a
 * gateway unplugged) are not the meter's: they are reported but do not trip its breaker, so every
 * meter is back at full rate as soon as the link is.
 */
export class MeterPoller {
  readonly settings: MeterSettings;
  readonly health = new MeterHealth();
  readonly breaker: CircuitBreaker;
  readonly #ctx: MeterContext;
  readonly #log: Logger;
  readonly #guard: CounterGuard;
  readonly #policy: ReportPolicy;
  readonly #stateKey: string;
  #openedAt: number | null = null;
  #savedBaseline = '';
  #stopped = false;

  constructor(settings: MeterSettings, ctx: MeterContext) {
    this.settings = settings;
    this.#ctx = ctx;
    this.#log = ctx.log.child({ meter: settings.id, bus: settings.bus });
    this.breaker = new CircuitBreaker(settings.breaker, ctx.clock);
    this.#policy = new ReportPolicy(settings.intervalMs, settings.pollMs, settings.onChange);
    this.#stateKey = `metering.counters.${settings.id}`;
    this.#guard = new CounterGuard(this.#loadBaseline());
  }

  /** Polls the meter through `reader` unless its breaker is open; reports as due. */
  async poll(reader: RegisterReader): Promise<void> {
    if (this.#stopped) return;
    if (!this.breaker.allow()) {
      this.health.skipped();
      return;
    }
    const reading = await readMeter(reader, this.settings);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() may have run during the read
    if (this.#stopped) return;
    const now = this.#ctx.clock.now();
    this.health.record(reading, now);
    this.#updateBreaker(reading, now);
    if (reading.gotData) {
      this.#ctx.onReading?.({ meter: this.settings.id, at: now, values: reading.values });
    }
    const resets = this.#guard.check(reading.values);
    if (resets.length > 0) {
      // One event per poll, however many counters of the meter went back together.
      this.#log.warn(
        { counters: resets },
        'energy counters went backwards: meter replaced or reset',
      );
      this.#ctx.emit('counter-reset', 'warning', this.settings.id, {
        bus: this.settings.bus,
        counters: resets,
      });
    }
    const power = reading.values.power_w;
    const reason = resets.length > 0 ? 'counter-reset' : this.#policy.due(now, power);
    if (reason === null) return;
    this.#report(reading, resets.length > 0);
    this.#policy.reported(now, power);
  }

  /** Stops reporting; a poll in flight ends silently. */
  stop(): void {
    this.#stopped = true;
  }

  #report(reading: MeterReading, counterReset: boolean): void {
    const values: Record<string, number | null> = { ...reading.values };
    if (counterReset) values[COUNTER_RESET_FLAG] = 1;
    const missing = reading.missing;
    this.#ctx.report(
      this.#ctx.stream,
      this.settings.id,
      values,
      Object.keys(missing).length > 0 ? missing : undefined,
    );
    // Written only when it changed: a counter that did not move costs the SD card nothing.
    const baseline = this.#guard.snapshot();
    const json = JSON.stringify(baseline);
    if (json !== this.#savedBaseline) {
      this.#ctx.state.set(this.#stateKey, baseline);
      this.#savedBaseline = json;
    }
  }

  #updateBreaker(reading: MeterReading, now: number): void {
    if (reading.gotData) {
      if (this.breaker.success() === 'recovered') {
        const downForS = this.#openedAt === null ? null : (now - this.#openedAt) / 1000;
        this.#openedAt = null;
        this.#log.info({ downForS }, 'meter answers again');
        this.#ctx.emit('meter-recovered', 'info', this.settings.id, {
          bus: this.settings.bus,
          unitId: this.settings.unitId,
          downForS,
        });
      }
      return;
    }
    // A link that is down fails every meter at once; that is not this meter's failure.
    if (reading.failures.every((f) => f.kind === 'disconnected')) return;
    const reason = reading.failures.at(-1)?.reason ?? 'no data';
    if (this.breaker.failure() === 'opened') {
      this.#openedAt = now;
      const retryInMs = (this.breaker.retryAt ?? now) - now;
      this.#log.warn({ reason, retryInMs }, 'meter unreachable: polling it slowly');
      this.#ctx.emit('meter-unreachable', 'alarm', this.settings.id, {
        bus: this.settings.bus,
        unitId: this.settings.unitId,
        reason,
        consecutiveErrors: this.breaker.consecutiveFailures,
        retryInMs,
      });
    }
  }

  #loadBaseline(): Record<string, number> {
    try {
      return this.#ctx.state.get(this.#stateKey, Baseline) ?? {};
    } catch (err) {
      // A damaged baseline only means the first reading cannot be checked against it.
      this.#log.warn({ err }, 'stored energy counters unreadable; starting afresh');
      return {};
    }
  }
}
