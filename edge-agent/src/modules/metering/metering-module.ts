import { defineModule } from '../../runtime/agent-module.js';
import { MeteringConfig } from './metering-config.js';
import { MeteringRuntime, modbusSerialClients, type ClientFactory } from './metering-runtime.js';

/** How the module reaches its buses; tests pass a fake. */
export interface MeteringModuleOptions {
  readonly createClient?: ClientFactory;
}

/**
 * Builds the `metering` module: Modbus energy meters on RS485 lines and TCP gateways, read as
 * declarative register maps, reported on the `energy` stream with each meter's health
 * (docs/metering.md). A new desired configuration restarts the polling with it; energy counter
 * baselines survive that, and restarts, in the agent's state.
 */
export function createMeteringModule(options: MeteringModuleOptions = {}) {
  const createClient = options.createClient ?? modbusSerialClients;
  return defineModule({
    name: 'metering',
    configSchema: MeteringConfig,
    // None: a meter's period sits in the same `buses[].meters[]` entry as its address, so making
    // the wiring local would take the meters' intervals from the cloud too, and a wrong address
    // costs readings, not safety. Splitting those lists by id is left for when a site needs it.
    localKeys: [],
    create(ctx) {
      let runtime: MeteringRuntime | null = null;
      let unsubscribe: (() => void) | null = null;
      // Restarts are chained so two quick config changes never run two runtimes at once.
      let changing: Promise<void> = Promise.resolve();

      const run = (config: MeteringConfig) => {
        const next = new MeteringRuntime(config, ctx, createClient);
        runtime = next;
        next.start();
      };

      return {
        start() {
          run(ctx.config);
          unsubscribe = ctx.onConfigChanged((config, version) => {
            changing = changing
              .then(async () => {
                ctx.log.info({ version }, 'metering configuration changed: restarting the pollers');
                await runtime?.stop();
                runtime = null;
                run(config);
              })
              .catch((err: unknown) => {
                ctx.log.error({ err, version }, 'metering restart failed');
              });
          });
          return Promise.resolve();
        },
        async stop() {
          unsubscribe?.();
          unsubscribe = null;
          await changing;
          await runtime?.stop();
          runtime = null;
        },
      };
    },
  });
}

/** The metering module as the agent runs it. */
export const meteringModule = createMeteringModule();
