import { describe, expect, it } from 'vitest';
import {
  decodeDeviceMessage,
  INGESTION_FILTERS,
} from '../../src/ingestion/decode-device-message.js';

const at = '2026-11-25T21:00:00.000Z';
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('decodeDeviceMessage', () => {
  it('subscribes to every device-to-cloud topic and nothing else', () => {
    expect([...INGESTION_FILTERS].sort()).toEqual([
      'hameau/v1/+/+/cmd-result',
      'hameau/v1/+/+/event/+',
      'hameau/v1/+/+/state',
      'hameau/v1/+/+/status',
      'hameau/v1/+/+/telemetry/+',
    ]);
  });

  it('decodes telemetry with its origin and stream', () => {
    const r = decodeDeviceMessage(
      'hameau/v1/mairie/meters-1/telemetry/energy',
      json({ seq: 7, at, historical: false, source: 'sdm630-1', values: { power_w: 1520 } }),
      1000,
    );
    expect(r).toEqual({
      ok: true,
      message: {
        kind: 'telemetry',
        site: 'mairie',
        device: 'meters-1',
        stream: 'energy',
        receivedAt: 1000,
        payload: { seq: 7, at, historical: false, source: 'sdm630-1', values: { power_w: 1520 } },
      },
    });
  });

  it('decodes status, events, command results and reported state', () => {
    const kinds = [
      [
        'hameau/v1/gare/lockers-1/status',
        { state: 'online', session: 3, at, kind: 'locker' },
        'status',
      ],
      [
        'hameau/v1/gare/lockers-1/event/door-forced',
        { seq: 1, at, historical: true, severity: 'alarm', subject: 'box-4' },
        'event',
      ],
      [
        'hameau/v1/gare/lockers-1/cmd-result',
        { seq: 2, at, historical: false, id: 'cmd-00000001', name: 'unlock', status: 'ok' },
        'commandResult',
      ],
      ['hameau/v1/gare/lockers-1/state', { at, configVersion: 4 }, 'reportedState'],
    ] as const;
    for (const [topic, payload, kind] of kinds) {
      const r = decodeDeviceMessage(topic, json(payload), 0);
      expect(r.ok && r.message.kind).toBe(kind);
    }
  });

  it('refuses a bad payload naming the device and the field', () => {
    const r = decodeDeviceMessage(
      'hameau/v1/mairie/meters-1/telemetry/energy',
      json({ seq: -1, at, historical: false, source: 's', values: {} }),
      0,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rejected).toMatchObject({
      code: 'PAYLOAD_INVALID',
      site: 'mairie',
      device: 'meters-1',
    });
    expect(r.rejected.reason).toContain('seq');
  });

  it('refuses non-JSON, invalid UTF-8 and unknown topics without throwing', () => {
    const notJson = decodeDeviceMessage('hameau/v1/a/b/status', Buffer.from('{oops'), 0);
    expect(!notJson.ok && notJson.rejected.code).toBe('PAYLOAD_NOT_JSON');
    const badUtf8 = decodeDeviceMessage('hameau/v1/a/b/status', Buffer.from([0xff, 0xfe]), 0);
    expect(!badUtf8.ok && badUtf8.rejected.code).toBe('PAYLOAD_NOT_JSON');
    const unknown = decodeDeviceMessage('hameau/v1/a/b/cmd/unlock', json({}), 0);
    expect(!unknown.ok && unknown.rejected.code).toBe('TOPIC_UNKNOWN');
    const foreign = decodeDeviceMessage('other/thing', json({}), 0);
    expect(!foreign.ok && foreign.rejected).toMatchObject({ code: 'TOPIC_UNKNOWN' });
  });
});
