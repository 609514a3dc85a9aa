import { describe, expect, it } from 'vitest';
import { TOPICS } from '@hameau/protocol';
import { classifyIncoming, linkSubscriptions } from '../../src/link/link-topics.js';

const id = { site: 'gare', device: 'lockers' } as const;

describe('linkSubscriptions', () => {
  it('adds the credential set for a locker bank and the weather for a lighting controller', () => {
    const base = [TOPICS.command.filter(id), TOPICS.desiredConfig.build(id)];
    expect(linkSubscriptions({ ...id, kind: 'meters' }, false).filters).toEqual(base);
    expect(linkSubscriptions({ ...id, kind: 'locker' }, false).filters).toEqual([
      ...base,
      TOPICS.credentials.build(id),
    ]);
    expect(linkSubscriptions({ ...id, kind: 'lighting' }, false).filters).toEqual([
      ...base,
      TOPICS.weather.build(id),
    ]);
  });

  it('subscribes to the cloud acknowledgements only in cloud-ack mode', () => {
    const acks = linkSubscriptions({ ...id, kind: 'meters' }, true);
    expect(acks.ingested).toBe(TOPICS.ingested.build(id));
    expect(acks.filters.at(-1)).toBe(acks.ingested);
    expect(linkSubscriptions({ ...id, kind: 'meters' }, false).filters).not.toContain(
      acks.ingested,
    );
  });
});

describe('classifyIncoming', () => {
  const me = { ...id, kind: 'locker' } as const;

  it('tells each of the device’s own topics apart', () => {
    expect(classifyIncoming(TOPICS.command.build({ ...id, name: 'unlock' }), me)).toEqual({
      kind: 'command',
      name: 'unlock',
    });
    expect(classifyIncoming(TOPICS.desiredConfig.build(id), me)).toEqual({
      kind: 'desiredConfig',
    });
    expect(classifyIncoming(TOPICS.credentials.build(id), me)).toEqual({ kind: 'credentials' });
    expect(classifyIncoming(TOPICS.weather.build(id), me)).toEqual({ kind: 'weather' });
    expect(classifyIncoming(TOPICS.ingested.build(id), me)).toEqual({ kind: 'ingested' });
  });

  it('answers null for another device’s topics and for topics it never subscribes to', () => {
    const other = { site: 'gare', device: 'meters' };
    expect(classifyIncoming(TOPICS.command.build({ ...other, name: 'unlock' }), me)).toBeNull();
    expect(classifyIncoming(TOPICS.desiredConfig.build({ ...id, site: 'mairie' }), me)).toBeNull();
    expect(classifyIncoming(TOPICS.status.build(id), me)).toBeNull();
    expect(classifyIncoming('not/a/hameau/topic', me)).toBeNull();
  });
});
