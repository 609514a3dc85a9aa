import { pino } from 'pino';
import { apiConfigFromEnv, startApiServer } from '@hameau/cloud-api';
import type { CliIo, ExitCode } from '../io.js';
import { untilSignal } from '../io.js';

/** `hameau api`: the cloud API, configured by HAMEAU_API_* variables and DATABASE_URL. */
export async function apiCommand(_argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const config = apiConfigFromEnv(io.env);
  const log = pino({ name: 'cloud-api', level: io.env['HAMEAU_LOG_LEVEL'] ?? 'info' });
  const api = await startApiServer(config, { log });
  io.out(`API listening on ${api.url} (OpenAPI at ${api.url}/docs)`);
  const signal = await (io.stopSignal ?? untilSignal());
  io.out(`${signal}: stopping API`);
  await api.close();
  return 0;
}
