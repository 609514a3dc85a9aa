import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { HameauError, ProtocolError } from '../src/errors.js';
import { SEGMENT_PATTERN } from '../src/ids.js';
import { defineTopic, type Topic } from '../src/topic.js';
import { matchTopic, TOPIC_LIST, TOPIC_ROOT, TOPICS, type TopicName } from '../src/topics.js';
import { SiteId } from '../src/ids.js';
import { StatusPayload } from '../src/payloads/status.js';

const AT = '2026-11-25T21:00:00.000Z';
const LATER = '2026-11-25T21:05:00.000Z';

/** A valid value for every parameter name used in the table. */
const PARAM_VALUES: Readonly<Record<string, string>> = {
  site: 'town-hall',
  device: 'locker-1',
  stream: 'energy',
  type: 'door-opened',
  name: 'unlock',
};

function paramsOf(row: Topic): Record<string, string> {
  const out: Record<string, string> = {};
  for (const seg of row.segments) {
    if (seg.kind !== 'param') continue;
    const value = PARAM_VALUES[seg.name];
    if (value === undefined) throw new Error(`test has no value for {${seg.name}}`);
    out[seg.name] = value;
  }
  return out;
}

function paramNames(row: Topic): string[] {
  return row.segments.flatMap((s) => (s.kind === 'param' ? [s.name] : []));
}

/** One valid payload per row; the mapped type makes a missing row a compile error. */
const SAMPLES: { readonly [K in TopicName]: z.input<(typeof TOPICS)[K]['payload']> } = {
  status: { state: 'online', session: 3, at: AT, kind: 'locker', version: '0.1.0' },
  telemetry: {
    seq: 41,
    at: AT,
    historical: false,
    source: 'meter-1',
    values: { power_w: 120.5, energy_import_kwh: null },
    missing: { energy_import_kwh: 'timeout' },
  },
  event: { seq: 42, at: AT, historical: true, severity: 'alarm', subject: 'box-3' },
  command: { id: 'cmd-0001', issuedAt: AT, expiresAt: LATER, issuedBy: 'cloud', args: { box: 3 } },
  commandResult: {
    seq: 43,
    at: AT,
    historical: false,
    id: 'cmd-0001',
    name: 'unlock',
    status: 'error',
    error: { code: 'EXPIRED', message: 'too late' },
  },
  desiredConfig: { version: 2, issuedAt: AT, config: { lighting: { zones: 3 } } },
  reportedState: { at: AT, configVersion: null, modules: { locker: { boxes: 12 } } },
  ingested: {
    at: AT,
    session: 4,
    seen: [
      [1, 5000],
      [5003, 5010],
    ],
  },
  credentials: {
    version: 3,
    issuedAt: AT,
    hashKey: 'q'.repeat(43),
    credentials: [
      {
        id: 'resv-0001-pickup',
        kind: 'pickup',
        box: 4,
        codeHash: 'h'.repeat(43),
        validFrom: AT,
        expiresAt: '2026-11-30T21:00:00.000Z',
      },
    ],
  },
  weather: { fetchedAt: AT, source: 'metar', body: 'METAR LFPG 252130Z 22005KT 0300 FG VV001' },
};

const ROW_NAMES = Object.keys(TOPICS) as TopicName[];

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

function expectProtocolError(fn: () => unknown, code: string): ProtocolError {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(ProtocolError);
  expect(err).toBeInstanceOf(HameauError);
  expect((err as ProtocolError).code).toBe(code);
  return err as ProtocolError;
}

describe('the topic table', () => {
  it('lists every row once, keyed by its own name', () => {
    expect(TOPIC_LIST).toHaveLength(ROW_NAMES.length);
    for (const name of ROW_NAMES) expect(TOPICS[name].name).toBe(name);
    expect(new Set(TOPIC_LIST.map((t) => t.template)).size).toBe(TOPIC_LIST.length);
  });

  it('roots every template at the versioned prefix with site and device levels', () => {
    for (const row of TOPIC_LIST) {
      expect(row.template.startsWith(`${TOPIC_ROOT}/{site}/{device}/`)).toBe(true);
    }
  });

  it('never lets two rows match the same concrete topic', () => {
    for (const row of TOPIC_LIST) {
      const topic = row.build(paramsOf(row));
      expect(TOPIC_LIST.filter((other) => other.match(topic) !== null)).toEqual([row]);
    }
  });

  it('marks exactly the status, config, state, ingested, credentials and weather rows retained', () => {
    expect(TOPIC_LIST.filter((t) => t.retain).map((t) => t.name)).toEqual([
      'status',
      'desiredConfig',
      'reportedState',
      'ingested',
      'credentials',
      'weather',
    ]);
  });

  it('gives edge-to-cloud rows device publishers and cloud-to-edge rows cloud publishers', () => {
    for (const row of TOPIC_LIST) {
      expect(row.publishers).toEqual(row.direction === 'edge-to-cloud' ? ['device'] : ['cloud']);
      if (row.direction === 'cloud-to-edge') expect(row.subscribers).toEqual(['device']);
      else expect(row.subscribers).not.toContain('device');
    }
  });

  it('acknowledges ingestion per device on a retained cloud-to-edge row', () => {
    expect(TOPICS.ingested.build({ site: 'town-hall', device: 'locker-1' })).toBe(
      'hameau/v1/town-hall/locker-1/ingested',
    );
    expect(TOPICS.ingested).toMatchObject({
      direction: 'cloud-to-edge',
      qos: 1,
      retain: true,
      publishers: ['cloud'],
      subscribers: ['device'],
    });
  });

  it('freezes rows', () => {
    expect(Object.isFrozen(TOPICS.status)).toBe(true);
  });
});

