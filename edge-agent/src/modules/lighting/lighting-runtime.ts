import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '@hameau/protocol';
import type { CommandMeta, ModuleContext } from '../../runtime/agent-module.js';
import type { MeterReadingEvent } from '../metering/metering-events.js';
import { CabinetCheck } from './cabinet-check.js';
import { ClockSync, type ClockVerdict } from './clock-sync.js';
import {
  isoDate,
  LightingController,
  type LightingDecision,
  type LightingInputs,
  type Zone,
} from './control/index.js';
import { nextDecisionAt } from './decision-timing.js';
import { LightingAlarms } from './lighting-alarms.js';
import type { LightingConfig } from './lighting-config.js';
import type { LightingOverrides, OverrideArgs } from './lighting-overrides.js';
import type { LightingWeather } from './lighting-weather.js';
import { NodeFleet, refreshMs, type LampNodeBusFactory, type NodeOutcome } from './node-fleet.js';
import { clearOverride, issueOverride, type OverrideCommandDeps } from './override-commands.js';
import { ZoneLedger } from './zone-ledger.js';
import { zoneLamps, zoneLoad } from './zone-load.js';
import { ZoneReporter } from './zone-reporter.js';

// The lighting module running: one decision cycle at every decision boundary (the minute), at
// each boundary of a zone's compiled night (a switch-on, a step, an override's expiry), every
// few seconds while a ramp runs, and at once on any input change. A cycle takes the clock's
// verdict, decides each zone, drives the nodes, judges the alarms, keeps the ledger and
// reports. Cycles never overlap, and a failing cycle is logged, never fatal.

/** What the runtime needs from the agent, beside its configuration. */
export interface LightingRuntimeDeps {
  readonly ctx: Pick<ModuleContext<LightingConfig>, 'clock' | 'log' | 'state' | 'report' | 'emit'>;
  /** A monotonic clock, ms (`performance.now()`): never jumps when the wall clock does. */
  readonly monotonic: () => number;
  readonly createBus: LampNodeBusFactory;
  readonly overrides: LightingOverrides;
  readonly weather: LightingWeather;
}

interface ZoneSetup {
  readonly zone: Zone;
  readonly nodeIds: readonly string[];
}

/** The lighting module's decision loop and everything it drives. */
export class LightingRuntime {
  readonly #d: LightingRuntimeDeps;
  readonly #clock: Clock;
  readonly #log: Logger;
  #config: LightingConfig;
  #controller: LightingController;
  #zones: readonly ZoneSetup[] = [];
  #clockSync: ClockSync;
  #fleet: NodeFleet;
  readonly #alarms: LightingAlarms;
  readonly #cabinet: CabinetCheck;
  readonly #ledger: ZoneLedger;
  readonly #reporter: ZoneReporter;
  readonly #commands: OverrideCommandDeps;
  /** Rated powers the nodes reported, W. */
  readonly #ratedW = new Map<string, number>();
  #decisions = new Map<string, LightingDecision>();
  #timer: TimerHandle | null = null;
  #queue: Promise<void> = Promise.resolve();
  #cycleQueued = false;
  #stopped = false;
  #cycles = 0;

