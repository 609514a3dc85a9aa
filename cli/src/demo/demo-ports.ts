import { createServer, type AddressInfo } from 'node:net';
import { ConfigError, HameauError } from '@hameau/protocol';
import { z } from 'zod';
import { envSetting } from '../env-setting.js';

/** A port the demo will listen on, with the variable that moves it. */
export interface DemoPort {
  readonly variable: string;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
}

const Port = z.coerce.number().int().min(0).max(65_535);

/**
 * Reads port variables the demo adds to the broker's and the API's (the kiosks'); every bad
 * value is reported at once, each naming its variable.
 */
export function portSettings(
  env: NodeJS.ProcessEnv,
  defaults: Readonly<Record<string, number>>,
): Record<string, number> {
  const ports: Record<string, number> = {};
  const problems: string[] = [];
  for (const [variable, fallback] of Object.entries(defaults)) {
    const raw = envSetting(env, variable);
    const parsed = Port.safeParse(raw ?? fallback);
    if (parsed.success) ports[variable] = parsed.data;
    else problems.push(`${variable}: expected a port 0-65535 (0 picks a free one), found "${raw}"`);
  }
  if (problems.length > 0) throw new ConfigError('demo town ports', problems);
  return ports;
}

/**
 * Checks that every fixed port is free before anything starts, so that a taken one stops the
 * demo with the variable to change and leaves nothing running. All taken ports are named at
 * once. The servers' own checks still stand behind this one (a port taken in between).
 */
export async function checkPortsFree(ports: readonly DemoPort[]): Promise<void> {
  const problems: string[] = [];
  for (const p of ports) {
    if (p.port === 0) continue;
    const code = await tryListen(p.host, p.port);
    if (code === null) continue;
    const why = code === 'EADDRINUSE' ? 'is in use' : `cannot be opened (${code})`;
    problems.push(
      `port ${p.port} on ${p.host} ${why} (${p.variable}): stop what uses it, or set ` +
        `${p.variable} to another port (0 picks a free one)`,
    );
  }
  if (problems.length > 0) {
    throw new HameauError('CONFIG_INVALID', problems.join('\n'), { problems });
  }
}

/** A free port on `host` now, for servers that must be told their port before they listen. */
export async function freePortOn(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  return port;
}

/** Listens and closes at once; the error code when it could not listen, else null. */
function tryListen(host: string, port: number): Promise<string | null> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      resolve(err.code ?? err.message);
    });
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => {
        resolve(null);
      });
    });
  });
}
