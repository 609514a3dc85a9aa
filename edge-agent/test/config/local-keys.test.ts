import { describe, expect, it } from 'vitest';
import { localKeysSetBy, sameData, withLocalKeys } from '../../src/config/local-keys.js';

const local = {
  written: { port: '/dev/ttyUSB0', caps: { perMinute: 3 }, name: 'site name' },
  keys: ['port', 'caps', 'wiring'],
};

describe('withLocalKeys: the section a module runs under a desired config', () => {
  it('takes every local-only key from site.yaml and every other key from the cloud', () => {
    const desired = { port: '/dev/ttyS9', caps: { perMinute: 60 }, name: 'cloud name', level: 5 };
    expect(withLocalKeys(desired, local)).toEqual({
      port: '/dev/ttyUSB0',
      caps: { perMinute: 3 },
      name: 'cloud name',
      level: 5,
    });
  });

  it('fills in the local-only keys the cloud leaves out', () => {
    expect(withLocalKeys({ level: 5 }, local)).toEqual({
      level: 5,
      port: '/dev/ttyUSB0',
      caps: { perMinute: 3 },
    });
  });

  it('drops a local-only key site.yaml leaves out, so its default applies as on site.yaml alone', () => {
    expect(withLocalKeys({ wiring: ['a'], level: 5 }, local)).not.toHaveProperty('wiring');
  });

  it('reads an empty section (`lighting:` with no value) as one without keys', () => {
    expect(withLocalKeys(null, local)).toEqual({ port: '/dev/ttyUSB0', caps: { perMinute: 3 } });
    expect(withLocalKeys(undefined, { written: null, keys: ['port'] })).toEqual({});
  });

  it('hands a section that is not an object to the schema as it is, to be refused there', () => {
    expect(withLocalKeys('fast', local)).toBe('fast');
    expect(withLocalKeys([1, 2], local)).toEqual([1, 2]);
  });

  it('leaves a module without local-only keys exactly as the cloud sent it', () => {
    const desired = { port: '/dev/ttyS9' };
    expect(withLocalKeys(desired, { written: local.written, keys: [] })).toBe(desired);
  });
});

describe('localKeysSetBy: the local-only keys the cloud set to another value', () => {
  it('lists those whose value differs from site.yaml’s as written, in declaration order', () => {
    const desired = { caps: { perMinute: 60 }, port: '/dev/ttyS9', name: 'other' };
    expect(localKeysSetBy(desired, local)).toEqual(['port', 'caps']);
  });

  it('lists a key the cloud sets that site.yaml leaves out', () => {
    expect(localKeysSetBy({ wiring: [] }, local)).toEqual(['wiring']);
  });

  it('does not list equal values, whatever the key order, nor keys the cloud leaves out', () => {
    const written = { caps: { perMinute: 3, perDay: 20 } };
    const same = { written, keys: ['caps', 'port'] };
    expect(localKeysSetBy({ caps: { perDay: 20, perMinute: 3 } }, same)).toEqual([]);
    expect(localKeysSetBy({ level: 1 }, same)).toEqual([]);
    expect(localKeysSetBy('fast', same)).toEqual([]);
  });
});

describe('sameData', () => {
  it('compares as JSON: key order and functions do not count, values do', () => {
    expect(sameData({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameData({ id: 'bus', create: () => 1 }, { id: 'bus', create: () => 2 })).toBe(true);
    expect(sameData({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameData([1, 2], [2, 1])).toBe(false);
    expect(sameData(undefined, undefined)).toBe(true);
    expect(sameData(undefined, null)).toBe(false);
  });
});
