import { carloGavazziEm24 } from './carlo-gavazzi-em24.js';
import { eastronSdm120 } from './eastron-sdm120.js';
import { eastronSdm630 } from './eastron-sdm630.js';
import type { MeterModel } from './register-map.js';
import { schneiderIem3000 } from './schneider-iem3000.js';

/** The models this agent knows by id. Adding a model is one file, one line here and one test. */
export const BUILTIN_MODELS: ReadonlyMap<string, MeterModel> = new Map(
  [eastronSdm630, eastronSdm120, carloGavazziEm24, schneiderIem3000].map((m) => [m.id, m]),
);

/**
 * The models a site may use: the built-in ones and the site's custom maps (`models:` in
 * `site.yaml`). The config schema has already refused a custom id that shadows a built-in one.
 */
export function siteModels(
  custom: Readonly<Record<string, MeterModel>>,
): ReadonlyMap<string, MeterModel> {
  return new Map([...BUILTIN_MODELS, ...Object.entries(custom)]);
}
