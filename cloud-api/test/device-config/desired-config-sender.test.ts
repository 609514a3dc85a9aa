import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '@hameau/protocol';
import { DesiredConfigSender } from '../../src/device-config/desired-config-sender.js';
import { deviceConfigStore } from '../../src/device-config/device-config-store.js';
import { FakePublisher } from '../commands/fake-publisher.js';
import { createTestApp, silent, type TestApp } from '../helpers/test-app.js';
import { DIALECTS } from '../helpers/test-database.js';

describe.each(DIALECTS)('DesiredConfigSender.syncAll (%s)', (dialect) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /**
   * Seven devices on two sites; devices 1-5 have desired versions (2 each), of which the newest
   * of devices 2 and 4 was never published; devices 6-7 have none.
   */
  async function setUp() {
    t = await createTestApp({ dialect });
    const db = t.database.db;
    const keys = [1, 2, 3, 4, 5, 6, 7].map((n) => ({
      site: n % 2 === 0 ? 'est' : 'ouest',
      device: `lamp-${n}`,
    }));
    for (const key of keys) await t.app.hameau.devices.create({ ...key, kind: 'lighting' }, 'test');
    for (const key of keys.slice(0, 5)) {
      for (const version of [1, 2]) {
        const unpublished = version === 2 && (key.device === 'lamp-2' || key.device === 'lamp-4');
        await deviceConfigStore.insert(db, {
          ...key,
          version,
          config: { version },
          issuedAt: 1_000 * version,
          issuedBy: 'test',
          publishedAt: unpublished ? null : 5_000,
        });
      }
    }
    const publisher = new FakePublisher(true);
    const sender = new DesiredConfigSender({
      db,
      clock: t.clock,
      log: silent,
      publisher,
      pageSize: 2,
    });
    return { db, keys, publisher, sender };
  }

  const published = (publisher: FakePublisher) =>
    publisher.published.map((p) => {
      const match = TOPICS.desiredConfig.match(p.topic);
      return `${match?.device ?? '?'}@${(p.payload as { version: number }).version}`;
    });

  it('publishes every device’s newest version once, page by page, unpublished ones first', async () => {
    const { db, keys, publisher, sender } = await setUp();
    expect(await sender.syncAll()).toEqual({ published: 5, failed: 0 });
    // Page by page (2 devices a page), unpublished first; within a page the publishes overlap,
    // so their order is the broker's acknowledgements', not ours.
    const order = published(publisher);
    expect(order.slice(0, 2).sort()).toEqual(['lamp-2@2', 'lamp-4@2']);
    expect(order.slice(2, 4).sort()).toEqual(['lamp-1@2', 'lamp-3@2']);
    expect(order.slice(4)).toEqual(['lamp-5@2']);
    for (const key of keys.slice(0, 5)) {
      expect((await deviceConfigStore.latest(db, key))?.publishedAt).toBe(t?.clock.now());
      // Older versions keep what they had.
      const [, older] = await deviceConfigStore.list(db, key, { limit: 2 });
      expect(older).toMatchObject({ version: 1, publishedAt: 5_000 });
    }
  });

  it('counts the publishes the broker refused, and publishes nothing while disconnected', async () => {
    const { publisher, sender } = await setUp();
    publisher.failing = true;
    expect(await sender.syncAll()).toEqual({ published: 0, failed: 5 });
    publisher.failing = false;
    publisher.disconnect();
    expect(await sender.syncAll()).toEqual({ published: 0, failed: 0 });
    expect(publisher.published).toEqual([]);
  });

  it('runs once more when asked during a sync, and nothing after close', async () => {
    const { publisher, sender } = await setUp();
    const first = sender.syncAll();
    const second = sender.syncAll();
    expect(second).toBe(first);
    expect(await first).toEqual({ published: 10, failed: 0 });
    expect(publisher.published).toHaveLength(10);
    sender.close();
    expect(await sender.syncAll()).toEqual({ published: 0, failed: 0 });
    expect(await sender.sendLatest({ site: 'ouest', device: 'lamp-1' })).toEqual({
      status: 'unavailable',
    });
    expect(publisher.published).toHaveLength(10);
  });
});
