import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusPayload } from '@hameau/protocol';
import { deviceStatusListener } from '../../src/devices/device-status-listener.js';
import type { IngestedMessage } from '../../src/ingestion/ingested-message.js';
import { createTestApp, silent, type TestApp } from '../helpers/test-app.js';
import { DIALECTS } from '../helpers/test-database.js';

const KEY = { site: 'mairie', device: 'compteurs' };

describe.each(DIALECTS)('device status: the agent version of births, on %s', (dialect) => {
  let t: TestApp;
  let listener: ReturnType<typeof deviceStatusListener>;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await t.app.hameau.devices.create({ ...KEY, kind: 'meters' }, 'test');
    listener = deviceStatusListener({ db: t.database.db, log: silent, now: () => t.clock.now() });
  });
  afterAll(async () => {
    await t.close();
  });

  const status = (
    state: StatusPayload['state'],
    session: number,
    version?: string,
  ): IngestedMessage => ({
    kind: 'status',
    ...KEY,
    receivedAt: t.clock.now(),
    payload: {
      state,
      session,
      at: new Date(t.clock.now()).toISOString(),
      kind: 'meters',
      ...(version !== undefined && { version }),
    },
  });

  /** The status the devices route shows. */
  const shown = async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/devices/${KEY.site}/${KEY.device}`,
      headers: t.as('technician'),
    });
    expect(res.statusCode).toBe(200);
    return res.json<{ status: { online: boolean; session: number; agentVersion: string | null } }>()
      .status;
  };

  it('keeps the version a birth announces, and shows it', async () => {
    await listener.onBatch([status('online', 3, '0.1.0')]);
    expect(await shown()).toMatchObject({ online: true, session: 3, agentVersion: '0.1.0' });
  });

  it('keeps it through the will of that session: the agent that went away ran it', async () => {
    await listener.onBatch([status('offline', 3)]);
    expect(await shown()).toMatchObject({ online: false, agentVersion: '0.1.0' });
  });

  it('takes a newer birth’s version, and that of an agent that counts again from 0', async () => {
    await listener.onBatch([status('online', 4, '0.2.0')]);
    expect(await shown()).toMatchObject({ session: 4, agentVersion: '0.2.0' });
    // A lower session online: the agent lost its database (a reinstall, a new version).
    await listener.onBatch([status('online', 0, '0.3.0')]);
    expect(await shown()).toMatchObject({ session: 0, agentVersion: '0.3.0' });
  });

  it('ignores a birth of the same session delivered again', async () => {
    await listener.onBatch([status('online', 0, '9.9.9')]);
    expect(await shown()).toMatchObject({ session: 0, agentVersion: '0.3.0' });
  });

  it('forgets it when a newer birth names no version', async () => {
    await listener.onBatch([status('online', 1)]);
    expect(await shown()).toMatchObject({ online: true, session: 1, agentVersion: null });
  });
});
