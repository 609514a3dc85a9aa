import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLockerTestApp, type LockerTestApp } from './lockers-test-app.js';

describe('locker alarms', () => {
  let l: LockerTestApp;

  beforeAll(async () => {
    l = await createLockerTestApp('sqlite');
  });
  afterAll(async () => {
    await l.close();
  });

  it('turns an ingested door-forced event into a technician alarm', async () => {
    const forced = l.event('door-forced', { box: 5 }, { severity: 'alarm', subject: '5' });
    await l.dispatch([forced]);
    // Handed over again after a crash: counted once.
    await l.dispatch([forced]);
    const res = await l.request<{
      alarms: {
        type: string;
        subject: string;
        severity: string;
        state: string;
        occurrences: number;
      }[];
    }>('GET', '/alarms?state=active', { who: 'technician' });
    expect(res.status).toBe(200);
    expect(res.body.alarms).toEqual([
      expect.objectContaining({
        type: 'door-forced',
        subject: '5',
        severity: 'alarm',
        state: 'open',
        occurrences: 1,
      }),
    ]);
  });
});
