import { describe, expect, it } from 'vitest';
import { TelemetryPayload, type BoardPolls } from '@hameau/protocol';
import type { IngestedOf } from '../../../src/ingestion/ingested-message.js';
import { lockerBoardPoints } from '../../../src/ingestion/points/locker-board-point.js';
import { pointProblems } from '../../../src/timeseries/point.js';

const AT = Date.UTC(2026, 10, 25, 18, 30);

function report(boards?: BoardPolls[], stream = 'locker'): IngestedOf<'telemetry'> {
  return {
    kind: 'telemetry',
    site: 'ecole',
    device: 'lockers-1',
    stream,
    receivedAt: AT,
    payload: TelemetryPayload.parse({
      seq: 9,
      at: new Date(AT).toISOString(),
      historical: false,
      source: 'bank',
      values: { boxes: 12 },
      ...(boards && { boards }),
    }),
  };
}

const ANSWERING: BoardPolls = {
  bus: 'main',
  address: 0,
  lastOkAt: new Date(AT - 100).toISOString(),
  ok: 600,
  failed: 2,
  lastError: 'checksum',
};
const NEVER: BoardPolls = {
  bus: 'main',
  address: 1,
  lastOkAt: null,
  ok: 0,
  failed: 600,
  lastError: null,
};

describe('lockerBoardPoints', () => {
  it('makes one point per board of a bank report, tagged by board and last error kind', () => {
    const points = lockerBoardPoints(report([ANSWERING, NEVER]));
    expect(points).toEqual([
      {
        measurement: 'locker_board',
        tags: { site: 'ecole', device: 'lockers-1', subject: 'main/0', last_error: 'checksum' },
        fields: { ok: 600, failed: 2, last_ok_at: AT - 100, seq: 9 },
        time: AT,
      },
      {
        measurement: 'locker_board',
        // No failure yet is a tag value of its own; a board never answered has no last answer.
        tags: { site: 'ecole', device: 'lockers-1', subject: 'main/1', last_error: 'none' },
        fields: { ok: 0, failed: 600, seq: 9 },
        time: AT,
      },
    ]);
    for (const p of points) expect(pointProblems(p)).toEqual([]);
  });

  it('makes none from an older agent’s report, nor from another stream', () => {
    expect(lockerBoardPoints(report())).toEqual([]);
    expect(lockerBoardPoints(report([ANSWERING], 'energy'))).toEqual([]);
  });

  it('leaves out a board whose bus id the store could not carry, keeping the others', () => {
    const odd = { ...ANSWERING, bus: 'rs485\\ a' };
    expect(lockerBoardPoints(report([odd, NEVER])).map((p) => p.tags['subject'])).toEqual([
      'main/1',
    ]);
  });
});
