import { FileCredentialStore, principalOf } from '@hameau/broker';
import { usernameOf } from '@hameau/protocol';
import type { IdentityStore } from './identity-store.js';

/**
 * The broker's credential file (`FileCredentialStore`), for a broker run without the API with
 * `HAMEAU_BROKER_CREDENTIALS=file`. It has no audit log: the registry is the audited source.
 */
export function openFileIdentityStore(path: string): Promise<IdentityStore> {
  const store = new FileCredentialStore(path);
  return Promise.resolve({
    location: path,
    addDevice: (d) => store.add({ role: 'device', ...d }, new Date()),
    addService: (a) => store.add(a, new Date()),
    list() {
      const listed = store.list().map((a) => ({
        username: usernameOf(principalOf(a)),
        role: a.role,
        kind: a.role === 'device' ? a.kind : null,
        createdAt: new Date(a.createdAt),
      }));
      return Promise.resolve(listed.sort((x, y) => x.username.localeCompare(y.username)));
    },
    removeDevice: (site, device) => Promise.resolve(store.remove(`${site}/${device}`)),
    close: () => Promise.resolve(),
  });
}
