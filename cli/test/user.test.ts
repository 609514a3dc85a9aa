import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { listAudit, parseApiConfig, startApiServer } from '@hameau/cloud-api';
import { runCli, tempDirs } from './helpers/run-cli.js';

const newDir = tempDirs('hameau-cli-user-');

/** The password a `user add` or `user reset-password` printed. */
function printed(out: readonly string[]): string {
  const line = out.find((l) => l.includes('password') && /[a-z2-9]{5}-/.test(l)) ?? '';
  return line.split(/\s+/).pop() ?? '';
}

describe('hameau user', () => {
  it('adds a technician who can then sign in to the API, once per name', async () => {
    const dir = newDir();
    const add = runCli([
      'user',
      'add',
      '--name',
      'alice',
      '--role',
      'technician',
      '--data-dir',
      dir,
    ]);
    expect(await add.done).toBe(0);
    expect(add.out[0]).toBe('technician alice created');
    const password = printed(add.out);
    expect(password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    expect(add.out.at(-1)).toMatch(/shown only this once/);

    const again = runCli(['user', 'add', '--name', 'alice', '--role', 'admin', '--data-dir', dir]);
    expect(await again.done).toBe(2);
    expect(again.err.join('\n')).toMatch(/already exists/);

    const api = await startApiServer(parseApiConfig({ host: '127.0.0.1', port: 0, dataDir: dir }), {
      log: pino({ level: 'silent' }),
    });
    try {
      const res = await fetch(`${api.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password }),
      });
      expect(res.status).toBe(201);
      expect(((await res.json()) as { user: unknown }).user).toEqual({
        name: 'alice',
        role: 'technician',
      });
      // The CLI's changes are audited with the operating-system user as the actor.
      const [created] = (await listAudit(api.database.db, { limit: 100 })).filter(
        (e) => e.action === 'user.create',
      );
      expect(created?.actor).toMatch(/^cli:/);
    } finally {
      await api.close();
    }
  });

  it('lists, disables and resets a password', async () => {
    const dir = newDir();
    const opts = ['--data-dir', dir];
    expect(await runCli(['user', 'add', '--name', 'bob', '--role', 'admin', ...opts]).done).toBe(0);
    const first = runCli(['user', 'add', '--name', 'alice', '--role', 'technician', ...opts]);
    expect(await first.done).toBe(0);

    const disable = runCli(['user', 'disable', '--name', 'alice', ...opts]);
    expect(await disable.done).toBe(0);
    expect(disable.out).toEqual(['user alice disabled: sign-ins refused, open sessions ended']);

    const list = runCli(['user', 'list', ...opts]);
    expect(await list.done).toBe(0);
    expect(list.out.map((l) => l.split('\t').slice(0, 3))).toEqual([
      ['alice', 'technician', 'disabled'],
      ['bob', 'admin', 'active'],
    ]);
    expect(list.out.join('\n')).not.toContain(printed(first.out));

    const reset = runCli(['user', 'reset-password', '--name', 'bob', ...opts]);
    expect(await reset.done).toBe(0);
    expect(reset.out[0]).toMatch(/^new password for bob: [a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
  });

  it('says what is wrong: unknown user, bad options, unknown action', async () => {
    const dir = newDir();
    const unknown = runCli(['user', 'disable', '--name', 'nobody', '--data-dir', dir]);
    expect(await unknown.done).toBe(1);
    expect(unknown.err).toEqual(['no console user named nobody']);

    const bad = runCli([
      'user',
      'add',
      '--name',
      'Bad Name',
      '--role',
      'merchant',
      '--data-dir',
      dir,
    ]);
    expect(await bad.done).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--name: name must be/);
    expect(bad.err.join('\n')).toMatch(/--role: /);

    const usage = runCli(['user', 'remove']);
    expect(await usage.done).toBe(2);
    expect(usage.err[0]).toMatch(/^usage: hameau user add/);
  });
});
