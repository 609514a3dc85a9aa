import { fileURLToPath } from 'node:url';

/**
 * Grafana's provisioning folders, laid out as Grafana reads them: `datasources/` (the InfluxDB
 * data source) and `dashboards/` (the provider and the dashboards' JSON). docker-compose.yml
 * mounts both into the Grafana container; tests read them from here. `grafana/` sits beside
 * `src/` and `dist/`, one level above this module in both.
 */
export const GRAFANA_PROVISIONING = Object.freeze({
  datasources: fileURLToPath(new URL('../grafana/datasources/', import.meta.url)),
  dashboards: fileURLToPath(new URL('../grafana/dashboards/', import.meta.url)),
});
