import { describe, expect, it } from 'vitest';
import { clientIdAllowed, parseUsername, usernameOf, type Principal } from '../src/principal.js';

const device: Principal = { role: 'device', site: 'town-hall', device: 'locker-1', kind: 'locker' };
const cloud: Principal = { role: 'cloud', name: 'cloud' };
const observer: Principal = { role: 'observer', name: 'grafana' };

describe('usernameOf', () => {
  it('is site/device for a device and the bare name for a service', () => {
    expect(usernameOf(device)).toBe('town-hall/locker-1');
    expect(usernameOf(cloud)).toBe('cloud');
    expect(usernameOf(observer)).toBe('grafana');
  });

  it('round-trips through parseUsername', () => {
    expect(parseUsername(usernameOf(device))).toEqual({
      kind: 'device',
      site: 'town-hall',
      device: 'locker-1',
    });
    expect(parseUsername(usernameOf(cloud))).toEqual({ kind: 'service', name: 'cloud' });
  });
});

describe('clientIdAllowed', () => {
  it.each([
    ['town-hall/locker-1', true],
    ['town-hall/locker-1:2', false],
    ['town-hall/locker-1:', false],
    ['town-hall/locker-2', false],
    ['other/locker-1', false],
    ['locker-1', false],
    ['town-hall/locker-1/', false],
    ['Town-Hall/locker-1', false],
    ['', false],
  ])('device: %j -> %s', (clientId, allowed) => {
    expect(clientIdAllowed(device, clientId)).toBe(allowed);
  });

  it.each([
    ['cloud', true],
    ['cloud:api-1', true],
    ['cloud:API_2', true],
    [`cloud:${'x'.repeat(32)}`, true],
    [`cloud:${'x'.repeat(33)}`, false],
    ['cloud:', false],
    ['cloud-2', false],
    ['cloud2', false],
    ['cloudy', false],
    ['cloud:a:b', false],
    ['cloud:a/b', false],
    ['cloud:a b', false],
    ['cloud:+', false],
    ['cloud:#', false],
    ['xcloud:api', false],
    ['grafana:api-1', false],
    ['', false],
  ])('service cloud: %j -> %s', (clientId, allowed) => {
    expect(clientIdAllowed(cloud, clientId)).toBe(allowed);
  });

  it('applies the same suffix rule to observers', () => {
    expect(clientIdAllowed(observer, 'grafana')).toBe(true);
    expect(clientIdAllowed(observer, 'grafana:1')).toBe(true);
    expect(clientIdAllowed(observer, 'cloud')).toBe(false);
    expect(clientIdAllowed(observer, 'grafana:')).toBe(false);
  });

  it('never lets a service use a device client id', () => {
    expect(clientIdAllowed(cloud, 'town-hall/locker-1')).toBe(false);
    expect(clientIdAllowed({ role: 'cloud', name: 'town-hall' }, 'town-hall/locker-1')).toBe(false);
  });
});

describe('parseUsername', () => {
  it.each([
    ['town-hall/locker-1', { kind: 'device', site: 'town-hall', device: 'locker-1' }],
    ['s/d', { kind: 'device', site: 's', device: 'd' }],
    ['cloud', { kind: 'service', name: 'cloud' }],
    ['api-2', { kind: 'service', name: 'api-2' }],
  ])('parses %j', (username, expected) => {
    expect(parseUsername(username)).toEqual(expected);
  });

  it.each([
    '',
    '/',
    'a/',
    '/b',
    'a/b/c',
    'Town/locker',
    'town/Locker',
    'town/+',
    'town/#',
    '+',
    '#',
    '$SYS',
    'cloud:api-1',
    'Cloud',
    '-cloud',
    'cloud-',
    'x'.repeat(41),
  ])('rejects %j', (username) => {
    expect(parseUsername(username)).toBeNull();
  });
});
