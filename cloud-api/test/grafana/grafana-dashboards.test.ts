import { describe, expect, it } from 'vitest';
import { variablesUsed } from './grafana-macros.js';
import {
  dashboardProvider,
  panelsOf,
  provisionedDashboards,
  provisionedDatasources,
  type Dashboard,
  type Panel,
} from './grafana-provisioning.js';

// The provisioning files checked as files: what Grafana 12 would refuse or show wrongly, without
// a Grafana here. The queries themselves run against a real InfluxDB in
// grafana-queries.influxd.test.ts.

/** Grafana 12.0's dashboard schema version (docker-compose.yml runs grafana-oss:12.0.0). */
const GRAFANA_12_SCHEMA_VERSION = 41;
/** The width of Grafana's grid. */
const GRID_COLUMNS = 24;

const datasources = provisionedDatasources();
const dashboards = provisionedDashboards();
const byFile = dashboards.map((d): [string, Dashboard] => [d.file.split('/').pop() ?? '', d]);

/** Every data source reference of a dashboard: panels, their queries and its variables. */
function datasourceUids(dashboard: Dashboard): string[] {
  const uids: string[] = [];
  for (const panel of panelsOf(dashboard)) {
    if (panel.datasource) uids.push(panel.datasource.uid);
    for (const target of panel.targets ?? [])
      if (target.datasource) uids.push(target.datasource.uid);
  }
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.datasource) uids.push(variable.datasource.uid);
  }
  return uids;
}

function overlaps(a: Panel, b: Panel): boolean {
  const [p, q] = [a.gridPos, b.gridPos];
  return p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h;
}

describe('the provisioned InfluxDB data source', () => {
  it('is one InfluxQL data source with a fixed uid', () => {
    expect(datasources).toHaveLength(1);
    const [influx] = datasources;
    expect(influx).toMatchObject({
      uid: 'hameau-influxdb',
      type: 'influxdb',
      access: 'proxy',
      jsonData: { version: 'InfluxQL' },
    });
  });

  it('takes its address, database and read-only account from the environment', () => {
    const [influx] = datasources;
    expect(influx?.url).toBe('$HAMEAU_INFLUX_URL');
    expect(influx?.['user']).toBe('$HAMEAU_INFLUX_READ_USERNAME');
    expect(influx?.jsonData?.['dbName']).toBe('$HAMEAU_INFLUX_DB');
    // A password in the file would be a default secret: it must come from the environment.
    expect(influx?.secureJsonData).toEqual({ password: '$HAMEAU_INFLUX_READ_PASSWORD' });
  });
});

describe('the dashboard provider', () => {
  it('loads the dashboards into a folder, read-only', () => {
    expect(dashboardProvider()).toMatchObject({
      type: 'file',
      folder: 'Hameau',
      allowUiUpdates: false,
      options: { path: '/etc/grafana/provisioning/dashboards' },
    });
  });
});

describe('the dashboards', () => {
  it('cover energy, lighting, lockers and device health, each with its own uid', () => {
    expect(byFile.map(([file]) => file).sort()).toEqual([
      'device-health.json',
      'energy.json',
      'lighting.json',
      'lockers.json',
    ]);
    const uids = dashboards.map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  describe.each(byFile)('%s', (_file, dashboard) => {
    const panels = panelsOf(dashboard);
    const topLevel = dashboard.panels;

    it("is in Grafana 12's schema", () => {
      expect(dashboard.schemaVersion).toBe(GRAFANA_12_SCHEMA_VERSION);
    });

    it('gives every panel its own id', () => {
      const ids = panels.map((p) => p.id);
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    });

    it('places every panel inside the grid, without overlaps', () => {
      const problems: string[] = [];
      for (const p of topLevel) {
        const { x, y, w, h } = p.gridPos;
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > GRID_COLUMNS) {
          problems.push(`${p.title}: ${JSON.stringify(p.gridPos)}`);
        }
      }
      for (const [i, a] of topLevel.entries()) {
        for (const b of topLevel.slice(i + 1)) {
          if (overlaps(a, b)) problems.push(`${a.title} overlaps ${b.title}`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('reads only the provisioned data source', () => {
      const known = new Set(datasources.map((d) => d.uid));
      const uids = datasourceUids(dashboard);
      expect(uids.length).toBeGreaterThan(0);
      expect(uids.filter((uid) => !known.has(uid))).toEqual([]);
    });

    it('gives every panel but rows at least one raw InfluxQL query over the time range', () => {
      const problems: string[] = [];
      for (const panel of panels.filter((p) => p.type !== 'row')) {
        const targets = panel.targets ?? [];
        if (targets.length === 0) problems.push(`${panel.title}: no query`);
        for (const t of targets) {
          if (t.rawQuery !== true || t.query === undefined) {
            problems.push(`${panel.title} ${t.refId}: not a raw InfluxQL query`);
          } else if (!t.query.includes('$timeFilter')) {
            problems.push(`${panel.title} ${t.refId}: no $timeFilter`);
          } else if (/GROUP BY time\((?!\$__interval\)|\d+[mhd]\))/.test(t.query)) {
            problems.push(
              `${panel.title} ${t.refId}: GROUP BY time() neither $__interval nor fixed`,
            );
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('defines every variable its queries use, before the variables that use it', () => {
      const defined: string[] = [];
      const problems: string[] = [];
      for (const variable of dashboard.templating?.list ?? []) {
        for (const name of variablesUsed(variable.query ?? '')) {
          if (!defined.includes(name)) problems.push(`$${variable.name} uses $${name} before it`);
        }
        defined.push(variable.name);
      }
      for (const panel of panels) {
        for (const t of panel.targets ?? []) {
          for (const name of variablesUsed(t.query ?? '')) {
            if (!defined.includes(name)) problems.push(`${panel.title}: $${name} is not defined`);
          }
        }
      }
      expect(problems).toEqual([]);
    });
  });
});
