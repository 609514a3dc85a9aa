import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TOPICS } from '@hameau/protocol';
import { defineCommand, type CommandHandler } from '../../src/runtime/agent-module.js';
import { CommandDispatcher } from '../../src/runtime/command-dispatcher.js';
import { CommandError } from '../../src/runtime/command-error.js';
import type { CommandLookup } from '../../src/runtime/command-source.js';
import { OutboxWriter } from '../../src/runtime/outbox-writer.js';
import { openAgentDb } from '../../src/store/agent-db.js';
import { ExecutedCommands } from '../../src/store/executed-commands.js';
import { useTempFolders } from '../config/temp-files.js';
import { AGENT, commandResults, harness, type Harness } from './harness.js';

const folder = useTempFolders();
const PICKUP_CODE = '739154';
const RESULT_TOPIC = TOPICS.commandResult.build({ site: 'gare', device: 'lockers' });

/** An unlock handler that records its calls; `gate` holds it until resolved. */
function unlockHandler(calls: unknown[], behaviour?: () => Promise<Record<string, unknown>>) {
  return defineCommand({
    args: z.strictObject({ box: z.int().min(1), code: z.string().regex(/^\d{6}$/) }),
    run: (args, meta) => {
      calls.push({ args, meta });
      return behaviour ? behaviour() : Promise.resolve({ box: args.box, opened: true });
    },
  });
}

function setup(
  h: Harness,
  handlers: Record<string, CommandHandler>,
  lookup?: (name: string) => CommandLookup,
) {
  const dispatcher = new CommandDispatcher({
    db: h.db,
    executed: new ExecutedCommands(h.db, h.clock),
    writer: new OutboxWriter(h.outbox, AGENT),
    commands: {
      lookup:
        lookup ??
        ((name) => {
          const handler = handlers[name];
          return handler ? { kind: 'found', module: 'locker', handler } : { kind: 'unknown' };
        }),
    },
    clock: h.clock,
    log: h.log,
    runTimeoutMs: 10_000,
  });
  dispatcher.start();
  return dispatcher;
}

/** A command payload issued a second ago, valid for a minute. */
function command(h: Harness, fields: Record<string, unknown> = {}): Buffer {
  const now = h.clock.now();
  return Buffer.from(
    JSON.stringify({
      id: 'cmd-0000000001',
      issuedAt: new Date(now - 1_000).toISOString(),
      expiresAt: new Date(now + 60_000).toISOString(),
      issuedBy: 'tech-anna',
      args: { box: 3, code: PICKUP_CODE },
      ...fields,
    }),
  );
}

