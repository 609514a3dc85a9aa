import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import { HameauError, ServiceName, type Clock } from '@hameau/protocol';
import { generateSecret } from '@hameau/protocol/secret-hash';
import { recordAudit } from '../audit/audit-store.js';
import { parseInput } from '../parse-input.js';
import type { Schema } from '../storage/schema.js';
import { createWithSecret } from './create-with-secret.js';
import { mqttAccountStore, type MqttAccountInfo } from './mqtt-account-store.js';

export const CreateServiceAccountInput = z
  .object({ role: z.enum(['cloud', 'observer']), name: ServiceName })
  .strict();
export type CreateServiceAccountInput = z.input<typeof CreateServiceAccountInput>;

/** MQTT credentials, returned once at creation and never stored or logged. */
export interface MqttCredentials {
  readonly username: string;
  readonly password: string;
}

/** Broker identities of services (`cloud` for the API's own MQTT client, `observer`s). */
export class ServiceAccountService {
  readonly #db: Kysely<Schema>;
  readonly #clock: Clock;
  readonly #log: Logger;

  constructor(deps: { readonly db: Kysely<Schema>; readonly clock: Clock; readonly log: Logger }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#log = deps.log;
  }

  /** Creates a service account; the password is in the result and nowhere else. */
  async create(
    input: CreateServiceAccountInput,
    actor: string,
  ): Promise<
    MqttCredentials & { readonly role: 'cloud' | 'observer'; readonly createdAt: number }
  > {
    const { role, name } = parseInput(CreateServiceAccountInput, input);
    const createdAt = this.#clock.now();
    const password = await createWithSecret(this.#db, {
      generate: generateSecret,
      at: createdAt,
      insert: (trx, hash) =>
        mqttAccountStore.insert(trx, {
          principal: { role, name },
          username: name,
          hash,
          createdAt,
        }),
      audit: { actor, action: 'account.create', subject: name, details: { role } },
      conflict: () =>
        new HameauError('CREDENTIAL_EXISTS', `an account named ${name} already exists`, {
          username: name,
        }),
    });
    this.#log.info({ username: name, role, actor }, 'service account created');
    return { username: name, password, role, createdAt };
  }

  list(): Promise<MqttAccountInfo[]> {
    return mqttAccountStore.list(this.#db);
  }

  /** Deletes a service account; the broker refuses it from the next CONNECT on. */
  async delete(name: string, actor: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      if (!(await mqttAccountStore.deleteService(trx, name))) {
        throw new HameauError('ACCOUNT_NOT_FOUND', `no service account named ${name}`, { name });
      }
      await recordAudit(trx, this.#clock.now(), { actor, action: 'account.delete', subject: name });
    });
    this.#log.info({ username: name, actor }, 'service account deleted');
  }
}
