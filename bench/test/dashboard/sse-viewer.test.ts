import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { epochNow, SseViewer, type Arrival } from '../../src/dashboard/sse-viewer.js';

let server: Server | null = null;
afterEach(async () => {
  const s = server;
  server = null;
  if (s !== null) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => {
      s.close(() => {
        resolve();
      });
    });
  }
});

/** A server on an ephemeral port whose one route is `handle`; resolves with its URL. */
async function serve(handle: (res: ServerResponse) => void): Promise<string> {
  const s = createServer((_req, res) => {
    handle(res);
  });
  server = s;
  await new Promise<void>((resolve) => {
    s.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/live`;
}

describe('SseViewer', () => {
  it('opens on the first event and hands over every event with its arrival time', async () => {
    let stream: ServerResponse | null = null;
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('retry: 3000\n\nid: a-1\nevent: snap');
      setTimeout(() => res.write('shot\ndata: {"n":1}\n\n'), 20);
      stream = res;
    });
    const arrivals: Arrival[] = [];
    const before = epochNow();
    const viewer = new SseViewer(
      url,
      (a) => arrivals.push(a),
      () => undefined,
    );
    await viewer.opened;
    expect(arrivals).toHaveLength(1);
    expect(arrivals[0]?.event).toEqual({ event: 'snapshot', data: '{"n":1}', id: 'a-1' });
    expect(arrivals[0]?.arrivedMs).toBeGreaterThanOrEqual(before);
    expect(arrivals[0]?.arrivedMs).toBeLessThanOrEqual(epochNow());
    (stream as ServerResponse | null)?.write(': heartbeat\n\nid: a-2\nevent: update\ndata: {}\n\n');
    await expect.poll(() => arrivals.length).toBe(2);
    expect(arrivals[1]?.event.id).toBe('a-2');
    viewer.close();
  });

  it('fails to open on an error answer', async () => {
    const url = await serve((res) => {
      res.writeHead(503, { 'retry-after': '30' });
      res.end('{"code":"PUBLIC_FEED_FULL"}');
    });
    const viewer = new SseViewer(
      url,
      () => undefined,
      () => undefined,
    );
    await expect(viewer.opened).rejects.toThrow('answered 503');
  });

  it('notices when the server ends the stream, but not when it is closed on purpose', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: snapshot\ndata: {}\n\n');
      setTimeout(() => res.end(), 20);
    });
    let ended = 0;
    const cut = new SseViewer(
      url,
      () => undefined,
      () => ended++,
    );
    await cut.opened;
    await expect.poll(() => ended).toBe(1);
    expect(cut.ended).toBe(true);

    const kept = new SseViewer(
      url,
      () => undefined,
      () => ended++,
    );
    await kept.opened;
    kept.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toBe(1);
  });
});
