import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { PickupDesk, PickupOutcome } from '../../../../../src/modules/locker/pickup-desk.js';

/** One `submitCode` call a terminal made. */
export interface DeskCall {
  readonly terminal: string;
  readonly code: string;
}

/**
 * A `PickupDesk` whose answers a test sets: `answer` maps a code to its outcome (anything else
 * is `unknown`), and `gate`, when set, holds every call until the test opens it.
 */
export class ScriptedDesk implements PickupDesk {
  readonly calls: DeskCall[] = [];
  readonly answers = new Map<string, PickupOutcome>();
  service = true;
  gate: Promise<void> | null = null;
  /** Calls that started and have not answered yet. */
  inFlight = 0;

  answer(code: string, outcome: PickupOutcome): this {
    this.answers.set(code, outcome);
    return this;
  }

  async submitCode(terminal: string, code: string): Promise<PickupOutcome> {
    this.calls.push({ terminal, code });
    this.inFlight += 1;
    try {
      if (this.gate !== null) await this.gate;
      return this.answers.get(code) ?? { status: 'rejected', reason: 'unknown' };
    } finally {
      this.inFlight -= 1;
    }
  }

  inService(): boolean {
    return this.service;
  }
}

/** A debug-level pino logger whose lines the test can read (to prove no code is ever logged). */
export function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}
