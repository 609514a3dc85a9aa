import type { DemoApiClient } from './demo-api-client.js';
import type { DemoLightingFile } from './demo-lighting-file.js';
import { demoLightingProgram } from './demo-lighting-program.js';
import { asJson, townPartOf, type LightingSection } from './demo-lighting-section.js';
import { planLightingUpdate, type LightingOwner } from './demo-lighting-update.js';
import { DEMO_LIGHTING } from './demo-town-plan.js';
import { waitFor } from './wait-for.js';

/** What `GET /api/v1/devices/{site}/{device}/lighting` answers, as far as the demo reads it. */
interface LightingConfigView {
  readonly version: number;
  readonly desired: { readonly lighting: LightingSection | null } | null;
  readonly reported: {
    readonly configVersion: number | null;
    readonly rejected: { readonly version: number; readonly reason: string } | null;
  } | null;
}

/** What the demo did with the lighting controller's desired configuration. */
export interface DemoLightingSetup {
  /** The controller's desired configuration version after the demo's step. */
  readonly version: number;
  /** Whether this start made that version. */
  readonly changed: boolean;
  readonly owner: LightingOwner;
}

const CONFIG_PATH = `/api/v1/devices/${DEMO_LIGHTING.site}/${DEMO_LIGHTING.device}/lighting`;

/**
 * Gives the cloud the demo's lighting configuration for its controller, as a technician would
 * (`PUT …/lighting`, from the version read, `If-Match`): its zones with their names and classes,
 * programs, calendar and this week's market; no wiring, which the agent's site.yaml keeps. Only
 * when it differs from the cloud's, and never over a change someone made since the demo wrote
 * it (`planLightingUpdate`); the record is updated with what the demo now stands behind.
 */
export async function ensureDemoLighting(
  api: DemoApiClient,
  deps: { readonly now: number; readonly file: DemoLightingFile },
): Promise<DemoLightingSetup> {
  const { body: current } = await api.call<LightingConfigView>('GET', CONFIG_PATH);
  const wanted = asJson(demoLightingProgram(deps.now));
  const record = deps.file.read();
  const plan = planLightingUpdate({
    current: current.desired?.lighting ?? null,
    wanted,
    demoWrote: record.demoWrote,
  });
  let version = current.version;
  if (plan.put !== null) {
    const { body } = await api.call<LightingConfigView>('PUT', CONFIG_PATH, plan.put, [200], {
      // A change made between the read and this write is refused, never overwritten.
      'if-match': `"${String(current.version)}"`,
    });
    version = body.version;
  }
  deps.file.write({
    demoWrote: plan.owner === 'demo' ? townPartOf(wanted) : record.demoWrote,
  });
  return { version, changed: plan.put !== null, owner: plan.owner };
}

/** How the controller took a desired version. */
export type LightingApplied =
  { readonly applied: true } | { readonly applied: false; readonly reason: string };

/**
 * Waits until the lighting agent reports running `version` (or a newer one), or refusing it:
 * a section the town edited can be one the agent refuses (a zone removed that its site.yaml's
 * wiring still names), and the demo says so rather than failing. Throws after `timeoutMs` without either.
 */
export async function untilLightingApplied(
  api: DemoApiClient,
  version: number,
  timeoutMs: number,
): Promise<LightingApplied> {
  // A holder, not a `let`: the check below sets it from inside a callback.
  const seen: { outcome: LightingApplied | null } = { outcome: null };
  await waitFor(
    `${DEMO_LIGHTING.site}/${DEMO_LIGHTING.device} to report its lighting configuration version ${String(version)}`,
    async () => {
      const { body } = await api.call<LightingConfigView>('GET', CONFIG_PATH);
      const reported = body.reported;
      if (reported?.rejected?.version === version) {
        seen.outcome = { applied: false, reason: reported.rejected.reason };
      } else if ((reported?.configVersion ?? 0) >= version) {
        seen.outcome = { applied: true };
      }
      return seen.outcome !== null;
    },
    timeoutMs,
  );
  if (seen.outcome === null) throw new Error('waitFor returned without an outcome');
  return seen.outcome;
}

/** The printout's line for the lighting configuration. */
export function describeDemoLighting(setup: DemoLightingSetup, applied: LightingApplied): string {
  const v = `version ${String(setup.version)}`;
  const what =
    setup.owner === 'demo'
      ? setup.changed
        ? `${v} set by the demo`
        : `${v} kept (the demo's, unchanged)`
      : `${v} kept (changed in the console since the demo set it)`;
  const device = `${DEMO_LIGHTING.site}/${DEMO_LIGHTING.device}`;
  return applied.applied
    ? `${what}, applied by ${device}`
    : `${what}, refused by ${device}: ${applied.reason}`;
}
