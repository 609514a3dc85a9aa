import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/test-database.js';
import { createConfigTestApp, type ConfigTestApp } from './device-config-test-app.js';

describe.each(DIALECTS)('local-only keys a device ignored (%s)', (dialect) => {
  let c: ConfigTestApp | undefined;
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  it('shows the keys each module lists in its reported state, sorted, until it lists none', async () => {
    const app = (c = await createConfigTestApp(dialect));
    await app.put({ config: { modules: { lighting: { failsafe: { level: 0 } } } } });
    await app.dispatch([
      app.reported({
        configVersion: 1,
        modules: {
          lighting: { zones: 2, ignoredKeys: ['zoneNodes', 'failsafe'] },
          locker: { boxes: 12, ignoredKeys: ['boards'] },
          metering: { meters: 1 },
        },
      }),
    ]);
    expect(await app.get()).toMatchObject({
      reported: {
        configVersion: 1,
        ignoredKeys: { lighting: ['failsafe', 'zoneNodes'], locker: ['boards'] },
      },
      // Ignored keys are no rejection: the version runs.
      inSync: true,
    });

    // Kept across an API restart: it is in the database.
    await app.restart();
    expect((await app.get()).reported?.ignoredKeys).toEqual({
      lighting: ['failsafe', 'zoneNodes'],
      locker: ['boards'],
    });

    // The next version no longer sets them: the same version number would be "nothing new".
    await app.put({ config: { modules: { lighting: {} } } });
    await app.t.clock.advance(1_000);
    await app.dispatch([app.reported({ configVersion: 2, modules: { lighting: { zones: 2 } } })]);
    expect((await app.get()).reported).toMatchObject({ configVersion: 2, ignoredKeys: {} });
  });

  it('is empty for a state without ignored keys, and skips a malformed list', async () => {
    const app = (c = await createConfigTestApp(dialect));
    await app.put({ config: {} });
    await app.dispatch([app.reported({ configVersion: 1 })]);
    expect((await app.get()).reported?.ignoredKeys).toEqual({});

    await app.t.clock.advance(1_000);
    await app.dispatch([
      app.reported({
        configVersion: 1,
        modules: { lighting: { ignoredKeys: 'failsafe' }, locker: { ignoredKeys: [42] } },
      }),
    ]);
    expect(await app.get()).toMatchObject({ reported: { ignoredKeys: {} }, inSync: true });
  });

  it('stores a report again when only its ignored keys changed', async () => {
    const app = (c = await createConfigTestApp(dialect));
    await app.put({ config: {} });
    const at = '2026-11-25T12:00:00.000Z';
    await app.dispatch([app.reported({ configVersion: 1, at })]);
    await app.t.clock.advance(1_000);
    await app.dispatch([
      app.reported({ configVersion: 1, at, modules: { locker: { ignoredKeys: ['maxOpenMs'] } } }),
    ]);
    expect((await app.get()).reported?.ignoredKeys).toEqual({ locker: ['maxOpenMs'] });
  });
});
