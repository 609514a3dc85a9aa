import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { MemoryCredentialStore, parseBrokerConfig, startBroker } from '@hameau/broker';
import { CounterDevice } from '@hameau/firmware-sim';
import { TOPICS, systemClock, type TelemetryPayload } from '@hameau/protocol';
import { main } from '../src/main.js';

const dir = mkdtempSync(join(tmpdir(), 'hameau-agent-cli-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(argv: string[], stopSignal?: Promise<string>) {
  const out: string[] = [];
  const err: string[] = [];
  const done = main(argv, {
    env: {},
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    ...(stopSignal && { stopSignal }),
  });
  return { done, out, err };
}

it('runs a site agent end to end: simulated device → agent → our broker → the cloud account', async () => {
  const credentials = new MemoryCredentialStore();
  const broker = await startBroker(
    parseBrokerConfig({ host: '127.0.0.1', mqttPort: 0, wsPort: null, httpPort: null }),
    { credentials, log: pino({ level: 'silent' }) },
  );
  const device = new CounterDevice({ id: 'c1' }, { clock: systemClock });
  const { endpoints } = await device.start();
  const port = endpoints[0]?.transport === 'tcp' ? endpoints[0].port : 0;
  const password = await credentials.add({
    role: 'device',
    site: 'gare',
    device: 'agent',
    kind: 'meters',
  });
  const cloudPassword = await credentials.add({ role: 'cloud', name: 'cloud' });
  writeFileSync(join(dir, 'password'), `${password}\n`, { mode: 0o600 });
  writeFileSync(
    join(dir, 'site.yaml'),
    [
      'site: gare',
      'device: agent',
      'kind: meters',
      'mqtt:',
      `  url: mqtt://127.0.0.1:${broker.mqtt.port}`,
      '  passwordFile: password',
      'dataDir: data',
      'log: { level: silent }',
      'modules:',
      '  counter:',
      `    port: ${port}`,
      '    intervalMs: 50',
    ].join('\n'),
  );
  const cloud = await connectAsync(`mqtt://127.0.0.1:${broker.mqtt.port}`, {
    username: 'cloud',
    password: cloudPassword,
    clientId: 'cloud:test',
    reconnectPeriod: 0,
  });
  const readings: TelemetryPayload[] = [];
  const statuses: string[] = [];
  cloud.on('message', (topic, payload) => {
    if (TOPICS.telemetry.match(topic)?.stream === 'counter')
      readings.push(TOPICS.telemetry.decode(payload));
    if (TOPICS.status.match(topic)) statuses.push(TOPICS.status.decode(payload).state);
  });
  await cloud.subscribeAsync([TOPICS.telemetry.filter({ site: 'gare' }), TOPICS.status.filter()], {
    qos: 1,
  });

  let stop = (_: string) => undefined as unknown;
  const agent = run(['agent', '--config', join(dir, 'site.yaml')], new Promise((r) => (stop = r)));
  await expect.poll(() => readings.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
  stop('SIGTERM');
  expect(await agent.done).toBe(0);
  expect(agent.err).toEqual([]);

  const ns = readings.map((r) => r.values['n']);
  expect(ns.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
  const seqs = readings.map((r) => r.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  await expect.poll(() => statuses.at(-1)).toBe('offline');
  expect(statuses).toContain('online');

  await cloud.endAsync();
  await device.stop();
  await broker.close();
});

it('refuses a bad site.yaml listing every problem, without a stack trace', async () => {
  writeFileSync(join(dir, 'bad.yaml'), 'site: Gare\nkind: toaster\nmqtt: { url: http://x }\n');
  const r = run(['agent', '--config', join(dir, 'bad.yaml')]);
  expect(await r.done).toBe(2);
  const text = r.err.join('\n');
  for (const path of ['site', 'device', 'kind', 'mqtt.url']) expect(text).toContain(path);
  expect(text).not.toMatch(/\bat .*\.ts:\d+/);
});
