import { createServer, type Server } from 'node:http';
import type { Aedes } from 'aedes';
import type { Logger } from 'pino';
import type { BrokerMetrics } from './metrics.js';

/** `/healthz` (JSON) and `/metrics` (Prometheus text) for probes and scrapers. */
export function createHealthServer(deps: {
  aedes: Aedes;
  metrics: BrokerMetrics;
  log: Logger;
}): Server {
  const startedAt = Date.now();
  return createServer((req, res) => {
    const url = req.url ?? '/';
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (url === '/healthz') {
      const healthy = !deps.aedes.closed;
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          status: healthy ? 'ok' : 'closed',
          clients: deps.aedes.connectedClients,
          brokerId: deps.aedes.id,
        }),
      );
      return;
    }
    if (url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(
        deps.metrics.render({
          clientsConnected: deps.aedes.connectedClients,
          uptimeSeconds: (Date.now() - startedAt) / 1000,
        }),
      );
      return;
    }
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: 'not found' }));
  }).on('clientError', (err, socket) => {
    deps.log.debug({ err: err.message }, 'bad http request');
    socket.destroy();
  });
}
