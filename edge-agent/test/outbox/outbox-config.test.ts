import { expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { OutboxConfig, outboxOptions } from '../../src/outbox/outbox-config.js';

it('defaults to 200,000 records, 30 days and deletion on the cloud acknowledgement', () => {
  const clock = new ManualClock();
  const config = OutboxConfig.parse({});
  expect(config).toEqual({ maxRecords: 200_000, maxAgeDays: 30, deleteOn: 'cloud-ack' });
  expect(outboxOptions(config, clock)).toEqual({
    clock,
    maxRecords: 200_000,
    maxAgeMs: 30 * 24 * 3_600_000,
    deleteOn: 'cloud-ack',
  });
  const halfDay = outboxOptions({ maxRecords: 10, maxAgeDays: 0.5, deleteOn: 'puback' }, clock);
  expect(halfDay.maxAgeMs).toBe(43_200_000);
  expect(halfDay.deleteOn).toBe('puback');
});

it('reports every problem of the section at once', () => {
  const result = OutboxConfig.safeParse({
    maxRecords: -1,
    maxAgeDays: 0,
    maxSize: 3,
    deleteOn: 'broker',
  });
  expect(result.success).toBe(false);
  expect(result.error?.issues.map((i) => i.path.join('.') || i.code).sort()).toEqual([
    'deleteOn',
    'maxAgeDays',
    'maxRecords',
    'unrecognized_keys',
  ]);
});
