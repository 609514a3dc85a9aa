import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LogFileNotifier } from '../../src/lockers/locker-notifier.js';
import { capturedLog } from '../helpers/captured-log.js';
import { createLockerTestApp, type LockerTestApp } from './lockers-test-app.js';

describe('the log-file notifier', () => {
  let l: LockerTestApp;
  let dir: string;
  let file: string;
  const log = capturedLog();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hameau-notify-'));
    file = join(dir, 'notifications.log');
    let now = () => 0;
    const notifier = new LogFileNotifier(file, () => now());
    l = await createLockerTestApp('sqlite', { notifier, log: log.log });
    now = () => l.t.clock.now();
  });
  afterAll(async () => {
    await l.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const lines = () =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('writes one JSON line per notification, with where and until when, never a code', async () => {
    const now = l.t.clock.now();
    const { body } = await l.reserve({
      reference: 'cmd-77',
      pickupFrom: new Date(now).toISOString(),
      expiresAt: new Date(now + 120_000).toISOString(),
      recipient: { email: 'anne@example.org', phone: '+33 6 12 34 56 78' },
    });
    const id = body.reservation.id;
    await l.dispatch([l.event('parcel-deposited', { box: 3, credential: `${id}-d` })]);
    expect(lines()).toEqual([
      {
        at: new Date(now).toISOString(),
        kind: 'parcel-ready',
        reservation: id,
        merchant: 'merchant',
        reference: 'cmd-77',
        bank: {
          id: 'gare-nord',
          name: 'Gare, côté nord',
          location: { lat: 45.19, lon: 5.71, label: 'Parvis de la gare' },
        },
        box: 3,
        size: 'M',
        pickupFrom: body.reservation.pickupFrom,
        expiresAt: body.reservation.expiresAt,
        recipient: { email: 'anne@example.org', phone: '+33 6 12 34 56 78' },
      },
    ]);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    await l.t.clock.advance(150_000);
    await vi.waitFor(() => {
      expect(lines().map((n) => n.kind)).toEqual(['parcel-ready', 'parcel-expired']);
    });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(body.pickupCode);
    expect(text).not.toContain(body.dropoffCode);
    // Nor do the API's own logs carry a code or the recipient.
    expect(log.text()).toContain('locker box reserved');
    expect(log.text()).not.toContain(body.pickupCode);
    expect(log.text()).not.toContain(body.dropoffCode);
    expect(log.text()).not.toContain('anne@example.org');
  });
});
