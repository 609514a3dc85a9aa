import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ManualClock, ProtocolError } from '@hameau/protocol';
import { openAgentDb } from '../../src/store/agent-db.js';
import { ExecutedCommands } from '../../src/store/executed-commands.js';
import { useTempDirs } from './temp-dir.js';

const tempDir = useTempDirs('hameau-cmds-');
const DAY = 86_400_000;

function withStore(path: string, clock: ManualClock, fn: (store: ExecutedCommands) => void) {
  const db = openAgentDb(path, { clock });
  try {
    fn(new ExecutedCommands(db, clock));
  } finally {
    db.close();
  }
}

describe('ExecutedCommands', () => {
  it('runs a command id at most once, across a restart', () => {
    const path = join(tempDir(), 'agent.db');
    const clock = new ManualClock(Date.UTC(2026, 10, 25));
    withStore(path, clock, (store) => {
      expect(store.begin('cmd-unlock-1', 'unlock')).toBe(true);
      expect(store.begin('cmd-unlock-1', 'unlock')).toBe(false);
      store.finish('cmd-unlock-1', { status: 'ok', data: { box: 3 } });
    });
    withStore(path, clock, (store) => {
      expect(store.begin('cmd-unlock-1', 'unlock')).toBe(false);
      expect(store.get('cmd-unlock-1')).toEqual({
        name: 'unlock',
        startedAt: clock.now(),
        outcome: { status: 'ok', data: { box: 3 } },
      });
      expect(store.get('cmd-never-seen')).toBeUndefined();
    });
  });

  it('lists commands a crash interrupted, oldest first, after a restart', async () => {
    const path = join(tempDir(), 'agent.db');
    const clock = new ManualClock(Date.UTC(2026, 10, 25));
    const db = openAgentDb(path, { clock });
    const store = new ExecutedCommands(db, clock);
    store.begin('cmd-done-0001', 'unlock');
    store.finish('cmd-done-0001', {
      status: 'error',
      error: { code: 'HARDWARE_FAILURE', message: 'board 2 did not answer' },
    });
    await clock.advance(1_000);
    store.begin('cmd-crash-002', 'override');
    await clock.advance(1_000);
    store.begin('cmd-crash-001', 'unlock');
    // The agent dies here: no finish, no clean close of the store.
    db.close();

    withStore(path, clock, (after) => {
      const start = Date.UTC(2026, 10, 25);
      expect(after.unfinished()).toEqual([
        { id: 'cmd-crash-002', name: 'override', startedAt: start + 1_000 },
        { id: 'cmd-crash-001', name: 'unlock', startedAt: start + 2_000 },
      ]);
      expect(after.get('cmd-crash-001')?.outcome).toBeNull();
      after.finish('cmd-crash-001', {
        status: 'error',
        error: { code: 'INTERNAL', message: 'agent restarted mid-command' },
      });
      expect(after.unfinished().map((c) => c.id)).toEqual(['cmd-crash-002']);
    });
  });

  it('refuses to finish twice or without begin, and refuses invalid input', () => {
    const clock = new ManualClock();
    withStore(':memory:', clock, (store) => {
      expect(() => {
        store.finish('cmd-nobody-1', { status: 'ok', data: {} });
      }).toThrow(/never begun/);
      store.begin('cmd-twice-01', 'unlock');
      store.finish('cmd-twice-01', { status: 'ok', data: {} });
      expect(() => {
        store.finish('cmd-twice-01', { status: 'ok', data: { again: true } });
      }).toThrow(/already finished/);
      expect(store.get('cmd-twice-01')?.outcome).toEqual({ status: 'ok', data: {} });
      expect(() => store.begin('short', 'unlock')).toThrow(ProtocolError);
      expect(() => store.begin('cmd-valid-01', 'Not A Name')).toThrow(ProtocolError);
      store.begin('cmd-valid-02', 'unlock');
      const bogus = { status: 'error', error: { code: 'OOPS', message: 'x' } } as never;
      expect(() => {
        store.finish('cmd-valid-02', bogus);
      }).toThrow(ProtocolError);
      expect(store.unfinished().map((c) => c.id)).toEqual(['cmd-valid-02']);
    });
  });

  it('reports a damaged stored outcome instead of returning it', () => {
    const clock = new ManualClock();
    const db = openAgentDb(':memory:');
    try {
      const store = new ExecutedCommands(db, clock);
      store.begin('cmd-broken-1', 'unlock');
      db.prepare('UPDATE executed_command SET outcome = \'{"status":"maybe"}\'').run();
      expect(() => store.get('cmd-broken-1')).toThrow(ConfigError);
      expect(() => store.get('cmd-broken-1')).toThrow(/cmd-broken-1/);
    } finally {
      db.close();
    }
  });

  it('prunes records older than the horizon, finished or not', async () => {
    const clock = new ManualClock();
    const db = openAgentDb(':memory:');
    try {
      const store = new ExecutedCommands(db, clock);
      store.begin('cmd-old-0001', 'unlock');
      store.finish('cmd-old-0001', { status: 'ok', data: {} });
      store.begin('cmd-old-0002', 'unlock');
      await clock.advance(3 * DAY);
      store.begin('cmd-new-0001', 'unlock');
      await clock.advance(DAY);
      expect(store.prune(2 * DAY)).toBe(2);
      expect(store.prune(2 * DAY)).toBe(0);
      expect(store.get('cmd-old-0001')).toBeUndefined();
      expect(store.begin('cmd-new-0001', 'unlock')).toBe(false);
      // Forgotten ids could run again: that is why the horizon must exceed command expiry.
      expect(store.begin('cmd-old-0001', 'unlock')).toBe(true);
    } finally {
      db.close();
    }
  });
});
