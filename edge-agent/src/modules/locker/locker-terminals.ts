import type { Logger } from 'pino';
import type { Clock } from '@hameau/protocol';
import { startSerialKeypad } from './keypad/serial-keypad.js';
import { startKioskServer } from './kiosk/kiosk-server.js';
import type { LockerConfig } from './locker-config.js';
import type { PickupDesk } from './pickup-desk.js';

/** The bank's code terminals, running. */
export interface Terminals {
  stop(): Promise<void>;
}

/** What the terminals are started with. */
export interface TerminalsDeps {
  readonly desk: PickupDesk;
  readonly log: Logger;
  readonly clock: Clock;
  readonly bankName: string;
  readonly boxes: number;
}

/**
 * Starts the terminals `config` enables: the kiosk page (touchscreen) and the serial keypad.
 * They only read codes and hand them to the desk, which does every check. A terminal that
 * cannot start fails the module's start, after the ones already started are stopped.
 */
export async function startTerminals(
  config: LockerConfig,
  deps: TerminalsDeps,
): Promise<Terminals> {
  const stops: (() => Promise<void>)[] = [];
  try {
    if (config.kiosk?.enabled === true) {
      const kiosk = await startKioskServer({
        desk: deps.desk,
        config: config.kiosk,
        log: deps.log.child({ component: 'kiosk' }),
        clock: deps.clock,
        bank: { name: deps.bankName, boxes: deps.boxes },
      });
      stops.push(kiosk.stop.bind(kiosk));
    }
    for (const keypad of config.keypads) {
      const running = await startSerialKeypad({
        desk: deps.desk,
        config: keypad,
        log: deps.log.child({ component: 'keypad', terminal: keypad.terminal }),
        clock: deps.clock,
      });
      stops.push(running.stop.bind(running));
    }
  } catch (err) {
    for (const stop of stops.reverse()) await stop();
    throw err;
  }
  return {
    async stop() {
      for (const stop of stops.splice(0).reverse()) await stop();
    },
  };
}
