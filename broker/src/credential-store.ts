import { randomUUID } from 'node:crypto';
import {
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  openSync,
  fsyncSync,
  closeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  DeviceId,
  DeviceKind,
  HameauError,
  ServiceName,
  SiteId,
  usernameOf,
  type Principal,
} from '@hameau/protocol';
import { generateSecret, hashSecret } from '@hameau/protocol/secret-hash';

const DeviceAccount = z
  .object({
    role: z.literal('device'),
    site: SiteId,
    device: DeviceId,
    kind: DeviceKind,
    hash: z.string().startsWith('$scrypt$'),
    createdAt: z.iso.datetime(),
  })
  .strict();

const ServiceAccount = z
  .object({
    role: z.enum(['cloud', 'observer']),
    name: ServiceName,
    hash: z.string().startsWith('$scrypt$'),
    createdAt: z.iso.datetime(),
  })
  .strict();

const Account = z.discriminatedUnion('role', [DeviceAccount, ServiceAccount]);
export type Account = z.infer<typeof Account>;

const CredentialFile = z.object({ version: z.literal(1), accounts: z.array(Account) }).strict();

/** An identity and its stored secret hash. */
export interface CredentialRecord {
  readonly principal: Principal;
  readonly hash: string;
}

/** Where the broker looks up who may connect: a file, the cloud registry, or memory. */
export interface CredentialStore {
  /** The account for a username and its stored hash, or undefined. */
  find(username: string): CredentialRecord | undefined | Promise<CredentialRecord | undefined>;
}

export function principalOf(account: Account): Principal {
  return account.role === 'device'
    ? { role: 'device', site: account.site, device: account.device, kind: account.kind }
    : { role: account.role, name: account.name };
}

/**
 * Accounts in a JSON file (`<data>/credentials.json`): only scrypt hashes, written atomically
 * (temp file, fsync, rename) with mode 0600. The broker re-reads the file when it changes, so
 * `hameau device add` takes effect without a restart.
 */
export class FileCredentialStore implements CredentialStore {
  readonly #path: string;
  #byUsername = new Map<string, Account>();
  /** Inode, mtime and size of the file last read: rename-on-write always changes the inode. */
  #loadedSignature = '';

  constructor(path: string) {
    this.#path = path;
    this.#reloadIfChanged();
  }

  get path(): string {
    return this.#path;
  }

  find(username: string): CredentialRecord | undefined {
    this.#reloadIfChanged();
    const account = this.#byUsername.get(username);
    return account && { principal: principalOf(account), hash: account.hash };
  }

  list(): readonly Account[] {
    this.#reloadIfChanged();
    return [...this.#byUsername.values()];
  }

  /** Creates an account and returns its secret, which is shown once and never stored. */
  async add(
    identity:
      | { role: 'device'; site: string; device: string; kind: DeviceKind }
      | { role: 'cloud' | 'observer'; name: string },
    now: Date,
  ): Promise<{ username: string; password: string }> {
    const secret = generateSecret();
    const hash = await hashSecret(secret);
    const account = Account.parse({ ...identity, hash, createdAt: now.toISOString() });
    this.#reloadIfChanged();
    const username = usernameOf(principalOf(account));
    if (this.#byUsername.has(username)) {
      throw new HameauError('CREDENTIAL_EXISTS', `an account named ${username} already exists`, {
        username,
      });
    }
    this.#byUsername.set(username, account);
    this.#write();
    return { username, password: secret };
  }

  /** Removes an account; its connections are refused from the next CONNECT on. */
  remove(username: string): boolean {
    this.#reloadIfChanged();
    const removed = this.#byUsername.delete(username);
    if (removed) this.#write();
    return removed;
  }

  #reloadIfChanged(): void {
    const signature = fileSignature(this.#path);
    if (signature === null) {
      // No file yet: no accounts, so every CONNECT is refused. There is no default account.
      this.#byUsername = new Map();
      this.#loadedSignature = '';
      return;
    }
    if (signature === this.#loadedSignature) return;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(this.#path, 'utf8'));
    } catch (err) {
      throw new ConfigError(this.#path, [`not readable JSON: ${(err as Error).message}`]);
    }
    const parsed = CredentialFile.safeParse(json);
    if (!parsed.success) {
      throw new ConfigError(
        this.#path,
        parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      );
    }
    this.#byUsername = new Map(parsed.data.accounts.map((a) => [usernameOf(principalOf(a)), a]));
    this.#loadedSignature = signature;
  }

  #write(): void {
    mkdirSync(dirname(this.#path), { recursive: true });
    const tmp = `${this.#path}.${randomUUID()}.tmp`;
    const body = `${JSON.stringify({ version: 1, accounts: [...this.#byUsername.values()] }, null, 2)}\n`;
    writeFileSync(tmp, body, { mode: 0o600 });
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.#path);
    this.#loadedSignature = fileSignature(this.#path) ?? '';
  }
}

function fileSignature(path: string): string | null {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.mtimeMs}:${st.size}`;
  } catch {
    return null;
  }
}

/** A fixed in-memory store, for tests and benchmarks that create accounts programmatically. */
export class MemoryCredentialStore implements CredentialStore {
  readonly #accounts = new Map<string, CredentialRecord>();

  async add(principal: Principal): Promise<string> {
    const secret = generateSecret();
    this.#accounts.set(usernameOf(principal), { principal, hash: await hashSecret(secret) });
    return secret;
  }

  find(username: string): CredentialRecord | undefined {
    return this.#accounts.get(username);
  }
}
