import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { deviceStatusListener } from '../../src/devices/device-status-listener.js';
import { IngestionHub } from '../../src/ingestion/ingestion-hub.js';
import { IngestPipeline } from '../../src/ingestion/ingest-pipeline.js';
import { InfluxStore } from '../../src/timeseries/influx-store.js';
import { silent } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { startInfluxd, type Influxd } from '../timeseries/influxd-process.js';
import { interpolate, type MacroValues } from './grafana-macros.js';
import { panelsOf, provisionedDashboards, type Dashboard } from './grafana-provisioning.js';
import { emptinessProblems, queryInflux, seriesOf } from './influxql-answer.js';
import {
  SAMPLE_DEVICES,
  SAMPLE_FROM,
  SAMPLE_STEP_MS,
  SAMPLE_TO,
  sampleTown,
} from './sample-town.js';

// Every query of every provisioned dashboard, run on a real InfluxDB 1.x holding what the cloud
// API writes: two days of a sample town's messages (readings, locker and lighting events, births
// and wills) run through ingestion's own pipeline (decoding, deduplication, the points it
// derives, the device status it keeps) into the API's InfluxDB store. InfluxDB answers a query
// on a measurement or field nobody writes with an empty result, so each panel must find a value
// in every column it selects: a misspelt measurement, field or tag fails here, not on a town's
// wall.

const DATABASE = 'hameau';
/** Messages per batch, as `HAMEAU_INGEST_BATCH_MAX` has it by default. */
const BATCH = 5_000;
/** Every measurement ingestion writes: the agents' streams and what it derives. */
const MEASUREMENTS = [
  'device_status',
  'energy',
  'lighting',
  'lighting_level',
  'lighting_night',
  'locker',
  'locker_event',
  'meter-health',
  'outbox',
];
let influxd: Influxd;
let database: TestDatabase | undefined;

beforeAll(async () => {
  influxd = await startInfluxd();
  await influxd.admin(`CREATE DATABASE "${DATABASE}"`);
  database = await createTestDatabase('sqlite');
  const db = database.db;
  for (const site of new Set(SAMPLE_DEVICES.map((d) => d.site))) {
    await db
      .insertInto('sites')
      .values({ id: site, name: site, created_at: SAMPLE_FROM })
      .execute();
  }
  for (const d of SAMPLE_DEVICES) {
    await db
      .insertInto('devices')
      .values({ site_id: d.site, device_id: d.device, kind: d.kind, created_at: SAMPLE_FROM })
      .execute();
  }
  const clock = new ManualClock(SAMPLE_TO);
  const store = new InfluxStore(
    { version: 1, url: influxd.url, database: DATABASE },
    { clock, retries: 0 },
  );
  const hub = new IngestionHub();
  hub.addListener(deviceStatusListener({ db, log: silent, now: () => clock.now() }));
  const pipeline = new IngestPipeline({ db, store, hub, clock, log: silent });
  const entries = sampleTown().map(({ topic, payload, receivedAt }, i) => ({
    id: i + 1,
    topic,
    payload: Buffer.from(payload),
    receivedAt,
  }));
  for (let i = 0; i < entries.length; i += BATCH) {
    const outcome = await pipeline.process(entries.slice(i, i + BATCH));
    if (outcome.rejected.length > 0) {
      throw new Error(`sample messages refused: ${JSON.stringify(outcome.rejected.slice(0, 3))}`);
    }
  }
  await store.close();
}, 60_000);

afterAll(async () => {
  await influxd.stop();
  await database?.drop();
});

/** The dashboard viewed over the whole sample, every variable on "All". */
const RANGE = { from: SAMPLE_FROM, to: SAMPLE_TO, interval: `${SAMPLE_STEP_MS / 60_000}m` };

const run = (statement: string) => queryInflux(influxd.url, DATABASE, statement);

/**
 * The variables' values, as Grafana finds them: each variable's query run in order, with the
 * variables before it substituted, and "All" selected.
 */
function variableValues(dashboard: Dashboard): Promise<MacroValues> {
  let found = foundValues.get(dashboard.uid);
  if (found === undefined) {
    found = findVariableValues(dashboard);
    foundValues.set(dashboard.uid, found);
  }
  return found;
}
const foundValues = new Map<string, Promise<MacroValues>>();

async function findVariableValues(dashboard: Dashboard): Promise<MacroValues> {
  const variables: Record<string, string[]> = {};
  for (const variable of dashboard.templating?.list ?? []) {
    const statement = interpolate(variable.query ?? '', { ...RANGE, variables });
    const answer = await run(statement);
    const values = seriesOf(answer).flatMap((s) =>
      (s.values ?? []).map((row) => String(row[s.columns.indexOf('value')])),
    );
    if (values.length === 0) {
      throw new Error(`$${variable.name} has no values: ${statement} → ${JSON.stringify(answer)}`);
    }
    variables[variable.name] = [...new Set(values)].sort();
  }
  return { ...RANGE, variables };
}

