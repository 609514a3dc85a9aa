import { existsSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import {
  KioskConfig,
  startKioskServer,
  type KioskServer,
} from '../../../../src/modules/locker/kiosk/kiosk-server.js';
import { kioskPageFolder } from '../../../../src/modules/locker/kiosk/kiosk-page.js';
import { capturingLogger, ScriptedDesk } from './helpers/scripted-desk.js';
import { eventually } from './helpers/eventually.js';

const CODE = '48213907';
const running: KioskServer[] = [];
const blockers: Server[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  await Promise.all(
    blockers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.close(() => {
            resolve();
          });
        }),
    ),
  );
});

async function start(
  desk = new ScriptedDesk(),
  config: Partial<KioskConfig> = {},
  clock?: ManualClock,
) {
  const { log, lines } = capturingLogger();
  const server = await startKioskServer({
    desk,
    config: KioskConfig.parse({ port: 0, ...config }),
    log,
    ...(clock === undefined ? {} : { clock }),
    bank: { name: 'Mairie', boxes: 24 },
  });
  running.push(server);
  return { server, desk, lines };
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  json(): unknown;
}

/** A raw HTTP request: the body is written in `chunks` (no content-length when `chunked`). */
function send(
  url: string,
  method: string,
  headers: Record<string, string> = {},
  chunks: readonly (string | Buffer)[] = [],
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: () => JSON.parse(text) as unknown,
        });
      });
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

function postCode(url: string, body: string, type = 'application/json'): Promise<Answer> {
  return send(
    new URL('/api/code', url).href,
    'POST',
    { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) },
    [body],
  );
}

