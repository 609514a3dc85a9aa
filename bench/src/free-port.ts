import { createServer } from 'node:net';

/**
 * A loopback port that was free a moment ago and is closed again, for a server whose address
 * another must know before it starts (the broker's, for the API; the kiosk's, for the bench).
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