describe('CommandDispatcher', () => {
  it('acknowledges, runs a command and appends an ok result on cmd-result, schema-valid and critical', async () => {
    const h = harness();
    const calls: unknown[] = [];
    const d = setup(h, { unlock: unlockHandler(calls) });
    await d.handle('unlock', command(h));
    expect(calls).toEqual([
      {
        args: { box: 3, code: PICKUP_CODE },
        meta: { id: 'cmd-0000000001', issuedBy: 'tech-anna' },
      },
    ]);
    const envelope = {
      topic: RESULT_TOPIC,
      critical: true,
      at: '2026-01-01T00:00:00.000Z',
      historical: false,
      id: 'cmd-0000000001',
      name: 'unlock',
    };
    expect(commandResults(h)).toEqual([
      { ...envelope, seq: 1, status: 'accepted' },
      { ...envelope, seq: 2, status: 'ok', data: { box: 3, opened: true } },
    ]);
  });

  it('stores the acknowledgement durably before the handler runs', async () => {
    const h = harness();
    let seenWhileRunning: unknown[] = [];
    const executed = new ExecutedCommands(h.db, h.clock);
    const d = setup(h, {
      unlock: defineCommand({
        args: z.object({}).loose(),
        run: () => {
          seenWhileRunning = commandResults(h).map((r) => [r.id, r.status]);
          return Promise.resolve({ opened: true });
        },
      }),
    });
    await d.handle('unlock', command(h));
    expect(seenWhileRunning).toEqual([['cmd-0000000001', 'accepted']]);
    expect(executed.get('cmd-0000000001')?.outcome).toEqual({
      status: 'ok',
      data: { opened: true },
    });
  });

  it('sends no acknowledgement for a refusal, an expired command or a duplicate', async () => {
    const h = harness();
    const calls: unknown[] = [];
    const d = setup(h, { unlock: unlockHandler(calls) });
    const now = h.clock.now();
    await d.handle('reboot', command(h, { id: 'cmd-0000000001' }));
    await d.handle('unlock', command(h, { id: 'cmd-0000000002', args: { box: 0 } }));
    await d.handle(
      'unlock',
      command(h, {
        id: 'cmd-0000000003',
        issuedAt: new Date(now - 60_000).toISOString(),
        expiresAt: new Date(now - 1).toISOString(),
      }),
    );
    await d.handle('unlock', command(h, { id: 'cmd-0000000004' }));
    await d.handle('unlock', command(h, { id: 'cmd-0000000004' }));
    expect(calls).toHaveLength(1);
    expect(
      commandResults(h).map((r) => [r.id, r.status === 'error' ? r.error.code : r.status]),
    ).toEqual([
      ['cmd-0000000001', 'UNKNOWN_COMMAND'],
      ['cmd-0000000002', 'INVALID_ARGS'],
      ['cmd-0000000003', 'EXPIRED'],
      ['cmd-0000000004', 'accepted'],
      ['cmd-0000000004', 'ok'],
      ['cmd-0000000004', 'ok'],
    ]);
  });

  it('refuses an expired command without running it', async () => {
    const h = harness();
    const calls: unknown[] = [];
    const d = setup(h, { unlock: unlockHandler(calls) });
    const now = h.clock.now();
    // expiresAt equal to now is already too late.
    const expired = command(h, {
      issuedAt: new Date(now - 60_000).toISOString(),
      expiresAt: new Date(now).toISOString(),
    });
    await d.handle('unlock', expired);
    expect(calls).toEqual([]);
    expect(commandResults(h)).toEqual([
      expect.objectContaining({
        id: 'cmd-0000000001',
        status: 'error',
        error: { code: 'EXPIRED', message: 'expired at 2026-01-01T00:00:00.000Z; not executed' },
      }),
    ]);
  });

  it('never runs an id twice and re-sends the stored outcome, even after expiry', async () => {
    const h = harness();
    const calls: unknown[] = [];
    const d = setup(h, { unlock: unlockHandler(calls) });
    const payload = command(h);
    await d.handle('unlock', payload);
    await d.handle('unlock', payload);
    await h.clock.advance(120_000);
    await d.handle('unlock', payload);
    expect(calls).toHaveLength(1);
    const results = commandResults(h);
    // Acknowledged once: a redelivery is answered with the outcome, never accepted again.
    expect(results.map((r) => [r.seq, r.status, r.status === 'ok' && r.data])).toEqual([
      [1, 'accepted', false],
      [2, 'ok', { box: 3, opened: true }],
      [3, 'ok', { box: 3, opened: true }],
      [4, 'ok', { box: 3, opened: true }],
    ]);
    expect(d.stats()).toMatchObject({ received: 3, duplicates: 2 });
  });

  it('answers DUPLICATE to a redelivery while the first is still running', async () => {
    const h = harness();
    const calls: unknown[] = [];
    let release: (v: Record<string, unknown>) => void = () => undefined;
    const slow = () =>
      new Promise<Record<string, unknown>>((resolve) => {
        release = resolve;
      });
    const d = setup(h, { unlock: unlockHandler(calls, slow) });
    const first = d.handle('unlock', command(h));
    await d.handle('unlock', command(h));
    release({ opened: true });
    await first;
    expect(calls).toHaveLength(1);
    expect(commandResults(h).map((r) => (r.status === 'error' ? r.error.code : r.status))).toEqual([
      'accepted',
      'DUPLICATE',
      'ok',
    ]);
  });

  it('answers UNKNOWN_COMMAND, and REFUSED for a module that is not running', async () => {
    const h = harness();
    const d = setup(h, {}, (name) =>
      name === 'unlock'
        ? { kind: 'unavailable', module: 'locker', state: 'failed' }
        : { kind: 'unknown' },
    );
    await d.handle('reboot', command(h, { id: 'cmd-0000000001' }));
    await d.handle('unlock', command(h, { id: 'cmd-0000000002' }));
    expect(commandResults(h).map((r) => [r.id, r.name, r.status === 'error' && r.error])).toEqual([
      [
        'cmd-0000000001',
        'reboot',
        { code: 'UNKNOWN_COMMAND', message: 'this device has no command reboot' },
      ],
      ['cmd-0000000002', 'unlock', { code: 'REFUSED', message: 'module locker is failed' }],
    ]);
  });

  it('answers INVALID_ARGS without running, and never echoes argument values', async () => {
    const h = harness();
    const calls: unknown[] = [];
    const d = setup(h, { unlock: unlockHandler(calls) });
    await d.handle('unlock', command(h, { args: { box: 0, code: `${PICKUP_CODE}9` } }));
    expect(calls).toEqual([]);
    const [result] = commandResults(h);
    expect(result).toMatchObject({ status: 'error', error: { code: 'INVALID_ARGS' } });
    const message = result?.status === 'error' ? result.error.message : '';
    expect(message).toMatch(/^box: .*; code: /);
    expect(message).not.toContain(PICKUP_CODE);
    expect(h.logText()).not.toContain(PICKUP_CODE);
  });

  it('answers a malformed command to its id, and drops one without an id', async () => {
    const h = harness();
    const d = setup(h, {});
    await d.handle('unlock', Buffer.from(JSON.stringify({ id: 'cmd-0000000009', args: 3 })));
    await d.handle('unlock', Buffer.from('{"not": "a command"'));
    await d.handle('unlock', Buffer.from(JSON.stringify({ id: 'x', code: PICKUP_CODE })));
    const results = commandResults(h);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      id: 'cmd-0000000009',
      status: 'error',
      error: { code: 'INVALID_ARGS' },
    });
    expect(d.stats()).toMatchObject({ received: 3, dropped: 2 });
    expect(h.logText()).not.toContain(PICKUP_CODE);
  });

  it('answers a CommandError with its code, and any other exception as INTERNAL', async () => {
    const h = harness();
    const d = setup(h, {
      unlock: defineCommand({
        args: z.object({}).loose(),
        run: () => Promise.reject(new CommandError('HARDWARE_FAILURE', 'lock board 1 silent')),
      }),
      reboot: defineCommand({
        args: z.object({}).loose(),
        run: () => Promise.reject(new Error(`oops, code ${PICKUP_CODE} in a message`)),
      }),
    });
    await d.handle('unlock', command(h, { id: 'cmd-0000000001' }));
    await d.handle('reboot', command(h, { id: 'cmd-0000000002' }));
    expect(commandResults(h).map((r) => (r.status === 'error' ? r.error : r.status))).toEqual([
      'accepted',
      { code: 'HARDWARE_FAILURE', message: 'lock board 1 silent' },
      'accepted',
      { code: 'INTERNAL', message: 'the command failed unexpectedly' },
    ]);
  });

  it('answers TIMEOUT when a handler does not settle in time', async () => {
    const h = harness();
    const d = setup(h, {
      unlock: defineCommand({
        args: z.object({}).loose(),
        run: () => new Promise<Record<string, unknown>>(() => undefined),
      }),
    });
    const handling = d.handle('unlock', command(h));
    await h.clock.advance(9_999);
    expect(commandResults(h).map((r) => r.status)).toEqual(['accepted']);
    await h.clock.advance(1);
    await handling;
    expect(commandResults(h).slice(1)).toEqual([
      expect.objectContaining({
        status: 'error',
        error: expect.objectContaining({ code: 'TIMEOUT' }) as unknown,
      }),
    ]);
    expect(d.stats().running).toBe(0);
  });

  it('answers a command cut short by a restart as INTERNAL, once, and never retries it', async () => {
    const path = join(folder({}), 'agent.db');
    const before = harness(openAgentDb(path));
    const calls: unknown[] = [];
    const d1 = setup(before, {
      unlock: unlockHandler(calls, () => new Promise(() => undefined)),
    });
    void d1.handle('unlock', command(before));
    await before.clock.advance(0);
    expect(calls).toHaveLength(1);
    before.db.close(); // the power cut: no result was recorded

    const after = harness(openAgentDb(path), before.clock);
    const d2 = setup(after, { unlock: unlockHandler(calls) });
    // The acknowledgement was committed before the handler ran, so it survived the power cut.
    expect(commandResults(after)).toEqual([
      expect.objectContaining({ id: 'cmd-0000000001', status: 'accepted' }),
      expect.objectContaining({
        id: 'cmd-0000000001',
        name: 'unlock',
        status: 'error',
        error: { code: 'INTERNAL', message: 'interrupted by a restart; not retried' },
      }),
    ]);
    // The broker redelivers it: the stored answer goes out again, the lock stays shut.
    await d2.handle('unlock', command(after));
    expect(calls).toHaveLength(1);
    expect(commandResults(after).map((r) => r.status === 'error' && r.error.code)).toEqual([
      false,
      'INTERNAL',
      'INTERNAL',
    ]);
    after.db.close();
  });

  it('refuses new commands once stopping, and settles when running ones finish', async () => {
    const h = harness();
    const calls: unknown[] = [];
    let release: (v: Record<string, unknown>) => void = () => undefined;
    const d = setup(h, {
      unlock: unlockHandler(
        calls,
        () =>
          new Promise((resolve) => {
            release = resolve;
          }),
      ),
    });
    const running = d.handle('unlock', command(h, { id: 'cmd-0000000001' }));
    d.stop();
    await d.handle('unlock', command(h, { id: 'cmd-0000000002' }));
    let settled = false;
    const idle = d.settled().then(() => {
      settled = true;
    });
    await h.clock.advance(0);
    expect(settled).toBe(false);
    release({ opened: true });
    await running;
    await idle;
    expect(
      commandResults(h).map((r) => [r.id, r.status === 'error' ? r.error.code : r.status]),
    ).toEqual([
      ['cmd-0000000001', 'accepted'],
      ['cmd-0000000002', 'REFUSED'],
      ['cmd-0000000001', 'ok'],
    ]);
    expect(calls).toHaveLength(1);
  });
});