describe.each(ROW_NAMES)('row %s', (name) => {
  const row: Topic = TOPICS[name];
  const params = paramsOf(row);

  it('builds the template with the parameters substituted', () => {
    const expected = row.template.replace(/\{(\w+)\}/g, (_, p: string) => params[p] ?? '?');
    expect(row.build(params)).toBe(expected);
  });

  it('matches what it builds, returning the parameters', () => {
    expect(row.match(row.build(params))).toEqual(params);
    expect(matchTopic(row.build(params))).toEqual({ topic: row, params });
  });

  it('builds a filter with + for every free parameter', () => {
    const filter = row.filter();
    expect(filter.split('/')).toHaveLength(row.segments.length);
    expect(filter).toBe(row.template.replace(/\{\w+\}/g, '+'));
  });

  it('builds a filter with given parameters fixed', () => {
    const fixed = row.filter({ site: 'town-hall', device: 'locker-1' });
    expect(fixed.startsWith(`${TOPIC_ROOT}/town-hall/locker-1/`)).toBe(true);
    expect(row.filter(params)).toBe(row.build(params));
  });

  it.each(paramNames(row))('rejects invalid values of {%s} in build and filter', (param) => {
    const bad = ['', 'a/b', '+', '#', 'a+b', 'a#', '$sys', 'Upper', 'UPPER', '-lead', 'trail-'];
    bad.push('x'.repeat(41), 'a b', 'a.b', 'é');
    for (const value of bad) {
      const err = expectProtocolError(
        () => row.build({ ...params, [param]: value }),
        'TOPIC_INVALID',
      );
      expect(err.details).toMatchObject({ param, value });
      expectProtocolError(() => row.filter({ [param]: value }), 'TOPIC_INVALID');
    }
  });

  it.each(paramNames(row))('rejects a missing {%s} in build', (param) => {
    const partial = Object.fromEntries(Object.entries(params).filter(([k]) => k !== param));
    expectProtocolError(() => row.build(partial), 'TOPIC_INVALID');
  });

  it('accepts the longest valid id and digits-only ids', () => {
    const longest = `a${'-'.repeat(38)}z`;
    expect(longest).toHaveLength(40);
    const site = row.build({ ...params, site: longest });
    expect(row.match(site)?.site).toBe(longest);
    expect(row.match(row.build({ ...params, device: '7' }))?.device).toBe('7');
  });

  it('does not match foreign topics', () => {
    const topic = row.build(params);
    const foreign = [
      '',
      '#',
      topic.replace(TOPIC_ROOT, 'hameau/v2'),
      topic.replace(TOPIC_ROOT, 'other/v1'),
      `/${topic}`,
      topic.toUpperCase(),
      `$SYS/${topic}`,
    ];
    for (const t of foreign) expect(row.match(t)).toBeNull();
  });

  it('does not match with one level too many or too few', () => {
    const topic = row.build(params);
    expect(row.match(`${topic}/extra`)).toBeNull();
    expect(row.match(`${topic}/`)).toBeNull();
    expect(row.match(topic.split('/').slice(0, -1).join('/'))).toBeNull();
    expect(row.match(topic.split('/').slice(1).join('/'))).toBeNull();
  });

  it('does not match a topic whose parameter is invalid or a wildcard', () => {
    for (const value of ['+', '#', 'Town-Hall', '-x']) {
      expect(row.match(row.template.replace(/\{\w+\}/g, value))).toBeNull();
    }
    expect(row.match(row.filter())).toBeNull();
  });

  it('encodes a valid payload and decodes it back, from bytes and from a string', () => {
    const bytes = row.encode(SAMPLES[name]);
    expect(Buffer.isBuffer(bytes)).toBe(true);
    const decoded: unknown = row.decode(bytes);
    expect(decoded).toEqual(row.payload.parse(SAMPLES[name]));
    expect(row.decode(bytes.toString('utf8'))).toEqual(decoded);
    expect(row.decode(new Uint8Array(bytes))).toEqual(decoded);
  });

  it('rejects non-JSON payloads with PAYLOAD_NOT_JSON', () => {
    for (const raw of ['', '{', 'not json', "{'a':1}", '{"a":1,}', 'undefined']) {
      expectProtocolError(() => row.decode(raw), 'PAYLOAD_NOT_JSON');
    }
    expectProtocolError(() => row.decode(Buffer.from([0x7b, 0xff, 0xfe])), 'PAYLOAD_NOT_JSON');
  });

  it('rejects JSON that breaks the schema with PAYLOAD_INVALID and lists the issues', () => {
    for (const raw of ['null', '1', '"x"', '[]', '{}', 'true']) {
      expectProtocolError(() => row.decode(raw), 'PAYLOAD_INVALID');
    }
    const withExtra = JSON.stringify({ ...SAMPLES[name], smuggled: 1 });
    const err = expectProtocolError(() => row.decode(withExtra), 'PAYLOAD_INVALID');
    const issues = err.details.issues;
    expect(Array.isArray(issues) && issues.length > 0).toBe(true);
  });

  it('refuses to encode an invalid payload', () => {
    const bad = { ...SAMPLES[name], smuggled: 1 } as z.input<typeof row.payload>;
    expectProtocolError(() => row.encode(bad), 'PAYLOAD_INVALID');
    expectProtocolError(() => row.encode({}), 'PAYLOAD_INVALID');
  });
});