const dashboards = provisionedDashboards();

/** Every query target of every panel: [dashboard uid, panel title, refId, query, dashboard]. */
const targets = dashboards.flatMap((dashboard) =>
  panelsOf(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map(
      (t) => [dashboard.uid, panel.title, t.refId, t.query ?? '', dashboard] as const,
    ),
  ),
);

describe('Grafana dashboards on what the cloud API writes to InfluxDB', () => {
  it('has sample data in every measurement ingestion writes', async () => {
    const answer = await run('SHOW MEASUREMENTS');
    const names = seriesOf(answer).flatMap((s) => (s.values ?? []).map((row) => row[0]));
    expect(names.sort()).toEqual(MEASUREMENTS);
  });

  it('shows every measurement in some panel', () => {
    const queried = targets.map(([, , , query]) => query).join('\n');
    for (const measurement of MEASUREMENTS) {
      expect(queried, measurement).toContain(`FROM "${measurement}"`);
    }
  });

  it.each(dashboards.map((d) => [d.uid, d] as const))(
    '%s: every variable finds values',
    async (_uid, dashboard) => {
      const values = await variableValues(dashboard);
      for (const variable of dashboard.templating?.list ?? []) {
        expect(values.variables[variable.name]?.length, variable.name).toBeGreaterThan(0);
      }
    },
  );

  it.each(targets)('%s · %s (%s) finds data in every column', async (...args) => {
    const [, , , query, dashboard] = args;
    const statement = interpolate(query, await variableValues(dashboard));
    const answer = await run(statement);
    expect(emptinessProblems(answer), statement).toEqual([]);
  });

  describe('the check itself', () => {
    // The same check must refuse what a wrong dashboard would ask, or the test above proves
    // nothing: a field, a measurement or a tag value that nobody writes.
    const energy = dashboards.find((d) => d.uid === 'hameau-energy');
    const power = energy && panelsOf(energy).find((p) => p.title === 'Active power');
    const query = power?.targets?.[0]?.query ?? '';

    async function problemsOf(edited: string): Promise<string[]> {
      if (energy === undefined) throw new Error('no energy dashboard');
      return emptinessProblems(await run(interpolate(edited, await variableValues(energy))));
    }

    it('passes the real query', async () => {
      expect(query).toContain('mean("power_w")');
      expect(await problemsOf(query)).toEqual([]);
    });

    it('refuses a field the writer does not write', async () => {
      expect(await problemsOf(query.replace('"power_w"', '"power_kw"'))).toEqual([
        'no series: a measurement, field or tag value is not written',
      ]);
    });

    it('refuses one wrong field among right ones', async () => {
      const voltage = energy && panelsOf(energy).find((p) => p.title === 'Voltage');
      const edited = (voltage?.targets?.[0]?.query ?? '').replace(
        '"voltage_l3_v"',
        '"voltage_l4_v"',
      );
      expect(await problemsOf(edited)).toEqual([
        'column "L3" is null in every row of every series',
      ]);
    });

    it('refuses a measurement the writer does not write', async () => {
      expect(await problemsOf(query.replace('FROM "energy"', 'FROM "energy_meters"'))).toHaveLength(
        1,
      );
    });

    it('refuses a tag the writer does not write', async () => {
      expect(await problemsOf(query.replace('"source" =~', '"meter" =~'))).toHaveLength(1);
    });

    it('reports an InfluxQL error', async () => {
      const [problem] = await problemsOf(query.replace('GROUP BY', 'GROUP'));
      expect(problem).toMatch(/^InfluxDB error: /);
    });

    it('refuses an event type nobody sends, even in a panel that fills empty days with 0', async () => {
      const lockers = dashboards.find((d) => d.uid === 'hameau-lockers');
      const perDay = lockers && panelsOf(lockers).find((p) => p.title.startsWith('Pickups'));
      const forced = perDay?.targets?.find((t) => t.query?.includes("'door-forced'"))?.query;
      if (lockers === undefined || forced === undefined) throw new Error('no forced-door query');
      const values = await variableValues(lockers);
      const problems = async (edited: string) =>
        emptinessProblems(await run(interpolate(edited, values)));
      expect(forced).toContain('fill(0)');
      expect(await problems(forced)).toEqual([]);
      expect(await problems(forced.replace("'door-forced'", "'door-smashed'"))).toEqual([
        'no series: a measurement, field or tag value is not written',
      ]);
    });
  });
});
