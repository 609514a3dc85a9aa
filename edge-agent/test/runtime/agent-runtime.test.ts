import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ReportedStatePayload } from '@hameau/protocol';
import { parseAgentConfig } from '../../src/config/load-agent-config.js';
import { defineCommand, defineModule } from '../../src/runtime/agent-module.js';
import { AgentRuntime } from '../../src/runtime/agent-runtime.js';
import { ModuleRegistry } from '../../src/runtime/module-registry.js';
import { openAgentDb } from '../../src/store/agent-db.js';
import { useTempFolders } from '../config/temp-files.js';
import { commandResults, harness, type Harness } from './harness.js';

const folder = useTempFolders();

/** A lighting module whose configs (initial, then changes) are recorded in `seen`. */
function lightingModule(seen: unknown[]) {
  return defineModule({
    name: 'lighting',
    configSchema: z.strictObject({ dimPercent: z.int().min(0).max(100).default(100) }),
    create(ctx) {
      seen.push(ctx.config);
      ctx.onConfigChanged((config) => seen.push(config));
      return {
        start: () => Promise.resolve(),
        stop: () => Promise.resolve(),
        commands: {
          override: defineCommand({
            args: z.strictObject({ level: z.int().min(0).max(100) }),
            run: ({ level }) => Promise.resolve({ level, dim: ctx.config.dimPercent }),
          }),
        },
      };
    },
  });
}

const broken = defineModule({
  name: 'locker',
  configSchema: z.object({}),
  create: () => ({
    start: () => Promise.reject(new Error('no lock board on /dev/ttyUSB0')),
    stop: () => Promise.resolve(),
  }),
});

function runtime(h: Harness, seen: unknown[], published: ReportedStatePayload[]) {
  const registry = new ModuleRegistry([lightingModule(seen), broken]);
  const config = parseAgentConfig(
    `site: gare
device: lights
kind: lighting
mqtt: { url: 'mqtt://127.0.0.1:1883', password: 'x' }
modules:
  locker:
  lighting: { dimPercent: 80 }
`,
    '/etc/hameau/site.yaml',
    { modules: registry.list() },
  );
  return new AgentRuntime({
    config,
    registry,
    db: h.db,
    outbox: h.outbox,
    clock: h.clock,
    log: h.log,
    publishState: (s) => published.push(s),
  });
}

const command = (id: string, args: Record<string, unknown>) =>
  Buffer.from(
    JSON.stringify({
      id,
      issuedAt: '2025-12-31T23:59:59.000Z',
      expiresAt: '2026-01-01T00:01:00.000Z',
      issuedBy: 'cloud',
      args,
    }),
  );

describe('AgentRuntime', () => {
  it('wires modules, commands, desired config and the reported state together', async () => {
    const h = harness();
    const seen: unknown[] = [];
    const published: ReportedStatePayload[] = [];
    const rt = runtime(h, seen, published);
    await rt.start();

    expect(published.at(-1)).toEqual({
      at: '2026-01-01T00:00:00.000Z',
      configVersion: null,
      modules: {
        locker: { state: 'failed', reason: 'start failed: no lock board on /dev/ttyUSB0' },
        lighting: { state: 'running' },
      },
    });

    rt.onCommand('override', command('cmd-0000000001', { level: 30 }));
    await rt.dispatcher.settled();
    expect(commandResults(h).map((r) => (r.status === 'ok' ? r.data : r.status))).toEqual([
      'accepted',
      { level: 30, dim: 80 },
    ]);

    rt.onDesiredConfig(
      Buffer.from(
        JSON.stringify({
          version: 1,
          issuedAt: '2026-01-01T00:00:00.000Z',
          config: { modules: { lighting: { dimPercent: 40 } } },
        }),
      ),
    );
    expect(seen).toEqual([{ dimPercent: 80 }, { dimPercent: 40 }]);
    expect(published.at(-1)?.configVersion).toBe(1);

    await rt.stop();
    expect(rt.host.status()['lighting']).toEqual({ state: 'stopped' });
  });

  it('starts modules with the desired configuration persisted before a restart', async () => {
    const path = join(folder({}), 'agent.db');
    const first = harness(openAgentDb(path));
    const rt1 = runtime(first, [], []);
    await rt1.start();
    rt1.onDesiredConfig(
      Buffer.from(
        JSON.stringify({
          version: 2,
          issuedAt: '2026-01-01T00:00:00.000Z',
          config: { modules: { lighting: { dimPercent: 25 } } },
        }),
      ),
    );
    await rt1.stop();
    first.db.close();

    const second = harness(openAgentDb(path));
    const seen: unknown[] = [];
    const rt2 = runtime(second, seen, []);
    await rt2.start();
    expect(seen).toEqual([{ dimPercent: 25 }]);
    await rt2.stop();
    second.db.close();
  });
});
