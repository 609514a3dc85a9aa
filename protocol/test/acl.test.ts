import { describe, expect, it } from 'vitest';
import { checkPublish, checkSubscribe, type AclDenial } from '../src/acl.js';
import type { Principal } from '../src/principal.js';
import { matchTopic, TOPIC_LIST } from '../src/topics.js';

const device: Principal = { role: 'device', site: 'town-hall', device: 'locker-1', kind: 'locker' };
const cloud: Principal = { role: 'cloud', name: 'cloud' };
const observer: Principal = { role: 'observer', name: 'grafana' };
const PRINCIPALS = { device, cloud, observer } as const;

const OWN = 'hameau/v1/town-hall/locker-1';
const OTHER_SITE = 'hameau/v1/station/locker-1';
const OTHER_DEVICE = 'hameau/v1/town-hall/locker-2';

type Outcome = AclDenial | null;
const ROLE = 'role-may-not-publish';
const NOT_OWN = 'not-own-device';

/**
 * Publish matrix, written out by hand rather than derived from the table so that a change to a
 * row's publishers or retain flag shows up here. Columns: device on its own topic, device on
 * another site's, device on another device's, cloud, observer.
 */
const PUBLISH: readonly [
  row: string,
  suffix: string,
  retain: boolean,
  own: Outcome,
  otherSite: Outcome,
  otherDevice: Outcome,
  cloud: Outcome,
  observer: Outcome,
][] = [
  ['status', 'status', true, null, NOT_OWN, NOT_OWN, ROLE, ROLE],
  ['telemetry', 'telemetry/energy', false, null, NOT_OWN, NOT_OWN, ROLE, ROLE],
  ['event', 'event/door-opened', false, null, NOT_OWN, NOT_OWN, ROLE, ROLE],
  ['command', 'cmd/unlock', false, ROLE, ROLE, ROLE, null, ROLE],
  ['commandResult', 'cmd-result', false, null, NOT_OWN, NOT_OWN, ROLE, ROLE],
  ['desiredConfig', 'config', true, ROLE, ROLE, ROLE, null, ROLE],
  ['reportedState', 'state', true, null, NOT_OWN, NOT_OWN, ROLE, ROLE],
  ['ingested', 'ingested', true, ROLE, ROLE, ROLE, null, ROLE],
  ['credentials', 'credentials', true, ROLE, ROLE, ROLE, null, ROLE],
  ['weather', 'weather', true, ROLE, ROLE, ROLE, null, ROLE],
];

describe('checkPublish', () => {
  it('has a matrix row for every topic row', () => {
    expect(PUBLISH.map((r) => r[0])).toEqual(TOPIC_LIST.map((t) => t.name));
    for (const [name, suffix] of PUBLISH) {
      expect(matchTopic(`${OWN}/${suffix}`)?.topic.name).toBe(name);
    }
  });

  describe.each(PUBLISH)('%s', (_name, suffix, retain, own, otherSite, otherDevice, c, o) => {
    it('gives each role the expected answer with the row retain flag', () => {
      expect(checkPublish(device, `${OWN}/${suffix}`, retain)).toBe(own);
      expect(checkPublish(device, `${OTHER_SITE}/${suffix}`, retain)).toBe(otherSite);
      expect(checkPublish(device, `${OTHER_DEVICE}/${suffix}`, retain)).toBe(otherDevice);
      expect(checkPublish(cloud, `${OWN}/${suffix}`, retain)).toBe(c);
      expect(checkPublish(observer, `${OWN}/${suffix}`, retain)).toBe(o);
    });

    it('denies an allowed publisher the wrong retain flag', () => {
      const flipped = !retain;
      const expectFlipped = (allowed: Outcome): Outcome => allowed ?? 'retain-mismatch';
      expect(checkPublish(device, `${OWN}/${suffix}`, flipped)).toBe(expectFlipped(own));
      expect(checkPublish(cloud, `${OWN}/${suffix}`, flipped)).toBe(expectFlipped(c));
      expect(checkPublish(observer, `${OWN}/${suffix}`, flipped)).toBe(o);
    });
  });

  it.each(Object.entries(PRINCIPALS))('never lets %s publish to $ topics', (_role, p) => {
    for (const topic of ['$SYS/broker/uptime', '$SYS', '$share/g/hameau/v1/a/b/status', '$x']) {
      expect(checkPublish(p, topic, false)).toBe('sys-topic');
      expect(checkPublish(p, topic, true)).toBe('sys-topic');
    }
  });

  it.each(Object.entries(PRINCIPALS))('denies %s wildcards in a published topic', (_role, p) => {
    for (const topic of [
      '#',
      '+',
      `${OWN}/#`,
      `${OWN}/telemetry/+`,
      'hameau/v1/+/locker-1/status',
      `${OWN}/telemetry/energy+`,
      `${OWN}/cmd/unl#ck`,
    ]) {
      expect(checkPublish(p, topic, false)).toBe('wildcard-in-publish');
    }
  });

  it.each(Object.entries(PRINCIPALS))('denies %s topics outside the table', (_role, p) => {
    for (const topic of [
      '',
      '/',
      'hameau',
      'hameau/v1',
      OWN,
      `${OWN}/unknown`,
      `${OWN}/status/extra`,
      `${OWN}/telemetry`,
      `${OWN}/telemetry/energy/extra`,
      `/${OWN}/status`,
      `${OWN}/status/`,
      'hameau/v2/town-hall/locker-1/status',
      'hameau/v1/Town-Hall/locker-1/status',
      'hameau/v1/town-hall/locker-1/telemetry/Energy',
      'hameau/v1/town-hall//status',
      'other/topic',
    ]) {
      expect(checkPublish(p, topic, false)).toBe('unknown-topic');
      expect(checkPublish(p, topic, true)).toBe('unknown-topic');
    }
  });

  it('lets an observer publish nothing at all', () => {
    for (const row of TOPIC_LIST) {
      const topic = row.build({
        site: 'town-hall',
        device: 'locker-1',
        stream: 'energy',
        type: 'door-opened',
        name: 'unlock',
      });
      expect(checkPublish(observer, topic, row.retain)).not.toBeNull();
      expect(checkPublish(observer, topic, !row.retain)).not.toBeNull();
    }
  });
});

