import { TOPICS } from '@hameau/protocol';
import type { OutboxBuild } from '../../src/outbox/outbox.js';

/** The device every outbox test writes for. */
export const DEVICE = { site: 'gare', device: 'meters' } as const;

/** A telemetry message as a metering module would build it. */
export const reading =
  (value = 1, stream = 'energy'): OutboxBuild =>
  (seq, at) => ({
    topic: TOPICS.telemetry.build({ ...DEVICE, stream }),
    payload: { seq, at, historical: false, source: 'meter-1', values: { power_w: value } },
  });

/** An event message, e.g. a door opened. */
export const event =
  (type = 'door-opened'): OutboxBuild =>
  (seq, at) => ({
    topic: TOPICS.event.build({ ...DEVICE, type }),
    payload: { seq, at, historical: false, severity: 'info', subject: 'box-3' },
  });

/** A command result echoing command `id`. */
export const commandResult =
  (id: string): OutboxBuild =>
  (seq, at) => ({
    topic: TOPICS.commandResult.build(DEVICE),
    payload: { seq, at, historical: false, id, name: 'unlock', status: 'ok', data: {} },
  });
