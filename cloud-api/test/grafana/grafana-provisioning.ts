import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { GRAFANA_PROVISIONING } from '@hameau/dashboards';

/*
 * Reads dashboards/grafana as Grafana would, keeping only what the tests check: each file is
 * parsed with a schema of those parts, so a malformed file fails with the path of the bad field.
 */

const DatasourceRef = z.looseObject({ type: z.string(), uid: z.string().min(1) });
export type DatasourceRef = z.infer<typeof DatasourceRef>;

const DatasourcesFile = z.looseObject({
  apiVersion: z.literal(1),
  datasources: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        uid: z.string().min(1),
        type: z.string().min(1),
        url: z.string().min(1),
        jsonData: z.record(z.string(), z.unknown()).optional(),
        secureJsonData: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .min(1),
});
export type ProvisionedDatasource = z.infer<typeof DatasourcesFile>['datasources'][number];

const ProviderFile = z.looseObject({
  apiVersion: z.literal(1),
  providers: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        type: z.literal('file'),
        options: z.looseObject({ path: z.string().min(1) }),
      }),
    )
    .length(1),
});

const Target = z.looseObject({
  refId: z.string().min(1),
  datasource: DatasourceRef.optional(),
  rawQuery: z.boolean().optional(),
  query: z.string().optional(),
  resultFormat: z.enum(['time_series', 'table', 'logs']).optional(),
});
export type Target = z.infer<typeof Target>;

const GridPos = z.looseObject({
  x: z.number().int(),
  y: z.number().int(),
  w: z.number().int(),
  h: z.number().int(),
});
export type GridPos = z.infer<typeof GridPos>;

interface PanelShape {
  id: number;
  type: string;
  title: string;
  gridPos: GridPos;
  datasource?: DatasourceRef | undefined;
  targets?: Target[] | undefined;
  /** A collapsed row keeps its panels here. */
  panels?: PanelShape[] | undefined;
}
const Panel: z.ZodType<PanelShape> = z.lazy(() =>
  z.looseObject({
    id: z.number().int().positive(),
    type: z.string().min(1),
    title: z.string(),
    gridPos: GridPos,
    datasource: DatasourceRef.optional(),
    targets: z.array(Target).optional(),
    panels: z.array(Panel).optional(),
  }),
);
export type Panel = PanelShape;

const Variable = z.looseObject({
  name: z.string().regex(/^\w+$/),
  type: z.string(),
  datasource: DatasourceRef.optional(),
  query: z.string().optional(),
  multi: z.boolean().optional(),
  includeAll: z.boolean().optional(),
});
export type Variable = z.infer<typeof Variable>;

const Dashboard = z.looseObject({
  uid: z.string().min(1).max(40),
  title: z.string().min(1),
  schemaVersion: z.number().int(),
  panels: z.array(Panel).min(1),
  templating: z.looseObject({ list: z.array(Variable) }).optional(),
});
export type Dashboard = z.infer<typeof Dashboard> & { readonly file: string };

function readYaml(path: string): unknown {
  return parse(readFileSync(path, 'utf8'));
}

/** Every data source of `datasources/*.yaml`. */
export function provisionedDatasources(): ProvisionedDatasource[] {
  return yamlFilesIn(GRAFANA_PROVISIONING.datasources).flatMap(
    (path) => DatasourcesFile.parse(readYaml(path)).datasources,
  );
}

/** The dashboard provider of `dashboards/*.yaml` (there is one). */
export function dashboardProvider(): z.infer<typeof ProviderFile>['providers'][number] {
  const files = yamlFilesIn(GRAFANA_PROVISIONING.dashboards);
  if (files.length !== 1) throw new Error(`expected one provider file, found ${files.join(', ')}`);
  const [provider] = ProviderFile.parse(readYaml(files[0] as string)).providers;
  return provider as NonNullable<typeof provider>;
}

/** Every dashboard JSON under `dashboards/`, as the file provider finds them (recursively). */
export function provisionedDashboards(): Dashboard[] {
  return jsonFilesUnder(GRAFANA_PROVISIONING.dashboards).map((path) => {
    const parsed = Dashboard.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) throw new Error(`${path}: ${z.prettifyError(parsed.error)}`);
    return { ...parsed.data, file: path };
  });
}

/** Every panel of a dashboard, rows and the panels of collapsed rows included. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  const out: Panel[] = [];
  const visit = (panels: readonly Panel[]) => {
    for (const panel of panels) {
      out.push(panel);
      visit(panel.panels ?? []);
    }
  };
  visit(dashboard.panels);
  return out;
}

function yamlFilesIn(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(folder, name));
}

function jsonFilesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(folder, name));
}