describe('checkSubscribe', () => {
  const WIDE = 'filter-too-wide';
  const NO_READ = 'role-may-not-subscribe';

  const DEVICE_FILTERS: readonly [string, Outcome][] = [
    [`${OWN}/cmd/+`, null],
    [`${OWN}/cmd/unlock`, null],
    [`${OWN}/config`, null],
    // `#` also matches its parent level; neither `cmd` nor `config/x` is a row, so these stay in.
    [`${OWN}/cmd/#`, null],
    [`${OWN}/config/#`, null],
    // Its own end-to-end acknowledgements, and nobody else's.
    [`${OWN}/ingested`, null],
    [`${OWN}/ingested/#`, null],
    [`${OTHER_DEVICE}/ingested`, WIDE],
    [`${OTHER_SITE}/ingested`, WIDE],
    ['hameau/v1/+/+/ingested', WIDE],
    ['hameau/v1/town-hall/+/ingested', WIDE],
    ['#', NO_READ],
    ['+/#', NO_READ],
    ['hameau/#', NO_READ],
    ['hameau/v1/#', NO_READ],
    [`${OWN}/#`, NO_READ],
    [`${OWN}/+`, NO_READ],
    [`${OWN}/+/+`, NO_READ],
    [`${OWN}/+/unlock`, NO_READ],
    [`${OWN}/status`, NO_READ],
    [`${OWN}/state`, NO_READ],
    [`${OWN}/cmd-result`, NO_READ],
    [`${OWN}/telemetry/+`, NO_READ],
    [`${OWN}/telemetry/energy`, NO_READ],
    [`${OWN}/event/#`, NO_READ],
    // Another device's command topics: the row is readable by devices, but not that instance.
    [`${OTHER_DEVICE}/cmd/+`, WIDE],
    [`${OTHER_DEVICE}/cmd/unlock`, WIDE],
    [`${OTHER_SITE}/config`, WIDE],
    ['hameau/v1/+/+/cmd/+', WIDE],
    ['hameau/v1/town-hall/+/cmd/+', WIDE],
    ['hameau/v1/+/locker-1/cmd/unlock', WIDE],
    ['hameau/v1/+/+/config', WIDE],
    [`${OWN}/unknown`, 'unknown-topic'],
    [`${OWN}/cmd/Unlock`, 'unknown-topic'],
    [`${OWN}/cmd/unlock/extra`, 'unknown-topic'],
    ['hameau/v2/#', 'unknown-topic'],
    ['$SYS/#', 'sys-topic'],
    ['$share/g/hameau/v1/town-hall/locker-1/cmd/+', 'sys-topic'],
  ];

  /** Cloud and observer read the same rows, so they share one table. */
  const SERVICE_FILTERS: readonly [string, Outcome][] = [
    ['hameau/v1/+/+/telemetry/+', null],
    ['hameau/v1/+/+/telemetry/#', null],
    ['hameau/v1/+/+/status', null],
    ['hameau/v1/+/+/status/#', null],
    ['hameau/v1/+/+/event/+', null],
    ['hameau/v1/+/+/cmd-result', null],
    ['hameau/v1/+/+/state', null],
    [`${OWN}/status`, null],
    [`${OWN}/telemetry/energy`, null],
    ['hameau/v1/station/+/event/door-opened', null],
    // Reaches readable rows but also commands or config, which services may only write.
    ['hameau/v1/#', NO_READ],
    ['#', NO_READ],
    ['+/#', NO_READ],
    ['hameau/v1/+/+/+', NO_READ],
    ['hameau/v1/+/+/+/+', NO_READ],
    ['hameau/v1/+/+/#', NO_READ],
    ['hameau/v1/+/+/cmd/+', NO_READ],
    ['hameau/v1/+/+/cmd/#', NO_READ],
    ['hameau/v1/+/+/config', NO_READ],
    [`${OWN}/config`, NO_READ],
    // Acknowledgements are written by the cloud, for devices only.
    ['hameau/v1/+/+/ingested', NO_READ],
    [`${OWN}/ingested`, NO_READ],
    [`${OWN}/#`, NO_READ],
    ['hameau/v1/+/+/unknown', 'unknown-topic'],
    ['hameau/v1/+/+/telemetry/+/+', 'unknown-topic'],
    ['hameau/v1/+/+/status/+', 'unknown-topic'],
    ['$SYS/#', 'sys-topic'],
    ['$SYS/broker/clients/connected', 'sys-topic'],
  ];

  it.each(DEVICE_FILTERS)('device: %s -> %s', (filter, expected) => {
    expect(checkSubscribe(device, filter)).toBe(expected);
  });

  it.each(SERVICE_FILTERS)('cloud: %s -> %s', (filter, expected) => {
    expect(checkSubscribe(cloud, filter)).toBe(expected);
  });

  it.each(SERVICE_FILTERS)('observer: %s -> %s', (filter, expected) => {
    expect(checkSubscribe(observer, filter)).toBe(expected);
  });

  it.each(Object.entries(PRINCIPALS))('rejects malformed filters for %s', (_role, p) => {
    for (const filter of [
      '',
      'a/#/b',
      '#/a',
      'a/b+',
      'a/+b',
      'a/#b',
      'a/b#',
      '++',
      '##',
      `${OWN}/cmd/un+`,
      'hameau/v1/+/+/telemetry/energy#',
    ]) {
      expect(checkSubscribe(p, filter)).toBe('invalid-filter');
    }
  });
});

