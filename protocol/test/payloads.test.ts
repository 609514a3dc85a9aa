import { describe, expect, it } from 'vitest';
import { CommandId, CommandPayload, CommandResultPayload } from '../src/payloads/command.js';
import { Seq, Timestamp } from '../src/payloads/common.js';
import { DesiredConfigPayload, ReportedStatePayload } from '../src/payloads/config.js';
import { EventPayload } from '../src/payloads/event.js';
import { IngestedPayload, MAX_INGESTED_RANGES } from '../src/payloads/ingested.js';
import { StatusPayload } from '../src/payloads/status.js';
import { TelemetryPayload } from '../src/payloads/telemetry.js';

const AT = '2026-11-25T21:00:00.000Z';
const LATER = '2026-11-25T21:00:30.000Z';
const ENVELOPE = { seq: 7, at: AT, historical: false };

function issuePaths(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) {
  return (result.error?.issues ?? []).map((i) => i.path.map(String).join('.'));
}

describe('Timestamp', () => {
  it.each(['2026-11-25T21:00:00Z', AT, '2026-11-25T21:00:00.123456Z', '2028-02-29T00:00:00Z'])(
    'accepts UTC ISO 8601 %s',
    (t) => {
      expect(Timestamp.safeParse(t).success).toBe(true);
    },
  );

  it.each([
    '2026-11-25T21:00:00',
    '2026-11-25T21:00:00+01:00',
    '2026-11-25T21:00:00+00:00',
    '2026-11-25 21:00:00Z',
    '2026-11-25',
    '2026-02-30T00:00:00Z',
    '2027-02-29T00:00:00Z',
    '1764104400000',
    '',
  ])('rejects %j (local time, offsets, impossible dates, epochs)', (t) => {
    expect(Timestamp.safeParse(t).success).toBe(false);
  });
});

describe('Seq', () => {
  it.each([0, 1, Number.MAX_SAFE_INTEGER])('accepts %d', (n) => {
    expect(Seq.safeParse(n).success).toBe(true);
  });

  it.each([-1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Infinity, '1'])('rejects %j', (n) => {
    expect(Seq.safeParse(n).success).toBe(false);
  });
});

describe('StatusPayload', () => {
  it('accepts a birth and a will', () => {
    expect(StatusPayload.parse({ state: 'online', session: 0, at: AT, kind: 'meters' })).toEqual({
      state: 'online',
      session: 0,
      at: AT,
      kind: 'meters',
    });
    const will = { state: 'offline', session: 4, at: AT, kind: 'lighting', reason: 'will' };
    expect(StatusPayload.safeParse(will).success).toBe(true);
  });

  it.each([
    ['an unknown state', { state: 'sleeping' }],
    ['a negative session', { session: -1 }],
    ['a fractional session', { session: 1.5 }],
    ['an unknown kind', { kind: 'toaster' }],
    ['an unknown reason', { reason: 'crash' }],
    ['an empty version', { version: '' }],
    ['an extra field', { extra: true }],
  ])('rejects %s', (_what, patch) => {
    const base = { state: 'online', session: 1, at: AT, kind: 'locker' };
    expect(StatusPayload.safeParse({ ...base, ...patch }).success).toBe(false);
  });
});

describe('TelemetryPayload', () => {
  const base = { ...ENVELOPE, source: 'meter-1', values: { power_w: 12.5 } };

  it('accepts null readings with their reason', () => {
    const t = { ...base, values: { power_w: null }, missing: { power_w: 'modbus timeout' } };
    expect(TelemetryPayload.parse(t)).toEqual(t);
  });

  it.each([
    ['no seq', { seq: undefined }],
    ['no historical flag', { historical: undefined }],
    ['a string historical flag', { historical: 'false' }],
    ['an infinite value', { values: { power_w: Infinity } }],
    ['a NaN value', { values: { power_w: Number.NaN } }],
    ['a string value', { values: { power_w: '12' } }],
    ['an upper-case quantity', { values: { Power: 1 } }],
    ['a quantity starting with a digit', { values: { '1x': 1 } }],
    ['a dashed quantity', { values: { 'power-w': 1 } }],
    ['an empty missing reason', { missing: { power_w: '' } }],
    ['an empty source', { source: '' }],
    ['an extra field', { device: 'locker-1' }],
  ])('rejects %s', (_what, patch) => {
    expect(TelemetryPayload.safeParse({ ...base, ...patch }).success).toBe(false);
  });
});

