import { z } from 'zod';
import { ServiceName } from '@hameau/protocol';
import { parseOptions } from '../args.js';
import {
  STORE_OPTION_NAMES,
  STORE_USAGE,
  StoreOptions,
  withIdentityStore,
} from '../identities/identity-store.js';
import type { CliIo, ExitCode } from '../io.js';

const AddOptions = z
  .object({ role: z.enum(['cloud', 'observer']), name: ServiceName, ...StoreOptions })
  .strict();

/**
 * `hameau account add --role cloud|observer --name N`: a service account, in the cloud registry
 * (or a credential file). `cloud` is what the API connects as; `observer` is read-only, for
 * technicians' tools.
 */
export async function accountCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [action, ...rest] = argv;
  if (action !== 'add') {
    io.err(`usage: hameau account add --role cloud|observer --name NAME ${STORE_USAGE}`);
    return 2;
  }
  const o = parseOptions('account add', rest, ['role', 'name', ...STORE_OPTION_NAMES], AddOptions);
  return withIdentityStore<ExitCode>('account add', o, io.env, async (store) => {
    const { username, password } = await store.addService({ role: o.role, name: o.name });
    io.out(`${o.role} account ${username} created in ${store.location}`);
    io.out(`  MQTT username: ${username} (client id ${username} or ${username}:<suffix>)`);
    io.out(`  MQTT password: ${password}`);
    io.out('The password is shown only this once.');
    return 0;
  });
}