/**
 * An independent oracle: a plain MQTT filter matcher over a sample of concrete topics, and the
 * read rule stated directly (the role subscribes to the row; a device only its own ids). Every
 * filter from a generated set must be allowed exactly when it reaches at least one sample topic
 * and every sample topic it reaches is readable. The samples use two values for every bound
 * level and every generated literal for the free ones, so they cover each case the ACL tells apart.
 */
describe('checkSubscribe against a brute-force oracle', () => {
  function mqttMatches(filter: string, topic: string): boolean {
    const f = filter.split('/');
    const t = topic.split('/');
    for (let i = 0; i < f.length; i++) {
      if (f[i] === '#') return true;
      if (i >= t.length) return false;
      if (f[i] !== '+' && f[i] !== t[i]) return false;
    }
    return f.length === t.length;
  }

  function mayRead(p: Principal, topic: string): boolean {
    const m = matchTopic(topic);
    if (!m?.topic.subscribers.includes(p.role)) return false;
    return p.role !== 'device' || (m.params.site === p.site && m.params.device === p.device);
  }

  const FREE_VALUES = ['energy', 'unlock', 'door-opened'];
  const SAMPLES = TOPIC_LIST.flatMap((row) =>
    ['town-hall', 'station'].flatMap((site) =>
      ['locker-1', 'locker-2'].flatMap((dev) =>
        FREE_VALUES.map((v) => row.build({ site, device: dev, stream: v, type: v, name: v })),
      ),
    ),
  );
  const uniqueSamples = [...new Set(SAMPLES)];

  const VOCAB: readonly (readonly string[])[] = [
    ['hameau', 'x'],
    ['v1', 'v2'],
    ['town-hall', 'station'],
    ['locker-1', 'locker-2'],
    [
      'status',
      'telemetry',
      'event',
      'cmd',
      'cmd-result',
      'config',
      'state',
      'ingested',
      'credentials',
      'energy',
    ],
    FREE_VALUES,
    ['energy'],
  ];

  function* filters(prefix: string[]): Generator<string> {
    const i = prefix.length;
    if (i > 0) yield prefix.join('/');
    if (i > 0 && prefix[i - 1] === '#') return;
    const vocab = VOCAB[i];
    if (vocab === undefined) return;
    for (const level of [...vocab, '+', '#']) yield* filters([...prefix, level]);
  }
  const FILTERS = [...filters([])];

  it('generates a meaningful number of filters', () => {
    expect(FILTERS.length).toBeGreaterThan(10_000);
  });

  it.each(Object.entries(PRINCIPALS))('agrees with the oracle for %s', (_role, p) => {
    const disagreements: string[] = [];
    let allowed = 0;
    for (const filter of FILTERS) {
      const reached = uniqueSamples.filter((t) => mqttMatches(filter, t));
      const expectAllowed = reached.length > 0 && reached.every((t) => mayRead(p, t));
      const actual = checkSubscribe(p, filter);
      if ((actual === null) !== expectAllowed) disagreements.push(`${filter} -> ${String(actual)}`);
      if (actual === null) allowed++;
    }
    expect(disagreements).toEqual([]);
    expect(allowed).toBeGreaterThan(0);
  });
});