  constructor(config: LightingConfig, deps: LightingRuntimeDeps) {
    this.#d = deps;
    this.#clock = deps.ctx.clock;
    this.#log = deps.ctx.log;
    this.#config = config;
    this.#controller = new LightingController(config.control);
    this.#clockSync = this.#newClockSync(config);
    this.#fleet = this.#newFleet(config);
    this.#alarms = new LightingAlarms(config, (type, severity, subject, data) => {
      deps.ctx.emit(type, severity, subject, data);
    });
    this.#cabinet = new CabinetCheck(config.energyChecks.cabinet, deps.ctx);
    this.#ledger = new ZoneLedger(deps.ctx.state, deps.ctx.log, this.#maxGapMs(config));
    this.#reporter = new ZoneReporter(deps.ctx, this.#ledger);
    this.#commands = {
      overrides: deps.overrides,
      clock: this.#clock,
      log: this.#log,
      emit: (type, severity, subject, data) => {
        deps.ctx.emit(type, severity, subject, data);
      },
      trusted: () => this.#clockSync.trusted,
      zoneIds: () => this.#zones.map((z) => z.zone.id),
      poke: (why) => {
        this.poke(why);
      },
    };
    this.#setZones(config);
    deps.overrides.setConfig(config.overrides);
  }

  /** Decision cycles run so far. */
  get cycles(): number {
    return this.#cycles;
  }

  /** The last decision of each zone. */
  get decisions(): ReadonlyMap<string, LightingDecision> {
    return this.#decisions;
  }

  /** Runs the first cycle at once (it configures each node's fail-safe first). */
  start(): void {
    this.#log.info(
      {
        zones: this.#zones.length,
        nodes: this.#fleet.nodeIds.length,
        clock: this.#config.clock.source,
      },
      'lighting started',
    );
    this.poke('start');
  }

  /** Runs a cycle as soon as the one running (if any) ends; several pokes make one cycle. */
  poke(why: string): void {
    if (this.#stopped || this.#cycleQueued) return;
    this.#cycleQueued = true;
    this.#cancelTimer();
    this.#queue = this.#queue.then(async () => {
      this.#cycleQueued = false;
      if (this.#stopped) return;
      await this.#safeCycle(why);
      // A poke or a stop may have come meanwhile: the queued cycle schedules the next wake.
      if (this.#mayWait()) this.#schedule();
    });
  }

  #mayWait(): boolean {
    return !this.#stopped && !this.#cycleQueued;
  }

  /** Applies a new configuration between two cycles, then decides at once. */
  async reconfigure(next: LightingConfig): Promise<void> {
    const applied = this.#queue.then(() => this.#apply(next));
    this.#queue = applied.catch((err: unknown) => {
      this.#log.error({ err }, 'lighting reconfiguration failed');
    });
    await this.#queue;
    this.poke('configuration');
  }

  /** Resolves once no cycle is running or queued (tests wait on it). */
  async idle(): Promise<void> {
    for (;;) {
      const queue = this.#queue;
      await queue;
      if (queue === this.#queue && !this.#cycleQueued) return;
    }
  }

  /** Stops deciding and closes the buses; the nodes keep their levels. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelTimer();
    // Closing the buses first fails what a cycle still waits for (a dead node's timeout).
    const closing = this.#fleet.close();
    await this.#queue;
    await closing;
    this.#ledger.save();
  }

  /** A meter reading of the metering module (the agent bus's `metering.reading`). */
  meterReading(event: MeterReadingEvent): void {
    this.#cabinet.reading(event, this.#d.monotonic());
  }

  /** The `override` command (override-commands.ts). */
  issueOverride(args: OverrideArgs, meta: CommandMeta): Record<string, unknown> {
    return issueOverride(this.#commands, args, meta);
  }

  /** The `clear-override` command. */
  clearOverride(id: string, meta: CommandMeta): Record<string, unknown> {
    return clearOverride(this.#commands, id, meta);
  }

  async #safeCycle(why: string): Promise<void> {
    try {
      await this.#cycle();
    } catch (err) {
      this.#log.error({ err, why }, 'lighting cycle failed; the next one runs as planned');
    }
  }

  async #cycle(): Promise<void> {
    this.#cycles += 1;
    const { ctx, monotonic } = this.#d;
    const wall = this.#clock.now();
    const mono = monotonic();
    const verdict = await this.#clockSync.assess(wall, mono);
    this.#clockEvents(verdict);
    const { assessment } = verdict;
    if (assessment.trusted) this.#d.overrides.prune(wall);
    const at = assessment.trusted ? wall : (assessment.estimatedNow ?? wall);
    const inputs: LightingInputs = {
      overrides: this.#d.overrides.all,
      weather: this.#d.weather.current,
      clock: assessment,
    };

    const decisions = new Map<string, LightingDecision>();
    const levels = new Map<string, number>();
    for (const { zone, nodeIds } of this.#zones) {
      const decision = this.#controller.decide(zone.id, inputs, wall);
      decisions.set(zone.id, decision);
      for (const id of nodeIds) levels.set(id, decision.level);
    }
    this.#decisions = decisions;

    const outcomes = await this.#fleet.cycle(levels, mono);
    const byNode = new Map<string, NodeOutcome>();
    for (const o of outcomes) {
      byNode.set(o.id, o);
      const rated = o.reading?.ratedW;
      if (rated !== undefined && rated !== null) this.#ratedW.set(o.id, rated);
      if (o.restarted) {
        ctx.emit('node-restarted', 'info', o.id, {
          level: levels.get(o.id) ?? null,
          recommanded: o.recommanded,
        });
      }
    }
    this.#alarms.nodes(outcomes, (id) => this.#nodeRatedW(id), mono);

    const curve = this.#config.control.dimmingCurve;
    const ratedW = (id: string) => this.#nodeRatedW(id);
    const cabinetZones = this.#cabinet.zones;
    /** What the cabinet meter's zones should draw; null once one's lamps are unknown. */
    let cabinetW: number | null = 0;
    for (const { zone, nodeIds } of this.#zones) {
      const decision = decisions.get(zone.id);
      if (decision === undefined) continue;
      const load = zoneLoad(
        zoneLamps(zone, nodeIds, ratedW),
        nodeIds,
        byNode,
        decision.level,
        curve,
      );
      if (cabinetZones === 'all' || cabinetZones?.includes(zone.id) === true) {
        const known = zone.lamps.length > 0 || nodeIds.every((id) => ratedW(id) !== null);
        cabinetW = known && cabinetW !== null ? cabinetW + load.expectedW : null;
      }
      this.#alarms.zone(
        {
          zoneId: zone.id,
          level: decision.level,
          mode: decision.mode,
          readings: load.readings,
          standbyW: load.standbyW,
        },
        mono,
      );
      this.#reporter.announce(zone.id, decision);
      const { plan } = decision;
      const summaries = this.#ledger.step(zone.id, {
        mono,
        at,
        level: decision.level,
        astroNight: plan.segments[decision.segment]?.lit ?? false,
        night: plan.night,
        date: isoDate(plan.night),
        switchOn: plan.switchOn,
        switchOff: plan.switchOff,
        powerW: load.expectedW,
        fullW: load.fullW,
        measuredW: load.measuredW,
      });
      for (const summary of summaries) {
        ctx.emit('night-summary', 'info', zone.id, { ...summary });
      }
      this.#reporter.report(
        { zoneId: zone.id, decision, mono, ...load },
        this.#config.decisionSeconds * 1000,
        this.#config.reportMinutes * 60_000,
        this.#ledger.tonight(zone.id),
      );
    }
    this.#cabinet.judge(cabinetW, mono, this.#config.reportMinutes * 60_000);
    this.#ledger.save();
  }

  #clockEvents(verdict: ClockVerdict): void {
    const { assessment, changed } = verdict;
    if (changed === 'untrusted' && !assessment.trusted) {
      this.#log.warn({ reason: assessment.reason }, 'clock untrusted: lighting on its fail-safe');
      this.#d.ctx.emit('clock-untrusted', 'warning', undefined, {
        reason: assessment.reason,
        estimatedNow:
          assessment.estimatedNow === null ? null : new Date(assessment.estimatedNow).toISOString(),
      });
    } else if (changed === 'trusted') {
      this.#log.info('clock trusted again: lighting back on its schedule');
      this.#d.ctx.emit('clock-trusted', 'info', undefined, {});
    }
  }

  /** Sets the timer of the next cycle (decision-timing.ts). */
  #schedule(): void {
    this.#cancelTimer();
    const wall = this.#clock.now();
    const next = nextDecisionAt(
      this.#decisions.values(),
      wall,
      this.#config.decisionSeconds * 1000,
      this.#clockSync.trusted,
    );
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = null;
        this.poke('timer');
      },
      Math.max(0, Math.ceil(next - wall)),
    );
  }

  #cancelTimer(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #apply(next: LightingConfig): Promise<void> {
    // Stopping: the buses in force are being closed, and no new ones may open.
    if (this.#stopped) return;
    const before = this.#config;
    this.#config = next;
    this.#controller = new LightingController(next.control);
    if (
      JSON.stringify(before.clock) !== JSON.stringify(next.clock) ||
      before.control.clockTrust.jumpThresholdSeconds !==
        next.control.clockTrust.jumpThresholdSeconds
    ) {
      this.#clockSync = this.#newClockSync(next);
    }
    const fleetKey = (c: LightingConfig) =>
      JSON.stringify([c.buses, c.failsafe, c.decisionSeconds, c.reassertMinutes]);
    if (fleetKey(before) !== fleetKey(next)) {
      await this.#fleet.close();
      this.#fleet = this.#newFleet(next);
    }
    this.#alarms.reconfigure(next);
    this.#cabinet.reconfigure(next.energyChecks.cabinet);
    this.#ledger.maxGapMs = this.#maxGapMs(next);
    this.#d.overrides.setConfig(next.overrides);
    this.#setZones(next);
    this.#decisions = new Map();
    this.#log.info({ zones: this.#zones.length }, 'lighting configuration applied');
  }

  #setZones(config: LightingConfig): void {
    this.#zones = config.control.zones.map((zone) => ({
      zone,
      nodeIds: config.zoneNodes[zone.id] ?? [],
    }));
    for (const { zone, nodeIds } of this.#zones) {
      if (nodeIds.length === 0) {
        this.#log.warn({ zone: zone.id }, 'zone has no lamp node: decided and reported only');
      }
    }
    const zoneIds = this.#zones.map((z) => z.zone.id);
    this.#alarms.retain(this.#fleet.nodeIds, zoneIds);
    this.#ledger.retain(zoneIds);
    this.#reporter.retain(zoneIds);
  }

  #newClockSync(config: LightingConfig): ClockSync {
    return new ClockSync(config.clock, config.control.clockTrust.jumpThresholdSeconds);
  }

  #newFleet(config: LightingConfig): NodeFleet {
    const { monotonic } = this.#d;
    const clock = this.#clock;
    // The buses time their gaps and backoffs by `now()`: a monotonic one, so that a wall-clock
    // step back does not make them wait for hours.
    const busClock: Clock = {
      now: monotonic,
      setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
      clearTimeout: (handle) => {
        clock.clearTimeout(handle);
      },
    };
    return new NodeFleet(config.buses, {
      clock: busClock,
      log: this.#log,
      createBus: this.#d.createBus,
      failsafe: config.failsafe,
      timing: {
        periodMs: config.decisionSeconds * 1000,
        refreshMs: refreshMs(config.reassertMinutes, config.failsafe),
      },
    });
  }

  #maxGapMs(config: LightingConfig): number {
    return Math.max(3 * config.decisionSeconds * 1000, 5 * 60_000);
  }

  #nodeRatedW(id: string): number | null {
    return this.#fleet.configuredRatedW(id) ?? this.#ratedW.get(id) ?? null;
  }
}
