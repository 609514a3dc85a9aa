import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock, TOPICS } from '@hameau/protocol';
import { applyCloudAck } from '../../src/link/cloud-acks.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { openAgentDb } from '../../src/store/agent-db.js';
import { reading } from '../outbox/builders.js';

const log = pino({ level: 'silent' });

function outboxWith(records: number): Outbox {
  const clock = new ManualClock();
  const outbox = new Outbox(openAgentDb(':memory:'), {
    clock,
    maxRecords: 1_000,
    maxAgeMs: 86_400_000,
    log,
  });
  for (let n = 1; n <= records; n++) outbox.append('telemetry', reading(n));
  return outbox;
}

const ack = (seen: [number, number][], session = 1) =>
  TOPICS.ingested.encode({ at: '2026-01-01T00:00:00.000Z', session, seen });

const seqs = (outbox: Outbox) => outbox.oldest(100).map((e) => e.seq);

describe('applyCloudAck', () => {
  it('deletes the acknowledged seqs and returns a test for them', () => {
    const outbox = outboxWith(6);
    const entries = outbox.oldest(100);
    const acked = applyCloudAck(
      ack([
        [1, 3],
        [5, 5],
      ]),
      { outbox, session: 1, log },
    );
    expect(seqs(outbox)).toEqual([4, 6]);
    expect(acked).not.toBeNull();
    expect(entries.filter((e) => acked?.(e) === true).map((e) => e.seq)).toEqual([1, 2, 3, 5]);
  });

  it('ignores an invalid message and leaves the outbox alone', () => {
    const outbox = outboxWith(3);
    expect(applyCloudAck(Buffer.from('[[1, 3]'), { outbox, session: 1, log })).toBeNull();
    expect(applyCloudAck(Buffer.from('{"seen":[[1,3]]}'), { outbox, session: 1, log })).toBeNull();
    expect(seqs(outbox)).toEqual([1, 2, 3]);
  });

  it('ignores ranges from a later session of the device (it lost its database since)', () => {
    const outbox = outboxWith(3);
    expect(applyCloudAck(ack([[1, 3]], 4), { outbox, session: 3, log })).toBeNull();
    expect(seqs(outbox)).toEqual([1, 2, 3]);
    expect(applyCloudAck(ack([[1, 3]], 2), { outbox, session: 3, log })).not.toBeNull();
    expect(seqs(outbox)).toEqual([]);
  });
});
