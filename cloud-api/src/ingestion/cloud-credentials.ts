import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { ConfigError, type Clock } from '@hameau/protocol';
import { mqttAccountStore } from '../accounts/mqtt-account-store.js';
import { ServiceAccountService } from '../accounts/service-account-service.js';
import type { Schema } from '../storage/schema.js';
import { verifySecret } from '@hameau/protocol/secret-hash';
import type { IngestionConfig } from './ingestion-config.js';

/**
 * The password of the API's MQTT account, in this order: the configured password, the
 * configured password file, or the file the API wrote when it provisioned the account itself.
 * With none of these and no account yet in the registry, it creates the account (the registry
 * is what the broker authenticates against) and keeps the password in `provisionedFile`, mode
 * 0600, so a restart finds it. An account that exists with no known password is an error that
 * says what to set; the API never replaces a credential on its own.
 */
export async function resolveCloudPassword(
  config: IngestionConfig,
  deps: {
    readonly db: Kysely<Schema>;
    readonly clock: Clock;
    readonly log: Logger;
    readonly provisionedFile: string;
  },
): Promise<string> {
  if (config.password !== undefined) return config.password;
  if (config.passwordFile !== undefined) {
    try {
      return readFileSync(config.passwordFile, 'utf8').trim();
    } catch (err) {
      throw new ConfigError('API environment', [
        `HAMEAU_MQTT_PASSWORD_FILE: cannot read ${config.passwordFile} (${(err as Error).message})`,
      ]);
    }
  }
  const existing = await mqttAccountStore.find(deps.db, config.username);
  if (existsSync(deps.provisionedFile)) {
    const password = readFileSync(deps.provisionedFile, 'utf8').trim();
    if (existing && (await verifySecret(password, existing.hash))) return password;
    if (existing) {
      throw new ConfigError('API environment', [
        `HAMEAU_MQTT_PASSWORD: the password in ${deps.provisionedFile} no longer matches the MQTT account "${config.username}"; set HAMEAU_MQTT_PASSWORD or HAMEAU_MQTT_PASSWORD_FILE`,
      ]);
    }
    // The file outlived its registry (a new database): provision again below.
  }
  if (existing) {
    throw new ConfigError('API environment', [
      `HAMEAU_MQTT_PASSWORD: the MQTT account "${config.username}" exists in the registry but no password is configured; set HAMEAU_MQTT_PASSWORD or HAMEAU_MQTT_PASSWORD_FILE`,
    ]);
  }
  const accounts = new ServiceAccountService({ db: deps.db, clock: deps.clock, log: deps.log });
  const created = await accounts.create({ role: 'cloud', name: config.username }, 'system');
  writeFileSync(deps.provisionedFile, `${created.password}\n`, { mode: 0o600 });
  chmodSync(deps.provisionedFile, 0o600);
  deps.log.info(
    { username: created.username, file: deps.provisionedFile },
    'MQTT account for the API provisioned in the registry',
  );
  return created.password;
}
