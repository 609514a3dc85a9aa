import { ConfigError, HameauError, ManualClock } from '@hameau/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { CounterDevice } from '../../../src/devices/counter/counter-device.js';
import type { CounterOptionsInput } from '../../../src/devices/counter/counter-options.js';
import { LineClient, connectError, until } from '../../line-client.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startCounter(
  options: Partial<CounterOptionsInput> = {},
): Promise<{ device: CounterDevice; clock: ManualClock; port: number }> {
  const clock = new ManualClock();
  const device = new CounterDevice({ id: 'c1', ...options }, { clock });
  cleanups.push(() => device.stop());
  const { endpoints } = await device.start();
  const [endpoint] = endpoints;
  if (endpoint?.transport !== 'tcp') throw new Error('expected a TCP endpoint');
  return { device, clock, port: endpoint.port };
}

async function open(port: number): Promise<LineClient> {
  const client = await LineClient.open(port);
  cleanups.push(() => client.close());
  return client;
}

describe('counter protocol over TCP', () => {
  it('answers READ and INFO byte for byte', async () => {
    const { port } = await startCounter();
    const c = await open(port);
    expect(await c.request('INFO\n')).toBe('I counter c1 0\n');
    c.send('READ\n');
    expect((await c.readLineBytes()).equals(Buffer.from('N 1 0.5\n', 'latin1'))).toBe(true);
    expect(await c.request('READ\n')).toBe('N 2 1\n');
    expect(await c.request('READ\n')).toBe('N 3 1.5\n');
    expect(await c.request('INFO\n')).toBe('I counter c1 3\n');
  });

  it('reports its TCP endpoint on the bound address', async () => {
    const clock = new ManualClock();
    const device = new CounterDevice({ id: 'c1', host: '127.0.0.1', port: 0 }, { clock });
    cleanups.push(() => device.stop());
    const { endpoints } = await device.start();
    expect(endpoints).toHaveLength(1);
    const [endpoint] = endpoints;
    expect(endpoint).toMatchObject({ transport: 'tcp', host: '127.0.0.1' });
    expect(endpoint?.transport === 'tcp' ? endpoint.port : 0).toBeGreaterThan(0);
  });

  it('honours start and scale', async () => {
    const { port } = await startCounter({ start: 41, scale: 0.1 });
    const c = await open(port);
    expect(await c.request('INFO\n')).toBe('I counter c1 40\n');
    expect(await c.request('READ\n')).toBe('N 41 4.1000000000000005\n');
    expect(await c.request('READ\n')).toBe('N 42 4.2\n');
  });

  it('answers pipelined requests in order, and requests split into single bytes', async () => {
    const { port } = await startCounter();
    const c = await open(port);
    c.send('READ\nINFO\nREAD\n');
    expect([await c.readLine(), await c.readLine(), await c.readLine()]).toEqual([
      'N 1 0.5\n',
      'I counter c1 1\n',
      'N 2 1\n',
    ]);
    for (const byte of 'READ\n') c.send(byte);
    expect(await c.readLine()).toBe('N 3 1.5\n');
  });

  it('shares one sequence across connections and keeps it over reconnects', async () => {
    const { port, device } = await startCounter();
    const a = await open(port);
    const b = await open(port);
    expect(await a.request('READ\n')).toBe('N 1 0.5\n');
    expect(await b.request('READ\n')).toBe('N 2 1\n');
    expect(await a.request('READ\n')).toBe('N 3 1.5\n');
    await a.close();
    await b.close();
    await until(() => device.connections === 0);
    const c = await open(port);
    expect(await c.request('READ\n')).toBe('N 4 2\n');
    expect(device.lastSeq).toBe(4);
  });

  it('accepts CRLF line ends', async () => {
    const { port } = await startCounter();
    const c = await open(port);
    expect(await c.request('READ\r\n')).toBe('N 1 0.5\n');
    expect(await c.request('INFO\r\n')).toBe('I counter c1 1\n');
  });

  it('answers anything else with E unknown-command and keeps the connection', async () => {
    const { port } = await startCounter();
    const c = await open(port);
    const bad = ['read\n', 'READ \n', ' READ\n', '\n', 'READX\n', 'READ\r\r\n', 'N 1 0.5\n'];
    for (const line of bad) expect(await c.request(line)).toBe('E unknown-command\n');
    c.send(Buffer.from([0x00, 0xff, 0x80, 0x0d, 0x0a]));
    expect(await c.readLine()).toBe('E unknown-command\n');
    // None of them consumed a reading.
    expect(await c.request('READ\n')).toBe('N 1 0.5\n');
  });

  it('accepts a 256-byte line but answers E line-too-long to 257 bytes', async () => {
    const { port } = await startCounter();
    const c = await open(port);
    expect(await c.request(`${'x'.repeat(256)}\n`)).toBe('E unknown-command\n');
    expect(await c.request(`${'x'.repeat(257)}\n`)).toBe('E line-too-long\n');
    expect(await c.request('READ\n')).toBe('N 1 0.5\n');
  });

  it('answers a long line once, as soon as it passes the limit, and discards to its newline', async () => {
    const { port, device } = await startCounter();
    const c = await open(port);
    c.send('y'.repeat(200));
    c.send('y'.repeat(100));
    expect(await c.readLine()).toBe('E line-too-long\n');
    // More of the same line, even a READ inside it, is dropped without an answer.
    c.send(`${'z'.repeat(5000)}READ`);
    c.send('\nREAD\n');
    expect(await c.readLine()).toBe('N 1 0.5\n');
    expect(device.requests).toBe(2);
  });
});

