import ModbusSerial from 'modbus-serial';
import { frameGapMs } from './rtu-cycle.js';
import type { ReadShape } from './wire-tap.js';

// modbus-serial is CommonJS: its class is the module itself, also exported as `default`.
const ModbusRTU = ModbusSerial.default;

/** A request not answered by then counts as failed (the agent's default timeout). */
const TIMEOUT_MS = 1_000;

/**
 * The floor any Node master can reach on this line: `modbus-serial` alone (the library the
 * agent uses, opened the same way, `connectRTUBuffered`), reading the agent's plan meter after
 * meter with nothing between two requests but the t3.5 silence, measured on the monotonic
 * clock. What the agent loses against it is the poller's own overhead; what this loses
 * against the ceiling is the pty, socat, serialport and modbus-serial.
 */
export class BareMaster {
  readonly #client = new ModbusRTU();
  #running: Promise<void> = Promise.resolve();
  #stopped = false;
  #failures = 0;

  private constructor() {
    this.#client.setTimeout(TIMEOUT_MS);
  }

  /** Opens `path` and reads `plan` (the reads of each unit in turn) until stopped. */
  static async start(path: string, baud: number, plan: readonly ReadShape[]): Promise<BareMaster> {
    if (plan.length === 0) throw new Error('the bare master needs a plan');
    const master = new BareMaster();
    await master.#client.connectRTUBuffered(path, { baudRate: baud });
    master.#running = master.#loop(frameGapMs(baud), plan);
    return master;
  }

  /** Requests that failed (timeout, exception, bad frame). */
  get failures(): number {
    return this.#failures;
  }

  /** Ends the loop after the request in flight and closes the port. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
    await new Promise<void>((resolve) => {
      this.#client.close(() => {
        resolve();
      });
    });
  }

  async #loop(gapMs: number, plan: readonly ReadShape[]): Promise<void> {
    const client = this.#client;
    let lastEnd = Number.NEGATIVE_INFINITY;
    for (let i = 0; !this.#stopped; i = (i + 1) % plan.length) {
      const read = plan[i];
      if (read === undefined) continue;
      const wait = lastEnd + gapMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      client.setID(read.unitId);
      try {
        await (read.functionCode === 3
          ? client.readHoldingRegisters(read.address, read.count)
          : client.readInputRegisters(read.address, read.count));
      } catch {
        this.#failures += 1;
      }
      lastEnd = performance.now();
    }
  }
}
