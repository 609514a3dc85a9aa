// The site.yaml of each measured agent, as data: the same agent identity rules, the same
// loader and checks as a town's file (JSON is YAML). Every setting not named here is the
// agent's default, so the figures are those of a box configured as the docs describe it.

import { agentMeterModel } from '@hameau/firmware-sim';

/** Where the measured agent finds the cloud and each simulated device. */
export interface TownPorts {
  readonly mqttUrl: string;
  readonly lockBank: {
    readonly host: string;
    readonly port: number;
    /** Board addresses on the bank's bus. */
    readonly boards: readonly number[];
  };
  /** Every Modbus TCP port with meters behind it (gateways, and the lighting cabinet's line). */
  readonly meterPorts: readonly {
    readonly id: string;
    readonly host: string;
    readonly port: number;
    /** `model` is firmware-sim's name (`sdm630`…). */
    readonly meters: readonly {
      readonly id: string;
      readonly model: string;
      readonly unitId: number;
    }[];
  }[];
  readonly lampNodes: {
    readonly id: string;
    readonly host: string;
    readonly port: number;
    readonly nodes: readonly { readonly id: string; readonly unitId: number }[];
    /** The cabinet's own meter, on the same line, or null. */
    readonly meter: string | null;
  };
}

/** What differs between the two measured agents. */
export type AgentVariant = 'baseline' | 'full';

/** The agents' site; each variant is a device of its own, so their outboxes never mix. */
export const BENCH_SITE = 'bench';
export const DEVICE_OF: Readonly<Record<AgentVariant, string>> = {
  baseline: 'idle-bare',
  full: 'idle-full',
};
/** The file beside site.yaml that holds the agent's MQTT password. */
export const PASSWORD_FILE = 'mqtt-password';

/** The lock boards' boxes: three locks a board, sizes in turn. */
const LOCKS_PER_BOARD = 3;
const SIZES = ['S', 'M', 'L'] as const;

/**
 * The site.yaml of a variant. `baseline`: no module, only what every agent runs (the MQTT
 * link, the outbox and its stats, the database, the command and config machinery). `full`:
 * the three modules, each at its defaults where the docs give one: `locker` on the town hall's
 * two boards with its kiosk page, `metering` reading every meter of the town (including the
 * lighting cabinet's) at the default interval, `lighting` on the cabinet's nodes, one zone per
 * street, with the cabinet check against its meter.
 */
export function agentSite(
  variant: AgentVariant,
  town: TownPorts,
  kioskPort: number,
): Record<string, unknown> {
  return {
    site: BENCH_SITE,
    device: DEVICE_OF[variant],
    // The same kind for both, so both subscribe to the same topics.
    kind: 'locker',
    mqtt: { url: town.mqttUrl, passwordFile: PASSWORD_FILE },
    dataDir: '.',
    log: { level: 'warn' },
    modules: variant === 'full' ? fullModules(town, kioskPort) : {},
  };
}

function fullModules(town: TownPorts, kioskPort: number): Record<string, unknown> {
  const { lockBank, lampNodes } = town;
  const zones = zonesOf(lampNodes.nodes.map((n) => n.id));
  return {
    locker: {
      name: 'Consigne de la mairie',
      buses: [
        {
          id: 'main',
          transport: { type: 'tcp', host: lockBank.host, port: lockBank.port },
          boards: lockBank.boards,
        },
      ],
      boxes: lockBank.boards.flatMap((board, b) =>
        Array.from({ length: LOCKS_PER_BOARD }, (_, lock) => ({
          number: b * LOCKS_PER_BOARD + lock + 1,
          size: SIZES[lock % SIZES.length],
          bus: 'main',
          board,
          lock,
        })),
      ),
      kiosk: { host: '127.0.0.1', port: kioskPort, terminal: 'kiosk' },
    },
    metering: {
      buses: town.meterPorts.map((p) => ({
        id: p.id,
        transport: 'tcp',
        host: p.host,
        port: p.port,
        meters: p.meters.map((m) => ({
          id: m.id,
          model: agentMeterModel(m.model),
          unitId: m.unitId,
        })),
      })),
    },
    lighting: {
      site: { latitude: 49.1939, longitude: 2.4711, timeZone: 'Europe/Paris' },
      zones: [...zones.keys()].map((id) => ({ id, name: id, class: 'P3' })),
      buses: [
        {
          type: 'modbus',
          id: lampNodes.id,
          transport: 'tcp',
          host: lampNodes.host,
          port: lampNodes.port,
          nodes: lampNodes.nodes.map((n) => ({ id: n.id, unitId: n.unitId })),
        },
      ],
      zoneNodes: Object.fromEntries(zones),
      ...(lampNodes.meter !== null && { energyChecks: { cabinet: { meter: lampNodes.meter } } }),
      // This machine has no systemd-timesyncd to wait for: its clock is taken as right.
      clock: { source: 'assume-synced' },
    },
  };
}

/** Nodes grouped by street: `gare-01` and `gare-02` light zone `gare`. */
export function zonesOf(nodeIds: readonly string[]): Map<string, string[]> {
  const zones = new Map<string, string[]>();
  for (const id of nodeIds) {
    const zone = id.replace(/-\d+$/, '');
    zones.set(zone, [...(zones.get(zone) ?? []), id]);
  }
  return zones;
}
