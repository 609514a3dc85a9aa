import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CREDENTIALS_KEY,
  CredentialStore,
  USED_KEY,
} from '../../../src/modules/locker/credential-store.js';
import { AgentState } from '../../../src/store/agent-state.js';
import { openAgentDb } from '../../../src/store/agent-db.js';
import { useTempDirs } from '../../store/temp-dir.js';
import { credentialSet, randomKey, type CredentialSpec } from './credential-fixtures.js';

const log = pino({ level: 'silent' });
const tempDir = useTempDirs('hameau-locker-credentials-');
const T0 = Date.UTC(2026, 0, 1, 21);
const HOUR = 3_600_000;
/** Any stored JSON: the tests look at the raw state. */
const Json = z.unknown();

const spec = (id: string, box: number, code: string): CredentialSpec => ({
  id,
  box,
  code,
  validFrom: T0,
  expiresAt: T0 + 24 * HOUR,
});

function store(path = ':memory:') {
  const db = openAgentDb(path);
  const state = new AgentState(db);
  return { db, state, store: new CredentialStore(state, log) };
}

describe('CredentialStore', () => {
  it('holds nothing and finds nothing before the first set', () => {
    const { store: s } = store();
    expect(s.version).toBeNull();
    expect(s.find('12345678')).toEqual([]);
  });

  it('finds a credential by its code, hashed with the set key, and nothing for other codes', () => {
    const { store: s } = store();
    expect(s.replace(credentialSet(1, [spec('cred-aaaa01', 3, '12345678')]))).toBe('replaced');
    expect(s.find('12345678').map((c) => c.id)).toEqual(['cred-aaaa01']);
    expect(s.find('12345679')).toEqual([]);
    // The same hash under another bank's key is not this bank's code.
    const other = credentialSet(2, [spec('cred-aaaa02', 4, '87654321')], randomKey());
    expect(s.replace(other)).toBe('replaced');
    expect(s.find('12345678')).toEqual([]);
    expect(s.find('87654321').map((c) => c.id)).toEqual(['cred-aaaa02']);
  });

  it('ignores older and equal versions, keeping the set in force', () => {
    const { store: s } = store();
    s.replace(credentialSet(5, [spec('cred-aaaa01', 3, '12345678')]));
    expect(s.replace(credentialSet(5, [spec('cred-bbbb01', 4, '11111111')]))).toBe('ignored');
    expect(s.replace(credentialSet(4, [spec('cred-bbbb01', 4, '11111111')]))).toBe('ignored');
    expect(s.version).toBe(5);
    expect(s.find('11111111')).toEqual([]);
    expect(s.find('12345678')).toHaveLength(1);
  });

  it('keeps the set and the uses across a reopen of the database', () => {
    const path = join(tempDir(), 'agent.db');
    const first = store(path);
    first.store.replace(credentialSet(3, [spec('cred-aaaa01', 3, '12345678')]));
    first.store.markUsed('cred-aaaa01', T0);
    first.db.close();

    const second = store(path);
    expect(second.store.version).toBe(3);
    expect(second.store.find('12345678').map((c) => c.id)).toEqual(['cred-aaaa01']);
    expect(second.store.isUsed('cred-aaaa01')).toBe(true);
    second.db.close();
  });

  it('stores a use durably before returning and forgets it on release', () => {
    const { state, store: s } = store();
    s.replace(credentialSet(1, [spec('cred-aaaa01', 3, '12345678')]));
    s.markUsed('cred-aaaa01', T0 + 5);
    expect(state.get(USED_KEY, Json)).toEqual({ 'cred-aaaa01': T0 + 5 });
    s.release('cred-aaaa01');
    expect(s.isUsed('cred-aaaa01')).toBe(false);
    expect(state.get(USED_KEY, Json)).toEqual({});
  });

  it('keeps a use across a newer set that still lists it, and prunes it when it leaves', () => {
    const { state, store: s } = store();
    s.replace(credentialSet(1, [spec('cred-aaaa01', 3, '12345678')]));
    s.markUsed('cred-aaaa01', T0);
    s.replace(
      credentialSet(2, [spec('cred-aaaa01', 3, '12345678'), spec('cred-bbbb01', 4, '22222222')]),
    );
    expect(s.isUsed('cred-aaaa01')).toBe(true);
    s.replace(credentialSet(3, [spec('cred-bbbb01', 4, '22222222')]));
    expect(s.isUsed('cred-aaaa01')).toBe(false);
    expect(state.get(USED_KEY, Json)).toEqual({});
    expect(state.get(CREDENTIALS_KEY, Json)).toMatchObject({ version: 3 });
  });

  it('counts the active credentials: neither used nor expired', () => {
    const { store: s } = store();
    s.replace(
      credentialSet(1, [
        spec('cred-aaaa01', 1, '11111111'),
        spec('cred-aaaa02', 2, '22222222'),
        { ...spec('cred-aaaa03', 3, '33333333'), expiresAt: T0 + HOUR },
      ]),
    );
    s.markUsed('cred-aaaa01', T0);
    expect(s.activeCount(T0)).toBe(2);
    expect(s.activeCount(T0 + HOUR)).toBe(1);
  });

  it('returns both credentials, in set order, when the cloud issued one code twice', () => {
    const { store: s } = store();
    s.replace(
      credentialSet(1, [spec('cred-aaaa01', 1, '11111111'), spec('cred-aaaa02', 2, '11111111')]),
    );
    expect(s.find('11111111').map((c) => c.box)).toEqual([1, 2]);
  });
});
