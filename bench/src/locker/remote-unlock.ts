import { setTimeout as delay } from 'node:timers/promises';
import type { BenchBank } from './bench-bank.js';
import type { BenchCloud } from './bench-cloud.js';
import { FRAME_TIMEOUT_MS, type PathOptions } from './driver-baseline.js';
import { sampleLatency, type LatencyResult } from './latency-sampler.js';
import { BENCH_REMOTE_CAPS, type LockerAgent } from './locker-agent.js';

/** How long the agent may take to report a box shut again, or a command to finish. */
const SETTLE_TIMEOUT_MS = 15_000;
const MINUTE_MS = 60_000;
/**
 * Kept over the sliding minute of the agent's cap: the bench times its unlocks on
 * `performance.now()`, the agent on `Date.now()`.
 */
const CAP_MARGIN_MS = 250;

/** The parts of the bench a remote unlock goes through. */
export interface RemoteUnlockRig {
  readonly bank: BenchBank;
  readonly agent: LockerAgent;
  readonly cloud: BenchCloud;
  /** The driver's poll period, ms: the samples' random start offset. */
  readonly pollMs: number;
}

/**
 * Remote unlock: a technician's `unlock` command through the API. t0 just before
 * `POST /api/v1/devices/bench/lockers-1/commands`, t1 when the simulator hears the box's unlock
 * frame; the command must then end `succeeded` (the agent answers once the door is seen open).
 *
 * Untimed upkeep: the boxes are taken in turn, each shut again after its opening and used only
 * once the agent has reported it shut; and the bench keeps under the agent's cap of
 * `BENCH_REMOTE_CAPS.maxPerMinute` unlocks in any sliding minute, waiting before a sample when
 * the minute is full (the cap would refuse it and raise an alarm).
 */
export async function measureRemoteUnlock(
  rig: RemoteUnlockRig,
  options: PathOptions,
): Promise<LatencyResult> {
  const { bank, agent, cloud } = rig;
  /** When each unlock so far was over, at the latest (`performance.now()`). */
  const done: number[] = [];
  let box = 0;

  return sampleLatency({
    label: 'remote unlock',
    samples: options.samples,
    warmup: options.warmup,
    jitterMs: rig.pollMs,
    log: options.log,
    cloudPid: options.cloudPid,
    prepare: async () => {
      box = (box % bank.boxes) + 1;
      await agent.boxes.until(box, (s) => s.locked, SETTLE_TIMEOUT_MS);
      const oldest = done.at(-BENCH_REMOTE_CAPS.maxPerMinute);
      if (oldest !== undefined) {
        await delay(Math.max(0, oldest + MINUTE_MS + CAP_MARGIN_MS - performance.now()));
      }
    },
    measure: async () => {
      const b = box;
      agent.forgetAnnouncement(b);
      const frame = bank.expectUnlock(b, FRAME_TIMEOUT_MS);
      try {
        const t0 = performance.now();
        const id = await cloud.sendUnlock(b, 'bench: remote unlock latency');
        const t1 = await frame.at;
        const decided = agent.announcedAt(b);
        if (decided === undefined) throw new Error(`box ${b} opened without remote-unlock`);
        const view = await cloud.untilFinal(id, SETTLE_TIMEOUT_MS);
        if (view.state !== 'succeeded') {
          const why = view.result?.status === 'error' ? `: ${view.result.error.message}` : '';
          throw new Error(`command ${view.state}${why}`);
        }
        // The door was seen open (the command succeeded): the technician shuts it again.
        bank.closeDoor(b);
        return { totalMs: t1 - t0, decidedMs: decided - t0 };
      } finally {
        frame.cancel();
        done.push(performance.now());
      }
    },
  });
}