describe('counter faults', () => {
  it('silent: reads requests, never answers them, and consumes no reading', async () => {
    const { port, device, clock } = await startCounter();
    const c = await open(port);
    expect(await c.request('READ\n')).toBe('N 1 0.5\n');
    device.inject({ mode: 'silent', durationMs: 1000 });
    c.send('READ\nINFO\n');
    await until(() => device.requests === 3);
    await clock.advance(999);
    expect(device.fault).toEqual({ mode: 'silent', until: clock.now() + 1 });
    c.send('READ\n');
    await until(() => device.requests === 4);
    await clock.advance(1);
    expect(device.fault).toBeNull();
    // The first bytes after the fault answer the first request after it.
    expect(await c.request('READ\n')).toBe('N 2 1\n');
    expect(c.unread.length).toBe(0);
  });

  it('garbage: answers each request with one line of noise, then behaves again', async () => {
    const { port, device, clock } = await startCounter();
    const c = await open(port);
    device.inject({ mode: 'garbage', durationMs: 500 });
    const noise: Buffer[] = [];
    for (let i = 0; i < 20; i++) {
      c.send(i % 2 === 0 ? 'READ\n' : 'INFO\n');
      noise.push(await c.readLineBytes());
    }
    for (const line of noise) {
      expect(line.indexOf(0x0a)).toBe(line.length - 1);
      expect(line.length).toBeGreaterThanOrEqual(2);
      expect('NIE').not.toContain(String.fromCharCode(line[0] ?? 0x4e));
    }
    expect(new Set(noise.map((l) => l.toString('hex'))).size).toBeGreaterThan(1);
    await clock.advance(500);
    expect(await c.request('READ\n')).toBe('N 1 0.5\n');
  });

  it('garbage noise is the same for the same seed', async () => {
    const runs: string[] = [];
    for (let run = 0; run < 2; run++) {
      const { port, device } = await startCounter({ seed: 7 });
      const c = await open(port);
      device.inject({ mode: 'garbage' });
      runs.push((await c.request('READ\n')) + (await c.request('READ\n')));
    }
    expect(runs[0]).toBe(runs[1]);
  });

  it('disconnect: closes every connection and refuses new ones until it ends', async () => {
    const { port, device, clock } = await startCounter();
    const a = await open(port);
    const b = await open(port);
    expect(await a.request('READ\n')).toBe('N 1 0.5\n');
    device.inject({ mode: 'disconnect', durationMs: 2000 });
    await a.closed;
    await b.closed;
    const during = await open(port);
    during.send('READ\n');
    await during.closed;
    expect(during.unread.length).toBe(0);
    await clock.advance(2000);
    expect(device.fault).toBeNull();
    const after = await open(port);
    expect(await after.request('READ\n')).toBe('N 2 1\n');
  });

  it('disconnect with durationMs 0 drops the current connections once', async () => {
    const { port, device } = await startCounter();
    const a = await open(port);
    expect(await a.request('READ\n')).toBe('N 1 0.5\n');
    device.inject({ mode: 'disconnect', durationMs: 0 });
    await a.closed;
    expect(device.fault).toBeNull();
    const b = await open(port);
    expect(await b.request('READ\n')).toBe('N 2 1\n');
  });

  it('flushes answers already written before a disconnect closes the connection', async () => {
    const { port, device } = await startCounter();
    const c = await open(port);
    c.send('READ\n'.repeat(50));
    await until(() => device.requests === 50);
    device.inject({ mode: 'disconnect', durationMs: 0 });
    await c.closed;
    const lines = c.unread.toString('latin1').split('\n').slice(0, -1);
    expect(lines).toEqual(Array.from({ length: 50 }, (_, i) => `N ${i + 1} ${(i + 1) / 2}`));
  });

  it('a fault without duration lasts until cleared, whatever the clock does', async () => {
    const { port, device, clock } = await startCounter();
    const c = await open(port);
    device.inject({ mode: 'silent' });
    c.send('READ\n');
    await until(() => device.requests === 1);
    await clock.advance(365 * 24 * 3600_000);
    expect(device.fault).toEqual({ mode: 'silent', until: null });
    device.clearFault();
    expect(await c.request('READ\n')).toBe('N 1 0.5\n');
  });

  it('runs the faults of its options on its clock, from its start', async () => {
    const { port, device, clock } = await startCounter({
      faults: [
        { mode: 'garbage', atMs: 1000, durationMs: 500 },
        { mode: 'disconnect', atMs: 3000 },
      ],
    });
    const c = await open(port);
    await clock.advance(999);
    expect(await c.request('READ\n')).toBe('N 1 0.5\n');
    await clock.advance(1);
    expect(device.fault?.mode).toBe('garbage');
    expect(await c.request('READ\n')).not.toMatch(/^N /);
    await clock.advance(500);
    expect(await c.request('READ\n')).toBe('N 2 1\n');
    await clock.advance(1500);
    await c.closed;
    expect(device.fault).toEqual({ mode: 'disconnect', until: null });
  });

  it('rejects an invalid fault with a ConfigError', async () => {
    const { device } = await startCounter();
    expect(() => {
      device.inject({ mode: 'flaky' as 'silent', durationMs: -1 });
    }).toThrow(ConfigError);
    expect(device.fault).toBeNull();
  });
});

describe('counter lifecycle', () => {
  it('lists every bad option at once', () => {
    const clock = new ManualClock();
    let error: unknown;
    try {
      new CounterDevice({ id: 'Bad Id', port: 70000, start: 0, scale: Infinity }, { clock });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    for (const field of ['id', 'port', 'start', 'scale']) {
      expect(problems.some((p) => p.startsWith(`${field}:`))).toBe(true);
    }
  });

  it('stop closes its connections and its port', async () => {
    const { port, device } = await startCounter();
    const c = await open(port);
    expect(await c.request('READ\n')).toBe('N 1 0.5\n');
    await device.stop();
    await c.closed;
    expect(await connectError(port)).toBe('ECONNREFUSED');
    await device.stop();
  });

  it('reports a taken port as CONFIG_INVALID naming the device', async () => {
    const { port } = await startCounter();
    const clock = new ManualClock();
    const second = new CounterDevice({ id: 'c2', port }, { clock });
    cleanups.push(() => second.stop());
    const failure = second.start();
    await expect(failure).rejects.toBeInstanceOf(HameauError);
    await expect(failure).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(failure).rejects.toThrow(/device c2: 127\.0\.0\.1:\d+ is already in use/);
  });
});
