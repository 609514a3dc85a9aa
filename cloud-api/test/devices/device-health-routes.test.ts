import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventPayload, ManualClock, TelemetryPayload, type BoardPolls } from '@hameau/protocol';
import { deviceStatusStore, NO_STATUS } from '../../src/devices/device-status-store.js';
import { lockerBoardPoints } from '../../src/ingestion/points/locker-board-point.js';
import { lockerEventToPoint } from '../../src/ingestion/points/locker-event-point.js';
import { InfluxStore } from '../../src/timeseries/influx-store.js';
import type { Point } from '../../src/timeseries/point.js';
import { telemetryToPoint } from '../../src/timeseries/telemetry-point.js';
import type { TimeSeriesStore } from '../../src/timeseries/time-series-store.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import type { Dialect } from '../../src/storage/dialect.js';
import { startInfluxd, type Influxd } from '../timeseries/influxd-process.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const METERS = { site: 'mairie', device: 'compteurs' };
const LOCKERS = { site: 'gare', device: 'consigne' };
/** A locker bank whose agent reports its boards' polls. */
const POLLED = { site: 'gare', device: 'consigne-est' };

interface HealthJson {
  kind: string;
  meters: {
    id: string;
    model: string | null;
    report: Record<string, unknown> | null;
  }[];
  boards: {
    bus: string;
    address: number;
    reachable: boolean | null;
    lastChangeAt: string | null;
    unreachableEpisodes: number;
    polls: Record<string, unknown> | null;
  }[];
  bank: { reportedAt: string; boardsUnreachable: number | null; boxesUnknown: number | null };
}

/** What the metering module reports for one meter (edge-agent `MeterHealth.report`). */
function healthValues(
  v: { ok: number; failed: number; breaker: 0 | 1 | 2; ageS: number | null; timeouts: number },
  bus = 1,
): Record<string, number | null> {
  return {
    last_good_age_s: v.ageS,
    consecutive_errors: v.breaker === 0 ? 0 : 5,
    breaker_state: v.breaker,
    bus_connected: bus,
    polls_ok: v.ok,
    polls_failed: v.failed,
    polls_skipped: v.breaker === 2 ? 40 : 0,
    errors_timeout: v.timeouts,
    errors_exception: 0,
    errors_crc: v.failed - v.timeouts,
    errors_wrong_unit: 0,
    errors_garbage: 0,
    errors_disconnected: 0,
  };
}

/**
 * Both state databases on the embedded series store, and the InfluxDB path on a real influxd
 * (Debian's; without it the suite fails with the install hint rather than skipping).
 */
const SETUPS: readonly { dialect: Dialect; series: 'embedded' | 'influxd' }[] = [
  { dialect: 'sqlite', series: 'embedded' },
  { dialect: 'postgres', series: 'embedded' },
  { dialect: 'sqlite', series: 'influxd' },
];

