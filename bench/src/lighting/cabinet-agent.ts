import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  builtinModules,
  parseAgentConfig,
  startAgent,
  type RunningAgent,
} from '@hameau/edge-agent';
import { systemClock } from '@hameau/protocol';
import { cabinetSite } from './cabinet-town.js';

/**
 * The cabinet's edge agent, whole (`startAgent`, as `hameau agent` runs it), with the cabinet
 * town's site file: the lighting module on the simulator's Modbus TCP gateway, connected to the
 * bench's broker, its database in a throw-away folder. Returns a stop that also deletes it.
 */
export async function startCabinetAgent(o: {
  readonly mqttUrl: string;
  readonly password: string;
  readonly gatewayPort: number;
  readonly log: Logger;
}): Promise<{ readonly agent: RunningAgent; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hameau-bench-lighting-agent-'));
  try {
    const registry = builtinModules();
    const site = cabinetSite({
      mqttUrl: o.mqttUrl,
      password: { value: o.password },
      gatewayPort: o.gatewayPort,
      dataDir: join(dir, 'data'),
      logLevel: 'warn',
    });
    // JSON is YAML: the config goes through the same parser and checks as a site.yaml.
    const config = parseAgentConfig(JSON.stringify(site), join(dir, 'site.yaml'), {
      modules: registry.list(),
    });
    const agent = await startAgent(config, { clock: systemClock, log: o.log, registry, env: {} });
    return {
      agent,
      async stop() {
        try {
          await agent.stop();
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
