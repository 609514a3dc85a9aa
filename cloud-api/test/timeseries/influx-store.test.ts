import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { InfluxStore } from '../../src/timeseries/influx-store.js';
import type { TimeSeriesError } from '../../src/timeseries/time-series-error.js';
import { capturingLogger, startFakeInflux, until, type FakeInflux } from './fake-influx.js';
import { point, T0 } from './store-behaviour.js';

const TOKEN = 'sekret-token-0123456789';

/** The rejection of `promise` (fails the test if it resolves). */
async function failure(promise: Promise<unknown>): Promise<TimeSeriesError> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err as TimeSeriesError,
  );
}

describe('InfluxDB writer over HTTP (a local stand-in server)', () => {
  let influx: FakeInflux;
  let clock: ManualClock;

  beforeEach(async () => {
    influx = await startFakeInflux();
    clock = new ManualClock();
  });
  afterEach(async () => {
    await influx.close();
  });

  const v2 = (options: Record<string, unknown> = {}, url = influx.url) =>
    new InfluxStore(
      { version: 2, url, org: 'town of hameau', bucket: 'series', token: TOKEN },
      { clock, ...options },
    );

  it('writes to /api/v2/write with the token, org, bucket and ms precision', async () => {
    await v2().write([
      point('m 1', T0, { power_w: 1.5, seq: 7 }),
      point('m2', T0 + 1, { power_w: -2 }),
    ]);
    expect(influx.requests).toHaveLength(1);
    const [request] = influx.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url.pathname).toBe('/api/v2/write');
    expect(Object.fromEntries(request?.url.searchParams ?? [])).toEqual({
      org: 'town of hameau',
      bucket: 'series',
      precision: 'ms',
    });
    expect(request?.headers.authorization).toBe(`Token ${TOKEN}`);
    expect(request?.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(request?.body).toBe(
      [
        `energy,device=meters-1,site=town-hall,source=m\\ 1 power_w=1.5,seq=7i ${T0}`,
        `energy,device=meters-1,site=town-hall,source=m2 power_w=-2 ${T0 + 1}`,
      ].join('\n'),
    );
  });

  it('writes to /write?db= with basic auth for 1.x, under a URL prefix', async () => {
    const store = new InfluxStore(
      {
        version: 1,
        url: `${influx.url}/influx`,
        database: 'hameau',
        username: 'api',
        password: 'pw:1',
      },
      { clock },
    );
    await store.write([point('m1', T0, { p: 1 })]);
    const anonymous = new InfluxStore(
      { version: 1, url: `${influx.url}/`, database: 'h' },
      { clock },
    );
    await anonymous.write([point('m1', T0, { p: 1 })]);
    const [withAuth, without] = influx.requests;
    expect(withAuth?.url.pathname).toBe('/influx/write');
    expect(withAuth?.url.search).toBe('?db=hameau&precision=ms');
    expect(withAuth?.headers.authorization).toBe(
      `Basic ${Buffer.from('api:pw:1').toString('base64')}`,
    );
    expect(without?.url.pathname).toBe('/write');
    expect(without?.headers.authorization).toBeUndefined();
  });

  it('splits a large batch into requests of at most maxLines, in order', async () => {
    const points = [0, 1, 2, 3, 4].map((i) => point('m1', T0 + i, { p: i }));
    await v2({ maxLines: 2 }).write(points);
    expect(influx.requests.map((r) => r.body.split('\n').map((l) => l.split(' ')[1]))).toEqual([
      ['p=0', 'p=1'],
      ['p=2', 'p=3'],
      ['p=4'],
    ]);
  });

  it('sends nothing for points without fields', async () => {
    await v2().write([point('m1', T0, {})]);
    expect(influx.requests).toHaveLength(0);
  });

  it('retries a 5xx after a backoff on the clock, then succeeds', async () => {
    influx.answer({ status: 503, body: '{"error":"busy"}' }, { status: 429 });
    const { logger, lines, text } = capturingLogger();
    let done = false;
    const writing = v2({ logger, backoffMs: 1_000 })
      .write([point('m1', T0, { p: 1 })])
      .then(() => {
        done = true;
      });
    await until(() => lines.length === 1, 'the first retry to be logged');
    await clock.advance(999);
    expect(influx.requests).toHaveLength(1);
    await clock.advance(1);
    await until(() => lines.length === 2, 'the second retry to be logged');
    expect(influx.requests).toHaveLength(2);
    // Doubled backoff: 2 s before the third attempt.
    await clock.advance(1_999);
    expect(influx.requests).toHaveLength(2);
    await clock.advance(1);
    await writing;
    expect(done).toBe(true);
    expect(influx.requests).toHaveLength(3);
    expect(new Set(influx.requests.map((r) => r.body)).size).toBe(1);
    expect(lines.map((l) => [l.status, l.attempt, l.delayMs])).toEqual([
      [503, 1, 1_000],
      [429, 2, 2_000],
    ]);
    expect(text()).not.toContain(TOKEN);
  });

  it('does not retry a 4xx and reports the body', async () => {
    influx.answer({ status: 400, body: '{"error":"partial write: field type conflict"}' });
    const error = await failure(v2().write([point('m1', T0, { p: 1 })]));
    expect(error.code).toBe('TSDB_REJECTED');
    expect(error.httpStatus).toBe(502);
    expect(error.message).toContain('HTTP 400');
    expect(error.message).toContain('field type conflict');
    expect(error.details).toMatchObject({ status: 400 });
    expect(influx.requests).toHaveLength(1);
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(TOKEN);
  });

  it('gives up after the last retry with TSDB_UNAVAILABLE', async () => {
    influx.answer({ status: 500, body: 'boom' }, { status: 502, body: 'bad gateway' });
    const { logger, lines } = capturingLogger();
    const store = v2({ retries: 1, backoffMs: 10, logger });
    const writing = failure(store.write([point('m1', T0, { p: 1 })]));
    await until(() => lines.length === 1, 'the retry to be logged');
    await clock.advance(10);
    const error = await writing;
    expect(error.code).toBe('TSDB_UNAVAILABLE');
    expect(error.message).toBe('InfluxDB write failed after 2 attempt(s): HTTP 502: bad gateway');
    expect(influx.requests).toHaveLength(2);
  });

  it('retries network errors and reports the cause', async () => {
    await influx.close();
    const { logger, lines } = capturingLogger();
    const store = v2({ retries: 1, backoffMs: 10, logger });
    const writing = failure(store.write([point('m1', T0, { p: 1 })]));
    await until(() => lines.length === 1, 'the retry to be logged');
    expect(lines[0]?.error).toMatch(/ECONNREFUSED/);
    await clock.advance(10);
    const error = await writing;
    expect(error.code).toBe('TSDB_UNAVAILABLE');
    expect(error.message).toMatch(/failed after 2 attempt\(s\): .*ECONNREFUSED/);
    influx = await startFakeInflux();
  });

  it('aborts a request the server does not answer within the timeout', async () => {
    influx.answer('hang');
    const writing = failure(
      v2({ retries: 0, timeoutMs: 5_000 }).write([point('m1', T0, { p: 1 })]),
    );
    await until(() => influx.requests.length === 1);
    await clock.advance(5_000);
    const error = await writing;
    expect(error.code).toBe('TSDB_UNAVAILABLE');
    expect(error.message).toContain('no answer within 5000 ms');
  });

  it('queries through the v1-compatible /query endpoint with the token', async () => {
    influx.answer({
      status: 200,
      body: JSON.stringify({
        results: [
          {
            statement_id: 0,
            series: [
              {
                name: 'energy',
                tags: { site: 'b' },
                columns: ['time', 'mean'],
                values: [
                  [T0, 2],
                  [T0 + 60_000, null],
                ],
              },
              {
                name: 'energy',
                tags: { site: 'a' },
                columns: ['time', 'mean'],
                values: [[T0, 1.5]],
              },
            ],
          },
        ],
      }),
    });
    const result = await v2().query({
      measurement: 'energy',
      field: 'power_w',
      tags: { device: "it's" },
      from: T0 + 1,
      to: T0 + 120_000,
      resolution: '1m',
      groupBy: ['site'],
    });
    expect(result).toEqual({
      resolution: '1m',
      series: [
        { tags: { site: 'a' }, points: [[T0, 1.5]] },
        { tags: { site: 'b' }, points: [[T0, 2]] },
      ],
    });
    const [request] = influx.requests;
    expect(request?.url.pathname).toBe('/query');
    expect(Object.fromEntries(request?.url.searchParams ?? [])).toEqual({
      db: 'series',
      epoch: 'ms',
    });
    expect(request?.headers.authorization).toBe(`Token ${TOKEN}`);
    expect(new URLSearchParams(request?.body).get('q')).toBe(
      `SELECT mean("power_w") FROM "energy" WHERE time >= ${T0}ms AND time < ${T0 + 120_000}ms AND "device" = 'it\\'s' GROUP BY time(60000ms), "site" fill(none)`,
    );
  });

  it('reports an error answer to a query', async () => {
    influx.answer({
      status: 200,
      body: '{"results":[{"statement_id":0,"error":"database not found: x"}]}',
    });
    const error = await failure(v2().latest('energy', 'p'));
    expect(error.code).toBe('TSDB_REJECTED');
    expect(error.message).toBe('InfluxDB refused the query: database not found: x');
  });
});
