import type { AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import {
  checkPublish,
  checkSubscribe,
  clientIdAllowed,
  parseUsername,
  type AclDenial,
  type Principal,
} from '@hameau/protocol';
import type { Logger } from 'pino';
import type { CredentialRecord, CredentialStore } from './credential-store.js';
import type { BrokerMetrics } from './metrics.js';
import { verifySecret } from '@hameau/protocol/secret-hash';

/** MQTT 3.1.1 CONNACK return codes the broker uses when refusing a CONNECT. */
const CONNACK = {
  identifierRejected: 2,
  serverUnavailable: 3,
  badCredentials: 4,
  notAuthorized: 5,
} as const;

function refusal(
  returnCode: (typeof CONNACK)[keyof typeof CONNACK],
  message: string,
): AuthenticateError {
  const err = new Error(message) as AuthenticateError;
  // aedes types returnCode as a const enum from its .d.ts, unusable as a value under
  // isolatedModules; its members are exactly these MQTT 3.1.1 CONNACK codes.
  (err as { returnCode: number }).returnCode = returnCode;
  return err;
}

/** The identity each connected client authenticated as. */
export type Principals = WeakMap<Client, Principal>;

export interface AccessControlDeps {
  readonly credentials: CredentialStore;
  readonly metrics: BrokerMetrics;
  readonly log: Logger;
}

/**
 * aedes hooks for authentication and authorization. Every decision comes from the protocol
 * table (`checkPublish`, `checkSubscribe`), so the broker holds no topic rule of its own.
 */
export function createAccessControl({ credentials, metrics, log }: AccessControlDeps) {
  const principals: Principals = new WeakMap();

  /** Counts and logs a refused CONNECT and builds the error that makes aedes send `code`. */
  const refuse = (
    client: Client,
    reason: string,
    code: (typeof CONNACK)[keyof typeof CONNACK],
    message: string,
  ): AuthenticateError => {
    metrics.connectionsRefused.inc(reason);
    log.warn({ clientId: client.id, reason }, 'connect refused');
    return refusal(code, message);
  };

  /** Decides a CONNECT: the identity it proves, or the refusal to send. */
  const decide = async (
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<Principal | AuthenticateError> => {
    if (username === undefined || password === undefined) {
      return refuse(client, 'anonymous', CONNACK.notAuthorized, 'credentials required');
    }
    let account: CredentialRecord | undefined;
    try {
      account = parseUsername(username) === null ? undefined : await credentials.find(username);
    } catch (err) {
      log.error({ err }, 'credential store unreadable');
      return refuse(client, 'store-error', CONNACK.serverUnavailable, 'try again later');
    }
    // Verify against a real hash even for an unknown user so timing does not reveal which
    // usernames exist.
    const ok = await verifySecret(password.toString('utf8'), account?.hash ?? UNKNOWN_USER_HASH);
    if (!ok || account === undefined) {
      return refuse(client, 'bad-credentials', CONNACK.badCredentials, 'bad username or password');
    }
    const principal = account.principal;
    if (!clientIdAllowed(principal, client.id)) {
      const why = 'client id does not match identity';
      return refuse(client, 'client-id-mismatch', CONNACK.identifierRejected, why);
    }
    // aedes keeps the CONNECT's will here until the session is set up; checking it now means a
    // device cannot leave a will on another device's topic.
    const will = (client as unknown as { _will?: { topic: string; retain?: boolean } | null })
      ._will;
    const denial = will ? checkPublish(principal, will.topic, will.retain === true) : null;
    if (denial !== null) {
      return refuse(client, `will-${denial}`, CONNACK.notAuthorized, `will not allowed: ${denial}`);
    }
    return principal;
  };

  const authenticate = (
    client: Client,
    username: Readonly<string | undefined>,
    password: Readonly<Buffer | undefined>,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void => {
    decide(client, username, password).then(
      (outcome) => {
        if (outcome instanceof Error) {
          done(outcome, false);
          return;
        }
        principals.set(client, outcome);
        done(null, true);
      },
      (err: unknown) => {
        log.error({ err }, 'password verification failed');
        done(refuse(client, 'verify-error', CONNACK.serverUnavailable, 'try again later'), false);
      },
    );
  };

  const deny = (
    action: 'publish' | 'subscribe',
    client: Client | null,
    target: string,
    reason: AclDenial,
  ) => {
    metrics.aclDenied.inc(action);
    log.warn({ clientId: client?.id, action, target, reason }, 'acl denied');
  };

  const authorizePublish = (
    client: Client | null,
    packet: PublishPacket,
    callback: (error?: Error | null) => void,
  ): void => {
    const decided = (principal: Principal | undefined) => {
      const denial =
        principal === undefined
          ? 'unknown-topic'
          : checkPublish(principal, packet.topic, packet.retain);
      if (denial === null) {
        callback(null);
        return;
      }
      deny('publish', client, packet.topic, denial);
      callback(new Error(`publish to ${packet.topic} denied: ${denial}`));
    };
    if (client) {
      decided(principals.get(client));
      return;
    }
    // `client` is null for a will published on behalf of a client of a dead cluster peer; a
    // device's client id is its username, which names the identity the will was checked for.
    willOwner(packet).then(decided, () => {
      decided(undefined);
    });
  };

  const authorizeSubscribe = (
    client: Client,
    subscription: Subscription,
    callback: (error: Error | null, subscription?: Subscription | null) => void,
  ): void => {
    const principal = principals.get(client);
    const denial =
      principal === undefined ? 'unknown-topic' : checkSubscribe(principal, subscription.topic);
    if (denial === null) {
      callback(null, subscription);
      return;
    }
    deny('subscribe', client, subscription.topic, denial);
    // A null subscription makes aedes answer SUBACK 0x80 for this filter and keep the client,
    // which is what MQTT 3.1.1 specifies for a refused filter.
    callback(null, null);
  };

  async function willOwner(packet: PublishPacket): Promise<Principal | undefined> {
    const clientId = (packet as PublishPacket & { clientId?: string }).clientId;
    if (clientId === undefined) return undefined;
    const owner = (await credentials.find(clientId))?.principal;
    return owner?.role === 'device' ? owner : undefined;
  }

  return { authenticate, authorizePublish, authorizeSubscribe, principals };
}

/** A valid hash of a random secret nobody knows, used to equalize timing for unknown users. */
const UNKNOWN_USER_HASH =
  '$scrypt$ln=14,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U';
