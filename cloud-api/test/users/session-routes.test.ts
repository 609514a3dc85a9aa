import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/audit-store.js';
import { SESSION_TTL_MS } from '../../src/users/session-service.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { DIALECTS } from '../helpers/test-database.js';

interface SessionBody {
  token: string;
  user: { name: string; role: string };
  expiresAt: string;
}
interface ErrorReply {
  error: { code: string; message: string };
}

describe.each(DIALECTS)('console sessions on %s', (dialect) => {
  let t: TestApp;
  let alicePassword = '';
  let bobPassword = '';
  // Each test signs in from its own address, so the address throttle of one never blocks another.
  let nextAddress = 1;
  const address = () => `192.0.2.${nextAddress++}`;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await t.app.ready();
    alicePassword = await createUser('alice', 'technician');
    bobPassword = await createUser('bob', 'admin');
  });
  afterAll(async () => {
    await t.close();
  });

  async function createUser(name: string, role: string): Promise<string> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: t.as('admin'),
      payload: { name, role },
    });
    expect(res.statusCode).toBe(201);
    return res.json<{ password: string }>().password;
  }

  function login(username: string, password: string, from = '192.0.2.250') {
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      remoteAddress: from,
      payload: { username, password },
    });
  }

  async function signIn(username: string, password: string): Promise<SessionBody> {
    const res = await login(username, password, address());
    expect(res.statusCode).toBe(201);
    return res.json<SessionBody>();
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('signs a technician in: a token with their role, for 12 hours', async () => {
    const res = await login('alice', alicePassword, address());
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json<SessionBody>();
    expect(body.user).toEqual({ name: 'alice', role: 'technician' });
    expect(body.token).toMatch(/^hmt_/);
    expect(Date.parse(body.expiresAt)).toBe(t.clock.now() + SESSION_TTL_MS);

    const who = await t.app.inject({
      method: 'GET',
      url: '/api/v1/session',
      headers: bearer(body.token),
    });
    expect(who.statusCode).toBe(200);
    expect(who.json()).toEqual({
      name: 'alice',
      role: 'technician',
      kind: 'session',
      expiresAt: body.expiresAt,
    });
    // The session opens what a technician token opens, and nothing an admin's does.
    const alarms = await t.app.inject({
      method: 'GET',
      url: '/api/v1/alarms',
      headers: bearer(body.token),
    });
    expect(alarms.statusCode).toBe(200);
    const users = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: bearer(body.token),
    });
    expect(users.statusCode).toBe(403);
  });

  it('accepts the username in any case and with spaces around it', async () => {
    const res = await login('  Alice ', alicePassword, address());
    expect(res.statusCode).toBe(201);
    expect(res.json<SessionBody>().user.name).toBe('alice');
  });

  it('gives an admin session the admin routes', async () => {
    const { token } = await signIn('bob', bobPassword);
    const users = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: bearer(token),
    });
    expect(users.statusCode).toBe(200);
    expect(users.json<{ users: { name: string }[] }>().users.map((u) => u.name)).toEqual([
      'alice',
      'bob',
    ]);
  });

  it('answers a wrong password and an unknown user with the very same error', async () => {
    const wrong = await login('alice', 'not-her-password', address());
    const unknown = await login('mallory', 'whatever', address());
    const malformed = await login('../etc/passwd', 'whatever', address());
    for (const res of [wrong, unknown, malformed]) {
      expect(res.statusCode).toBe(401);
      expect(res.body).toBe(wrong.body);
    }
    expect(wrong.json<ErrorReply>().error).toEqual({
      code: 'AUTH_FAILED',
      message: 'unknown username or wrong password',
    });
  });

  it('names the missing field of a malformed sign-in', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'alice' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorReply>().error.code).toBe('VALIDATION_FAILED');
    expect(res.json<ErrorReply>().error.message).toMatch(/^body\.password:/);
  });

  it('locks a username out after five failures, then for twice as long', async () => {
    const name = 'carol';
    const password = await createUser(name, 'technician');
    for (let i = 0; i < 4; i++) {
      expect((await login(name, 'guess', address())).statusCode).toBe(401);
    }
    // The fifth failure is still checked, and starts the lockout.
    expect((await login(name, 'guess', address())).statusCode).toBe(401);
    // Locked, even with the right password, from any address.
    const locked = await login(name, password, address());
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('60');
    expect(locked.json<ErrorReply>().error.code).toBe('LOGIN_THROTTLED');

    await t.clock.advance(60_000);
    // One more failure locks it for two minutes.
    expect((await login(name, 'guess', address())).statusCode).toBe(401);
    expect((await login(name, password, address())).headers['retry-after']).toBe('120');
    await t.clock.advance(120_000);
    // The right password gets in, and the count starts again.
    expect((await login(name, password, address())).statusCode).toBe(201);
    for (let i = 0; i < 4; i++) {
      expect((await login(name, 'guess', address())).statusCode).toBe(401);
    }
    expect((await login(name, password, address())).statusCode).toBe(201);
  });

  it('locks out an unknown username exactly like a real one', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await login('nobody', 'guess', address())).statusCode).toBe(401);
    }
    const locked = await login('nobody', 'guess', address());
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('60');
  });

  it('locks out a client address that tries many usernames', async () => {
    const from = '198.51.100.7';
    for (let i = 0; i < 20; i++) {
      expect((await login(`spray-${i}`, 'guess', from)).statusCode).toBe(401);
    }
    // The address is locked, whoever it claims to be; other addresses are not.
    expect((await login('alice', alicePassword, from)).statusCode).toBe(429);
    expect((await login('alice', alicePassword, address())).statusCode).toBe(201);
    await t.clock.advance(60_000);
    expect((await login('alice', alicePassword, from)).statusCode).toBe(201);
  });

  it('ends a session after 12 hours', async () => {
    const { token } = await signIn('alice', alicePassword);
    await t.clock.advance(SESSION_TTL_MS - 1);
    const before = await t.app.inject({
      method: 'GET',
      url: '/api/v1/session',
      headers: bearer(token),
    });
    expect(before.statusCode).toBe(200);
    await t.clock.advance(1);
    const after = await t.app.inject({
      method: 'GET',
      url: '/api/v1/devices',
      headers: bearer(token),
    });
    expect(after.statusCode).toBe(401);
    expect(after.json<ErrorReply>().error.code).toBe('TOKEN_INVALID');
  });

  it('signs out: the token stops working at once, other sessions go on', async () => {
    const first = await signIn('alice', alicePassword);
    const second = await signIn('alice', alicePassword);
    const out = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: bearer(first.token),
    });
    expect(out.statusCode).toBe(204);
    const again = await t.app.inject({
      method: 'GET',
      url: '/api/v1/session',
      headers: bearer(first.token),
    });
    expect(again.statusCode).toBe(401);
    const other = await t.app.inject({
      method: 'GET',
      url: '/api/v1/session',
      headers: bearer(second.token),
    });
    expect(other.statusCode).toBe(200);
  });

  it('does not sign out an API token, and says who it is', async () => {
    const out = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: t.as('technician'),
    });
    expect(out.statusCode).toBe(403);
    const who = await t.app.inject({
      method: 'GET',
      url: '/api/v1/session',
      headers: t.as('technician'),
    });
    expect(who.json()).toEqual({
      name: 'technician',
      role: 'technician',
      kind: 'token',
      expiresAt: null,
    });
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/session' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses a disabled user and ends their sessions; enabled again, they sign in', async () => {
    const name = 'dave';
    const password = await createUser(name, 'technician');
    const { token } = await signIn(name, password);
    const disabled = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${name}/disable`,
      headers: t.as('admin'),
    });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json<{ disabled: boolean }>().disabled).toBe(true);
    const ended = await t.app.inject({
      method: 'GET',
      url: '/api/v1/session',
      headers: bearer(token),
    });
    expect(ended.statusCode).toBe(401);
    const refused = await login(name, password, address());
    expect(refused.statusCode).toBe(401);
    expect(refused.json<ErrorReply>().error.code).toBe('AUTH_FAILED');

    await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${name}/enable`,
      headers: t.as('admin'),
    });
    expect((await login(name, password, address())).statusCode).toBe(201);
  });

  it('audits every sign-in, failure and sign-out, never a password or token', async () => {
    const name = 'erin';
    const password = await createUser(name, 'technician');
    const from = '203.0.113.9';
    await login(name, 'wrong', from);
    await login('ghost', 'wrong', from);
    const session = (await login(name, password, from)).json<SessionBody>();
    await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: bearer(session.token),
    });

    const entries = (await listAudit(t.database.db, { limit: 500 })).filter(
      (e) => e.subject === `user/${name}` || e.subject === 'user/ghost',
    );
    expect(
      entries.reverse().map((e) => [e.actor, e.action, e.subject, e.details['reason']]),
    ).toEqual([
      ['admin', 'user.create', 'user/erin', undefined],
      ['public', 'session.login-failed', 'user/erin', 'wrong-password'],
      ['public', 'session.login-failed', 'user/ghost', 'unknown-user'],
      ['erin', 'session.login', 'user/erin', undefined],
      ['erin', 'session.logout', 'user/erin', undefined],
    ]);
    expect(
      entries.every((e) => e.details['address'] === undefined || e.details['address'] === from),
    ).toBe(true);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(password);
    expect(text).not.toContain(session.token);
  });

  it('audits the lockout a failure starts', async () => {
    const from = '203.0.113.77';
    for (let i = 0; i < 5; i++) await login('frank', 'guess', from);
    const [last] = await listAudit(t.database.db, { limit: 1 });
    expect(last).toMatchObject({
      action: 'session.login-failed',
      subject: 'user/frank',
      details: { reason: 'unknown-user', lockedForSeconds: 60, address: from },
    });
  });
});