describe('kiosk server', () => {
  it('reports whether the bank is in service, and the bank', async () => {
    const { server, desk } = await start();
    const first = await send(new URL('/api/status', server.url).href, 'GET');
    expect(first.status).toBe(200);
    expect(first.json()).toEqual({ inService: true, bank: { name: 'Mairie', boxes: 24 } });
    desk.service = false;
    const second = await send(new URL('/api/status', server.url).href, 'GET');
    expect(second.json()).toMatchObject({ inService: false });
  });

  it('serves the page with its title escaped, and its stylesheet and script', async () => {
    const { server } = await start(new ScriptedDesk(), { title: 'Consigne <Mairie> & "Poste"' });
    const page = await send(server.url, 'GET');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<title>Consigne &lt;Mairie&gt; &amp; &quot;Poste&quot;</title>');
    expect(page.text).not.toContain('{{title}}');
    expect(page.text).not.toMatch(/https?:\/\//);
    const css = await send(new URL('/kiosk.css', server.url).href, 'GET');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.text).toContain('.keypad');
    const js = await send(new URL('/kiosk.js', server.url).href, 'GET');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.text).toContain('/api/code');
  });

  it('titles the page with the bank name by default', async () => {
    const { server } = await start();
    expect((await send(server.url, 'GET')).text).toContain('<h1 class="title">Mairie</h1>');
  });

  it('sends the security headers on pages, API answers and errors', async () => {
    const { server } = await start();
    const answers = await Promise.all([
      send(server.url, 'GET'),
      send(new URL('/api/status', server.url).href, 'GET'),
      postCode(server.url, 'nope'),
      send(new URL('/nowhere', server.url).href, 'GET'),
    ]);
    for (const answer of answers) {
      expect(answer.headers['content-security-policy']).toMatch(/^default-src 'self'(;|$)/);
      expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['x-frame-options']).toBe('DENY');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('binds to localhost unless told otherwise', async () => {
    expect(KioskConfig.parse({})).toEqual({
      enabled: true,
      host: '127.0.0.1',
      port: 8090,
      terminal: 'kiosk',
    });
    const { server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('hands a valid code to the desk under its terminal name and passes the outcome through', async () => {
    const desk = new ScriptedDesk()
      .answer(CODE, { status: 'opened', box: 12, kind: 'pickup' })
      .answer('11112222', { status: 'rejected', reason: 'locked-out', retryAfterSeconds: 300 })
      .answer('33334444', { status: 'rejected', reason: 'not-yet-valid' });
    const { server } = await start(desk, { terminal: 'kiosk-hall' });

    const opened = await postCode(server.url, JSON.stringify({ code: CODE }));
    expect(opened.status).toBe(200);
    expect(opened.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(opened.json()).toEqual({ status: 'opened', box: 12, kind: 'pickup' });
    const locked = await postCode(server.url, JSON.stringify({ code: '11112222' }));
    expect(locked.json()).toEqual({
      status: 'rejected',
      reason: 'locked-out',
      retryAfterSeconds: 300,
    });
    const early = await postCode(
      server.url,
      JSON.stringify({ code: '33334444' }),
      'application/json; charset=utf-8',
    );
    expect(early.json()).toEqual({ status: 'rejected', reason: 'not-yet-valid' });
    const unknown = await postCode(server.url, JSON.stringify({ code: '99999999' }));
    expect(unknown.json()).toEqual({ status: 'rejected', reason: 'unknown' });

    expect(desk.calls).toEqual([
      { terminal: 'kiosk-hall', code: CODE },
      { terminal: 'kiosk-hall', code: '11112222' },
      { terminal: 'kiosk-hall', code: '33334444' },
      { terminal: 'kiosk-hall', code: '99999999' },
    ]);
  });

  it('sends only the contract fields of an outcome', async () => {
    const desk = new ScriptedDesk();
    desk.answer(CODE, {
      status: 'opened',
      box: 3,
      kind: 'dropoff',
      credential: 'secret-id',
    } as unknown as Parameters<ScriptedDesk['answer']>[1]);
    const { server } = await start(desk);
    const answer = await postCode(server.url, JSON.stringify({ code: CODE }));
    expect(answer.json()).toEqual({ status: 'opened', box: 3, kind: 'dropoff' });
  });

  it.each([
    ['not JSON', '{code: 48213907', 'application/json', 400, 'REQUEST_INVALID'],
    ['7 digits', '{"code":"4821390"}', 'application/json', 400, 'VALIDATION_FAILED'],
    ['9 digits', '{"code":"482139070"}', 'application/json', 400, 'VALIDATION_FAILED'],
    ['letters', '{"code":"4821390a"}', 'application/json', 400, 'VALIDATION_FAILED'],
    ['a number', '{"code":48213907}', 'application/json', 400, 'VALIDATION_FAILED'],
    ['no code', '{}', 'application/json', 400, 'VALIDATION_FAILED'],
    ['an extra field', `{"code":"${CODE}","box":1}`, 'application/json', 400, 'VALIDATION_FAILED'],
    ['an array', `["${CODE}"]`, 'application/json', 400, 'VALIDATION_FAILED'],
    ['text/plain', `{"code":"${CODE}"}`, 'text/plain', 415, 'MEDIA_TYPE_UNSUPPORTED'],
    ['a form', `code=${CODE}`, 'application/x-www-form-urlencoded', 415, 'MEDIA_TYPE_UNSUPPORTED'],
    ['a look-alike type', `{"code":"${CODE}"}`, 'application/jsonp', 415, 'MEDIA_TYPE_UNSUPPORTED'],
    [
      'too big',
      JSON.stringify({ code: CODE, pad: 'x'.repeat(2000) }),
      'application/json',
      413,
      'BODY_TOO_LARGE',
    ],
  ])('refuses %s with a clear JSON error', async (_name, body, type, status, code) => {
    const { server, desk } = await start();
    const answer = await postCode(server.url, body, type);
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.json()).toEqual({ error: { code, message: expect.any(String) as unknown } });
    expect(desk.calls).toEqual([]);
  });

  it('says which rule a code broke without echoing it', async () => {
    const { server } = await start();
    const answer = await postCode(server.url, '{"code":"4821390"}');
    const message = (answer.json() as { error: { message: string } }).error.message;
    expect(message).toBe('code: a code is 8 digits');
  });

  it('refuses a streamed body as soon as it passes the limit', async () => {
    const { server, desk } = await start();
    // No content-length: the server counts while the chunks come in.
    const answer = await send(
      new URL('/api/code', server.url).href,
      'POST',
      { 'content-type': 'application/json' },
      [`{"code":"${CODE}","pad":"`, 'x'.repeat(600), 'x'.repeat(600), '"}'],
    );
    expect(answer.status).toBe(413);
    expect(answer.json()).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
    expect(desk.calls).toEqual([]);
  });

  it('refuses a body that stalls, on the injected clock', async () => {
    const clock = new ManualClock();
    const { server, desk } = await start(new ScriptedDesk(), {}, clock);
    const pending = new Promise<Answer>((resolve, reject) => {
      const req = request(
        new URL('/api/code', server.url),
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '19' } },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (chunk: Buffer) => parts.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(parts).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text,
              json: () => JSON.parse(text) as unknown,
            });
          });
        },
      );
      req.on('error', reject);
      req.write('{"code":"482');
    });
    // The server has the request once it has set the body timer.
    await eventually(() => clock.pending).toBeGreaterThan(0);
    await clock.advance(4_999);
    await clock.advance(1);
    const answer = await pending;
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ error: { code: 'REQUEST_INVALID' } });
    expect(desk.calls).toEqual([]);
  });

  it('refuses a code posted from another origin', async () => {
    const { server, desk } = await start();
    const body = JSON.stringify({ code: CODE });
    const foreign = await send(
      new URL('/api/code', server.url).href,
      'POST',
      { 'content-type': 'application/json', origin: 'http://evil.example' },
      [body],
    );
    expect(foreign.status).toBe(403);
    expect(foreign.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const own = await send(
      new URL('/api/code', server.url).href,
      'POST',
      { 'content-type': 'application/json', origin: new URL(server.url).origin },
      [body],
    );
    expect(own.status).toBe(200);
    expect(desk.calls).toHaveLength(1);
  });

  it('answers unknown routes and methods with ROUTE_NOT_FOUND', async () => {
    const { server } = await start();
    for (const [method, path] of [
      ['GET', '/api/code'],
      ['POST', '/api/status'],
      ['GET', '/index.html'],
      ['DELETE', '/'],
      ['GET', '/../package.json'],
    ] as const) {
      const answer = await send(new URL(path, server.url).href, method);
      expect(answer.status).toBe(404);
      expect(answer.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
    }
  });

  it('checks one code at a time', async () => {
    const desk = new ScriptedDesk();
    let open = (): void => undefined;
    desk.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const { server } = await start(desk);
    const first = postCode(server.url, JSON.stringify({ code: '11111111' }));
    const second = postCode(server.url, JSON.stringify({ code: '22222222' }));
    await eventually(() => desk.calls.length).toBe(1);
    // Give the second request every chance to reach the desk early.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(desk.calls).toHaveLength(1);
    open();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(desk.calls.map((c) => c.code)).toEqual(['11111111', '22222222']);
  });

  it('answers INTERNAL_ERROR when the desk throws', async () => {
    const desk = new ScriptedDesk();
    desk.submitCode = () => Promise.reject(new Error('boom'));
    const { server } = await start(desk);
    const answer = await postCode(server.url, JSON.stringify({ code: CODE }));
    expect(answer.status).toBe(500);
    expect(answer.json()).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
  });

  it('never logs a code, accepted or refused', async () => {
    const desk = new ScriptedDesk().answer(CODE, { status: 'opened', box: 5, kind: 'pickup' });
    const { server, lines } = await start(desk);
    await postCode(server.url, JSON.stringify({ code: CODE }));
    await postCode(server.url, JSON.stringify({ code: '87654321' }));
    await postCode(server.url, '{"code":"8765432x"}');
    await postCode(server.url, '{"code":"7654321"');
    expect(lines.join('')).toContain('kiosk code opened a box');
    expect(lines.join('')).toContain('kiosk code rejected');
    for (const secret of [CODE, '87654321', '8765432', '7654321']) {
      expect(lines.join('')).not.toContain(secret);
    }
  });

  it('stops even while the kiosk browser holds a connection open', async () => {
    const { server } = await start();
    const status = await fetch(new URL('/api/status', server.url), {
      headers: { connection: 'keep-alive' },
    });
    expect(status.status).toBe(200);
    await server.stop();
    await expect(fetch(new URL('/api/status', server.url))).rejects.toThrow();
  });

  it('fails to start with CONFIG_INVALID when its port is taken', async () => {
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    await expect(start(new ScriptedDesk(), { port })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('EADDRINUSE') as unknown,
    });
  });

  it('finds the page files from the built dist/ module as from src/', () => {
    const src = fileURLToPath(kioskPageFolder());
    const fromDist = kioskPageFolder(
      pathToFileURL(
        src.replace(
          /src\/modules\/locker\/kiosk\/page\/$/,
          'dist/modules/locker/kiosk/kiosk-page.js',
        ),
      ).href,
    );
    expect(fileURLToPath(fromDist)).toBe(src);
    for (const file of ['index.html', 'kiosk.css', 'kiosk.js']) {
      expect(existsSync(new URL(file, fromDist))).toBe(true);
    }
  });
});
