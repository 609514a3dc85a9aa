import { z } from 'zod';
import { ServiceName } from '@hameau/protocol';
import { parseOptions } from '../args.js';
import type { CliIo, ExitCode } from '../io.js';
import { credentialStoreFor } from './device.js';

const AddOptions = z
  .object({
    role: z.enum(['cloud', 'observer']),
    name: ServiceName,
    'data-dir': z.string().min(1).optional(),
  })
  .strict();

/**
 * `hameau account add --role cloud|observer --name N`: a service account. `cloud` is what the
 * API connects as; `observer` is read-only, for technicians' tools.
 */
export async function accountCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [action, ...rest] = argv;
  if (action !== 'add') {
    io.err('usage: hameau account add --role cloud|observer --name NAME [--data-dir DIR]');
    return 2;
  }
  const o = parseOptions('account add', rest, ['role', 'name', 'data-dir'], AddOptions);
  const store = credentialStoreFor(o['data-dir'], io.env);
  const { username, password } = await store.add({ role: o.role, name: o.name }, new Date());
  io.out(`${o.role} account ${username} created in ${store.path}`);
  io.out(`  MQTT username: ${username} (client id ${username} or ${username}:<suffix>)`);
  io.out(`  MQTT password: ${password}`);
  io.out('The password is shown only this once.');
  return 0;
}
