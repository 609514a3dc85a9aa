import { z } from 'zod';
import { modulesSchema, type ModuleSchemaSource } from './module-schemas.js';

/** The body of a desired configuration (`config` of the `…/config` topic), once validated. */
export interface DesiredAgentConfig {
  /** Per-module configuration; a module absent here runs with its site.yaml configuration. */
  readonly modules: Readonly<Record<string, unknown>>;
}

/**
 * The schema of a desired configuration for an agent running `enabled` modules: each module's
 * part is validated by that module's own schema, and only modules enabled in site.yaml may be
 * configured (which hardware a site has is decided on site, not from the cloud).
 */
export function desiredConfigSchema(
  enabled: readonly ModuleSchemaSource[],
): z.ZodType<DesiredAgentConfig> {
  return z.strictObject({
    modules: modulesSchema(enabled, 'modules enabled in site.yaml').prefault({}),
  });
}
