import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CalendarRuleSchema, HameauError, LightingId, type Clock } from '@hameau/protocol';
import { recordAudit } from '../audit/audit-store.js';
import { canonicalJson } from '../commands/canonical-json.js';
import { deviceKeyOf, type DesiredConfigRecord } from '../device-config/device-config-record.js';
import type { DeviceConfigService } from '../device-config/device-config-service.js';
import type { ReportedConfig } from '../device-config/device-config-record.js';
import type { DeviceService } from '../devices/device-service.js';
import { parseInput, validationFailed } from '../parse-input.js';
import type { Schema } from '../storage/schema.js';
import {
  LIGHTING_COLLECTIONS,
  lightingSectionOf,
  putItem,
  removeItem,
  sectionIssues,
  withLightingSection,
  type EditFocus,
  type LightingCollection,
  type LightingSection,
} from './lighting-section.js';

/** How many times an edit without `If-Match` is redone on top of a change that raced it. */
const EDIT_TRIES = 3;

/** A lighting controller: a registered device of kind `lighting`. */
export interface ControllerKey {
  readonly site: string;
  readonly device: string;
}

/** A controller's desired lighting configuration beside the one it runs. */
export interface LightingConfigState {
  /** The device's latest desired configuration version (any module's change makes one); 0: none. */
  readonly version: number;
  readonly desired: (DesiredConfigRecord & { readonly lighting: LightingSection | null }) | null;
  readonly reported: ReportedConfig | null;
  /** The lighting section of the version the device reports running, when the cloud has it. */
  readonly applied: { readonly version: number; readonly lighting: LightingSection | null } | null;
  /**
   * The device runs the desired lighting section: another module's change does not count, a
   * version the cloud does not have is never in sync.
   */
  readonly inSync: boolean;
}

export interface LightingConfigServiceDeps {
  readonly db: Kysely<Schema>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly devices: DeviceService;
  readonly deviceConfig: DeviceConfigService;
}

const CalendarInput = z.array(z.unknown());

/**
 * Edits the `modules.lighting` section of lighting controllers' desired configurations: the
 * whole section, or one zone, program or event by id, or the calendar (an ordered list: its
 * order is its priority). Each edit is judged by the protocol's `LightingControlConfigSchema`,
 * the schema the agent applies, and becomes a new version through `DeviceConfigService` with
 * the rest of the configuration untouched. `ifMatch`, the version the client read, makes a
 * concurrent edit a `CONFIG_VERSION_CONFLICT`; without it an edit is redone on top of the race.
 */
export class LightingConfigService {
  readonly #d: LightingConfigServiceDeps;

  constructor(deps: LightingConfigServiceDeps) {
    this.#d = deps;
  }

  /** The desired lighting section, what the device runs, and whether they agree. */
  async state(key: ControllerKey): Promise<LightingConfigState> {
    await this.#controller(key);
    return this.#stateOf(key);
  }

