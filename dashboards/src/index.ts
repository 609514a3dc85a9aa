export { DASHBOARD_MOUNTS, type DashboardMount } from './mounts.js';
