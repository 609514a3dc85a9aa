import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '@hameau/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simMain, type SimExitCode, type SimIo } from '../../src/cli/sim-main.js';
import { LineClient, connectError, until } from '../line-client.js';

const counterYaml = fileURLToPath(new URL('../../scenarios/counter.yaml', import.meta.url));

/** An io that records output and stops when told. */
function testIo(env: NodeJS.ProcessEnv = {}) {
  let stop: (signal: string) => void = () => undefined;
  const stopSignal = new Promise<string>((resolve) => {
    stop = resolve;
  });
  const out: string[] = [];
  const err: string[] = [];
  const io: SimIo = {
    env: { HAMEAU_LOG_LEVEL: 'silent', ...env },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    stopSignal,
  };
  return { io, out, err, stop };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hameau-sim-main-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The TCP port printed for a device: `device <id> <type> tcp <host>:<port>`. */
function printedPort(out: readonly string[], id: string): number {
  const line = out.find((l) => l.startsWith(`device ${id} `));
  const match = /^device \S+ \S+ tcp 127\.0\.0\.1:(\d+)$/.exec(line ?? '');
  if (!match?.[1]) throw new Error(`no endpoint line for ${id} in ${JSON.stringify(out)}`);
  return Number(match[1]);
}

describe('hameau sim', () => {
  it('--list lists the device types', async () => {
    const { io, out, err } = testIo();
    expect(await simMain(['--list'], io)).toBe(0);
    expect(out.map((l) => l.split(' ', 1)[0])).toEqual([
      'counter',
      'em24',
      'iem3000',
      'lamp-nodes',
      'lock-board',
      'modbus-gateway',
      'rtu-bus',
      'sdm120',
      'sdm630',
    ]);
    // Summaries line up after the longest type name.
    expect(out[0]).toMatch(/^counter {9}numbered readings/);
    expect(out[8]).toMatch(/^sdm630 {10}Eastron SDM630/);
    expect(err).toEqual([]);
  });

  it('--help prints the usage on stdout', async () => {
    const { io, out } = testIo();
    expect(await simMain(['--help'], io)).toBe(0);
    expect(out[0]).toMatch(/^usage: hameau sim --scenario FILE/);
  });

  it.each([
    [[], 'a scenario file is needed'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['extra'], 'Unexpected argument'],
    [['--scenario'], "Option '--scenario <value>' argument missing"],
    [['--list', '--scenario', 'x.yaml'], '--list and --scenario exclude each other'],
  ])('exits 2 on bad usage: %j', async (argv, problem) => {
    const { io, out, err } = testIo();
    expect(await simMain(argv, io)).toBe(2);
    expect(err[0]).toContain(problem);
    expect(err.some((l) => l.startsWith('usage: hameau sim'))).toBe(true);
    expect(out).toEqual([]);
  });

  it('exits 2 listing every problem of a bad scenario, without a stack trace', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      'devices:\n  - { type: counter, id: c1, port: 99999 }\n  - { type: meter, id: m1 }\n',
    );
    const { io, out, err } = testIo();
    expect(await simMain(['--scenario', file], io)).toBe(2);
    expect(err).toEqual([
      `scenario ${file} is invalid:\n` +
        '  - devices[0].port: Too big: expected number to be <=65535 (line 2)\n' +
        '  - devices[1].type: unknown device type "meter" (known: counter, em24, iem3000, lamp-nodes, lock-board, modbus-gateway, rtu-bus, sdm120, sdm630) (line 3)',
    ]);
    expect(out).toEqual([]);
  });

  it('exits 2 on a missing scenario file and on a bad log level', async () => {
    const missing = testIo();
    expect(await simMain(['--scenario', join(dir, 'nope.yaml')], missing.io)).toBe(2);
    expect(missing.err[0]).toMatch(/nope\.yaml is invalid:\n {2}- cannot read it: no such file$/);

    const level = testIo({ HAMEAU_LOG_LEVEL: 'loud' });
    expect(await simMain(['--scenario', counterYaml], level.io)).toBe(2);
    expect(level.err[0]).toMatch(/HAMEAU_LOG_LEVEL: must be one of fatal, error/);
  });

  it('runs a scenario, prints each endpoint, and stops on the stop signal', async () => {
    const { io, out, err, stop } = testIo();
    const exit = simMain(['--scenario', counterYaml], io);
    await until(() => out.includes('ready') || err.length > 0);
    expect(err).toEqual([]);
    expect(out[0]).toBe(`scenario counter: 1 device from ${counterYaml}`);
    const port = printedPort(out, 'c1');

    const client = await LineClient.open(port);
    expect(await client.request('READ\n')).toBe('N 1 0.5\n');
    expect(await client.request('INFO\n')).toBe('I counter c1 1\n');

    stop('SIGTERM');
    expect(await exit).toBe(0);
    await client.closed;
    expect(out.slice(-2)).toEqual(['SIGTERM: stopping 1 device', 'stopped']);
    expect(await connectError(port)).toBe('ECONNREFUSED');
  });

  it('takes the scenario from HAMEAU_SIM_SCENARIO and the clock from its options', async () => {
    const file = join(dir, 'two.yaml');
    await writeFile(
      file,
      'name: pair\ndevices:\n' +
        '  - { type: counter, id: a, faults: [{ mode: disconnect, atMs: 1000 }] }\n' +
        '  - { type: counter, id: b }\n',
    );
    const clock = new ManualClock();
    const { io, out, stop } = testIo({ HAMEAU_SIM_SCENARIO: file });
    const exit = simMain([], io, { clock });
    await until(() => out.includes('ready'));
    expect(out[0]).toBe(`scenario pair: 2 devices from ${file}`);
    const client = await LineClient.open(printedPort(out, 'a'));
    printedPort(out, 'b');
    await clock.advance(1000);
    await client.closed;
    stop('SIGINT');
    expect(await exit).toBe(0);
  });

  it('sends logs to err as JSON lines, keeping out for people and scripts', async () => {
    const { io, out, err, stop } = testIo({ HAMEAU_LOG_LEVEL: 'info' });
    const exit = simMain(['--scenario', counterYaml], io);
    await until(() => out.includes('ready'));
    stop('SIGINT');
    expect(await exit).toBe(0);
    const logs = err.map((l) => JSON.parse(l) as { msg: string; device?: string });
    expect(logs.map((l) => l.msg)).toContain('counter started');
    expect(logs.find((l) => l.msg === 'counter started')?.device).toBe('c1');
    expect(out.every((l) => !l.startsWith('{'))).toBe(true);
  });

  it('exits 2 when a scenario port is taken, leaving nothing open', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const file = join(dir, 'taken.yaml');
      await writeFile(file, `devices:\n  - { type: counter, id: c1, port: ${port} }\n`);
      const { io, out, err } = testIo();
      const code: SimExitCode = await simMain(['--scenario', file], io);
      expect(code).toBe(2);
      expect(err).toEqual([
        `device c1: 127.0.0.1:${port} is already in use; change its host or port in the scenario`,
      ]);
      expect(out).toEqual([]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
