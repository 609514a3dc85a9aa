import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import type { Caller } from '../../src/auth/caller.js';
import { CommandSender } from '../../src/commands/command-sender.js';
import { CommandService } from '../../src/commands/command-service.js';
import { DeviceService } from '../../src/devices/device-service.js';
import { BankService } from '../../src/lockers/bank-service.js';
import { CredentialSender } from '../../src/lockers/credential-sender.js';
import { bankHashKey } from '../../src/lockers/locker-keys.js';
import { ReservationLifecycle } from '../../src/lockers/reservation-lifecycle.js';
import { ReservationService } from '../../src/lockers/reservation-service.js';
import { FakePublisher } from '../commands/fake-publisher.js';
import { silent } from '../helpers/test-app.js';
import { DIALECTS, useTestDatabase } from '../helpers/test-database.js';
import { PEPPER } from './lockers-test-app.js';

const MERCHANT: Caller = { role: 'merchant', name: 'bakery', tokenId: null };

describe.each(DIALECTS)('ReservationService (%s)', (dialect) => {
  const database = useTestDatabase(dialect);
  let clock: ManualClock;
  let codes: string[];
  let service: ReservationService;

  beforeAll(async () => {
    const { db } = database();
    clock = new ManualClock(Date.parse('2026-03-28T21:00:00Z'));
    codes = [];
    const publisher = new FakePublisher(false);
    const hashKeyOf = (b: { site: string; device: string }) =>
      bankHashKey(PEPPER, b.site, b.device);
    const sender = new CredentialSender({ db, log: silent, publisher, hashKeyOf });
    const devices = new DeviceService({ db, clock, log: silent });
    const commands = new CommandService({
      db,
      clock,
      log: silent,
      devices,
      sender: new CommandSender({ db, clock, log: silent, publisher }),
    });
    service = new ReservationService({
      db,
      clock,
      log: silent,
      sender,
      lifecycle: new ReservationLifecycle({ db, clock, log: silent }),
      commands,
      timeZone: 'Europe/Paris',
      hashKeyOf,
      // The codes the test lines up, then random ones.
      generateCode: () => codes.shift() ?? String(Math.floor(Math.random() * 1e8)).padStart(8, '0'),
    });
    const banks = new BankService({ db, clock, log: silent, devices, sender });
    for (const site of ['north', 'south']) {
      await devices.create({ site, device: 'lockers-1', kind: 'locker' }, 'test');
      await banks.create(
        {
          id: `${site}-bank`,
          site,
          device: 'lockers-1',
          name: site,
          boxes: [1, 2, 3].map((number) => ({ number, size: 'M' as const })),
        },
        'test',
      );
    }
  });

  it('draws again when a code collides with an active credential of the bank', async () => {
    codes.push('11111111', '11111111', '22222222');
    const first = await service.reserve(
      { bank: 'north-bank', size: 'M', reference: 'a' },
      MERCHANT,
    );
    expect([first.pickupCode, first.dropoffCode]).toEqual(['11111111', '22222222']);
    codes.push('22222222', '11111111', '33333333', '44444444');
    const second = await service.reserve(
      { bank: 'north-bank', size: 'M', reference: 'b' },
      MERCHANT,
    );
    expect([second.pickupCode, second.dropoffCode]).toEqual(['33333333', '44444444']);
    // Another bank has its own key and credentials: the same code is no collision there.
    codes.push('11111111', '22222222');
    const elsewhere = await service.reserve(
      { bank: 'south-bank', size: 'M', reference: 'c' },
      MERCHANT,
    );
    expect([elsewhere.pickupCode, elsewhere.dropoffCode]).toEqual(['11111111', '22222222']);
    // Once the first reservation is over, its codes are free again on its bank.
    await service.cancel(first.reservation.id, MERCHANT);
    codes.push('11111111', '22222222');
    const third = await service.reserve(
      { bank: 'north-bank', size: 'M', reference: 'd' },
      MERCHANT,
    );
    expect([third.pickupCode, third.dropoffCode]).toEqual(['11111111', '22222222']);
  });

  it('defaults to 21:00 Paris time on both sides of a DST change', async () => {
    // 22:00 in Paris (UTC+1) on the eve of the spring change: tomorrow 21:00 is UTC+2.
    const spring = await service.reserve(
      { bank: 'south-bank', size: 'M', reference: 'spring' },
      MERCHANT,
    );
    expect(new Date(spring.reservation.pickupFrom).toISOString()).toBe('2026-03-29T19:00:00.000Z');
    expect(spring.reservation.expiresAt - spring.reservation.pickupFrom).toBe(72 * 3_600_000);
    // 21:30 on the eve of the autumn change (UTC+2): tomorrow 21:00 is UTC+1.
    await service.cancel(spring.reservation.id, MERCHANT);
    await clock.advanceTo(Date.parse('2026-10-24T19:30:00Z'));
    const autumn = await service.reserve(
      { bank: 'south-bank', size: 'M', reference: 'autumn' },
      MERCHANT,
    );
    expect(new Date(autumn.reservation.pickupFrom).toISOString()).toBe('2026-10-25T20:00:00.000Z');
  });
});
