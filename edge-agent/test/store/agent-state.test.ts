import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '@hameau/protocol';
import { openAgentDb } from '../../src/store/agent-db.js';
import { AgentState } from '../../src/store/agent-state.js';
import { useTempDirs } from './temp-dir.js';

const tempDir = useTempDirs('hameau-state-');

function withState(path: string, fn: (state: AgentState) => void) {
  const db = openAgentDb(path);
  try {
    fn(new AgentState(db));
  } finally {
    db.close();
  }
}

const AppliedConfig = z.object({
  version: z.number().int(),
  config: z.record(z.string(), z.unknown()),
});

describe('AgentState', () => {
  it('commits the writes of one atomically together, or none of them when it throws', () => {
    const path = join(tempDir(), 'agent.db');
    withState(path, (state) => {
      state.atomically(() => {
        state.set('locker.used', { a: 1 });
        state.set('locker.boxes', { 7: 'expecting' });
      });
      expect(() =>
        state.atomically(() => {
          state.set('locker.used', { a: 1, b: 2 });
          throw new Error('power cut before the commit');
        }),
      ).toThrow(/power cut/);
    });
    withState(path, (state) => {
      expect(state.get('locker.used', z.record(z.string(), z.number()))).toEqual({ a: 1 });
      expect(state.get('locker.boxes', z.record(z.string(), z.string()))).toEqual({
        7: 'expecting',
      });
    });
  });

  it('increments a counter that survives a reopen', () => {
    const path = join(tempDir(), 'agent.db');
    withState(path, (state) => {
      expect(state.increment('mqtt.session')).toBe(1);
      expect(state.increment('mqtt.session')).toBe(2);
      expect(state.increment('other')).toBe(1);
    });
    withState(path, (state) => {
      expect(state.increment('mqtt.session')).toBe(3);
      expect(state.get('mqtt.session', z.number())).toBe(3);
    });
  });

  it('never hands out the same counter value to two connections', () => {
    const path = join(tempDir(), 'agent.db');
    const [a, b] = [openAgentDb(path), openAgentDb(path)];
    try {
      const sa = new AgentState(a);
      const sb = new AgentState(b);
      const values = Array.from({ length: 10 }, () => [sa.increment('n'), sb.increment('n')]);
      expect(values.flat()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      a.close();
      b.close();
    }
  });

  it('stores JSON values durably and returns them through their schema', () => {
    const path = join(tempDir(), 'agent.db');
    const applied = { version: 7, config: { lighting: { zones: ['a', 'b'] } } };
    withState(path, (state) => {
      expect(state.get('config.applied', AppliedConfig)).toBeUndefined();
      state.set('config.applied', applied);
      state.set('weather.last', null);
    });
    withState(path, (state) => {
      expect(state.get('config.applied', AppliedConfig)).toEqual(applied);
      expect(state.get('weather.last', z.null())).toBeNull();
      expect(state.delete('weather.last')).toBe(true);
      expect(state.delete('weather.last')).toBe(false);
      expect(state.get('weather.last', z.null())).toBeUndefined();
    });
  });

  it('throws a ConfigError naming the key when a stored value fails its schema', () => {
    withState(':memory:', (state) => {
      state.set('config.applied', { version: 'seven', config: [] });
      const read = () => state.get('config.applied', AppliedConfig);
      expect(read).toThrow(ConfigError);
      expect(read).toThrow(/agent state "config\.applied"/);
      expect(read).toThrow(
        expect.objectContaining({
          problems: [expect.stringMatching(/^version:/), expect.stringMatching(/^config:/)],
        }),
      );
      // A damaged counter is reported, not silently restarted from 1.
      state.set('mqtt.session', 'lots');
      expect(() => state.increment('mqtt.session')).toThrow(/mqtt\.session/);
      expect(state.get('mqtt.session', z.string())).toBe('lots');
    });
  });

  it('refuses a value JSON cannot represent', () => {
    withState(':memory:', (state) => {
      expect(() => {
        state.set('nothing', undefined);
      }).toThrow(TypeError);
      expect(state.get('nothing', z.unknown())).toBeUndefined();
    });
  });
});
