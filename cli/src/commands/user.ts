import { resolve } from 'node:path';
import { pino } from 'pino';
import { z } from 'zod';
import {
  UserName,
  UserRole,
  UserService,
  databaseConfigOf,
  migrateToLatest,
  openDatabase,
  parseApiConfig,
} from '@hameau/cloud-api';
import { systemClock } from '@hameau/protocol';
import { parseOptions } from '../args.js';
import { envSetting } from '../env-setting.js';
import { cliActor } from '../identities/cli-actor.js';
import type { CliIo, ExitCode } from '../io.js';

const DataDir = { 'data-dir': z.string().min(1).optional() };
const AddOptions = z.object({ name: UserName, role: UserRole, ...DataDir }).strict();
const NameOptions = z.object({ name: UserName, ...DataDir }).strict();
const ListOptions = z.object(DataDir).strict();

const USAGE = [
  'usage: hameau user add --name N --role technician|admin [--data-dir DIR]',
  '       hameau user list [--data-dir DIR]',
  '       hameau user disable --name N [--data-dir DIR]',
  '       hameau user reset-password --name N [--data-dir DIR]',
  'Console users live in the cloud registry: DATABASE_URL, else <data dir>/hameau.sqlite',
  '(data dir: --data-dir, else HAMEAU_DATA_DIR, else ./data). Passwords are generated and',
  'shown once.',
];

/**
 * `hameau user add|list|disable|reset-password`: the people who sign in to the technician
 * console, in the cloud registry, through the API's own `UserService` (same checks, same audit
 * rows, with `cli:<os user>` as the actor).
 */
export async function userCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [action, ...rest] = argv;
  switch (action ?? '') {
    case 'add': {
      const o = parseOptions('user add', rest, ['name', 'role', 'data-dir'], AddOptions);
      return withUsers(o['data-dir'], io, async (users, actor) => {
        const { name, role, password } = await users.create({ name: o.name, role: o.role }, actor);
        io.out(`${role} ${name} created`);
        io.out(`  password: ${password}`);
        io.out('The password is shown only this once: give it to them now.');
        return 0;
      });
    }
    case 'list': {
      const o = parseOptions('user list', rest, ['data-dir'], ListOptions);
      return withUsers(o['data-dir'], io, async (users) => {
        for (const u of await users.list()) {
          const state = u.disabled ? 'disabled' : 'active';
          io.out(`${u.name}\t${u.role}\t${state}\t${new Date(u.createdAt).toISOString()}`);
        }
        return 0;
      });
    }
    case 'disable': {
      const o = parseOptions('user disable', rest, ['name', 'data-dir'], NameOptions);
      return withUsers(o['data-dir'], io, async (users, actor) => {
        await users.disable(o.name, actor);
        io.out(`user ${o.name} disabled: sign-ins refused, open sessions ended`);
        return 0;
      });
    }
    case 'reset-password': {
      const o = parseOptions('user reset-password', rest, ['name', 'data-dir'], NameOptions);
      return withUsers(o['data-dir'], io, async (users, actor) => {
        const { password } = await users.resetPassword(o.name, actor);
        io.out(`new password for ${o.name}: ${password}`);
        io.out('It is shown only this once; their open sessions are ended.');
        return 0;
      });
    }
    default:
      for (const line of USAGE) io.err(line);
      return 2;
  }
}

/**
 * Runs `work` on the registry the API uses (created and migrated when it does not exist yet, so
 * a technician can be added before the API's first start), and always closes it.
 */
async function withUsers(
  dataDir: string | undefined,
  io: CliIo,
  work: (users: UserService, actor: string) => Promise<ExitCode>,
): Promise<ExitCode> {
  const databaseUrl = envSetting(io.env, 'DATABASE_URL');
  const config = parseApiConfig(
    {
      dataDir: resolve(dataDir ?? envSetting(io.env, 'HAMEAU_DATA_DIR') ?? './data'),
      ...(databaseUrl !== undefined && { databaseUrl }),
    },
    'registry location',
    (key) => (key === 'databaseUrl' ? 'DATABASE_URL' : key),
  );
  // Service logs go to stderr and only from warnings up: stdout carries what the user asked for.
  const log = pino(
    { name: 'hameau-cli', level: io.env.HAMEAU_LOG_LEVEL ?? 'warn' },
    pino.destination(2),
  );
  const handle = await openDatabase(databaseConfigOf(config), { log });
  try {
    await migrateToLatest(handle.db);
    return await work(
      new UserService({ db: handle.db, clock: systemClock, log }),
      cliActor(io.env),
    );
  } finally {
    await handle.close();
  }
}
