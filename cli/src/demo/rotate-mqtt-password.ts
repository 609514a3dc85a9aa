import { recordAudit, type DatabaseHandle } from '@hameau/cloud-api';
import { HameauError, type Clock } from '@hameau/protocol';
import { generateSecret, hashSecret } from '@hameau/protocol/secret-hash';
import type { IssuedCredentials } from '../identities/identity-store.js';

/**
 * Gives an existing broker identity a new password and returns it (shown once, never stored):
 * the identity, its device row and history stay; the old password stops working at the next
 * CONNECT. The hash and its audit row (`account.rotate`) are committed together.
 *
 * Written here because the registry's services have no rotation yet; it belongs beside
 * `ServiceAccountService` in cloud-api and should move there.
 */
export async function rotateMqttPassword(
  db: DatabaseHandle['db'],
  clock: Clock,
  username: string,
  actor: string,
): Promise<IssuedCredentials> {
  // Hash before the transaction: scrypt takes tens of ms and SQLite has one writer.
  const password = generateSecret();
  const hash = await hashSecret(password);
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('mqtt_accounts')
      .set({ hash })
      .where('username', '=', username)
      .returning('role')
      .executeTakeFirst();
    if (updated === undefined) {
      throw new HameauError('ACCOUNT_NOT_FOUND', `no MQTT account named ${username}`, { username });
    }
    await recordAudit(trx, clock.now(), {
      actor,
      action: 'account.rotate',
      subject: username,
      details: { role: updated.role },
    });
  });
  return { username, password };
}
