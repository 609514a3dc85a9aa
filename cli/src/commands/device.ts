import { join, resolve } from 'node:path';
import { z } from 'zod';
import { FileCredentialStore } from '@hameau/broker';
import { DeviceId, DeviceKind, SiteId } from '@hameau/protocol';
import { parseOptions } from '../args.js';
import type { CliIo, ExitCode } from '../io.js';

const DataDir = z.string().min(1).optional();

export function credentialStoreFor(dataDir: string | undefined, env: NodeJS.ProcessEnv) {
  return new FileCredentialStore(
    join(resolve(dataDir ?? env.HAMEAU_DATA_DIR ?? './data'), 'credentials.json'),
  );
}

const AddOptions = z
  .object({ site: SiteId, id: DeviceId, kind: DeviceKind, 'data-dir': DataDir })
  .strict();

/** `hameau device add|list|remove`: manages device identities (the broker's accounts). */
export async function deviceCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [action, ...rest] = argv;
  switch (action ?? '') {
    case 'add': {
      const o = parseOptions('device add', rest, ['site', 'id', 'kind', 'data-dir'], AddOptions);
      const store = credentialStoreFor(o['data-dir'], io.env);
      const { username, password } = await store.add(
        { role: 'device', site: o.site, device: o.id, kind: o.kind },
        new Date(),
      );
      io.out(`device ${username} (${o.kind}) created in ${store.path}`);
      io.out(`  MQTT username and client id: ${username}`);
      io.out(`  MQTT password:               ${password}`);
      io.out('The password is shown only this once: put it in the agent config now.');
      return 0;
    }
    case 'list': {
      const o = parseOptions(
        'device list',
        rest,
        ['data-dir'],
        z.object({ 'data-dir': DataDir }).strict(),
      );
      for (const a of credentialStoreFor(o['data-dir'], io.env).list()) {
        io.out(
          a.role === 'device'
            ? `${a.site}/${a.device}\t${a.kind}\t${a.createdAt}`
            : `${a.name}\t${a.role}\t${a.createdAt}`,
        );
      }
      return 0;
    }
    case 'remove': {
      const o = parseOptions(
        'device remove',
        rest,
        ['site', 'id', 'data-dir'],
        z.object({ site: SiteId, id: DeviceId, 'data-dir': DataDir }).strict(),
      );
      const removed = credentialStoreFor(o['data-dir'], io.env).remove(`${o.site}/${o.id}`);
      io[removed ? 'out' : 'err'](
        removed ? `device ${o.site}/${o.id} removed` : `no device ${o.site}/${o.id}`,
      );
      return removed ? 0 : 1;
    }
    default:
      io.err(
        'usage: hameau device add --site S --id D --kind locker|meters|lighting [--data-dir DIR]',
      );
      io.err('       hameau device list [--data-dir DIR]');
      io.err('       hameau device remove --site S --id D [--data-dir DIR]');
      return 2;
  }
}
