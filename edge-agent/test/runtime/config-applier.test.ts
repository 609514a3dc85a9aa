import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ReportedStatePayload } from '@hameau/protocol';
import { desiredConfigSchema } from '../../src/config/desired-config.js';
import type { ModuleSchemaSource } from '../../src/config/module-schemas.js';
import type { AgentEvents, ConfigChangedEvent } from '../../src/runtime/agent-events.js';
import { ConfigApplier } from '../../src/runtime/config-applier.js';
import { EventBus } from '../../src/runtime/event-bus.js';
import { openAgentDb } from '../../src/store/agent-db.js';
import { AgentState } from '../../src/store/agent-state.js';
import { useTempFolders } from '../config/temp-files.js';
import { harness, type Harness } from './harness.js';

const folder = useTempFolders();

const lighting = {
  name: 'lighting',
  configSchema: z.strictObject({
    dimPercent: z.int().min(0).max(100).default(100),
    apiToken: z.string().min(8).optional(),
  }),
};
const metering = {
  name: 'metering',
  configSchema: z.strictObject({ pollSeconds: z.int().min(1).default(10) }),
};
const BASE = { metering: { pollSeconds: 10 }, lighting: { dimPercent: 100 } };

function setup(h: Harness, schemaModules: readonly ModuleSchemaSource[] = [metering, lighting]) {
  const bus = new EventBus<AgentEvents>(h.log);
  const changes: ConfigChangedEvent[] = [];
  bus.on('configChanged', (e) => changes.push(e));
  const published: ReportedStatePayload[] = [];
  const applier = new ConfigApplier({
    state: new AgentState(h.db),
    clock: h.clock,
    log: h.log,
    bus,
    schema: desiredConfigSchema(schemaModules),
    base: BASE,
    publishState: (s) => published.push(s),
    modulesState: () => ({ lighting: { state: 'running' } }),
  });
  return { applier, changes, published };
}

const desired = (version: number, config: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ version, issuedAt: '2026-01-01T00:00:00.000Z', config }));

describe('ConfigApplier', () => {
  it('applies a valid newer version: modules hear of it and the state reports it', () => {
    const h = harness();
    const { applier, changes, published } = setup(h);
    expect(applier.apply(desired(3, { modules: { lighting: { dimPercent: 60 } } }))).toBe(
      'applied',
    );
    expect(changes).toEqual([
      {
        version: 3,
        // Modules absent from the desired config keep their site.yaml configuration.
        modules: { metering: { pollSeconds: 10 }, lighting: { dimPercent: 60 } },
      },
    ]);
    expect(published).toEqual([
      {
        at: '2026-01-01T00:00:00.000Z',
        configVersion: 3,
        modules: { lighting: { state: 'running' } },
      },
    ]);
    expect(applier.version).toBe(3);
    expect(Object.keys(applier.effectiveModules())).toEqual(['metering', 'lighting']);
  });

  it('ignores the version in force and older ones (retained redeliveries)', () => {
    const h = harness();
    const { applier, changes, published } = setup(h);
    applier.apply(desired(5, { modules: { lighting: { dimPercent: 60 } } }));
    expect(applier.apply(desired(5, { modules: { lighting: { dimPercent: 10 } } }))).toBe(
      'ignored',
    );
    expect(applier.apply(desired(4, { modules: { lighting: { dimPercent: 20 } } }))).toBe(
      'ignored',
    );
    expect(changes).toHaveLength(1);
    expect(published).toHaveLength(1);
    expect(applier.effectiveModules()['lighting']).toEqual({ dimPercent: 60 });
  });

  it('rejects an invalid version, keeps the old one and reports every problem', () => {
    const h = harness();
    const { applier, changes, published } = setup(h);
    applier.apply(desired(1, { modules: { lighting: { dimPercent: 60 } } }));
    const outcome = applier.apply(
      desired(2, {
        modules: {
          lighting: { dimPercent: 150, apiToken: 'short' },
          metering: { pollSeconds: 'often' },
          locker: {},
        },
      }),
    );
    expect(outcome).toBe('rejected');
    expect(changes).toHaveLength(1);
    expect(applier.version).toBe(1);
    expect(applier.effectiveModules()['lighting']).toEqual({ dimPercent: 60 });
    expect(published.at(-1)).toEqual({
      at: '2026-01-01T00:00:00.000Z',
      configVersion: 1,
      rejected: {
        version: 2,
        reason: [
          'modules.lighting.dimPercent: expected a number <= 100, found 150',
          'modules.lighting.apiToken: expected at least 8 characters, found a value (hidden: it may be a secret)',
          'modules.metering.pollSeconds: expected a number, found "often"',
          'modules.locker: expected a module name (modules enabled in site.yaml: metering, lighting), found "locker"',
        ].join('; '),
      },
      modules: { lighting: { state: 'running' } },
    });
    expect(JSON.stringify(published)).not.toContain('short');
    // A later valid version clears the rejection.
    applier.apply(desired(3, { modules: {} }));
    expect(published.at(-1)).toEqual(
      expect.not.objectContaining({ rejected: expect.anything() as unknown }),
    );
    expect(published.at(-1)?.configVersion).toBe(3);
  });

  it('ignores a malformed message without a usable version', () => {
    const h = harness();
    const { applier, published } = setup(h);
    expect(applier.apply(Buffer.from('{"version": "seven"}'))).toBe('malformed');
    expect(applier.apply(Buffer.from('not json'))).toBe('malformed');
    expect(published).toEqual([]);
  });

  it('keeps the applied version and body across a restart', () => {
    const path = join(folder({}), 'agent.db');
    const first = harness(openAgentDb(path));
    setup(first).applier.apply(desired(7, { modules: { metering: { pollSeconds: 2 } } }));
    first.db.close();

    const second = harness(openAgentDb(path));
    const { applier, changes, published } = setup(second);
    expect(applier.version).toBe(7);
    expect(applier.effectiveModules()).toEqual({
      metering: { pollSeconds: 2 },
      lighting: { dimPercent: 100 },
    });
    applier.publishCurrent();
    expect(published[0]?.configVersion).toBe(7);
    // The retained copy of version 7 arrives again at connect: nothing to do.
    expect(applier.apply(desired(7, { modules: {} }))).toBe('ignored');
    expect(changes).toEqual([]);
    second.db.close();
  });

  it('falls back to site.yaml when the stored version no longer fits an updated module', () => {
    const path = join(folder({}), 'agent.db');
    const first = harness(openAgentDb(path));
    setup(first).applier.apply(desired(4, { modules: { metering: { pollSeconds: 2 } } }));
    first.db.close();

    const stricter = { ...metering, configSchema: z.strictObject({ pollMs: z.int() }) };
    const second = harness(openAgentDb(path));
    const { applier, published } = setup(second, [stricter, lighting]);
    expect(applier.effectiveModules()).toEqual(BASE);
    applier.publishCurrent();
    expect(published[0]).toMatchObject({
      configVersion: null,
      rejected: { version: 4, reason: expect.stringMatching(/^no longer valid/) as unknown },
    });
    // Only a newer version can replace it.
    expect(applier.apply(desired(4, { modules: {} }))).toBe('ignored');
    expect(applier.apply(desired(5, { modules: { metering: { pollMs: 500 } } }))).toBe('applied');
    second.db.close();
  });
});

