import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A canned answer; `hang` keeps the request open until the server closes. */
export type Answer = { status: number; body?: string } | 'hang';

/** A local stand-in for InfluxDB's HTTP API that records requests and answers from a script. */
export interface FakeInflux {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Answers for the next requests, in order; after them, every request gets 204. */
  answer(...answers: Answer[]): void;
  close(): Promise<void>;
}

export async function startFakeInflux(): Promise<FakeInflux> {
  const requests: RecordedRequest[] = [];
  const script: Answer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: new URL(req.url ?? '/', 'http://fake'),
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const answer = script.shift() ?? { status: 204 };
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(...answers) {
      script.push(...answers);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}

/** Polls `condition` (a few ms apart, up to 5 s): waits for I/O, asserts nothing about time. */
export async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A pino logger whose lines are kept in `lines` (parsed), to check what is logged. */
export function capturingLogger(): {
  logger: Logger;
  lines: Record<string, unknown>[];
  text: () => string;
} {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString();
      raw.push(text);
      lines.push(JSON.parse(text) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines, text: () => raw.join('') };
}
