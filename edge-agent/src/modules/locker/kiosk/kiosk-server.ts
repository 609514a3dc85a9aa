import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  ERROR_CODES,
  HameauError,
  PickupCode,
  systemClock,
  type Clock,
  type ErrorCode,
} from '@hameau/protocol';
import type { PickupDesk, PickupOutcome } from '../pickup-desk.js';
import {
  isKioskAssetPath,
  loadKioskPage,
  type KioskAsset,
  type KioskAssetPath,
} from './kiosk-page.js';
import { readBody } from './read-body.js';

/** The kiosk page server's settings (the locker module's `kiosk` key). */
export const KioskConfig = z.strictObject({
  enabled: z.boolean().default(true),
  /** Localhost by default: the touchscreen's browser runs on the same box. */
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 picks a free port (tests). */
  port: z.int().min(0).max(65_535).default(8090),
  /** The terminal name codes typed here are checked, locked out and reported under. */
  terminal: z.string().min(1).max(40).default('kiosk'),
  /** The page's heading; the bank's name by default. */
  title: z.string().trim().min(1).max(80).optional(),
});
export type KioskConfig = z.infer<typeof KioskConfig>;

/** What `startKioskServer` needs. */
export interface KioskServerOptions {
  readonly desk: PickupDesk;
  readonly config: KioskConfig;
  readonly log: Logger;
  /** Times request bodies out; the system clock by default. */
  readonly clock?: Clock;
  /** The bank the kiosk stands at, as `GET /api/status` reports it. */
  readonly bank: { readonly name: string; readonly boxes: number };
}

/** A running kiosk server. */
export interface KioskServer {
  /** Where the page is, e.g. `http://127.0.0.1:8090/`. */
  readonly url: string;
  /** Stops listening and drops open connections (the kiosk browser keeps one alive). */
  stop(): Promise<void>;
}

/** Bytes a `POST /api/code` body may have: `{"code":"12345678"}` is 19. */
export const KIOSK_BODY_LIMIT = 1024;
const BODY_TIMEOUT_MS = 5_000;

const CodeRequest = z.strictObject({ code: PickupCode });

// Every answer, assets and errors alike. The page loads nothing from elsewhere (the kiosk is
// offline), so 'self' is all the policy allows; nothing may frame it or cache a result.
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'",
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/**
 * Serves the kiosk page and its two API routes with `node:http`: the agent has no web framework,
 * and a Raspberry Pi should not carry one for three routes. Codes go to `desk.submitCode` under
 * the configured terminal name, one at a time (a second request waits for the first, so a script
 * hammering the API cannot race the desk's failure count). A code is never logged.
 */
export async function startKioskServer(options: KioskServerOptions): Promise<KioskServer> {
  const { desk, config, bank } = options;
  const clock = options.clock ?? systemClock;
  // The caller may have bound the terminal already; a key bound twice is written twice.
  const log =
    'terminal' in options.log.bindings()
      ? options.log
      : options.log.child({ terminal: config.terminal });
  const assets = await loadKioskPage({ title: config.title ?? bank.name });
  let queue: Promise<unknown> = Promise.resolve();

  const submit = (code: string): Promise<PickupOutcome> => {
    const outcome = queue.then(() => desk.submitCode(config.terminal, code));
    queue = outcome.catch(() => undefined);
    return outcome;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // The path only: the query string is nobody's business here.
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    if ((method === 'GET' || method === 'HEAD') && isKioskAssetPath(path)) {
      sendAsset(res, method, assets, path);
      return;
    }
    if ((method === 'GET' || method === 'HEAD') && path === '/favicon.ico') {
      // Browsers ask for one; "none" is an answer, where a 404 would be an error in their log.
      res.writeHead(204, SECURITY_HEADERS);
      res.end();
      return;
    }
    if ((method === 'GET' || method === 'HEAD') && path === '/api/status') {
      sendJson(res, 200, {
        inService: desk.inService(),
        bank: { name: bank.name, boxes: bank.boxes },
      });
      return;
    }
    if (method === 'POST' && path === '/api/code') {
      const outcome = await readCode(req, clock).then(submit);
      if (outcome.status === 'opened') {
        log.info({ box: outcome.box, kind: outcome.kind }, 'kiosk code opened a box');
      } else {
        log.info({ reason: outcome.reason }, 'kiosk code rejected');
      }
      sendJson(res, 200, passThrough(outcome));
      return;
    }
    throw new HameauError('ROUTE_NOT_FOUND', `no endpoint ${method} ${path}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HameauError) {
        log.debug({ code: err.code, path: req.url?.split('?')[0] }, 'kiosk request refused');
        // A body left unread (too large, too slow) must not be parsed as the next request.
        if (!req.readableEnded) res.setHeader('connection', 'close');
        sendError(res, err.code, err.message);
        return;
      }
      log.error({ err }, 'kiosk request failed');
      sendError(res, 'INTERNAL_ERROR', 'internal error');
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        new HameauError(
          'CONFIG_INVALID',
          `kiosk cannot listen on ${config.host}:${config.port}: ${err.code ?? err.message}`,
          { host: config.host, port: config.port },
        ),
      );
    };
    server.once('error', onError);
    server.listen(config.port, config.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => {
    log.error({ err }, 'kiosk server error');
  });
  const url = `http://${urlHost(config.host)}:${(server.address() as AddressInfo).port}/`;
  log.info({ url }, 'kiosk page served');

  let stopped: Promise<void> | null = null;
  return {
    url,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

/** Reads and validates the body of `POST /api/code`; rejects with the error to answer. */
async function readCode(req: IncomingMessage, clock: Clock): Promise<string> {
  // A JSON content type also makes a cross-site form or `no-cors` fetch impossible: it needs a
  // CORS preflight, which this server never grants.
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HameauError('MEDIA_TYPE_UNSUPPORTED', 'send the code as application/json');
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) {
    throw new HameauError('FORBIDDEN', 'codes are only taken from the kiosk page itself');
  }
  const body = await readBody(req, { limit: KIOSK_BODY_LIMIT, timeoutMs: BODY_TIMEOUT_MS, clock });
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HameauError('REQUEST_INVALID', 'the body is not JSON');
  }
  const parsed = CodeRequest.safeParse(json);
  if (!parsed.success) {
    // Zod's messages name the field and the rule, never the value typed.
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
    throw new HameauError('VALIDATION_FAILED', problems.join('; '));
  }
  return parsed.data.code;
}

/** The outcome as the page reads it: only the contract's fields, whatever the desk added. */
function passThrough(outcome: PickupOutcome): PickupOutcome {
  if (outcome.status === 'opened') {
    return { status: 'opened', box: outcome.box, kind: outcome.kind };
  }
  return outcome.retryAfterSeconds === undefined
    ? { status: 'rejected', reason: outcome.reason }
    : { status: 'rejected', reason: outcome.reason, retryAfterSeconds: outcome.retryAfterSeconds };
}

function sendAsset(
  res: ServerResponse,
  method: string,
  assets: ReadonlyMap<KioskAssetPath, KioskAsset>,
  path: KioskAssetPath,
): void {
  const asset = assets.get(path);
  if (asset === undefined) throw new Error(`kiosk asset ${path} was not loaded`);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': asset.contentType,
    'content-length': asset.body.length,
  });
  res.end(method === 'HEAD' ? undefined : asset.body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  });
  res.end(body);
}

function sendError(res: ServerResponse, code: ErrorCode, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, ERROR_CODES[code].http, { error: { code, message } });
}

/** The host as it goes in a URL: a wildcard address is reached on loopback, IPv6 in brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
