import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TOPICS } from '@hameau/protocol';
import type { AgentEvents, ModuleFailedEvent } from '../../src/runtime/agent-events.js';
import {
  defineCommand,
  defineModule,
  type ModuleContext,
  type ModuleInstance,
} from '../../src/runtime/agent-module.js';
import { EventBus } from '../../src/runtime/event-bus.js';
import { ModuleHost } from '../../src/runtime/module-host.js';
import { ModuleRegistry } from '../../src/runtime/module-registry.js';
import { OutboxWriter } from '../../src/runtime/outbox-writer.js';
import { AgentState } from '../../src/store/agent-state.js';
import { AGENT, harness, type Harness } from './harness.js';

const never = () => new Promise<void>(() => undefined);

/** A module that records its lifecycle in `calls` and behaves as `parts` says. */
function fake(
  name: string,
  calls: string[],
  parts: Partial<ModuleInstance> & { create?: (ctx: ModuleContext<unknown>) => void } = {},
) {
  return defineModule({
    name,
    configSchema: z.unknown(),
    create(ctx) {
      parts.create?.(ctx);
      calls.push(`create ${name}`);
      return {
        start: async () => {
          calls.push(`start ${name}`);
          await parts.start?.();
        },
        stop: async () => {
          calls.push(`stop ${name}`);
          await parts.stop?.();
        },
        ...(parts.commands && { commands: parts.commands }),
      };
    },
  });
}

function setup(
  h: Harness,
  modules: ReturnType<typeof fake>[],
  timeouts: { startTimeoutMs?: number; stopTimeoutMs?: number } = {},
) {
  const bus = new EventBus<AgentEvents>(h.log);
  const failed: ModuleFailedEvent[] = [];
  bus.on('moduleFailed', (e) => failed.push(e));
  const host = new ModuleHost({
    agent: AGENT,
    clock: h.clock,
    log: h.log,
    outbox: h.outbox,
    writer: new OutboxWriter(h.outbox, AGENT),
    bus,
    state: new AgentState(h.db),
    registry: new ModuleRegistry(modules),
    modules: Object.fromEntries(modules.map((m) => [m.name, { for: m.name }])),
    ...timeouts,
  });
  return { host, bus, failed };
}

/** The events in the outbox, decoded. */
const events = (h: Harness) =>
  h
    .entries()
    .filter((e) => e.kind === 'event')
    .map((e) => ({
      ...TOPICS.event.match(e.topic),
      critical: e.critical,
      ...TOPICS.event.decode(e.payload),
    }));

