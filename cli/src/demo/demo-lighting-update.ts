import { isDeepStrictEqual } from 'node:util';
import { townPartOf, type LightingSection } from './demo-lighting-section.js';

/** Whose the lighting settings in the cloud are, as far as the demo can tell. */
export type LightingOwner =
  /** The demo's: none yet, or unchanged since the demo wrote them. */
  | 'demo'
  /** The town's: someone changed them (the console, the API) since the demo wrote them. */
  | 'town';

/** What the demo does with the controller's desired lighting section at start. */
export interface LightingUpdatePlan {
  /** The whole section to send as a new version; null when the cloud's is already right. */
  readonly put: LightingSection | null;
  readonly owner: LightingOwner;
}

/**
 * Decides what the demo sends the cloud for its lighting controller, given the cloud's desired
 * section (`current`, null when it has none), the section the demo would write in this run
 * (`wanted`: its program, the town's part only) and the town's part the demo last wrote
 * (`demoWrote`, from its record; null when it has none). The cabinet's wiring is never sent: the
 * agent takes it from its site.yaml (local-only keys), and the cloud's copy of it, if any, is
 * not compared.
 *
 * - No section yet: the demo's.
 * - The town's part unchanged since the demo wrote it (or already what the demo would write):
 *   still the demo's, so a newer demo program (this week's market) replaces it.
 * - Changed by someone else since: the town's. The demo never overwrites it.
 *
 * Nothing to change gives `put: null`, so a restart makes no new version.
 */
export function planLightingUpdate(input: {
  readonly current: LightingSection | null;
  readonly wanted: LightingSection;
  readonly demoWrote: LightingSection | null;
}): LightingUpdatePlan {
  const { current, wanted, demoWrote } = input;
  if (current === null) return { put: wanted, owner: 'demo' };
  const now = townPartOf(current);
  const owner: LightingOwner =
    isDeepStrictEqual(now, townPartOf(wanted)) ||
    (demoWrote !== null && isDeepStrictEqual(now, demoWrote))
      ? 'demo'
      : 'town';
  // The demo's section goes out whole, so wiring an older demo wrote into it is dropped.
  const put = owner === 'demo' && !isDeepStrictEqual(current, wanted) ? wanted : null;
  return { put, owner };
}
