/** The end-to-end scenarios: where readings go, and where the API keeps its state. */
export const E2E_SCENARIOS = ['embedded-sqlite', 'embedded-postgres', 'influx-sqlite'] as const;
export type E2eScenario = (typeof E2E_SCENARIOS)[number];

/** The stores written straight, without broker or API: each store's own speed. */
export const DIRECT_SCENARIOS = ['influx-direct', 'embedded-direct'] as const;
export type DirectScenario = (typeof DIRECT_SCENARIOS)[number];

export const SCENARIO_NAMES = [...E2E_SCENARIOS, ...DIRECT_SCENARIOS] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export type StoreKind = 'embedded' | 'influxdb';

export const STORE_OF: Readonly<Record<ScenarioName, StoreKind>> = {
  'embedded-sqlite': 'embedded',
  'embedded-postgres': 'embedded',
  'influx-sqlite': 'influxdb',
  'influx-direct': 'influxdb',
  'embedded-direct': 'embedded',
};

/** Where the API's own database (registry, ledger, device status) lives in a scenario. */
export const STATE_OF: Readonly<Record<E2eScenario, 'sqlite' | 'postgres'>> = {
  'embedded-sqlite': 'sqlite',
  'embedded-postgres': 'postgres',
  'influx-sqlite': 'sqlite',
};

/** The direct-write baseline each store's end-to-end rows are compared with. */
export const BASELINE_OF: Readonly<Record<StoreKind, DirectScenario>> = {
  embedded: 'embedded-direct',
  influxdb: 'influx-direct',
};

/** How each scenario is named in tables. */
export const SCENARIO_LABEL: Readonly<Record<ScenarioName, string>> = {
  'embedded-sqlite': 'embedded store, SQLite state',
  'embedded-postgres': 'embedded store, PostgreSQL state',
  'influx-sqlite': 'InfluxDB 1.x, SQLite state',
  'influx-direct': 'InfluxDB 1.x, written straight',
  'embedded-direct': 'embedded store, written straight',
};

export const isE2e = (s: ScenarioName): s is E2eScenario =>
  (E2E_SCENARIOS as readonly string[]).includes(s);
