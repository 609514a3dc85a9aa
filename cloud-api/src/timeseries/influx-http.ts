import type { Logger } from 'pino';
import { sleep, type Clock } from '@hameau/protocol';
import { TimeSeriesError } from './time-series-error.js';

/** Where and how to reach InfluxDB: the 1.x API, or the 2.x API that 3.x also serves. */
export type InfluxTarget =
  | {
      readonly version: 1;
      readonly url: string;
      readonly database: string;
      readonly username?: string | undefined;
      readonly password?: string | undefined;
    }
  | {
      readonly version: 2;
      readonly url: string;
      readonly org: string;
      readonly bucket: string;
      readonly token: string;
    };

export interface InfluxHttpOptions {
  readonly clock: Clock;
  readonly logger?: Logger | undefined;
  /** Lines per write request; a larger batch is split. */
  readonly maxLines?: number;
  /** Bytes per write request (InfluxDB 1.x refuses bodies over 25 MB by default). */
  readonly maxBytes?: number;
  /** Retries after the first attempt, on network errors, 5xx and 429. */
  readonly retries?: number;
  /** First retry delay; doubled at each retry, at most 30 s. */
  readonly backoffMs?: number;
  /** A request (headers and body) not done within this is aborted and counts as failed. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** Longest part of an error answer kept in an error's details. */
const MAX_REPORTED_BODY = 2_000;

/**
 * InfluxDB's HTTP API: line-protocol writes (split into requests of bounded size) and InfluxQL
 * queries, retried with exponential backoff when the server or the network fails, never when
 * the server refuses (4xx other than 429): resending a refused body cannot succeed. Writes can
 * be retried safely because rewriting a point overwrites it.
 */
export class InfluxHttp {
  readonly #target: InfluxTarget;
  readonly #base: URL;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #maxLines: number;
  readonly #maxBytes: number;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #auth: string | undefined;

  constructor(target: InfluxTarget, options: InfluxHttpOptions) {
    this.#target = target;
    // A trailing slash makes relative paths resolve under a prefix (`https://host/influx/`).
    this.#base = new URL(target.url.endsWith('/') ? target.url : `${target.url}/`);
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#maxLines = options.maxLines ?? 5_000;
    this.#maxBytes = options.maxBytes ?? 4_000_000;
    this.#retries = options.retries ?? 4;
    this.#backoffMs = options.backoffMs ?? 500;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#fetch = options.fetch ?? fetch;
    // Credentials go in a header, never in the URL, so no URL we log or report carries them.
    if (target.version === 2) this.#auth = `Token ${target.token}`;
    else if (target.username !== undefined) {
      const basic = Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64');
      this.#auth = `Basic ${basic}`;
    }
  }

  /** Writes lines, in as many requests as the size limits ask, one after the other. */
  async write(lines: readonly string[]): Promise<void> {
    for (const chunk of splitLines(lines, this.#maxLines, this.#maxBytes)) {
      await this.#send('write', this.#writeUrl(), {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: chunk,
      });
    }
  }

  /** Runs one InfluxQL statement and returns the parsed JSON answer (times in ms). */
  async query(influxql: string): Promise<unknown> {
    const url = new URL('query', this.#base);
    url.searchParams.set(
      'db',
      this.#target.version === 1 ? this.#target.database : this.#target.bucket,
    );
    url.searchParams.set('epoch', 'ms');
    const text = await this.#send('query', url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ q: influxql }).toString(),
    });
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new TimeSeriesError('TSDB_REJECTED', 'InfluxDB answered a query with invalid JSON', {
        body: text.slice(0, MAX_REPORTED_BODY),
      });
    }
  }

  #writeUrl(): URL {
    const t = this.#target;
    const url = new URL(t.version === 1 ? 'write' : 'api/v2/write', this.#base);
    if (t.version === 1) url.searchParams.set('db', t.database);
    else {
      url.searchParams.set('org', t.org);
      url.searchParams.set('bucket', t.bucket);
    }
    url.searchParams.set('precision', 'ms');
    return url;
  }

  /** One request with retries; returns the body of the 2xx answer. */
  async #send(
    what: 'write' | 'query',
    url: URL,
    init: { method: string; headers: Record<string, string>; body: string },
  ): Promise<string> {
    const headers = { ...init.headers, ...(this.#auth ? { authorization: this.#auth } : {}) };
    const where = `${url.origin}${url.pathname}`;
    for (let attempt = 0; ; attempt++) {
      let failure: { status?: number; body?: string; error?: string };
      try {
        const { status, body } = await this.#fetchOnce(url, { ...init, headers });
        if (status >= 200 && status < 300) return body;
        const reported = body.slice(0, MAX_REPORTED_BODY);
        if (status !== 429 && status < 500) {
          throw new TimeSeriesError(
            'TSDB_REJECTED',
            `InfluxDB refused the ${what} (HTTP ${status}): ${reported}`,
            { status, body: reported, url: where },
          );
        }
        failure = { status, body: reported };
      } catch (err) {
        if (err instanceof TimeSeriesError) throw err;
        failure = {
          error:
            err instanceof Error
              ? err.cause instanceof Error
                ? err.cause.message
                : err.message
              : String(err),
        };
      }
      if (attempt >= this.#retries) {
        const reason =
          failure.status !== undefined
            ? `HTTP ${failure.status}: ${failure.body ?? ''}`
            : failure.error;
        throw new TimeSeriesError(
          'TSDB_UNAVAILABLE',
          `InfluxDB ${what} failed after ${attempt + 1} attempt(s): ${reason ?? 'unknown error'}`,
          { ...failure, attempts: attempt + 1, url: where },
        );
      }
      const delay = Math.min(30_000, this.#backoffMs * 2 ** attempt);
      this.#logger?.warn(
        { ...failure, attempt: attempt + 1, delayMs: delay, url: where },
        `InfluxDB ${what} failed, retrying`,
      );
      await sleep(this.#clock, delay);
    }
  }

  /** One HTTP exchange, aborted after `timeoutMs` on the injected clock. */
  async #fetchOnce(
    url: URL,
    init: { method: string; headers: Record<string, string>; body: string },
  ): Promise<{ status: number; body: string }> {
    const controller = new AbortController();
    const timer = this.#clock.setTimeout(() => {
      controller.abort(new Error(`no answer within ${this.#timeoutMs} ms`));
    }, this.#timeoutMs);
    try {
      const response = await this.#fetch(url, { ...init, signal: controller.signal });
      return { status: response.status, body: await response.text() };
    } finally {
      this.#clock.clearTimeout(timer);
    }
  }
}

/** Groups lines into request bodies of at most `maxLines` lines and about `maxBytes` bytes. */
export function splitLines(lines: readonly string[], maxLines: number, maxBytes: number): string[] {
  const bodies: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(line) + 1;
    if (current.length > 0 && (current.length >= maxLines || bytes + size > maxBytes)) {
      bodies.push(current.join('\n'));
      current = [];
      bytes = 0;
    }
    current.push(line);
    bytes += size;
  }
  if (current.length > 0) bodies.push(current.join('\n'));
  return bodies;
}
