import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { HameauError } from '@hameau/protocol';
import type { TokenService } from './token-service.js';

/** The name of the token the server creates when no admin token exists. */
export const BOOTSTRAP_TOKEN_NAME = 'bootstrap-admin';

/**
 * Makes sure someone can administer a fresh installation: when no active admin token exists,
 * creates one and writes it to `file` (mode 0600, atomically), logging the path, never the
 * token. Returns true when it created one. Revoking every admin token and restarting issues a
 * new one, which is the recovery path for a lost token.
 */
export async function ensureAdminToken(deps: {
  readonly tokens: TokenService;
  readonly file: string;
  readonly log: Logger;
}): Promise<boolean> {
  if (await deps.tokens.hasActiveAdmin()) return false;
  let token: string;
  try {
    ({ token } = await deps.tokens.create({ name: BOOTSTRAP_TOKEN_NAME, role: 'admin' }, 'system'));
  } catch (err) {
    // Another API instance on the same PostgreSQL bootstrapped at the same moment.
    if (err instanceof HameauError && err.code === 'TOKEN_EXISTS') {
      deps.log.info('admin token bootstrapped by another instance');
      return false;
    }
    throw err;
  }
  writeSecretFile(deps.file, `${token}\n`);
  deps.log.warn(
    { file: deps.file },
    'no admin token existed: created one and wrote it to this file (read it, then delete the file)',
  );
  return true;
}

/** Writes a file only its owner can read: temp file with mode 0600, fsync, rename. */
function writeSecretFile(path: string, body: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${randomUUID()}.tmp`;
  writeFileSync(tmp, body, { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
