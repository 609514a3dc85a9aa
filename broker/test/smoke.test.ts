import { expect, test } from 'vitest';
import { startTestBroker, device, cloud } from './helpers.js';
test('smoke', async () => {
  const t = await startTestBroker();
  const sub = await t.connectAs(cloud);
  await sub.subscribeAsync('hameau/v1/+/+/telemetry/+', { qos: 1 });
  const pub = await t.connectAs(device('mairie', 'locker-1'));
  const got = new Promise<string>((r) => sub.on('message', (topic) => r(topic)));
  await pub.publishAsync('hameau/v1/mairie/locker-1/telemetry/energy', '{}', { qos: 1 });
  expect(await got).toBe('hameau/v1/mairie/locker-1/telemetry/energy');
  await t.close();
});
