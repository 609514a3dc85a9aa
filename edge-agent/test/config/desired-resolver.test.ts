import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { desiredConfigSchema } from '../../src/config/desired-config.js';
import { DesiredResolver } from '../../src/config/desired-resolver.js';

// A pump on a serial line: its port and its speed cap are the site's, its speed the cloud's.
const pump = {
  name: 'pump',
  configSchema: z
    .strictObject({
      port: z.string().min(1),
      maxRpm: z.int().min(1).default(1_000),
      rpm: z.int().min(0).default(100),
    })
    .refine((p) => p.rpm <= p.maxRpm, { error: 'a cap >= rpm', path: ['maxRpm'] }),
};
const clock = { name: 'clock', configSchema: z.strictObject({ tz: z.string().default('UTC') }) };

const resolver = (written: unknown = { port: '/dev/ttyUSB0' }) =>
  new DesiredResolver(desiredConfigSchema([pump, clock]), {
    pump: { written, keys: ['port', 'maxRpm'] },
    clock: { written: {}, keys: [] },
  });

describe('DesiredResolver: a desired config over site.yaml’s local-only keys', () => {
  it('runs the cloud’s section with site.yaml’s wiring when the cloud sends none', () => {
    expect(resolver().resolve({ modules: { pump: { rpm: 300 } } })).toEqual({
      ok: true,
      config: { modules: { pump: { port: '/dev/ttyUSB0', maxRpm: 1_000, rpm: 300 } } },
      ignored: {},
    });
  });

  it('keeps site.yaml’s value of a local-only key the cloud changes, and says which', () => {
    const r = resolver().resolve({ modules: { pump: { maxRpm: 5_000, port: '/dev/ttyS9' } } });
    expect(r).toEqual({
      ok: true,
      config: { modules: { pump: { port: '/dev/ttyUSB0', maxRpm: 1_000, rpm: 100 } } },
      ignored: { pump: ['port', 'maxRpm'] },
    });
  });

  it('takes a default spelled out (site.yaml writes no cap) for no conflict', () => {
    const r = resolver().resolve({ modules: { pump: { maxRpm: 1_000, port: '/dev/ttyUSB0' } } });
    expect(r.ok && r.ignored).toEqual({});
  });

  it('ignores, rather than refuses, a local-only value that would not even be valid', () => {
    expect(resolver().resolve({ modules: { pump: { port: 42, rpm: 10 } } })).toMatchObject({
      ok: true,
      ignored: { pump: ['port'] },
    });
  });

  it('refuses a cloud section that does not fit site.yaml’s keys, naming where the value is from', () => {
    const r = resolver({ port: '/dev/ttyUSB0', maxRpm: 200 }).resolve({
      modules: { pump: { rpm: 300 }, clock: { tz: 7 } },
    });
    expect(r).toEqual({
      ok: false,
      reason:
        'modules.pump.maxRpm: expected a cap >= rpm, found 200 ' +
        "(modules.pump.maxRpm is local-only: site.yaml's value); " +
        'modules.clock.tz: expected a string, found 7',
    });
  });

  it('still refuses what is wrong in the cloud’s own keys and unknown modules', () => {
    const r = resolver().resolve({ modules: { pump: { rpm: -1 }, locker: {} } });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(/^modules\.pump\.rpm: expected a number >= 0, found -1; /);
  });

  it('lets a module without local-only keys be set whole by the cloud', () => {
    expect(resolver().resolve({ modules: { clock: { tz: 'Europe/Paris' } } })).toEqual({
      ok: true,
      config: { modules: { clock: { tz: 'Europe/Paris' } } },
      ignored: {},
    });
  });
});
