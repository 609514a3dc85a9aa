import { LIGHTING_LOCAL_KEYS } from '@hameau/protocol';
import type { DemoDevices } from './demo-scenario.js';
import { DEMO_LIGHTING } from './demo-town-plan.js';

/** `modules.lighting` as written: what site.yaml holds and what the cloud stores and sends. */
export type LightingSection = Readonly<Record<string, unknown>>;

/**
 * The wiring of the demo's lighting cabinet, from the simulator's address in this run: the
 * lamp-node line, which node lights which zone, and how the box keeps time. It goes into the
 * agent's site.yaml only: these are local-only keys (`LIGHTING_LOCAL_KEYS`), which the agent
 * takes from site.yaml under any configuration from the cloud, so the cloud never needs them.
 */
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

/**
 * The town's part of a section: all but the local-only keys, which the agent takes from its
 * site.yaml whatever the cloud says (a section written by an older demo still carries them).
 */
export function townPartOf(section: LightingSection): LightingSection {
  const local = new Set<string>(LIGHTING_LOCAL_KEYS);
  return Object.fromEntries(Object.entries(section).filter(([key]) => !local.has(key)));
}

/**
 * A section as it comes back from the cloud's JSON: the demo's values go through the same
 * round trip before they are compared with the cloud's (no `undefined`, no shared objects).
 */
export function asJson(section: LightingSection): LightingSection {
  return JSON.parse(JSON.stringify(section)) as LightingSection;
}
