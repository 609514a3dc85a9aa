import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, HameauError } from '@hameau/protocol';
import { FileCredentialStore } from '../src/credential-store.js';
import { verifySecret } from '@hameau/protocol/secret-hash';

const now = new Date('2026-11-25T12:00:00Z');
const dirs: string[] = [];
const file = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hameau-cred-'));
  dirs.push(dir);
  return join(dir, 'credentials.json');
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('FileCredentialStore', () => {
  it('starts empty when there is no file: no default account', () => {
    const store = new FileCredentialStore(file());
    expect(store.list()).toEqual([]);
    expect(store.find('cloud')).toBeUndefined();
  });

  it('stores a verifiable hash, never the secret, in a private file', async () => {
    const path = file();
    const store = new FileCredentialStore(path);
    const { username, password } = await store.add(
      { role: 'device', site: 'gare', device: 'lockers', kind: 'locker' },
      now,
    );
    expect(username).toBe('gare/lockers');
    const found = store.find(username);
    expect(found?.principal).toEqual({
      role: 'device',
      site: 'gare',
      device: 'lockers',
      kind: 'locker',
    });
    expect(await verifySecret(password, found?.hash ?? '')).toBe(true);
    expect(await verifySecret(`${password}x`, found?.hash ?? '')).toBe(false);
    expect(readFileSync(path, 'utf8')).not.toContain(password);
    expect(statSync(path).mode & 0o077).toBe(0);
  });

  it('sees accounts another process added', async () => {
    const path = file();
    const broker = new FileCredentialStore(path);
    const cli = new FileCredentialStore(path);
    await cli.add({ role: 'observer', name: 'console' }, now);
    expect(broker.find('console')?.principal).toEqual({ role: 'observer', name: 'console' });
    cli.remove('console');
    expect(broker.find('console')).toBeUndefined();
  });

  it('refuses a duplicate username', async () => {
    const store = new FileCredentialStore(file());
    await store.add({ role: 'cloud', name: 'cloud' }, now);
    await expect(store.add({ role: 'cloud', name: 'cloud' }, now)).rejects.toBeInstanceOf(
      HameauError,
    );
  });

  it('reports every problem of a damaged file', () => {
    const path = file();
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        accounts: [
          {
            role: 'device',
            site: 'Bad Site',
            device: 'x',
            kind: 'locker',
            hash: '$scrypt$x',
            createdAt: now.toISOString(),
          },
          { role: 'cloud', name: 'cloud', hash: 'plaintext', createdAt: now.toISOString() },
        ],
      }),
    );
    const err = (() => {
      try {
        new FileCredentialStore(path);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toHaveLength(2);
    expect((err as ConfigError).problems.join('\n')).toMatch(
      /accounts\.0\.site[\s\S]*accounts\.1\.hash/,
    );
  });

  it('treats a malformed stored hash as a failed login, not a crash', async () => {
    expect(await verifySecret('x', '$scrypt$ln=14,r=8,p=1$!!$!!')).toBe(false);
    expect(await verifySecret('x', 'plaintext')).toBe(false);
  });
});