describe('ConfigApplier with local-only keys', () => {
  // The lighting module of these tests with a site.yaml-only key: its API token.
  const local = (apiToken: string) => ({
    lighting: { written: { dimPercent: 100, apiToken }, keys: ['apiToken'] },
    metering: { written: {}, keys: [] },
  });
  const base = (apiToken: string) => ({ ...BASE, lighting: { dimPercent: 100, apiToken } });

  function setupLocal(h: Harness, apiToken = 'site-token-1') {
    const bus = new EventBus<AgentEvents>(h.log);
    const changes: ConfigChangedEvent[] = [];
    bus.on('configChanged', (e) => changes.push(e));
    const published: ReportedStatePayload[] = [];
    const applier = new ConfigApplier({
      state: new AgentState(h.db),
      clock: h.clock,
      log: h.log,
      bus,
      schema: desiredConfigSchema([metering, lighting]),
      base: base(apiToken),
      local: local(apiToken),
      publishState: (s) => published.push(s),
      modulesState: () => ({ lighting: { state: 'running' }, metering: { state: 'running' } }),
    });
    return { applier, changes, published };
  }

  it('applies a version that changes a local-only key with site.yaml’s value, and reports it', () => {
    const h = harness();
    const { applier, changes, published } = setupLocal(h);
    const config = { modules: { lighting: { dimPercent: 40, apiToken: 'cloud-token-9' } } };
    expect(applier.apply(desired(2, config))).toBe('applied');
    expect(changes).toEqual([
      {
        version: 2,
        modules: {
          metering: { pollSeconds: 10 },
          lighting: { dimPercent: 40, apiToken: 'site-token-1' },
        },
      },
    ]);
    expect(published).toEqual([
      {
        at: '2026-01-01T00:00:00.000Z',
        configVersion: 2,
        modules: {
          lighting: { state: 'running', ignoredKeys: ['apiToken'] },
          metering: { state: 'running' },
        },
      },
    ]);
    expect(applier.ignoredKeys).toEqual({ lighting: ['apiToken'] });
    // The warning names the key, never a value.
    const warning = h.lines.find((l) => l['msg']?.toString().includes('local-only'));
    expect(warning).toMatchObject({
      level: 40,
      version: 2,
      module: 'lighting',
      keys: ['apiToken'],
    });
    expect(h.logText()).not.toContain('cloud-token-9');

    // The next version leaves the key alone: nothing is reported any more.
    applier.apply(desired(3, { modules: { lighting: { dimPercent: 30 } } }));
    expect(published.at(-1)?.modules['lighting']).toEqual({ state: 'running' });
    expect(applier.effectiveModules()['lighting']).toEqual({
      dimPercent: 30,
      apiToken: 'site-token-1',
    });
  });

  it('keeps reporting what the version in force ignored while a newer one is rejected', () => {
    const h = harness();
    const { applier, published } = setupLocal(h);
    applier.apply(desired(2, { modules: { lighting: { apiToken: 'cloud-token-9' } } }));
    expect(applier.apply(desired(3, { modules: { lighting: { dimPercent: 500 } } }))).toBe(
      'rejected',
    );
    expect(published.at(-1)).toMatchObject({
      configVersion: 2,
      rejected: { version: 3 },
      modules: { lighting: { ignoredKeys: ['apiToken'] } },
    });
  });

  it('takes the local-only keys from site.yaml as it is at start, after a rewiring on site', () => {
    const path = join(folder({}), 'agent.db');
    const first = harness(openAgentDb(path));
    setupLocal(first, 'site-token-1').applier.apply(
      desired(5, { modules: { lighting: { dimPercent: 20 } } }),
    );
    first.db.close();

    const second = harness(openAgentDb(path));
    const { applier, published } = setupLocal(second, 'site-token-2');
    expect(applier.version).toBe(5);
    expect(applier.effectiveModules()['lighting']).toEqual({
      dimPercent: 20,
      apiToken: 'site-token-2',
    });
    applier.publishCurrent();
    expect(published[0]?.modules['lighting']).toEqual({ state: 'running' });
    second.db.close();
  });
});