describe('ModuleHost', () => {
  it('starts modules in config order and stops them in reverse', async () => {
    const h = harness();
    const calls: string[] = [];
    const { host } = setup(h, [fake('a', calls), fake('b', calls), fake('c', calls)]);
    await host.start();
    expect(host.status()).toEqual({
      a: { state: 'running' },
      b: { state: 'running' },
      c: { state: 'running' },
    });
    await host.stop();
    expect(calls).toEqual([
      'create a',
      'start a',
      'create b',
      'start b',
      'create c',
      'start c',
      'stop c',
      'stop b',
      'stop a',
    ]);
    expect(host.status()['a']).toEqual({ state: 'stopped' });
  });

  it('isolates a module whose start throws: logged, alarm event, the others run', async () => {
    const h = harness();
    const calls: string[] = [];
    const { host, failed } = setup(h, [
      fake('a', calls),
      fake('b', calls, {
        start: () => Promise.reject(new Error('cannot open /dev/ttyUSB0')),
      }),
      fake('c', calls),
    ]);
    await host.start();
    expect(host.status()).toEqual({
      a: { state: 'running' },
      b: { state: 'failed', reason: 'start failed: cannot open /dev/ttyUSB0' },
      c: { state: 'running' },
    });
    expect(failed).toEqual([{ module: 'b', reason: 'start failed: cannot open /dev/ttyUSB0' }]);
    expect(events(h)).toEqual([
      expect.objectContaining({
        site: 'gare',
        device: 'lockers',
        type: 'module-failed',
        severity: 'alarm',
        subject: 'b',
        critical: true,
        historical: false,
        data: { module: 'b', reason: 'start failed: cannot open /dev/ttyUSB0' },
      }),
    ]);
    expect(h.lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        module: 'b',
        msg: 'module failed; others keep running',
      }),
    );
    // Its stop still runs: it may hold part of what it acquired.
    await host.stop();
    expect(calls.slice(-3)).toEqual(['stop c', 'stop b', 'stop a']);
    expect(host.status()['b']?.state).toBe('failed');
  });

  it('isolates a module whose create throws', async () => {
    const h = harness();
    const calls: string[] = [];
    const { host } = setup(h, [
      fake('a', calls, {
        create: () => {
          throw new Error('bad wiring');
        },
      }),
      fake('b', calls),
    ]);
    await host.start();
    expect(host.status()).toEqual({
      a: { state: 'failed', reason: 'create failed: bad wiring' },
      b: { state: 'running' },
    });
    await host.stop();
    expect(calls).toEqual(['create b', 'start b', 'stop b']);
  });

  it('fails a module whose start hangs past the start timeout, and goes on', async () => {
    const h = harness();
    const calls: string[] = [];
    const { host } = setup(h, [fake('a', calls, { start: never }), fake('b', calls)], {
      startTimeoutMs: 5_000,
    });
    const started = host.start();
    await h.clock.advance(4_999);
    expect(host.status()['a']?.state).toBe('starting');
    expect(calls).not.toContain('start b');
    await h.clock.advance(1);
    await started;
    expect(host.status()).toEqual({
      a: { state: 'failed', reason: 'start did not finish within 5 s' },
      b: { state: 'running' },
    });
    await host.stop();
  });

  it('abandons a module whose stop hangs past the stop timeout, and stops the rest', async () => {
    const h = harness();
    const calls: string[] = [];
    const { host } = setup(h, [fake('a', calls), fake('b', calls, { stop: never })], {
      stopTimeoutMs: 2_000,
    });
    await host.start();
    let done = false;
    const stopping = host.stop().then(() => {
      done = true;
    });
    // Lets stop() reach the hanging module (it first waits for start to have settled).
    await h.clock.advance(0);
    await h.clock.advance(1_999);
    expect(done).toBe(false);
    expect(calls).not.toContain('stop a');
    await h.clock.advance(1);
    await stopping;
    expect(calls.slice(-2)).toEqual(['stop b', 'stop a']);
    expect(h.lines).toContainEqual(
      expect.objectContaining({ level: 40, module: 'b', msg: 'module stop timed out; abandoned' }),
    );
    // No timer is left behind.
    expect(h.clock.pending).toBe(0);
  });

  it('logs a throwing stop and still stops the others', async () => {
    const h = harness();
    const calls: string[] = [];
    const { host } = setup(h, [
      fake('a', calls),
      fake('b', calls, { stop: () => Promise.reject(new Error('port busy')) }),
    ]);
    await host.start();
    await host.stop();
    expect(calls.slice(-2)).toEqual(['stop b', 'stop a']);
    expect(h.lines).toContainEqual(
      expect.objectContaining({ level: 50, module: 'b', msg: 'module stop failed' }),
    );
  });

  it('offers the commands of running modules only, and refuses a command name taken twice', async () => {
    const h = harness();
    const calls: string[] = [];
    const ping = defineCommand({ args: z.object({}), run: () => Promise.resolve({ pong: true }) });
    const { host } = setup(h, [
      fake('a', calls, { commands: { ping } }),
      fake('b', calls, { commands: { ping } }),
      fake('c', calls, {
        commands: { unlock: ping },
        start: () => Promise.reject(new Error('no board')),
      }),
    ]);
    await host.start();
    expect(host.lookup('ping')).toEqual({ kind: 'found', module: 'a', handler: ping });
    expect(host.status()['b']).toEqual({
      state: 'failed',
      reason: 'command ping is already provided by module a',
    });
    expect(host.lookup('unlock')).toEqual({ kind: 'unavailable', module: 'c', state: 'failed' });
    expect(host.lookup('reboot')).toEqual({ kind: 'unknown' });
    await host.stop();
    expect(host.lookup('ping')).toMatchObject({ kind: 'unavailable', state: 'stopped' });
  });

  it('gives each module one context: its config, a labelled logger, report and emit', async () => {
    const h = harness();
    const calls: string[] = [];
    let ctx: ModuleContext<unknown> | undefined;
    const { host } = setup(h, [
      fake('meters', calls, {
        create: (c) => {
          ctx = c;
        },
      }),
    ]);
    await host.start();
    if (ctx === undefined) throw new Error('module not created');
    expect(ctx.config).toEqual({ for: 'meters' });
    expect(ctx.agent).toEqual(AGENT);

    ctx.log.info('hello');
    expect(h.lines).toContainEqual(
      expect.objectContaining({ module: 'meters', site: 'gare', device: 'lockers', msg: 'hello' }),
    );

    ctx.report(
      'energy',
      'meter-1',
      { power_w: 1200, energy_import_kwh: null },
      {
        energy_import_kwh: 'timeout',
      },
    );
    ctx.emit('door-opened', 'info', 'box-3', { by: 'resident' });
    ctx.emit('lamp-failure', 'alarm', undefined, {});
    const [telemetry, ...rest] = h.entries();
    expect(telemetry?.topic).toBe(
      TOPICS.telemetry.build({ site: 'gare', device: 'lockers', stream: 'energy' }),
    );
    expect(TOPICS.telemetry.decode(telemetry?.payload ?? '')).toEqual({
      seq: 1,
      at: '2026-01-01T00:00:00.000Z',
      historical: false,
      source: 'meter-1',
      values: { power_w: 1200, energy_import_kwh: null },
      missing: { energy_import_kwh: 'timeout' },
    });
    expect(rest.map((e) => [e.topic.split('/').at(-1), e.critical])).toEqual([
      ['door-opened', false],
      ['lamp-failure', true],
    ]);
    // A payload the protocol refuses fails in the module that built it.
    expect(() => {
      ctx?.report('energy', 'meter-1', { 'Bad Name': 1 });
    }).toThrow(/payload does not match schema/);
    await host.stop();
  });

  it('tells a module of a change to its own configuration only', async () => {
    const h = harness();
    const calls: string[] = [];
    const seen: unknown[] = [];
    const { host, bus } = setup(h, [
      fake('lighting', calls, {
        create: (c) => {
          c.onConfigChanged((config, version) => seen.push({ config, version }));
        },
      }),
    ]);
    await host.start();
    bus.emit('configChanged', { version: 2, modules: { lighting: { for: 'lighting' } } });
    bus.emit('configChanged', { version: 3, modules: { lighting: { dim: 50 } } });
    bus.emit('configChanged', { version: 4, modules: { lighting: { dim: 50 }, other: {} } });
    expect(seen).toEqual([{ config: { dim: 50 }, version: 3 }]);
    await host.stop();
  });
});
