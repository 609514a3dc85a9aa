import { ProtocolError, TOPICS, UnlockArgs } from '@hameau/protocol';
import { defineCommand, defineModule } from '../../runtime/agent-module.js';
import { KerongBus } from './board/kerong-bus.js';
import { CredentialStore } from './credential-store.js';
import { LockerBank, type LockBusFactory } from './locker-bank.js';
import { LOCKER_LOCAL_KEYS, LockerConfig } from './locker-config.js';
import { LockerDesk } from './locker-desk.js';
import { lockerEmitter } from './locker-events.js';
import type { PickupDesk } from './pickup-desk.js';
import { startTerminals, type Terminals } from './locker-terminals.js';
import { RemoteUnlockCap } from './remote-unlock-cap.js';
import { runRemoteUnlock } from './remote-unlock.js';
import { TerminalLockout } from './terminal-lockout.js';

/** The real driver: a `KerongBus` on each bus's serial device or TCP gateway. */
const kerongBuses: LockBusFactory = (bus, deps) =>
  new KerongBus({ config: bus, clock: deps.clock, log: deps.log });

/** Seams of the module: how it reaches its buses, and who else gets its desk. */
export interface LockerModuleOptions {
  readonly createBus?: LockBusFactory;
  /** Called with the desk at create, for a terminal outside the module (and for tests). */
  readonly onDesk?: (desk: PickupDesk) => void;
}

/**
 * Builds the `locker` module: a parcel locker bank on RS485 lock boards (docs/lockers.md).
 * Residents and merchants open boxes with one-time codes checked locally against the credential
 * set synced from the cloud, so pickup works offline; technicians open them with the capped
 * `unlock` command. Doors, items, forced doors and stuck locks become events.
 */
export function createLockerModule(options: LockerModuleOptions = {}) {
  const createBus = options.createBus ?? kerongBuses;
  return defineModule({
    name: 'locker',
    configSchema: LockerConfig,
    // The bank's wiring and its safety caps are site.yaml's (why each: LOCKER_LOCAL_KEYS).
    localKeys: LOCKER_LOCAL_KEYS,
    create(ctx) {
      const emit = lockerEmitter(ctx.emit.bind(ctx), ctx.log);
      const credentials = new CredentialStore(ctx.state, ctx.log);
      let config = ctx.config;
      let bank: LockerBank | null = null;
      let lockout: TerminalLockout | null = null;
      let cap: RemoteUnlockCap | null = null;
      let terminals: Terminals | null = null;
      const unsubscribe: (() => void)[] = [];
      // Restarts are chained so two quick config changes never run two banks at once.
      let changing: Promise<void> = Promise.resolve();

      const desk = new LockerDesk({
        credentials,
        clock: ctx.clock,
        emit,
        log: ctx.log,
        bank: () => bank,
        lockout: () => lockout,
      });
      options.onDesk?.(desk);

      const run = async (next: LockerConfig) => {
        config = next;
        lockout = new TerminalLockout(next.lockout, ctx.clock, ctx.state);
        cap = new RemoteUnlockCap(next.remoteUnlock, ctx.clock, ctx.state);
        const created = new LockerBank({
          config: next,
          clock: ctx.clock,
          state: ctx.state,
          log: ctx.log,
          emit,
          createBus,
          release: (id) => {
            credentials.release(id);
          },
          report: (values, boards) => {
            ctx.report(
              'locker',
              'bank',
              { ...values, active_credentials: credentials.activeCount(ctx.clock.now()) },
              undefined,
              { boards: [...boards] },
            );
          },
        });
        bank = created;
        await created.start();
        terminals = await startTerminals(next, {
          desk,
          log: ctx.log,
          clock: ctx.clock,
          bankName: next.name ?? ctx.agent.device,
          boxes: next.boxes.length,
        });
      };

      const halt = async () => {
        const [t, b] = [terminals, bank];
        terminals = null;
        bank = null;
        await t?.stop();
        await b?.stop();
      };

      const onCredentials = (payload: Buffer) => {
        let set;
        try {
          set = TOPICS.credentials.decode(payload);
        } catch (err) {
          // Paths and zod's messages only: the payload holds the bank's hash key.
          const problems = err instanceof ProtocolError ? err.details['issues'] : undefined;
          ctx.log.warn(
            { error: err instanceof Error ? err.message : String(err), problems },
            'invalid credential set; the previous one stays in force',
          );
          return;
        }
        const result = credentials.replace(set);
        ctx.log.info(
          { version: set.version, credentials: set.credentials.length, result },
          result === 'replaced' ? 'credential set in force' : 'credential set ignored: not newer',
        );
      };

      return {
        async start() {
          unsubscribe.push(
            ctx.bus.on('credentialsReceived', ({ payload }) => {
              onCredentials(payload);
            }),
          );
          unsubscribe.push(
            ctx.onConfigChanged((next, version) => {
              changing = changing
                .then(async () => {
                  ctx.log.info({ version }, 'locker configuration changed: restarting the bank');
                  await halt();
                  await run(next);
                })
                .catch((err: unknown) => {
                  ctx.log.error({ err, version }, 'locker restart failed');
                });
            }),
          );
          await run(config);
        },
        async stop() {
          for (const u of unsubscribe.splice(0)) u();
          await changing;
          await halt();
        },
        commands: {
          /** `unlock {box, reason}`: a technician's remote opening, capped and audited. */
          unlock: defineCommand({
            args: UnlockArgs,
            run: (args, meta) =>
              runRemoteUnlock(
                {
                  bank: () => bank,
                  cap: () => cap,
                  emit,
                  log: ctx.log,
                  openConfirmSeconds: () => config.openConfirmSeconds,
                },
                args,
                meta,
              ),
          }),
        },
      };
    },
  });
}

/** The locker module as the agent runs it. */
export const lockerModule = createLockerModule();
