import { performance } from 'node:perf_hooks';
import { LIGHTING_LOCAL_KEYS } from '@hameau/protocol';
import { CommandError } from '../../runtime/command-error.js';
import { defineCommand, defineModule } from '../../runtime/agent-module.js';
import { lightingConfigSchema, type LightingConfig } from './lighting-config.js';
import { ClearOverrideArgs, LightingOverrides, OverrideArgs } from './lighting-overrides.js';
import { LightingRuntime } from './lighting-runtime.js';
import { LightingWeather } from './lighting-weather.js';
import { driverBuses, type LampNodeBusFactory } from './node-fleet.js';
import { builtinLampNodeDrivers, type LampNodeDrivers } from './nodes/lamp-node-drivers.js';

/** Seams of the module: its drivers, how it builds buses, its monotonic clock, its runtime. */
export interface LightingModuleOptions {
  /** The lamp-node drivers a bus entry may name (default: the built-in `modbus`). */
  readonly drivers?: LampNodeDrivers;
  /** Builds each bus (default: its driver's `create`); tests reach the simulator with it. */
  readonly createBus?: LampNodeBusFactory;
  /** A monotonic clock, ms; `performance.now()` by default. */
  readonly monotonic?: () => number;
  /** Called with the runtime once it exists (tests wait on its cycles). */
  readonly onRuntime?: (runtime: LightingRuntime) => void;
}

/**
 * Builds the `lighting` module: the street-lighting controller of a lamp-node cabinet
 * (docs/lighting.md). It decides every zone's level each minute from its program, calendar,
 * events, weather and overrides, writes it to the zone's lamp nodes (whose watchdog covers a
 * crashed agent), explains each level it sets, and raises the lamp, node and day-burning
 * alarms; it runs for weeks without the cloud.
 */
export function createLightingModule(options: LightingModuleOptions = {}) {
  const drivers = options.drivers ?? builtinLampNodeDrivers();
  const monotonic = options.monotonic ?? (() => performance.now());
  const createBus = options.createBus ?? driverBuses;
  return defineModule<LightingConfig>({
    name: 'lighting',
    configSchema: lightingConfigSchema(drivers),
    // The cabinet's wiring and fail-safe are site.yaml's (why each: LIGHTING_LOCAL_KEYS).
    localKeys: LIGHTING_LOCAL_KEYS,
    create(ctx) {
      const overrides = new LightingOverrides(ctx.state, ctx.log);
      const weather = new LightingWeather(ctx.state, ctx.log);
      let runtime: LightingRuntime | null = null;
      const unsubscribe: (() => void)[] = [];
      // Reconfigurations are chained so two quick config changes apply in order.
      let changing: Promise<void> = Promise.resolve();

      const running = (): LightingRuntime => {
        if (runtime === null)
          throw new CommandError('REFUSED', 'the lighting module is not running');
        return runtime;
      };

      return {
        start() {
          const created = new LightingRuntime(ctx.config, {
            ctx,
            monotonic,
            createBus,
            overrides,
            weather,
          });
          runtime = created;
          options.onRuntime?.(created);
          unsubscribe.push(
            ctx.bus.on('weatherReceived', ({ payload }) => {
              if (weather.receive(payload).status === 'accepted') created.poke('weather');
            }),
            // The cabinet's meter, read by the metering module (energyChecks.cabinet).
            ctx.bus.on('metering.reading', (event) => {
              created.meterReading(event);
            }),
            ctx.onConfigChanged((next, version) => {
              changing = changing
                .then(async () => {
                  ctx.log.info({ version }, 'lighting configuration changed');
                  await created.reconfigure(next);
                })
                .catch((err: unknown) => {
                  ctx.log.error({ err, version }, 'lighting reconfiguration failed');
                });
            }),
          );
          created.start();
          return Promise.resolve();
        },
        async stop() {
          for (const u of unsubscribe.splice(0)) u();
          await changing;
          const r = runtime;
          runtime = null;
          await r?.stop();
        },
        commands: {
          /** `override {zones, level, minutes | until, rampSeconds?, reason}`: a manual order. */
          override: defineCommand({
            args: OverrideArgs,
            run: (args, meta) => Promise.resolve().then(() => running().issueOverride(args, meta)),
          }),
          /** `clear-override {id}`: ends an override given by command; the program resumes. */
          'clear-override': defineCommand({
            args: ClearOverrideArgs,
            run: (args, meta) =>
              Promise.resolve().then(() => running().clearOverride(args.id, meta)),
          }),
        },
      };
    },
  });
}

/** The lighting module as the agent runs it. */
export const lightingModule = createLightingModule();