describe('EventPayload', () => {
  it('defaults data to an empty object', () => {
    expect(EventPayload.parse({ ...ENVELOPE, severity: 'info' }).data).toEqual({});
  });

  it('rejects an unknown severity and extra fields', () => {
    expect(EventPayload.safeParse({ ...ENVELOPE, severity: 'panic' }).success).toBe(false);
    expect(EventPayload.safeParse({ ...ENVELOPE, severity: 'info', x: 1 }).success).toBe(false);
  });
});

describe('CommandPayload', () => {
  const base = { id: 'cmd-0001', issuedAt: AT, expiresAt: LATER, issuedBy: 'alice' };

  it('accepts a command and defaults args', () => {
    expect(CommandPayload.parse(base)).toEqual({ ...base, args: {} });
    expect(CommandPayload.parse({ ...base, args: { box: 3 } }).args).toEqual({ box: 3 });
  });

  it('rejects expiresAt equal to issuedAt, on the expiresAt path', () => {
    const r = CommandPayload.safeParse({ ...base, expiresAt: AT });
    expect(r.success).toBe(false);
    expect(issuePaths(r)).toEqual(['expiresAt']);
  });

  it('rejects expiresAt before issuedAt', () => {
    const r = CommandPayload.safeParse({ ...base, issuedAt: LATER, expiresAt: AT });
    expect(issuePaths(r)).toEqual(['expiresAt']);
  });

  it('accepts an expiry one millisecond after issue', () => {
    const r = CommandPayload.safeParse({ ...base, expiresAt: '2026-11-25T21:00:00.001Z' });
    expect(r.success).toBe(true);
  });

  it.each([
    ['a short id', { id: 'abc' }],
    ['an id with a slash', { id: 'cmd/00001' }],
    ['a 65-character id', { id: 'x'.repeat(65) }],
    ['an empty issuer', { issuedBy: '' }],
    ['a local-time expiry', { expiresAt: '2026-11-25T22:00:00' }],
    ['array args', { args: [1] }],
    ['an extra field', { priority: 1 }],
  ])('rejects %s', (_what, patch) => {
    expect(CommandPayload.safeParse({ ...base, ...patch }).success).toBe(false);
  });

  it('bounds command ids to 8-64 url-safe characters', () => {
    expect(CommandId.safeParse('a'.repeat(8)).success).toBe(true);
    expect(CommandId.safeParse('a'.repeat(64)).success).toBe(true);
    expect(CommandId.safeParse('a'.repeat(7)).success).toBe(false);
  });
});

describe('CommandResultPayload', () => {
  const base = { ...ENVELOPE, id: 'cmd-0001', name: 'unlock' };

  it('parses the ok branch with default data', () => {
    const r = CommandResultPayload.parse({ ...base, status: 'ok' });
    expect(r).toEqual({ ...base, status: 'ok', data: {} });
  });

  it('parses the error branch and narrows on status', () => {
    const r = CommandResultPayload.parse({
      ...base,
      status: 'error',
      error: { code: 'EXPIRED', message: 'expired 3 s ago' },
    });
    if (r.status !== 'error') throw new Error('expected the error branch');
    expect(r.error.code).toBe('EXPIRED');
  });

  it.each([
    ['an unknown status', { status: 'maybe' }],
    ['no status', {}],
    ['an error without its error object', { status: 'error' }],
    ['an ok result carrying an error', { status: 'ok', error: { code: 'EXPIRED', message: '' } }],
    [
      'an error result carrying data',
      {
        status: 'error',
        error: { code: 'EXPIRED', message: '' },
        data: {},
      },
    ],
    ['an unknown error code', { status: 'error', error: { code: 'OOPS', message: '' } }],
    ['an error without a message', { status: 'error', error: { code: 'TIMEOUT' } }],
    [
      'an error message over 500 characters',
      {
        status: 'error',
        error: { code: 'TIMEOUT', message: 'x'.repeat(501) },
      },
    ],
  ])('rejects %s', (_what, patch) => {
    expect(CommandResultPayload.safeParse({ ...base, ...patch }).success).toBe(false);
  });

  it('rejects a result without the outbox envelope', () => {
    expect(
      CommandResultPayload.safeParse({ id: 'cmd-0001', name: 'x', status: 'ok' }).success,
    ).toBe(false);
  });
});

