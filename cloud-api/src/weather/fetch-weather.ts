import { HameauError, type WeatherPayload, type WeatherSource } from '@hameau/protocol';

/** The most a weather report may weigh: an Open-Meteo `current` body is under 1 KB. */
export const WEATHER_MAX_BYTES = 64 * 1024;

/** What a fetch needs: the standard `fetch`, injectable for tests of failures. */
export type Fetch = typeof fetch;

async function readLimited(response: Response): Promise<string> {
  if (response.body === null) return '';
  // Node's web streams are async iterables of bytes; the lib types without DOM do not say so.
  const body = response.body as unknown as AsyncIterable<Uint8Array>;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > WEATHER_MAX_BYTES) {
      throw new HameauError(
        'WEATHER_FETCH_FAILED',
        `weather report larger than ${String(WEATHER_MAX_BYTES)} bytes`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Fetches one weather report and shapes it for the `weather` topic, checking only what the
 * relay must (HTTP 200, size, JSON object or METAR line); reading it is the agent's job. Throws
 * `WEATHER_FETCH_FAILED` with the reason.
 */
export async function fetchWeather(options: {
  readonly url: string;
  readonly source: WeatherSource;
  readonly timeoutMs: number;
  readonly now: number;
  readonly fetch?: Fetch;
}): Promise<WeatherPayload> {
  const fail = (reason: string): never => {
    throw new HameauError('WEATHER_FETCH_FAILED', `weather fetch from ${options.url}: ${reason}`);
  };
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(options.url, {
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: { accept: options.source === 'metar' ? 'text/plain' : 'application/json' },
    });
  } catch (err) {
    return fail((err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message);
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    return fail(`HTTP ${String(response.status)}`);
  }
  const text = await readLimited(response);
  const fetchedAt = new Date(options.now).toISOString();
  if (options.source === 'metar') {
    // Services answer one report per line, newest first: the first is the one that matters.
    const line = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l.length > 0);
    if (line === undefined) return fail('empty METAR answer');
    if (line.length > 2_000) return fail('METAR line too long');
    return { fetchedAt, source: 'metar', body: line };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail('the answer is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('the answer is not a JSON object');
  }
  return { fetchedAt, source: 'open-meteo', body: body as Record<string, unknown> };
}