describe.each(SETUPS)(
  'GET /api/v1/devices/{site}/{device}/health on $dialect, $series series',
  ({ dialect, series }) => {
    let t: TestApp;
    let influxd: Influxd | undefined;
    let now: number;
    let seq = 0;

    const get = (path: string, role: 'technician' | 'merchant' = 'technician') =>
      t.app.inject({ method: 'GET', url: `/api/v1/devices/${path}`, headers: t.as(role) });
    const health = async (key: { site: string; device: string }) => {
      const res = await get(`${key.site}/${key.device}/health`);
      expect(res.statusCode).toBe(200);
      return res.json<HealthJson>();
    };

    /** A telemetry point exactly as ingestion makes it. */
    const telemetry = (
      key: { site: string; device: string },
      stream: string,
      source: string,
      at: number,
      values: Record<string, number | null>,
    ): Point =>
      telemetryToPoint(
        { ...key, stream },
        TelemetryPayload.parse({
          seq: ++seq,
          at: new Date(at).toISOString(),
          historical: false,
          source,
          values,
        }),
      );

    /** A lock board event's point, as ingestion makes it. */
    const boardEvent = (
      type: 'board-unreachable' | 'board-recovered',
      board: string,
      at: number,
      key: { site: string; device: string } = LOCKERS,
    ) => {
      const address = Number(board.split('/')[1]);
      const point = lockerEventToPoint({
        kind: 'event',
        ...key,
        type,
        receivedAt: at,
        payload: EventPayload.parse({
          seq: ++seq,
          at: new Date(at).toISOString(),
          historical: false,
          severity: type === 'board-unreachable' ? 'alarm' : 'info',
          subject: board,
          data:
            type === 'board-unreachable'
              ? { board: address, reason: 'timeout' }
              : { board: address },
        }),
      });
      if (point === null) throw new Error(`${type} makes no point`);
      return point;
    };

    /** Stores desired configuration version 1 and a status that says the device runs it. */
    const runs = async (key: { site: string; device: string }, config: Record<string, unknown>) => {
      const res = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/devices/${key.site}/${key.device}/config`,
        headers: t.as('admin'),
        payload: { config },
      });
      expect(res.statusCode).toBeLessThan(300);
      await deviceStatusStore.upsert(t.database.db, key, {
        ...NO_STATUS,
        online: true,
        session: 1,
        lastSeen: now,
        configVersion: 1,
        updatedAt: now,
      });
    };

    /** A real InfluxDB database of its own, or undefined for the app's embedded store. */
    async function seriesStore(): Promise<TimeSeriesStore | undefined> {
      if (series === 'embedded') return undefined;
      influxd = await startInfluxd();
      const database = `t_${randomBytes(6).toString('hex')}`;
      await influxd.admin(`CREATE DATABASE "${database}"`);
      return new InfluxStore(
        { version: 1, url: influxd.url, database },
        { clock: new ManualClock(), retries: 0 },
      );
    }

    beforeAll(async () => {
      const timeSeries = await seriesStore();
      t = await createTestApp({ dialect, ...(timeSeries && { options: { timeSeries } }) });
      now = t.clock.now();
      for (const [key, kind] of [
        [METERS, 'meters'],
        [LOCKERS, 'locker'],
        [POLLED, 'locker'],
      ] as const) {
        await t.app.hameau.devices.create({ ...key, kind }, 'test');
      }
    });
    afterAll(async () => {
      await t.close();
      await influxd?.stop();
    });

    it('answers empty lists for a device that reported nothing', async () => {
      expect(await health(METERS)).toEqual({
        site: METERS.site,
        device: METERS.device,
        kind: 'meters',
        meters: [],
        boards: [],
        bank: null,
      });
    });

    it("gives each meter's latest health report, with its model from the running configuration", async () => {
      await t.app.hameau.timeSeries.write([
        // An older report of the first meter: the newer one wins.
        telemetry(METERS, 'meter-health', 'general', now - 2 * MINUTE, {
          ...healthValues({ ok: 50, failed: 0, breaker: 0, ageS: 1, timeouts: 0 }),
        }),
        telemetry(METERS, 'meter-health', 'general', now - MINUTE, {
          ...healthValues({ ok: 90, failed: 10, breaker: 0, ageS: 2.5, timeouts: 6 }),
        }),
        // A meter that never answered since the agent started: its breaker is open.
        telemetry(METERS, 'meter-health', 'pv-roof', now - MINUTE, {
          ...healthValues({ ok: 0, failed: 12, breaker: 2, ageS: null, timeouts: 12 }),
        }),
        // Another device's meter of the same id is not this device's.
        telemetry(LOCKERS, 'meter-health', 'general', now - MINUTE, {
          ...healthValues({ ok: 1, failed: 1, breaker: 1, ageS: 3, timeouts: 1 }),
        }),
      ]);
      await runs(METERS, {
        modules: {
          metering: {
            buses: [
              {
                id: 'rs485-1',
                meters: [
                  { id: 'general', model: 'sdm630', unitId: 1 },
                  { id: 'heat-pump', model: 'sdm120', unitId: 2 },
                ],
              },
            ],
          },
        },
      });

      const body = await health(METERS);
      expect(body.meters.map((m) => [m.id, m.model])).toEqual([
        ['general', 'sdm630'],
        // Listed by the configuration, never reported: no report.
        ['heat-pump', 'sdm120'],
        // Reported, not in the configuration: no model known.
        ['pv-roof', null],
      ]);
      expect(body.meters[0]?.report).toEqual({
        reportedAt: new Date(now - MINUTE).toISOString(),
        reachable: true,
        breaker: 'closed',
        busConnected: true,
        lastGoodReadAt: new Date(now - MINUTE - 2_500).toISOString(),
        consecutiveErrors: 0,
        polls: { ok: 90, failed: 10, skipped: 0 },
        failureRatio: 0.1,
        errors: { timeout: 6, exception: 0, crc: 4, wrongUnit: 0, garbage: 0, disconnected: 0 },
      });
      expect(body.meters[1]?.report).toBeNull();
      expect(body.meters[2]?.report).toMatchObject({
        reachable: false,
        breaker: 'open',
        lastGoodReadAt: null,
        consecutiveErrors: 5,
        polls: { ok: 0, failed: 12, skipped: 40 },
        failureRatio: 1,
      });
      expect(body.boards).toEqual([]);
      expect(body.bank).toBeNull();
    });

    it('says a meter on a disconnected bus is not reachable, whatever its breaker', async () => {
      await t.app.hameau.timeSeries.write([
        telemetry(METERS, 'meter-health', 'general', now, {
          ...healthValues({ ok: 90, failed: 10, breaker: 0, ageS: 62.5, timeouts: 6 }, 0),
        }),
      ]);
      const general = (await health(METERS)).meters[0];
      expect(general?.report).toMatchObject({ reachable: false, busConnected: false });
      // The last good read is the same instant, counted from the newer report.
      expect(general?.report?.lastGoodReadAt).toBe(new Date(now - 62_500).toISOString());
    });

    it('follows each lock board through its unreachable and recovered events', async () => {
      await t.app.hameau.timeSeries.write([
        boardEvent('board-unreachable', 'main/0', now - 3 * HOUR),
        boardEvent('board-recovered', 'main/0', now - 3 * HOUR + 10 * MINUTE),
        boardEvent('board-unreachable', 'main/1', now - 2 * HOUR),
        boardEvent('board-recovered', 'main/1', now - HOUR),
        boardEvent('board-unreachable', 'main/1', now - 10 * MINUTE),
        // Lost long ago, beyond the episode window, and never heard of again.
        boardEvent('board-unreachable', 'aux/4', now - 30 * HOUR),
      ]);
      const body = await health(LOCKERS);
      expect(body.kind).toBe('locker');
      expect(body.boards).toEqual([
        {
          bus: 'aux',
          address: 4,
          reachable: false,
          lastChangeAt: new Date(now - 30 * HOUR).toISOString(),
          unreachableEpisodes: 0,
          polls: null,
        },
        {
          bus: 'main',
          address: 0,
          reachable: true,
          lastChangeAt: new Date(now - 3 * HOUR + 10 * MINUTE).toISOString(),
          unreachableEpisodes: 1,
          polls: null,
        },
        {
          bus: 'main',
          address: 1,
          reachable: false,
          lastChangeAt: new Date(now - 10 * MINUTE).toISOString(),
          unreachableEpisodes: 2,
          polls: null,
        },
      ]);
      // The locker device reported a meter too (a box may run several modules).
      expect(body.meters.map((m) => m.id)).toEqual(['general']);
      expect(body.bank).toBeNull();
    });

    it('lists the configured boards, and trusts a later bank report that counts none unreachable', async () => {
      await runs(LOCKERS, {
        modules: { locker: { buses: [{ id: 'main', boards: [0, 1, 2] }] } },
      });
      const before = await health(LOCKERS);
      // A configured board nothing was said about: unknown, without a bank report.
      expect(before.boards.find((b) => b.address === 2)).toMatchObject({
        bus: 'main',
        reachable: null,
        lastChangeAt: null,
        unreachableEpisodes: 0,
      });

      // The agent restarted and board 1 answers again: it says nothing of it, but its bank
      // report counts no unreachable board.
      await t.app.hameau.timeSeries.write([
        telemetry(LOCKERS, 'locker', 'bank', now - 5 * MINUTE, {
          boxes: 24,
          occupied: 3,
          doors_open: 0,
          boxes_unknown: 0,
          boards_unreachable: 0,
        }),
      ]);
      const after = await health(LOCKERS);
      expect(after.bank).toEqual({
        reportedAt: new Date(now - 5 * MINUTE).toISOString(),
        boardsUnreachable: 0,
        boxesUnknown: 0,
      });
      expect(after.boards.map((b) => [`${b.bus}/${String(b.address)}`, b.reachable])).toEqual([
        // Lost 30 hours ago, before the report: the report's count says it answers now.
        ['aux/4', true],
        ['main/0', true],
        ['main/1', true],
        ['main/2', true],
      ]);

      // A board lost after the report is unreachable again.
      await t.app.hameau.timeSeries.write([
        boardEvent('board-unreachable', 'main/2', now - MINUTE),
      ]);
      const lost = await health(LOCKERS);
      expect(lost.boards.find((b) => b.address === 2)).toMatchObject({
        reachable: false,
        unreachableEpisodes: 1,
      });
    });

    it("gives each board's last answered poll and failure ratio from bank reports that carry them", async () => {
      /** A bank report with its boards' polls, and the points ingestion makes of it. */
      const bankReport = (at: number, boards?: BoardPolls[]): Point[] => {
        const payload = TelemetryPayload.parse({
          seq: ++seq,
          at: new Date(at).toISOString(),
          historical: false,
          source: 'bank',
          values: { boxes: 12, boxes_unknown: 0, boards_unreachable: 1 },
          ...(boards && { boards }),
        });
        const message = {
          kind: 'telemetry' as const,
          ...POLLED,
          stream: 'locker',
          receivedAt: at,
          payload,
        };
        return [telemetryToPoint(message, payload), ...lockerBoardPoints(message)];
      };
      const polls = (
        address: number,
        lastOkAt: number | null,
        ok: number,
        failed: number,
        lastError: BoardPolls['lastError'] = null,
      ): BoardPolls => ({
        bus: 'main',
        address,
        lastOkAt: lastOkAt === null ? null : new Date(lastOkAt).toISOString(),
        ok,
        failed,
        lastError,
      });
      const board1Silent = now - 2 * MINUTE - 50_000;

      // An older agent: a bank report without boards. Its boards are known from their events.
      await t.app.hameau.timeSeries.write([
        ...bankReport(now - 3 * MINUTE),
        boardEvent('board-unreachable', 'main/1', now - 2 * MINUTE - 40_000, POLLED),
      ]);
      const older = await health(POLLED);
      expect(older.boards.map((b) => [b.address, b.polls])).toEqual([[1, null]]);

      await t.app.hameau.timeSeries.write([
        ...bankReport(now - 2 * MINUTE, [
          polls(0, now - 2 * MINUTE - 100, 100, 0),
          polls(1, board1Silent, 40, 10, 'timeout'),
        ]),
        // A minute later board 1 is still silent; board 0 had a bad checksum once.
        ...bankReport(now - MINUTE, [
          polls(0, now - MINUTE - 100, 160, 1, 'checksum'),
          polls(1, board1Silent, 40, 70, 'timeout'),
        ]),
        // Another bank's board of the same name is not this bank's.
        ...lockerBoardPoints({
          kind: 'telemetry',
          ...LOCKERS,
          stream: 'locker',
          receivedAt: now,
          payload: TelemetryPayload.parse({
            seq: ++seq,
            at: new Date(now).toISOString(),
            historical: false,
            source: 'bank',
            values: {},
            boards: [polls(0, now, 1, 99, 'link-down')],
          }),
        }),
      ]);
      const body = await health(POLLED);
      expect(body.boards.map((b) => [b.address, b.reachable, b.polls])).toEqual([
        [
          0,
          // Nothing but the bank report says it: reachable, as before.
          true,
          {
            reportedAt: new Date(now - MINUTE).toISOString(),
            lastOkAt: new Date(now - MINUTE - 100).toISOString(),
            ok: 160,
            failed: 1,
            failureRatio: 1 / 161,
            lastError: 'checksum',
          },
        ],
        [
          1,
          false,
          {
            reportedAt: new Date(now - MINUTE).toISOString(),
            lastOkAt: new Date(board1Silent).toISOString(),
            ok: 40,
            failed: 70,
            failureRatio: 70 / 110,
            lastError: 'timeout',
          },
        ],
      ]);

      // The agent restarted and board 1 has not answered since: the counts start again, and its
      // last answer is still the one the earlier reports gave.
      await t.app.hameau.timeSeries.write(
        bankReport(now, [polls(0, now - 100, 10, 0), polls(1, null, 0, 5, 'timeout')]),
      );
      const restarted = await health(POLLED);
      expect(restarted.boards[0]?.polls).toMatchObject({ ok: 10, failed: 0, lastError: null });
      expect(restarted.boards[1]?.polls).toEqual({
        reportedAt: new Date(now).toISOString(),
        lastOkAt: new Date(board1Silent).toISOString(),
        ok: 0,
        failed: 5,
        failureRatio: 1,
        lastError: 'timeout',
      });
    });

    it('is for technicians and admins, and checks the device', async () => {
      expect((await get(`${LOCKERS.site}/${LOCKERS.device}/health`, 'merchant')).statusCode).toBe(
        403,
      );
      const missing = await get('gare/nope/health');
      expect(missing.statusCode).toBe(404);
      expect(missing.json<{ error: { code: string } }>().error.code).toBe('DEVICE_NOT_FOUND');
      const bad = await get('gare/NOPE/health');
      expect(bad.statusCode).toBe(400);
    });
  },
);
