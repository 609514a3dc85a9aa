import { fileURLToPath } from 'node:url';
import type { Zone } from '@hameau/edge-agent';

/**
 * The simulated devices of the demo town. The path is the same from `src/` and `dist/` (three
 * folders up is the repository root), as the kiosk finds its page.
 */
export const DEMO_SCENARIO_FILE = fileURLToPath(
  new URL('../../../firmware-sim/scenarios/demo-town.yaml', import.meta.url),
);

/** A box of a demo bank: the number on its door, its size and where its lock hangs. */
export interface DemoBox {
  readonly number: number;
  readonly size: 'S' | 'M' | 'L' | 'XL';
  readonly board: number;
  readonly lock: number;
}

/** A parcel-locker bank of the demo: its agent, its cloud bank, its simulator and its kiosk. */
export interface DemoBank {
  readonly site: string;
  readonly device: string;
  /** The bank's id in the cloud. */
  readonly bank: string;
  readonly name: string;
  /** The `lock-board` device of the scenario. */
  readonly sim: string;
  /** The variable that moves its kiosk page, and its default port. */
  readonly kioskPortVariable: string;
  readonly kioskPort: number;
  readonly boxes: readonly DemoBox[];
  /** Sizes of the parcels waiting for pickup at each start (one reservation each). */
  readonly parcels: readonly DemoBox['size'][];
}

/** Six boxes on two boards, three locks each. */
const SIX_BOXES: readonly DemoBox[] = [
  { number: 1, size: 'S', board: 0, lock: 0 },
  { number: 2, size: 'M', board: 0, lock: 1 },
  { number: 3, size: 'L', board: 0, lock: 2 },
  { number: 4, size: 'S', board: 1, lock: 0 },
  { number: 5, size: 'M', board: 1, lock: 1 },
  { number: 6, size: 'XL', board: 1, lock: 2 },
];

export const DEMO_BANKS: readonly DemoBank[] = [
  {
    site: 'mairie',
    device: 'lockers',
    bank: 'mairie-consigne',
    name: 'Consigne de la mairie',
    sim: 'mairie-lockers',
    kioskPortVariable: 'HAMEAU_KIOSK_PORT_MAIRIE',
    kioskPort: 18090,
    boxes: SIX_BOXES,
    parcels: ['M', 'S'],
  },
  {
    site: 'gare',
    device: 'lockers',
    bank: 'gare-consigne',
    name: 'Consigne de la gare',
    sim: 'gare-lockers',
    kioskPortVariable: 'HAMEAU_KIOSK_PORT_GARE',
    kioskPort: 18091,
    boxes: SIX_BOXES,
    parcels: ['M'],
  },
];

/** The metering gateway's agent: every meter of the scenario, whatever device it sits on. */
export const DEMO_METERING = {
  site: 'mairie',
  device: 'meters',
  /** How often each meter is read and reported, ms: lively for a demo, light on the CPU. */
  intervalMs: 10_000,
  /** Labels on the dashboards; a solar load is the town's production, every other a consumer. */
  labels: {
    'town-hall': 'Mairie',
    school: 'École',
    library: 'Médiathèque',
    'town-hall-pv': 'Toiture solaire de la mairie',
    'lighting-cabinet': 'Armoire d’éclairage du centre',
  } as Readonly<Record<string, string>>,
} as const;

/** A lighting zone: its lamp nodes on the scenario's cabinet, and its EN 13201 class. */
export interface DemoZone {
  readonly id: string;
  readonly name: string;
  readonly class: Zone['class'];
  readonly nodes: readonly string[];
}

/** The lighting controller of the centre's cabinet. */
export const DEMO_LIGHTING = {
  site: 'ville',
  device: 'lighting',
  /** The `lamp-nodes` device of the scenario. */
  sim: 'cabinet-centre',
  zones: [
    {
      id: 'rue-connetable',
      name: 'Rue du Connétable',
      class: 'M4',
      nodes: ['connetable-01', 'connetable-02', 'connetable-03', 'connetable-04'],
    },
    {
      id: 'place-omer-vallon',
      name: 'Place Omer Vallon',
      class: 'P3',
      nodes: ['omer-vallon-01', 'omer-vallon-02', 'omer-vallon-03'],
    },
    { id: 'parvis-gare', name: 'Parvis de la gare', class: 'P2', nodes: ['gare-01', 'gare-02'] },
  ] satisfies readonly DemoZone[],
} as const;
