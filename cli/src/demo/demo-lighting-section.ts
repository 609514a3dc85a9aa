import type { DemoDevices } from './demo-scenario.js';
import { DEMO_LIGHTING } from './demo-town-plan.js';

/** `modules.lighting` as written: what site.yaml holds and what the cloud stores and sends. */
export type LightingSection = Readonly<Record<string, unknown>>;

/**
 * The keys of `modules.lighting` that describe the cabinet's wiring rather than how the town
 * lights its streets: the lamp-node line (its gateway's address), which node lights which zone,
 * and how the box keeps time. The demo writes them from the simulator it started; everything
 * else in the section (zones, programs, calendar, events, and any module setting a technician
 * adds) is the town's to edit.
 */
export const WIRING_KEYS = ['buses', 'zoneNodes', 'clock'] as const;

/** The wiring of the demo's lighting cabinet, from the simulator's address in this run. */
export function demoLightingWiring(devices: DemoDevices): LightingSection {
  const cabinet = devices.lampNodes(DEMO_LIGHTING.sim);
  return {
    buses: [
      {
        type: 'modbus',
        id: DEMO_LIGHTING.sim,
        transport: 'tcp',
        host: cabinet.host,
        port: cabinet.port,
        nodes: cabinet.group.nodes.map((n) => ({ id: n.id, unitId: n.unitId })),
      },
    ],
    zoneNodes: Object.fromEntries(DEMO_LIGHTING.zones.map((z) => [z.id, [...z.nodes]])),
    // The demo machine's clock is taken as right: no timesyncd flag file to wait for.
    clock: { source: 'assume-synced' },
  };
}

/** The section split into its wiring keys and the rest (the town's part). */
export function splitSection(section: LightingSection): {
  readonly wiring: LightingSection;
  readonly rest: LightingSection;
} {
  const wiring: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  const isWiring = new Set<string>(WIRING_KEYS);
  for (const [key, value] of Object.entries(section)) {
    (isWiring.has(key) ? wiring : rest)[key] = value;
  }
  return { wiring, rest };
}

/**
 * A section as it comes back from the cloud's JSON: the demo's values go through the same
 * round trip before they are compared with the cloud's (no `undefined`, no shared objects).
 */
export function asJson(section: LightingSection): LightingSection {
  return JSON.parse(JSON.stringify(section)) as LightingSection;
}
