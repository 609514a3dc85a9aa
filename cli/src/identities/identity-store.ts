import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, type DeviceKind } from '@hameau/protocol';
import { envSetting } from '../env-setting.js';
import { openFileIdentityStore } from './file-identity-store.js';
import { openRegistryIdentityStore } from './registry-identity-store.js';

/** A username and its password, as `device add` and `account add` print them (once). */
export interface IssuedCredentials {
  readonly username: string;
  readonly password: string;
}

/** One broker identity as `device list` prints it; never its hash. */
export interface ListedIdentity {
  readonly username: string;
  readonly role: 'device' | 'cloud' | 'observer';
  readonly kind: DeviceKind | null;
  readonly createdAt: Date;
}

/**
 * Where `hameau device` and `hameau account` create and remove broker identities: the cloud
 * registry (the default, what the API and a default broker use) or a credential file (a broker
 * run without the API).
 */
export interface IdentityStore {
  /** Where the identities live, for messages: a path or host, never a password. */
  readonly location: string;
  addDevice(device: { site: string; device: string; kind: DeviceKind }): Promise<IssuedCredentials>;
  addService(account: { role: 'cloud' | 'observer'; name: string }): Promise<IssuedCredentials>;
  /** Every identity, ordered by username. */
  list(): Promise<ListedIdentity[]>;
  /** Removes a device and its identity; false when there was none. */
  removeDevice(site: string, device: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The options every identity command takes, as the user typed them. */
export const StoreOptions = {
  'data-dir': z.string().min(1).optional(),
  'credentials-file': z.string().min(1).optional(),
};
export const STORE_OPTION_NAMES = ['data-dir', 'credentials-file'] as const;

/** The usage text of the store options, shared by `device` and `account`. */
export const STORE_USAGE = '[--data-dir DIR | --credentials-file FILE]';

/** The store options as parsed. */
export interface StoreChoice {
  readonly 'data-dir'?: string | undefined;
  readonly 'credentials-file'?: string | undefined;
}

const CredentialSource = z.enum(['registry', 'file']).optional();

/**
 * Opens the store the options and environment select, the way the broker selects its own:
 * `--credentials-file FILE`, else `HAMEAU_BROKER_CREDENTIALS=file` (`<data dir>/credentials.json`),
 * else the registry (`DATABASE_URL`, else `<data dir>/hameau.sqlite`). The data dir is
 * `--data-dir`, else `HAMEAU_DATA_DIR`, else `./data`.
 */
export async function openIdentityStore(
  command: string,
  options: StoreChoice,
  env: NodeJS.ProcessEnv,
): Promise<IdentityStore> {
  const file = options['credentials-file'];
  if (file !== undefined) {
    if (options['data-dir'] !== undefined) {
      throw new ConfigError(`hameau ${command}`, [
        '--credentials-file and --data-dir exclude each other: the file is the whole store',
      ]);
    }
    return openFileIdentityStore(resolve(file));
  }
  const source = CredentialSource.safeParse(envSetting(env, 'HAMEAU_BROKER_CREDENTIALS'));
  if (!source.success) {
    throw new ConfigError(`hameau ${command}`, [
      'HAMEAU_BROKER_CREDENTIALS: must be registry or file',
    ]);
  }
  const dataDir = resolve(options['data-dir'] ?? envSetting(env, 'HAMEAU_DATA_DIR') ?? './data');
  return source.data === 'file'
    ? openFileIdentityStore(resolve(dataDir, 'credentials.json'))
    : openRegistryIdentityStore({ dataDir, databaseUrl: envSetting(env, 'DATABASE_URL'), env });
}

/** Runs `work` on the store the options select, and always closes the store. */
export async function withIdentityStore<T>(
  command: string,
  options: StoreChoice,
  env: NodeJS.ProcessEnv,
  work: (store: IdentityStore) => Promise<T>,
): Promise<T> {
  const store = await openIdentityStore(command, options, env);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
