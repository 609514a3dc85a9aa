import { errorMessage } from '../bench-run.js';
import type { BenchBank } from './bench-bank.js';
import type { BenchCloud } from './bench-cloud.js';
import { CredentialBatches } from './credential-batch.js';
import { FRAME_TIMEOUT_MS, type PathOptions } from './driver-baseline.js';
import { sampleLatency, type LatencyResult } from './latency-sampler.js';
import type { LockerAgent } from './locker-agent.js';

/** How long the agent may take to report a box shut and full again. */
const REFILL_TIMEOUT_MS = 10_000;

/** The parts of the bench a local pickup goes through. */
export interface LocalPickupRig {
  readonly bank: BenchBank;
  readonly agent: LockerAgent;
  readonly cloud: BenchCloud;
  /** The driver's poll period, ms: the samples' random start offset. */
  readonly pollMs: number;
}

/**
 * Local pickup: a resident types a valid code on the kiosk. t0 just before `POST /api/code`,
 * t1 when the simulator hears the unlock frame of the code's box; the kiosk's answer (which
 * comes once the door is seen open) must be `opened` for that box.
 *
 * Untimed upkeep between samples: the boxes are taken in turn; after its pickup a box is
 * emptied and shut, and once the agent has reported it shut, a new parcel goes in. Codes are
 * single-use, so each credential set holds one new code per box and the next set is published
 * (retained, as the cloud account) once every box has used its code; the bench waits until the
 * agent holds it before the next sample.
 */
export async function measureLocalPickup(
  rig: LocalPickupRig,
  options: PathOptions,
): Promise<LatencyResult> {
  const { bank, agent, cloud } = rig;
  const all = Array.from({ length: bank.boxes }, (_, i) => i + 1);
  const batches = new CredentialBatches();
  const refills = new Map<number, Promise<void>>();
  const refillFailures: string[] = [];
  let codes: ReadonlyMap<number, string> = new Map();
  let queue: number[] = [];
  let box = 0;

  const refill = async (b: number): Promise<void> => {
    bank.removeItem(b);
    bank.closeDoor(b);
    await agent.boxes.until(b, (s) => s.locked && !s.item, REFILL_TIMEOUT_MS);
    bank.placeItem(b);
    await agent.boxes.until(b, (s) => s.locked && s.item, REFILL_TIMEOUT_MS);
  };

  const result = await sampleLatency({
    label: 'local pickup',
    samples: options.samples,
    warmup: options.warmup,
    jitterMs: rig.pollMs,
    log: options.log,
    cloudPid: options.cloudPid,
    prepare: async () => {
      if (queue.length === 0) {
        const batch = batches.next(all);
        await cloud.publishCredentials(batch.set);
        await agent.untilCredentials(batch.set.version);
        codes = batch.codes;
        queue = [...all];
      }
      box = queue.shift() ?? 0;
      await refills.get(box);
      await agent.boxes.until(box, (s) => s.locked && s.item, REFILL_TIMEOUT_MS);
    },
    measure: async () => {
      const b = box;
      const code = codes.get(b);
      if (code === undefined) throw new Error(`no code for box ${b}`);
      agent.forgetAnnouncement(b);
      const frame = bank.expectUnlock(b, FRAME_TIMEOUT_MS);
      try {
        const t0 = performance.now();
        const answer = await agent.submitCode(code);
        if (answer.status !== 'opened') throw new Error(`kiosk answered ${answer.reason}`);
        if (answer.box !== b) throw new Error(`kiosk opened box ${answer.box}, not ${b}`);
        const t1 = await frame.at;
        const decided = agent.announcedAt(b);
        if (decided === undefined) throw new Error(`box ${b} opened without code-accepted`);
        // The door is seen open (the kiosk answered): the resident takes the parcel and shuts it.
        const pending = refill(b).catch((err: unknown) => {
          refillFailures.push(`local pickup, refilling box ${b}: ${errorMessage(err)}`);
        });
        refills.set(b, pending);
        return { totalMs: t1 - t0, decidedMs: decided - t0 };
      } finally {
        frame.cancel();
      }
    },
  });
  // Every box shut and full again before the next measurement uses the bank.
  await Promise.all(refills.values());
  return { ...result, failures: [...result.failures, ...refillFailures] };
}
