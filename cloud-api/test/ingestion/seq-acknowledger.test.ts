import { beforeEach, describe, expect, it } from 'vitest';
import { HameauError, ManualClock, TOPICS, type IngestedPayload } from '@hameau/protocol';
import type { PublishOptions } from '../../src/mqtt/cloud-publisher.js';
import type { MessageOrigin } from '../../src/ingestion/ingested-message.js';
import { SeqAcknowledger } from '../../src/ingestion/seq-acknowledger.js';
import type { DeviceCursor } from '../../src/ingestion/seq-ledger.js';
import { SeqRanges } from '../../src/ingestion/seq-ranges.js';
import { capturedLog } from '../helpers/captured-log.js';

const T0 = Date.UTC(2026, 10, 25, 12);
const METER: MessageOrigin = { site: 'mairie', device: 'meters-1' };
const LAMPS: MessageOrigin = { site: 'gare', device: 'lamps' };

interface Sent {
  readonly topic: string;
  readonly payload: IngestedPayload;
  readonly options: PublishOptions;
  readonly at: number;
}

/** A publisher whose broker the test controls: up or down, accepting or failing, or holding. */
class FakePublisher {
  connected = true;
  fail = false;
  hold = false;
  readonly sent: Sent[] = [];
  readonly #held: (() => void)[] = [];

  constructor(readonly clock: ManualClock) {}

