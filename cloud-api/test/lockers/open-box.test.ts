import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@hameau/protocol';
import type { CommandJson } from '../commands/commands-test-app.js';
import { DIALECTS } from '../helpers/test-database.js';
import {
  LOCKERS,
  createLockerTestApp,
  type CreatedJson,
  type ErrorJson,
  type LockerTestApp,
} from './lockers-test-app.js';

describe.each(DIALECTS)('opening a reservation’s box by command (%s)', (dialect) => {
  let l: LockerTestApp;
  let c: CreatedJson;

  beforeAll(async () => {
    l = await createLockerTestApp(dialect);
    c = (await l.reserve({ reference: 'drop-1' })).body;
  });
  afterAll(async () => {
    await l.close();
  });

  const open = (body: unknown, who: 'merchant' | 'bakery' | 'technician' | 'admin' = 'merchant') =>
    l.request<CommandJson & ErrorJson>('POST', `/lockers/reservations/${c.reservation.id}/open`, {
      who,
      ...(body !== undefined && { body }),
    });

  it('sends the merchant’s drop-off as an `unlock` command of the commands domain', async () => {
    const res = await open(undefined);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      ...LOCKERS,
      name: 'unlock',
      args: { box: 3, reason: `drop-off for reservation ${c.reservation.id}` },
      issuedBy: 'merchant',
      state: 'sent',
    });
    const cmd = l.publisher.published.at(-1);
    expect(cmd?.topic).toBe(TOPICS.command.build({ ...LOCKERS, name: 'unlock' }));
    expect(cmd?.payload).toMatchObject({ id: res.body.id, args: { box: 3 } });
    // The command is the commands domain's: readable there, with its lifecycle.
    const read = await l.request<CommandJson>('GET', `/commands/${res.body.id}`, {
      who: 'technician',
    });
    expect(read.body.state).toBe('sent');
    const { history } = await l.detail(c.reservation.id);
    expect(history.at(-1)).toMatchObject({
      event: 'box-opened-remotely',
      actor: 'merchant',
      details: { command: res.body.id, role: 'merchant' },
    });
  });

  it('makes a retry with the same commandId safe', async () => {
    const first = await open({ commandId: 'drop-1-open-1' });
    const again = await open({ commandId: 'drop-1-open-1' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
  });

  it('needs a reason from staff, and keeps other merchants out', async () => {
    const none = await open({}, 'technician');
    expect(none.status).toBe(400);
    expect(none.body.error.details?.issues.map((i) => i.path)).toEqual(['body.reason']);
    const other = await open(undefined, 'bakery');
    expect(other.status).toBe(404);
    expect(
      (
        await l.request('POST', `/lockers/reservations/${c.reservation.id}/open`, {
          who: 'resident',
        })
      ).status,
    ).toBe(403);
  });

  it('lets merchants open only a reserved box, staff at any state', async () => {
    await l.dispatch([
      l.event('parcel-deposited', { box: 3, credential: `${c.reservation.id}-d` }),
    ]);
    const late = await open(undefined);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('LOCKER_RESERVATION_TRANSITION_INVALID');
    const staff = await open({ reason: 'resident cannot open box 3' }, 'technician');
    expect(staff.status).toBe(201);
    expect(staff.body.args).toEqual({ box: 3, reason: 'resident cannot open box 3' });
    // Cancelling after the deposit is refused too.
    const cancel = await l.request<ErrorJson>(
      'POST',
      `/lockers/reservations/${c.reservation.id}/cancel`,
      { who: 'merchant' },
    );
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.code).toBe('LOCKER_RESERVATION_TRANSITION_INVALID');
  });

  it('takes a door closed after an opening by command as the deposit, or the pickup', async () => {
    const other = (await l.reserve({ size: 'S', reference: 'drop-2' })).body;
    const id = other.reservation.id;
    const closed = (itemPresent: boolean) =>
      l.event('door-closed', { box: other.reservation.box, itemPresent });
    // Without an opening by command, a door closing says nothing about the reservation.
    await l.dispatch([closed(true)]);
    expect((await l.detail(id)).reservation.state).toBe('reserved');

    const byMerchant = await l.request('POST', `/lockers/reservations/${id}/open`, {
      who: 'merchant',
    });
    expect(byMerchant.status).toBe(201);
    await l.dispatch([closed(true)]);
    const deposited = await l.detail(id);
    expect(deposited.reservation.state).toBe('ready');
    expect(deposited.history.find((h) => h.event === 'deposited')?.details).toEqual({
      from: 'reserved',
      box: 1,
      after: 'remote-unlock',
    });
    expect(l.lastSet().credentials.map((c) => c.id)).not.toContain(`${id}-d`);

    // A resident who cannot open: the technician opens, the resident takes the parcel.
    await l.t.clock.advance(1_000);
    await l.request('POST', `/lockers/reservations/${id}/open`, {
      who: 'technician',
      body: { reason: 'keypad broken' },
    });
    await l.dispatch([closed(false)]);
    expect((await l.detail(id)).reservation.state).toBe('picked-up');
    expect(l.lastSet().credentials.map((c) => c.id)).not.toContain(`${id}-p`);
  });
});
