import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@hameau/protocol';
import { apiConfigFromEnv, parseApiConfig } from '../../src/config.js';
import { bankHashKey, resolveLockerPepper } from '../../src/lockers/locker-keys.js';
import { LogFileNotifier } from '../../src/lockers/locker-notifier.js';
import { lockerConfigFromEnv } from '../../src/lockers/locker-settings.js';
import { startApiServer } from '../../src/server.js';
import { capturedLog } from '../helpers/captured-log.js';
import { silent } from '../helpers/test-app.js';
import { PEPPER } from './lockers-test-app.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hameau-lockers-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const problemsOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join('\n');
    throw err;
  }
  throw new Error('no ConfigError');
};

describe('bank keys', () => {
  it('are HMAC-SHA256 of the pepper over the bank’s device, 32 bytes, one per bank', () => {
    const key = bankHashKey(PEPPER, 'gare', 'lockers-1');
    expect(key).toHaveLength(32);
    expect(key).toEqual(createHmac('sha256', PEPPER).update('locker-bank:gare/lockers-1').digest());
    expect(bankHashKey(PEPPER, 'gare', 'lockers-1')).toEqual(key);
    expect(bankHashKey(PEPPER, 'gare', 'lockers-2')).not.toEqual(key);
    expect(bankHashKey(`${PEPPER}x`, 'gare', 'lockers-1')).not.toEqual(key);
  });
});

describe('resolveLockerPepper', () => {
  it('generates one into the data dir, mode 0600, and finds it again', () => {
    const file = join(tempDir(), 'sub', 'locker-pepper');
    const captured = capturedLog();
    const pepper = resolveLockerPepper({}, { log: captured.log, provisionedFile: file });
    expect(pepper).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(captured.text()).toContain(file);
    expect(captured.text()).not.toContain(pepper);
    expect(resolveLockerPepper({}, { log: silent, provisionedFile: file })).toBe(pepper);
  });

  it('prefers the configured pepper, then the configured file', () => {
    const dir = tempDir();
    const file = join(dir, 'pepper-file');
    writeFileSync(file, `${'f'.repeat(40)}\n`);
    const provisionedFile = join(dir, 'locker-pepper');
    expect(
      resolveLockerPepper({ pepper: PEPPER, pepperFile: file }, { log: silent, provisionedFile }),
    ).toBe(PEPPER);
    expect(resolveLockerPepper({ pepperFile: file }, { log: silent, provisionedFile })).toBe(
      'f'.repeat(40),
    );
    expect(() => statSync(provisionedFile)).toThrow();
  });

  it('refuses a short or unreadable pepper without showing it', () => {
    const dir = tempDir();
    const file = join(dir, 'short');
    writeFileSync(file, 'tooshort-secret\n');
    const provisionedFile = join(dir, 'locker-pepper');
    const short = problemsOf(() =>
      resolveLockerPepper({ pepperFile: file }, { log: silent, provisionedFile }),
    );
    expect(short).toContain('HAMEAU_LOCKER_PEPPER_FILE');
    expect(short).toContain('at least 32');
    expect(short).not.toContain('tooshort-secret');
    const missing = problemsOf(() =>
      resolveLockerPepper({ pepperFile: join(dir, 'none') }, { log: silent, provisionedFile }),
    );
    expect(missing).toContain('cannot read');
  });
});

describe('lockers environment', () => {
  it('is absent unless set, and read by the API config', () => {
    expect(lockerConfigFromEnv({})).toBeUndefined();
    expect(apiConfigFromEnv({}).lockers).toBeUndefined();
    expect(apiConfigFromEnv({ HAMEAU_LOCKER_PEPPER: PEPPER }).lockers).toEqual({ pepper: PEPPER });
    expect(apiConfigFromEnv({ HAMEAU_LOCKER_PEPPER_FILE: '/run/secrets/p' }).lockers).toEqual({
      pepperFile: '/run/secrets/p',
    });
  });

  it('names a bad variable with the others, never echoing the pepper', () => {
    const problems = problemsOf(() =>
      apiConfigFromEnv({ HAMEAU_LOCKER_PEPPER: 'secret-but-short', HAMEAU_API_PORT: '99999' }),
    );
    expect(problems).toContain('HAMEAU_LOCKER_PEPPER: the locker pepper must be at least 32');
    expect(problems).toContain('HAMEAU_API_PORT');
    expect(problems).not.toContain('secret-but-short');
  });
});

describe('the API server', () => {
  it('keeps its generated pepper across restarts and notifies into the data dir', async () => {
    const dataDir = tempDir();
    const config = parseApiConfig({ host: '127.0.0.1', port: 0, dataDir });
    const first = await startApiServer(config, { log: silent });
    await first.close();
    const pepper = readFileSync(join(dataDir, 'locker-pepper'), 'utf8').trim();
    expect(statSync(join(dataDir, 'locker-pepper')).mode & 0o777).toBe(0o600);
    const second = await startApiServer(config, { log: silent });
    try {
      expect(second.app.hameau.lockers.pepper).toBe(pepper);
      const notifier = second.app.hameau.lockers.notifier;
      expect(notifier).toBeInstanceOf(LogFileNotifier);
      expect((notifier as LogFileNotifier).file).toBe(join(dataDir, 'notifications.log'));
    } finally {
      await second.close();
    }
  });
});