  publish(topic: string, payload: unknown, options: PublishOptions): Promise<void> {
    // What goes on the wire must be what a device accepts.
    const parsed = TOPICS.ingested.decode(JSON.stringify(payload));
    this.sent.push({ topic, payload: parsed, options, at: this.clock.now() });
    if (this.fail) return Promise.reject(new HameauError('MQTT_UNAVAILABLE', 'broker gone'));
    if (!this.hold) return Promise.resolve();
    return new Promise((resolve) => this.#held.push(resolve));
  }

  /** Lets the held publishes be acknowledged. */
  release(): void {
    for (const resolve of this.#held.splice(0)) resolve();
  }
}

describe('SeqAcknowledger', () => {
  let clock: ManualClock;
  let publisher: FakePublisher;
  let cursors: Map<string, DeviceCursor>;
  let logs: ReturnType<typeof capturedLog>;
  let acks: SeqAcknowledger;

  const key = (o: MessageOrigin) => `${o.site}/${o.device}`;
  const ledger = {
    peek: (o: MessageOrigin) => cursors.get(key(o)),
    *cached(): Generator<[MessageOrigin, DeviceCursor]> {
      for (const [k, cursor] of cursors) {
        const [site = '', device = ''] = k.split('/');
        yield [{ site, device }, cursor];
      }
    },
  };
  /** Ingests seqs for a device, as a batch would, and returns its cursor. */
  const ingest = (origin: MessageOrigin, ...seqs: number[]): DeviceCursor => {
    let cursor = cursors.get(key(origin));
    if (cursor === undefined) {
      cursor = { seen: new SeqRanges(), session: 3, dirty: false };
      cursors.set(key(origin), cursor);
    }
    for (const seq of seqs) cursor.seen.add(seq);
    return cursor;
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const seenOf = (s: Sent | undefined) => s?.payload.seen;

  beforeEach(() => {
    clock = new ManualClock(T0);
    publisher = new FakePublisher(clock);
    cursors = new Map();
    logs = capturedLog();
    acks = new SeqAcknowledger({
      ledger,
      publisher,
      clock,
      log: logs.log,
      intervalMs: 200,
    });
  });

  it("publishes a device's stored seqs at once, retained, on its own topic", () => {
    ingest(METER, 1, 2, 3, 5);
    acks.acknowledge([METER]);
    expect(publisher.sent).toEqual([
      {
        topic: 'hameau/v1/mairie/meters-1/ingested',
        payload: {
          at: '2026-11-25T12:00:00.000Z',
          session: 3,
          seen: [
            [1, 3],
            [5, 5],
          ],
        },
        options: { qos: 1, retain: true },
        at: T0,
      },
    ]);
  });

  it('coalesces to one message per device per interval, always with the latest ranges', async () => {
    ingest(METER, 1);
    acks.acknowledge([METER]);
    for (let seq = 2; seq <= 5; seq++) {
      await clock.advance(30);
      ingest(METER, seq);
      acks.acknowledge([METER]);
    }
    expect(publisher.sent.map(seenOf)).toEqual([[[1, 1]]]);
    await clock.advance(79);
    expect(publisher.sent).toHaveLength(1);
    await clock.advance(1);
    expect(publisher.sent.map((s) => [s.at - T0, s.payload.seen])).toEqual([
      [0, [[1, 1]]],
      [200, [[1, 5]]],
    ]);
    await clock.advance(1_000);
    expect(publisher.sent).toHaveLength(2);
  });

  it('keeps the devices apart: one device does not delay another', async () => {
    ingest(METER, 1);
    ingest(LAMPS, 7);
    acks.acknowledge([METER, LAMPS]);
    await clock.advance(10);
    ingest(LAMPS, 8);
    acks.acknowledge([LAMPS]);
    await clock.advance(200);
    expect(publisher.sent.map((s) => [s.topic, s.at - T0, s.payload.seen])).toEqual([
      ['hameau/v1/mairie/meters-1/ingested', 0, [[1, 1]]],
      ['hameau/v1/gare/lamps/ingested', 0, [[7, 7]]],
      ['hameau/v1/gare/lamps/ingested', 200, [[7, 8]]],
    ]);
  });

  it('sends at most 64 ranges, the highest ones', () => {
    // 100 ranges: every other seq.
    ingest(METER, ...Array.from({ length: 100 }, (_, i) => i * 2 + 1));
    acks.acknowledge([METER]);
    const seen = publisher.sent[0]?.payload.seen ?? [];
    expect(seen).toHaveLength(64);
    expect(seen[0]).toEqual([73, 73]);
    expect(seen.at(-1)).toEqual([199, 199]);
  });

  it('says 0 for the session of a device that has sent no birth yet', () => {
    ingest(METER, 1).session = -1;
    acks.acknowledge([METER]);
    expect(publisher.sent[0]?.payload.session).toBe(0);
  });

  it('tells a device that replays stored seqs again, even when nothing changed', async () => {
    ingest(METER, 1, 2);
    acks.acknowledge([METER]);
    await clock.advance(500);
    // The batch held only duplicates: the device never got (or lost) the retained message.
    acks.acknowledge([METER]);
    expect(publisher.sent.map(seenOf)).toEqual([[[1, 2]], [[1, 2]]]);
  });

  it('on connect, re-sends only the devices whose ranges changed since the broker accepted them', async () => {
    ingest(METER, 1);
    ingest(LAMPS, 1);
    acks.acknowledge([METER, LAMPS]);
    await settle();
    publisher.connected = false;
    await clock.advance(1_000);
    // Stored while the broker was away (the journal left by a previous run).
    ingest(LAMPS, 2);
    acks.acknowledge([LAMPS]);
    expect(publisher.sent).toHaveLength(2);
    publisher.connected = true;
    acks.republish();
    expect(publisher.sent.slice(2).map((s) => [s.topic, s.payload.seen])).toEqual([
      ['hameau/v1/gare/lamps/ingested', [[1, 2]]],
    ]);
    await settle();
    acks.republish();
    await clock.advance(1_000);
    expect(publisher.sent).toHaveLength(3);
  });

  it('logs a failed publish, does not retry on its own, and re-sends at the next connect', async () => {
    publisher.fail = true;
    ingest(METER, 1);
    acks.acknowledge([METER]);
    await settle();
    expect(logs.text()).toContain('could not publish ingested seqs');
    expect(logs.text()).toContain('"device":"meters-1"');
    await clock.advance(10_000);
    expect(publisher.sent).toHaveLength(1);
    publisher.fail = false;
    acks.republish();
    expect(publisher.sent.map(seenOf)).toEqual([[[1, 1]], [[1, 1]]]);
  });

  it('waits for a publish in flight, then sends the latest ranges once', async () => {
    publisher.hold = true;
    ingest(METER, 1);
    acks.acknowledge([METER]);
    ingest(METER, 2);
    acks.acknowledge([METER]);
    ingest(METER, 3);
    acks.acknowledge([METER]);
    await clock.advance(1_000);
    expect(publisher.sent).toHaveLength(1);
    publisher.hold = false;
    const releasedAt = clock.now();
    publisher.release();
    await settle();
    expect(publisher.sent.map((s) => [s.at - releasedAt, s.payload.seen])).toEqual([
      [-1_000, [[1, 1]]],
      [0, [[1, 3]]],
    ]);
  });

  it('skips a device the ledger no longer caches, and stops for good', async () => {
    acks.acknowledge([METER]);
    expect(publisher.sent).toEqual([]);
    ingest(METER, 1);
    acks.acknowledge([METER]);
    ingest(METER, 2);
    acks.acknowledge([METER]);
    acks.stop();
    await clock.advance(1_000);
    acks.acknowledge([METER]);
    acks.republish();
    expect(publisher.sent).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });
});
