import { z } from 'zod';
import { DeviceId, DeviceKind, SiteId } from '@hameau/protocol';
import { parseOptions } from '../args.js';
import {
  STORE_OPTION_NAMES,
  STORE_USAGE,
  StoreOptions,
  withIdentityStore,
} from '../identities/identity-store.js';
import type { CliIo, ExitCode } from '../io.js';

const AddOptions = z
  .object({ site: SiteId, id: DeviceId, kind: DeviceKind, ...StoreOptions })
  .strict();
const ListOptions = z.object(StoreOptions).strict();
const RemoveOptions = z.object({ site: SiteId, id: DeviceId, ...StoreOptions }).strict();

/**
 * `hameau device add|list|remove`: manages device identities in the cloud registry (the one the
 * API and the broker use), or in a broker's credential file with `--credentials-file`.
 */
export async function deviceCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [action, ...rest] = argv;
  switch (action ?? '') {
    case 'add': {
      const o = parseOptions(
        'device add',
        rest,
        ['site', 'id', 'kind', ...STORE_OPTION_NAMES],
        AddOptions,
      );
      return withIdentityStore<ExitCode>('device add', o, io.env, async (store) => {
        const { username, password } = await store.addDevice({
          site: o.site,
          device: o.id,
          kind: o.kind,
        });
        io.out(`device ${username} (${o.kind}) created in ${store.location}`);
        io.out(`  MQTT username and client id: ${username}`);
        io.out(`  MQTT password:               ${password}`);
        io.out('The password is shown only this once: put it in the agent config now.');
        return 0;
      });
    }
    case 'list': {
      const o = parseOptions('device list', rest, STORE_OPTION_NAMES, ListOptions);
      return withIdentityStore<ExitCode>('device list', o, io.env, async (store) => {
        for (const a of await store.list()) {
          const at = a.createdAt.toISOString();
          io.out(`${a.username}\t${a.role === 'device' ? (a.kind ?? '') : a.role}\t${at}`);
        }
        return 0;
      });
    }
    case 'remove': {
      const o = parseOptions(
        'device remove',
        rest,
        ['site', 'id', ...STORE_OPTION_NAMES],
        RemoveOptions,
      );
      return withIdentityStore<ExitCode>('device remove', o, io.env, async (store) => {
        const removed = await store.removeDevice(o.site, o.id);
        if (!removed) {
          io.err(`no device ${o.site}/${o.id} in ${store.location}`);
          return 1;
        }
        io.out(`device ${o.site}/${o.id} removed from ${store.location}`);
        return 0;
      });
    }
    default:
      io.err(
        `usage: hameau device add --site S --id D --kind locker|meters|lighting ${STORE_USAGE}`,
      );
      io.err(`       hameau device list ${STORE_USAGE}`);
      io.err(`       hameau device remove --site S --id D ${STORE_USAGE}`);
      io.err('Identities live in the cloud registry: DATABASE_URL, else <data dir>/hameau.sqlite');
      io.err('(data dir: --data-dir, else HAMEAU_DATA_DIR, else ./data). --credentials-file FILE');
      io.err(
        'writes a credential file instead, for a broker run with HAMEAU_BROKER_CREDENTIALS=file.',
      );
      return 2;
  }
}
