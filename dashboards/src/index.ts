export { DASHBOARD_MOUNTS, type DashboardMount } from './mounts.js';
export { GRAFANA_PROVISIONING } from './grafana.js';
