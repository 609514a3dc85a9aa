import type { Logger } from 'pino';
import type { LampNodeGroupOptionsInput } from '@hameau/firmware-sim';
import { startCloudServer, type CloudServer } from '../cloud-server.js';

// A street-lighting cabinet of a town, as the lighting end-to-end test and `bench:lighting`'s
// override latency both run it: three lamp nodes behind a Modbus TCP gateway, lighting two
// zones; our broker authenticating from the API's registry; the API ingesting from it and
// sending commands through it; the cabinet's agent configured to reach both. One definition,
// so the test and the bench measure the same path.

/** The cabinet's site and agent. */
export const CABINET_SITE = 'senlis';
export const CABINET_DEVICE = 'lamps-centre';

/** Two zones: `rue` (two nodes) and `place` (one), so an override of one leaves the other. */
export const CABINET_ZONE_NODES = {
  rue: ['rue-01', 'rue-02'],
  place: ['place-01'],
} as const;

/** The nodes on the line, in bus order (the agent serves them in this order each cycle). */
export const CABINET_NODES = [
  { id: 'rue-01', unit: 1, ratedW: 60 },
  { id: 'rue-02', unit: 2, ratedW: 60 },
  { id: 'place-01', unit: 11, ratedW: 90 },
] as const;

/**
 * The simulated nodes behind a Modbus TCP gateway on a free loopback port, each at `level`
 * as if commanded just before (a level no decision gives, when the caller wants to see the
 * agent's first write).
 */
export function cabinetNodeGroup(level: number): LampNodeGroupOptionsInput {
  return {
    id: 'cabinet',
    tcp: { port: 0 },
    nodes: CABINET_NODES.map((n) => ({ ...n, level })),
  };
}

/** How the cabinet's agent reaches the cloud and the gateway. */
export interface CabinetSiteOptions {
  readonly mqttUrl: string;
  /** The agent's MQTT password, or the file holding it (relative to the site file). */
  readonly password: { readonly value: string } | { readonly file: string };
  readonly gatewayPort: number;
  readonly dataDir: string;
  readonly logLevel: string;
  /** More keys of `modules.lighting` (programs, weather…), over the cabinet's own. */
  readonly lighting?: Readonly<Record<string, unknown>>;
}

/**
 * The cabinet's site.yaml, as an object (JSON is YAML: it goes through the same loader and
 * checks as a town's file): the lighting module alone, on the Senlis cathedral quarter, its
 * clock believed from the start (a test machine has no timesyncd).
 */
export function cabinetSite(o: CabinetSiteOptions): Record<string, unknown> {
  return {
    site: CABINET_SITE,
    device: CABINET_DEVICE,
    kind: 'lighting',
    mqtt: {
      url: o.mqttUrl,
      ...('value' in o.password
        ? { password: o.password.value }
        : { passwordFile: o.password.file }),
      reconnect: { minMs: 100, maxMs: 1000 },
    },
    outbox: { replayPerSecond: 5000, resendAfterSeconds: 2 },
    dataDir: o.dataDir,
    log: { level: o.logLevel },
    modules: {
      lighting: {
        site: { latitude: 49.2069, longitude: 2.5865, timeZone: 'Europe/Paris' },
        zones: [
          { id: 'rue', name: 'Rue de la République', class: 'M4' },
          { id: 'place', name: 'Place du Parvis', class: 'P3' },
        ],
        buses: [
          {
            type: 'modbus',
            id: 'cabinet',
            transport: 'tcp',
            host: '127.0.0.1',
            port: o.gatewayPort,
            timeoutMs: 1000,
            reconnect: { minMs: 100, maxMs: 1000 },
            nodes: CABINET_NODES.map((n) => ({ id: n.id, unitId: n.unit })),
          },
        ],
        zoneNodes: CABINET_ZONE_NODES,
        clock: { source: 'assume-synced' },
        ...o.lighting,
      },
    },
  };
}

/** The cloud side of the town, running in this process. */
export interface CabinetCloud extends CloudServer {
  /** The cabinet agent's MQTT password, shown once at registration. */
  readonly agentPassword: string;
}

/**
 * Starts the town's server (`startCloudServer`: our broker, then the API on SQLite in `dir`
 * connected to it), registers the cabinet's agent, and resolves once both are done.
 */
export async function startCabinetCloud(o: {
  readonly dir: string;
  readonly log: Logger;
  /** The API's ingestion batches wait at most this long (a test wants its events soon). */
  readonly batchMaxDelayMs?: number;
  /** An Open-Meteo URL the API's weather relay fetches (none: no relay). */
  readonly weatherUrl?: string;
}): Promise<CabinetCloud> {
  const server = await startCloudServer(o);
  try {
    const created = await server.api.app.hameau.devices.create(
      { site: CABINET_SITE, device: CABINET_DEVICE, kind: 'lighting' },
      'cabinet-town',
    );
    return { ...server, agentPassword: created.mqtt.password };
  } catch (err) {
    await server.close();
    throw err;
  }
}
