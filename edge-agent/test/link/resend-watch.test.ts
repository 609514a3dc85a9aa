import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { Outbox } from '../../src/outbox/outbox.js';
import { ResendWatch } from '../../src/link/resend-watch.js';
import { openAgentDb } from '../../src/store/agent-db.js';
import { reading } from '../outbox/builders.js';

const log = pino({ level: 'silent' });
const BASE_MS = 30_000;

describe('ResendWatch', () => {
  let clock: ManualClock;
  let outbox: Outbox;
  /** What the fake drain says: has the oldest record gone out on this connection? */
  let sent: boolean;
  let replays: number[];
  let watch: ResendWatch;

  beforeEach(() => {
    clock = new ManualClock();
    outbox = new Outbox(openAgentDb(':memory:'), {
      clock,
      maxRecords: 1_000,
      maxAgeMs: 86_400_000,
      log,
    });
    sent = true;
    replays = [];
    watch = new ResendWatch({
      outbox,
      clock,
      log,
      baseMs: BASE_MS,
      drain: {
        hasSent: () => sent,
        replayAgain: () => {
          replays.push(clock.now());
        },
      },
    });
  });

  it('sends the backlog again when the same oldest record is still unconfirmed at two checks', async () => {
    outbox.append('telemetry', reading());
    const t0 = clock.now();
    watch.start();
    await clock.advance(BASE_MS); // first sight of the oldest record
    expect(replays).toEqual([]);
    await clock.advance(BASE_MS); // still there: resend
    expect(replays).toEqual([t0 + 2 * BASE_MS]);
  });

  it('doubles the interval while nothing moves, up to 16 times the first', async () => {
    outbox.append('telemetry', reading());
    const t0 = clock.now();
    watch.start();
    await clock.advance(BASE_MS * 200);
    const gaps = replays.map((t, i) => (t - (replays[i - 1] ?? t0)) / BASE_MS);
    expect(gaps.slice(0, 6)).toEqual([2, 2, 4, 8, 16, 16]);
  });

  it('does nothing while the outbox is empty or its oldest record is not sent yet', async () => {
    watch.start();
    await clock.advance(BASE_MS * 4);
    outbox.append('telemetry', reading());
    sent = false;
    await clock.advance(BASE_MS * 4);
    expect(replays).toEqual([]);
    // Sent now: it takes two checks again, from the first interval.
    sent = true;
    const t1 = clock.now();
    await clock.advance(BASE_MS * 2);
    expect(replays).toEqual([t1 + 2 * BASE_MS]);
  });

  it('watches a new oldest record from scratch once the old one is confirmed', async () => {
    outbox.append('telemetry', reading(1));
    outbox.append('telemetry', reading(2));
    watch.start();
    await clock.advance(BASE_MS);
    outbox.removeSeqRanges([[1, 1]]);
    await clock.advance(BASE_MS); // a different oldest record: first sight only
    expect(replays).toEqual([]);
    await clock.advance(BASE_MS);
    expect(replays).toHaveLength(1);
  });

  it('stops checking when stopped, and starts afresh on the next connection', async () => {
    outbox.append('telemetry', reading());
    watch.start();
    await clock.advance(BASE_MS);
    watch.stop();
    expect(clock.pending).toBe(0);
    await clock.advance(BASE_MS * 10);
    expect(replays).toEqual([]);
    watch.start();
    await clock.advance(BASE_MS);
    expect(replays).toEqual([]);
    await clock.advance(BASE_MS);
    expect(replays).toHaveLength(1);
  });
});
