import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { KerongBus, KerongBusConfig } from '@hameau/edge-agent';
import { systemClock } from '@hameau/protocol';
import { addressOf, BAUD, type BenchBank } from './bench-bank.js';
import { sampleLatency, type LatencyResult } from './latency-sampler.js';

/** What a baseline or measured path needs to know of the run. */
export interface PathOptions {
  readonly samples: number;
  readonly warmup: number;
  readonly log: (line: string) => void;
  /** The cloud's process, whose CPU is measured too. */
  readonly cloudPid: number | null;
}

/** Longest a frame may take to arrive before the sample counts as failed. */
export const FRAME_TIMEOUT_MS = 5_000;

/**
 * The local baseline: the driver alone. A `KerongBus` with the locker module's defaults (250 ms
 * poll rounds, 100 ms reply timeout) on the same pty and simulator as the agent will use, and
 * `unlock` called straight: t0 just before the call, t1 when the simulator hears the frame.
 * What the agent adds on top (kiosk HTTP, the code check, durable writes) is the rest.
 */
export async function measureDriver(
  bank: BenchBank,
  boards: number,
  options: PathOptions,
  log: Logger,
): Promise<LatencyResult> {
  const config = KerongBusConfig.parse({
    transport: { type: 'serial', path: bank.path, baudRate: BAUD },
    boards: Array.from({ length: boards }, (_, board) => board),
  });
  const bus = new KerongBus({
    config,
    clock: systemClock,
    log: log.child({ component: 'driver' }),
  });
  await bus.start();
  try {
    const giveUpAt = performance.now() + 10_000;
    while (config.boards.some((b) => bus.lastStatus(b) === null)) {
      if (performance.now() > giveUpAt) throw new Error('the driver never read every board');
      await delay(20);
    }
    let box = 0;
    return await sampleLatency({
      label: 'driver alone',
      samples: options.samples,
      warmup: options.warmup,
      jitterMs: config.pollMs,
      log: options.log,
      cloudPid: options.cloudPid,
      prepare: () => {
        box = (box % bank.boxes) + 1;
        return Promise.resolve();
      },
      measure: async () => {
        const frame = bank.expectUnlock(box, FRAME_TIMEOUT_MS);
        try {
          const t0 = performance.now();
          await bus.unlock(addressOf(box));
          const t1 = await frame.at;
          // Shut the door again once it has sprung, so the agent later finds every box locked.
          await bank.untilOpen(box, 1_000);
          bank.closeDoor(box);
          return { totalMs: t1 - t0 };
        } finally {
          frame.cancel();
        }
      },
    });
  } finally {
    await bus.stop();
  }
}