describe('DesiredConfigPayload and ReportedStatePayload', () => {
  it('accepts a versioned desired config and rejects version 0 or a missing config', () => {
    const c = { version: 1, issuedAt: AT, config: {} };
    expect(DesiredConfigPayload.parse(c)).toEqual(c);
    expect(DesiredConfigPayload.safeParse({ ...c, version: 0 }).success).toBe(false);
    expect(DesiredConfigPayload.safeParse({ ...c, version: 1.5 }).success).toBe(false);
    expect(DesiredConfigPayload.safeParse({ version: 1, issuedAt: AT }).success).toBe(false);
  });

  it('accepts a null config version before any config and reports rejections', () => {
    expect(ReportedStatePayload.parse({ at: AT, configVersion: null })).toEqual({
      at: AT,
      configVersion: null,
      modules: {},
    });
    const rejected = { at: AT, configVersion: 2, rejected: { version: 3, reason: 'bad zone' } };
    expect(ReportedStatePayload.safeParse(rejected).success).toBe(true);
  });

  it('requires configVersion to be present and modules to be objects', () => {
    expect(ReportedStatePayload.safeParse({ at: AT }).success).toBe(false);
    expect(ReportedStatePayload.safeParse({ at: AT, configVersion: 0 }).success).toBe(false);
    const modules = { at: AT, configVersion: 1, modules: { locker: 3 } };
    expect(ReportedStatePayload.safeParse(modules).success).toBe(false);
  });
});

describe('CommandResultPayload accepted', () => {
  const base = { ...ENVELOPE, id: 'cmd-0001', name: 'unlock' };

  it('parses the acknowledgement with the envelope, id and name only', () => {
    const r = CommandResultPayload.parse({ ...base, status: 'accepted' });
    expect(r).toEqual({ ...base, status: 'accepted' });
  });

  it.each([
    ['data', { data: {} }],
    ['an error', { error: { code: 'EXPIRED', message: '' } }],
    ['no id', { id: undefined }],
    ['no seq', { seq: undefined }],
  ])('rejects an acknowledgement carrying %s', (_what, patch) => {
    expect(CommandResultPayload.safeParse({ ...base, status: 'accepted', ...patch }).success).toBe(
      false,
    );
  });
});

describe('IngestedPayload', () => {
  const base = {
    at: AT,
    session: 3,
    seen: [[1, 10] as const, [12, 12] as const, [15, 20] as const],
  };

  it('accepts sorted, disjoint, inclusive ranges and none at all', () => {
    expect(IngestedPayload.parse(base)).toEqual({
      at: AT,
      session: 3,
      seen: [
        [1, 10],
        [12, 12],
        [15, 20],
      ],
    });
    expect(IngestedPayload.safeParse({ ...base, seen: [] }).success).toBe(true);
    expect(IngestedPayload.safeParse({ ...base, session: 0 }).success).toBe(true);
  });

  it(`accepts ${String(MAX_INGESTED_RANGES)} ranges and refuses one more`, () => {
    const ranges = (n: number) => Array.from({ length: n }, (_, i) => [i * 3, i * 3 + 1]);
    expect(IngestedPayload.safeParse({ ...base, seen: ranges(MAX_INGESTED_RANGES) }).success).toBe(
      true,
    );
    const over = IngestedPayload.safeParse({ ...base, seen: ranges(MAX_INGESTED_RANGES + 1) });
    expect(issuePaths(over)).toEqual(['seen']);
  });

  it.each([
    ['a reversed range', [[5, 4]]],
    [
      'unsorted ranges',
      [
        [10, 12],
        [1, 5],
      ],
    ],
    [
      'overlapping ranges',
      [
        [1, 5],
        [5, 8],
      ],
    ],
    ['a range of one number', [[1]]],
    ['a range of three numbers', [[1, 2, 3]]],
    ['a negative seq', [[-1, 2]]],
    ['a fractional seq', [[1, 2.5]]],
    ['an unsafe seq', [[1, Number.MAX_SAFE_INTEGER + 1]]],
    ['a string seq', [['1', 2]]],
  ])('rejects %s', (_what, seen) => {
    expect(IngestedPayload.safeParse({ ...base, seen }).success).toBe(false);
  });

  it.each([
    ['no at', { at: undefined }],
    ['a local-time at', { at: '2026-11-25T21:00:00' }],
    ['no session', { session: undefined }],
    ['a negative session', { session: -1 }],
    ['no ranges', { seen: undefined }],
    ['an extra field', { upTo: 20 }],
  ])('rejects %s', (_what, patch) => {
    expect(IngestedPayload.safeParse({ ...base, ...patch }).success).toBe(false);
  });
});