  /** Replaces the whole lighting section. */
  replace(
    key: ControllerKey,
    section: Record<string, unknown>,
    ifMatch: number | undefined,
    actor: string,
  ): Promise<LightingConfigState> {
    return this.#edit(key, ifMatch, actor, { action: 'lighting.replace' }, () => ({
      section,
      focus: { at: [], as: 'body' },
    }));
  }

  /** Creates or replaces one zone, program or event; the path's id is the item's. */
  putItem(
    key: ControllerKey,
    collection: LightingCollection,
    id: string,
    body: Record<string, unknown>,
    ifMatch: number | undefined,
    actor: string,
  ): Promise<LightingConfigState> {
    const { schema, what } = LIGHTING_COLLECTIONS[collection];
    const itemId = parseInput(LightingId(`${what} id`), id, 'params.id');
    if (body.id !== undefined && body.id !== itemId) {
      throw validationFailed([
        { path: 'body.id', message: `must be the ${what} id of the path (${itemId}) or left out` },
      ]);
    }
    const item = { ...body, id: itemId };
    // The item on its own first: its problems are the body's, whatever the rest holds.
    parseInput(schema, item, 'body');
    return this.#edit(
      key,
      ifMatch,
      actor,
      { action: `lighting.${what}.put`, details: { id: itemId } },
      (current) => {
        const put = putItem(current, collection, item);
        return { section: put.section, focus: { at: [collection, put.index], as: 'body' } };
      },
    );
  }

  /** Removes one zone, program or event; `LIGHTING_ITEM_NOT_FOUND` when there is none. */
  removeItem(
    key: ControllerKey,
    collection: LightingCollection,
    id: string,
    ifMatch: number | undefined,
    actor: string,
  ): Promise<LightingConfigState> {
    const { what } = LIGHTING_COLLECTIONS[collection];
    const itemId = parseInput(LightingId(`${what} id`), id, 'params.id');
    return this.#edit(
      key,
      ifMatch,
      actor,
      { action: `lighting.${what}.delete`, details: { id: itemId } },
      (current) => {
        const section = removeItem(current, collection, itemId);
        if (section === null) {
          throw new HameauError(
            'LIGHTING_ITEM_NOT_FOUND',
            `the desired lighting configuration of ${deviceKeyOf(key)} has no ${what} ${itemId}`,
            { site: key.site, device: key.device, [what]: itemId },
          );
        }
        // What breaks is elsewhere (a rule naming the zone): named in the section.
        return { section, focus: null };
      },
    );
  }

  /** Replaces the calendar: its rules in priority order (the first that matches wins). */
  putCalendar(
    key: ControllerKey,
    rules: unknown,
    ifMatch: number | undefined,
    actor: string,
  ): Promise<LightingConfigState> {
    const list = parseInput(CalendarInput, rules, 'body.rules');
    parseInput(z.array(CalendarRuleSchema), list, 'body.rules');
    return this.#edit(
      key,
      ifMatch,
      actor,
      { action: 'lighting.calendar.put', details: { rules: list.length } },
      (current) => ({
        section: { ...current, calendar: list },
        focus: { at: ['calendar'], as: 'body.rules' },
      }),
    );
  }

  #controller(key: ControllerKey): Promise<void> {
    return requireLightingController(this.#d.devices, key);
  }

  async #edit(
    key: ControllerKey,
    ifMatch: number | undefined,
    actor: string,
    audit: { readonly action: string; readonly details?: Record<string, unknown> },
    change: (current: LightingSection) => {
      readonly section: LightingSection;
      readonly focus: EditFocus | null;
    },
  ): Promise<LightingConfigState> {
    await this.#controller(key);
    for (let attempt = 1; ; attempt++) {
      const { desired } = await this.#d.deviceConfig.state(key.site, key.device);
      const base = desired?.version ?? 0;
      if (ifMatch !== undefined && ifMatch !== base) throw conflict(key, base, ifMatch);
      const { section, focus } = change(lightingSectionOf(desired?.config) ?? {});
      const issues = sectionIssues(section, focus);
      if (issues.length > 0) throw validationFailed(issues);
      try {
        await this.#d.deviceConfig.set(
          key.site,
          key.device,
          { config: withLightingSection(desired?.config, section), baseVersion: base },
          actor,
        );
      } catch (err) {
        // Another change took the version meanwhile: redo this one on top of it, unless the
        // client said which version it edited.
        const raced = err instanceof HameauError && err.code === 'CONFIG_VERSION_CONFLICT';
        if (raced && ifMatch === undefined && attempt < EDIT_TRIES) continue;
        throw err;
      }
      const state = await this.#stateOf(key);
      await recordAudit(this.#d.db, this.#d.clock.now(), {
        actor,
        action: audit.action,
        subject: deviceKeyOf(key),
        details: { version: state.version, ...audit.details },
      });
      this.#d.log.info(
        { site: key.site, device: key.device, version: state.version, actor, action: audit.action },
        'lighting configuration changed',
      );
      return state;
    }
  }

  async #stateOf(key: ControllerKey): Promise<LightingConfigState> {
    const { desired, reported } = await this.#d.deviceConfig.state(key.site, key.device);
    const lighting = lightingSectionOf(desired?.config);
    const running = reported?.configVersion ?? null;
    let applied: LightingConfigState['applied'] = null;
    // Without a running version the agent runs its site.yaml: in sync while nothing is desired.
    let inSync = lighting === null;
    if (running !== null) {
      const [version] = await this.#d.deviceConfig.versions(key.site, key.device, {
        limit: 1,
        before: running + 1,
      });
      // A version the cloud does not have (a restored database) is never in sync.
      const known = version?.version === running;
      applied = { version: running, lighting: known ? lightingSectionOf(version.config) : null };
      inSync = known && canonicalJson(lighting) === canonicalJson(applied.lighting);
    }
    return {
      version: desired?.version ?? 0,
      desired: desired && { ...desired, lighting },
      reported,
      applied,
      inSync,
    };
  }
}

/**
 * Resolves when the device is a lighting controller; `DEVICE_NOT_FOUND` when it is not
 * registered, `LIGHTING_CONTROLLER_NOT_FOUND` when it is another kind of device.
 */
export async function requireLightingController(
  devices: DeviceService,
  key: ControllerKey,
): Promise<void> {
  const device = await devices.get(key.site, key.device);
  if (device.kind !== 'lighting') {
    throw new HameauError(
      'LIGHTING_CONTROLLER_NOT_FOUND',
      `${deviceKeyOf(key)} is a ${device.kind} device, not a lighting controller`,
      { site: key.site, device: key.device },
    );
  }
}

function conflict(key: ControllerKey, latest: number, ifMatch: number): HameauError {
  return new HameauError(
    'CONFIG_VERSION_CONFLICT',
    `the desired config of ${deviceKeyOf(key)} is at version ${latest}, not ${ifMatch}: ` +
      'read the lighting configuration again and redo the change',
    { site: key.site, device: key.device },
  );
}
