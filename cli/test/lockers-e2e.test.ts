import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BANK,
  DEVICE,
  SITE,
  WAIT,
  LockerTown,
  lockOf,
  type CommandView,
} from './lockers-e2e-town.js';

/**
 * A parcel's whole way through a town locker, on real programs and real time: reserved by a
 * merchant, deposited with the drop-off code, collected with the pickup code while the broker
 * is down, reported when it is back; then a technician's remote unlock, run once across an
 * agent restart and a re-sent command; and a brute-forcing terminal locked out. The steps share
 * one town and run in order.
 */
describe('parcel lockers end to end: API → broker → agent → lock boards, and back', () => {
  const town = new LockerTown();
  beforeAll(() => town.start(), 60_000);
  afterAll(() => town.close(), 30_000);

  let reservationId = '';
  let box = 0;
  let pickupCode = '';
  let dropoffCode = '';

  it('reserves a box for a merchant: codes once, and the agent gets the credentials', async () => {
    const res = await town.http('POST', '/api/v1/lockers/reservations', town.merchantToken, {
      bank: BANK,
      size: 'M',
      reference: 'cmd-e2e-1',
      pickupFrom: new Date().toISOString(),
      recipient: { email: 'anne@example.org', name: 'Anne' },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      reservation: { id: string; box: number; state: string };
      pickupCode: string;
      dropoffCode: string;
    };
    expect(body.reservation.state).toBe('reserved');
    // The lowest-numbered M box.
    expect(body.reservation.box).toBe(2);
    expect(body.pickupCode).toMatch(/^\d{8}$/);
    expect(body.dropoffCode).toMatch(/^\d{8}$/);
    expect(body.pickupCode).not.toBe(body.dropoffCode);
    ({ pickupCode, dropoffCode } = body);
    reservationId = body.reservation.id;
    box = body.reservation.box;

    // The codes are never shown again.
    const detail = await town.reservation(reservationId);
    expect(JSON.stringify(detail)).not.toContain(pickupCode);
    expect(JSON.stringify(detail)).not.toContain(dropoffCode);

    await town.untilAgentHoldsCredentials();
  });

  it('deposits with the drop-off code: that lock only, then ready and notified without a code', async () => {
    const { board, lock } = lockOf(box);
    const unlocks = town.bank.unlocks.length;
    const answer = await town.submitCode(dropoffCode);
    expect(answer).toEqual({ status: 'opened', box, kind: 'dropoff' });
    // Exactly one lock energised, this box's, and its door sprang open.
    expect(town.bank.unlocks.slice(unlocks)).toMatchObject([{ board, lock, effect: 'opens' }]);
    expect(town.bank.isLocked(board, lock)).toBe(false);

    town.bank.placeItem(board, lock);
    town.bank.closeDoor(board, lock);
    await vi.waitFor(async () => {
      expect((await town.reservation(reservationId)).reservation.state).toBe('ready');
    }, WAIT);
    const { reservation, history } = await town.reservation(reservationId);
    expect(reservation.depositedAt).not.toBeNull();
    expect(reservation.readyAt).not.toBeNull();
    expect(history.map((h) => h.event)).toContain('code-accepted');

    const file = join(town.dir, 'notifications.log');
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l['reservation'] === reservationId)).toMatchObject([
      { kind: 'parcel-ready', box, bank: { id: BANK }, recipient: { email: 'anne@example.org' } },
    ]);
    expect(text).not.toContain(pickupCode);
    expect(text).not.toContain(dropoffCode);
  });

  it('opens for the pickup code with the broker down, and reports it when the broker is back', async () => {
    const { board, lock } = lockOf(box);
    await town.untilAgentHoldsCredentials();
    await town.stopBroker();

    const unlocks = town.bank.unlocks.length;
    const before = Date.now();
    const answer = await town.submitCode(pickupCode);
    expect(answer).toEqual({ status: 'opened', box, kind: 'pickup' });
    expect(town.bank.unlocks.slice(unlocks)).toMatchObject([{ board, lock, effect: 'opens' }]);
    town.bank.removeItem(board, lock);
    town.bank.closeDoor(board, lock);
    // The agent saw the box emptied and shut: the pickup waits in its outbox.
    await vi.waitFor(() => {
      expect(town.agentOutboxEvents('parcel-picked-up')).toBe(1);
    }, WAIT);
    const after = Date.now();
    // Nothing reached the cloud.
    expect((await town.reservation(reservationId)).reservation.state).toBe('ready');

    const restartedAt = Date.now();
    await town.startBroker();
    await vi.waitFor(async () => {
      expect((await town.reservation(reservationId)).reservation.state).toBe('picked-up');
    }, WAIT);
    const { reservation } = await town.reservation(reservationId);
    // Dated by the agent when it happened, not when the outbox was replayed.
    const pickedUpAt = Date.parse(reservation.pickedUpAt ?? '');
    expect(pickedUpAt).toBeGreaterThanOrEqual(before);
    expect(pickedUpAt).toBeLessThanOrEqual(restartedAt);
    expect(after).toBeLessThanOrEqual(restartedAt);
  });

  it('refuses the same pickup code again, energising nothing', async () => {
    const unlocks = town.bank.unlocks.length;
    const answer = await town.submitCode(pickupCode);
    // `used` while the agent still holds the credential; once the cloud has recorded the pickup
    // it drops the credential from the bank's set, and the code is then simply `unknown`.
    expect(answer).toMatchObject({ status: 'rejected' });
    expect(['used', 'unknown']).toContain((answer as { reason: string }).reason);
    expect(town.bank.unlocks.length).toBe(unlocks);
  });

  it('runs a remote unlock once, across an agent restart and a re-sent command', async () => {
    const target = 3;
    const { board, lock } = lockOf(target);
    // A second cloud session hears the agent's answers (a cloud may read them, not commands).
    const tester = await town.testerClient();
    const results: { id: string; status: string }[] = [];
    tester.on('message', (_topic, payload) => {
      results.push(JSON.parse(payload.toString()) as { id: string; status: string });
    });
    await tester.subscribeAsync(`hameau/v1/${SITE}/${DEVICE}/cmd-result`, { qos: 1 });

    const unlocks = town.bank.unlocks.length;
    const res = await town.http(
      'POST',
      `/api/v1/devices/${SITE}/${DEVICE}/commands`,
      town.adminToken,
      { name: 'unlock', args: { box: target, reason: 'e2e: technician check' } },
    );
    expect(res.status).toBe(201);
    const sent = (await res.json()) as CommandView;
    await vi.waitFor(async () => {
      expect((await town.command(sent.id)).state).toBe('succeeded');
    }, WAIT);
    expect((await town.command(sent.id)).result).toMatchObject({
      status: 'ok',
      data: { box: target, opened: true },
    });
    expect(town.bank.unlocks.slice(unlocks)).toMatchObject([{ board, lock, effect: 'opens' }]);
    town.bank.closeDoor(board, lock);

    await town.stopAgent();
    await town.startAgent();
    expect(town.unlocksOf(target)).toBe(1);

    // The cloud sends it again, as it first did: the agent answers from its record, no pulse.
    const view = await town.command(sent.id);
    const heard = results.length;
    await tester.publishAsync(
      `hameau/v1/${SITE}/${DEVICE}/cmd/unlock`,
      JSON.stringify({
        id: view.id,
        issuedAt: view.issuedAt,
        expiresAt: view.expiresAt,
        issuedBy: view.issuedBy,
        args: view.args,
      }),
      { qos: 1 },
    );
    await vi.waitFor(() => {
      const answers = results.slice(heard).filter((r) => r.id === sent.id);
      expect(answers.map((a) => a.status)).toContain('ok');
    }, WAIT);
    expect(town.unlocksOf(target)).toBe(1);
    expect(town.bank.unlocks.length).toBe(unlocks + 1);
    expect((await town.command(sent.id)).state).toBe('succeeded');
  });

  it('locks out a terminal typing wrong codes, and the API raises the alarm', async () => {
    const unlocks = town.bank.unlocks.length;
    const answers = [];
    // `used` above was one failure already; the free attempts are 3.
    for (let i = 0; i < 5; i++) {
      const answer = await town.submitCode(String(10_000_000 + i));
      answers.push(answer);
      if (answer.status === 'rejected' && answer.reason === 'locked-out') break;
    }
    expect(answers[0]).toMatchObject({ status: 'rejected', reason: 'unknown' });
    expect(answers.at(-1)).toMatchObject({ status: 'rejected', reason: 'locked-out' });
    expect(town.bank.unlocks.length).toBe(unlocks);

    await vi.waitFor(async () => {
      const res = await town.http(
        'GET',
        `/api/v1/alarms?site=${SITE}&device=${DEVICE}`,
        town.adminToken,
      );
      expect(res.status).toBe(200);
      const { alarms } = (await res.json()) as { alarms: { type: string; subject: string }[] };
      expect(alarms).toContainEqual(
        expect.objectContaining({ type: 'terminal-locked-out', subject: 'kiosk' }),
      );
    }, WAIT);
  });
});
