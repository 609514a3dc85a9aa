// One launcher for a private Debian influxd, shared with the benchmark that owns it
// (bench/src/ingest/influxd-process.ts): tests and bench start the server the same way.
export { startInfluxd, type Influxd } from '../../../bench/src/ingest/influxd-process.js';
