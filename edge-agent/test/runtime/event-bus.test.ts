import { describe, expect, it } from 'vitest';
import type { AgentEvents } from '../../src/runtime/agent-events.js';
import { EventBus } from '../../src/runtime/event-bus.js';
import { captureLog } from './harness.js';

// A module adds its events to the agent's map by declaration merging, next to its own code.
declare module '../../src/runtime/agent-events.js' {
  interface AgentEvents {
    'test.door-opened': { readonly box: number };
  }
}

describe('EventBus', () => {
  it('delivers typed payloads to every listener, in subscription order', () => {
    const bus = new EventBus<AgentEvents>(captureLog().log);
    const seen: string[] = [];
    bus.on('test.door-opened', (e) => seen.push(`first ${e.box}`));
    bus.on('test.door-opened', (e) => seen.push(`second ${e.box}`));
    expect(bus.emit('test.door-opened', { box: 3 })).toBe(2);
    expect(seen).toEqual(['first 3', 'second 3']);
  });

  it('unsubscribes, and `once` fires a single time', () => {
    const bus = new EventBus<{ tick: number }>(captureLog().log);
    const seen: number[] = [];
    const off = bus.on('tick', (n) => seen.push(n));
    bus.once('tick', (n) => seen.push(n * 100));
    bus.emit('tick', 1);
    off();
    bus.emit('tick', 2);
    expect(seen).toEqual([1, 100]);
    expect(bus.listenerCount('tick')).toBe(0);
  });

  it('keeps two subscriptions of the same function apart', () => {
    const bus = new EventBus<{ tick: number }>(captureLog().log);
    let calls = 0;
    const listener = () => {
      calls++;
    };
    const offA = bus.on('tick', listener);
    bus.on('tick', listener);
    offA();
    bus.emit('tick', 1);
    expect(calls).toBe(1);
  });

  it('logs a throwing listener and still calls the others', () => {
    const { log, lines } = captureLog();
    const bus = new EventBus<{ tick: number }>(log);
    const seen: number[] = [];
    bus.on('tick', () => {
      throw new Error('listener bug');
    });
    bus.on('tick', (n) => seen.push(n));
    expect(() => bus.emit('tick', 7)).not.toThrow();
    expect(seen).toEqual([7]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        event: 'tick',
        err: expect.objectContaining({ message: 'listener bug' }) as unknown,
      }),
    ]);
  });

  it('applies subscriptions made during an emit from the next emit on', () => {
    const bus = new EventBus<{ tick: number }>(captureLog().log);
    const seen: string[] = [];
    bus.on('tick', () => {
      seen.push('outer');
      bus.on('tick', () => seen.push('inner'));
    });
    bus.emit('tick', 1);
    expect(seen).toEqual(['outer']);
    bus.emit('tick', 2);
    expect(seen).toEqual(['outer', 'outer', 'inner']);
  });
});
