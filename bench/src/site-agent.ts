import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  builtinModules,
  parseAgentConfig,
  startAgent,
  type RunningAgent,
} from '@hameau/edge-agent';
import { systemClock } from '@hameau/protocol';

/**
 * Starts a whole edge agent in this process (`startAgent`, as `hameau agent` runs it) from a
 * site config object, with its files in `dir`. JSON is YAML: the config goes through the same
 * parser and checks as a site.yaml.
 */
export async function startSiteAgent(
  site: Readonly<Record<string, unknown>>,
  dir: string,
  log: Logger,
): Promise<RunningAgent> {
  const registry = builtinModules();
  const config = parseAgentConfig(JSON.stringify(site), join(dir, 'site.yaml'), {
    modules: registry.list(),
  });
  return startAgent(config, { clock: systemClock, log, registry, env: {} });
}

/** Stops the agent, then deletes its folder whatever the stop did. */
export async function stopSiteAgent(agent: RunningAgent, dir: string): Promise<void> {
  try {
    await agent.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
