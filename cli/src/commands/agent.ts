import { z } from 'zod';
import { builtinModules, loadAgentConfig, startAgent } from '@hameau/edge-agent';
import { parseOptions } from '../args.js';
import type { CliIo, ExitCode } from '../io.js';
import { untilSignal } from '../io.js';

/** `hameau agent --config site.yaml`: a site's edge agent. */
export async function agentCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const o = parseOptions(
    'agent',
    argv,
    ['config'],
    z.object({ config: z.string().min(1) }).strict(),
  );
  const registry = builtinModules();
  const config = loadAgentConfig(o.config, { modules: registry.list() });
  const agent = await startAgent(config, {
    registry,
    env: io.env,
    ...(io.clock !== undefined && { clock: io.clock }),
  });
  io.out(`agent ${config.site}/${config.device} running (${config.mqtt.url})`);
  const signal = await (io.stopSignal ?? untilSignal());
  io.out(`${signal}: stopping agent`);
  await agent.stop();
  return 0;
}