describe('decode and encode details', () => {
  it('reports the path of each schema issue', () => {
    const raw = JSON.stringify({ ...SAMPLES.telemetry, seq: -1, values: { 'Bad-Name': 1 } });
    const err = expectProtocolError(() => TOPICS.telemetry.decode(raw), 'PAYLOAD_INVALID');
    const paths = (err.details.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toContain('seq');
    expect(paths.some((p) => p.startsWith('values'))).toBe(true);
  });

  it('applies schema defaults on decode and sends them on encode', () => {
    const withoutArgs = { id: 'cmd-0002', issuedAt: AT, expiresAt: LATER, issuedBy: 'cloud' };
    expect(TOPICS.command.decode(JSON.stringify(withoutArgs)).args).toEqual({});
    const sent: unknown = JSON.parse(TOPICS.command.encode(withoutArgs).toString('utf8'));
    expect(sent).toMatchObject({ args: {} });
  });

  it('refuses an expired-at-issue command on both sides', () => {
    const bad = { ...SAMPLES.command, expiresAt: SAMPLES.command.issuedAt };
    expectProtocolError(() => TOPICS.command.encode(bad), 'PAYLOAD_INVALID');
    expectProtocolError(() => TOPICS.command.decode(JSON.stringify(bad)), 'PAYLOAD_INVALID');
  });

  it('carries the HTTP status of its code', () => {
    const err = expectProtocolError(() => TOPICS.status.decode('{'), 'PAYLOAD_NOT_JSON');
    expect(err.httpStatus).toBe(400);
    expect(err.name).toBe('ProtocolError');
  });
});

describe('defineTopic', () => {
  const spec = {
    name: 'probe',
    summary: 'test row',
    params: { site: SiteId },
    payload: StatusPayload,
    direction: 'edge-to-cloud',
    qos: 1,
    retain: false,
    publishers: ['device'],
    subscribers: ['cloud'],
  } as const;

  it('rejects templates with wildcards, empty levels or unknown parameters', () => {
    for (const template of ['a/+/b', 'a/#', 'a//b', '/a', 'a/{site}x', 'a/{other}']) {
      expect(() => defineTopic({ ...spec, template })).toThrow();
    }
  });

  it('accepts a template whose parameters all have schemas', () => {
    const row = defineTopic({ ...spec, template: 'probe/{site}' });
    expect(row.segments).toEqual([
      { kind: 'literal', value: 'probe' },
      { kind: 'param', name: 'site' },
    ]);
  });

  it('uses one identifier pattern that cannot express a topic level separator or wildcard', () => {
    for (const ch of ['/', '+', '#', '$', '\0'])
      expect(SEGMENT_PATTERN.test(`a${ch}b`)).toBe(false);
  });
});
